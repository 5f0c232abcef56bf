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
- **output limits** (:mod:`.outputs`): at most ``max_output_bytes`` of output per cell
  and ``max_notebook_bytes`` per notebook are kept; the rest is dropped and a note says
  how much. Errors are always kept, cut to a few KB;
- **nothing inherited**: the kernel's stdin is /dev/null and its stdout and stderr a
  pipe of its own, which the grader reads (at most :data:`KERNEL_LOG_BYTES` of it go to
  ``kernel_log``, each line behind ``| ``; without a log, /dev/null): the kernel holds
  no descriptor of the grader's files. Confined kernels (:mod:`.sandbox`) also lose
  ``connect()`` once ipykernel has set up its channels, before any cell runs
  (:func:`.sandbox.forbid_connect`);
- **nothing lost**: the kernel's IOPub socket never drops a message (ZeroMQ's default is
  to drop past 1,000 queued, which lost a cell's "idle" and so the kernel): the backlog
  of a kernel faster than the grader waits in the kernel's own memory.

Outcomes are returned as :class:`CellOutcome` per code cell index; the notebook's
cells get their outputs as usual.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .client import DEFAULT_MAX_NOTEBOOK_BYTES, DEFAULT_MAX_OUTPUT_BYTES, MAX_ENAME, limited_client_class

__all__ = ["CellOutcome", "NotebookOutcome", "KernelStartError", "run_notebook", "run_notebook_sync", "kernel_env",
           "DEFAULT_MEMORY_MB", "DEFAULT_MAX_OUTPUT_BYTES", "DEFAULT_MAX_NOTEBOOK_BYTES", "KERNEL_LOG_BYTES"]

DEFAULT_MEMORY_MB = 4096
KERNEL_LOG_BYTES = 64 * 1024     # of a kernel's own stdout / stderr, kept in the log
_MAX_EVALUE = 2000
OUTPUTS_MODULE = Path(__file__).with_name("client.py")

# Runs as ``python -c LAUNCHER -f CONNECTION_FILE``: limits first, then ipykernel
# (as ipykernel_launcher does, without the cwd on sys.path while it loads).
LAUNCHER = r"""
import json, os, runpy, sys
box = os.environ.pop("COURSEWORK_SANDBOX_MODULE", None)
caps = json.loads(os.environ.pop("COURSEWORK_KERNEL_CAPS", "null") or "null")
outputs = runpy.run_path(caps["module"]) if caps else None             # loaded before the sandbox hides its file
sandbox = runpy.run_path(box) if box else None
if sandbox:                                                            # confine first (coursework.grading.kernel.sandbox)
    sandbox["apply_from_env"]()
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
import zmq
from ipykernel.kernelapp import IPKernelApp
class GradingKernelApp(IPKernelApp):
    def init_iopub(self, context):                                     # nothing dropped when the grader is slower:
        context.setsockopt(zmq.SNDHWM, 0)                              # the backlog waits in the kernel's memory
        super().init_iopub(context)
app = GradingKernelApp.instance()
app.initialize()                                                       # ipykernel's sockets and threads
if outputs:
    outputs["cap_messages"](app.session, caps["max_bytes"], tuple(caps["exempt"]))
if sandbox:
    sandbox["forbid_connect"]()                                        # before any student code runs
app.start()
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
        from ...i18n import msg

        cell = repr(name)
        if self.status == "timeout":
            return msg("timed_out", timeout=f"{timeout:g}", cell=cell)
        if self.status == "unresponsive":
            return msg("unresponsive", timeout=f"{timeout:g}", cell=cell)
        if self.status == "died":
            return msg("kernel_died", cell=cell, detail=self.detail)
        if self.status == "not-run":
            return msg("not_run", detail=self.detail)
        if self.status == "error":
            error = f"{self.ename}: {self.evalue}" if self.evalue else self.ename
            return msg("cell_raised", cell=cell, error=error)
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
    from jupyter_client.kernelspec import KernelSpec

    from .channels import kernel_manager

    spec = KernelSpec(argv=[sys.executable, "-c", LAUNCHER, "-f", "{connection_file}",
                            "--HistoryManager.hist_file=:memory:"],
                      display_name="coursework grading kernel", language="python", name="coursework-grading")
    return kernel_manager(spec, context)


def _caps() -> str:
    """The launcher's COURSEWORK_KERNEL_CAPS: the kernel cuts each output it sends
    (:func:`.outputs.cap_messages`) to an eighth of the relay's limit per message, in
    characters (JSON may spend 6 bytes on one), so that an honest cell that prints too
    much is cut (and counted here) instead of stopped by the relay."""
    from ..kernel.agent import MIME
    from .relay import DEFAULT_MAX_MESSAGE_BYTES

    return json.dumps({"module": str(OUTPUTS_MODULE), "max_bytes": DEFAULT_MAX_MESSAGE_BYTES // 8, "exempt": [MIME]})


class _KernelOutput:
    """The kernel's stdout and stderr: a pipe the grader drains, keeping the first ``limit`` bytes."""

    def __init__(self, limit: int = KERNEL_LOG_BYTES):
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        self.limit, self.kept, self.total = limit, bytearray(), 0
        self.loop: Any = None

    def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.read_fd, self._read)

    def started(self) -> None:
        """The kernel holds the write end now: close ours, so that its death ends the pipe."""
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def _read(self) -> None:
        try:
            data = os.read(self.read_fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.loop.remove_reader(self.read_fd)
            return
        self.total += len(data)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += data[:room]

    def close(self, log: str | os.PathLike | None) -> None:
        if self.loop is not None:
            self._read()                                   # what is already in the pipe
            self.loop.remove_reader(self.read_fd)
        self.started()
        os.close(self.read_fd)
        if log is None or not self.total:
            return
        lines = bytes(self.kept).decode("utf-8", errors="replace").splitlines()
        dropped = self.total - len(self.kept)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"--- the kernel's own output: {self.total:,} bytes"
                     f"{f', the last {dropped:,} not kept' if dropped else ''} ---\n")
            fh.writelines(f"| {line}\n" for line in lines)


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


