"""Minibatches for one epoch, and how many there are (lecture topic 8).

Terms, as in the lecture: an **epoch** is one pass over the whole training set; a
**batch** (minibatch) is the part of it used for one update, typically 32, 64 or
128 samples; an **iteration** is one update, so an epoch of N samples in batches
of n takes N / n iterations -- ``ceil(N / n)`` when the last, smaller batch is kept,
``floor(N / n)`` when it is dropped.

True epochs: :func:`minibatch_indices` shuffles once per epoch and slices, so every
sample is used exactly once per epoch (CS231n's solver samples with replacement
instead, and its "epochs" are not); :func:`minibatches` gathers those batches of
samples. Both take the index rule as an argument ``batches`` (default
:func:`minibatch_indices`), so that a notebook can train with its own.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator
from typing import Any

import array_api_compat
import numpy as np

from .. import backend
from ..nn.init import as_generator
from ..validation import check_positive_int, shape_str

__all__ = ["iterations_per_epoch", "minibatch_indices", "minibatches", "resolve_batches", "epoch_batches",
           "batches_of"]


def _check_bool(value: Any, name: str, func: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{func}: expected {name} to be True or False, got {value!r}")
    return value


def _check_n(n: Any, func: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{func}: expected n to be an integer >= 0, got {n!r} ({type(n).__name__})")
    if n < 0:
        raise ValueError(f"{func}: expected n to be an integer >= 0, got {n}")
    return int(n)


def iterations_per_epoch(n: int, batch_size: int, drop_last: bool = False) -> int:
    """Number of minibatches (updates) in one epoch.

    Parameters
    ----------
    n : int >= 0
        Number of training samples N.
    batch_size : int >= 1
    drop_last : bool, default False
        Drop the last batch when it has fewer than ``batch_size`` samples.

    Returns
    -------
    int
        ``ceil(n / batch_size)``, or ``floor(n / batch_size)`` with ``drop_last``.
    """
    func = "iterations_per_epoch"
    n = _check_n(n, func)
    batch_size = check_positive_int(batch_size, "batch_size", func)
    drop_last = _check_bool(drop_last, "drop_last", func)
    # BEGIN REFERENCE 05_sgd
    full, rest = divmod(n, batch_size)
    return full + (1 if rest and not drop_last else 0)
    # END REFERENCE


def minibatch_indices(n: int, batch_size: int, rng: Any) -> list[np.ndarray]:
    """The batches of one epoch as sample indices: shuffle once, then slice.

    Parameters
    ----------
    n : int >= 0
        Number of samples N.
    batch_size : int >= 1
    rng : numpy.random.Generator or int
        Source of the permutation. Pass the *same* Generator every epoch to get a
        new order each time; an int seed gives the same order at every call.

    Returns
    -------
    list of int64 NumPy arrays, ``ceil(n / batch_size)`` of them
        A random permutation of ``0 .. n-1`` cut into consecutive pieces of
        ``batch_size`` (the last one holds the remaining ``n mod batch_size``):
        every sample is in exactly one batch.
    """
    func = "minibatch_indices"
    n = _check_n(n, func)
    batch_size = check_positive_int(batch_size, "batch_size", func)
    gen = as_generator(rng, func)
    # BEGIN REFERENCE 05_sgd needed-by 03_activations
    order = gen.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]
    # END REFERENCE


def minibatches(X: Any, y: Any, batch_size: int, rng: Any, drop_last: bool = False, *,
                batches: Callable | None = None) -> Iterator[tuple[Any, Any]]:
    """Shuffle once and yield the minibatches of one epoch.

    Parameters
    ----------
    X : array of shape (N, ...)
        Samples, on any device.
    y : array of shape (N,) (or (N, ...))
        Targets. A NumPy ``y`` with ``X`` on another backend is moved to ``X``'s device.
    batch_size : int >= 1
    rng : numpy.random.Generator or int
        Source of the permutation (drawn on the host, then moved to ``X``'s device).
        Pass the *same* Generator every epoch to get a new order each time; an int
        seed gives the same order at every call.
    drop_last : bool, default False
        Skip the last batch when it is smaller than ``batch_size``.
    batches : callable ``(n, batch_size, rng) -> list of index arrays``, optional
        The rule that cuts an epoch into batches, called once per epoch with a
        Generator; default :func:`minibatch_indices`.

    Yields
    ------
    (X_batch, y_batch)
        ``X_batch`` of shape (B, ...), ``y_batch`` of shape (B,), gathered with
        ``take`` (new arrays; ``X`` and ``y`` are not modified) on the device of
        ``X``. B = ``batch_size`` except for the last batch, which holds the
        remaining ``N mod batch_size`` samples (unless dropped). Every sample is in
        exactly one batch (of the kept ones).

    The arguments are checked when ``minibatches`` is called, before the first batch.
    """
    func = "minibatches"
    X, y = check_pair(X, y, func)
    batch_size = check_positive_int(batch_size, "batch_size", func)
    drop_last = _check_bool(drop_last, "drop_last", func)
    gen = as_generator(rng, func)
    rule = resolve_batches(batches, func)
    return _epoch(X, y, batch_size, gen, drop_last, rule)


def _epoch(X, y, batch_size: int, gen, drop_last: bool, rule):
    yield from batches_of(X, y, epoch_batches(rule, X.shape[0], batch_size, gen, drop_last, "minibatches"))


def resolve_batches(batches: Any, func: str) -> Callable:
    """The batch rule ``batches`` (a callable), or :func:`minibatch_indices` for None."""
    if batches is None:
        return minibatch_indices
    if not callable(batches):
        raise TypeError(f"{func}: expected batches to be a callable (n, batch_size, rng) -> list of index "
                        f"arrays (e.g. minibatch_indices), got {type(batches).__name__}")
    return batches


def epoch_batches(rule: Callable, n: int, batch_size: int, gen: Any, drop_last: bool, func: str
                  ) -> list[np.ndarray]:
    """The index arrays of one epoch from ``rule(n, batch_size, gen)``, checked, as int64 NumPy arrays.

    With ``drop_last`` the batches smaller than ``batch_size`` are left out. Raises
    ``TypeError`` / ``ValueError`` naming ``func`` when the rule returns something
    other than a list of 1-d integer arrays with indices in [0, n).
    """
    name = getattr(rule, "__name__", "batches")
    found = rule(n, batch_size, gen)
    if isinstance(found, (str, bytes)) or not hasattr(found, "__iter__"):
        raise TypeError(f"{func}: expected {name}(n, batch_size, rng) to return a list of index arrays, "
                        f"got {type(found).__name__}")
    out = []
    for k, index in enumerate(found):
        index = np.asarray(backend.to_host(index) if array_api_compat.is_array_api_obj(index) else index)
        if index.ndim != 1 or not (index.dtype.kind in "iu" or index.size == 0):
            raise TypeError(f"{func}: expected {name}(n, batch_size, rng) to return 1-d integer index "
                            f"arrays, got batch {k} of dtype {index.dtype} and shape {shape_str(index.shape)}")
        if index.size and (index.min() < 0 or index.max() >= n):
            raise ValueError(f"{func}: expected the indices of {name}(n, batch_size, rng) in [0, {n}), got "
                             f"batch {k} with indices from {index.min()} to {index.max()}")
        if drop_last and index.shape[0] < batch_size:
            continue
        out.append(index.astype(np.int64, copy=False))
    return out


def batches_of(X: Any, y: Any, indices: list[np.ndarray]) -> Iterator[tuple[Any, Any]]:
    """``(X[index], y[index])`` for every host index array, on the device of ``X``.

    The indices travel to the device in one transfer per epoch, then are sliced.
    """
    if not indices:
        return
    xp = backend.namespace(X)
    order = backend.from_host(np.concatenate(indices), like=X, dtype=xp.int64)
    start = 0
    for index in indices:
        stop = start + index.shape[0]
        part = order[start:stop]
        yield xp.take(X, part, axis=0), xp.take(y, part, axis=0)
        start = stop


def check_pair(X: Any, y: Any, func: str, names: tuple[str, str] = ("X", "y")):
    """Check ``X`` (N, ...) and ``y`` (N, ...) are arrays with one N; move a NumPy ``y`` to ``X``.

    Returns ``(X, y)``.
    """
    xname, yname = names
    if not array_api_compat.is_array_api_obj(X):
        raise TypeError(f"{func}: expected {xname} to be an array of shape (N, ...), got {type(X).__name__}")
    if X.ndim < 1:
        raise ValueError(f"{func}: expected {xname} of shape (N, ...), got a 0-d array")
    if not array_api_compat.is_array_api_obj(y) or (backend.is_numpy(y) and not backend.is_numpy(X)):
        y = backend.from_host(backend.to_host(y), like=X)
    if y.ndim < 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"{func}: expected {yname} with one entry per sample, shape ({X.shape[0]},) like "
                         f"{xname} of shape {shape_str(X.shape)}, got shape {shape_str(y.shape)}")
    return X, y
