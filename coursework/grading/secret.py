"""The course secret: the key of the hidden checks' per-student seeds.

``<course>/.coursework-secret`` (32 random bytes, hex), made by the first ``coursework
release`` (or ``autograde``), readable by its owner only, git-ignored and never in a
student bundle. ``grader_tests.harness.student_seed`` keys an HMAC-SHA-256 of
``student/assignment/exercise`` with it, so nobody can compute their hidden inputs
from their id. Losing it changes every student's hidden inputs (grades stay valid:
each submission is graded against the reference on the inputs drawn then).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["course_secret", "SECRET_FILE"]

SECRET_FILE = ".coursework-secret"


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