async def run_notebook(nb: Any, *, cwd: str | os.PathLike, env: dict[str, str], timeout: float,
                       max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES,
                       max_notebook_bytes: int = DEFAULT_MAX_NOTEBOOK_BYTES, startup_timeout: float = 60,
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
    client = limited_client_class()(nb, km=km, timeout=int(timeout), allow_errors=True, interrupt_on_timeout=True,
                                    raise_on_iopub_timeout=True, iopub_timeout=5, record_timing=False,
                                    startup_timeout=int(startup_timeout), store_widget_state=False,
                                    error_on_timeout={"ename": "CellTimeoutError",
                                                      "evalue": f"timed out after {timeout:g} s",
                                                      "traceback": [f"CellTimeoutError: timed out after {timeout:g} s"]})
    client.max_output_bytes = int(max_output_bytes)
    client.max_notebook_bytes = int(max_notebook_bytes)
    client.reset_limits()
    replies: dict[int, dict] = {}

    def remember(cell: Any, cell_index: int, execute_reply: dict) -> None:
        content = (execute_reply or {}).get("content") or {}       # the reply itself is not kept: it may be large
        replies[cell_index] = {"content": {k: content.get(k) for k in ("status", "ename", "evalue")}}

    client.on_cell_executed = remember
    import subprocess

    env = {**env, "COURSEWORK_KERNEL_CAPS": _caps()}
    output = _KernelOutput() if kernel_log else None             # without a log (a student's check): nowhere
    sink = output.write_fd if output else subprocess.DEVNULL
    try:
        try:
            if output:
                output.start()
            await km.start_kernel(env=env, cwd=str(cwd), stdin=subprocess.DEVNULL, stdout=sink, stderr=sink)
            if output:
                output.started()
            client.kc = km.client()
            client.kc.start_channels(stdin=False, hb=False)
            await client.kc.wait_for_ready(timeout=startup_timeout)
            client.kc.allow_stdin = False
        except Exception as exc:  # ours, not the student's: no cell has run yet
            raise KernelStartError(f"the kernel did not start ({type(exc).__name__}: {exc})") from exc

        from ..exercises import is_check

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
            result.truncated_bytes = client.dropped(index)
            cell.outputs.extend(client.notes(index))
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
        if output:
            output.close(kernel_log)


def _classify(index: int, cell: Any, reply: dict | None) -> CellOutcome:
    content = (reply or {}).get("content", {})
    if content.get("status") == "error":
        if content.get("ename") == "CellTimeoutError":
            return CellOutcome(index, "timeout", "CellTimeoutError", content.get("evalue", ""))
        return CellOutcome(index, "error", _name(content.get("ename")), _short(content.get("evalue", "")))
    for out in cell.outputs:  # an error output without an error reply (rare)
        if out.get("output_type") == "error":
            return CellOutcome(index, "error", _name(out.get("ename")), _short(out.get("evalue", "")))
    return CellOutcome(index, "ok")


def _name(ename: Any) -> str:
    return ename[:MAX_ENAME] if isinstance(ename, str) and ename else "Error"


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
