"""Grading here: ``jobs`` submissions at once, their kernels driven by one asyncio loop.

The executor of local grading only turns a :class:`~.worker.Job` into a
:class:`~.worker.Result` (:func:`~.worker.grade_submission_async`, as a Dask worker does).
Its loop runs on a thread of its own, so that the class run (:mod:`.classrun`) prepares and
finishes submissions (gradebook, files) on the main thread while the kernels go on. The
kernels are children of that thread: Linux kills them when it ends (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import traceback
from typing import Any

import zmq.asyncio

from .worker import GradingFailed, Job, Result, grade_submission_async

__all__ = ["LocalExecutor"]


class LocalExecutor:
    """Grades jobs in this process, at most :attr:`slots` at once (use as a context manager).

    The class run submits a job (:meth:`submit`) and takes finished ones (:meth:`next_done`):
    a :class:`~.worker.Result`, or :class:`~.worker.GradingFailed` when grading raised (a
    kernel that does not start twice, say).
    """

    packed = False  # a job names the folders on this machine; nothing is copied into it

    def __init__(self, jobs: int):
        self.slots = max(1, int(jobs))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="coursework-kernels", daemon=True)
        self.pending: dict[concurrent.futures.Future, Job] = {}
        self.context: Any = None
        self.workers_down: dict[str, str] = {}  # none: this machine's kernels fail their submissions

    def __enter__(self) -> LocalExecutor:
        self.thread.start()
        self.context = asyncio.run_coroutine_threadsafe(self._make_context(), self.loop).result()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        for future in self.pending:
            future.cancel()  # the kernels are shut down as their tasks end
        concurrent.futures.wait(list(self.pending), timeout=60)
        self.pending.clear()
        if exc_info[0] is None:
            self.context.term()
        else:
            self.context.destroy(linger=0)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=60)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            self.loop.close()

    async def _make_context(self) -> Any:
        return zmq.asyncio.Context()

    def submit(self, job: Job) -> None:
        """Start grading ``job``."""
        future = asyncio.run_coroutine_threadsafe(grade_submission_async(job, self.context), self.loop)
        self.pending[future] = job

    def next_done(self, wait: bool = True) -> tuple[Job, Result | GradingFailed] | None:
        """The next job that finished, with its result or why it failed; with ``wait``, waits for
        one, else None when none has finished."""
        done, _ = concurrent.futures.wait(
            list(self.pending), timeout=None if wait else 0, return_when=concurrent.futures.FIRST_COMPLETED
        )
        if not done:
            return None
        future = min(done, key=lambda f: list(self.pending).index(f))  # the first submitted among them
        job = self.pending.pop(future)
        try:
            return job, future.result()
        except Exception as exc:  # noqa: BLE001 - ours, not the student's: that submission fails, the run goes on
            return job, GradingFailed(
                f"{type(exc).__name__}: {exc}", "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            )
