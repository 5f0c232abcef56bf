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

Conventions: the L2 penalty is λ Σ w² (no ½), over the weights as in
:mod:`coursework.regularization`; for polynomials it covers every coefficient,
the constant included. Dropout ``p`` is the probability to drop. Epochs are
counted from 0 when they index a history list (``history.val_accuracy[e]`` is the
accuracy after epoch ``e + 1``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
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
from ..train import History, fit
from ..validation import shape_str

__all__ = ["polynomial_features", "fit_polynomial", "predict_polynomial", "line_data", "polynomial_errors",
           "flip_labels", "little_digits", "make_mlp", "train_mlp", "l2_sweep", "final_accuracies",
           "train_val_gap", "early_stopping_epoch"]


# -- polynomials: the lecture's f1 and f2 -----------------------------------------------

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
    columns = [xp.ones_like(x)]
    for _ in range(degree):
        columns.append(columns[-1] * x)
    return xp.stack(columns, axis=1)


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
    A = polynomial_features(x, degree)
    b = xp.astype(y, A.dtype)
    if lam > 0.0:
        eye = xp.eye(p, dtype=A.dtype, device=backend.device(A))
        A = xp.concat([A, math.sqrt(lam) * eye], axis=0)
        b = xp.concat([b, xp.zeros(p, dtype=A.dtype, device=backend.device(A))])
    Q, R = xp.linalg.qr(A)
    return xp.linalg.solve(R, (Q.T @ b)[:, None])[:, 0]


def predict_polynomial(w, x):
    """Values of the polynomial with coefficients ``w`` (constant first), shape (N,) for x (N,)."""
    return polynomial_features(x, w.shape[0] - 1) @ w


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


def _mse(w, x, y) -> float:
    r = predict_polynomial(w, x) - y
    return float(np.mean(backend.to_host(r) ** 2))


def polynomial_errors(degrees: Sequence[int] = (1, 9), lams: Sequence[float] = (0.0,), *, n_train: int = 10,
                      n_test: int = 200, noise: float = 0.3, rng: Any = 0) -> dict:
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

    Returns
    -------
    dict with
        ``"x_train"``, ``"y_train"`` (n_train,), ``"x_test"``, ``"y_test"`` (n_test,);
        ``"fits"``: (degree, lam) -> {"coef": (degree + 1,), "train_mse": float,
        "test_mse": float} -- mean squared errors on the training and the new points.
    """
    seeds = np.random.default_rng(rng).integers(2**32, size=2)
    x_train, y_train = line_data(n_train, noise, rng=int(seeds[0]), even=True)
    x_test, y_test = line_data(n_test, noise, rng=int(seeds[1]))
    fits = {}
    for degree in degrees:
        for lam in lams:
            w = fit_polynomial(x_train, y_train, int(degree), float(lam))
            fits[(int(degree), float(lam))] = {"coef": w, "train_mse": _mse(w, x_train, y_train),
                                               "test_mse": _mse(w, x_test, y_test)}
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test, "fits": fits}


# -- an MLP on 100 digits ---------------------------------------------------------------

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
        return fit(model, train.X, train.y, optimizer=Momentum(lr, 0.9), epochs=epochs, batch_size=batch_size,
                   rng=int(seeds[1]), X_val=val.X, y_val=val.y, regularization=regularization, progress=progress)


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


def _check_history(history: Any, func: str) -> tuple[list[float], list[float]]:
    train = list(getattr(history, "train_accuracy", []))
    val = list(getattr(history, "val_accuracy", []))
    if not train or len(train) != len(val):
        raise ValueError(f"{func}: expected a History with as many validation as training accuracies (at least "
                         f"one), got {len(train)} training and {len(val)} validation accuracies")
    return train, val


def final_accuracies(history: History, last: int = 5) -> tuple[float, float]:
    """Mean training and validation accuracy over the ``last`` epochs (all if fewer)."""
    train, val = _check_history(history, "final_accuracies")
    k = min(int(last), len(train))
    return float(np.mean(train[-k:])), float(np.mean(val[-k:]))


def train_val_gap(history: History, last: int = 5) -> float:
    """How far validation accuracy falls behind training accuracy at the end of training.

    Parameters
    ----------
    history : History
        With ``train_accuracy`` and ``val_accuracy``, one value per epoch.
    last : int >= 1
        Number of final epochs to average over (all of them when there are fewer).

    Returns
    -------
    float
        ``mean(train_accuracy[e] − val_accuracy[e])`` over the last ``last`` epochs;
        positive when the model does better on its training data.
    """
    if isinstance(last, bool) or not isinstance(last, numbers.Integral) or last < 1:
        raise ValueError(f"train_val_gap: expected last to be an integer >= 1, got {last!r}")
    train, val = _check_history(history, "train_val_gap")
    k = min(int(last), len(train))
    return float(np.mean(np.asarray(train[-k:]) - np.asarray(val[-k:])))


def early_stopping_epoch(val_accuracy: Sequence[float], patience: int | None = None) -> int:
    """The epoch early stopping keeps: the best validation accuracy seen before stopping.

    Walk through the epochs in order, remembering the best one so far (only a
    strictly higher accuracy is a new best, so ties keep the earlier epoch). With
    a ``patience``, training stops after the first epoch ``e`` with
    ``e − best >= patience`` (``patience`` epochs in a row without a new best).

    Parameters
    ----------
    val_accuracy : sequence of float, length >= 1
        Validation accuracy after every epoch.
    patience : int >= 1 or None
        None: never stop early, i.e. the first epoch of the highest accuracy.

    Returns
    -------
    int
        The index (from 0) of the kept epoch in ``val_accuracy``.
    """
    values = [float(v) for v in val_accuracy]
    if not values:
        raise ValueError("early_stopping_epoch: expected at least one validation accuracy, got none")
    if patience is not None and (isinstance(patience, bool) or not isinstance(patience, numbers.Integral)
                                 or patience < 1):
        raise ValueError(f"early_stopping_epoch: expected patience to be an integer >= 1 or None, got {patience!r}")
    best = 0
    for epoch, value in enumerate(values):
        if value > values[best]:
            best = epoch
        elif patience is not None and epoch - best >= patience:
            break
    return best
