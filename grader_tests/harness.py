"""The pieces every check is made of: calling the student's code safely, comparing
results with a message a student can act on, and the per-student seed.

A failed check raises ``AssertionError`` whose message is feedback to the student:
what was called (for visible checks, on which input), expected vs got shape or
value, and the worst element with its index. Hidden checks never print their
inputs: they describe them ("a random batch of 5 images").
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import hmac
import os
import threading
from pathlib import Path
from typing import Any, Callable

import numpy as np

from coursework.grading.secret import SECRET_FILE
from coursework.i18n import msg

from .messages import say
from .plain import as_result_array, assert_finite, type_name

__all__ = ["stored", "centred_gradient", "call", "as_result_array", "assert_close", "assert_shape", "student_id",
           "student_seed", "student_rng", "type_name", "wrong_tuple", "public", "sent", "kernel_code", "in_kernel",
           "judging", "SECRET_FILE"]

# Set by the judge (coursework.grading.judge.judge) while it runs a check in this process, per thread:
# the link to the student's kernel, the student's id and the course secret.
_JUDGING = threading.local()


@contextlib.contextmanager
def judging(link: Any, student: str, secret: bytes | None):
    """While a judge runs a check in this thread: ``in_kernel`` goes through ``link``, and
    ``student_id`` / ``student_seed`` use ``student`` and ``secret``."""
    saved = getattr(_JUDGING, "state", None)
    _JUDGING.state = (link, student, secret)
    try:
        yield
    finally:
        _JUDGING.state = saved


def _judge_state():
    return getattr(_JUDGING, "state", None)




def wrong_tuple(result: Any, names: str, what: str) -> str:
    """The message for ``result``, which should have been a tuple ``names`` (e.g. ``"(dx, dW, db)"``):
    it is a tuple of another length, or something else."""
    if isinstance(result, tuple):
        return say("tuple_size", what=what, names=names, n=len(result))
    return say("tuple_type", what=what, names=names, got=type_name(result))


def public(func: Callable, *args: Any, **kwargs: Any) -> Callable:
    """``func`` with arguments bound (``functools.partial``), to hand to a student's function.

    ``func`` must be a module-level function of a module students have (the visible checks,
    the package): when the judge grades, it names it to the student's kernel, which builds
    the same partial from its own copy; the arguments must be plain data.
    """
    return functools.partial(func, *args, **kwargs)


def sent(*needs: Callable) -> Callable:
    """Mark a module-level function that :func:`in_kernel` may run in the student's kernel.

    When the judge grades, the function's source and that of ``needs`` (the module-level
    classes and functions it uses) travel to the kernel as code, as the judge's agent
    does, and run there in a fresh namespace: nothing is looked up by name in the
    kernel, where a student can rebind any module's attributes. Only ``numpy`` (as
    ``np``) is imported there. Without a judge the mark changes nothing.
    """
    def mark(func: Callable) -> Callable:
        func._coursework_needs = needs
        return func
    return mark


@functools.lru_cache(maxsize=None)
def kernel_code(func: Callable) -> str:
    """The code the judge sends to run ``func`` (marked with :func:`sent`) in the kernel:
    its source and its needs' sources, decorators left out."""
    import ast
    import inspect
    import textwrap

    needs = getattr(func, "_coursework_needs", None)
    if needs is None:
        raise TypeError(f"{func.__qualname__} is not marked with harness.sent: the judge runs in the student's "
                        "kernel only code it sends")
    parts = ["from __future__ import annotations", "import numpy as np"]
    for obj in (*needs, func):
        tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
        for node in tree.body:
            node.decorator_list = []
        parts.append(ast.unparse(tree))
    return "\n\n\n".join(parts) + "\n"


