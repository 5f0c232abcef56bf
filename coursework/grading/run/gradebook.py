"""The class run's one gradebook session, and nbgrader's preprocessors on it.

nbgrader's ``OverwriteKernelspec``, ``OverwriteCells``, ``SaveAutoGrades`` and
``AssignLatePenalties`` each open the gradebook by its URL (a new database engine: about
20 ms, and every query compiled again) and commit after every cell (one ``fsync`` each). A
class run (:class:`.classrun.ClassRun`) is the gradebook's only writer: it keeps one
``nbgrader.api.Gradebook`` open for the whole run, runs those preprocessors on it
(:func:`run_on`, :func:`assign_late_penalty`) and commits once per batch of finished
submissions (:func:`one_commit`). What the preprocessors read and write is unchanged: inside
a batch nbgrader's own ``commit()`` calls flush the session and expire what it holds, as a
commit does, so every later read sees the rows as a fresh session would; the batch's rows
reach the database in one transaction, all of them or (killed, failed) none.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from nbgrader.api import MissingEntry

__all__ = ["BatchBroken", "SourceCells", "one_commit", "run_on", "assign_late_penalty", "source_kernelspecs"]


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


class SourceCells:
    """The open gradebook ``gb`` for ``OverwriteCells``, whose lookups of the assignment's source
    and graded cells (two queries per cell of every submission, and the source notebook's cells
    where it puts missing ones back) are answered once per run: what the instructor released
    does not change while a class is graded. The answers are plain copies of the rows (or
    ``MissingEntry``, raised again); anything else goes to ``gb``."""

    SOURCE = ("name", "cell_type", "locked", "checksum", "source")
    GRADED = ("name", "cell_type", "max_score")

    def __init__(self, gb: Any):
        self.gb = gb
        self._found: dict[tuple, Any] = {}

    def _cached(self, key: tuple, find: Any, fields: tuple[str, ...]) -> Any:
        if key not in self._found:
            try:
                row = find(*key[1:])
            except MissingEntry as exc:
                self._found[key] = str(exc)
            else:
                self._found[key] = SimpleNamespace(**{f: getattr(row, f) for f in fields})
        found = self._found[key]
        if isinstance(found, str):
            raise MissingEntry(found)  # a new one each time, as nbgrader's lookup raises
        return found

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> Any:
        return self._cached(("source", name, notebook, assignment), self.gb.find_source_cell, self.SOURCE)

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> Any:
        return self._cached(("graded", name, notebook, assignment), self.gb.find_graded_cell, self.GRADED)

    def find_notebook(self, notebook: str, assignment: str) -> Any:
        """The source notebook's cells as ``OverwriteCells`` reads them to put missing cells back."""
        key = ("notebook", notebook, assignment)
        if key not in self._found:
            nb = self.gb.find_notebook(notebook, assignment)
            self._found[key] = SimpleNamespace(
                source_cells=[SimpleNamespace(**{f: getattr(c, f) for f in self.SOURCE}) for c in nb.source_cells],
                grade_cells=[SimpleNamespace(name=c.name, max_score=c.max_score) for c in nb.grade_cells],
                solution_cells=[SimpleNamespace(name=c.name) for c in nb.solution_cells],
                task_cells=[SimpleNamespace(name=c.name, max_score=c.max_score) for c in nb.task_cells],
            )
        return self._found[key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.gb, name)


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


def source_kernelspecs(gb: Any, assignment: str, notebooks: list[str]) -> dict[str, dict | None]:
    """Each source notebook's kernelspec as the gradebook holds it (what ``OverwriteKernelspec``
    puts into every submitted notebook)."""
    out: dict[str, dict | None] = {}
    for name in notebooks:
        text = gb.find_notebook(name, assignment).kernelspec
        out[name] = json.loads(text) if text else None
    return out
