"""Run a notebook's code cells in a fresh, limited kernel and say how each cell ended.

Used by ``coursework autograde`` (many kernels at once, in one asyncio loop) and by
the student's ``coursework check``. On top of ``nbclient``:

- **the kernel** is this Python (``sys.executable``) started through a small launcher
  that first sets ``RLIMIT_AS`` (``memory_mb``; a runaway allocation raises
  ``MemoryError`` in the student's cell instead of taking the machine down) and asks
  Linux to kill the kernel when the grader dies (``PR_SET_PDEATHSIG``), so a grading
  run killed with SIGKILL leaves no kernels behind. IPython history stays in memory,
  so parallel kernels never fight over one history database;
- **per-cell timeout**: the cell is interrupted (``KeyboardInterrupt``) and marked
  ``timeout``; a kernel that ignores the interrupt is killed (``unresponsive``);
- **a dead kernel** (``os._exit``, a crash, the OOM killer) ends the run: the cell is
  ``died`` (with the exit code or signal), every later cell ``not-run``;
- **a kernel that does not start** raises :class:`KernelStartError` (the machine's
  problem, never scored as the student's);
- **output limits**: at most ``max_output_bytes`` of output per cell are kept; the rest
  is dropped and a note says how much (a cell printing tens of MB would otherwise end
  up whole in the graded notebook). Errors are always kept.

Outcomes are returned as :class:`CellOutcome` per code cell index; the notebook's
cells get their outputs as usual.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["CellOutcome", "NotebookOutcome", "KernelStartError", "run_notebook", "run_notebook_sync", "kernel_env",
           "DEFAULT_MEMORY_MB", "DEFAULT_MAX_OUTPUT_BYTES"]

DEFAULT_MEMORY_MB = 4096
DEFAULT_MAX_OUTPUT_BYTES = 1 << 20
_MAX_EVALUE = 2000

# Runs as ``python -c LAUNCHER -f CONNECTION_FILE``: limits first, then ipykernel
# (as ipykernel_launcher does, without the cwd on sys.path while it loads).
LAUNCHER = r"""
import os, sys
box = os.environ.pop("COURSEWORK_SANDBOX_MODULE", None)
if box:                                                                # confine first (coursework.grading.sandbox)
    import runpy
    runpy.run_path(box)["apply_from_env"]()
mb = 0 if box else int(os.environ.get("COURSEWORK_KERNEL_MEMORY_MB") or 0)
if mb > 0:
    try:
        import resource
        limit = mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit if hard == resource.RLIM_INFINITY else min(limit, hard)))
    except (ImportError, ValueError, OSError):
        pass                                                           # no limit where there is none to set
if sys.platform.startswith("linux"):
    try:
        import ctypes, signal
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
        parent = os.environ.get("JPY_PARENT_PID")
        if parent and os.getppid() != int(parent):
            os._exit(1)                                                # the grader is already gone
    except Exception:
        pass
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]
if box:                                                                # the course's editable install: not here
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "").lower()]
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


class KernelStartError(RuntimeError):
    """The kernel did not start or answer: a problem of the grading machine, not of the notebook."""


@dataclass
class CellOutcome:
    """How one code cell ended.

    status: ``ok``, ``error`` (raised; ``ename``/``evalue``), ``timeout``, ``unresponsive``
    (ignored the interrupt after its timeout; kernel killed), ``died`` (the kernel died
    while it ran), ``not-run`` (after the kernel was gone; ``detail`` says why).
    """

    index: int
    status: str
    ename: str = ""
    evalue: str = ""
    detail: str = ""
    truncated_bytes: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status != "ok"

    def describe(self, name: str, timeout: float) -> str:
        """Why this cell failed, in words, e.g. ``timed out after 10 s in cell 'image_gradients'``."""
        where = f"in cell {name!r}"
        if self.status == "timeout":
            return f"timed out after {timeout:g} s {where}"
        if self.status == "unresponsive":
            return f"timed out after {timeout:g} s {where} and ignored the interrupt; the kernel was stopped"
        if self.status == "died":
            return f"the kernel died {where} ({self.detail})"
        if self.status == "not-run":
            return f"not run: {self.detail}"
        if self.status == "error":
            msg = f"{self.ename}: {self.evalue}" if self.evalue else self.ename
            return f"cell {name!r} raised {msg}"
        return "ok"


