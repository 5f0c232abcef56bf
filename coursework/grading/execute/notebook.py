"""Run a notebook's code cells in a fresh, limited kernel and say how each cell ended.

Used by ``coursework autograde`` (many kernels at once, in one asyncio loop) and by
the student's ``coursework check``. On top of ``nbclient``:

- **the kernel** is this Python (``sys.executable``) started through the grading
  launcher (:mod:`coursework.grading.kernel.launcher`): ``RLIMIT_AS`` or the sandbox
  first, and Linux kills the kernel when the grader dies (``PR_SET_PDEATHSIG``), so a
  grading run killed with SIGKILL leaves no kernels behind. IPython history stays in
  memory, so parallel kernels never fight over one history database;
- **per-cell timeout**: the cell is interrupted (``KeyboardInterrupt``) and marked
  ``timeout``; a kernel that ignores the interrupt is killed (``unresponsive``);
- **a dead kernel** (``os._exit``, a crash, the OOM killer) ends the run: the cell is
  ``died`` (with the exit code or signal), every later cell ``not-run``;
- **a kernel that does not start** raises :class:`KernelStartError` (the machine's
  problem, never scored as the student's);
- **output limits** (:mod:`.client`): at most ``max_output_bytes`` of output per cell
  and ``max_notebook_bytes`` per notebook are kept; the rest is dropped and a note says
  how much. Errors are always kept, cut to a few KB;
- **nothing inherited**: the kernel's stdin is /dev/null and its stdout and stderr a
  pipe of its own, which the grader reads (at most :data:`KERNEL_LOG_BYTES` of it go to
  ``kernel_log``, each line behind ``| ``; without a log, /dev/null): the kernel holds
  no descriptor of the grader's files;
- **a judge** (:class:`coursework.grading.judge.judge.Judge`), when given, decides the
  test cells instead of the kernel.

Outcomes are returned as :class:`.outcome.CellOutcome` per code cell index
(:class:`.outcome.NotebookOutcome`); the notebook's cells get their outputs as usual.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output

from ..exercises import is_check
from ..kernel import outputs as kernel_outputs
from ..kernel.agent import MIME
from ..kernel.launcher import LAUNCHER
from ..settings import DEFAULTS
from .channels import kernel_manager as relayed_kernel_manager
from .client import LimitedClient
from .outcome import STOPPED, CellOutcome, CellStatus, KernelStartError, NotebookOutcome
from .relay import DEFAULT_MAX_MESSAGE_BYTES

__all__ = [
    "run_notebook",
    "run_notebook_sync",
    "kernel_env",
    "grading_kernel_manager",
    "KERNEL_LOG_BYTES",
    "THREAD_VARS",
]

KERNEL_LOG_BYTES = 64 * 1024  # of a kernel's own stdout / stderr, kept in the log
MAX_EVALUE = 2000  # of an error's message, kept in its outcome
OUTPUTS_MODULE = Path(kernel_outputs.__file__)
#: The variables that set a kernel's BLAS / OpenMP threads.
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
OUT_OF_TIME = "the submission used up the total grading time; the remaining cells did not run"


def kernel_env(
    *,
    student: str | None = None,
    threads: int | None = 1,
    memory_mb: int = DEFAULTS.memory_mb,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a grading kernel: ours, plus the student id and the limits.

    ``threads`` BLAS / OpenMP threads per kernel (None: leave the environment's; see
    :class:`coursework.grading.settings.Settings` for why grading uses 1). Grading
    computes on the CPU (``COURSEWORK_DEVICE=cpu``): the visible checks' stored values
    are NumPy's.
    """
    env = dict(os.environ)
    env["COURSEWORK_DEVICE"] = "cpu"
    for var in THREAD_VARS:
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


def grading_kernel_manager(context: Any = None) -> Any:
    """A kernel manager (:func:`.channels.kernel_manager`) that starts the grading launcher."""
    spec = KernelSpec(
        argv=[sys.executable, "-c", LAUNCHER, "-f", "{connection_file}", "--HistoryManager.hist_file=:memory:"],
        display_name="coursework grading kernel",
        language="python",
        name="coursework-grading",
    )
    return relayed_kernel_manager(spec, context)


def _caps() -> str:
    """The launcher's COURSEWORK_KERNEL_CAPS: the kernel cuts each output it sends
    (:func:`coursework.grading.kernel.outputs.cap_messages`) to an eighth of the relay's
    limit per message, in characters (JSON may spend 6 bytes on one), so that an honest
    cell that prints too much is cut (and counted here) instead of stopped by the relay."""
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
            self._read()  # what is already in the pipe
            self.loop.remove_reader(self.read_fd)
        self.started()
        os.close(self.read_fd)
        if log is None or not self.total:
            return
        lines = bytes(self.kept).decode("utf-8", errors="replace").splitlines()
        dropped = self.total - len(self.kept)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(
                f"--- the kernel's own output: {self.total:,} bytes"
                f"{f', the last {dropped:,} not kept' if dropped else ''} ---\n"
            )
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


