"""Plain data first: what a check decides on.

A value the student's code returned is turned into plain data before any comparison:
a Python ``float`` (:func:`number`), or a float64 array (:func:`finite_array`), with
NaN and infinity refused where a finite number is expected. When the judge grades,
a value that is not plain data is a handle to an object in the student's kernel; in
one process (a student's self-check, plain nbgrader) it is the object itself. Either
way an object of the student's own class is refused where a number is expected, so
no check's truth is decided by its ``__eq__``, ``__ne__``, ``__lt__``, ``__bool__``
or ``__float__``.

Comparisons are written so that NaN fails them: ``not abs(got - want) <= tol``
(:func:`assert_number`), never ``abs(got - want) > tol``, which NaN passes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coursework.i18n import msg

__all__ = ["type_name", "as_result_array", "is_number", "number", "finite_array", "assert_number", "assert_finite",
           "assert_varies"]


def is_number(value: Any) -> bool:
    """A plain real number: ``int`` or ``float`` (not ``bool``), or a NumPy integer or float scalar."""
    if type(value) in (int, float):
        return True
    return isinstance(value, (np.integer, np.floating)) and type(value).__module__ == "numpy"


def _describe(value: Any) -> str:
    if getattr(type(value), "_coursework_remote", False):
        return msg("an_object", type=value._type)
    if isinstance(value, np.ndarray):
        return msg("an_array", shape=value.shape)
    if value is None or isinstance(value, (bool, str)):
        return repr(value)[:60]
    return msg("an_object", type=type(value).__name__)


def number(value: Any, what: str, *, finite: bool = True) -> float:
    """``value`` as a Python float, or a failed check saying what came instead.

    Accepted: plain numbers (:func:`is_number`) and arrays of one number (any shape);
    refused: ``bool``, ``None``, strings, lists, and objects of other classes, whatever
    their ``__float__`` says. With ``finite`` (the default) NaN and infinity are refused.
    """
    if is_number(value):
        out = float(value)
    elif isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        out = float(value.reshape(()))
    else:
        raise AssertionError(msg("expected_number", what=what, got=_describe(value)))
    if finite and not np.isfinite(out):
        raise AssertionError(msg("not_finite_number", what=what, got=out))
    return out


def type_name(value: Any) -> str:
    """The type name of ``value``; for a handle to an object in the student's kernel, that object's."""
    if getattr(type(value), "_coursework_remote", False):
        return value._type
    return type(value).__name__


def as_result_array(result: Any, what: str) -> np.ndarray:
    """The student's result as a float NumPy array, or a failed check saying why not."""
    if result is None:
        raise AssertionError(msg("got_none", what=what))
    if isinstance(result, tuple):
        raise AssertionError(msg("got_tuple", what=what, n=len(result)))
    try:
        if hasattr(result, "get") and not isinstance(result, (dict, np.ndarray)):
            result = result.get()  # a CuPy array
        arr = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AssertionError(msg("not_numbers", what=what, got=type_name(result), detail=exc)) from None
    return arr


def assert_finite(arr: np.ndarray, what: str) -> np.ndarray:
    """Fail naming the first NaN or infinite element of ``arr`` (a float array); return ``arr``."""
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))
        first = tuple(int(i) for i in bad[0])
        index = str(first[0]) if len(first) == 1 else str(first)
        raise AssertionError(msg("not_finite", what=what, count=len(bad), index=index))
    return arr


def finite_array(value: Any, what: str) -> np.ndarray:
    """The student's result as a float64 array of finite numbers, or a failed check saying why not."""
    return assert_finite(as_result_array(value, what), what)


def assert_number(got: Any, want: float, what: str, *, atol: float, hint: str = "") -> float:
    """``got`` (turned into a finite float) within ``atol`` of ``want``; fails on NaN. Returns it."""
    value = number(got, what)
    if not abs(value - want) <= atol:
        raise AssertionError(msg("expected_value", what=what, want=want, got=value, hint=hint))
    return value


def assert_varies(numerical: np.ndarray, name: str, what: str, *, tiny: float = 1e-7) -> None:
    """Fail when a numerical gradient is (almost) 0 everywhere: the forward pass does not change
    when ``name`` changes, so a gradient check compares 0 with 0 and proves nothing.

    ``numerical`` must be finite (a NaN fails the check elsewhere). Every gradient the
    checks take this way is far from 0 for a right answer (random inputs and weights).
    """
    assert_finite(numerical, msg("gradient_of", what=what, name=name))
    if numerical.size and not np.max(np.abs(numerical)) > tiny:
        raise AssertionError(msg("gradient_flat", what=what, name=name))
