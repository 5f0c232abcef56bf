"""Minibatches for one epoch, and how many there are (lecture topic 8).

Terms, as in the lecture: an **epoch** is one pass over the whole training set; a
**batch** (minibatch) is the part of it used for one update, typically 32, 64 or
128 samples; an **iteration** is one update, so an epoch of N samples in batches
of n takes N / n iterations -- ``ceil(N / n)`` when the last, smaller batch is kept,
``floor(N / n)`` when it is dropped.

True epochs: :func:`minibatches` shuffles once per epoch and slices, so every
sample is used exactly once per epoch (CS231n's solver samples with replacement
instead, and its "epochs" are not).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from typing import Any

import array_api_compat

from .. import backend
from ..nn.init import as_generator
from ..validation import check_positive_int, shape_str

__all__ = ["iterations_per_epoch", "minibatches"]


def _check_bool(value: Any, name: str, func: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{func}: expected {name} to be True or False, got {value!r}")
    return value


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
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{func}: expected n to be an integer >= 0, got {n!r} ({type(n).__name__})")
    if n < 0:
        raise ValueError(f"{func}: expected n to be an integer >= 0, got {n}")
    batch_size = check_positive_int(batch_size, "batch_size", func)
    drop_last = _check_bool(drop_last, "drop_last", func)
    full, rest = divmod(int(n), batch_size)
    return full + (1 if rest and not drop_last else 0)


def minibatches(X: Any, y: Any, batch_size: int, rng: Any, drop_last: bool = False
                ) -> Iterator[tuple[Any, Any]]:
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
    return _epoch(X, y, batch_size, gen, drop_last)


def _epoch(X, y, batch_size: int, gen, drop_last: bool):
    xp = backend.namespace(X)
    n = X.shape[0]
    order = backend.from_host(gen.permutation(n), like=X, dtype=xp.int64)
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        if drop_last and stop - start < batch_size:
            break
        index = order[start:stop]
        yield xp.take(X, index, axis=0), xp.take(y, index, axis=0)


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
