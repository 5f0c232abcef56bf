"""Argument checks shared by the data loaders: seeds, fractions, knobs, flags.

Counts are checked with :func:`coursework.validation.check_positive_int`; this module
adds what only the loaders need.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["as_generator", "check_unit_interval", "check_nonnegative_float", "check_bool"]


def as_generator(rng: Any, func: str) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng`` (a Generator or an int seed).

    A Generator is returned as is (and advanced by the caller); an int seed >= 0
    gives ``numpy.random.default_rng(seed)``. Nothing touches NumPy's global state.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{func}: expected rng to be a seed >= 0 or a numpy.random.Generator, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{func}: expected rng to be an int seed or a numpy.random.Generator, "
                    f"got {rng!r} ({type(rng).__name__})")


def _as_float(value: Any, name: str, func: str, expected: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: expected {name} to be {expected}, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{func}: expected {name} to be {expected}, got {value}")
    return value


def check_unit_interval(value: Any, name: str, func: str) -> float:
    """Return ``value`` as a float, or raise unless it is a real number in [0, 1]."""
    value = _as_float(value, name, func, "a number in [0, 1]")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{func}: expected {name} to be a number in [0, 1], got {value}")
    return value


def check_nonnegative_float(value: Any, name: str, func: str) -> float:
    """Return ``value`` as a float, or raise unless it is a finite real number >= 0."""
    value = _as_float(value, name, func, "a finite number >= 0")
    if value < 0:
        raise ValueError(f"{func}: expected {name} to be a finite number >= 0, got {value}")
    return value


def check_bool(value: Any, name: str, func: str) -> bool:
    """Return ``value`` unchanged, or raise ``TypeError`` unless it is a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: expected {name} to be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)
