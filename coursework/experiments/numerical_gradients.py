"""The numerical gradient against the analytic one (lecture topic 8), for the 05_sgd notebook.

- :func:`linear_softmax_loss` -- the loss of a linear softmax classifier and its
  analytic gradient;
- :func:`gradient_check_speed` -- numerical vs analytic gradient: how well they agree
  (``rel_error``), how many loss evaluations and how much time each needs;
- :func:`finite_difference_errors` -- the one-sided difference of the lecture's formula
  against the centred one, as the step ``h`` shrinks.

Each takes the notebook's ``numerical_gradient=`` (the package's reference by default:
the student bundle of 05 does not ship it). Also importable from
:mod:`coursework.experiments.sgd`.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from .. import gradcheck, nn
from ..devices import on_cpu

__all__ = ["linear_softmax_loss", "gradient_check_speed", "finite_difference_errors"]


@on_cpu
def linear_softmax_loss(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy of scores X @ W and its analytic gradient.

    Parameters
    ----------
    W : array of shape (D, C); X : array of shape (N, D); y : int array of shape (N,)

    Returns
    -------
    loss : float
    dW : array of shape (D, C), Xᵀ (softmax(XW) − onehot(y)) / N.
    """
    loss, dscores = nn.softmax_cross_entropy(X @ W, y)
    return float(loss), X.T @ dscores


def _seconds(func: Callable[[], Any], repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        func()
    return (time.perf_counter() - start) / repeats


@on_cpu
def gradient_check_speed(X: np.ndarray, y: np.ndarray, n_classes: int, *, rng: Any = 0, h: float = 1e-5,
                         repeats: int = 20, numerical_gradient: Callable | None = None) -> dict:
    """Numerical vs analytic gradient of a linear softmax classifier at random weights.

    Parameters
    ----------
    X : array of shape (N, D); y : int array of shape (N,)
    n_classes : int
        C; W has shape (D, C).
    rng : int or Generator
        Source of W (standard deviation 0.01).
    h : float
        Step of the centred differences (:func:`coursework.gradcheck.numerical_gradient`).
    repeats : int
        Analytic gradients timed, to average over the timer's resolution.
    numerical_gradient : callable ``(f, x, h) -> gradient``, optional
        The centred differences to time; default
        :func:`coursework.gradcheck.numerical_gradient` (the notebook passes its own).

    Returns
    -------
    dict with
        ``"parameters"`` : D * C;
        ``"rel_error"`` : :func:`coursework.gradcheck.rel_error` of the two gradients;
        ``"evaluations"`` : {"numerical": 2 * D * C loss evaluations, "analytic": 1 (one
        forward and one backward pass)};
        ``"seconds"`` : {"numerical": ..., "analytic": ...};
        ``"speedup"`` : numerical seconds / analytic seconds.
    """
    numerical_gradient = _numerical_gradient(numerical_gradient, "gradient_check_speed")
    X = np.asarray(X, dtype=np.float64)
    W = 0.01 * np.random.default_rng(rng).standard_normal((X.shape[1], n_classes))
    calls = 0

    def loss_only(W_):
        nonlocal calls
        calls += 1
        return linear_softmax_loss(W_, X, y)[0]

    start = time.perf_counter()
    numerical = np.asarray(numerical_gradient(loss_only, W, h), dtype=np.float64)
    t_numerical = time.perf_counter() - start
    analytic = linear_softmax_loss(W, X, y)[1]
    t_analytic = _seconds(lambda: linear_softmax_loss(W, X, y), repeats)
    return {
        "parameters": int(W.size),
        "rel_error": gradcheck.rel_error(analytic, numerical),
        "evaluations": {"numerical": calls, "analytic": 1},
        "seconds": {"numerical": t_numerical, "analytic": t_analytic},
        "speedup": t_numerical / t_analytic,
    }


@on_cpu
def finite_difference_errors(hs=(1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8), *, rng: Any = 0,
                             numerical_gradient: Callable | None = None) -> dict:
    """Errors of one-sided and centred differences against the analytic gradient.

    The function is the softmax loss of a small linear classifier (20 samples, 5
    features, 3 classes, all random), differentiated with respect to W (5, 3). The
    centred differences are ``numerical_gradient(f, W, h)``: by default
    :func:`coursework.gradcheck.numerical_gradient`; the notebook passes its own.

    Returns
    -------
    dict with ``"h"`` (list), ``"forward"`` and ``"centred"`` (lists of
    :func:`coursework.gradcheck.rel_error` against the analytic gradient, one per h):
    ``(f(W + h e) − f(W)) / h`` -- the lecture's formula -- and
    ``(f(W + h e) − f(W − h e)) / 2h``.
    """
    gen = np.random.default_rng(rng)
    X = gen.standard_normal((20, 5))
    y = gen.integers(0, 3, size=20)
    W = gen.standard_normal((5, 3))

    def f(W_):
        s = X @ W_
        s = s - s.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(s).sum(axis=1)) - s[np.arange(len(y)), y]))

    numerical_gradient = _numerical_gradient(numerical_gradient, "finite_difference_errors")
    analytic = linear_softmax_loss(W, X, y)[1]
    out = {"h": [float(h) for h in hs], "forward": [], "centred": []}
    f0 = f(W)
    for h in hs:
        fwd = np.zeros_like(W)
        for i in np.ndindex(W.shape):            # the lecture's one-sided formula
            step = np.zeros_like(W)
            step[i] = h
            fwd[i] = (f(W + step) - f0) / h
        cen = np.asarray(numerical_gradient(f, W, float(h)), dtype=np.float64)
        out["forward"].append(gradcheck.rel_error(fwd, analytic))
        out["centred"].append(gradcheck.rel_error(cen, analytic))
    return out


def _numerical_gradient(func: Callable | None, caller: str) -> Callable:
    if func is None:
        return gradcheck.numerical_gradient
    if not callable(func):
        raise TypeError(f"{caller}: expected numerical_gradient to be a callable (f, x, h) -> gradient, "
                        f"got {type(func).__name__}")
    return func