@dataclass
class NotebookOutcome:
    cells: dict[int, CellOutcome] = field(default_factory=dict)
    stopped: str = ""          # why the run stopped early ('' if it ran to the end)
    seconds: float = 0.0


def kernel_env(*, student: str | None = None, threads: int | None = 1, memory_mb: int = DEFAULT_MEMORY_MB,
               extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a grading kernel: ours, plus the student id and the limits.

    ``threads`` BLAS / OpenMP threads per kernel (None: leave the environment's).
    Grading uses 1: parallelism comes from running several kernels, and on a loaded
    machine spinning BLAS threads made the notebook's small scikit-learn fits 50x
    slower (74 s instead of 1.4 s, measured). Grading computes on the CPU
    (``COURSEWORK_DEVICE=cpu``): the visible checks' stored values are NumPy's.
    """
    env = dict(os.environ)
    env["COURSEWORK_DEVICE"] = "cpu"
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS"):
        if threads:
            env[var] = str(threads)
    env["COURSEWORK_KERNEL_MEMORY_MB"] = str(int(memory_mb or 0))
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env.pop("COURSEWORK_STUDENT_ID", None)
    if student is not None:
        env["COURSEWORK_STUDENT_ID"] = student
    env.pop("JPY_PARENT_PID", None)
    if extra:
        env.update(extra)
    return env


def _kernel_manager(context: Any = None):
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = KernelSpec(argv=[sys.executable, "-c", LAUNCHER, "-f", "{connection_file}",
                            "--HistoryManager.hist_file=:memory:"],
                      display_name="coursework grading kernel", language="python", name="coursework-grading")

    class _OneSpec(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: ARG002 - one spec for every name
            return spec

    kwargs = {"context": context} if context is not None else {}
    return AsyncKernelManager(kernel_name="coursework-grading", kernel_spec_manager=_OneSpec(), **kwargs)


def _client_class():
    from nbclient import NotebookClient

    class LimitedClient(NotebookClient):
        """nbclient, keeping at most ``max_output_bytes`` of output per cell."""

        max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES

        def reset_limits(self) -> None:
            self._kept: dict[int, int] = {}
            self._dropped: dict[int, int] = {}
            self._dropped_stderr: set[int] = set()

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            kind = msg.get("msg_type")
            if kind == "error" or self.max_output_bytes <= 0:
                return super().output(outs, msg, display_id, cell_index)
            size = _msg_size(kind, content)
            kept = self._kept.get(cell_index, 0)
            room = self.max_output_bytes - kept
            if size <= room:
                self._kept[cell_index] = kept + size
                return super().output(outs, msg, display_id, cell_index)
            if kind == "stream" and room > 0:
                text = content.get("text", "")
                msg = {**msg, "content": {**content, "text": text[:room]}}
                self._kept[cell_index] = self.max_output_bytes
                self._dropped[cell_index] = self._dropped.get(cell_index, 0) + size - room
                if content.get("name") == "stderr":
                    self._dropped_stderr.add(cell_index)
                return super().output(outs, msg, display_id, cell_index)
            self._kept[cell_index] = self.max_output_bytes
            self._dropped[cell_index] = self._dropped.get(cell_index, 0) + size
            if kind == "stream" and content.get("name") == "stderr":
                self._dropped_stderr.add(cell_index)
            return None

    return LimitedClient


def _msg_size(kind: str | None, content: dict) -> int:
    if kind == "stream":
        return len(content.get("text", ""))
    data = content.get("data") or {}
    return sum(len(v) if isinstance(v, str) else len(str(v)) for v in data.values())


def _exit_detail(km: Any) -> str:
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    code = proc.poll() if proc is not None else None
    if code is None:
        return "the kernel process stopped"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = "; out of memory?" if -code == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit code {code}"


def _note(text: str, name: str = "stdout") -> Any:
    from nbformat.v4 import new_output

    return new_output("stream", name=name, text=text)


async def run_notebook(nb: Any, *, cwd: str | os.PathLike, env: dict[str, str], timeout: float,
                       max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES, startup_timeout: float = 60,
                       kernel_log: str | os.PathLike | None = None, context: Any = None,
                       on_cell: Callable[[int, CellOutcome], None] | None = None, judge: Any = None,
                       kernel_manager: Any = None, deadline: float | None = None) -> NotebookOutcome:
    """Execute ``nb``'s code cells in order (in place) and return each one's outcome.

    Errors never stop the run (every cell runs, as nbgrader does); a dead or
    unresponsive kernel does: the later cells are ``not-run``. With a ``judge``
    (:class:`.judge.Judge`), test cells are not executed in the kernel: the judge
    decides them, in order, and writes their outputs. Past ``deadline`` (``time.monotonic()``
    seconds) no cell starts: the rest are ``not-run``, and a cell gets at most the time left.
    """
    import time

    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat.v4 import new_output

    start = time.monotonic()
    outcome = NotebookOutcome()
    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    for _, cell in code_cells:
        cell.outputs, cell.execution_count = [], None

    km = kernel_manager if kernel_manager is not None else _kernel_manager(context)
    client = _client_class()(nb, km=km, timeout=int(timeout), allow_errors=True, interrupt_on_timeout=True,
                             raise_on_iopub_timeout=True, iopub_timeout=5, record_timing=False,
                             startup_timeout=int(startup_timeout),
                             error_on_timeout={"ename": "CellTimeoutError", "evalue": f"timed out after {timeout:g} s",
                                               "traceback": [f"CellTimeoutError: timed out after {timeout:g} s"]})
    client.max_output_bytes = int(max_output_bytes)
    client.reset_limits()
    replies: dict[int, dict] = {}

    def remember(cell: Any, cell_index: int, execute_reply: dict) -> None:
        replies[cell_index] = execute_reply

    client.on_cell_executed = remember
    import subprocess

    log = open(kernel_log, "ab") if kernel_log else None
    sink = log if log is not None else subprocess.DEVNULL
    try:
        try:
            await km.start_kernel(env=env, cwd=str(cwd), stdout=sink, stderr=sink)
            client.kc = km.client()
            client.kc.start_channels()
            await client.kc.wait_for_ready(timeout=startup_timeout)
            client.kc.allow_stdin = False
        except Exception as exc:  # ours, not the student's: no cell has run yet
            raise KernelStartError(f"the kernel did not start ({type(exc).__name__}: {exc})") from exc

        from .exercises import is_check

        count = 0
        for pos, (index, cell) in enumerate(code_cells):
            t0 = time.monotonic()
            if deadline is not None and t0 >= deadline:
                outcome.stopped = "the submission used up the total grading time; the remaining cells did not run"
                for later, later_cell in code_cells[pos:]:
                    outcome.cells[later] = CellOutcome(later, "not-run", detail=outcome.stopped)
                    later_cell.outputs = [new_output("error", ename="NotRun", evalue=outcome.stopped,
                                                     traceback=[f"NotRun: {outcome.stopped}"])]
                break
            if deadline is not None:
                client.timeout = max(1, int(min(timeout, deadline - t0)))
            judged = judge is not None and is_check(cell)
            try:
                if judged:
                    status, ename, evalue = await judge.judge_cell(cell, client.kc, km, client.timeout)
                    result = CellOutcome(index, status, ename, _short(evalue))
                    if status == "died":
                        result.detail = evalue
                else:
                    count += 1
                    if judge is not None:
                        judge.executed(count, cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index}")
                    await client.async_execute_cell(cell, index, execution_count=count)
                    result = _classify(index, cell, replies.get(index))
            except DeadKernelError:
                result = CellOutcome(index, "died", detail=_exit_detail(km))
            except CellTimeoutError:
                result = CellOutcome(index, "unresponsive")
                try:
                    await km.shutdown_kernel(now=True)
                except Exception:
                    pass
            result.seconds = time.monotonic() - t0
            dropped = client._dropped.get(index, 0)
            if dropped:
                result.truncated_bytes = dropped
                cell.outputs.append(_note(f"\n... output truncated: {dropped:,} more bytes were dropped "
                                          f"(the limit is {client.max_output_bytes:,} bytes per cell) ...\n"))
                if index in client._dropped_stderr:
                    cell.outputs.append(_note("... (some of the dropped output went to stderr)\n", "stderr"))
            if judged:
                pass  # the judge wrote the cell's outputs
            elif result.status == "timeout":
                cell.outputs.append(new_output("error", ename="CellTimeoutError",
                                               evalue=f"timed out after {timeout:g} s",
                                               traceback=[f"CellTimeoutError: timed out after {timeout:g} s"]))
            elif result.status in ("died", "unresponsive"):
                words = result.describe(cell.metadata.get("nbgrader", {}).get("grade_id", f"#{index}"), timeout)
                cell.outputs.append(new_output("error", ename="KernelStopped", evalue=words,
                                               traceback=[f"KernelStopped: {words}"]))
            outcome.cells[index] = result
            if on_cell:
                on_cell(index, result)
            if result.status in ("died", "unresponsive"):
                name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{index}"
                outcome.stopped = result.describe(name, timeout)
                for later, later_cell in code_cells[pos + 1:]:
                    outcome.cells[later] = CellOutcome(later, "not-run", detail=outcome.stopped)
                    later_cell.outputs = [new_output("error", ename="NotRun", evalue=outcome.stopped,
                                                     traceback=[f"NotRun: {outcome.stopped}"])]
                break
        return outcome
    finally:
        outcome.seconds = time.monotonic() - start
        await _shutdown(client, km)
        if log:
            log.close()


def _classify(index: int, cell: Any, reply: dict | None) -> CellOutcome:
    content = (reply or {}).get("content", {})
    if content.get("status") == "error":
        if content.get("ename") == "CellTimeoutError":
            return CellOutcome(index, "timeout", "CellTimeoutError", content.get("evalue", ""))
        return CellOutcome(index, "error", content.get("ename", "Error"), _short(content.get("evalue", "")))
    for out in cell.outputs:  # an error output without an error reply (rare)
        if out.get("output_type") == "error":
            return CellOutcome(index, "error", out.get("ename", "Error"), _short(out.get("evalue", "")))
    return CellOutcome(index, "ok")


def _short(text: str) -> str:
    text = str(text)
    return text if len(text) <= _MAX_EVALUE else text[:_MAX_EVALUE] + " ..."


async def _shutdown(client: Any, km: Any) -> None:
    try:
        if client.kc is not None:
            client.kc.stop_channels()
    except Exception:
        pass
    try:
        if await km.is_alive():
            await asyncio.wait_for(km.shutdown_kernel(now=True), 30)
    except Exception:
        pass
    try:
        await km.cleanup_resources() if asyncio.iscoroutinefunction(km.cleanup_resources) else km.cleanup_resources()
    except Exception:
        pass


def run_notebook_sync(nb: Any, **kwargs: Any) -> NotebookOutcome:
    """:func:`run_notebook` from synchronous code (one notebook)."""
    return asyncio.run(run_notebook(nb, **kwargs))
