"""The pieces every check is made of: calling the student's code safely, comparing
results with a message a student can act on, and the per-student seed.

A failed check raises ``AssertionError`` whose message is feedback to the student:
what was called (for visible checks, on which input), expected vs got shape or
value, and the worst element with its index. Hidden checks never print their
inputs: they describe them ("a random batch of 5 images").
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
from pathlib import Path
from typing import Any, Callable

import numpy as np

__all__ = ["stored", "centred_gradient", "call", "as_result_array", "assert_close", "assert_shape", "student_id", "student_seed", "student_rng"]


#: Units in the last place that :func:`assert_close` allows on top of any tolerance.
ULP_SLACK = 64


def centred_gradient(f: Callable, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Centred finite differences of a scalar function of ``x`` (float64, on the host).

    The checks' own numerical gradient: visible checks cannot use the package's,
    whose body is a graded exercise (05_sgd). This one is that exercise's answer too, so
    the bundles up to 05_sgd's strip it (05's visible checks use a directional check).
    """
    # BEGIN REFERENCE 05_sgd
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad
    # END REFERENCE


@functools.lru_cache(maxsize=None)
def _stored(assignment: str) -> dict:
    path = Path(__file__).with_name("expected") / f"{assignment}.npz"
    with np.load(path) as data:
        return {k: data[k] for k in data.files}


def stored(assignment: str) -> dict:
    """The stored inputs and expected outputs of an assignment's visible checks.

    Read from ``expected/<assignment>.npz`` (written by ``python -m
    grader_tests.make_expected``). Each call returns fresh copies, so a check that
    hands an array to the student cannot have it changed for the next check.
    """
    return {k: v.copy() for k, v in _stored(assignment).items()}


def call(func: Callable, *args: Any, what: str, **kwargs: Any) -> Any:
    """Call the student's ``func``; turn any exception into a clear failed check.

    The arguments are deep-copied so that a function that modifies its input can
    neither spoil the next check nor go unnoticed: if it modified them, that is
    reported as a failure.
    """
    if not callable(func):
        raise AssertionError(f"{what}: expected a function, got {type(func).__name__}")
    call_args = copy.deepcopy(args)
    call_kwargs = copy.deepcopy(kwargs)
    try:
        result = func(*call_args, **call_kwargs)
    except NotImplementedError:
        raise AssertionError(f"{what}: not implemented yet (the function raised NotImplementedError)") from None
    except Exception as exc:  # the student's code may raise anything
        raise AssertionError(f"{what}: your function raised {type(exc).__name__}: {exc}") from None
    for original, passed in zip(args, call_args):
        if isinstance(original, np.ndarray) and not np.array_equal(original, passed, equal_nan=True):
            raise AssertionError(f"{what}: your function modified its input array in place; compute a new array instead")
    return result


def as_result_array(result: Any, what: str) -> np.ndarray:
    """The student's result as a float NumPy array, or a failed check saying why not."""
    if result is None:
        raise AssertionError(f"{what}: expected an array, got None (did you forget `return`?)")
    if isinstance(result, tuple):
        raise AssertionError(f"{what}: expected one array, got a tuple of {len(result)} items")
    try:
        if hasattr(result, "get") and not isinstance(result, (dict, np.ndarray)):
            result = result.get()  # a CuPy array
        arr = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"{what}: expected an array of numbers, got {type(result).__name__} ({exc})") from None
    return arr


def assert_shape(got: np.ndarray, expected_shape: tuple, what: str) -> None:
    """Fail with expected vs got shape."""
    if tuple(got.shape) != tuple(expected_shape):
        raise AssertionError(f"{what}: expected shape {tuple(expected_shape)}, got shape {tuple(got.shape)}")


def assert_close(got: Any, expected: np.ndarray, what: str, *, atol: float = 1e-6, rtol: float = 0.0) -> None:
    """Compare the student's array with the expected one.

    Fails on a wrong shape (expected vs got), NaN or infinity, or values further
    apart than ``atol + rtol * |expected|``; the message names the worst element,
    its index, both values and how many elements are off. ``ULP_SLACK`` units in
    the last place of ``|expected|`` are always allowed on top: another BLAS,
    thread count or summation order changes the last bits of a right answer, and
    that must never fail a check (with ``atol=0`` a copy still has to be exact up
    to those few ulps, which no wrong answer comes near).
    """
    got = as_result_array(got, what)
    expected = np.asarray(expected, dtype=np.float64)
    assert_shape(got, expected.shape, what)
    if not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))
        raise AssertionError(f"{what}: {len(bad)} element(s) are NaN or infinite, the first at index {_index(bad[0])}")
    diff = np.abs(got - expected)
    limit = atol + (rtol + ULP_SLACK * np.finfo(np.float64).eps) * np.abs(expected)
    off = diff > limit
    if np.any(off):
        worst = np.unravel_index(int(np.argmax(np.where(off, diff, -1.0))), diff.shape) if diff.ndim else ()
        raise AssertionError(
            f"{what}: {int(off.sum())} of {off.size} element(s) differ by more than {atol:g}; "
            f"the worst at index {_index(worst)}: expected {expected[worst]:.6g}, got {got[worst]:.6g}")


def _index(idx) -> str:
    idx = tuple(int(i) for i in np.atleast_1d(idx)) if np.size(idx) else ()
    return str(idx[0]) if len(idx) == 1 else str(idx)


def student_id() -> str:
    """Who is being graded.

    ``COURSEWORK_STUDENT_ID`` if set; otherwise read from the working directory that
    ``nbgrader autograde`` runs a notebook in (``autograded/<student>/<assignment>``);
    otherwise ``"local"`` (a student checking their own work).
    """
    env = os.environ.get("COURSEWORK_STUDENT_ID")
    if env:
        return env
    here = Path.cwd().resolve()
    if here.parent.parent.name == "autograded":
        return here.parent.name
    return "local"


def student_seed(assignment: str, exercise: str) -> int:
    """A seed fixed for one (student, assignment, exercise) and different across students.

    Grading the same submission again draws the same hidden inputs; two students
    draw different ones. SHA-256, not ``hash()``, so it survives new processes.
    """
    key = f"{student_id()}/{assignment}/{exercise}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "little")


def student_rng(assignment: str, exercise: str) -> np.random.Generator:
    """``numpy.random.default_rng(student_seed(assignment, exercise))``."""
    return np.random.default_rng(student_seed(assignment, exercise))
