"""The classic 2-D spirals: a toy problem no linear classifier can solve."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..validation import check_positive_int
from ._checks import as_generator, check_nonnegative_float
from .dataset import Dataset

__all__ = ["spirals"]


def spirals(n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2, *, rng: Any = 0) -> Dataset:
    """Points on ``n_classes`` interleaved spiral arms (CS231n's toy data).

    Arm ``k`` has radius ``r = linspace(0, 1, n_per_class)`` and angle
    ``t = linspace(4k, 4(k + 1), n_per_class) + noise * standard normal``; its points
    are ``(r sin t, r cos t)``.

    Parameters
    ----------
    n_per_class : int >= 1
        Points per arm.
    n_classes : int >= 1
        Number of arms (classes).
    noise : float >= 0
        Standard deviation of the angle noise, in radians.
    rng : numpy.random.Generator or int
        Randomness (a seed gives ``numpy.random.default_rng(seed)``).

    Returns
    -------
    Dataset
        ``X`` of shape (n_per_class * n_classes, 2), float64 in [-1, 1];
        ``y`` of shape (n_per_class * n_classes,), int64, grouped by class;
        ``class_names`` = ``("0", "1", ...)``. On the active device
        (:mod:`coursework.devices`).
    """
    func = "spirals"
    n_per_class = check_positive_int(n_per_class, "n_per_class", func)
    n_classes = check_positive_int(n_classes, "n_classes", func)
    noise = check_nonnegative_float(noise, "noise", func)
    gen = as_generator(rng, func)
    X = np.empty((n_per_class * n_classes, 2), dtype=np.float64)
    r = np.linspace(0.0, 1.0, n_per_class)
    for k in range(n_classes):
        t = np.linspace(4.0 * k, 4.0 * (k + 1), n_per_class) + noise * gen.standard_normal(n_per_class)
        X[k * n_per_class:(k + 1) * n_per_class] = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)
    return Dataset(X, y, tuple(str(k) for k in range(n_classes)))
