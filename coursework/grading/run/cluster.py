"""Grading a class on a Dask cluster: ``coursework autograde A --scheduler tcp://HOST:PORT``
or ``--cluster local:N``.

The coordinator (this process) does what only it may do, as in local grading
(:class:`.classrun.ClassRun`): it prepares each submission (gradebook rows, the sanitized
notebooks), finishes it (scores, gradebook, ``autograded/``, the record, the resumable
state) and shows the progress bar. The executor here, :class:`DaskExecutor`, only turns
a job into a result: the Dask workers run :func:`.worker.grade_submission` on a :class:`.worker.Job`
holding plain data: the sanitized notebooks, the source notebooks, the submission's
other files and the assignment's own files (bytes), the grading settings and the course
secret; the student bundle's packages travel once per worker (a gzipped tar held by a worker
plugin, :mod:`.stage_plugin`, which the scheduler hands to every worker, those joining later
included; unpacked once). Each worker process runs the same code as local grading,
so the room, the sandbox and the judge hold on every worker.

Faults:

- a worker that dies mid-submission: Dask gives its task to another worker; with
  ``distributed.scheduler.allowed-failures = 1`` (set for ``--cluster local:N``; for a
  cluster of your own, start the scheduler with
  ``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1``) a second death fails that
  submission instead of trying again;
- a worker whose kernels do not start (twice) is named on stderr, gets no more work, and
  its submissions go to the others (the submission fails only when no worker is left);
- the coordinator killed (even SIGKILL): the state file is written after each batch of
  finished submissions is committed, as in local grading, so the next run grades exactly
  those not finished; the cluster drops the dead client's tasks.

At most ``2 x`` the cluster's threads submissions are in flight at once, so the
coordinator prepares them as the workers go (a class of 1,000 is not held in memory).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import traceback
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..course import CourseError
from .worker import GradingFailed, Job, Result, WorkerCannotStartKernels, grade_submission, pack_stage

__all__ = ["DaskExecutor", "cluster_client", "parse_cluster", "code_digest", "check_workers"]


def parse_cluster(text: str) -> int:
    """The N of ``local:N`` (N >= 1), else a clear error."""
    kind, _, count = text.partition(":")
    if kind != "local" or not count.isdigit() or int(count) < 1:
        raise CourseError(f"--cluster expects local:N (N worker processes on this machine, N >= 1), got {text!r}")
    return int(count)


def _need_distributed() -> Any:
    try:
        import distributed  # here: Dask is optional (the [dask] extra)
    except ImportError:
        raise CourseError(
            "grading on a Dask cluster needs the package 'distributed': "
            "pip install -e '.[dask]' (or pip install distributed)"
        ) from None
    return distributed


@contextlib.contextmanager
def cluster_client(scheduler: str | None = None, cluster: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` of the running scheduler at ``scheduler``, or of a
    ``LocalCluster`` of ``local:N`` single-threaded worker processes (closed afterwards)."""
    distributed = _need_distributed()
    import dask  # here: Dask is optional (the [dask] extra); it comes with distributed

    if scheduler and cluster:
        raise CourseError("give either --scheduler or --cluster, not both")
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise CourseError(
                f"no Dask scheduler answered at {scheduler} ({exc}); start one with "
                f"`dask scheduler` and workers with `dask worker {scheduler}`"
            ) from None
        with client:
            yield client
        return
    n = parse_cluster(cluster or "")
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with (
            distributed.LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
                silence_logs=40,
            ) as local,
            distributed.Client(local) as client,
        ):
            yield client


def code_digest() -> str:
    """SHA-256 of the installed ``coursework`` and ``grader_tests`` sources (hidden checks
    included): the judge's code. A worker must have the coordinator's, or scores could differ."""
    h = hashlib.sha256()
    for package in ("coursework", "grader_tests"):
        root = Path(str(importlib.import_module(package).__file__)).parent
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" not in path.parts:
                h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def check_workers(client: Any) -> None:
    """Refuse to grade when a worker's course code differs from this machine's."""
    mine = code_digest()
    theirs = client.run(code_digest)
    other = sorted(w for w, digest in theirs.items() if digest != mine)
    if other:
        raise CourseError(
            f"worker(s) {', '.join(other)} have other course code (coursework / grader_tests) than "
            "this machine; install the same commit of the course there (README: Grading on a Dask "
            "cluster)"
        )


