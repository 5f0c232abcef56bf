"""One array namespace for every reference implementation.

Reference code in this package never imports NumPy for array math. It asks for the
namespace of its inputs and works through the array API standard, so the same source
runs on NumPy (CPU) and on CuPy (GPU), and is tested on ``array_api_strict`` -- a
strict stand-in that refuses anything outside the standard, including silent copies
to the host and mixing arrays of two devices.

This module holds the few things the standard lacks:

- :func:`namespace` -- the namespace of the given arrays (NumPy for plain lists);
- :func:`from_host` -- move a host (NumPy) array, e.g. random numbers drawn with
  ``numpy.random.default_rng``, onto the device of another array;
- :func:`to_host` -- the one documented place where device arrays are copied to the
  host (plots, printing, comparisons in tests);
- :func:`bincount` -- counting / scatter-add, native on NumPy and CuPy, a one-hot
  fallback elsewhere;
- :func:`target` -- the namespace and device to create new arrays on: those of a
  given array, else the active device.

The device switch lives in :mod:`coursework.devices` and is re-exported here:
``backend.use("gpu")``, ``backend.current()``, ``backend.using(...)``, ``backend.put(host)``.

Conventions
-----------
Randomness is always drawn on the host from a ``numpy.random.Generator`` that the
caller passes in, then moved with :func:`from_host`, so every backend sees the same
numbers.
"""

from __future__ import annotations

from typing import Any

import array_api_compat
import numpy as np

from .devices import current, put, use, using

__all__ = ["namespace", "device", "from_host", "to_host", "bincount", "is_numpy", "as_array", "target",
           "use", "current", "using", "put"]


def namespace(*arrays: Any):
    """Return the array-API namespace shared by ``arrays``.

    Plain Python scalars and ``None`` are ignored. With no array at all (or only
    lists / scalars), the NumPy namespace is returned.

    Raises
    ------
    TypeError
        If the arrays come from different libraries (e.g. NumPy and CuPy).
    """
    arrays = tuple(a for a in arrays if a is not None and not isinstance(a, (int, float, bool, complex)))
    real = tuple(a for a in arrays if array_api_compat.is_array_api_obj(a))
    if not real:
        return array_api_compat.array_namespace(np.empty(0))
    return array_api_compat.array_namespace(*real)


def device(x: Any):
    """The device ``x`` lives on (``"cpu"`` for NumPy)."""
    return array_api_compat.device(x)


def target(like: Any = None):
    """``(xp, device)`` to create new arrays on: ``like``'s, or the active device's when None.

    This is how layers created without ``like=`` follow :func:`coursework.devices.use`.
    """
    if like is None:
        active = current()
        return active.xp, active.device
    return namespace(like), device(like)


def is_numpy(x: Any) -> bool:
    """True when ``x`` is a NumPy array (fast paths may use NumPy-only routines)."""
    return array_api_compat.is_numpy_array(x)


def as_array(x: Any, *, like: Any = None, dtype: Any = None):
    """Turn ``x`` (an array, list or scalar) into an array of ``like``'s namespace.

    Arrays that already belong to an array library are returned in their own
    namespace (cast to ``dtype`` if given); lists and scalars become NumPy arrays,
    or arrays on ``like``'s device when ``like`` is given.
    """
    if array_api_compat.is_array_api_obj(x):
        xp = namespace(x)
        return x if dtype is None else xp.astype(x, dtype)
    if like is not None:
        return from_host(np.asarray(x), like=like, dtype=dtype)
    return np.asarray(x, dtype=dtype)


def from_host(host_array: Any, like: Any, dtype: Any = None):
    """Copy a host (NumPy) array onto the namespace and device of ``like``.

    Parameters
    ----------
    host_array : numpy.ndarray or array-like
        Data on the host, e.g. drawn from ``numpy.random.default_rng(seed)``.
    like : array
        Any array of the target namespace and device.
    dtype : optional
        Target dtype (an object of the target namespace, e.g. ``xp.float64``);
        by default the host array's dtype.

    Returns
    -------
    array of ``like``'s namespace, on ``like``'s device, same shape as ``host_array``.
    """
    xp = namespace(like)
    host_array = np.asarray(host_array)
    if array_api_compat.is_numpy_namespace(xp):
        return host_array if dtype is None else host_array.astype(dtype, copy=False)
    # Go through Python's buffer protocol: every library accepts nested lists /
    # buffers from the host, and ``device=`` places the result.
    out = xp.asarray(host_array, device=device(like)) if not _is_cupy(xp) else xp.asarray(host_array)
    return out if dtype is None else xp.astype(out, dtype)


def to_host(x: Any) -> np.ndarray:
    """Copy ``x`` to a NumPy array on the host.

    This is the *only* place the package moves device data to the host. Use it
    for plotting, printing and tests -- never inside a computation.
    """
    if isinstance(x, np.ndarray):
        return x
    if not array_api_compat.is_array_api_obj(x):
        return np.asarray(x)
    if _is_cupy(namespace(x)):
        return x.get()
    xp = namespace(x)
    if array_api_compat.is_array_api_strict_namespace(xp):
        x = x.to_device(xp.__array_namespace_info__().default_device())
    return np.asarray(x)


def bincount(x: Any, weights: Any = None, minlength: int = 0):
    """Sum ``weights`` (or count ones) per integer index, like ``numpy.bincount``.

    Parameters
    ----------
    x : array of shape (M,), integer dtype, values in ``[0, minlength)``
        Bin index of every element.
    weights : array of shape (M,), optional
        Value added to the bin of each element (default: 1 each).
    minlength : int
        Number of bins of the result. Indices must be smaller than it (the
        fallback path cannot grow the output).

    Returns
    -------
    array of shape (minlength,)
        Float (the weights' dtype) when ``weights`` is given, else int64.
    """
    xp = namespace(x, weights)
    if array_api_compat.is_numpy_namespace(xp) or _is_cupy(xp):
        out = xp.bincount(x, weights=weights, minlength=minlength)
        if weights is not None and out.dtype != weights.dtype:
            out = xp.astype(out, weights.dtype)
        return out[:minlength] if minlength else out
    return _bincount_onehot(xp, x, weights, minlength)


def _bincount_onehot(xp, x, weights, minlength: int, budget: int = 1 << 22):
    """Array-API fallback of :func:`bincount`: one-hot rows, summed per chunk.

    Exact (no cumulative sums), memory bounded by ``budget`` one-hot entries per
    chunk. Slow for many bins: it serves the strict stand-in in tests; NumPy and
    CuPy take the native path.
    """
    chunk = max(1, budget // max(minlength, 1))
    bins = xp.arange(minlength, dtype=x.dtype, device=device(x))
    dtype = xp.int64 if weights is None else weights.dtype
    total = xp.zeros(minlength, dtype=dtype, device=device(x))
    n = x.shape[0]
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        part = x[start:stop]
        onehot = xp.astype(part[:, None] == bins[None, :], dtype)
        if weights is not None:
            onehot = onehot * weights[start:stop][:, None]
        total = total + xp.sum(onehot, axis=0)
    return total


def _is_cupy(xp) -> bool:
    return array_api_compat.is_cupy_namespace(xp)
