"""One submission's notebooks read, run and graded, as a function of plain data: the part of
grading that can run on another machine.

:class:`.classrun.ClassRun` prepares a submission (which notebooks can run, the job) and
finishes it (gradebook, ``autograded/``, the state); in between, :func:`grade_submission`
reads and sanitizes each submitted notebook (:mod:`.sanitize`), runs it in a
:class:`~coursework.grading.execute.room.KernelRoom` with a
:class:`~coursework.grading.judge.judge.Judge` deciding its test cells, and grades the
executed notebook (:mod:`.graded`). The executors only turn a :class:`Job` into a
:class:`Result`: local grading (:mod:`.local`) awaits :func:`grade_submission_async` in its
loop; on a Dask cluster (:mod:`.cluster`) a worker process calls :func:`grade_submission`
with a :class:`Job` that carries everything it needs:

- ``Job``: the student id, the submitted notebooks (bytes, as submitted), the instructor's
  source and release notebooks (JSON text), what ``OverwriteCells`` reads of the gradebook
  (:class:`.gradebook.SourceTable`) and the course's nbgrader config, the submission's
  other files and the assignment's own files (bytes, or the folders when the worker is on
  this machine), the student bundle's packages (a gzipped tar, or a folder), the grading
  settings (a :class:`~coursework.grading.settings.Settings`) and the course secret (the
  key of the hidden checks' seeds, needed by the judge);
- ``Result``: each notebook graded (:class:`.graded.GradedNotebook`: the graded notebook's
  text, its record, its grades and comments for the gradebook) or why it could not run,
  each notebook's cell outcomes and judge statistics (plain dicts), the notes of its rooms,
  and what was logged.

Doing the work on each notebook here, where it runs, is what keeps the class run (one
process, the gradebook's only writer) from being the limit of a large class: it only
writes what comes back. (A job not ``whole`` carries notebooks the class run sanitized and
sends them back executed, for the class run to grade: ``Options.on_workers`` False.) The
worker speaks the run's language (``Settings.lang``,
:func:`coursework.i18n.settings.speaking`), whatever its own machine's is.

Nothing here touches the course folder: the worker writes only its rooms (deleted after
each notebook) and a cache of unpacked bundles under the system's temporary folder.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import zmq.asyncio

from ...i18n.settings import speaking
from ..execute.notebook import run_notebook
from ..execute.outcome import KernelStartError, NotebookOutcome
from ..execute.room import MAX_INPUT_BYTES, KernelRoom, copy_files
from ..exercises import exercises as find_exercises
from ..judge.judge import Judge
from ..judge.restore import Restored
from ..settings import Settings
from .gradebook import SourceTable
from .graded import GradedNotebook, grade_notebook
from .sanitize import NotGradable, read_submitted
from .schema import schema_checked_once

__all__ = [
    "Job",
    "Result",
    "GradingFailed",
    "WorkerCannotStartKernels",
    "grade_submission",
    "grade_submission_async",
    "pack_folders",
    "pack_stage",
    "unpack_stage",
    "write_files",
    "nb_to_json",
    "nb_from_json",
]

KERNEL_LOG_KEPT = 1 << 20  # of the kernels' own output, what travels back in a Result


class GradingFailed(RuntimeError):
    """A submission that could not be graded, for a reason of the grading machines, not the
    student's: ``why`` for the summary, ``trace`` for the submission's log."""

    def __init__(self, why: str, trace: str = ""):
        super().__init__(why)
        self.why, self.trace = why, trace or why


class WorkerCannotStartKernels(RuntimeError):
    """A kernel did not start twice on one worker: the machine's problem, not the student's.
    ``worker`` names the machine (its Dask address, or ``local``)."""

    def __init__(self, worker: str, why: str):
        super().__init__(f"worker {worker} cannot start kernels: {why}")
        self.worker, self.why = worker, why

    def __reduce__(self):  # picklable across Dask
        return (WorkerCannotStartKernels, (self.worker, self.why))


@dataclass
class Job:
    """What one submission's grading needs (all picklable; see the module docstring).

    ``whole``: the worker does all the work on each notebook (:mod:`.sanitize`, the kernel,
    :mod:`.graded`): ``submitted`` holds the submitted files (name -> bytes) of the notebooks
    to run, ``releases`` the release notebooks (JSON, or None), ``kernelspecs`` the source
    notebooks' kernelspecs, ``table`` what ``OverwriteCells`` reads, ``config`` the course's
    nbgrader config. Else ``notebooks`` holds the notebooks the class run sanitized (JSON),
    sent back executed for the class run to grade. ``sources``: notebook name -> the
    instructor's source notebook (JSON).
    ``inputs`` (folders on the worker's machine) or ``files`` ((relative path, bytes),
    written in order, later ones over earlier ones) with ``input_notes`` (what packing
    left out). ``stage`` (a folder) or ``stage_tar`` (gzipped tar of it, ``stage_hash``
    its SHA-256). ``settings``: resolved (:attr:`Settings.is_resolved`).
    """

    student: str
    assignment: str
    notebooks: dict[str, str]
    sources: dict[str, str]
    settings: Settings
    course_root: str
    secret: bytes | None = None
    inputs: list[str] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    input_notes: list[str] = field(default_factory=list)
    stage: str | None = None
    stage_tar: bytes | None = None
    stage_hash: str = ""
    whole: bool = False
    submitted: dict[str, bytes] = field(default_factory=dict)
    releases: dict[str, str | None] = field(default_factory=dict)
    kernelspecs: dict[str, dict | None] = field(default_factory=dict)
    table: SourceTable | None = None
    config: Any = None


@dataclass
class Result:
    """What comes back: per notebook the graded notebook (``graded``; for a job not ``whole``,
    its executed JSON in ``notebooks``), its outcome, the judge's statistics and the notes of
    its rooms, or why it could not run (``problems``: unreadable, broken metadata: it scores
    0); the log (text) and the kernels' own output (bytes, the last :data:`KERNEL_LOG_KEPT`);
    the worker that graded it and the seconds it took."""

    notebooks: dict[str, str] = field(default_factory=dict)
    graded: dict[str, GradedNotebook] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, NotebookOutcome] = field(default_factory=dict)
    judge: dict[str, dict] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    kernel_log: bytes = b""
    worker: str = "local"
    seconds: float = 0.0


def nb_to_json(nb: Any) -> str:
    return json.dumps(nb)


def nb_from_json(text: str) -> Any:
    return nbformat.from_dict(json.loads(text))


# -- packing (coordinator side) ------------------------------------------------------------------


def pack_folders(folders: list[Path], max_bytes: int = MAX_INPUT_BYTES) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The files a room would copy from ``folders`` (regular files, no notebooks, no links,
    none over ``max_bytes``), as (relative path, bytes), and the notes on those left out."""
    with tempfile.TemporaryDirectory(prefix="cw-pack-") as tmp:
        notes: list[str] = []
        for folder in folders:
            notes += copy_files(Path(folder), Path(tmp), skip_notebooks=True, max_bytes=max_bytes)
        files = [(p.relative_to(tmp).as_posix(), p.read_bytes()) for p in sorted(Path(tmp).rglob("*")) if p.is_file()]
    return files, notes


