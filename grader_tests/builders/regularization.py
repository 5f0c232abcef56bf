"""Stored inputs and expected values of the visible checks of ``06_regularization``."""

from __future__ import annotations

import numpy as np

from coursework import regularization

from ..hidden.regularization import batchnorm_reference

ASSIGNMENT = "06_regularization"


def build(rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Inputs and expected values for ``grader_tests.regularization``.

    Without ``rng``: the stored ones. With ``rng`` (a student's, when the judge grades):
    drawn from it the same way.
    """
    rng = np.random.default_rng(20261212) if rng is None else rng
    out: dict[str, np.ndarray] = {}
    W = rng.standard_normal((3, 4)).round(2)
    W[0, 1] = W[2, 3] = W[1, 0] = 0.0              # L1's gradient is 0 at 0
    out["pen_W"] = W
    out["l2_value"], out["l2_grad"] = (np.asarray(v) for v in regularization.l2(W))
    out["l1_value"], out["l1_grad"] = (np.asarray(v) for v in regularization.l1(W))
    for beta in (0.5, 0.0, 1.0):
        value, grad = regularization.elastic_net(W, beta)
        out[f"en_value_b{beta:g}"], out[f"en_grad_b{beta:g}"] = np.asarray(value), grad

    out["do_x"] = rng.standard_normal((4, 5)).round(2)
    out["do_mask"] = rng.random((4, 5)) >= 0.3
    out["do_dout"] = rng.standard_normal((4, 5)).round(2)
    layer = regularization.Dropout(0.3, rng=0)
    out["do_out"] = layer.forward(out["do_x"], mask=out["do_mask"])
    out["do_dx"] = layer.backward(out["do_dout"])

    scales, shifts = np.array([1.0, 10.0, 0.1, 3.0]), np.array([0.0, 5.0, -1.0, 2.0])
    out["bn_x"] = (rng.standard_normal((6, 4)) * scales + shifts).round(3)
    out["bn_gamma"] = np.array([1.0, 0.5, 2.0, -1.5])
    out["bn_beta"] = np.array([0.0, 1.0, -0.5, 0.25])
    bn_out, (x_hat, _, inv_std), layer = batchnorm_reference(out["bn_x"], out["bn_gamma"], out["bn_beta"])
    out["bn_out"], out["bn_x_hat"], out["bn_inv_std"] = bn_out, x_hat, inv_std
    out["bn_dout"] = rng.standard_normal((6, 4)).round(2)
    out["bn_dx"] = layer.backward(out["bn_dout"])
    out["bn_dgamma"], out["bn_dbeta"] = layer.grads["gamma"], layer.grads["beta"]
    return out
