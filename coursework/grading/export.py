"""``coursework export``: the gradebook as CSV, nbgrader's columns plus one per exercise.

nbgrader's ``CsvExportPlugin`` writes its columns (assignment, duedate, timestamp,
student_id, last_name, first_name, email, raw_score, late_submission_penalty,
score, max_score), unchanged. After them comes one column per exercise: an
exercise is the ``grade_id`` of an answer cell, its score the sum of its test
cells' scores in the gradebook (manual overrides included). A student without a
submission gets 0, as in nbgrader's ``score``. When two assignments have an
exercise of the same name, both columns are named ``<assignment>/<exercise>``;
rows of another assignment leave a column empty.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any

from .exercises import Exercise, exercises as find_exercises

__all__ = ["assignment_exercises", "exercise_scores", "export_csv"]


def assignment_exercises(course: Any, assignment: str) -> list[Exercise]:
    """The exercises of an assignment's source notebooks, in notebook order."""
    import nbformat

    out: list[Exercise] = []
    for path in course.source_notebooks(assignment).values():
        out += find_exercises(nbformat.read(path, as_version=4))
    return out


def exercise_scores(course: Any, assignment: str, gb: Any) -> dict[str, dict[str, float]]:
    """student -> {exercise: score} for every submission of ``assignment`` in the gradebook."""
    exs = assignment_exercises(course, assignment)
    of = {c.grade_id: ex.name for ex in exs for c in ex.checks}
    out: dict[str, dict[str, float]] = {}
    for sub in gb.assignment_submissions(assignment):
        row = {ex.name: 0.0 for ex in exs}
        for nb in sub.notebooks:
            for grade in nb.grades:
                if grade.name in of:
                    row[of[grade.name]] += float(grade.score or 0.0)
        out[sub.student_id] = row
    return out


def export_csv(course: Any, to: str | os.PathLike | None = None, assignments: list[str] | None = None) -> Path:
    """Write the CSV (default ``<course>/grades.csv``) and return its path."""
    from nbgrader.plugins.export import CsvExportPlugin

    dest = Path(to) if to else course.root / "grades.csv"
    with course.gradebook() as gb:
        names = [a.name for a in gb.assignments if not assignments or a.name in assignments]
        fd, tmp = tempfile.mkstemp(suffix=".csv", dir=dest.parent if dest.parent.exists() else None)
        os.close(fd)
        try:
            plugin = CsvExportPlugin(config=course.config)
            plugin.to = tmp
            plugin.assignment = list(assignments or [])
            plugin.export(gb)
            with open(tmp, newline="") as fh:
                rows = list(csv.DictReader(fh))
                base_columns = list(rows[0].keys()) if rows else _nbgrader_columns()
        finally:
            os.unlink(tmp)
        per_assignment: dict[str, list[str]] = {}
        scores: dict[str, dict[str, dict[str, float]]] = {}
        for name in names:
            try:
                per_assignment[name] = [ex.name for ex in assignment_exercises(course, name)]
            except Exception:  # no source any more: nbgrader's columns only
                per_assignment[name] = []
            scores[name] = exercise_scores(course, name, gb) if per_assignment[name] else {}
    counts: dict[str, int] = {}
    for exs in per_assignment.values():
        for ex in exs:
            counts[ex] = counts.get(ex, 0) + 1
    column = {(a, ex): (ex if counts[ex] == 1 else f"{a}/{ex}") for a, exs in per_assignment.items() for ex in exs}
    extra = list(dict.fromkeys(column.values()))
    for row in rows:
        a, student = row["assignment"], row["student_id"]
        for ex in per_assignment.get(a, []):
            row[column[(a, ex)]] = f"{scores[a].get(student, {}).get(ex, 0.0):g}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=base_columns + extra, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return dest


def _nbgrader_columns() -> list[str]:
    return ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
            "late_submission_penalty", "score", "max_score"]
