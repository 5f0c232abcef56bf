"""Grade a whole class into the course gradebook: one process, N kernels at once.

``nbgrader autograde`` starts a process (4-6 s) and grades one notebook after
another. Here one process imports nbgrader once and drives ``jobs`` kernels from
one asyncio loop. Each submission goes through nbgrader's own pieces, in process:

1. the submitted files are copied, then the assignment's own files over them;
2. **sanitize**, where the notebook will run (:mod:`.sanitize`): deleted / edited test
   cells are restored (:mod:`coursework.grading.judge.restore`), then nbgrader's
   ``ClearOutput``, ``DeduplicateIds``, ``OverwriteKernelspec``, ``OverwriteCells`` (on
   the gradebook's source cells, read once per run), ``CheckCellMetadata``;
3. **execute** the student's cells in a fresh kernel in a room of its own outside the
   course (:mod:`coursework.grading.execute.room`: a copy of the student's bundle, a
   scrubbed environment, on Linux the sandbox of :mod:`coursework.grading.kernel.sandbox`),
   while the **judge** (:mod:`coursework.grading.judge.judge`) decides every test cell in
   the grading process, from the source notebook's checks; hidden inputs are drawn from a
   seed per student keyed with the course secret (:mod:`coursework.grading.secret`). This
   middle part is a function of plain data, a :class:`.worker.Job` turned into a
   :class:`.worker.Result`, run here (:mod:`.local`) or on a Dask cluster's workers
   (:mod:`.cluster`);
4. **score**, where the notebook ran (:mod:`.graded`): nbgrader's ``IgnorePattern``,
   ``LimitOutput``, the exercise rules (:mod:`coursework.grading.judge.rules`),
   ``SaveAutoGrades`` into a sheet of plain data, ``CheckCellMetadata``; then here the student
   and the submission are created or updated in the gradebook (a batch's new submissions in
   one statement per table, :func:`.gradebook.submissions_in`), the sheet written
   (:func:`.gradebook.save_grades`), ``AssignLatePenalties``;
5. the graded notebook (only it: nothing else comes back from the kernel's room) is
   written to a temporary folder that replaces
   ``autograded/<student>/<assignment>`` in one rename, the record of every check
   (score, reason) to ``autograded/.coursework/<assignment>/<student>.json``
   (:meth:`~coursework.grading.course.Course.record_path`), and the
   state file (:mod:`.state`) is updated: the run can be killed at any moment and
   started again.

The coordinator (this process) is the gradebook's and the state's only writer, and it
must not be the limit of a large class on a cluster: it keeps one gradebook session for
the run (:mod:`.gradebook`), leaves the work on each notebook to the worker that runs it
(steps 2 and 4: it checks that the file can be read, and writes what comes back; with
``Options.on_workers`` False it does that work itself, as before), and finishes results in batches -- every result
that came in while it was busy, at most ``Options.batch`` -- with one gradebook commit and
one state save per batch (:meth:`ClassRun.finish_batch`). A killed run loses at most the batch
it was finishing. ``benchmarks/bench_coordinator.py`` measures its own time per submission.

A submission whose grading fails for a reason of ours, not the student's (e.g. a
kernel that does not start, twice), is reported, left out of the state file so
that the next run grades it, and the others go on; the run then exits non-zero.

Preparing, finishing, failing and the progress bar are this module's, once, whichever
executor grades (:meth:`ClassRun.run`).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import nbformat
import nbgrader.preprocessors as nbgrader_preprocessors
from nbgrader.api import MissingEntry
from tqdm.auto import tqdm

from ...i18n import language
from ..course import Course, CourseError
from ..execute.room import sandbox_missing
from ..exercises import Exercise
from ..exercises import exercises as find_exercises
from ..judge.restore import Restored
from ..release.bundle import stage_packages
from ..secret import course_secret
from ..settings import DEFAULTS, Settings
from .cluster import DaskExecutor
from .gradebook import (
    Skeleton,
    SourceTable,
    late_penalties,
    one_commit,
    save_grades,
    source_kernelspecs,
    submissions_in,
)
from .graded import GradedNotebook, grade_notebook
from .local import LocalExecutor
from .sanitize import NotGradable, read_submitted
from .schema import schema_checked_once
from .state import GradingState, StateEntry, fingerprint
from .worker import GradingFailed, Job, Result, nb_from_json, nb_to_json, pack_folders

__all__ = ["Options", "Summary", "Score", "Late", "ClassRun", "Submission", "Prepared", "autograde"]

TMP_SUFFIX = ".coursework-tmp"
OLD_SUFFIX = ".coursework-old"


@dataclass
class Options:
    """How to run: ``jobs`` kernels at once (local grading), grade again what is unchanged
    (``force``), a progress bar, only some ``students``, at most ``batch`` finished
    submissions written in one gradebook commit and state save; each notebook read, sanitized
    and graded by the worker that runs it (``on_workers``; False: here, as before, the
    coordinator doing it all); and how to grade (``settings``)."""

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False
    progress: bool = True
    students: list[str] | None = None
    settings: Settings = DEFAULTS
    batch: int = 64  # at most this many finished submissions written to the gradebook in one commit
    on_workers: bool = True  # each notebook read, sanitized and graded by the worker that runs it


class Score(NamedTuple):
    raw: float  # before a late penalty, as nbgrader's raw score
    points: float


class Late(NamedTuple):
    penalty: float
    seconds: float


@dataclass
class Summary:
    """What a run did: who was graded, skipped (unchanged) or failed (why), each score, the
    late students, the seconds it took, whether the sandbox was on, and the workers that
    could not start kernels (address -> why; Dask only)."""

    assignment: str
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    scores: dict[str, Score] = field(default_factory=dict)
    late: dict[str, Late] = field(default_factory=dict)
    seconds: float = 0.0
    sandbox: bool = True
    workers_down: dict[str, str] = field(default_factory=dict)

    def record(self, student: str, entry: StateEntry) -> None:
        """The score of ``student`` from their state entry (:meth:`.state.GradingState.done`)."""
        self.scores[student] = Score(entry.score, entry.points)
        if entry.seconds_late > 0:
            self.late[student] = Late(entry.penalty, entry.seconds_late)

    def line(self) -> str:
        line = (
            f"{self.assignment}: graded {len(self.graded)}, skipped {len(self.skipped)} (unchanged), "
            f"failed {len(self.failed)} in {self.seconds:.1f} s"
        )
        return line if self.sandbox else line + " -- WITHOUT the kernel sandbox (--no-sandbox)"

    def as_dict(self) -> dict:
        return {
            "assignment": self.assignment,
            "graded": self.graded,
            "skipped": self.skipped,
            "failed": self.failed,
            "scores": {k: list(v) for k, v in self.scores.items()},
            "late": {k: {"penalty": p, "seconds_late": t} for k, (p, t) in self.late.items()},
            "seconds": round(self.seconds, 3),
            "sandbox": self.sandbox,
        }


@dataclass
class SubmittedNotebook:
    """One notebook of a submission on its way through grading."""

    name: str
    nb: Any = None
    resources: dict = field(default_factory=dict)
    restored: list[Restored] = field(default_factory=list)
    problem: str = ""  # why it cannot run (missing, unreadable); scored 0
    notes: list[str] = field(default_factory=list)
    judge: dict = field(default_factory=dict)  # the judge's requests to the kernel (Judge.stats)


@dataclass(frozen=True)
class Submission:
    """A submission to grade: the student, their folder ``submitted/<student>/<assignment>`` and
    the fingerprint of what is graded (:func:`.state.fingerprint`)."""

    student: str
    folder: Path
    digest: str


@dataclass
class Prepared:
    """A submission ready to grade: its notebooks (sanitized), the folder its graded notebooks
    are written to before they replace ``autograded/<student>/<assignment>``, its job and
    its timestamp."""

    submission: Submission
    tmp: Path
    books: list[SubmittedNotebook]
    job: Job
    timestamp: Any = None  # the submission's timestamp (nbgrader's timestamp.txt), if it has one


class Executor(Protocol):
    """What grades jobs (:class:`.local.LocalExecutor`, :class:`.cluster.DaskExecutor`)."""

    slots: int
    packed: bool
    workers_down: dict[str, str]

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc_info: Any) -> None: ...

    def submit(self, job: Job) -> None: ...

    def next_done(self, wait: bool = True) -> tuple[Job, Result | GradingFailed] | None: ...


class _Progress:
    """The progress bar over the submissions to grade (each named once, when it is done)."""

    def __init__(self, total: int, assignment: str, enabled: bool):
        self.bar = tqdm(
            total=total,
            desc=f"autograde {assignment}",
            unit="submission",
            disable=not enabled,
            file=sys.stderr,
            dynamic_ncols=True,
        )

    def done(self, student: str) -> None:
        self.bar.set_postfix_str(student, refresh=False)
        self.bar.update(1)

    def write(self, text: str) -> None:
        self.bar.write(text, file=sys.stderr)

    def close(self) -> None:
        self.bar.close()


class ClassRun:
    """One ``coursework autograde`` run over the submissions of one assignment."""

    def __init__(self, course: Course, assignment: str, options: Options | None = None):
        self.course, self.assignment = course, assignment
        self.options = options or Options()
        if self.options.settings.sandbox:
            why = sandbox_missing()
            if why:
                raise CourseError(
                    f"the kernel sandbox cannot be set up here: {why}. Grade without it only if you "
                    "trust every submission: --no-sandbox (the run, the report and every feedback "
                    "page then say the grades were produced without it)"
                )
        self.coursedir = course.coursedir(assignment)
        sources = course.source_notebooks(assignment)
        with course.gradebook() as gb:
            try:
                found = gb.find_assignment(assignment)
            except MissingEntry:
                raise CourseError(
                    f"assignment {assignment!r} is not in the gradebook {course.db_url}; "
                    f"run `coursework release {assignment}` first"
                ) from None
            known, due = [nb.name for nb in found.notebooks], found.duedate
            self.notebooks = [n for n in sorted(known) if n in sources]
            self.kernelspecs = source_kernelspecs(gb, assignment, [n for n in known if n in sources])
            # what OverwriteCells reads of the gradebook: the same for every submission of the run
            self.table = SourceTable.read(gb, assignment, self.notebooks)
        if not self.notebooks:
            raise CourseError(
                f"no notebook of {assignment!r} is both in {course.source_dir / assignment} "
                f"and in the gradebook; run `coursework release {assignment}`"
            )
        # the course's: a timeout and language not given; always its due date and late penalty,
        # which nbgrader applies from the gradebook and the config (here so that the fingerprint has them)
        self.settings = replace(
            self.options.settings.resolved(timeout=float(course.timeout), lang=language()),
            due_date=str(due or ""),
            late_penalty=course.late_penalty,
        )
        self.timeout = float(self.settings.timeout or course.timeout)
        self.source_paths = {n: sources[n] for n in self.notebooks}
        self.source_nbs = {n: nbformat.read(p, as_version=4) for n, p in self.source_paths.items()}
        self.release_nbs = {}
        for n in self.notebooks:
            path = course.release_notebook(assignment, n)
            self.release_nbs[n] = nbformat.read(path, as_version=4) if path.exists() else None
        self.exercises: dict[str, list[Exercise]] = {n: find_exercises(nb) for n, nb in self.source_nbs.items()}
        # as every job carries them (JSON text), made once
        self.source_json = {n: nb_to_json(nb) for n, nb in self.source_nbs.items()}
        self.release_json = {n: None if nb is None else nb_to_json(nb) for n, nb in self.release_nbs.items()}
        self.state = GradingState(course.state_file)
        self.secret = course_secret(course.root, create=True)
        self.stage: Path | None = None
        self.gb: Any = None  # the run's one gradebook session (run), its only writer
        self._pps: dict[str, Any] = {}
        self._rows: Skeleton | None = None
        self._assignment_pack: tuple[list[tuple[str, bytes]], list[str]] | None = None

    # -- what to grade -----------------------------------------------------------------
    def submissions(self) -> list[tuple[str, Path]]:
        """(student, folder) of every submission of the assignment (only ``options.students``, if given)."""
        found = self.course.submissions(self.assignment)
        wanted = set(self.options.students or found)
        return [(s, p) for s, p in found.items() if s in wanted]

    def digest(self, folder: Path) -> str:
        """The fingerprint of grading ``folder``: its files, the assignment's source files, the settings."""
        files = [(f"submitted/{p.relative_to(folder)}", p) for p in sorted(folder.rglob("*")) if p.is_file()]
        files += [
            (f"source/{p.relative_to(self.course.source_dir)}", p)
            for p in sorted((self.course.source_dir / self.assignment).rglob("*"))
            if p.is_file()
        ]
        return fingerprint(files, self.settings)

    def is_current(self, student: str, digest: str) -> bool:
        entry = self.state.get(self.assignment, student)
        if not entry or entry.hash != digest or not self.course.autograded_folder(self.assignment, student).is_dir():
            return False
        with self._gradebook() as gb:
            try:
                gb.find_submission(self.assignment, student)
            except MissingEntry:
                return False
        return True

    @contextlib.contextmanager
    def _gradebook(self) -> Iterator[Any]:
        """The run's open gradebook (during :meth:`run`), else one opened for the block."""
        if self.gb is not None:
            yield self.gb
        else:
            with self.course.gradebook() as gb:
                yield gb

    # -- the run -----------------------------------------------------------------------
    def run(self, client: Any = None) -> Summary:
        """Grade here, or on the workers of a Dask ``client`` (:mod:`.cluster`); one gradebook
        session for the whole run (:mod:`.gradebook`), written once per batch."""
        with (
            self._lock(),
            tempfile.TemporaryDirectory(prefix="coursework-stage-") as stage,
            self.course.gradebook() as gb,
            schema_checked_once(),
        ):
            self.gb, self.stage = gb, Path(stage) / "bundle"
            try:
                return self._run(client)
            finally:
                self.gb = None

    def _run(self, client: Any) -> Summary:
        assert self.stage is not None
        stage_packages(self.course, self.assignment, self.stage)
        start = time.monotonic()
        summary, todo = self.plan()
        progress = _Progress(len(todo), self.assignment, self.options.progress)
        try:
            executor: Executor = (
                DaskExecutor(client, self.stage, say=progress.write)
                if client is not None
                else LocalExecutor(self.options.jobs)
            )
            with executor:
                self._grade(todo, executor, summary, progress)
            summary.workers_down = dict(executor.workers_down)
        finally:
            progress.close()
        summary.graded.sort()
        summary.seconds = time.monotonic() - start
        return summary

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """One run per course at a time (an OS lock: a killed run releases it)."""
        try:
            import fcntl  # here: there is no fcntl on Windows (no lock there)
        except ImportError:
            yield
            return
        self.course.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.course.state_dir / "autograde.lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CourseError(f"another `coursework autograde` is running on {self.course.root}") from None
            yield

    def plan(self) -> tuple[Summary, list[Submission]]:
        """A new summary and the submissions to grade (unchanged ones, already graded under the
        same settings, are counted as skipped); half-written folders of a killed run are removed."""
        summary = Summary(self.assignment, sandbox=self.settings.sandbox)
        self._clean_leftovers()
        todo = []
        for student, folder in self.submissions():
            digest = self.digest(folder)
            entry = self.state.get(self.assignment, student)
            if not self.options.force and entry is not None and self.is_current(student, digest):
                summary.skipped.append(student)
                summary.record(student, entry)
            else:
                todo.append(Submission(student, folder, digest))
        return summary, todo

    def _grade(self, todo: list[Submission], executor: Executor, summary: Summary, progress: _Progress) -> None:
        """Prepare the submissions as the executor takes them; finish the results in batches: every
        result that is in when the coordinator is free, at most ``options.batch`` (one gradebook
        commit and one state save each, :meth:`finish_batch`)."""
        queue, pending = deque(todo), dict[str, Prepared]()
        most = max(1, int(self.options.batch))

        def top_up() -> list[tuple[Prepared, Result]]:
            nothing_runs = []
            while queue and len(pending) < executor.slots:
                submission = queue.popleft()
                try:
                    prepared = self.prepare(submission, packed=executor.packed)
                    if not (prepared.job.submitted or prepared.job.notebooks):  # nothing can run: scored here
                        nothing_runs.append((prepared, Result()))
                        continue
                    executor.submit(prepared.job)
                    pending[submission.student] = prepared
                except Exception as exc:  # noqa: BLE001 - ours, not the student's: report, go on
                    self._failed(submission.student, exc, summary, progress)
            return nothing_runs

        ready = top_up()
        while pending or ready:
            while pending and len(ready) < most:
                done = executor.next_done(wait=not ready)  # wait only for the batch's first
                if done is None:
                    break
                job, outcome = done
                prepared = pending.pop(job.student)
                if isinstance(outcome, GradingFailed):
                    self._failed(job.student, outcome, summary, progress)
                else:
                    ready.append((prepared, outcome))
            for student, score in (self.finish_batch(ready) if ready else {}).items():
                if isinstance(score, BaseException):
                    self._failed(student, score, summary, progress)
                else:
                    summary.graded.append(student)
                    entry = self.state.get(self.assignment, student)
                    if entry is not None:
                        summary.record(student, entry)
                    progress.done(student)
            ready = top_up()

    def _failed(self, student: str, exc: BaseException, summary: Summary, progress: _Progress) -> None:
        """``student``'s submission could not be graded, for a reason of ours: reported, logged, left
        out of the state (the next run grades it)."""
        if isinstance(exc, GradingFailed):
            why, trace = exc.why, exc.trace
        else:
            why, trace = (
                f"{type(exc).__name__}: {exc}",
                "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            )
        summary.failed[student] = why
        self._log(student, trace)
        shutil.rmtree(self._tmp_dir(student), ignore_errors=True)
        progress.done(student)

    def _tmp_dir(self, student: str) -> Path:
        return self.course.autograded_dir / student / f".{self.assignment}{TMP_SUFFIX}"

    def _clean_leftovers(self) -> None:
        """Remove the half-written folders of a run that was killed."""
        root = self.course.autograded_dir
        if not root.is_dir():
            return
        for pattern in (f"*/.{self.assignment}{TMP_SUFFIX}", f"*/.{self.assignment}{OLD_SUFFIX}"):
            for leftover in root.glob(pattern):
                shutil.rmtree(leftover, ignore_errors=True)

    def _log(self, student: str, text: str) -> None:
        path = self.course.log_path(self.assignment, student)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as fh:
            fh.write(text + "\n")

    def _resources(self, student: str, notebook: str) -> dict:
        return {
            "unique_key": notebook,
            "output_files_dir": f"{notebook}_files",
            "nbgrader": {
                "student": student,
                "assignment": self.assignment,
                "notebook": notebook,
                "db_url": self.course.db_url,
            },
        }

    def _pp(self, name: str) -> Any:
        """nbgrader's preprocessor ``name`` with the course's config (made once per run)."""
        if name not in self._pps:
            self._pps[name] = getattr(nbgrader_preprocessors, name)(config=self.course.config)
        return self._pps[name]

    # -- one submission: before ----------------------------------------------------------
    def prepare(self, submission: Submission, *, packed: bool = False) -> Prepared:
        """``submission``'s notebooks looked at (what cannot run: missing, a link, too large), and
        the job of grading them, which the worker reads and sanitizes (:mod:`.sanitize`; with
        ``options.on_workers`` False, they are read and sanitized here): with ``packed``, files
        and the bundle as bytes (for another machine). Its gradebook rows are written when it
        is finished (:meth:`finish_batch`)."""
        student, folder = submission.student, submission.folder
        tmp = self._tmp_dir(student)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        stamp = self.coursedir.get_existing_timestamp(str(folder))
        books, files = [], {}
        for name in self.notebooks:
            book, data = self._look(student, folder, name)
            if data is not None and not self.options.on_workers:
                book = self._read_here(book, data)
            elif data is not None:
                files[name] = data
            books.append(book)
        job = self._job(student, folder, books, files, packed=packed)
        return Prepared(submission, tmp, books, job, stamp)

    def _look(self, student: str, folder: Path, name: str) -> tuple[SubmittedNotebook, bytes | None]:
        """One submitted notebook and its file's bytes; or (``book.problem``) why it cannot run."""
        book = SubmittedNotebook(name, resources=self._resources(student, name))
        path = folder / f"{name}.ipynb"
        settings = self.settings
        limit = int(settings.max_notebook_mb * 1024 * 1024)
        if not path.exists() and not path.is_symlink():
            book.problem = f"the notebook {name}.ipynb is missing from the submission"
        elif path.is_symlink() or not path.is_file():
            book.problem = f"the notebook {name}.ipynb is not a regular file (a link or a folder); not graded"
        elif path.stat().st_size > limit:
            book.problem = (
                f"the notebook {name}.ipynb is {path.stat().st_size / 2**20:.1f} MB, over the limit of "
                f"{settings.max_notebook_mb:g} MB; not graded (clear large outputs and submit again)"
            )
        else:
            try:
                return book, path.read_bytes()
            except OSError as exc:
                book.problem = f"the notebook {name}.ipynb could not be graded: {type(exc).__name__}: {exc}"
        return book, None

    def _read_here(self, book: SubmittedNotebook, data: bytes) -> SubmittedNotebook:
        """``book`` read and sanitized here, as a worker does for a whole job (:mod:`.sanitize`)."""
        try:
            book.nb, book.restored = read_submitted(
                data,
                name=book.name,
                student=book.resources["nbgrader"]["student"],
                assignment=self.assignment,
                source=self.source_nbs[book.name],
                release=self.release_nbs[book.name],
                config=self.course.config,
                kernelspec=self.kernelspecs.get(book.name),
                table=self.table,
                max_cells=self.settings.max_cells,
            )
        except NotGradable as exc:
            book.problem = exc.why
        return book

    def _job(
        self, student: str, folder: Path, books: list[SubmittedNotebook], files: dict[str, bytes], *, packed: bool
    ) -> Job:
        """The job of grading ``books``: the ``files`` of those the worker reads and sanitizes
        (``options.on_workers``), else those sanitized here."""
        runnable = [b.name for b in books if not b.problem]
        job = Job(
            student=student,
            assignment=self.assignment,
            notebooks={b.name: nb_to_json(b.nb) for b in books if not b.problem and b.nb is not None},
            sources={n: self.source_json[n] for n in runnable},
            settings=self.settings,
            course_root=str(self.course.root),
            secret=self.secret,
        )
        if self.options.on_workers:
            job.whole, job.submitted, job.table, job.config = True, files, self.table, self.course.config
            job.releases = {n: self.release_json[n] for n in files}
            job.kernelspecs = {n: self.kernelspecs.get(n) for n in files}
        own = self.course.source_dir / self.assignment
        if packed:  # the submission's files, then the assignment's over them (packed once per run)
            theirs, notes = pack_folders([folder])
            if self._assignment_pack is None:
                self._assignment_pack = pack_folders([own])
            job.files, job.input_notes = theirs + self._assignment_pack[0], notes + self._assignment_pack[1]
        else:
            job.inputs, job.stage = [str(folder), str(own)], str(self.stage)
        return job

    # -- one submission: after -----------------------------------------------------------
    def finish(self, prepared: Prepared, result: Result) -> Score:
        """:meth:`finish_batch` of one submission: its score, or the exception that stopped it."""
        score = self.finish_batch([(prepared, result)])[prepared.submission.student]
        if isinstance(score, BaseException):
            raise score
        return score

    def finish_batch(self, items: list[tuple[Prepared, Result]]) -> dict[str, Score | Exception]:
        """Score the graded notebooks of each (prepared, result) into the gradebook, in ONE commit;
        then write each graded folder and record, then the state entries, in ONE save. Returns
        student -> the raw score and the points, or the exception that stopped that submission.

        Killed at any moment, the run loses at most this batch: the gradebook has all of its rows
        or none, and the state names none of it until every graded folder is in place (the next
        run grades them again). When one submission fails, the batch is done again one by one,
        so that only that one fails."""
        for prepared, result in items:
            self._write_logs(prepared.submission.student, result)
        try:
            return self._finish_together(items)
        except Exception as exc:  # noqa: BLE001 - reported per submission below
            if len(items) == 1:
                return {items[0][0].submission.student: exc}
        out: dict[str, Score | Exception] = {}
        for item in items:
            try:
                out.update(self._finish_together([item]))
            except Exception as exc:  # noqa: BLE001 - ours, not the student's: that one fails
                out[item[0].submission.student] = exc
        return out

    def _finish_together(self, items: list[tuple[Prepared, Result]]) -> dict[str, Score | Exception]:
        with self._gradebook() as gb, one_commit(gb):
            for prepared, _ in items:
                gb.update_or_create_student(prepared.submission.student)
            submissions_in(gb, self._skeleton(gb), {p.submission.student: p.timestamp for p, _ in items})
            records = [self._into_gradebook(gb, prepared, result) for prepared, result in items]
        out: dict[str, Score | Exception] = {}
        for (prepared, _), record in zip(items, records, strict=True):
            student = prepared.submission.student
            try:
                path = self.course.record_path(self.assignment, student)
                path.parent.mkdir(parents=True, exist_ok=True)
                _write_json(path, record)
                self._swap_in(student, prepared.tmp)
            except Exception as exc:  # noqa: BLE001 - ours: that one fails (the next run grades it again)
                out[student] = exc
                continue
            score, points = record["score_in_gradebook"], record["points"]
            self.state.done(
                self.assignment,
                student,
                prepared.submission.digest,
                score,
                points,
                record["late_penalty"],
                record["seconds_late"],
                save=False,
            )
            out[student] = Score(score, points)
        self.state.save()
        return out

    def _into_gradebook(self, gb: Any, prepared: Prepared, result: Result) -> dict:
        """One submission's grades and late penalty written to ``gb`` (not committed; its rows are
        there, :func:`.gradebook.submissions_in`), its graded notebooks to its temporary folder;
        its record."""
        student = prepared.submission.student
        record: dict[str, Any] = {
            "student": student,
            "assignment": self.assignment,
            "timeout": self.timeout,
            "sandbox": self.settings.sandbox,
            "judge": True,
            "notebooks": {},
            "score": 0.0,
            "points": 0.0,
        }
        scored = []
        for book, outcome in self._outcomes(prepared.books, result):
            if book.problem:
                nb_record = self._zero(gb, student, book)
            else:
                nb_record = self._score(gb, student, book, outcome, prepared.tmp)
                scored.append(book.name)
            record["notebooks"][book.name] = nb_record
            record["score"] += nb_record["score"]
            record["points"] += nb_record["points"]
        late_penalties(self._pp("AssignLatePenalties"), gb, student, self.assignment, scored)
        score, penalty, late = self._gradebook_score(gb, student)
        record.update(score_in_gradebook=score, late_penalty=penalty, seconds_late=late)
        return record

    def _write_logs(self, student: str, result: Result) -> None:
        for text in result.log:
            self._log(student, text)
        if result.kernel_log:
            path = self.course.kernel_log_path(self.assignment, student)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "ab") as fh:
                fh.write(result.kernel_log)

    def _outcomes(self, books: list[SubmittedNotebook], result: Result) -> list[tuple[SubmittedNotebook, Any]]:
        """Each of ``books`` with its graded notebook (:class:`.graded.GradedNotebook`): the
        worker's, or graded here from the executed notebook the worker sent back; None for a
        notebook that did not run. A notebook the worker could not read or sanitize comes back
        as a new record with its problem (``books`` stay as prepared, so that finishing can be
        done again)."""
        out: list[tuple[SubmittedNotebook, Any]] = []
        for book in books:
            if book.name in result.problems and not book.problem:
                out.append((replace(book, problem=result.problems[book.name]), None))
            elif book.name in result.graded:
                out.append((book, result.graded[book.name]))
            elif book.name in result.notebooks:
                out.append((book, self._graded_here(book, result)))
            else:
                out.append((book, None))
        return out

    def _graded_here(self, book: SubmittedNotebook, result: Result) -> GradedNotebook | None:
        """What the worker does (:func:`.graded.grade_notebook`), done here (``on_workers``
        False); ``book`` stays as prepared, so that finishing can be done again."""
        outcome = result.outcomes.get(book.name)
        if outcome is None:
            return None
        return grade_notebook(
            nb_from_json(result.notebooks[book.name]),
            name=book.name,
            student=book.resources["nbgrader"]["student"],
            assignment=self.assignment,
            config=self.course.config,
            exercises=self.exercises[book.name],
            outcome=outcome,
            timeout=self.timeout,
            sandbox=self.settings.sandbox,
            restored=book.restored,
            notes=book.notes + result.notes[book.name],
            judge=result.judge.get(book.name, {}),
        )

    def _score(self, gb: Any, student: str, book: SubmittedNotebook, graded: GradedNotebook | None, tmp: Path) -> dict:
        """One graded notebook's grades and late penalty written to the gradebook ``gb``, its
        text to ``tmp``; its record."""
        if graded is None:
            raise ValueError(f"no outcome came back for the notebook {book.name} of {student}")
        save_grades(gb, self.assignment, student, book.name, graded.grades, graded.comments)
        (tmp / f"{book.name}.ipynb").write_text(graded.text, encoding="utf-8")
        return copy.deepcopy(graded.record)

    def _zero(self, gb: Any, student: str, book: SubmittedNotebook) -> dict:
        """A notebook that cannot run: every grade 0, with the reason."""
        sub = gb.find_submission_notebook(book.name, self.assignment, student)
        for grade in sub.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        gb.db.commit()
        exs = self.exercises[book.name]
        return {
            "score": 0.0,
            "points": sum(e.points for e in exs),
            "notes": [book.problem],
            "restored": [],
            "exercises": {
                e.name: {
                    "score": 0.0,
                    "points": e.points,
                    "reason": book.problem,
                    "checks": {
                        c.grade_id: {
                            "score": 0.0,
                            "points": c.points,
                            "reason": book.problem,
                            "hidden": c.hidden,
                            "restored": None,
                        }
                        for c in e.checks
                    },
                }
                for e in exs
            },
        }

    def _skeleton(self, gb: Any) -> Skeleton:
        """What a new submission's rows mirror (read once per run)."""
        if self._rows is None:
            self._rows = Skeleton(gb, self.assignment)
        return self._rows

    def _gradebook_score(self, gb: Any, student: str) -> tuple[float, float, float]:
        """The raw score, the late penalty and the seconds late, as the gradebook ``gb`` has them."""
        sub = gb.find_submission(self.assignment, student)
        return float(sub.score), float(sub.late_submission_penalty or 0.0), float(sub.total_seconds_late)

    def _swap_in(self, student: str, tmp: Path) -> None:
        final = self.course.autograded_folder(self.assignment, student)
        old = final.parent / f".{self.assignment}{OLD_SUFFIX}"
        if final.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, default=str))
    os.replace(tmp, path)


def autograde(course: Course, assignment: str, options: Options | None = None, client: Any = None) -> Summary:
    """Grade every submission of ``assignment`` (see the module docstring); with a Dask
    ``client``, on its cluster's workers (:mod:`.cluster`)."""
    return ClassRun(course, assignment, options).run(client)
