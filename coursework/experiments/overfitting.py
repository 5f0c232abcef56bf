"""Overfitting (lecture topic 10), made real.

Two experiments, each a few function calls for the notebook of assignment 07:

1. **f1 vs f2.** A few noisy points from a straight line. A polynomial of degree
   N - 1 (the lecture's f1) goes through every training point -- zero training
   error -- while a straight line (f2) does not; on new points from the same source,
   f1's error is the larger one. L2 on f1's coefficients (ridge regression) brings it
   back towards f2. See :func:`polynomial_features`, :func:`fit_polynomial`,
   :func:`polynomial_errors`.
2. **A network that learns its training set by heart.** 100 handwritten digits, a
   fifth of them with a wrong label (a stand-in for labelling mistakes), and an MLP
   with 256 hidden units: training accuracy reaches 100 % -- wrong labels included --
   while validation accuracy (500 other digits, correct labels) falls behind. An L2
   penalty (``lam``) and dropout narrow the train - validation gap; early stopping
   keeps the epoch of best validation accuracy. See :func:`little_digits`,
   :func:`train_mlp`, :func:`l2_sweep`, :func:`train_val_gap`,
   :func:`early_stopping_epoch`.

The functions behind the notebook's exercises live in their own modules and are
importable from here: :mod:`.polynomials` (:func:`polynomial_features`,
:func:`fit_polynomial`, :func:`predict_polynomial`) and :mod:`.training_curves`
(:func:`final_accuracies`, :func:`train_val_gap`, :func:`early_stopping_epoch`). The
student bundle does not ship their bodies, so :func:`polynomial_errors` takes the
notebook's own ``fit=`` and ``features=``.

Conventions: the L2 penalty is λ Σ w² (no ½), over the weights as in
:mod:`coursework.regularization`; for polynomials it covers every coefficient,
the constant included. Dropout ``p`` is the probability to drop. Epochs are
counted from 0 when they index a history list (``history.val_accuracy[e]`` is the
accuracy after epoch ``e + 1``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import array_api_compat
import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from .. import backend
from ..data import Dataset, digits, train_test_split
from ..nn import Linear, ReLU, Sequential
from ..nn.init import as_generator
from ..optim import Momentum
from ..regularization import Dropout
from ..train import History
from ..train import fit as train_network
from .polynomials import fit_polynomial, polynomial_features, predict_polynomial
from .training_curves import early_stopping_epoch, final_accuracies, train_val_gap
from ..devices import on_cpu

__all__ = ["polynomial_features", "fit_polynomial", "predict_polynomial", "line_data", "polynomial_errors",
           "flip_labels", "little_digits", "make_mlp", "train_mlp", "l2_sweep", "final_accuracies",
           "train_val_gap", "early_stopping_epoch"]


# -- polynomials: the lecture's f1 and f2 -----------------------------------------------

@on_cpu
def line_data(n: int, noise: float = 0.3, *, rng: Any = 0, even: bool = False, slope: float = 1.0,
              intercept: float = 0.5):
    """``n`` noisy points of a straight line: y = slope x + intercept + noise, x in [-1, 1].

    Parameters
    ----------
    n : int
    noise : float
        Standard deviation of the normal noise on y.
    rng : int or numpy.random.Generator
    even : bool
        x at ``n`` equal steps from -1 to 1 (training points, as in the lecture's
        picture) instead of uniform at random (new points).

    Returns
    -------
    (x, y) : float64 NumPy arrays of shape (n,), sorted by x.
    """
    gen = as_generator(rng, "line_data")
    n = int(n)
    x = np.linspace(-1.0, 1.0, n) if even else np.sort(gen.uniform(-1.0, 1.0, size=n))
    return x, slope * x + intercept + noise * gen.standard_normal(n)


def _mse(w, x, y, features: Callable) -> float:
    r = features(x, w.shape[0] - 1) @ w - y
    return float(np.mean(backend.to_host(r) ** 2))


@on_cpu
def polynomial_errors(degrees: Sequence[int] = (1, 9), lams: Sequence[float] = (0.0,), *, n_train: int = 10,
                      n_test: int = 200, noise: float = 0.3, rng: Any = 0, fit: Callable | None = None,
                      features: Callable | None = None) -> dict:
    """Fit polynomials to ``n_train`` noisy points of a line; measure them on new points.

    Parameters
    ----------
    degrees : ints
        Degrees to fit; ``n_train - 1`` goes through every training point.
    lams : floats >= 0
        L2 strengths; every degree is fitted with every one.
    n_train, n_test : int
        Training points (at equal steps in x), and new points from the same source
        (same line and noise, x uniform at random).
    noise : float
        Standard deviation of the noise on y.
    rng : int or numpy.random.Generator
    fit : callable ``(x, y, degree, lam) -> coefficients``, optional
        Default :func:`fit_polynomial`; the notebook passes its own.
    features : callable ``(x, degree) -> (N, degree + 1)``, optional
        The powers of the points, to evaluate a fit (``features(x, degree) @ w``);
        default :func:`polynomial_features`; the notebook passes its own.

    Returns
    -------
    dict with
        ``"x_train"``, ``"y_train"`` (n_train,), ``"x_test"``, ``"y_test"`` (n_test,);
        ``"fits"``: (degree, lam) -> {"coef": (degree + 1,), "train_mse": float,
        "test_mse": float} -- mean squared errors on the training and the new points.
    """
    fit = fit_polynomial if fit is None else fit
    features = polynomial_features if features is None else features
    for name, func in (("fit", fit), ("features", features)):
        if not callable(func):
            raise TypeError(f"polynomial_errors: expected {name} to be a function, got {type(func).__name__}")
    seeds = np.random.default_rng(rng).integers(2**32, size=2)
    x_train, y_train = line_data(n_train, noise, rng=int(seeds[0]), even=True)
    x_test, y_test = line_data(n_test, noise, rng=int(seeds[1]))
    fits = {}
    for degree in degrees:
        for lam in lams:
            w = fit(x_train, y_train, int(degree), float(lam))
            if not array_api_compat.is_array_api_obj(w):
                w = np.asarray(w, dtype=np.float64)
            fits[(int(degree), float(lam))] = {"coef": w, "train_mse": _mse(w, x_train, y_train, features),
                                               "test_mse": _mse(w, x_test, y_test, features)}
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test, "fits": fits}


# -- an MLP on 100 digits ---------------------------------------------------------------

@on_cpu
def flip_labels(y: np.ndarray, fraction: float, n_classes: int, rng: Any):
    """Give a random ``fraction`` of the samples a wrong label.

    Each sample is picked with probability ``fraction``; a picked label ``k`` becomes
    one of the other ``n_classes - 1`` classes, uniformly.

    Returns
    -------
    (y_noisy, flipped) : int64 array (N,), boolean array (N,) marking the changed labels.
    """
    gen = as_generator(rng, "flip_labels")
    y = np.asarray(y, dtype=np.int64)
    flipped = gen.random(y.shape[0]) < fraction
    shift = gen.integers(1, n_classes, size=y.shape[0])
    return np.where(flipped, (y + shift) % n_classes, y), flipped


@on_cpu
def little_digits(n_per_class: int = 10, n_val: int = 500, label_noise: float = 0.2, *,
                  rng: Any = 0) -> tuple[Dataset, Dataset]:
    """Few training digits with some wrong labels, and a validation set with right ones.

    Parameters
    ----------
    n_per_class : int
        Training digits per class (10 -> 100 digits).
    n_val : int
        Validation digits, drawn from the other 1,697 or so.
    label_noise : float in [0, 1)
        Share of training labels replaced by a wrong one (:func:`flip_labels`).
    rng : int or numpy.random.Generator

    Returns
    -------
    (train, val) : Datasets of flat digits, ``X`` (N, 64) float64 in [0, 1]. ``train.y``
    holds the noisy labels; ``val.y`` the true ones.
    """
    gen = as_generator(rng, "little_digits")
    data = digits(flat=True)
    n_train = 10 * int(n_per_class)
    train, rest = train_test_split(data, test_fraction=1.0 - n_train / len(data), rng=gen)
    val = rest.subset(np.arange(int(n_val)))
    noisy, _ = flip_labels(train.y, label_noise, len(data.class_names), gen)
    return Dataset(train.X, noisy, train.class_names), val


@on_cpu
def make_mlp(sizes: Sequence[int], rng: Any, dropout: tuple[float, float] = (0.0, 0.0)) -> Sequential:
    """``Linear, ReLU, ..., Linear`` with optional inverted dropout.

    Parameters
    ----------
    sizes : ints ``[D, H1, ..., C]``
    rng : int or numpy.random.Generator
        Initial weights (drawn layer after layer, as :class:`coursework.nn.MLP` does)
        and the dropout masks.
    dropout : (p_input, p_hidden)
        Drop probability on the inputs and after every hidden ReLU (0: no layer).

    Returns
    -------
    Sequential mapping (N, D) to scores (N, C).
    """
    gen = as_generator(rng, "make_mlp")
    mask_seeds = gen.integers(2**32, size=len(sizes))
    p_in, p_hidden = (float(p) for p in dropout)
    layers = [Dropout(p_in, int(mask_seeds[0]))] if p_in > 0 else []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(int(fan_in), int(fan_out), gen))
        if i < len(sizes) - 2:
            layers.append(ReLU())
            if p_hidden > 0:
                layers.append(Dropout(p_hidden, int(mask_seeds[i + 1])))
    return Sequential(*layers)


@on_cpu
def train_mlp(train: Dataset, val: Dataset, *, hidden: int = 256, lam: float = 0.0,
              dropout: tuple[float, float] = (0.0, 0.0), epochs: int = 60, lr: float = 0.05,
              batch_size: int = 20, rng: Any = 0, progress: bool = False) -> History:
    """Train a one-hidden-layer MLP (momentum SGD, softmax loss) and record its accuracies.

    Parameters
    ----------
    train, val : Dataset with flat ``X`` (N, D)
    hidden : int
        Hidden units.
    lam : float >= 0
        L2 strength: the loss is data loss + lam Σ W² over both weight matrices.
    dropout : (p_input, p_hidden)
        See :func:`make_mlp`.
    epochs, lr, batch_size
        Passes over the training set, learning rate (momentum 0.9), samples per update.
    rng : int or numpy.random.Generator
        Initial weights, dropout masks and minibatch order. The same seed gives the
        same start and the same order for every ``lam`` and ``dropout``.
    progress : bool
        Show the training's progress bar.

    Returns
    -------
    History : ``train_accuracy`` (on the training labels, noisy ones included) and
    ``val_accuracy`` after every epoch.
    """
    seeds = as_generator(rng, "train_mlp").integers(2**32, size=2)
    n_classes = len(train.class_names)
    model = make_mlp([train.X.shape[1], int(hidden), n_classes], int(seeds[0]), dropout)
    regularization = ("l2", float(lam)) if lam > 0 else None
    # Matrices of 20 x 256: a second BLAS thread only adds waiting (and, on a shared
    # machine, oversubscription that made a run 10x slower).
    with threadpool_limits(1):
        return train_network(model, train.X, train.y, optimizer=Momentum(lr, 0.9), epochs=epochs,
                             batch_size=batch_size, rng=int(seeds[1]), X_val=val.X, y_val=val.y,
                             regularization=regularization, progress=progress)


@on_cpu
def l2_sweep(train: Dataset, val: Dataset, lams: Sequence[float] = (0.0, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1), *,
             rng: Any = 0, progress: bool = False, **kwargs) -> dict:
    """:func:`train_mlp` once per L2 strength, with the same start and minibatch order for each.

    Parameters
    ----------
    train, val : Dataset
    lams : floats >= 0
    rng : int or numpy.random.Generator
        An int seed is passed to every run, so ``l2_sweep(..., rng=s)[lam]`` equals
        ``train_mlp(..., lam=lam, rng=s)``; a Generator gives one seed for all runs.
    progress : bool
        One progress bar over the values of λ.
    **kwargs
        Passed to :func:`train_mlp` (``hidden``, ``epochs``, ``dropout``, ...).

    Returns
    -------
    dict lam -> History, in the order of ``lams``.
    """
    seed = int(rng.integers(2**32)) if isinstance(rng, np.random.Generator) else rng
    out = {}
    for lam in tqdm(list(lams), desc="L2 sweep", disable=not progress):
        out[float(lam)] = train_mlp(train, val, lam=float(lam), rng=seed, **kwargs)
    return out


