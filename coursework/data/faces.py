"""Faces vs non-faces: scikit-image's bundled subset of Labeled Faces in the Wild."""

from __future__ import annotations

import numpy as np

from ._bundled import skimage_data_file
from ._checks import check_bool
from .dataset import Dataset

__all__ = ["faces_vs_nonfaces"]

CLASS_NAMES = ("non-face", "face")


def faces_vs_nonfaces(*, flat: bool = False) -> Dataset:
    """100 face and 100 non-face grey crops, 25x25 pixels, from ``skimage.data.lfw_subset``.

    The faces are random LFW faces; the non-faces are background crops from the
    same photos. The file ships with scikit-image; nothing is downloaded.

    Parameters
    ----------
    flat : bool
        Return each image as one row of 625 pixels instead of a 25x25 array.

    Returns
    -------
    Dataset
        ``X`` of shape (200, 25, 25) (or (200, 625) with ``flat``), float64 in
        [0, 1], the 100 faces first; ``y`` of shape (200,), int64, 1 = face,
        0 = non-face; ``class_names`` = ``("non-face", "face")``. On the active
        device (:mod:`coursework.devices`), in the file's fixed order (no
        randomness): shuffle or split with :func:`coursework.data.train_test_split`.
    """
    func = "faces_vs_nonfaces"
    flat = check_bool(flat, "flat", func)
    images = np.load(skimage_data_file("lfw_subset.npy", func))
    if images.shape != (200, 25, 25):
        raise ValueError(f"{func}: expected lfw_subset of shape (200, 25, 25), got shape {images.shape}")
    X = images.astype(np.float64)
    if X.min() < 0.0 or X.max() > 1.0:  # older releases stored uint8 grey levels
        X = X / 255.0
    y = np.concatenate([np.ones(100, np.int64), np.zeros(100, np.int64)])
    return Dataset(X.reshape(200, -1) if flat else X, y, CLASS_NAMES)
