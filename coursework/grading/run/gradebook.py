"""The class run's one gradebook session, and nbgrader's preprocessors on it.

nbgrader's ``OverwriteKernelspec``, ``OverwriteCells``, ``SaveAutoGrades`` and
``AssignLatePenalties`` each open the gradebook by its URL (a new database engine: about
20 ms, and every query compiled again) and commit after every cell (one ``fsync`` each). A
class run (:class:`.classrun.ClassRun`) is the gradebook's only writer: it keeps one
``nbgrader.api.Gradebook`` open for the whole run, reads what ``OverwriteCells`` asks of it
once (:class:`SourceTable`: plain data, which a worker on another machine can use), runs
the others on it (:func:`run_on`, :func:`assign_late_penalty`) and commits once per batch of finished
submissions (:func:`one_commit`). What the preprocessors read and write is unchanged: inside
a batch nbgrader's own ``commit()`` calls flush the session and expire what it holds, as a
commit does, so every later read sees the rows as a fresh session would; the batch's rows
reach the database in one transaction, all of them or (killed, failed) none.

A batch's new submissions are created by :func:`submissions_in` with one ``executemany`` per
table, rows as nbgrader's ``add_submission`` makes them (a submitted notebook per notebook
of the assignment, a grade per grade and task cell, a comment per solution and task cell);
nbgrader made them object by object and flushed after each submission.

A notebook's grades and comments, graded on the worker (:mod:`.graded`), are written by
:func:`save_grades`: four statements per notebook (its rows looked up, the manual scores
cleared, the grades and the comments each updated in one ``executemany``) on nbgrader's own
tables, where ``SaveAutoGrades`` asked the gradebook for each cell and flushed after each.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from nbgrader.api import (
    Assignment,
    BaseCell,
    Comment,
    Grade,
    MissingEntry,
    Notebook,
    SubmittedAssignment,
    SubmittedNotebook,
    new_uuid,
)
from nbgrader.utils import parse_utc

__all__ = [
    "BatchBroken",
    "SourceTable",
    "one_commit",
    "run_on",
    "assign_late_penalty",
    "source_kernelspecs",
    "save_grades",
    "Skeleton",
    "submissions_in",
    "late_penalties",
]


class BatchBroken(RuntimeError):
    """Something in the batch rolled the session back: the batch is lost and must be redone."""


class _Deferred:
    """A session whose ``commit`` waits for the batch's end (it flushes and expires, as a commit
    does); a ``rollback`` is remembered, so that the batch is redone, not half kept."""

    def __init__(self, session: Any):
        self._session = session
        self.rolled_back = False

    def commit(self) -> None:
        self._session.flush()
        self._session.expire_all()

    def rollback(self) -> None:
        self.rolled_back = True
        self._session.rollback()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


@contextlib.contextmanager
def one_commit(gb: Any) -> Iterator[None]:
    """Everything written to the open gradebook ``gb`` inside the block is committed once at its
    end, or rolled back (an exception, or :class:`BatchBroken` when something inside rolled back)."""
    session = gb.db
    deferred = _Deferred(session)
    gb.db = deferred
    try:
        yield
        if deferred.rolled_back:
            raise BatchBroken("the gradebook session was rolled back during the batch")
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        gb.db = session


class SourceTable:
    """What ``OverwriteCells`` asks the gradebook about an assignment's notebooks (its source
    and graded cells, and the source notebook's cells where it puts missing ones back), read
    once per run (:meth:`read`) as plain, picklable data: what the instructor released does
    not change while a class is graded, and a worker on another machine has no gradebook.
    Lookups answer as nbgrader's do, ``MissingEntry`` with nbgrader's message included."""

    SOURCE = ("name", "cell_type", "locked", "checksum", "source")
    GRADED = ("name", "cell_type", "max_score")

    def __init__(self, assignment: str, notebooks: dict[str, Any]):
        self.assignment, self.notebooks = assignment, notebooks

    @classmethod
    def read(cls, gb: Any, assignment: str, names: list[str]) -> SourceTable:
        """The notebooks ``names`` of ``assignment`` as the open gradebook ``gb`` holds them."""
        notebooks = {}
        for name in names:
            nb = gb.find_notebook(name, assignment)
            notebooks[name] = SimpleNamespace(
                source_cells=[SimpleNamespace(**{f: getattr(c, f) for f in cls.SOURCE}) for c in nb.source_cells],
                grade_cells=[SimpleNamespace(**{f: getattr(c, f) for f in cls.GRADED}) for c in nb.grade_cells],
                solution_cells=[SimpleNamespace(name=c.name) for c in nb.solution_cells],
                task_cells=[SimpleNamespace(**{f: getattr(c, f) for f in cls.GRADED}) for c in nb.task_cells],
            )
        return cls(assignment, notebooks)

    def find_notebook(self, notebook: str, assignment: str) -> Any:
        found = self.notebooks.get(notebook) if assignment == self.assignment else None
        if found is None:
            raise MissingEntry(f"No such notebook: {assignment}/{notebook}")
        return found

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> Any:
        nb = self.notebooks.get(notebook) if assignment == self.assignment else None
        for cell in nb.source_cells if nb is not None else []:
            if cell.name == name:
                return cell
        raise MissingEntry(f"No such source cell: {assignment}/{notebook}/{name}")

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> Any:
        nb = self.notebooks.get(notebook) if assignment == self.assignment else None
        for cell in [*nb.grade_cells, *nb.task_cells] if nb is not None else []:
            if cell.name == name:
                return cell
        raise MissingEntry(f"No such grade cell: {assignment}/{notebook}/{name}")


def _ids(pp: Any, gb: Any, resources: dict) -> None:
    info = resources["nbgrader"]
    pp.notebook_id, pp.assignment_id, pp.db_url = info["notebook"], info["assignment"], info["db_url"]
    pp.student_id = info.get("student")
    pp.gradebook = gb


def run_on(pp: Any, gb: Any, nb: Any, resources: dict) -> tuple[Any, dict]:
    """Run nbgrader's ``OverwriteCells`` or ``SaveAutoGrades`` preprocessor ``pp`` on the open
    gradebook ``gb`` instead of one it opens itself: its cell by cell work (and
    ``OverwriteCells``' missing cells, where configured), as its ``preprocess`` does."""
    if not pp.enabled:
        return nb, resources
    _ids(pp, gb, resources)
    # the cell loop of nbgrader's base class (NbGraderPreprocessor), which the class's own
    # preprocess wraps in opening the gradebook
    nb, resources = super(type(pp), pp).preprocess(nb, resources)
    if getattr(pp, "add_missing_cells", False):
        nb, resources = pp.add_missing_grade_cells(nb, resources)
        nb, resources = pp.add_missing_task_cells(nb, resources)
    return nb, resources


def assign_late_penalty(pp: Any, gb: Any, student: str, assignment: str, notebook: str) -> None:
    """What nbgrader's ``AssignLatePenalties`` (``pp``, its plugin configured by the course)
    writes, on the open gradebook ``gb``: the notebook's late penalty from the plugin, at
    least 0 and at most the notebook's score; none when the submission is on time."""
    if not pp.enabled:
        return
    pp.init_plugin()
    submission = gb.find_submission(assignment, student)
    nb = gb.find_submission_notebook(notebook, assignment, student)
    nb.late_submission_penalty = None
    if submission.total_seconds_late > 0:
        penalty = pp.plugin_inst.late_submission_penalty(student, nb.score, submission.total_seconds_late)
        if penalty is not None:
            nb.late_submission_penalty = min(max(penalty, 0), nb.score)
    gb.db.commit()


def late_penalties(pp: Any, gb: Any, student: str, assignment: str, notebooks: list[str]) -> None:
    """:func:`assign_late_penalty` for each of ``notebooks`` of ``student``'s submission; on time
    (most submissions), their penalties cleared in one statement."""
    if not pp.enabled or not notebooks:
        return
    pp.init_plugin()
    submission = gb.find_submission(assignment, student)
    if submission.total_seconds_late > 0:
        for notebook in notebooks:
            assign_late_penalty(pp, gb, student, assignment, notebook)
        return
    snb, nb = SubmittedNotebook.__table__, Notebook.__table__
    ids = sa.select(nb.c.id).where(nb.c.assignment_id == submission.assignment_id, nb.c.name.in_(notebooks))
    gb.db.execute(
        sa.update(snb)
        .where(snb.c.assignment_id == submission.id, snb.c.notebook_id.in_(ids))
        .values(late_submission_penalty=None)
    )
    gb.db.expire_all()


def source_kernelspecs(gb: Any, assignment: str, notebooks: list[str]) -> dict[str, dict | None]:
    """Each source notebook's kernelspec as the gradebook holds it (what ``OverwriteKernelspec``
    puts into every submitted notebook)."""
    out: dict[str, dict | None] = {}
    for name in notebooks:
        text = gb.find_notebook(name, assignment).kernelspec
        out[name] = json.loads(text) if text else None
    return out


def _submitted_notebook_id(gb: Any, notebook: str, assignment: str, student: str) -> str:
    """The id of ``student``'s submitted ``notebook`` of ``assignment``, or ``MissingEntry``."""
    snb, nb, sub, asg = (t.__table__ for t in (SubmittedNotebook, Notebook, SubmittedAssignment, Assignment))
    found = gb.db.execute(
        sa.select(snb.c.id)
        .join(nb, nb.c.id == snb.c.notebook_id)
        .join(sub, sub.c.id == snb.c.assignment_id)
        .join(asg, asg.c.id == sub.c.assignment_id)
        .where(nb.c.name == notebook, asg.c.name == assignment, sub.c.student_id == student)
    ).all()
    if len(found) != 1:
        raise MissingEntry(f"no submitted notebook {notebook!r} of {assignment!r} by {student!r} in the gradebook")
    return str(found[0][0])


def _rows_by_cell(gb: Any, table: Any, notebook_id: str) -> dict[str, str]:
    cell = BaseCell.__table__
    rows = gb.db.execute(
        sa.select(table.c.id, cell.c.name)
        .join(cell, cell.c.id == table.c.cell_id)
        .where(table.c.notebook_id == notebook_id)
    ).all()
    return {name: row_id for row_id, name in rows}


def save_grades(
    gb: Any,
    assignment: str,
    student: str,
    notebook: str,
    grades: dict[str, tuple[float | None, bool]],
    comments: dict[str, str | None],
) -> None:
    """Write one graded notebook's sheet (:class:`.graded.GradeSheet`) to the open gradebook
    ``gb`` (not committed): every grade of the submitted notebook loses its manual score and
    extra credit; grade id -> (auto_score, needs_manual_grade) and grade id -> auto_comment
    set, as ``SaveAutoGrades`` sets them. A grade id the gradebook does not have for this
    notebook is ``MissingEntry`` (as nbgrader's lookup), before anything is written."""
    notebook_id = _submitted_notebook_id(gb, notebook, assignment, student)
    grade, comment = Grade.__table__, Comment.__table__
    grade_rows, comment_rows = _rows_by_cell(gb, grade, notebook_id), _rows_by_cell(gb, comment, notebook_id)
    for wanted, rows, what in ((grades, grade_rows, "grade"), (comments, comment_rows, "comment")):
        missing = sorted(set(wanted) - set(rows))
        if missing:
            raise MissingEntry(
                f"no {what} {missing[0]!r} of the notebook {notebook!r} of {assignment!r} by {student!r} "
                "in the gradebook"
            )
    gb.db.flush()  # what the session holds reaches the database before the statements below
    gb.db.execute(
        sa.update(grade).where(grade.c.notebook_id == notebook_id).values(manual_score=None, extra_credit=None)
    )
    if grades:
        gb.db.execute(
            sa.update(grade)
            .where(grade.c.id == sa.bindparam("row_id"))
            .values(auto_score=sa.bindparam("auto"), needs_manual_grade=sa.bindparam("review")),
            [{"row_id": grade_rows[k], "auto": auto, "review": review} for k, (auto, review) in grades.items()],
        )
    if comments:
        gb.db.execute(
            sa.update(comment).where(comment.c.id == sa.bindparam("row_id")).values(auto_comment=sa.bindparam("text")),
            [{"row_id": comment_rows[k], "text": text} for k, text in comments.items()],
        )
    gb.db.expire_all()  # rows the session holds are read again (scores, late penalties)


class Skeleton:
    """What a new submission of ``assignment`` mirrors (as nbgrader's ``add_submission``): the
    assignment's id and, per notebook (by name), its id, its grade, solution and task cells' ids."""

    def __init__(self, gb: Any, assignment: str):
        found = gb.find_assignment(assignment)
        self.assignment, self.assignment_id = assignment, found.id
        self.notebooks = [
            SimpleNamespace(
                id=nb.id,
                grade_cells=[c.id for c in nb.grade_cells],
                solution_cells=[c.id for c in nb.solution_cells],
                task_cells=[c.id for c in nb.task_cells],
            )
            for nb in found.notebooks  # ordered by name
        ]


def submissions_in(gb: Any, skeleton: Skeleton, timestamps: dict[str, Any]) -> None:
    """Every student of ``timestamps`` (student -> timestamp, or None) has a submission of the
    skeleton's assignment in the open gradebook ``gb`` (not committed), as nbgrader's
    ``update_or_create_submission`` leaves it: an existing one gets the timestamp (when there
    is one), a new one is made with all its rows. The students must exist."""
    sub, snb = SubmittedAssignment.__table__, SubmittedNotebook.__table__
    grade, comment = Grade.__table__, Comment.__table__
    gb.db.flush()
    found = dict(
        gb.db.execute(
            sa.select(sub.c.student_id, sub.c.id).where(
                sub.c.assignment_id == skeleton.assignment_id, sub.c.student_id.in_(list(timestamps))
            )
        ).all()
    )
    stamps = [{"row_id": found[s], "stamp": parse_utc(t)} for s, t in timestamps.items() if s in found and t]
    if stamps:
        gb.db.execute(
            sa.update(sub).where(sub.c.id == sa.bindparam("row_id")).values(timestamp=sa.bindparam("stamp")), stamps
        )
    rows: dict[str, list[dict]] = {"sub": [], "snb": [], "grade": [], "comment": []}
    for student, stamp in timestamps.items():
        if student in found:
            continue
        sub_id = new_uuid()
        rows["sub"].append(
            {
                "id": sub_id,
                "assignment_id": skeleton.assignment_id,
                "student_id": student,
                "timestamp": parse_utc(stamp) if stamp else None,
            }
        )
        for nb in skeleton.notebooks:
            nb_id = new_uuid()
            rows["snb"].append({"id": nb_id, "assignment_id": sub_id, "notebook_id": nb.id})
            rows["grade"] += [{"id": new_uuid(), "notebook_id": nb_id, "cell_id": c} for c in nb.grade_cells]
            rows["comment"] += [{"id": new_uuid(), "notebook_id": nb_id, "cell_id": c} for c in nb.solution_cells]
            for c in nb.task_cells:
                rows["comment"].append({"id": new_uuid(), "notebook_id": nb_id, "cell_id": c})
                rows["grade"].append({"id": new_uuid(), "notebook_id": nb_id, "cell_id": c})
    for table, key in ((sub, "sub"), (snb, "snb"), (grade, "grade"), (comment, "comment")):
        if rows[key]:
            gb.db.execute(sa.insert(table), rows[key])
    gb.db.expire_all()
