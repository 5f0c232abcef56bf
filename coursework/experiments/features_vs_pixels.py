"""The lecture's claim: with little data, a linear classifier does better on image
features than on raw pixels."""

from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

from ..data import photo_patches
from ..features import color_histogram, extract_features, hog
from ..devices import on_cpu


@on_cpu
def linear_accuracy(X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, y_test: np.ndarray,
                    C: float = 1.0) -> float:
    """Test accuracy of a linear softmax classifier (standardised inputs, L2-regularised).

    Parameters
    ----------
    X_train : array of shape (N, D); y_train : array of shape (N,)
    X_test : array of shape (M, D); y_test : array of shape (M,)
    C : float
        Inverse regularisation strength of scikit-learn's ``LogisticRegression``.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
    model.fit(X_train, y_train)
    return float(model.score(X_test, y_test))


def _grey(images: np.ndarray) -> np.ndarray:
    return images.mean(axis=-1)


def _hog(images: np.ndarray) -> np.ndarray:
    """The notebook's ``my_hog`` on the grey patches: 9 bins, 8 x 8 cells, the lecture's 2 x 2 blocks."""
    return hog(_grey(images), orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys",
               channel_axis=None)


REPRESENTATIONS = {
    "pixels": lambda X: X.reshape(X.shape[0], -1).astype(np.float64),
    "colour histogram": lambda X: color_histogram(X, bins=4, channel_axis=-1),
    "HoG": _hog,
    "histogram + HoG": lambda X: extract_features(X, [(color_histogram, {"bins": 4, "channel_axis": -1}), _hog]),
}


@on_cpu
def features_vs_pixels(n_train_per_class: int = 10, n_test_per_class: int = 100, rng=0,
                       progress: bool = False, representations: dict | None = None) -> dict:
    """Train the same linear classifier on pixels, colour histograms, HoG, and both.

    The data are 32x32 patches of four photos (:func:`coursework.data.photo_patches`:
    astronaut, chelsea, coffee, rocket), labelled by photo -- a CIFAR-sized stand-in.
    Training and test patches are drawn independently.

    Parameters
    ----------
    n_train_per_class, n_test_per_class : int
        Patches per photo for training and for testing.
    rng : int or numpy.random.Generator
    progress : bool
        Show a progress bar over the representations.
    representations : dict, optional
        Name -> function from a batch of uint8 patches (N, 32, 32, 3) to features (N, F);
        default :data:`REPRESENTATIONS` (the package's extractors). The notebook passes
        the student's own functions, which the student bundle must use: there the
        package's feature extractors are not shipped.

    Returns
    -------
    dict: representation name -> test accuracy, for ``"pixels"``,
    ``"colour histogram"``, ``"HoG"`` and ``"histogram + HoG"`` (or the given names).
    """
    representations = REPRESENTATIONS if representations is None else representations
    if not representations or not all(callable(f) for f in representations.values()):
        raise ValueError("features_vs_pixels: expected representations to be a non-empty dict of "
                         f"name -> callable, got {representations!r}")
    seeds = np.random.default_rng(rng).integers(2**32, size=2)
    train = photo_patches(n_train_per_class, rng=int(seeds[0]))
    test = photo_patches(n_test_per_class, rng=int(seeds[1]))
    out = {}
    for name, rep in tqdm(representations.items(), disable=not progress, desc="training"):
        out[name] = linear_accuracy(rep(train.X), train.y, rep(test.X), test.y)
    return out
