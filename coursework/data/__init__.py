"""Data sets for the course, all offline: bundled with the installed packages or generated.

Return convention
-----------------
Every loader returns a :class:`Dataset` -- a frozen dataclass ``Dataset(X, y, class_names)``
that also unpacks like a tuple::

    X, y, class_names = coursework.data.digits()

- ``X``: array of shape (N, ...); images are (N, H, W, 3) RGB (HWC) or (N, H, W) grey;
- ``y``: int64 array of shape (N,), labels in ``[0, len(class_names))``;
- ``class_names``: tuple of str, ``class_names[k]`` names label ``k``.

:func:`load_cifar10` returns two of them, ``(train, test)``. :func:`train_test_split`
splits any Dataset into a shuffled, stratified ``(train, test)`` pair.

Device: the loaders compute on the host, and the Dataset moves its arrays to the active
device (:mod:`coursework.devices`) once, at the end: NumPy arrays on the host by default,
CuPy arrays on the GPU after ``coursework.devices.use("gpu")``. :func:`photo` returns a
NumPy image for display.

Randomness
----------
Loaders that draw random numbers take ``rng``: a ``numpy.random.Generator`` or an int seed
(default 0). The same seed gives identical arrays; NumPy's global random state is never used.

Nothing is downloaded, ever: the photos and faces are files inside scikit-image's wheel,
the digits ship with scikit-learn, the semantic-gap images and spirals are generated, and
CIFAR-10 is read from a folder you provide.

=================================  =====================================================
:func:`photo`                      one bundled photo, whole: (H, W, 3) uint8
:func:`photo_patches`              32x32 RGB uint8 patches of bundled photos, labelled by photo
:func:`faces_vs_nonfaces`          200 grey 25x25 LFW crops, 1 = face, 0 = non-face
:func:`digits`                     1,797 grey 8x8 handwritten digits, 10 classes
:func:`semantic_gap_images`        drawn objects with viewpoint / clutter / illumination knobs
:func:`spirals`                    2-D interleaved spirals
:func:`load_cifar10`               CIFAR-10 from a local copy of its python version
=================================  =====================================================
"""

from .cifar10 import load_cifar10
from .dataset import Dataset, train_test_split
from .digits import digits
from .faces import faces_vs_nonfaces
from .photos import DEFAULT_PHOTOS, PHOTOS, photo, photo_patches
from .semantic_gap import semantic_gap_images
from .spirals import spirals

__all__ = [
    "Dataset",
    "train_test_split",
    "photo",
    "photo_patches",
    "PHOTOS",
    "DEFAULT_PHOTOS",
    "faces_vs_nonfaces",
    "digits",
    "semantic_gap_images",
    "spirals",
    "load_cifar10",
]
