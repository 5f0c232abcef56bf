"""One submission's kernels and judge, as a function of plain data: the part of grading
that can run on another machine.

:class:`.classrun.ClassRun` prepares a submission (gradebook rows, the sanitized
notebooks) and finishes it (scores, gradebook, ``autograded/``, the state); in between,
:func:`grade_submission` runs each notebook in a
:class:`~coursework.grading.execute.room.KernelRoom` with a
:class:`~coursework.grading.judge.judge.Judge` deciding its test cells. The executors
only turn a :class:`Job` into a :class:`Result`: local grading (:mod:`.local`) awaits
:func:`grade_submission_async` in its loop; on a Dask cluster (:mod:`.cluster`) a worker
process calls :func:`grade_submission` with a :class:`Job` that carries everything it needs:

- ``Job``: the student id, the sanitized notebooks and the instructor's source notebooks
  (JSON text), the submission's other files and the assignment's own files (bytes, or the
  folders when the worker is on this machine), the student bundle's packages (a gzipped
  tar, or a folder), the grading settings and the course secret (the key of the hidden
  checks' seeds, needed by the judge); the grading settings are a
  :class:`~coursework.grading.settings.Settings`;
- ``Result``: each executed notebook (JSON text), each notebook's cell outcomes and
  judge statistics (plain dicts), the notes of its rooms, and what was logged.

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

from ..execute.notebook import run_notebook
from ..execute.outcome import KernelStartError, NotebookOutcome
from ..execute.room import MAX_INPUT_BYTES, KernelRoom, copy_files
from ..judge.judge import Judge
from ..settings import Settings

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

    ``notebooks``: notebook name -> sanitized notebook (nbformat v4 JSON text), only those
    that can run; ``sources``: the same names -> the instructor's source notebook (JSON).
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


@dataclass
class Result:
    """What comes back: per notebook its executed JSON, its outcome, the judge's statistics
    and the notes of its rooms; the log (text) and the kernels' own output (bytes, the last
    :data:`KERNEL_LOG_KEPT`); the worker that graded it and the seconds it took."""

    notebooks: dict[str, str] = field(default_factory=dict)
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
        stage = unpack_stage(job)
        deadline = time.monotonic() + job.settings.total_seconds
        for name, text in job.notebooks.items():
            nb = nb_from_json(text)
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
