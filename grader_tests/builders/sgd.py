"""Stored inputs and expected values of the visible checks of ``05_sgd``."""

from __future__ import annotations

import numpy as np

from coursework import gradcheck, optim

from ..hidden.sgd import relu_net_reference
from ..sgd import cube_sum, wave

ASSIGNMENT = "05_sgd"


def build() -> dict[str, np.ndarray]:
    """Inputs and expected values for ``grader_tests.sgd``."""
    rng = np.random.default_rng(20261205)
    out: dict[str, np.ndarray] = {}
    out["ng_x_vector"] = rng.standard_normal(6).round(3)
    out["ng_x_matrix"] = rng.standard_normal((3, 4)).round(3)
    for fname, f, key, h in (("cube_sum", cube_sum, "ng_x_vector", 1e-3), ("wave", wave, "ng_x_matrix", 1e-4),
                             ("wave", wave, "ng_x_matrix", None)):
        suffix = "default" if h is None else f"{h:g}"
        out[f"ng_{fname}_{key}_h{suffix}"] = gradcheck.numerical_gradient(f, out[key], 1e-5 if h is None else h)

    out["sgd_W1"] = rng.standard_normal((3, 2)).round(2)
    out["sgd_b1"] = rng.standard_normal(2).round(2)
    out["sgd_dW1"] = rng.standard_normal((3, 2)).round(2)
    out["sgd_db1"] = rng.standard_normal(2).round(2)
    for lr in (0.1, 0.5):
        params = {"W1": out["sgd_W1"].copy(), "b1": out["sgd_b1"].copy()}
        optim.SGD(lr).step(params, {"W1": out["sgd_dW1"], "b1": out["sgd_db1"]})
        for name, value in params.items():
            out[f"sgd_{name}_lr{lr:g}"] = value

    out["net_x"] = rng.standard_normal((5, 4))
    out["net_y"] = rng.standard_normal((5, 3))
    out["net_w1"] = rng.standard_normal((4, 6))
    out["net_w2"] = rng.standard_normal((6, 3))
    loss, g1, g2 = relu_net_reference(out["net_x"], out["net_y"], out["net_w1"], out["net_w2"])
    out["net_loss"] = np.asarray(loss)
    out["net_grad_w1"], out["net_grad_w2"] = g1, g2
    return out
