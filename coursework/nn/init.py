"""Weight initialisation for :class:`~coursework.nn.Linear` and :class:`~coursework.nn.Maxout`.

Random numbers are drawn on the host from the ``numpy.random.Generator`` the caller
passes in and then moved to the target namespace / device with
:func:`coursework.backend.from_host`, so every backend gets the same numbers. The
target is the ``like=`` array's namespace and device, or the active device
(:mod:`coursework.devices`) when a layer is created without ``like=``.

Schemes (``init=``)
-------------------
- ``"he"`` (default): normal with std ``sqrt(2 / fan_in)`` -- suits ReLU nets.
- ``"xavier"``: Glorot normal, std ``sqrt(2 / (fan_in + fan_out))`` (as
  ``torch.nn.init.xavier_normal_``) -- suits tanh / sigmoid nets.
- a positive float: normal with that std (CS231n's ``weight_scale``, e.g. ``1e-2``).

Biases start at zero.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .. import backend

__all__ = ["as_generator", "resolve_dtype", "init_weights", "zeros"]


def as_generator(rng: Any, func: str) -> np.random.Generator:
    """``rng`` as a ``numpy.random.Generator`` (an int is used as a seed)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"{func}: expected rng to be a numpy.random.Generator or an int seed, "
                    f"got {type(rng).__name__} (use rng=numpy.random.default_rng(0))")


def resolve_dtype(dtype: Any, like: Any, func: str):
    """The floating dtype object of ``like``'s namespace (the active device's when ``like`` is None).

    ``dtype`` may be None (float64), a name (``"float32"``, ``"float64"``) or a
    dtype object of that namespace.
    """
    xp, _ = backend.target(like)
    if dtype is None:
        dtype = "float64"
    if isinstance(dtype, str):
        if dtype not in ("float32", "float64"):
            raise ValueError(f"{func}: expected dtype 'float32' or 'float64', got {dtype!r}")
        return getattr(xp, dtype)
    if dtype not in (xp.float32, xp.float64):
        raise ValueError(f"{func}: expected dtype float32 or float64 of the array namespace, got {dtype!r}")
    return dtype


def init_weights(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator,
                 init: Any, dtype: Any, like: Any, func: str):
    """Normal random weights of ``shape`` scaled by ``init`` (see the module docstring).

    Returns an array of ``like``'s namespace and device (the active device's when ``like`` is None)
    with dtype ``dtype`` (already resolved).
    """
    if isinstance(init, str):
        if init == "he":
            std = np.sqrt(2.0 / fan_in)
        elif init == "xavier":
            std = np.sqrt(2.0 / (fan_in + fan_out))
        else:
            raise ValueError(f"{func}: expected init 'he', 'xavier' or a positive float, got {init!r}")
    elif isinstance(init, numbers.Real) and not isinstance(init, bool) and init > 0:
        std = float(init)
    else:
        raise ValueError(f"{func}: expected init 'he', 'xavier' or a positive float, got {init!r}")
    host = std * rng.standard_normal(shape)
    return _place(host, like, dtype)


def zeros(shape: tuple[int, ...], dtype: Any, like: Any):
    """Zeros of ``shape`` on ``like``'s namespace and device."""
    return _place(np.zeros(shape), like, dtype)


def _place(host: np.ndarray, like: Any, dtype: Any):
    if like is None:
        return backend.put(host, dtype)
    return backend.from_host(host, like=like, dtype=dtype)
