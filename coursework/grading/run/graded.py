"""An executed notebook graded where it ran: everything but the gradebook's writing.

After a notebook ran (:mod:`.worker`), nbgrader's ``IgnorePattern`` and ``LimitOutput``, the
exercise rules (:mod:`coursework.grading.judge.rules`), nbgrader's ``SaveAutoGrades`` and
``CheckCellMetadata`` turn it into the graded notebook, its record and the grades. All of
it but the gradebook's rows is a function of the notebook, its outcome, the source notebook
and the course's nbgrader config: :func:`grade_notebook` does it on the worker that holds
the notebook, with ``SaveAutoGrades`` writing into a :class:`GradeSheet` (plain data)
instead of the gradebook. The class run, the gradebook's only writer, then writes the
sheet (:func:`.gradebook.save_grades`) and the notebook's text as they come.

The sheet is what ``SaveAutoGrades`` writes after the run cleared the submission's manual
scores and extra credit (a fresh autograde is the autograder's score): each grade's
``auto_score`` and ``needs_manual_grade`` (nbgrader's rule: a grade needs review when it has
no automatic score, since the manual score is cleared), each comment's ``auto_comment``.

The notebook stays hostile here: it is the one the class run sanitized (its grading marks
dropped, its locked cells restored) with the kernel's outputs; the worker's process is the
grader's, never the kernel's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import nbformat
import nbgrader.preprocessors as nbgrader_preprocessors
from nbgrader.utils import determine_grade

from ..execute.outcome import NotebookOutcome
from ..exercises import Exercise
from ..judge.restore import Restored
from ..judge.rules import apply_rules
from .gradebook import run_on

__all__ = ["GradedNotebook", "GradeSheet", "grade_notebook", "notebook_text", "nbgrader_resources", "NO_SANDBOX"]

NO_SANDBOX = "Graded WITHOUT the kernel sandbox (--no-sandbox): the submission's code ran with the grader's rights."


@dataclass
class GradedNotebook:
    """One graded notebook: its text as ``autograded/`` gets it (nbformat JSON), its record
    (:func:`~coursework.grading.judge.rules.apply_rules`' with the notes, the restored cells
    and the judge's statistics), and grade id -> (auto_score, needs_manual_grade) and
    grade id -> auto_comment as ``SaveAutoGrades`` writes them."""

    text: str
    record: dict
    grades: dict[str, tuple[float | None, bool]] = field(default_factory=dict)
    comments: dict[str, str | None] = field(default_factory=dict)


class GradeSheet:
    """What ``SaveAutoGrades`` finds in place of the gradebook: a fresh row for each grade and
    comment it asks for (manual score cleared, as the class run clears it), kept by grade id;
    ``commit`` does nothing (the class run commits the gradebook)."""

    def __init__(self) -> None:
        self.grades: dict[str, Any] = {}
        self.comments: dict[str, Any] = {}
        self.db = SimpleNamespace(commit=lambda: None)

    def find_grade(self, grade_id: str, notebook: str, assignment: str, student: str) -> Any:
        row = self.grades[grade_id] = SimpleNamespace(auto_score=None, manual_score=None, needs_manual_grade=True)
        return row

    def find_comment(self, grade_id: str, notebook: str, assignment: str, student: str) -> Any:
        row = self.comments[grade_id] = SimpleNamespace(auto_comment=None)
        return row


def nbgrader_resources(student: str, assignment: str, notebook: str, db_url: str = "") -> dict:
    """The resources nbgrader's preprocessors read for one notebook of a submission."""
    return {
        "unique_key": notebook,
        "output_files_dir": f"{notebook}_files",
        "nbgrader": {"student": student, "assignment": assignment, "notebook": notebook, "db_url": db_url},
    }


def notebook_text(nb: Any) -> str:
    """``nb`` as ``nbformat.write`` writes it to a file (validated JSON, ending in a newline)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def grade_notebook(
    nb: Any,
    *,
    name: str,
    student: str,
    assignment: str,
    config: Any,
    exercises: list[Exercise],
    outcome: NotebookOutcome,
    timeout: float,
    sandbox: bool,
    restored: list[Restored],
    notes: list[str],
    judge: dict,
) -> GradedNotebook:
    """The executed notebook ``nb`` (changed in place) graded: nbgrader's ``IgnorePattern`` and
    ``LimitOutput`` with the course's ``config``, the rules, ``SaveAutoGrades`` into a
    :class:`GradeSheet`, ``CheckCellMetadata`` (a ``ValidationError`` when its metadata is
    broken), the ``coursework`` metadata the feedback reads. ``notes``: its room's; ``judge``:
    the judge's statistics. Messages are in :func:`~coursework.i18n.language`."""
    res = nbgrader_resources(student, assignment, name)
    for step in ("IgnorePattern", "LimitOutput"):
        nb, res = getattr(nbgrader_preprocessors, step)(config=config)(nb, res)
    record = apply_rules(nb, exercises, outcome, timeout, grade=determine_grade)
    record["restored"] = [r.__dict__ for r in restored]
    record["judge"] = judge
    record["notes"] = [r.sentence() for r in restored] + list(notes) + record["notes"]
    if not sandbox:
        record["notes"].append(NO_SANDBOX)
    sheet = GradeSheet()
    nb, res = run_on(nbgrader_preprocessors.SaveAutoGrades(config=config), sheet, nb, res)
    nb, res = nbgrader_preprocessors.CheckCellMetadata(config=config)(nb, res)
    nb.metadata["coursework"] = {
        "student": student,
        "notes": record["notes"],
        "sandbox": sandbox,
        "judge": True,
        "exercises": [
            {"name": ex_name, **{k: v for k, v in ex.items() if k != "checks"}}
            for ex_name, ex in record["exercises"].items()
        ],
    }
    return GradedNotebook(
        text=notebook_text(nb),
        record=record,
        grades={k: (row.auto_score, bool(row.needs_manual_grade)) for k, row in sheet.grades.items()},
        comments={k: row.auto_comment for k, row in sheet.comments.items()},
    )
