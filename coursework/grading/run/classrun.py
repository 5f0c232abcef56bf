"""Grade a whole class into the course gradebook: one process, N kernels at once.

``nbgrader autograde`` starts a process (4-6 s) and grades one notebook after
another. Here one process imports nbgrader once and drives ``jobs`` kernels from
one asyncio loop. Each submission goes through nbgrader's own pieces, in process:

1. the student and the submission are created or updated in the gradebook; the
   submitted files are copied, then the assignment's own files over them;
2. **sanitize**: deleted / edited test cells are restored (:mod:`.restore`), then
   nbgrader's ``ClearOutput``, ``DeduplicateIds``, ``OverwriteKernelspec``,
   ``OverwriteCells``, ``CheckCellMetadata``;
3. **execute** the student's cells in a fresh kernel in a room of its own outside the
   course (:mod:`.room`: a copy of the student's bundle, a scrubbed environment, on
   Linux the sandbox of :mod:`.sandbox`), while the **judge** (:mod:`.judge`) decides
   every test cell in this process, from the source notebook's checks; hidden inputs
   are drawn from a seed per student keyed with the course secret (:mod:`.secret`);
4. **score**: nbgrader's ``IgnorePattern``, ``LimitOutput``, then the exercise rules
   (:mod:`.rules`), then ``SaveAutoGrades``, ``AssignLatePenalties``,
   ``CheckCellMetadata``;
5. the graded notebook (only it: nothing else comes back from the kernel's room) is
   written to a temporary folder that replaces
   ``autograded/<student>/<assignment>`` in one rename, the record of every check
   (score, reason) to ``autograded/.coursework/<assignment>/<student>.json``, and the
   state file (:mod:`.state`) is updated: the run can be killed at any moment and
   started again.

A submission whose grading fails for a reason of ours, not the student's (e.g. a
kernel that does not start, twice), is reported, left out of the state file so
that the next run grades it, and the others go on; the run then exits non-zero.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...i18n import language
from ..course import Course, CourseError
from ..exercises import Exercise, exercises as find_exercises
from ..execute.notebook import DEFAULT_MAX_NOTEBOOK_BYTES, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_MEMORY_MB, NotebookOutcome
from ..judge.restore import restore_cells
from ..execute.room import DEFAULT_DISK_MB, sandbox_missing, stage_bundle
from ..judge.rules import apply_rules
from ..secret import course_secret
from .state import GradingState, fingerprint

__all__ = ["Options", "Summary", "ClassRun", "autograde"]

TMP_SUFFIX = ".coursework-tmp"
OLD_SUFFIX = ".coursework-old"


@dataclass
class Options:
    """How to grade. ``timeout=None`` takes the course's ``Execute(Preprocessor).timeout``."""

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float | None = None
    force: bool = False
    memory_mb: int = DEFAULT_MEMORY_MB
    max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES             # output kept per cell
    max_notebook_output_bytes: int = DEFAULT_MAX_NOTEBOOK_BYTES   # and per notebook, all cells together
    threads: int = 1
    progress: bool = True
    students: list[str] | None = None
    sandbox: bool = True                 # False: --no-sandbox (the run and every page say so)
    disk_mb: int = DEFAULT_DISK_MB       # what a kernel may keep in its folder
    max_notebook_mb: float = 20.0        # a larger submitted notebook is not graded
    max_cells: int = 2000                # nor one with more cells
    total_seconds: float = 1800.0        # all cells of one submission together


@dataclass
class Summary:
    assignment: str
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)  # raw score (before a late penalty), points
    late: dict[str, tuple[float, float]] = field(default_factory=dict)    # late students: penalty, seconds late
    seconds: float = 0.0
    sandbox: bool = True

    def record(self, student: str, entry: dict) -> None:
        """The score of ``student`` from their state entry (:meth:`.state.GradingState.done`)."""
        self.scores[student] = (entry.get("score", 0.0), entry.get("points", 0.0))
        if entry.get("seconds_late", 0.0) > 0:
            self.late[student] = (entry.get("penalty", 0.0), entry["seconds_late"])

    def line(self) -> str:
        line = (f"{self.assignment}: graded {len(self.graded)}, skipped {len(self.skipped)} (unchanged), "
                f"failed {len(self.failed)} in {self.seconds:.1f} s")
        return line if self.sandbox else line + " -- WITHOUT the kernel sandbox (--no-sandbox)"

    def as_dict(self) -> dict:
        return {"assignment": self.assignment, "graded": self.graded, "skipped": self.skipped,
                "failed": self.failed, "scores": {k: list(v) for k, v in self.scores.items()},
                "late": {k: {"penalty": p, "seconds_late": t} for k, (p, t) in self.late.items()},
                "seconds": round(self.seconds, 3), "sandbox": self.sandbox}