def _error(ename: str, evalue: str) -> Any:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _name(cell: Any, index: int) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{index}"


class _NotebookRun:
    """One notebook's cells run in order in one kernel (see :func:`run_notebook`)."""

    def __init__(
        self,
        nb: Any,
        km: Any,
        *,
        timeout: float,
        max_output_bytes: int,
        max_notebook_bytes: int,
        startup_timeout: float,
        judge: Any,
        deadline: float | None,
    ):
        self.nb, self.km, self.timeout, self.judge, self.deadline = nb, km, timeout, judge, deadline
        self.startup_timeout = startup_timeout
        self.outcome = NotebookOutcome()
        self.cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
        for _, cell in self.cells:
            cell.outputs, cell.execution_count = [], None
        words = f"timed out after {timeout:g} s"
        self.client = LimitedClient(
            nb,
            km=km,
            timeout=int(timeout),
            allow_errors=True,
            interrupt_on_timeout=True,
            raise_on_iopub_timeout=True,
            iopub_timeout=5,
            record_timing=False,
            startup_timeout=int(startup_timeout),
            store_widget_state=False,
            error_on_timeout={
                "ename": "CellTimeoutError",
                "evalue": words,
                "traceback": [f"CellTimeoutError: {words}"],
            },
        )
        self.client.max_output_bytes = int(max_output_bytes)
        self.client.max_notebook_bytes = int(max_notebook_bytes)
        self.client.reset_limits()
        self.client.on_cell_executed = self._remember
        self.replies: dict[int, dict] = {}
        self.count = 0

    def _remember(self, cell: Any, cell_index: int, execute_reply: dict) -> None:
        content = (execute_reply or {}).get("content") or {}  # the reply itself is not kept: it may be large
        self.replies[cell_index] = {k: content.get(k) for k in ("status", "ename", "evalue")}

    async def start(self, env: dict[str, str], cwd: str | os.PathLike, sink: Any) -> None:
        """Start the kernel and connect; :class:`KernelStartError` if it does not answer."""
        try:
            await self.km.start_kernel(env=env, cwd=str(cwd), stdin=subprocess.DEVNULL, stdout=sink, stderr=sink)
            kc: Any = self.km.client()  # an AsyncKernelClient (the relayed one)
            self.client.kc = kc
            kc.start_channels(stdin=False, hb=False)
            await kc.wait_for_ready(timeout=self.startup_timeout)
            kc.allow_stdin = False
        except Exception as exc:  # ours, not the student's: no cell has run yet
            raise KernelStartError(f"the kernel did not start ({type(exc).__name__}: {exc})") from exc

    async def run(self, on_cell: Callable[[int, CellOutcome], None] | None) -> NotebookOutcome:
        for pos, (index, cell) in enumerate(self.cells):
            started = time.monotonic()
            if self.deadline is not None and started >= self.deadline:
                self._not_run(pos, OUT_OF_TIME)
                break
            if self.deadline is not None:
                self.client.timeout = max(1, int(min(self.timeout, self.deadline - started)))
            result = await self._cell(index, cell)
            result.seconds = time.monotonic() - started
            self.outcome.cells[index] = result
            if on_cell:
                on_cell(index, result)
            if result.status in STOPPED:
                self._not_run(pos + 1, result.describe(_name(cell, index), self.timeout))
                break
        return self.outcome

    async def _cell(self, index: int, cell: Any) -> CellOutcome:
        """Run (or, a test cell with a judge, judge) one cell; its outputs get the notes."""
        judged = self.judge is not None and is_check(cell)
        try:
            if judged:
                result = await self.judge.judge_cell(cell, index, self.client.kc, self.km, self.client.timeout)
                result.evalue = _short(result.evalue)
            else:
                self.count += 1
                if self.judge is not None:
                    self.judge.executed(
                        self.count, cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index}"
                    )
                await self.client.async_execute_cell(cell, index, execution_count=self.count)
                result = _classify(index, cell, self.replies.get(index))
        except DeadKernelError:
            result = CellOutcome(index, CellStatus.DIED, detail=_exit_detail(self.km))
        except CellTimeoutError:
            result = CellOutcome(index, CellStatus.UNRESPONSIVE)
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - already gone
                pass
        result.truncated_bytes = self.client.dropped(index)
        cell.outputs.extend(self.client.notes(index))
        if judged:
            pass  # the judge wrote the cell's outputs
        elif result.status == CellStatus.TIMEOUT:
            cell.outputs.append(_error("CellTimeoutError", f"timed out after {self.timeout:g} s"))
        elif result.status in STOPPED:
            cell.outputs.append(_error("KernelStopped", result.describe(_name(cell, index), self.timeout)))
        return result

    def _not_run(self, pos: int, why: str) -> None:
        """The cells from ``pos`` on did not run, because of ``why``."""
        self.outcome.stopped = why
        for later, later_cell in self.cells[pos:]:
            self.outcome.cells[later] = CellOutcome(later, CellStatus.NOT_RUN, detail=why)
            later_cell.outputs = [_error("NotRun", why)]


