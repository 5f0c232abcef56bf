"""Grading a class on a Dask cluster: ``coursework autograde A --scheduler tcp://HOST:PORT``
or ``--cluster local:N``.

The coordinator (this process) does what only it may do: it prepares each submission
(gradebook rows, the sanitized notebooks), finishes it (scores, gradebook,
``autograded/``, the record, the resumable state) and shows the progress bar. The Dask
workers run the middle part, :func:`.worker.grade_submission`, on a :class:`.worker.Job`
holding plain data: the sanitized notebooks, the source notebooks, the submission's
other files and the assignment's own files (bytes), the grading settings and the course
secret; the student bundle's packages travel once per worker (a gzipped tar, scattered to
every worker and unpacked once). Each worker process runs the same code as local grading,
so the room, the sandbox and the judge hold on every worker.

Faults:

- a worker that dies mid-submission: Dask gives its task to another worker; with
  ``distributed.scheduler.allowed-failures = 1`` (set for ``--cluster local:N``; for a
  cluster of your own, start the scheduler with
  ``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1``) a second death fails that
  submission instead of trying again;
- a worker whose kernels do not start (twice) is named on stderr, gets no more work, and
  its submissions go to the others (the submission fails only when no worker is left);
- the coordinator killed (even SIGKILL): the state file is written after each submission
  is committed, as in local grading, so the next run grades exactly those not finished;
  the cluster drops the dead client's tasks.

At most ``2 x`` the cluster's threads submissions are in flight at once, so the
coordinator prepares them as the workers go (a class of 1,000 is not held in memory).
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
import traceback
import uuid
from pathlib import Path
from typing import Any, Iterator

from ..course import CourseError

__all__ = ["cluster_client", "run_on_cluster", "parse_cluster"]


def parse_cluster(text: str) -> int:
    """The N of ``local:N`` (N >= 1), else a clear error."""
    kind, _, count = text.partition(":")
    if kind != "local" or not count.isdigit() or int(count) < 1:
        raise CourseError(f"--cluster expects local:N (N worker processes on this machine, N >= 1), got {text!r}")
    return int(count)


def _need_distributed():
    try:
        import distributed
    except ImportError:
        raise CourseError("grading on a Dask cluster needs the package 'distributed': "
                          "pip install -e '.[dask]' (or pip install distributed)") from None
    return distributed


@contextlib.contextmanager
def cluster_client(scheduler: str | None = None, cluster: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` of the running scheduler at ``scheduler``, or of a
    ``LocalCluster`` of ``local:N`` single-threaded worker processes (closed afterwards)."""
    distributed = _need_distributed()
    import dask

    if scheduler and cluster:
        raise CourseError("give either --scheduler or --cluster, not both")
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise CourseError(f"no Dask scheduler answered at {scheduler} ({exc}); start one with "
                              f"`dask scheduler` and workers with `dask worker {scheduler}`") from None
        with client:
            yield client
        return
    n = parse_cluster(cluster or "")
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                      host="127.0.0.1", silence_logs=40) as local, \
                distributed.Client(local) as client:
            yield client


def code_digest() -> str:
    """SHA-256 of the installed ``coursework`` and ``grader_tests`` sources (hidden checks
    included): the judge's code. A worker must have the coordinator's, or scores could differ."""
    import hashlib
    import importlib

    h = hashlib.sha256()
    for package in ("coursework", "grader_tests"):
        root = Path(importlib.import_module(package).__file__).parent
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
        raise CourseError(f"worker(s) {', '.join(other)} have other course code (coursework / grader_tests) than "
                          "this machine; install the same commit of the course there (README: Grading on a Dask "
                          "cluster)")


def _grade_remote(job: Any, stage_tar: bytes) -> Any:
    """Runs on a worker: the job with the bundle's tar (scattered once), graded."""
    from .worker import grade_submission

    job.stage_tar = stage_tar
    return grade_submission(job)