@dataclass
class _Notebook:
    name: str
    nb: Any = None
    resources: dict | None = None
    restored: list = field(default_factory=list)
    problem: str = ""          # why it cannot run (missing, unreadable); scored 0
    notes: list = field(default_factory=list)
    judge: dict = field(default_factory=dict)  # the judge's requests to the kernel (Judge.stats)


class ClassRun:
    """One ``coursework autograde`` run over the submissions of one assignment."""

    SANITIZE = ("ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells", "CheckCellMetadata")

    def __init__(self, course: Course, assignment: str, options: Options | None = None):
        import nbformat

        self.course, self.assignment = course, assignment
        self.options = options or Options()
        self.timeout = float(self.options.timeout or course.timeout)
        if self.options.sandbox:
            why = sandbox_missing()
            if why:
                raise CourseError(f"the kernel sandbox cannot be set up here: {why}. Grade without it only if you "
                                  "trust every submission: --no-sandbox (the run, the report and every feedback "
                                  "page then say the grades were produced without it)")
        self.coursedir = course.coursedir(assignment)
        sources = course.source_notebooks(assignment)
        with course.gradebook() as gb:
            try:
                known = [nb.name for nb in gb.find_assignment(assignment).notebooks]
            except Exception:
                raise CourseError(f"assignment {assignment!r} is not in the gradebook {course.db_url}; "
                                  f"run `coursework release {assignment}` first") from None
        self.notebooks = [n for n in sorted(known) if n in sources]
        if not self.notebooks:
            raise CourseError(f"no notebook of {assignment!r} is both in {course.source_dir / assignment} "
                              f"and in the gradebook; run `coursework release {assignment}`")
        self.source_paths = {n: sources[n] for n in self.notebooks}
        self.source_nbs = {n: nbformat.read(p, as_version=4) for n, p in self.source_paths.items()}
        self.release_nbs = {}
        for n in self.notebooks:
            path = course.release_notebook(assignment, n)
            self.release_nbs[n] = nbformat.read(path, as_version=4) if path.exists() else None
        self.exercises: dict[str, list[Exercise]] = {n: find_exercises(nb) for n, nb in self.source_nbs.items()}
        self.state = GradingState(course.state_dir / "state.json")
        self.records_dir = course.state_dir / assignment
        self.logs_dir = course.state_dir / "logs" / assignment
        self.settings = {"timeout": self.timeout, "memory_mb": self.options.memory_mb,
                         "max_output_bytes": self.options.max_output_bytes, "sandbox": self.options.sandbox,
                         "max_notebook_bytes": self.options.max_notebook_output_bytes, "judge": 1}
        self.secret = course_secret(course.root, create=True)

    # -- what to grade -----------------------------------------------------------------
    def submissions(self) -> list[tuple[str, Path]]:
        root = self.course.submitted_dir
        found = sorted((p.parent.name, p) for p in root.glob(f"*/{self.assignment}")
                       if p.is_dir() and not p.is_symlink() and not p.parent.is_symlink()
                       and not p.parent.name.startswith("."))
        if self.options.students:
            wanted = set(self.options.students)
            found = [(s, p) for s, p in found if s in wanted]
        return found

    def digest(self, folder: Path) -> str:
        files = [(f"submitted/{p.relative_to(folder)}", p) for p in sorted(folder.rglob("*")) if p.is_file()]
        files += [(f"source/{p.relative_to(self.course.source_dir)}", p)
                  for p in sorted((self.course.source_dir / self.assignment).rglob("*")) if p.is_file()]
        return fingerprint(files, self.settings)

    def final_dir(self, student: str) -> Path:
        return self.course.autograded_dir / student / self.assignment

    def is_current(self, student: str, digest: str) -> bool:
        entry = self.state.get(self.assignment, student)
        if not entry or entry.get("hash") != digest or not self.final_dir(student).is_dir():
            return False
        from nbgrader.api import MissingEntry

        with self.course.gradebook() as gb:
            try:
                gb.find_submission(self.assignment, student)
            except MissingEntry:
                return False
        return True

    # -- the run -----------------------------------------------------------------------
    def run(self, client: Any = None) -> Summary:
        """Grade here, or on the workers of a Dask ``client`` (:mod:`.distributed`)."""
        import tempfile

        with self._lock(), tempfile.TemporaryDirectory(prefix="coursework-stage-") as stage:
            self.stage = stage_bundle(self.course, self.assignment, Path(stage) / "bundle")
            if client is not None:
                from .cluster import run_on_cluster

                return run_on_cluster(self, client)
            return asyncio.run(self._run())

    def _lock(self):
        """One run per course at a time (an OS lock: a killed run releases it)."""
        import contextlib

        @contextlib.contextmanager
        def held():
            try:
                import fcntl
            except ImportError:  # not on Windows
                yield
                return
            self.course.state_dir.mkdir(parents=True, exist_ok=True)
            with open(self.course.state_dir / "autograde.lock", "w") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise CourseError(f"another `coursework autograde` is running on {self.course.root}") from None
                yield

        return held()

    def _start(self) -> tuple[Summary, list[tuple[str, Path, str]], Any]:
        """A new summary, the submissions to grade (unchanged ones are counted as skipped) and
        the progress bar over them; local and cluster runs both begin here."""
        from tqdm.auto import tqdm

        summary = Summary(self.assignment, sandbox=self.options.sandbox)
        self._clean_leftovers()
        todo = []
        for student, folder in self.submissions():
            digest = self.digest(folder)
            if not self.options.force and self.is_current(student, digest):
                summary.skipped.append(student)
                summary.record(student, self.state.get(self.assignment, student))
            else:
                todo.append((student, folder, digest))
        bar = tqdm(total=len(todo), desc=f"autograde {self.assignment}", unit="submission",
                   disable=not self.options.progress, file=sys.stderr, dynamic_ncols=True)
        return summary, todo, bar

    async def _run(self) -> Summary:
        start = time.monotonic()
        summary, todo, bar = self._start()
        slots = asyncio.Semaphore(max(1, int(self.options.jobs)))
        import zmq.asyncio

        context = zmq.asyncio.Context()

        async def one(student: str, folder: Path, digest: str) -> None:
            async with slots:
                try:
                    await self._grade(student, folder, digest, context)
                    summary.graded.append(student)
                    summary.record(student, self.state.get(self.assignment, student))
                except Exception as exc:  # ours, not the student's: report, go on
                    summary.failed[student] = f"{type(exc).__name__}: {exc}"
                    self._log(student, traceback.format_exc())
                    shutil.rmtree(self._tmp_dir(student), ignore_errors=True)
                bar.set_postfix_str(student, refresh=False)  # the one just finished: each named once
                bar.update(1)

        try:
            await asyncio.gather(*(one(*item) for item in todo))
        finally:
            bar.close()
            context.term()
        summary.graded.sort()
        summary.seconds = time.monotonic() - start
        return summary

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
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        with open(self.logs_dir / f"{student}.log", "a") as fh:
            fh.write(text + "\n")

    def _resources(self, student: str, notebook: str) -> dict:
        return {"unique_key": notebook, "output_files_dir": f"{notebook}_files",
                "nbgrader": {"student": student, "assignment": self.assignment, "notebook": notebook,
                             "db_url": self.course.db_url}}

    def _preprocessors(self, names: tuple[str, ...]) -> list:
        import nbgrader.preprocessors as pps

        return [getattr(pps, name)(config=self.course.config) for name in names]

    # -- one submission ----------------------------------------------------------------
    async def _grade(self, student: str, folder: Path, digest: str, context: Any) -> tuple[float, float]:
        from .worker import grade_submission_async

        tmp = self._tmp_dir(student)
        books = self._prepare(student, folder, tmp)
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        result = await grade_submission_async(self._job(student, folder, books), context,
                                              log=lambda text: self._log(student, text),
                                              kernel_log=self.logs_dir / f"{student}.kernel.log")
        return self._finish(student, folder, tmp, books, self._outcomes(books, result), digest)

    def _job(self, student: str, folder: Path, books: list[_Notebook], *, packed: bool = False):
        """What the middle of grading (:func:`.worker.grade_submission`) needs for ``books``:
        with ``packed``, files and the bundle as bytes (for another process or machine)."""
        from .worker import Job, nb_to_json

        settings = {"timeout": self.timeout, "memory_mb": self.options.memory_mb,
                    "max_output_bytes": self.options.max_output_bytes,
                    "max_notebook_bytes": self.options.max_notebook_output_bytes, "sandbox": self.options.sandbox,
                    "disk_mb": self.options.disk_mb, "threads": self.options.threads,
                    "total_seconds": self.options.total_seconds, "lang": language()}
        runnable = [b for b in books if not b.problem]
        job = Job(student=student, assignment=self.assignment, notebooks={b.name: nb_to_json(b.nb) for b in runnable},
                  sources={b.name: nb_to_json(self.source_nbs[b.name]) for b in runnable}, settings=settings,
                  course_root=str(self.course.root), secret=self.secret)
        inputs = [folder, self.course.source_dir / self.assignment]
        if packed:
            from .worker import pack_folders

            job.files, job.input_notes = pack_folders(inputs)
        else:
            job.inputs, job.stage = [str(p) for p in inputs], str(self.stage)
        return job

    def _outcomes(self, books: list[_Notebook], result: Any) -> dict[str, NotebookOutcome]:
        """Put ``result``'s executed notebooks, notes and judge statistics into ``books``."""
        from .worker import nb_from_json, outcome_from_dict

        outcomes = {}
        for book in books:
            if book.name in result.notebooks:
                book.nb = nb_from_json(result.notebooks[book.name])
                book.notes += result.notes[book.name]
                book.judge = result.judge.get(book.name, {})
                outcomes[book.name] = outcome_from_dict(result.outcomes[book.name])
        return outcomes

    def _prepare(self, student: str, folder: Path, tmp: Path) -> list[_Notebook]:
        import nbformat

        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with self.course.gradebook() as gb:
            gb.update_or_create_student(student)
            stamp = self.coursedir.get_existing_timestamp(str(folder))
            if stamp:
                gb.update_or_create_submission(self.assignment, student, timestamp=stamp)
            else:
                gb.update_or_create_submission(self.assignment, student)
        books = []
        for name in self.notebooks:
            book = _Notebook(name, resources=self._resources(student, name))
            path = folder / f"{name}.ipynb"
            limit = int(self.options.max_notebook_mb * 1024 * 1024)
            if not path.exists() and not path.is_symlink():
                book.problem = f"the notebook {name}.ipynb is missing from the submission"
            elif path.is_symlink() or not path.is_file():
                book.problem = f"the notebook {name}.ipynb is not a regular file (a link or a folder); not graded"
            elif path.stat().st_size > limit:
                book.problem = (f"the notebook {name}.ipynb is {path.stat().st_size / 2**20:.1f} MB, over the limit of "
                                f"{self.options.max_notebook_mb:g} MB; not graded (clear large outputs and submit again)")
            else:
                try:
                    nb = nbformat.read(path, as_version=4)
                    if len(nb.cells) > self.options.max_cells:
                        raise ValueError(f"{len(nb.cells):,} cells, over the limit of {self.options.max_cells:,}")
                    book.restored = restore_cells(nb, self.source_nbs[name], self.release_nbs[name])
                    for pp in self._preprocessors(self.SANITIZE):
                        nb, book.resources = pp(nb, book.resources)
                    book.nb = nb
                except Exception as exc:  # unreadable JSON, broken nbgrader metadata, ...
                    book.problem = f"the notebook {name}.ipynb could not be graded: {type(exc).__name__}: {exc}"
            books.append(book)
        return books

    def _finish(self, student: str, folder: Path, tmp: Path, books: list[_Notebook],
                outcomes: dict[str, NotebookOutcome], digest: str) -> tuple[float, float]:
        import nbformat
        from nbgrader.utils import determine_grade

        record = {"student": student, "assignment": self.assignment, "timeout": self.timeout,
                  "sandbox": self.options.sandbox, "judge": True, "notebooks": {}, "score": 0.0, "points": 0.0}
        for book in books:
            if book.problem:
                nb_record = self._zero(student, book)
            else:
                nb, res = book.nb, book.resources
                for pp in self._preprocessors(("IgnorePattern", "LimitOutput")):
                    nb, res = pp(nb, res)
                nb_record = apply_rules(nb, self.exercises[book.name], outcomes[book.name], self.timeout,
                                        grade=lambda cell: determine_grade(cell))
                nb_record["restored"] = [r.__dict__ for r in book.restored]
                nb_record["judge"] = book.judge
                nb_record["notes"] = [r.sentence() for r in book.restored] + book.notes + nb_record["notes"]
                if not self.options.sandbox:
                    nb_record["notes"].append(NO_SANDBOX)
                self._distrust_scores(student, book.name)
                for pp in self._preprocessors(("SaveAutoGrades", "AssignLatePenalties", "CheckCellMetadata")):
                    nb, res = pp(nb, res)
                nb.metadata["coursework"] = {"student": student, "notes": nb_record["notes"],
                                             "sandbox": self.options.sandbox, "judge": True, "exercises": [
                    {"name": name, **{k: v for k, v in ex.items() if k != "checks"}}
                    for name, ex in nb_record["exercises"].items()]}
                nbformat.write(nb, tmp / f"{book.name}.ipynb")
            record["notebooks"][book.name] = nb_record
            record["score"] += nb_record["score"]
            record["points"] += nb_record["points"]
        score, penalty, late = self._gradebook_score(student)
        record.update(score_in_gradebook=score, late_penalty=penalty, seconds_late=late)
        self.records_dir.mkdir(parents=True, exist_ok=True)
        _write_json(self.records_dir / f"{student}.json", record)
        self._swap_in(student, tmp)
        self.state.done(self.assignment, student, digest, score, record["points"], penalty, late)
        return score, record["points"]

    def _zero(self, student: str, book: _Notebook) -> dict:
        """A notebook that cannot run: every grade 0, with the reason."""
        with self.course.gradebook() as gb:
            sub = gb.find_submission_notebook(book.name, self.assignment, student)
            for grade in sub.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
            gb.db.commit()
        exs = self.exercises[book.name]
        return {"score": 0.0, "points": sum(e.points for e in exs), "notes": [book.problem], "restored": [],
                "exercises": {e.name: {"score": 0.0, "points": e.points, "reason": book.problem, "checks": {
                    c.grade_id: {"score": 0.0, "points": c.points, "reason": book.problem, "hidden": c.hidden,
                                 "restored": None} for c in e.checks}} for e in exs}}

    def _distrust_scores(self, student: str, notebook: str) -> None:
        """Clear what this run did not write: ``manual_score`` and ``extra_credit`` of the
        submission's graded cells (a fresh autograde is the autograder's score; an
        instructor adjusts after it) and manual comments' scores."""
        with self.course.gradebook() as gb:
            try:
                sub = gb.find_submission_notebook(notebook, self.assignment, student)
            except Exception:  # noqa: BLE001 - not in the gradebook yet: nothing to distrust
                return
            for grade in sub.grades:
                grade.manual_score = None
                grade.extra_credit = None
            gb.db.commit()

    def _gradebook_score(self, student: str) -> tuple[float, float, float]:
        """The raw score, the late penalty and the seconds late, as the gradebook has them."""
        with self.course.gradebook() as gb:
            sub = gb.find_submission(self.assignment, student)
            return float(sub.score), float(sub.late_submission_penalty or 0.0), float(sub.total_seconds_late)

    def _swap_in(self, student: str, tmp: Path) -> None:
        final = self.final_dir(student)
        old = final.parent / f".{self.assignment}{OLD_SUFFIX}"
        if final.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)


def _stopped_because(outcome: NotebookOutcome, nb: Any, why: str) -> None:
    """The kernel was stopped by the grader (e.g. its folder grew past the limit): say so
    instead of 'killed by SIGKILL' in the dead cell, the cells after it and the notes."""
    for cell in outcome.cells.values():
        if cell.status == "died":
            old = cell.detail
            cell.detail = why
            for out in nb.cells[cell.index].get("outputs", []):
                if out.get("output_type") == "error" and old in str(out.get("evalue", "")):
                    out["evalue"] = out["evalue"].replace(old, why)
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out['evalue']}"]
    for cell in outcome.cells.values():
        if cell.status == "not-run":
            cell.detail = why
    outcome.stopped = why


NO_SANDBOX = ("Graded WITHOUT the kernel sandbox (--no-sandbox): the submission's code ran with the grader's "
              "rights.")


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, default=str))
    os.replace(tmp, path)


def autograde(course: Course, assignment: str, options: Options | None = None, client: Any = None) -> Summary:
    """Grade every submission of ``assignment`` (see the module docstring); with a Dask
    ``client``, on its cluster's workers (:mod:`.distributed`)."""
    return ClassRun(course, assignment, options).run(client)
