"""Stored inputs and expected values of the visible checks of ``05_sgd``."""

from __future__ import annotations

import numpy as np

from coursework import gradcheck, optim

from ..hidden.sgd import relu_net_reference
from ..sgd import ITERATION_CASES, cube_sum, wave

ASSIGNMENT = "05_sgd"


def build(rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Inputs and expected values for ``grader_tests.sgd``.

    Without ``rng``: the stored ones. With ``rng`` (a student's, when the judge grades):
    drawn from it the same way.
    """
    fixed = rng is None
    rng = np.random.default_rng(20261205) if fixed else rng
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

    # the quadratic of check_numerical_gradient_quadratic, and iterations_per_epoch's cases
    quad = np.random.default_rng(5) if fixed else rng
    out["quad_A"], out["quad_b"], out["quad_x"] = (quad.standard_normal((6, 6)), quad.standard_normal(6),
                                                   quad.standard_normal((3, 2)))
    cases = [(n, b) for n, b, _ in ITERATION_CASES]
    if not fixed:  # the same n (and the small cases' relation of n to the batch size), other batch sizes
        sizes = [int(v) for v in rng.choice(np.arange(20, 300), size=4, replace=False)]
        small = int(rng.integers(20, 200))
        cases = [(50_000, sizes[0]), (50_000, sizes[1]), (50_000, sizes[2]), (1437, sizes[3]),
                 (2 * small, small), (small, small), (int(rng.integers(1, small)), small), (0, small)]
    out["iter_cases"] = np.array([(n, b, -(-n // b)) for n, b in cases], dtype=np.int64)
    return out
