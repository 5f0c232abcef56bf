"""Strip reference implementations from package sources, the way nbgrader strips
solution cells.

The convention, in any ``.py`` file of the package: a comment line
``# BEGIN REFERENCE`` starts a region and a comment line ``# END REFERENCE`` ends it,
e.g. around a function's body, after its docstring (the docstring stays, so the
student still reads the contract).

A marker may name the assignment whose exercise the region answers,
``# BEGIN REFERENCE 03_activations``, and the earlier assignments whose notebooks need
it to run, ``# BEGIN REFERENCE 05_sgd needed-by 03_activations 04_backprop``. Which
bundle strips what is decided by the caller (``strip(tag, needed_by)``; the course rule
is :func:`coursework.grading.release.bundle.stripped_from`). A region without a tag is stripped
from every bundle.

A marked region inside a block (the ``# BEGIN REFERENCE`` line is indented) becomes
``raise NotImplementedError("reference implementation not shipped to students")`` at
that indentation; a region at module level (e.g. private helpers of the reference)
is removed and leaves a one-line comment. Unbalanced or nested markers, and a
result that is not valid Python, are errors: a bundle is never built from a file we
could not strip cleanly.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["StripError", "Region", "find_regions", "strip_reference", "copy_stripped", "region_tags", "STUB", "REMOVED"]

BEGIN = re.compile(
    r"^(?P<indent>[ \t]*)#\s*BEGIN REFERENCE\b[ \t]*(?P<tag>[\w.-]*)"
    r"(?:[ \t]+needed-by(?P<needed>(?:[ \t]+[\w.-]+)+))?[ \t]*$"
)
END = re.compile(r"^[ \t]*#\s*END REFERENCE\b")
_LOOSE_BEGIN = re.compile(r"^[ \t]*#\s*BEGIN REFERENCE\b")
STUB = 'raise NotImplementedError("reference implementation not shipped to students")'
REMOVED = "# (reference implementation not shipped to students)"


class StripError(ValueError):
    """Markers that do not pair up, or a stripped file that does not compile."""


def _always(tag: str | None, needed_by: tuple[str, ...]) -> bool:
    return True


def marker(match: re.Match) -> tuple[str | None, tuple[str, ...]]:
    """(tag or None, the assignments after ``needed-by``) of a ``BEGIN`` match."""
    return match.group("tag") or None, tuple((match.group("needed") or "").split())


@dataclass(frozen=True)
class Region:
    """One reference region of a source file: its marker and the lines it spans."""

    tag: str | None  # the assignment it answers (None: untagged)
    needed_by: tuple[str, ...]  # earlier assignments whose notebooks run it
    indent: str  # the indentation of its ``BEGIN`` line
    first: int  # index (0-based) of the ``BEGIN`` line
    last: int  # index of the ``END`` line
    body: str  # the lines between the markers


def find_regions(text: str, filename: str = "<string>") -> list[Region]:
    """The reference regions of ``text``, in order.

    Raises :class:`StripError` for markers that do not pair up, a region inside a
    region, and a line that starts like a marker but does not parse (e.g. ``needed by``
    without the hyphen): it would otherwise be ignored.
    """
    lines = text.splitlines(keepends=True)
    found: list[Region] = []
    begin, start = None, 0
    for index, line in enumerate(lines):
        number = index + 1
        match = BEGIN.match(line)
        if match:
            if begin is not None:
                raise StripError(f"{filename}:{number}: BEGIN REFERENCE inside the region opened on line {start + 1}")
            begin, start = match, index
        elif _LOOSE_BEGIN.match(line):
            raise StripError(f"{filename}:{number}: not a valid reference marker: {line.strip()!r}")
        elif END.match(line):
            if begin is None:
                raise StripError(f"{filename}:{number}: END REFERENCE without a BEGIN REFERENCE")
            found.append(Region(*marker(begin), begin.group("indent"), start, index, "".join(lines[start + 1 : index])))
            begin = None
    if begin is not None:
        raise StripError(f"{filename}:{start + 1}: BEGIN REFERENCE is never closed")
    return found


def region_tags(text: str) -> list[tuple[str | None, tuple[str, ...]]]:
    """``(tag, needed_by)`` of every region of ``text`` (errors as :func:`find_regions`)."""
    return [(r.tag, r.needed_by) for r in find_regions(text)]


def strip_reference(
    text: str, filename: str = "<string>", *, strip: Callable[[str | None, tuple[str, ...]], bool] = _always
) -> tuple[str, int]:
    """``text`` with its reference regions replaced; returns (new text, number of regions replaced).

    ``strip(tag, needed_by)`` says whether a region goes (tag None: untagged); a kept
    region stays as it is, markers included.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    done = 0
    regions = 0
    for region in find_regions(text, filename):
        if not strip(region.tag, region.needed_by):
            continue
        out += lines[done : region.first]
        out.append(f"{region.indent}{STUB}\n" if region.indent else f"{REMOVED}\n")
        done = region.last + 1
        regions += 1
    result = "".join(out + lines[done:])
    if regions:
        try:
            compile(result, filename, "exec")
        except SyntaxError as exc:
            raise StripError(f"{filename}: not valid Python once stripped: {exc}") from None
    return result, regions


def copy_stripped(
    src: Path,
    dst: Path,
    *,
    skip: Callable[[Path], bool] = lambda p: False,
    strip: Callable[[str | None, tuple[str, ...]], bool] = _always,
) -> dict[str, int]:
    """Copy the tree ``src`` to ``dst``, stripping every ``.py`` file.

    ``strip(tag, needed_by)`` is passed to :func:`strip_reference`. ``skip(relative_path)`` leaves
    files and folders out; ``__pycache__`` and ``*.pyc``
    are always left out. Returns {relative path: regions stripped} for the files that
    had any.
    """
    src, dst = Path(src), Path(dst)
    stripped: dict[str, int] = {}
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(part == "__pycache__" or part.startswith(".") for part in rel.parts) or path.suffix == ".pyc":
            continue
        if any(skip(Path(*rel.parts[:i])) for i in range(1, len(rel.parts) + 1)):
            continue
        target = dst / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".py":
            text, n = strip_reference(path.read_text(encoding="utf-8"), str(path), strip=strip)
            target.write_text(text, encoding="utf-8")
            if n:
                stripped[rel.as_posix()] = n
        else:
            shutil.copy2(path, target)
    return stripped
