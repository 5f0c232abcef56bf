"""``coursework export``: the gradebook as CSV, nbgrader's columns plus one per exercise.

nbgrader's CSV columns come first (assignment, duedate, timestamp, student_id,
last_name, first_name, email, raw_score, late_submission_penalty, score, max_score),
with nbgrader's values, but written by :mod:`csv` (nbgrader's own plugin does not quote,
so a comma in a name shifts the columns). After them comes one column per exercise:
an exercise is an answer cell, named as the notebook names it (the function or class
the cell defines when its ``grade_id`` spells that name, e.g. ``MyValue``; else the
``grade_id``), its score the sum of its test cells' scores in the gradebook (manual
overrides included). A student without a submission gets 0, as in nbgrader's
``score``. When two assignments have an exercise of the same name, both columns are
named ``<assignment>/<exercise>``; rows of another assignment leave a column empty.

Rows: by default only the assignments with at least one submission in the gradebook
(``--all``: every assignment in it), one row per student of the gradebook. A text
that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return and is not a number) is written with a leading ``'``. A
row that cannot be computed is written with empty scores and reported; the others
are written.
"""

from __future__ import annotations

import ast
import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from ..course import Course, CourseError
from ..exercises import Exercise, is_answer, meta
from ..exercises import exercises as find_exercises

__all__ = ["Export", "assignment_exercises", "exercise_scores", "exercise_titles", "export_csv", "neutralise"]


def assignment_exercises(course: Course, assignment: str) -> list[Exercise]:
    """The exercises of an assignment's source notebooks, in notebook order."""
    out: list[Exercise] = []
    for path in course.source_notebooks(assignment).values():
        out += find_exercises(nbformat.read(path, as_version=4))
    return out


def exercise_scores(
    course: Course, assignment: str, gb: Any, problems: list[str] | None = None
) -> dict[str, dict[str, float | None]]:
    """student -> {exercise: score} for every submission of ``assignment`` in the gradebook.

    A submission whose grades cannot be read gets ``None`` per exercise, and a line in
    ``problems`` (when given); the others are read.
    """
    exs = assignment_exercises(course, assignment)
    of = {c.grade_id: ex.name for ex in exs for c in ex.checks}
    out: dict[str, dict[str, float | None]] = {}
    for sub in gb.assignment_submissions(assignment):
        row: dict[str, float] = {ex.name: 0.0 for ex in exs}
        try:
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.name in of:
                        row[of[grade.name]] += float(grade.score or 0.0)
        except Exception as exc:  # noqa: BLE001 - this student's only
            out[sub.student_id] = {ex.name: None for ex in exs}
            if problems is not None:
                problems.append(f"{assignment} {sub.student_id}: {type(exc).__name__}: {exc}")
            continue
        out[sub.student_id] = dict(row)
    return out


