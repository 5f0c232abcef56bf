"""Stored inputs and expected values of the visible checks of ``03_activations``,
made from ``coursework.nn.functional`` and ``coursework.nn.Maxout``."""

from __future__ import annotations

import numpy as np

from coursework import nn
from coursework.nn import functional as F

ASSIGNMENT = "03_activations"

#: key -> (f, f', keyword arguments of the student's functions)
ELEMENTWISE = {
    "sigmoid": (F.sigmoid, F.sigmoid_grad, {}),
    "tanh": (F.tanh, F.tanh_grad, {}),
    "relu": (F.relu, F.relu_grad, {}),
    "leaky_relu": (F.leaky_relu, F.leaky_relu_grad, {}),
    "leaky_relu_02": (F.leaky_relu, F.leaky_relu_grad, {"alpha": 0.2}),
    "elu": (F.elu, F.elu_grad, {}),
    "elu_05": (F.elu, F.elu_grad, {"alpha": 0.5}),
}

#: The derivative with the slope of the x > 0 side at x = 0 (a common slip), for the hint.
RIGHT_SLOPE = {
    "relu": lambda x, **kw: (x >= 0).astype(np.float64),
    "leaky_relu": lambda x, alpha=0.01: np.where(x >= 0, 1.0, alpha),
    "leaky_relu_02": lambda x, alpha=0.01: np.where(x >= 0, 1.0, alpha),
    "elu": lambda x, alpha=1.0: np.where(x >= 0, 1.0, alpha * np.exp(np.minimum(x, 0))),
    "elu_05": lambda x, alpha=1.0: np.where(x >= 0, 1.0, alpha * np.exp(np.minimum(x, 0))),
}


def maxout_all_winners(dout, x, W, b):
    """The Maxout backward pass that gives a tie's gradient to every winning piece (wrong, for the hint)."""
    z = x @ W + b[:, None, :]
    dz = (z == z.max(axis=0)) * dout[None]
    return np.sum(dz @ np.swapaxes(W, 1, 2), axis=0), x.T @ dz, dz.sum(axis=1)


def build(rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Inputs and expected values for ``grader_tests.activations``.

    Without ``rng``: the stored ones. With ``rng`` (a student's, when the judge grades):
    drawn from it the same way.
    """
    rng = np.random.default_rng(20261203) if rng is None else rng
    out: dict[str, np.ndarray] = {}
    x = rng.normal(0.0, 2.0, size=(4, 6)).round(3)
    x[0, :3] = 0.0                                  # on the kink
    x[1, :4] = (-30.0, 30.0, -12.0, 12.0)           # saturated sigmoid / tanh
    x[2, 0], x[2, 1] = 1e-3, -1e-3                  # just beside the kink
    out["x"] = x
    out["dout"] = rng.normal(0.0, 1.0, size=x.shape).round(3) + 0.01  # no exact zeros
    for key, (f, df, kw) in ELEMENTWISE.items():
        out[f"{key}_out"] = f(x, **kw)
        out[f"{key}_grad"] = df(x, **kw)
        out[f"{key}_dx"] = out["dout"] * df(x, **kw)
        if key in RIGHT_SLOPE:
            out[f"{key}_dx_right"] = out["dout"] * RIGHT_SLOPE[key](x, **kw)

    # Maxout: small integers, so every computation order gives the same sums and the
    # tie below is exact. Pieces 0 and 1 of output column 0 are equal: a tie everywhere.
    K, N, D, M = 3, 5, 4, 3
    W = rng.integers(-3, 4, size=(K, D, M)).astype(np.float64)
    b = rng.integers(-2, 3, size=(K, M)).astype(np.float64)
    W[1, :, 0], b[1, 0] = W[0, :, 0], b[0, 0]
    xm = rng.integers(-3, 4, size=(N, D)).astype(np.float64)
    layer = nn.Maxout(D, M, rng=0, pieces=K)
    layer.params["W"], layer.params["b"] = W, b
    out["maxout_x"], out["maxout_W"], out["maxout_b"] = xm, W, b
    out["maxout_out"] = layer.forward(xm)
    out["maxout_dout"] = rng.integers(-3, 4, size=(N, M)).astype(np.float64) + 0.5
    out["maxout_dx"] = layer.backward(out["maxout_dout"])
    out["maxout_dW"], out["maxout_db"] = layer.grads["W"], layer.grads["b"]
    for name, value in zip(("dx", "dW", "db"), maxout_all_winners(out["maxout_dout"], xm, W, b)):
        out[f"maxout_tie_all_{name}"] = value
    return out