def in_kernel(func: Callable, *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)``, run where the student's code runs.

    In one process (a student's check, plain nbgrader) that is here. When the judge grades,
    ``func`` (marked with :func:`sent`) runs in the student's kernel from the source the judge
    sends (:func:`kernel_code`), and what it returns comes back as plain data and handles:
    use it to build objects there (graphs of nodes) or to act on the student's objects (set
    a parameter). The arguments must be plain data or handles.
    """
    state = _judge_state()
    if state is None:
        return func(*args, **kwargs)
    link = state[0]
    return link.request({"op": "run", "code": kernel_code(func), "fn": func.__name__, "args": list(args),
                         "kwargs": dict(kwargs)})


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


#: The exercise name of the visible checks' inputs in :func:`student_seed` (drawn when the judge grades).
VISIBLE = "visible checks"


@functools.lru_cache(maxsize=32)
def _drawn(assignment: str, student: str, secret: bytes | None) -> dict:
    from .make_expected import builders  # instructor-only modules: the judge's process has them

    return builders()[assignment](student_rng(assignment, VISIBLE))


def stored(assignment: str) -> dict:
    """The inputs and expected outputs of an assignment's visible checks.

    In one process (a student's self-check, plain nbgrader) they are the stored ones, read
    from ``expected/<assignment>.npz`` (written by ``python -m grader_tests.make_expected``).
    When the judge grades they are drawn for the student being graded: the same builder
    (:mod:`grader_tests.builders`, the same shapes, kinks, ties and zeros) with
    :func:`student_rng`, the expected outputs computed by the full reference in the
    grading process. So the checks read the same, and a table of the stored answers
    earns nothing. Each call returns fresh copies, so a check that hands an array to the
    student cannot have it changed for the next check.
    """
    state = _judge_state()
    data = _stored(assignment) if state is None else _drawn(assignment, state[1], state[2])
    return {k: v.copy() for k, v in data.items()}


def call(func: Callable, *args: Any, what: str, **kwargs: Any) -> Any:
    """Call the student's ``func``; turn any exception into a clear failed check.

    The arguments are deep-copied so that a function that modifies its input can
    neither spoil the next check nor go unnoticed: if it modified them, that is
    reported as a failure.
    """
    if not callable(func):
        raise AssertionError(msg("expected_function", what=what, got=type_name(func)))
    call_args = copy.deepcopy(args)
    call_kwargs = copy.deepcopy(kwargs)
    try:
        result = func(*call_args, **call_kwargs)
    except NotImplementedError:
        raise AssertionError(msg("not_implemented", what=what)) from None
    except Exception as exc:  # the student's code may raise anything
        raise failed(msg("raised", what=what, ename=type(exc).__name__, evalue=exc), exc) from None
    for original, passed in zip(args, call_args):
        if isinstance(original, np.ndarray) and not np.array_equal(original, passed, equal_nan=True):
            raise AssertionError(msg("modified_input", what=what))
    return result


def failed(message: str, cause: BaseException | None = None) -> AssertionError:
    """A failed check with ``message``; keeps where in the student's cells ``cause`` came from
    (the judge's feedback shows that line)."""
    err = AssertionError(message)
    where = getattr(cause, "coursework_where", None)
    if where:
        err.coursework_where = where
    return err




def assert_shape(got: np.ndarray, expected_shape: tuple, what: str) -> None:
    """Fail with expected vs got shape."""
    if tuple(got.shape) != tuple(expected_shape):
        raise AssertionError(msg("shape_mismatch", what=what, expected=tuple(expected_shape), got=tuple(got.shape)))


def assert_close(got: Any, expected: np.ndarray, what: str, *, atol: float = 1e-6, rtol: float = 0.0) -> None:
    """Compare the student's array with the expected one.

    Fails on a wrong shape (expected vs got), NaN or infinity, or values further
    apart than ``atol + rtol * |expected|`` (a NaN in ``expected``, e.g. a property
    check's value computed from the student's own result, is never close); the
    message names the worst element, its index, both values and how many elements
    are off. ``ULP_SLACK`` units in
    the last place of ``|expected|`` are always allowed on top: another BLAS,
    thread count or summation order changes the last bits of a right answer, and
    that must never fail a check (with ``atol=0`` a copy still has to be exact up
    to those few ulps, which no wrong answer comes near).
    """
    got = as_result_array(got, what)
    expected = np.asarray(expected, dtype=np.float64)
    assert_shape(got, expected.shape, what)
    assert_finite(got, what)
    diff = np.abs(got - expected)
    limit = atol + (rtol + ULP_SLACK * np.finfo(np.float64).eps) * np.abs(expected)
    off = ~(diff <= limit)  # NaN in `expected` (a property check's own value) is off too
    if np.any(off):
        gap = np.where(off, np.nan_to_num(diff, nan=np.inf), -1.0)
        worst = np.unravel_index(int(np.argmax(gap)), diff.shape) if diff.ndim else ()
        raise AssertionError(msg("worst_element", what=what, off=int(off.sum()), size=off.size, atol=f"{atol:g}",
                                 index=_index(worst), expected=f"{expected[worst]:.6g}", got=f"{got[worst]:.6g}"))


def _index(idx) -> str:
    idx = tuple(int(i) for i in np.atleast_1d(idx)) if np.size(idx) else ()
    return str(idx[0]) if len(idx) == 1 else str(idx)


def student_id() -> str:
    """Who is being graded.

    The judge's student while it runs a check; else ``COURSEWORK_STUDENT_ID`` if set; otherwise read from the working directory that
    ``nbgrader autograde`` runs a notebook in (``autograded/<student>/<assignment>``);
    otherwise ``"local"`` (a student checking their own work).
    """
    state = _judge_state()
    if state is not None:
        return state[1]
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
    draw different ones. The course secret (:func:`course_secret`, never shipped) is the
    key of an HMAC-SHA-256 of the key text, so nobody can compute their hidden inputs from
    their id; without a secret (a student's own machine) it is plain SHA-256.
    """
    key = f"{student_id()}/{assignment}/{exercise}".encode()
    secret = course_secret()
    digest = hmac.new(secret, key, hashlib.sha256).digest() if secret else hashlib.sha256(key).digest()
    return int.from_bytes(digest[:8], "little")


def course_secret() -> bytes | None:
    """The course secret: the judge's; else the file named by ``COURSEWORK_SECRET_FILE``;
    else ``<course>/.coursework-secret`` when running in ``autograded/<student>/<assignment>``
    (plain ``nbgrader autograde``); else None."""
    state = _judge_state()
    if state is not None:
        return state[2]
    path = os.environ.get("COURSEWORK_SECRET_FILE")
    if not path:
        here = Path.cwd().resolve()
        if here.parent.parent.name == "autograded":
            path = str(here.parent.parent.parent / SECRET_FILE)
    if path:
        try:
            return Path(path).read_bytes().strip() or None
        except OSError:
            return None
    return None


def student_rng(assignment: str, exercise: str) -> np.random.Generator:
    """``numpy.random.default_rng(student_seed(assignment, exercise))``."""
    return np.random.default_rng(student_seed(assignment, exercise))
