"""Exercises of an nbgrader notebook, read from the cells' nbgrader metadata.

An *exercise* is an answer cell (``solution: true``, a code cell) and the test cells
(``grade: true``, not a solution, code) that follow it, up to the next answer cell.
Its name is the answer cell's ``grade_id``; its points are the sum of its checks'.
Test cells before the first answer cell form an exercise without an answer, named
after its first check. Each test cell is one *check*; a check whose cell holds a
``### BEGIN HIDDEN TESTS`` region is *hidden* (the student's copy has only its comment).

Pure metadata: no nbgrader import, so the student's self-check can use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .secret import HIDDEN_BEGIN, HIDDEN_END

__all__ = [
    "Check",
    "Exercise",
    "exercises",
    "exercise_of",
    "meta",
    "is_answer",
    "is_check",
    "is_hidden",
    "strip_hidden",
    "hidden_regions",
    "same_source",
]


def meta(cell: Any) -> dict:
    """The cell's ``nbgrader`` metadata ({} if none)."""
    return dict(cell.get("metadata", {}).get("nbgrader", {}) or {})


def is_answer(cell: Any) -> bool:
    """An answer (solution) code cell."""
    return cell.get("cell_type") == "code" and bool(meta(cell).get("solution"))


def is_check(cell: Any) -> bool:
    """An autograded test cell: a code cell with points that is not an answer."""
    m = meta(cell)
    return cell.get("cell_type") == "code" and bool(m.get("grade")) and not m.get("solution")


def is_hidden(cell: Any) -> bool:
    """A cell that holds a hidden-test region."""
    return HIDDEN_BEGIN in (cell.get("source") or "")


def strip_hidden(source: str) -> str:
    """The source without its hidden-test regions (markers included), as nbgrader's
    ``ClearHiddenTests`` writes it into the release."""
    out, inside = [], False
    for line in source.split("\n"):
        if HIDDEN_BEGIN in line:
            inside = True
        elif HIDDEN_END in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def hidden_regions(source: str) -> list[str]:
    """The text of each hidden-test region of ``source`` (without the marker lines)."""
    regions: list[str] = []
    current: list[str] | None = None
    for line in source.split("\n"):
        if HIDDEN_BEGIN in line:
            current = []
        elif HIDDEN_END in line:
            if current is not None:
                regions.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return regions


@dataclass(frozen=True)
class Check:
    """One test cell: its ``grade_id``, points, and whether it holds hidden tests."""

    grade_id: str
    points: float
    hidden: bool = False


@dataclass(frozen=True)
class Exercise:
    """An answer cell (``answer`` = its grade_id, None if the checks have none) and its checks."""

    name: str
    answer: str | None
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def points(self) -> float:
        return float(sum(c.points for c in self.checks))

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(c.grade_id for c in self.checks)


def exercises(nb: Any) -> list[Exercise]:
    """The exercises of a notebook (nbformat node or dict), in notebook order.

    Answer cells without any check after them are left out (nothing to score).
    """
    found: list[tuple[str | None, list[Check]]] = []
    for cell in _cells(nb):
        m = meta(cell)
        if is_answer(cell):
            found.append((m.get("grade_id"), []))
        elif is_check(cell):
            check = Check(str(m.get("grade_id")), float(m.get("points", 0) or 0), is_hidden(cell))
            if not found:
                found.append((None, []))
            found[-1][1].append(check)
    out = []
    for answer, checks in found:
        if checks:
            out.append(Exercise(answer or checks[0].grade_id, answer, tuple(checks)))
    return out


def exercise_of(exs: Iterable[Exercise]) -> dict[str, Exercise]:
    """check grade_id -> its exercise."""
    return {c.grade_id: ex for ex in exs for c in ex.checks}


def _cells(nb: Any) -> list:
    return list(nb["cells"] if isinstance(nb, dict) else nb.cells)


def _normal(source: str) -> str:
    # str.rstrip per line, not a regular expression: "[ \t]+$" backtracks quadratically
    # on a long run of spaces (a student can edit a locked cell to end in 40,000 of them).
    return "\n".join(line.rstrip(" \t") for line in (source or "").split("\n")).strip()


def same_source(a: str, b: str) -> bool:
    """Sources equal up to trailing spaces and tabs on lines and white space at the ends."""
    return _normal(a) == _normal(b)
