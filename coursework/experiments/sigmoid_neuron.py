"""The sigmoid neuron (lecture topic 9): σ'(x) = (1 − σ)σ against a centred difference,
and the lecture's neuron computed with the array layers ``Linear`` and ``Sigmoid``: the
same numbers as the scalar graph. For 04_backprop; importable from
:mod:`coursework.experiments.backprop` too.
"""

from __future__ import annotations

import numpy as np

from ..devices import on_cpu
from ..nn import Linear, Sigmoid
from ..nn import functional as F
from ..i18n.figures import tr

__all__ = ["sigmoid_derivative", "plot_sigmoid_derivative", "neuron_as_layers"]


@on_cpu
def sigmoid_derivative(x=None, h: float = 1e-5) -> dict[str, np.ndarray | float]:
    """σ'(x) = (1 − σ(x))σ(x) next to the centred difference (σ(x+h) − σ(x−h)) / 2h.

    Parameters
    ----------
    x : array of shape (K,), float64, optional
        Where to compare (default: 201 points from −8 to 8).
    h : float
        Finite-difference step.

    Returns
    -------
    dict with ``"x"``, ``"sigma"``, ``"analytic"`` ((1 − σ)σ) and ``"numerical"``, arrays
    of shape (K,), and ``"max_abs_error"`` (float).
    """
    x = np.linspace(-8.0, 8.0, 201) if x is None else np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"sigmoid_derivative: expected x of shape (K,), got shape {x.shape}")
    s = F.sigmoid(x)
    analytic = (1.0 - s) * s
    numerical = (F.sigmoid(x + h) - F.sigmoid(x - h)) / (2.0 * h)  # one centred difference per point
    return {"x": x, "sigma": s, "analytic": analytic, "numerical": numerical,
            "max_abs_error": float(np.max(np.abs(analytic - numerical)))}


@on_cpu
def plot_sigmoid_derivative(result: dict | None = None, ax=None):
    """σ, (1 − σ)σ and the finite difference (dots) on one axes; returns the figure."""
    import matplotlib.pyplot as plt

    r = sigmoid_derivative() if result is None else result
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.5))
    else:
        fig = ax.figure
    ax.plot(r["x"], r["sigma"], label="σ(x)")
    ax.plot(r["x"], r["analytic"], label="(1 − σ(x)) σ(x)")
    ax.plot(r["x"][::8], r["numerical"][::8], "o", ms=4, label=tr("finite difference"))
    ax.set_xlabel("x")
    ax.set_title(tr(f"σ'(x) = (1 − σ)σ; largest difference {r['max_abs_error']:.1e}"))
    ax.legend()
    return fig


@on_cpu
def neuron_as_layers(w0: float = 2.0, x0: float = -1.0, w1: float = -3.0, x1: float = -2.0,
                     w2: float = -3.0, linear=None, sigmoid=None) -> dict[str, float]:
    """The lecture's sigmoid neuron as two array layers: σ(x @ W + b).

    x = [[x0, x1]] (shape (1, 2)), W = [[w0], [w1]] (shape (2, 1)), b = [w2]. The forward
    pass runs Linear then Sigmoid; the backward pass starts from dout = 1.

    Parameters
    ----------
    linear, sigmoid : layer objects, optional
        Layers to use instead of the package's :class:`~coursework.nn.Linear` and
        :class:`~coursework.nn.Sigmoid`; ``linear`` must have ``params["W"]`` and
        ``params["b"]``, which are set here.

    Returns
    -------
    dict with ``"f"`` and the gradients ``"w0"``, ``"x0"``, ``"w1"``, ``"x1"``, ``"w2"``
    (floats), to compare with :func:`coursework.graph.sigmoid_neuron_example`.
    """
    linear = Linear(2, 1, rng=0) if linear is None else linear
    sigmoid = Sigmoid() if sigmoid is None else sigmoid
    linear.params["W"] = np.array([[w0], [w1]])
    linear.params["b"] = np.array([w2])
    x = np.array([[x0, x1]])
    f = sigmoid.forward(linear.forward(x))
    dx = linear.backward(sigmoid.backward(np.ones_like(f)))
    dW, db = linear.grads["W"], linear.grads["b"]
    return {"f": float(f[0, 0]), "w0": float(dW[0, 0]), "x0": float(dx[0, 0]), "w1": float(dW[1, 0]),
            "x1": float(dx[0, 1]), "w2": float(db[0])}