def exercise_titles(course: Course, assignment: str) -> dict[str, str]:
    """grade_id of each answer cell -> the exercise's name as the notebook writes it.

    The name of a function or class the cell defines whose spelling, without case and
    underscores, is the grade_id's (``myvalue`` -> ``MyValue``); else the grade_id.
    """
    out: dict[str, str] = {}
    for path in course.source_notebooks(assignment).values():
        for cell in nbformat.read(path, as_version=4).cells:
            if not is_answer(cell):
                continue
            gid = str(meta(cell).get("grade_id"))
            code = "\n".join(ln for ln in cell.source.splitlines() if "### BEGIN" not in ln and "### END" not in ln)
            try:
                names = [
                    n.name
                    for n in ast.parse(code).body
                    if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                ]
            except SyntaxError:
                names = []
            key = gid.replace("_", "").lower()
            out[gid] = next((n for n in names if n.replace("_", "").lower() == key), gid)
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """``value`` as CSV text that no spreadsheet runs as a formula (a leading ``'`` where needed)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        try:
            float(text)
            return text  # a negative number stays a number
        except ValueError:
            return "'" + text
    return text


@dataclass
class Export:
    """What ``export_csv`` wrote: the file, its rows, and the rows it could not compute (why)."""

    path: Path
    rows: int = 0
    assignments: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def export_csv(
    course: Course, to: str | os.PathLike | None = None, assignments: list[str] | None = None, *, every: bool = False
) -> Export:
    """Write the CSV (default ``<course>/grades.csv``); see the module docstring."""
    dest = Path(to) if to else course.root / "grades.csv"
    result = Export(dest)
    rows: list[dict[str, str]] = []
    with course.gradebook() as gb:
        known = [a.name for a in gb.assignments]
        unknown = [a for a in assignments or [] if a not in known]
        if unknown:
            raise CourseError(
                f"not in the gradebook: {', '.join(unknown)} (assignments there: {', '.join(known) or 'none'})"
            )
        if assignments:
            names = [a for a in known if a in assignments]
        elif every:
            names = known
        else:
            names = [a for a in known if gb.assignment_submissions(a)]
        result.assignments = names
        titles, scores = _exercise_scores(course, names, gb, result.problems)
        students = list(gb.students)
        for name in names:
            assignment = gb.find_assignment(name)
            rows += [_student_row(gb, assignment, student, result.problems) for student in students]
    extra = _exercise_columns(rows, titles, scores)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".csv", dir=dest.parent)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=_nbgrader_columns() + extra, restval="", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise(v) for k, v in row.items()})
    os.replace(tmp, dest)
    result.rows = len(rows)
    return result


def _exercise_scores(
    course: Course, names: list[str], gb: Any, problems: list[str]
) -> tuple[dict[str, list[str]], dict[str, dict[str, dict[str, float | None]]]]:
    """Per assignment: its exercises' titles in notebook order, and student -> {title: score}."""
    titles: dict[str, list[str]] = {}
    scores: dict[str, dict[str, dict[str, float | None]]] = {}
    for name in names:
        try:
            named = exercise_titles(course, name)
            titles[name] = [named.get(ex.name, ex.name) for ex in assignment_exercises(course, name)]
            scores[name] = {
                student: {named.get(k, k): v for k, v in row.items()}
                for student, row in exercise_scores(course, name, gb, problems=problems).items()
            }
        except CourseError:  # no source any more: nbgrader's columns only
            titles[name], scores[name] = [], {}
    return titles, scores


def _student_row(gb: Any, assignment: Any, student: Any, problems: list[str]) -> dict[str, str]:
    """nbgrader's columns of one student for one assignment (0 without a submission; empty scores,
    and a line in ``problems``, when they cannot be read)."""
    from nbgrader.api import MissingEntry  # here: `coursework similarity` imports this module without nbgrader (4 s)

    name = assignment.name
    row: dict[str, Any] = {
        "assignment": name,
        "duedate": assignment.duedate,
        "student_id": student.id,
        "last_name": student.last_name,
        "first_name": student.first_name,
        "email": student.email,
        "max_score": assignment.max_score,
    }
    try:
        try:
            sub = gb.find_submission(name, student.id)
        except MissingEntry:
            row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
        else:
            penalty = float(sub.late_submission_penalty or 0.0)
            row.update(
                timestamp=sub.timestamp,
                raw_score=float(sub.score),
                late_submission_penalty=penalty,
                score=max(0.0, float(sub.score) - penalty),
            )
    except Exception as exc:  # noqa: BLE001 - this student's row only
        problems.append(f"{name} {student.id}: {type(exc).__name__}: {exc}; scores left empty")
        row.update(timestamp="", raw_score="", late_submission_penalty="", score="")
    return {k: ("" if v is None else str(v)) for k, v in row.items()}


def _exercise_columns(
    rows: list[dict[str, str]], titles: dict[str, list[str]], scores: dict[str, dict[str, dict[str, float | None]]]
) -> list[str]:
    """Add each exercise's score to ``rows``; returns the columns' names (``<assignment>/<exercise>``
    where two assignments have an exercise of that name)."""
    counts: dict[str, int] = {}
    for named in titles.values():
        for title in named:
            counts[title] = counts.get(title, 0) + 1
    column = {(a, t): (t if counts[t] == 1 else f"{a}/{t}") for a, named in titles.items() for t in named}
    for row in rows:
        a, student = row["assignment"], row["student_id"]
        for title in titles.get(a, []):
            got = scores[a].get(student, {}).get(title, 0.0)
            row[column[(a, title)]] = "" if got is None or row["score"] == "" else f"{got:g}"
    return list(dict.fromkeys(column.values()))


def _nbgrader_columns() -> list[str]:
    return [
        "assignment",
        "duedate",
        "timestamp",
        "student_id",
        "last_name",
        "first_name",
        "email",
        "raw_score",
        "late_submission_penalty",
        "score",
        "max_score",
    ]