def pack_stage(stage: Path) -> tuple[bytes, str]:
    """The bundle stage folder as a gzipped tar, and its SHA-256 (the workers' cache key)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:
        for path in sorted(Path(stage).rglob("*")):
            tar.add(path, arcname=path.relative_to(stage).as_posix(), recursive=False)
    data = buf.getvalue()
    return data, hashlib.sha256(data).hexdigest()


# -- unpacking (worker side) ---------------------------------------------------------------------


def unpack_stage(job: Job) -> Path:
    """The bundle stage on this machine: the job's folder, or its tar unpacked once per hash."""
    if job.stage:
        return Path(job.stage)
    if job.stage_tar is None:
        raise ValueError("the job has neither a bundle stage folder nor its tar")
    digest = job.stage_hash or hashlib.sha256(job.stage_tar).hexdigest()
    cache = Path(tempfile.gettempdir()) / f"coursework-stages-{os.getuid() if hasattr(os, 'getuid') else 0}"
    cache.mkdir(mode=0o700, exist_ok=True)
    final = cache / digest
    if final.is_dir():
        return final
    tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=cache))
    with tarfile.open(fileobj=io.BytesIO(job.stage_tar), mode="r:gz") as tar:
        try:
            tar.extractall(tmp, filter="data")
        except TypeError:  # Python without extraction filters (the tar is the coordinator's own)
            tar.extractall(tmp)
    try:
        os.rename(tmp, final)
    except OSError:  # another thread of this worker unpacked it first
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def write_files(files: list[tuple[str, bytes]], dest: Path) -> None:
    """Write packed ``files`` under ``dest``; a path that leaves ``dest`` is a ``ValueError``."""
    root = dest.resolve()
    for rel, data in files:
        target = (dest / rel).resolve()
        if root not in target.parents:
            raise ValueError(f"a packed file's path leaves its folder: {rel!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


# -- grading -------------------------------------------------------------------------------------


def grade_submission(job: Job) -> Result:
    """Grade ``job`` in a loop of its own (a Dask worker's entry point); see :class:`Result`.

    Raises :class:`WorkerCannotStartKernels` when a kernel does not start twice.
    """
    worker = _worker_name()
    try:
        result = asyncio.run(grade_submission_async(job))
    except KernelStartError as exc:
        raise WorkerCannotStartKernels(worker, str(exc)) from None
    result.worker = worker
    return result


def _worker_name() -> str:
    try:
        from distributed import get_worker  # here: Dask is optional (the [dask] extra)

        return get_worker().address
    except Exception:  # noqa: BLE001 - not on a Dask worker
        return "local"


async def grade_submission_async(job: Job, context: Any = None) -> Result:
    """Run each notebook of ``job`` in its own room with a judge; see :class:`Result`.

    ``context``: a ``zmq.asyncio.Context`` to share (local grading; default: one of its own).
    Raises :class:`~coursework.grading.execute.outcome.KernelStartError` when a kernel does
    not start twice.
    """
    with speaking(job.settings.lang), schema_checked_once():
        return await _grade_submission(job, context)


async def _grade_submission(job: Job, context: Any) -> Result:
    start = time.monotonic()
    result = Result()
    fd, kernel_log = tempfile.mkstemp(prefix="cw-kernel-", suffix=".log")
    os.close(fd)
    own_context = context is None
    context = zmq.asyncio.Context() if own_context else context
    unpacked = Path(tempfile.mkdtemp(prefix="cw-in-")) if job.files else None
    try:
        inputs = [Path(p) for p in job.inputs]
        if unpacked is not None:
            write_files(job.files, unpacked)
            inputs = [unpacked, *inputs]
        books = _sanitized(job, result) if job.whole else [(n, nb_from_json(t), []) for n, t in job.notebooks.items()]
        stage = unpack_stage(job)
        deadline = time.monotonic() + job.settings.total_seconds
        for name, nb, restored in books:
            outcome, notes, stats = await _grade_notebook(
                job,
                nb,
                nb_from_json(job.sources[name]),
                stage,
                inputs,
                context,
                kernel_log,
                deadline,
                result.log.append,
            )
            if job.whole:
                result.graded[name] = _graded(job, name, nb, restored, outcome, notes, stats)
            else:
                result.notebooks[name] = nb_to_json(nb)
            result.outcomes[name] = outcome
            result.notes[name] = notes
            result.judge[name] = stats
    finally:
        if unpacked is not None:
            shutil.rmtree(unpacked, ignore_errors=True)
        if own_context:
            context.term()
        try:
            result.kernel_log = Path(kernel_log).read_bytes()[-KERNEL_LOG_KEPT:]
        finally:
            os.unlink(kernel_log)
    result.seconds = time.monotonic() - start
    return result


def _sanitized(job: Job, result: Result) -> list[tuple[str, Any, list[Restored]]]:
    """The job's submitted notebooks that can run, read and sanitized (:mod:`.sanitize`), read back
    from their JSON as the class run would send them; why the others cannot, in ``result``."""
    if job.table is None:
        raise ValueError("a whole job carries the source cells' table (SourceTable)")
    books = []
    for name, data in job.submitted.items():
        release = job.releases.get(name)
        try:
            nb, restored = read_submitted(
                data,
                name=name,
                student=job.student,
                assignment=job.assignment,
                source=nb_from_json(job.sources[name]),
                release=nb_from_json(release) if release is not None else None,
                config=job.config,
                kernelspec=job.kernelspecs.get(name),
                table=job.table,
                max_cells=job.settings.max_cells,
            )
        except NotGradable as exc:
            result.problems[name] = exc.why
            continue
        books.append((name, nb_from_json(nb_to_json(nb)), restored))
    return books


def _graded(
    job: Job, name: str, nb: Any, restored: list[Restored], outcome: NotebookOutcome, notes: list[str], stats: dict
) -> GradedNotebook:
    """The executed notebook ``name`` graded here (:func:`.graded.grade_notebook`), read back from
    its JSON as the class run would read it."""
    assert job.settings.timeout is not None  # resolved: _grade_notebook checked it
    return grade_notebook(
        nb_from_json(nb_to_json(nb)),
        name=name,
        student=job.student,
        assignment=job.assignment,
        config=job.config,
        exercises=find_exercises(nb_from_json(job.sources[name])),
        outcome=outcome,
        timeout=float(job.settings.timeout),
        sandbox=job.settings.sandbox,
        restored=restored,
        notes=notes,
        judge=stats,
    )


async def _grade_notebook(
    job: Job,
    nb: Any,
    source: Any,
    stage: Path,
    inputs: list[Path],
    context: Any,
    kernel_log: str,
    deadline: float,
    log: Any,
) -> tuple[NotebookOutcome, list[str], dict]:
    """One notebook (``nb``, executed in place) in a room of its own with a judge: its outcome,
    the notes of its room and the judge's statistics. A kernel that does not start is tried
    once more, then :class:`KernelStartError` is raised."""
    s = job.settings
    if s.timeout is None:
        raise ValueError("the job's settings have no timeout: a class run resolves them (Settings.resolved)")
    notes: list[str] = []
    for attempt in (1, 2):
        room = KernelRoom(
            bundle_stage=stage,
            course_root=Path(job.course_root),
            inputs=inputs,
            sandbox=s.sandbox,
            memory_mb=s.memory_mb,
            cpu_seconds=int(s.total_seconds) + 60,
            disk_mb=s.disk_mb,
            threads=s.threads,
        )
        notes += list(job.input_notes) + room.notes
        judge = Judge(source, job.student, job.secret, log=log)
        km = room.kernel_manager(context)
        watch = asyncio.ensure_future(room.watch(km))
        try:
            await room.open_relay(km)
            outcome = await run_notebook(
                nb,
                cwd=room.work,
                env=room.env({"COURSEWORK_LANG": s.lang} if s.lang else None),
                timeout=s.timeout,
                max_output_bytes=s.max_output_bytes,
                max_notebook_bytes=s.max_notebook_output_bytes,
                kernel_manager=km,
                judge=judge,
                kernel_log=kernel_log,
                deadline=deadline,
            )
            if room.stopped:
                outcome.stopped_by_grader(nb, room.stopped)
            return outcome, notes + room.relay_notes(), judge.stats()
        except KernelStartError:
            if attempt == 2:
                raise
        finally:
            watch.cancel()
            await room.aclose()
    raise AssertionError("unreachable: the second attempt returns or raises")