def _grade_remote(job: Job, stage: str) -> Result:
    """Runs on a worker: the job with the bundle's tar (the worker plugin named ``stage``), graded."""
    from .stage_plugin import stage_tar  # here: it imports distributed (the optional [dask] extra)

    job.stage_tar = stage_tar(stage)
    return grade_submission(job)


class DaskExecutor:
    """Grades jobs on the workers of a Dask ``client`` (use as a context manager; see the
    module docstring). At most :attr:`slots` (twice the cluster's threads) are in flight, so
    the coordinator prepares submissions as the workers go (a class of 1,000 is not held in
    memory). A worker whose kernels do not start is named through ``say``, gets no more work,
    and its jobs go to the others; :attr:`workers_down` lists them (address -> why).
    """

    packed = True  # a job carries the submission's files: the workers share no folder

    def __init__(self, client: Any, stage: Path, say: Callable[[str], None] = print):
        self.client, self.stage, self.say = client, Path(stage), say
        self.slots = 1
        self.workers_down: dict[str, str] = {}
        self.pending: dict[Any, Job] = {}
        self.done: Any = None
        self.stage_name = ""
        self.stage_hash = ""

    def __enter__(self) -> DaskExecutor:
        from distributed import as_completed  # here: Dask is optional (the [dask] extra)

        try:
            self.client.wait_for_workers(1, timeout=120)
        except Exception:  # noqa: BLE001 - any failure to find a worker says the same
            address = self.client.scheduler.address
            raise CourseError(
                f"the Dask cluster at {address} has no worker (start one with `dask worker {address}`)"
            ) from None
        check_workers(self.client)
        from .stage_plugin import StagePlugin  # here: it imports distributed (the optional [dask] extra)

        stage_tar, self.stage_hash = pack_stage(self.stage)
        plugin = StagePlugin(stage_tar, self.stage_hash)
        self.client.register_plugin(plugin, name=plugin.name)
        self.stage_name = plugin.name
        self.slots = max(1, 2 * sum(self.client.nthreads().values()))
        self.done = as_completed()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        from distributed import wait  # here: Dask is optional (the [dask] extra)

        for future in list(self.pending):
            future.cancel()
        with contextlib.suppress(Exception):
            wait(list(self.pending), timeout=5)
        self.pending.clear()
        if self.stage_name:
            with contextlib.suppress(Exception):  # a scheduler already gone keeps nothing
                self.client.unregister_worker_plugin(self.stage_name)

    def submit(self, job: Job) -> None:
        """Send ``job`` to a worker that can start kernels; :class:`~.worker.GradingFailed` when none is left."""
        workers = [w for w in self.client.nthreads() if w not in self.workers_down] if self.workers_down else None
        if self.workers_down and not workers:
            raise GradingFailed(
                "every worker failed to start kernels: "
                + "; ".join(f"{w}: {why}" for w, why in self.workers_down.items())
            )
        job.stage_hash = self.stage_hash
        future = self.client.submit(
            _grade_remote,
            job,
            self.stage_name,
            key=f"coursework-grade-{uuid.uuid4().hex}",
            pure=False,
            workers=workers,
            allow_other_workers=False,
        )
        self.pending[future] = job
        self.done.add(future)

    def next_done(self, wait: bool = True) -> tuple[Job, Result | GradingFailed] | None:
        """The next job that finished, with its result or why it failed; with ``wait``, waits for
        one, else None when none has finished. A job whose worker could not start kernels is
        sent to another worker first."""
        while True:
            if not wait and not self.done.has_ready():
                return None
            future = next(self.done)
            job = self.pending.pop(future)
            if future.status == "finished":
                return job, future.result()
            exc = future.exception()
            if exc is None:  # no exception to show: Dask cancelled or lost the task
                lost = f"the Dask cluster lost this submission's task (its state: {future.status})"
                return job, GradingFailed(lost, "")
            if not isinstance(exc, WorkerCannotStartKernels):
                trace = "".join(traceback.format_exception(type(exc), exc, future.traceback()))
                return job, GradingFailed(f"{type(exc).__name__}: {exc}", trace)
            if exc.worker not in self.workers_down:
                self.workers_down[exc.worker] = exc.why
                self.say(
                    f"worker {exc.worker} cannot start kernels ({exc.why}); its submissions go to the other workers"
                )
            try:
                self.submit(job)
            except GradingFailed as none_left:
                return job, none_left
