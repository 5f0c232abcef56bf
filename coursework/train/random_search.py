"""Random search, the lecture's baseline optimizer (topic 7, "strategy #1").

Draw random weight matrices, keep the one with the lowest loss. It never uses a
gradient; on CIFAR-10 the best of 1,000 random linear classifiers reaches about
15.5% test accuracy (chance is 10%) -- the number gradient descent has to beat.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable

from tqdm.auto import tqdm

from .. import backend
from ..nn.init import as_generator
from ..validation import check_positive_int

__all__ = ["random_search"]


def _as_float(value: Any, func: str) -> float:
    try:
        return float(backend.to_host(value))
    except (TypeError, ValueError):
        raise TypeError(f"{func}: expected loss_fn to return a scalar loss, got {value!r}") from None


def random_search(loss_fn: Callable[[Any], Any], shape: tuple[int, ...], tries: int, rng: Any,
                  scale: float = 1e-3, *, like: Any = None, dtype: Any = None,
                  progress: bool = False) -> tuple[Any, float, list[float]]:
    """Best of ``tries`` random weight matrices.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(W) -> loss`` (a number or a 0-d array), e.g. the loss of a linear
        classifier with weights W on the whole training set.
    shape : tuple of int
        Shape of W, e.g. (D, C) for scores X @ W.
    tries : int >= 1
        Number of random matrices (the lecture uses 1,000).
    rng : numpy.random.Generator or int
        Source of the weights: ``scale * standard_normal(shape)``, drawn on the host.
    scale : float > 0, default 1e-3
        Standard deviation of the weights (the lecture uses 1e-4 for CIFAR-10's
        3,073 inputs).
    like : array, optional
        Put every W on this array's namespace and device (default: the active
        device, see :mod:`coursework.devices`).
    dtype : optional
        dtype of W (default float64, or ``like``'s namespace's float64).
    progress : bool, default False
        Show a tqdm progress bar.

    Returns
    -------
    best_W : array of shape ``shape``
        The weights with the lowest loss (the first of them on ties).
    best_loss : float
        Its loss.
    history : list of float, length ``tries``
        The loss of every try, in order (the best so far is its running minimum).
    """
    func = "random_search"
    if not callable(loss_fn):
        raise TypeError(f"{func}: expected loss_fn to be a callable W -> loss, got {type(loss_fn).__name__}")
    try:
        shape = tuple(check_positive_int(s, "shape", func) for s in shape)
    except TypeError:
        raise TypeError(f"{func}: expected shape to be a tuple of positive integers, got {shape!r}") from None
    tries = check_positive_int(tries, "tries", func)
    gen = as_generator(rng, func)
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not 0 < float(scale) < float("inf"):
        raise ValueError(f"{func}: expected scale > 0, got {scale!r}")
    target = like if like is not None else backend.put([0.0])
    xp = backend.namespace(target)
    dtype = xp.float64 if dtype is None else dtype

    best_W, best_loss, history = None, float("inf"), []
    for _ in tqdm(range(tries), desc=func, disable=not progress):
        W = backend.from_host(float(scale) * gen.standard_normal(shape), like=target, dtype=dtype)
        value = _as_float(loss_fn(W), func)
        history.append(value)
        if value < best_loss:
            best_W, best_loss = W, value
    if best_W is None:
        raise ValueError(f"{func}: every try gave a NaN loss; check loss_fn")
    return best_W, best_loss, history
