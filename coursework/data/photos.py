"""Small RGB patches cut from the photos bundled with scikit-image, labelled by photo.

A CIFAR-sized stand-in that needs no download: every patch is ``size x size`` pixels
(32 by default, as in CIFAR-10) and its class is the photo it was cut from
(``"chelsea"`` is the lecture's cat).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..validation import check_positive_int
from ._bundled import skimage_data_file
from ._checks import as_generator
from .dataset import Dataset

__all__ = ["photo", "photo_patches", "PHOTOS", "DEFAULT_PHOTOS"]

#: The RGB photos bundled with scikit-image (name -> file in ``skimage/data``).
PHOTOS: dict[str, str] = {
    "astronaut": "astronaut.png",
    "chelsea": "chelsea.png",
    "coffee": "coffee.png",
    "rocket": "rocket.jpg",
    "hubble_deep_field": "hubble_deep_field.jpg",
    "immunohistochemistry": "ihc.png",
    "motorcycle": "motorcycle_left.png",
    "retina": "retina.jpg",
}

#: The photos used when none are named.
DEFAULT_PHOTOS: tuple[str, ...] = ("astronaut", "chelsea", "coffee", "rocket")


@functools.lru_cache(maxsize=None)
def _photo(name: str) -> np.ndarray:
    """The photo as a read-only (H, W, 3) uint8 array, read once per process."""
    import skimage.io

    image = np.asarray(skimage.io.imread(skimage_data_file(PHOTOS[name], "photo_patches")))
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"photo_patches: expected photo {name!r} of shape (H, W, 3) uint8, "
                         f"got shape {image.shape} {image.dtype}")
    image.setflags(write=False)
    return image


def photo(name: str) -> np.ndarray:
    """One of scikit-image's bundled photos, whole.

    Parameters
    ----------
    name : str
        A key of :data:`PHOTOS` ("chelsea" is the lecture's cat).

    Returns
    -------
    numpy.ndarray of shape (H, W, 3), uint8 -- a fresh, writable copy.
    """
    if name not in PHOTOS:
        raise ValueError(f"photo: expected one of {sorted(PHOTOS)}, got {name!r}")
    return _photo(name).copy()


def photo_patches(n_per_class: int = 100, size: int = 32, photos: tuple[str, ...] = DEFAULT_PHOTOS,
                  *, rng: Any = 0) -> Dataset:
    """Random square RGB patches of bundled photos, labelled by the photo they come from.

    Each patch's top-left corner is drawn uniformly from all positions where the
    patch fits inside its photo (patches may overlap).

    Parameters
    ----------
    n_per_class : int >= 1
        Patches cut from each photo.
    size : int >= 1
        Side of a patch in pixels; at most the smallest side of the chosen photos
        (300 for ``"chelsea"``).
    photos : sequence of str
        Distinct names from :data:`PHOTOS`; label ``k`` is ``photos[k]``.
    rng : numpy.random.Generator or int
        Randomness (a seed gives ``numpy.random.default_rng(seed)``).

    Returns
    -------
    Dataset
        ``X`` of shape (n_per_class * len(photos), size, size, 3), uint8 RGB (HWC);
        ``y`` of shape (n_per_class * len(photos),), int64, grouped by class
        (all of photo 0 first); ``class_names`` = ``tuple(photos)``. On the active
        device (:mod:`coursework.devices`).

    Raises
    ------
    ValueError
        For an unknown or repeated photo name (the message lists the valid names),
        an empty ``photos``, or ``size`` larger than a photo.
    """
    func = "photo_patches"
    n_per_class = check_positive_int(n_per_class, "n_per_class", func)
    size = check_positive_int(size, "size", func)
    if isinstance(photos, str):
        photos = (photos,)
    photos = tuple(photos)
    valid = ", ".join(repr(name) for name in PHOTOS)
    if not photos:
        raise ValueError(f"{func}: expected at least one photo name out of {valid}, got none")
    for name in photos:
        if name not in PHOTOS:
            raise ValueError(f"{func}: expected photo names out of {valid}, got {name!r}")
    if len(set(photos)) != len(photos):
        raise ValueError(f"{func}: expected distinct photo names, got {photos!r}")
    gen = as_generator(rng, func)

    X = np.empty((n_per_class * len(photos), size, size, 3), dtype=np.uint8)
    for k, name in enumerate(photos):
        image = _photo(name)
        h, w = image.shape[:2]
        if size > min(h, w):
            raise ValueError(f"{func}: expected size <= {min(h, w)} (photo {name!r} is {h}x{w}), got {size}")
        top = gen.integers(0, h - size + 1, size=n_per_class)
        left = gen.integers(0, w - size + 1, size=n_per_class)
        for i, (t, l) in enumerate(zip(top, left)):
            X[k * n_per_class + i] = image[t:t + size, l:l + size]
    y = np.repeat(np.arange(len(photos), dtype=np.int64), n_per_class)
    return Dataset(X, y, photos)