async def run_notebook(
    nb: Any,
    *,
    cwd: str | os.PathLike,
    env: dict[str, str],
    timeout: float,
    max_output_bytes: int = DEFAULTS.max_output_bytes,
    max_notebook_bytes: int = DEFAULTS.max_notebook_output_bytes,
    startup_timeout: float = 60,
    kernel_log: str | os.PathLike | None = None,
    context: Any = None,
    on_cell: Callable[[int, CellOutcome], None] | None = None,
    judge: Any = None,
    kernel_manager: Any = None,
    deadline: float | None = None,
) -> NotebookOutcome:
    """Execute ``nb``'s code cells in order (in place) and return each one's outcome.

    Errors never stop the run (every cell runs, as nbgrader does); a dead or
    unresponsive kernel does: the later cells are ``not-run``. With a ``judge``
    (:class:`coursework.grading.judge.judge.Judge`), test cells are not executed in the
    kernel: the judge decides them, in order, and writes their outputs. Past ``deadline``
    (``time.monotonic()`` seconds) no cell starts: the rest are ``not-run``, and a cell gets
    at most the time left. ``kernel_log``: the file the kernel's own output is appended to
    (without one, nowhere: a student's check).
    """
    start = time.monotonic()
    km = kernel_manager if kernel_manager is not None else grading_kernel_manager(context)
    run = _NotebookRun(
        nb,
        km,
        timeout=timeout,
        max_output_bytes=max_output_bytes,
        max_notebook_bytes=max_notebook_bytes,
        startup_timeout=startup_timeout,
        judge=judge,
        deadline=deadline,
    )
    output = _KernelOutput() if kernel_log else None
    try:
        if output:
            output.start()
        await run.start(
            {**env, "COURSEWORK_KERNEL_CAPS": _caps()}, cwd, output.write_fd if output else subprocess.DEVNULL
        )
        if output:
            output.started()
        return await run.run(on_cell)
    finally:
        run.outcome.seconds = time.monotonic() - start
        await _shutdown(run.client, km)
        if output:
            output.close(kernel_log)


def _classify(index: int, cell: Any, reply: dict | None) -> CellOutcome:
    content = reply or {}
    if content.get("status") == "error":
        if content.get("ename") == "CellTimeoutError":
            return CellOutcome(index, CellStatus.TIMEOUT, "CellTimeoutError", content.get("evalue") or "")
        return CellOutcome(index, CellStatus.ERROR, _ename(content.get("ename")), _short(content.get("evalue", "")))
    for out in cell.outputs:  # an error output without an error reply (rare)
        if out.get("output_type") == "error":
            return CellOutcome(index, CellStatus.ERROR, _ename(out.get("ename")), _short(out.get("evalue", "")))
    return CellOutcome(index, CellStatus.OK)


def _ename(ename: Any) -> str:
    return ename[: kernel_outputs.MAX_ENAME] if isinstance(ename, str) and ename else "Error"


def _short(text: Any) -> str:
    text = str(text)
    return text if len(text) <= MAX_EVALUE else text[:MAX_EVALUE] + " ..."


async def _shutdown(client: Any, km: Any) -> None:
    try:
        if client.kc is not None:
            client.kc.stop_channels()
    except Exception:  # noqa: BLE001 - closing what may be broken already
        pass
    try:
        if await km.is_alive():
            await asyncio.wait_for(km.shutdown_kernel(now=True), 30)
    except Exception:  # noqa: BLE001
        pass
    try:
        await km.cleanup_resources() if asyncio.iscoroutinefunction(km.cleanup_resources) else km.cleanup_resources()
    except Exception:  # noqa: BLE001
        pass


def run_notebook_sync(nb: Any, **kwargs: Any) -> NotebookOutcome:
    """:func:`run_notebook` from synchronous code (one notebook)."""
    return asyncio.run(run_notebook(nb, **kwargs))
