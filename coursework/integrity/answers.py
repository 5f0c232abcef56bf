"""The answer cells of an assignment's submissions, exercise by exercise.

What is read, and only that:

- the **release** (``notebooks/<assignment>/*.ipynb``, what students got): which cells are
  answer cells (nbgrader's ``solution`` metadata, by ``grade_id``, with the exercises of
  :mod:`coursework.grading.exercises`), and the code of *every* code cell of it: starter
  code and the notebook's own cells, which count as nobody's work;
- each **submission** ``submitted/<student>/<assignment>/<notebook>.ipynb``: the code of its
  answer cells, found by ``grade_id`` (the first code cell with it), nothing else;
- the **reference solution** ``solutions/<assignment>/`` only when asked
  (``include_reference``): its answer cells, as one more submission named
  :data:`REFERENCE`. Test cells (hidden checks among them) are never read from it, and
  ``grader_tests/`` never at all.

A submission is hostile: a notebook over :data:`MAX_NOTEBOOK_BYTES`, one that is not
JSON or whose cells are not what nbformat says, is not compared and is listed with the
reason; a cell's source is cut to :data:`~.normalize.MAX_CELL_CHARS`.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursework.grading.exercises import exercises as find_exercises
from coursework.grading.exercises import is_answer, meta

__all__ = ["Submissions", "read_submissions", "release_answers", "REFERENCE", "MAX_NOTEBOOK_BYTES", "NoSubmissions"]

#: The name of the reference solution when it is compared too. A leading dot: no student
#: id can have one (``coursework collect`` refuses it).
REFERENCE = ".reference"
#: A larger submitted notebook is not read (autograde's default limit too).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


class NoSubmissions(LookupError):
    """Nothing to compare: the message says what is missing."""


@dataclass
class Submissions:
    """An assignment's answers: ``answers[student][exercise]`` = the cell's source.

    ``exercises`` are the answer cells' grade_ids in notebook order (``notebook/grade_id``
    when the assignment has several notebooks), ``titles`` their names as the notebook
    writes them, ``release`` the source of every code cell of the release, ``unreadable``
    the students whose notebook could not be read, with the reason.
    """

    assignment: str
    exercises: list[str]
    titles: dict[str, str]
    release: list[str]
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)


def _source(cell: Any) -> str | None:
    src = cell.get("source") if isinstance(cell, dict) else None
    if isinstance(src, list) and all(isinstance(s, str) for s in src):
        return "".join(src)
    return src if isinstance(src, str) else None


def _cells(path: Path) -> list[dict]:
    """The cells of a notebook file, or ``ValueError`` saying why not."""
    if not path.is_file():
        raise ValueError("the notebook is not a regular file")
    with path.open("rb") as f:             # bounded: whatever stat says (a device, a growing file)
        data = f.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"the notebook is over the {MAX_NOTEBOOK_BYTES / 2**20:g} MB limit")
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not a notebook (not JSON: {type(exc).__name__})") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise ValueError("not a notebook (no list of cells)")
    return [c for c in cells if isinstance(c, dict)]


def _title(grade_id: str, source: str) -> str:
    """The name of a function or class the cell defines spelled like the grade_id, else the grade_id."""
    try:
        names = [n.name for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    except (SyntaxError, ValueError, RecursionError):
        names = []
    key = grade_id.replace("_", "").lower()
    return next((n for n in names if n.replace("_", "").lower() == key), grade_id)


def release_answers(release_dir: Path) -> tuple[dict[str, list[str]], dict[str, str], list[str]]:
    """From the release folder: notebook -> its answer cells' grade_ids (those with checks,
    in order), exercise -> title, and the source of every code cell."""
    notebooks = sorted(release_dir.glob("*.ipynb")) if release_dir.is_dir() else []
    several = len(notebooks) > 1
    ids: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    code: list[str] = []
    for path in notebooks:
        cells = _cells(path)
        answers = [ex.answer for ex in find_exercises({"cells": cells}) if ex.answer]
        ids[path.stem] = answers
        for cell in cells:
            src = _source(cell)
            if cell.get("cell_type") == "code" and src:
                code.append(src)
                gid = str(meta(cell).get("grade_id", ""))
                if is_answer(cell) and gid in answers:
                    titles[f"{path.stem}/{gid}" if several else gid] = _title(gid, src)
    return ids, titles, code


def _answers_of(cells: list[dict], wanted: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            gid = meta(cell).get("grade_id")
        except (AttributeError, TypeError, ValueError):
            continue
        if isinstance(gid, str) and gid in wanted and gid not in found:
            src = _source(cell)
            if src is not None:
                found[gid] = src
    return found


def read_submissions(course: Any, assignment: str, include_reference: bool = False) -> Submissions:
    """Every submission's answer cells (see the module docstring).

    Raises :class:`NoSubmissions` (no release of the assignment, or fewer than two
    submissions to compare) and ``LookupError`` for an unknown assignment, each naming
    what was expected.
    """
    known = course.assignments()
    if assignment not in known:
        raise LookupError(f"no assignment {assignment!r} in {course.source_dir} "
                          f"(assignments: {', '.join(known) or 'none'})")
    release_dir = course.release_dir / assignment
    ids, titles, release_code = release_answers(release_dir)
    if not ids:
        raise NoSubmissions(f"no release of {assignment!r} in {release_dir}: run `coursework release {assignment}` "
                            "first (the release tells which cells are answers, and its code is nobody's work)")
    several = len(ids) > 1
    names = [f"{nb}/{gid}" if several else gid for nb, gids in ids.items() for gid in gids]
    subs = Submissions(assignment, names, titles, release_code)
    folder = course.submitted_dir
    for student in course.submissions(assignment):
        row: dict[str, str] = {}
        try:
            for nb, gids in ids.items():
                path = folder / student / assignment / f"{nb}.ipynb"
                if not path.is_file():
                    raise ValueError(f"no {nb}.ipynb in the submission")
                for gid, src in _answers_of(_cells(path), gids).items():
                    row[f"{nb}/{gid}" if several else gid] = src
        except (OSError, ValueError) as exc:
            subs.unreadable[student] = str(exc)
            continue
        subs.answers[student] = row
    if include_reference:
        source_dir = course.source_dir / assignment
        row = {}
        for nb, gids in ids.items():
            path = source_dir / f"{nb}.ipynb"
            if path.is_file():
                for gid, src in _answers_of(_cells(path), gids).items():
                    row[f"{nb}/{gid}" if several else gid] = src
        if row:
            subs.answers[REFERENCE] = row
    if len(subs.answers) < 2:
        have = len([s for s in subs.answers if s != REFERENCE])
        raise NoSubmissions(f"{assignment}: {have} readable submission(s) in {folder / '*' / assignment}; "
                            f"at least two are needed to compare (coursework collect {assignment} FOLDER files them)"
                            + (f"; not readable: {', '.join(sorted(subs.unreadable))}" if subs.unreadable else ""))
    return subs