def run_on_cluster(run: Any, client: Any) -> Any:
    """Grade ``run``'s (a :class:`.autograde.ClassRun`, its bundle staged) submissions on
    ``client``'s workers; returns the run's :class:`.autograde.Summary`."""
    from distributed import as_completed, wait

    from .worker import Result, WorkerCannotStartKernels, pack_stage

    start = time.monotonic()
    summary, todo, bar = run._start()
    try:
        client.wait_for_workers(1, timeout=120)
    except Exception:  # noqa: BLE001
        bar.close()
        raise CourseError(f"the Dask cluster at {client.scheduler.address} has no worker (start one with "
                          f"`dask worker {client.scheduler.address}`)") from None
    try:
        check_workers(client)
    except CourseError:
        bar.close()
        raise
    stage_tar, stage_hash = pack_stage(run.stage)
    stage = client.scatter(stage_tar, broadcast=True, hash=False)
    bad: dict[str, str] = {}          # worker address -> why it cannot grade
    pending: dict[Any, tuple] = {}    # future -> (student, folder, digest, tmp, books, job)
    queue = list(todo)
    done = as_completed()

    def good_workers() -> list[str]:
        return [w for w in client.nthreads() if w not in bad]

    def submit(item: tuple, job: Any = None) -> None:
        student, folder, digest = item[:3]
        tmp = run._tmp_dir(student)
        if job is None:
            books = run._prepare(student, folder, tmp)
            job = run._job(student, folder, books, packed=True)
            job.stage_hash = stage_hash
        else:
            books = item[4]
        if not job.notebooks:  # nothing can run: scored here, as local grading would
            finish((student, folder, digest, tmp, books, job), Result())
            return
        workers = good_workers() if bad else None
        if bad and not workers:
            raise _NoWorker("every worker failed to start kernels: " + "; ".join(f"{w}: {why}" for w, why in bad.items()))
        future = client.submit(_grade_remote, job, stage, key=f"coursework-grade-{uuid.uuid4().hex}", pure=False,
                               workers=workers, allow_other_workers=False)
        pending[future] = (student, folder, digest, tmp, books, job)
        done.add(future)

    def finish(entry: tuple, result: Any) -> None:
        student, folder, digest, tmp, books, _ = entry
        for text in result.log:
            run._log(student, text)
        if result.kernel_log:
            run.logs_dir.mkdir(parents=True, exist_ok=True)
            with open(run.logs_dir / f"{student}.kernel.log", "ab") as fh:
                fh.write(result.kernel_log)
        run._finish(student, folder, tmp, books, run._outcomes(books, result), digest)
        summary.graded.append(student)
        summary.record(student, run.state.get(run.assignment, student))
        bar.set_postfix_str(student, refresh=False)
        bar.update(1)

    def fail(student: str, why: str, trace: str) -> None:
        summary.failed[student] = why
        run._log(student, trace)
        shutil.rmtree(run._tmp_dir(student), ignore_errors=True)
        bar.set_postfix_str(student, refresh=False)
        bar.update(1)

    window = max(1, 2 * sum(client.nthreads().values()))

    def top_up() -> None:
        while queue and len(pending) < window:
            item = queue.pop(0)
            try:
                submit(item)
            except _NoWorker as exc:
                fail(item[0], str(exc), str(exc))
            except Exception as exc:  # ours, not the student's: report, go on
                fail(item[0], f"{type(exc).__name__}: {exc}", traceback.format_exc())

    try:
        top_up()
        while pending:
            future = next(done)
            entry = pending.pop(future)
            student = entry[0]
            try:
                if future.status == "finished":
                    finish(entry, future.result())
                else:
                    exc = future.exception()
                    if isinstance(exc, WorkerCannotStartKernels):
                        if exc.worker not in bad:
                            bad[exc.worker] = exc.why
                            bar.write(f"worker {exc.worker} cannot start kernels ({exc.why}); its submissions go to "
                                      "the other workers", file=sys.stderr)
                        try:
                            submit(entry, entry[5])
                        except _NoWorker as none_left:
                            fail(student, str(none_left), str(none_left))
                    else:
                        tb = "".join(traceback.format_exception(type(exc), exc, future.traceback()))
                        fail(student, f"{type(exc).__name__}: {exc}", tb)
            except Exception as exc:  # finishing failed: ours, not the student's
                fail(student, f"{type(exc).__name__}: {exc}", traceback.format_exc())
            top_up()
    finally:
        bar.close()
        for future in list(pending):
            future.cancel()
        with contextlib.suppress(Exception):
            wait(list(pending), timeout=5)
    summary.graded.sort()
    summary.seconds = time.monotonic() - start
    summary.workers_down = dict(bad)
    return summary


class _NoWorker(RuntimeError):
    pass
