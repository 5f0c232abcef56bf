"""Helpers for tests that run nbgrader for real on a copy of the course.

The copy lives in a temporary folder: nbgrader_config.py, solutions/ and (where a
test needs it) submissions. nbgrader is run as the instructor would run it, from
the course root with the venv's bin/ on PATH (nbgrader calls ``alembic`` by name).
"""

from __future__ import annotations

import copy
import functools
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import numpy as np

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def make_course(tmp: Path) -> Path:
    """Copy the course's nbgrader inputs into ``tmp`` and return the course root."""
    course = tmp / "course"
    course.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", course)
    shutil.copytree(REPO / "solutions", course / "solutions",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return course


def nbgrader(course: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course``; fail the test with its output if it fails."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("MPLBACKEND", "Agg")
    env.pop("COURSEWORK_STUDENT_ID", None)
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def solution_sources(source_nb: Path) -> dict[str, str]:
    """grade_id -> the solution cell's code with nbgrader's solution markers removed."""
    nb = nbformat.read(source_nb, as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            lines = [ln for ln in cell.source.splitlines() if not re.search(r"### (BEGIN|END) SOLUTION", ln)]
            out[meta["grade_id"]] = "\n".join(lines)
    return out


def submission(release_nb: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The release notebook with the solution cells named in ``answers`` filled in."""
    nb = copy.deepcopy(nbformat.read(release_nb, as_version=4))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def submit(course: Path, student: str, assignment: str, nb: nbformat.NotebookNode) -> None:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")


def scores(course: Path, assignment: str) -> dict[str, dict[str, float]]:
    """student -> {grade_id: score, "total": score} from the course's gradebook."""
    from nbgrader.api import Gradebook

    out: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(assignment):
            per_cell = {}
            for nb in sub.notebooks:
                for grade in nb.grades:
                    per_cell[grade.name] = grade.score
            per_cell["total"] = sub.score
            out[sub.student_id] = per_cell
    return out


def gradebook_rows(course: Path, assignment: str) -> dict:
    """What Formgrader shows of every submission: its timestamp, score, late penalty and review
    flag; each notebook's late penalty, flag and score; each grade's automatic, manual and extra
    score and review flag; each comment's automatic and manual text."""
    from nbgrader.api import Gradebook

    rows = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(assignment):
            rows[sub.student_id] = {
                "timestamp": str(sub.timestamp),
                "score": sub.score,
                "late": sub.late_submission_penalty,
                "review": sub.needs_manual_grade,
                "notebooks": sorted((nb.name, nb.late_submission_penalty, nb.flagged, nb.score) for nb in sub.notebooks),
                "grades": sorted((nb.name, g.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade)
                                 for nb in sub.notebooks for g in nb.grades),
                "comments": sorted((nb.name, c.name, c.auto_comment, c.manual_comment)
                                   for nb in sub.notebooks for c in nb.comments),
            }
    return rows


# -- one class of sample submissions, graded end to end --------------------------

#: Text that must never reach a student's feedback: hidden regions and the hidden
#: checks' module, functions and seeds.
HIDDEN_MARKERS = ("HIDDEN TESTS", "grader_tests.hidden", "grader_tests/hidden", "hidden.check_", "student_rng(")


def grade_samples(tmp: Path, samples: dict) -> Path:
    """Release every assignment in a fresh course, submit the sample notebooks of the
    assignments in ``samples``, then run nbgrader's autograde, generate_feedback and export
    (to ``grades.csv``) once each, over all of them (nbgrader reads an assignment id as a
    glob: ``*`` is every assignment).

    ``samples[assignment](right)`` gets grade_id -> the reference answer of every solution
    cell and returns student -> {grade_id: answer source} (cells not named keep the
    release's stub). A student may hand in several assignments.
    """
    course = make_course(tmp)
    nbgrader(course, "generate_assignment", "*", "--force")
    for assignment, make_samples in samples.items():
        release = course / "notebooks" / assignment / f"{assignment}.ipynb"
        right = solution_sources(REPO / "solutions" / assignment / f"{assignment}.ipynb")
        for student, answers in make_samples(right).items():
            submit(course, student, assignment, submission(release, answers))
    nbgrader(course, "autograde", "*", "--force")
    nbgrader(course, "generate_feedback", "*", "--force")
    nbgrader(course, "export", "--to", str(course / "grades.csv"))
    return course


def exported_totals(course: Path, assignment: str) -> dict[str, float]:
    """student -> total score, read from the ``grades.csv`` nbgrader exported, for the students who
    handed ``assignment`` in. nbgrader exports every student of the course for every assignment:
    the others' rows must say 0."""
    import csv

    with open(course / "grades.csv", newline="") as fh:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(fh) if row["assignment"] == assignment}
    handed_in = {s: v for s, v in rows.items() if (course / "submitted" / s / assignment).is_dir()}
    assert all(v == 0.0 for s, v in rows.items() if s not in handed_in), rows
    return handed_in


def feedback_text(course: Path, assignment: str, student: str) -> str:
    """The student's feedback page as plain text (tags stripped, entities decoded)."""
    import html

    pages = list((course / "feedback" / student / assignment).glob("*.html"))
    assert pages, f"no feedback for {student}"
    return html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text()))


def assert_no_hidden_text(text: str, student: str, extra: tuple[str, ...] = ()) -> None:
    for secret in HIDDEN_MARKERS + tuple(extra):
        assert secret not in text, f"feedback of {student} shows {secret!r}"


@functools.lru_cache(maxsize=None)
def notebook_answers(assignment: str) -> types.SimpleNamespace:
    """The answers of a source notebook, as functions: its solution cells run in one
    namespace (with NumPy as ``np``). Tests that hand a student's function to the
    package use these, so they test the notebook's own answers."""
    namespace: dict = {"np": np}
    for grade_id, code in solution_sources(REPO / "solutions" / assignment / f"{assignment}.ipynb").items():
        exec(compile(code, f"<{assignment}:{grade_id}>", "exec"), namespace)
    return types.SimpleNamespace(**{k: v for k, v in namespace.items() if not k.startswith("__")})
