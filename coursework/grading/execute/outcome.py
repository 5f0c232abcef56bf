"""How each code cell of a notebook ended, as typed records: what running a notebook
returns (:func:`.notebook.run_notebook`), what the judge says of a test cell, what the
grading rules read (:mod:`coursework.grading.judge.rules`) and what travels back from a
worker machine (:class:`coursework.grading.run.worker.Result`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ...i18n import msg

__all__ = ["CellStatus", "CellOutcome", "NotebookOutcome", "KernelStartError", "FAILED", "STOPPED"]


class CellStatus(str, Enum):
    """How a code cell ended. A ``str``, so that records and JSON hold the plain word."""

    OK = "ok"
    ERROR = "error"  # raised (a test cell: its check failed)
    TIMEOUT = "timeout"  # interrupted after its time limit
    UNRESPONSIVE = "unresponsive"  # ignored the interrupt: the kernel was killed
    DIED = "died"  # the kernel died while it ran
    NOT_RUN = "not-run"  # the kernel was gone (or the time used up) before it

    def __str__(self) -> str:
        return self.value


#: An answer cell that ended so fails its exercise.
FAILED = frozenset({CellStatus.ERROR, CellStatus.TIMEOUT, CellStatus.UNRESPONSIVE, CellStatus.DIED})
#: A cell that ended so ends the notebook's run: the later cells do not run.
STOPPED = frozenset({CellStatus.DIED, CellStatus.UNRESPONSIVE})


class KernelStartError(RuntimeError):
    """The kernel did not start or answer: a problem of the grading machine, not of the notebook."""


@dataclass
class CellOutcome:
    """How one code cell (``index`` in the notebook) ended: its ``status``; for ``error`` the
    exception's ``ename`` / ``evalue``; for ``died`` and ``not-run`` the ``detail`` of why; the
    characters of output dropped (``truncated_bytes``) and the seconds it ran."""

    index: int
    status: CellStatus
    ename: str = ""
    evalue: str = ""
    detail: str = ""
    truncated_bytes: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.status = CellStatus(self.status)

    @property
    def failed(self) -> bool:
        return self.status != CellStatus.OK

    def describe(self, name: str, timeout: float) -> str:
        """Why this cell failed, in words, e.g. ``timed out after 10 s in cell 'image_gradients'``."""
        cell = repr(name)
        if self.status == CellStatus.TIMEOUT:
            return msg("timed_out", timeout=f"{timeout:g}", cell=cell)
        if self.status == CellStatus.UNRESPONSIVE:
            return msg("unresponsive", timeout=f"{timeout:g}", cell=cell)
        if self.status == CellStatus.DIED:
            return msg("kernel_died", cell=cell, detail=self.detail)
        if self.status == CellStatus.NOT_RUN:
            return msg("not_run", detail=self.detail)
        if self.status == CellStatus.ERROR:
            error = f"{self.ename}: {self.evalue}" if self.evalue else self.ename
            return msg("cell_raised", cell=cell, error=error)
        return "ok"


@dataclass
class NotebookOutcome:
    """Each code cell's outcome, by cell index; why the run stopped early ('' if it ran to the
    end); the seconds it took."""

    cells: dict[int, CellOutcome] = field(default_factory=dict)
    stopped: str = ""
    seconds: float = 0.0

    def stopped_by_grader(self, nb: Any, why: str) -> None:
        """The kernel was stopped by the grader (its folder grew past the limit, it broke the
        channels' framing): say ``why`` instead of 'killed by SIGKILL' in the dead cell (its
        outcome and its error output in ``nb``), in the cells after it and in :attr:`stopped`."""
        for cell in self.cells.values():
            if cell.status == CellStatus.DIED:
                old = cell.detail
                cell.detail = why
                for out in nb.cells[cell.index].get("outputs", []):
                    if out.get("output_type") == "error" and old in str(out.get("evalue", "")):
                        out["evalue"] = out["evalue"].replace(old, why)
                        out["traceback"] = [f"{out.get('ename', 'Error')}: {out['evalue']}"]
            elif cell.status == CellStatus.NOT_RUN:
                cell.detail = why
        self.stopped = why
