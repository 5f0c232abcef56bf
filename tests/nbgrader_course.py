"""Helpers for tests that run nbgrader for real on a copy of the course.

The copy lives in a temporary folder: nbgrader_config.py, solutions/ and (where a
test needs it) submissions. nbgrader is run as the instructor would run it, from
the course root with the venv's bin/ on PATH (nbgrader calls ``alembic`` by name).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
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
