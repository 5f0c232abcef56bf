"""One submission's kernels and judge, as a function of plain data: the part of grading
that can run on another machine.

:class:`.autograde.ClassRun` prepares a submission (gradebook rows, the sanitized
notebooks) and finishes it (scores, gradebook, ``autograded/``, the state); in between,
:func:`grade_submission` runs each notebook in a :class:`.room.KernelRoom` with a
:class:`.judge.Judge` deciding its test cells. Local grading awaits
:func:`grade_submission_async` in its own loop; on a Dask cluster
(:mod:`.distributed`) a worker process calls :func:`grade_submission` with a
:class:`Job` that carries everything it needs and returns a :class:`Result`:

- ``Job``: the student id, the sanitized notebooks and the instructor's source notebooks
  (JSON text), the submission's other files and the assignment's own files (bytes, or the
  folders when the worker is on this machine), the student bundle's packages (a gzipped
  tar, or a folder), the grading settings and the course secret (the key of the hidden
  checks' seeds, needed by the judge);
- ``Result``: each executed notebook (JSON text), each notebook's cell outcomes and
  judge statistics (plain dicts), the notes of its rooms, and what was logged.

Nothing here touches the course folder: the worker writes only its rooms (deleted after
each notebook) and a cache of unpacked bundles under the system's temporary folder.
"""

from __future__ import annotations

import asyncio
import dataclasses
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
from typing import Any, Callable

from ..execute.notebook import DEFAULT_MAX_NOTEBOOK_BYTES, CellOutcome, KernelStartError, NotebookOutcome, run_notebook
from ..execute.room import KernelRoom, _copy_files

__all__ = ["Job", "Result", "grade_submission", "grade_submission_async", "pack_folders", "pack_stage",
           "outcome_from_dict", "WorkerCannotStartKernels"]


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
    left out). ``stage`` (a folder) or ``stage_tar`` (gzipped tar of it). ``settings``:
    timeout, memory_mb, max_output_bytes, max_notebook_bytes, sandbox, disk_mb, threads,
    total_seconds.
    """

    student: str
    assignment: str
    notebooks: dict[str, str]
    sources: dict[str, str]
    settings: dict
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
    """What comes back: per notebook its executed JSON, outcome (plain dict), judge stats
    and notes; the log (text) and the kernels' output (bytes); the worker that graded it."""

    notebooks: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, dict] = field(default_factory=dict)
    judge: dict[str, dict] = field(default_factory=dict)
    notes: dict[str, list] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    kernel_log: bytes = b""
    worker: str = "local"
    seconds: float = 0.0


def outcome_to_dict(outcome: NotebookOutcome) -> dict:
    return {"cells": {str(k): dataclasses.asdict(c) for k, c in outcome.cells.items()},
            "stopped": outcome.stopped, "seconds": outcome.seconds}


def outcome_from_dict(data: dict) -> NotebookOutcome:
    return NotebookOutcome(cells={int(k): CellOutcome(**c) for k, c in data["cells"].items()},
                           stopped=data["stopped"], seconds=data["seconds"])


def nb_to_json(nb: Any) -> str:
    return json.dumps(nb)


def nb_from_json(text: str) -> Any:
    import nbformat

    return nbformat.from_dict(json.loads(text))


# -- packing (coordinator side) ------------------------------------------------------------------

def pack_folders(folders: list[Path], max_bytes: int = 64 << 20) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The files a room would copy from ``folders`` (regular files, no notebooks, no links,
    none over ``max_bytes``), as (relative path, bytes), and the notes on those left out."""
    with tempfile.TemporaryDirectory(prefix="cw-pack-") as tmp:
        notes: list[str] = []
        for folder in folders:
            notes += _copy_files(Path(folder), Path(tmp), skip_notebooks=True, max_bytes=max_bytes)
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

def _stage_dir(job: Job) -> Path:
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


def _write_files(files: list[tuple[str, bytes]], dest: Path) -> None:
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
        from distributed import get_worker

        return get_worker().address
    except Exception:  # noqa: BLE001 - not on a Dask worker
        return "local"


async def grade_submission_async(job: Job, context: Any = None, *, log: Callable[[str], None] | None = None,
                                 kernel_log: str | os.PathLike | None = None) -> Result:
    """Run each notebook of ``job`` in its own room with a judge; see :class:`Result`.

    ``context``: a ``zmq.asyncio.Context`` to share (local grading); ``log`` receives the
    judge's log lines (default: kept in ``Result.log``); ``kernel_log``: the file the
    kernels' output is appended to (default: kept in ``Result.kernel_log``).
    """
    from .classrun import _stopped_because
    from ..judge.judge import Judge

    start = time.monotonic()
    result = Result()
    say = log or result.log.append
    s = job.settings
    own_log = None
    if kernel_log is None:
        fd, own_log = tempfile.mkstemp(prefix="cw-kernel-", suffix=".log")
        os.close(fd)
        kernel_log = own_log
    made_context = context is None
    if made_context:
        import zmq.asyncio

        context = zmq.asyncio.Context()
    unpacked = None
    try:
        inputs = [Path(p) for p in job.inputs]
        if job.files:
            unpacked = Path(tempfile.mkdtemp(prefix="cw-in-"))
            _write_files(job.files, unpacked)
            inputs = [unpacked] + inputs
        stage = _stage_dir(job)
        deadline = time.monotonic() + s["total_seconds"]
        for name, text in job.notebooks.items():
            nb = nb_from_json(text)
            source = nb_from_json(job.sources[name])
            notes: list[str] = []
            for attempt in (1, 2):  # a kernel that does not start is retried once, then the run reports it
                room = KernelRoom(bundle_stage=stage, course_root=Path(job.course_root), inputs=inputs,
                                  sandbox=s["sandbox"], memory_mb=s["memory_mb"],
                                  cpu_seconds=int(s["total_seconds"]) + 60, disk_mb=s["disk_mb"],
                                  threads=s["threads"])
                notes += list(job.input_notes) + room.notes
                judge = Judge(source, job.student, job.secret, log=say)
                km = room.kernel_manager(context)
                watch = asyncio.ensure_future(room.watch(km))
                try:
                    await room.open_relay(km)
                    outcome = await run_notebook(
                        nb, cwd=room.work, env=room.env({"COURSEWORK_LANG": s["lang"]} if s.get("lang") else None),
                        timeout=s["timeout"], max_output_bytes=s["max_output_bytes"],
                        max_notebook_bytes=s.get("max_notebook_bytes", DEFAULT_MAX_NOTEBOOK_BYTES),
                        kernel_manager=km, judge=judge, kernel_log=kernel_log, deadline=deadline)
                    if room.stopped:
                        _stopped_because(outcome, nb, room.stopped)
                    notes += room.relay_notes()
                    result.judge[name] = judge.stats()
                    break
                except KernelStartError:
                    if attempt == 2:
                        raise
                finally:
                    watch.cancel()
                    await room.aclose()
            result.notebooks[name] = nb_to_json(nb)
            result.outcomes[name] = outcome_to_dict(outcome)
            result.notes[name] = notes
    finally:
        if unpacked is not None:
            shutil.rmtree(unpacked, ignore_errors=True)
        if made_context:
            context.term()
        if own_log is not None:
            try:
                result.kernel_log = Path(own_log).read_bytes()[-(1 << 20):]
            finally:
                os.unlink(own_log)
    result.seconds = time.monotonic() - start
    return result
