"""A submitted notebook made fit to run: read, its locked cells restored, nbgrader's sanitizing.

The class run's step 2 as a function of plain data, done where the notebook will run (a
worker, :mod:`.worker`, or the class run itself): the submitted text, the instructor's
source and release notebooks, the source notebook's kernelspec and its cells as the
gradebook holds them (:class:`.gradebook.SourceTable`), the course's nbgrader config.
Deleted or edited test cells are put back and forged grading marks dropped
(:func:`coursework.grading.judge.restore.restore_cells`), then nbgrader's ``ClearOutput``,
``DeduplicateIds``, ``OverwriteKernelspec``, ``OverwriteCells`` and ``CheckCellMetadata``
run as ``nbgrader autograde`` runs them. The text is the student's: anything in it may be
hostile, and what cannot be read or sanitized is a :class:`NotGradable` that says why.
"""

from __future__ import annotations

import copy
from typing import Any

import nbformat
import nbgrader.preprocessors as nbgrader_preprocessors

from ..judge.restore import Restored, restore_cells
from .gradebook import SourceTable, run_on
from .graded import nbgrader_resources

__all__ = ["SANITIZE", "NotGradable", "sanitize", "read_submitted"]

#: nbgrader's preprocessors that sanitize a submitted notebook, in ``nbgrader autograde``'s order.
SANITIZE = ("ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells", "CheckCellMetadata")


class NotGradable(ValueError):
    """A submitted notebook that cannot run (unreadable, over a limit, broken metadata): scored 0
    with :attr:`why`, the sentence the student reads."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def sanitize(
    nb: Any,
    *,
    name: str,
    student: str,
    assignment: str,
    config: Any,
    kernelspec: dict | None,
    table: SourceTable,
) -> Any:
    """nbgrader's :data:`SANITIZE` preprocessors on ``nb`` (a notebook ``name`` of ``student``),
    with the course's ``config``; ``OverwriteKernelspec`` puts in ``kernelspec`` and
    ``OverwriteCells`` reads ``table``. Returns the sanitized notebook."""
    res = nbgrader_resources(student, assignment, name)
    for step in SANITIZE:
        pp = getattr(nbgrader_preprocessors, step)(config=config)
        if step == "OverwriteKernelspec":
            if pp.enabled and kernelspec:
                nb.metadata["kernelspec"] = copy.deepcopy(kernelspec)
        elif step == "OverwriteCells":
            nb, res = run_on(pp, table, nb, res)
        else:
            nb, res = pp(nb, res)
    return nb


def read_submitted(
    data: bytes,
    *,
    name: str,
    student: str,
    assignment: str,
    source: Any,
    release: Any | None,
    config: Any,
    kernelspec: dict | None,
    table: SourceTable,
    max_cells: int,
) -> tuple[Any, list[Restored]]:
    """The submitted notebook ``name`` (its file's bytes) read, its locked cells restored from
    ``source`` (and ``release``), sanitized (:func:`sanitize`); with what was restored.
    :class:`NotGradable` when it cannot be (unreadable JSON, over ``max_cells``, broken nbgrader
    metadata, ...)."""
    try:
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as nbformat.read opens it
        nb = nbformat.reads(text, as_version=4)
        if len(nb.cells) > max_cells:
            raise ValueError(f"{len(nb.cells):,} cells, over the limit of {max_cells:,}")
        restored = restore_cells(nb, source, release)
        nb = sanitize(
            nb, name=name, student=student, assignment=assignment, config=config, kernelspec=kernelspec, table=table
        )
    except Exception as exc:  # noqa: BLE001 - unreadable JSON, broken nbgrader metadata, ...
        raise NotGradable(f"the notebook {name}.ipynb could not be graded: {type(exc).__name__}: {exc}") from None
    return nb, restored
