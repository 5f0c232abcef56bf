"""What students must never get, defined once: the course secret, the hidden-test markers,
and the parts of the course's packages that no bundle ships and no kernel reads.

- **The course secret**: ``<course>/.coursework-secret`` (:data:`SECRET_FILE`; 32 random
  bytes, hex), made by the first ``coursework release`` (or ``autograde``), readable by its
  owner only, git-ignored and never in a student bundle. ``grader_tests.harness.student_seed``
  keys an HMAC-SHA-256 of ``student/assignment/exercise`` with it, so nobody can compute
  their hidden inputs from their id. Losing it changes every student's hidden inputs (grades
  stay valid: each submission is graded against the reference on the inputs drawn then).
- **Hidden tests**: the lines between :data:`HIDDEN_BEGIN` and :data:`HIDDEN_END` in a test
  cell of the source notebook (nbgrader's ``### BEGIN HIDDEN TESTS``).
- **What no bundle ships** (:data:`EXCLUDED_FROM_BUNDLE`): the hidden checks, the builders of
  their inputs, the script that stores the visible checks' values, and the lecture demos
  (which run the reference implementations); :data:`PRIVATE_MODULES` are the modules of
  those that hold secrets, never named to a student's kernel; :data:`NEVER_IN_A_BUNDLE` are
  the course paths a bundle's audit refuses.
- **Every copy of the full packages** (:func:`course_package_copies`): the grader's own
  ``coursework`` and ``grader_tests`` (hidden checks and every reference included) and any
  other copy on ``sys.path``; a grading kernel reads none of them.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import sys
from pathlib import Path

__all__ = [
    "course_secret",
    "course_package_copies",
    "grader_packages",
    "SECRET_FILE",
    "HIDDEN_BEGIN",
    "HIDDEN_END",
    "PACKAGES",
    "EXCLUDED_FROM_BUNDLE",
    "PRIVATE_MODULES",
    "NEVER_IN_A_BUNDLE",
]

SECRET_FILE = ".coursework-secret"
HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"
HIDDEN_END = "END HIDDEN TESTS"

#: The course's packages: a student bundle ships them stripped; the grader imports them whole.
PACKAGES = ("coursework", "grader_tests")
#: Parts of the packages (paths relative to the course) that no student bundle holds.
EXCLUDED_FROM_BUNDLE = (
    "grader_tests/hidden",
    "grader_tests/builders",
    "grader_tests/make_expected.py",
    "coursework/demos",
)
#: The modules among them that hold secrets (hidden checks, their inputs): never named to a kernel.
PRIVATE_MODULES = tuple(
    path.removesuffix(".py").replace("/", ".") for path in EXCLUDED_FROM_BUNDLE if path.startswith("grader_tests/")
)
#: Course paths that a bundle's audit refuses (a folder ends in ``/``).
NEVER_IN_A_BUNDLE = (
    "solutions/",
    *(
        path if path.endswith(".py") else f"{path}/"
        for path in EXCLUDED_FROM_BUNDLE
        if path.startswith("grader_tests/")
    ),
    "nbgrader_config.py",
    "gradebook.db",
    "submitted/",
    "autograded/",
    "feedback/",
    "tests/",
    SECRET_FILE,
)


def course_secret(root: str | os.PathLike, *, create: bool = False) -> bytes | None:
    """The secret of the course at ``root`` (made now if ``create`` and missing)."""
    path = Path(root) / SECRET_FILE
    try:
        return path.read_bytes().strip() or None
    except FileNotFoundError:
        if not create:
            return None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made at the same moment by another command
        return path.read_bytes().strip() or None
    with os.fdopen(fd, "wb") as fh:
        fh.write(secrets.token_hex(32).encode() + b"\n")
    return path.read_bytes().strip()


def grader_packages() -> dict[str, Path]:
    """The folders this grader imports ``coursework`` and ``grader_tests`` from (the course's
    sources for an editable install, site-packages for ``pip install .``): found by a file of
    each, as the import system finds it (a folder named like a package in the current
    directory would otherwise pass for the package, as a namespace)."""
    spec = importlib.util.find_spec("grader_tests.plain")
    if spec is None or spec.origin is None:
        raise ImportError("the package grader_tests cannot be found: install the course (pip install -e .)")
    return {"coursework": Path(__file__).resolve().parents[1], "grader_tests": Path(spec.origin).resolve().parent}


def course_package_copies() -> list[Path]:
    """Every copy of ``coursework`` and ``grader_tests`` a kernel could find: the grader's own
    and any other in a folder of ``sys.path`` (an older ``pip install .`` in site-packages
    while the grader runs from a checkout, say). A kernel reads none of them."""
    found = {p.resolve() for p in grader_packages().values()}
    for entry in sys.path:
        for name in PACKAGES:
            candidate = Path(entry or ".") / name
            if candidate.is_dir():
                found.add(candidate.resolve())
    return sorted(found)
