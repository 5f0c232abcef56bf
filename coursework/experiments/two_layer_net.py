"""The lecture's 2-layer network and its 20-line training loop (lecture topic 8), for 05_sgd.

- :func:`lecture_two_layer_data` -- the lecture's random regression problem and weights;
- :func:`lecture_two_layer_net` -- its training loop, corrected (``randn``, not ``rand``;
  Python 3), in plain NumPy, with a sigmoid or a ReLU hidden layer;
- :func:`squared_error` -- the loss Σ (pred − y)² and its gradient;
- :func:`lecture_net_with_package` -- the same network trained with
  :func:`coursework.train.gradient_descent`.

Also importable from :mod:`coursework.experiments.sgd`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import nn, train
from ..devices import on_cpu

__all__ = ["lecture_two_layer_data", "lecture_two_layer_net", "squared_error", "lecture_net_with_package"]


@on_cpu
def lecture_two_layer_data(N: int = 64, D_in: int = 1000, H: int = 100, D_out: int = 10, rng: Any = 0):
    """The lecture's random regression problem and initial weights.

    Returns ``(x, y, w1, w2)``: x (N, D_in) and y (N, D_out) standard normal, and
    w1 (D_in, H), w2 (H, D_out) standard normal, drawn in this order from ``rng``
    (the lecture's ``randn``; its ``rand`` was a typo).
    """
    gen = np.random.default_rng(rng)
    x, y = gen.standard_normal((N, D_in)), gen.standard_normal((N, D_out))
    w1, w2 = gen.standard_normal((D_in, H)), gen.standard_normal((H, D_out))
    return x, y, w1, w2


@on_cpu
def lecture_two_layer_net(iterations: int = 500, lr: float = 1e-4, rng: Any = 0, *, activation: str = "sigmoid",
                          he_init: bool = False, **sizes) -> list[float]:
    """The lecture's training loop for a 2-layer net, corrected, in plain NumPy.

    Hidden layer ``h = sigmoid(x w1)`` (the lecture's code) or ``h = max(0, x w1)``
    (``activation="relu"``, the lecture's f = W2 max(0, W1 x)), output ``h w2``, loss
    Σ (y_pred − y)² (a sum, not a mean), plain gradient descent on the whole batch of
    N = 64 samples. ``sizes`` go to :func:`lecture_two_layer_data`.

    Parameters
    ----------
    iterations : int
        Updates (the lecture: 2,000).
    lr : float
        Step size (the lecture: 1e-4).
    activation : "sigmoid" or "relu"
    he_init : bool
        Scale the standard normal weights by sqrt(2 / fan_in) (He). With plain ``randn``
        weights a ReLU net's outputs are so large that this step size diverges.

    Returns
    -------
    list of float, length ``iterations``: the loss before every update.
    """
    if activation not in ("sigmoid", "relu"):
        raise ValueError(f"lecture_two_layer_net: expected activation 'sigmoid' or 'relu', got {activation!r}")
    x, y, w1, w2 = lecture_two_layer_data(rng=rng, **sizes)
    if he_init:
        w1, w2 = w1 * np.sqrt(2.0 / w1.shape[0]), w2 * np.sqrt(2.0 / w2.shape[0])
    step = _sigmoid_net_step if activation == "sigmoid" else _relu_net_step
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):     # a diverging run gives inf / NaN losses
        for _ in range(iterations):
            loss, grad_w1, grad_w2 = step(x, y, w1, w2)
            losses.append(float(loss))
            w1 = w1 - lr * grad_w1
            w2 = w2 - lr * grad_w2
    return losses


def _sigmoid_net_step(x, y, w1, w2):
    """The lecture's forward and backward pass of ``sigmoid(x w1) w2``: (loss, grad_w1, grad_w2)."""
    h = 1 / (1 + np.exp(-x.dot(w1)))
    y_pred = h.dot(w2)
    loss = np.square(y_pred - y).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h.T.dot(grad_y_pred)
    grad_h = grad_y_pred.dot(w2.T)
    grad_w1 = x.T.dot(grad_h * h * (1 - h))
    return loss, grad_w1, grad_w2


def _relu_net_step(x, y, w1, w2):
    """The same pass of ``max(0, x w1) w2`` (exercise ``relu_net_step`` of 05_sgd): (loss, grad_w1, grad_w2).

    Shapes: x (N, D), y (N, K), w1 (D, H), w2 (H, K); loss Σ (y_pred − y)² a NumPy
    scalar, grad_w1 (D, H), grad_w2 (H, K).
    """
    # BEGIN REFERENCE 05_sgd
    pre = x.dot(w1)
    h = np.maximum(pre, 0.0)
    y_pred = h.dot(w2)
    loss = np.square(y_pred - y).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h.T.dot(grad_y_pred)
    grad_h = grad_y_pred.dot(w2.T)
    grad_w1 = x.T.dot(grad_h * (pre > 0))
    return loss, grad_w1, grad_w2
    # END REFERENCE


@on_cpu
def squared_error(pred, y):
    """The lecture's regression loss Σ (pred − y)² and its gradient 2 (pred − y).

    Parameters
    ----------
    pred, y : arrays of shape (N, K)

    Returns
    -------
    (loss, dpred) : 0-d array, array of shape (N, K)
    """
    diff = pred - y
    return np.asarray(np.sum(diff * diff)), 2.0 * diff


@on_cpu
def lecture_net_with_package(iterations: int = 500, lr: float = 1e-4, rng: Any = 0, **sizes) -> list[float]:
    """The same network, data, initial weights and loss, trained with the package.

    ``Sequential(Linear(D_in, H), Sigmoid(), Linear(H, D_out))`` with the weights of
    :func:`lecture_two_layer_data` and :func:`coursework.train.gradient_descent` (the
    lecture's loop is full-batch: every step uses all N samples). The package's
    ``Linear`` layers also have biases (zero at the start, trained), so the losses are
    close to :func:`lecture_two_layer_net`'s, not equal.
    """
    x, y, w1, w2 = lecture_two_layer_data(rng=rng, **sizes)
    net = nn.Sequential(nn.Linear(w1.shape[0], w1.shape[1], 0), nn.Sigmoid(), nn.Linear(w2.shape[0], w2.shape[1], 0))
    net.params["0.W"], net.params["2.W"] = w1, w2
    return train.gradient_descent(net, x, y, loss=squared_error, lr=lr, iterations=iterations)
