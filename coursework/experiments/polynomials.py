"""Polynomials fitted by least squares, with an optional L2 penalty (ridge regression):
the lecture's f1 and f2 (topic 10), for assignment 07.

- :func:`polynomial_features` -- the powers ``[1, x, ..., x^degree]`` of every point
  (exercise ``polynomial_features``).
- :func:`fit_polynomial` -- least-squares coefficients, ``lam`` Σ w² added (exercise
  ``fit_polynomial``).
- :func:`predict_polynomial` -- a polynomial's values.

Conventions: coefficients are constant first; the L2 penalty is λ Σ w² (no ½) and covers
every coefficient, the constant included. The experiments in
:mod:`coursework.experiments.overfitting` use these (or a notebook's own versions).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import array_api_compat
import numpy as np

from .. import backend
from ..validation import shape_str
from ..devices import on_cpu

__all__ = ["polynomial_features", "fit_polynomial", "predict_polynomial"]


def _check_points(x: Any, name: str, func: str):
    if not array_api_compat.is_array_api_obj(x):
        x = np.asarray(x, dtype=np.float64)
    xp = backend.namespace(x)
    if not xp.isdtype(x.dtype, "real floating"):
        raise TypeError(f"{func}: expected floating-point {name}, got dtype {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"{func}: expected {name} of shape (N,), got shape {shape_str(x.shape)}")
    return xp, x


def _check_degree(degree: Any, func: str) -> int:
    if isinstance(degree, bool) or not isinstance(degree, numbers.Integral) or degree < 0:
        raise ValueError(f"{func}: expected degree to be an integer >= 0, got {degree!r}")
    return int(degree)


def _check_lam(lam: Any, func: str) -> float:
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not math.isfinite(lam) or lam < 0:
        raise ValueError(f"{func}: expected lam to be a finite number >= 0, got {lam!r}")
    return float(lam)


@on_cpu
def polynomial_features(x, degree: int):
    """The powers of every point: one row ``[1, x, x², ..., x^degree]`` per point.

    Parameters
    ----------
    x : array of shape (N,), floating
        Points on the real line (a list is taken as float64 NumPy).
    degree : int >= 0

    Returns
    -------
    array of shape (N, degree + 1), dtype and device of ``x``
        Column ``k`` is ``x ** k`` (column 0 all ones). A polynomial with
        coefficients ``w`` (constant first) takes the values
        ``polynomial_features(x, degree) @ w``.
    """
    func = "polynomial_features"
    xp, x = _check_points(x, "x", func)
    degree = _check_degree(degree, func)
    # BEGIN REFERENCE 07_overfitting
    columns = [xp.ones_like(x)]
    for _ in range(degree):
        columns.append(columns[-1] * x)
    return xp.stack(columns, axis=1)
    # END REFERENCE


@on_cpu
def fit_polynomial(x, y, degree: int, lam: float = 0.0):
    """Least-squares polynomial, optionally with an L2 penalty (ridge regression).

    Minimises ``Σ_i (p(x_i) − y_i)² + lam Σ_k w_k²`` over the coefficients ``w``
    of ``p(x) = w_0 + w_1 x + ... + w_degree x^degree`` (every coefficient is
    penalised, the constant included).

    Parameters
    ----------
    x, y : arrays of shape (N,), floating, same namespace
    degree : int >= 0
    lam : float >= 0, default 0
        The regularization strength λ. With ``lam = 0`` at least ``degree + 1``
        points are needed; with ``N = degree + 1`` distinct points the
        polynomial goes through every one of them.

    Returns
    -------
    w : array of shape (degree + 1,), constant first

    Notes
    -----
    The penalty is the least-squares problem with ``sqrt(lam) * I`` stacked
    under the features and zeros under ``y``; it is solved with a QR
    decomposition (accurate where the normal equations
    ``(ΦᵀΦ + lam I) w = Φᵀ y`` square the condition number).
    """
    func = "fit_polynomial"
    xp, x = _check_points(x, "x", func)
    _, y = _check_points(y, "y", func)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"{func}: expected y of shape ({x.shape[0]},) like x, got shape {shape_str(y.shape)}")
    degree = _check_degree(degree, func)
    lam = _check_lam(lam, func)
    n, p = x.shape[0], degree + 1
    if lam == 0.0 and n < p:
        raise ValueError(f"{func}: expected at least degree + 1 = {p} points without a penalty, got {n} "
                         f"(use lam > 0 or a lower degree)")
    # BEGIN REFERENCE 07_overfitting
    A = polynomial_features(x, degree)
    b = xp.astype(y, A.dtype)
    if lam > 0.0:
        eye = xp.eye(p, dtype=A.dtype, device=backend.device(A))
        A = xp.concat([A, math.sqrt(lam) * eye], axis=0)
        b = xp.concat([b, xp.zeros(p, dtype=A.dtype, device=backend.device(A))])
    Q, R = xp.linalg.qr(A)
    return xp.linalg.solve(R, (Q.T @ b)[:, None])[:, 0]
    # END REFERENCE


@on_cpu
def predict_polynomial(w, x):
    """Values of the polynomial with coefficients ``w`` (constant first), shape (N,) for x (N,)."""
    return polynomial_features(x, w.shape[0] - 1) @ w
