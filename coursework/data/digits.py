"""Handwritten digits: scikit-learn's bundled 8x8 copy of the UCI digits."""

from __future__ import annotations

import numpy as np

from ._checks import check_bool
from .dataset import Dataset

__all__ = ["digits"]


def digits(*, flat: bool = False) -> Dataset:
    """The 1,797 grey 8x8 digit images of ``sklearn.datasets.load_digits``.

    The data ship with scikit-learn; nothing is downloaded. Pixel counts 0..16 are
    divided by 16.

    Parameters
    ----------
    flat : bool
        Return each image as one row of 64 pixels instead of an 8x8 array.

    Returns
    -------
    Dataset
        ``X`` of shape (1797, 8, 8) (or (1797, 64) with ``flat``), float64 in
        [0, 1]; ``y`` of shape (1797,), int64 in 0..9 (about 180 per class);
        ``class_names`` = ``("0", ..., "9")``. On the active device
        (:mod:`coursework.devices`), in scikit-learn's fixed order (no
        randomness): shuffle or split with :func:`coursework.data.train_test_split`.
    """
    from sklearn.datasets import load_digits

    flat = check_bool(flat, "flat", "digits")
    bunch = load_digits()
    X = np.asarray(bunch.images, dtype=np.float64) / 16.0
    y = np.asarray(bunch.target, dtype=np.int64)
    names = tuple(str(d) for d in range(10))
    return Dataset(X.reshape(X.shape[0], -1) if flat else X, y, names)
