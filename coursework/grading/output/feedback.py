"""Feedback that explains failed hidden checks without showing them.

nbgrader renders the autograded notebook as the student's feedback. A hidden-test
cell's source is removed by :class:`ClearHiddenRegions` (configured in
``nbgrader_config.py`` in place of nbgrader's ``ClearHiddenTests``, which raises on a
marker a student quoted), but its *error output* still holds a traceback that quotes
the hidden cell's lines and the lines of the hidden check that raised.
:class:`HideHiddenTracebacks`, run before it, keeps only the last line of such a
traceback -- ``AssertionError: <the check's message>`` -- which the checks write as
feedback (what was wrong, never the hidden inputs).
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from ..exercises import is_check, strip_hidden
from ..secret import HIDDEN_BEGIN

__all__ = ["HideHiddenTracebacks", "ClearHiddenRegions"]


class HideHiddenTracebacks(Preprocessor):
    """Reduce the error output of hidden-test cells to ``Name: message``."""

    enabled = Bool(True, help="nbconvert runs only enabled preprocessors").tag(config=True)
    begin_marker = Unicode(HIDDEN_BEGIN, help="Marks the start of a hidden-test region").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or self.begin_marker not in cell.source or not is_check(cell):
            return cell, resources
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
                kept.append(output)
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue  # warnings from hidden checks quote their code
            else:
                kept.append(output)
        cell["outputs"] = kept
        return cell, resources


class ClearHiddenRegions(Preprocessor):
    """nbgrader's ``ClearHiddenTests`` for pages, without its failure modes: hidden regions are
    removed from *test cells* only (their source is the instructor's, restored before grading).
    A student's cell that quotes a marker (a comment, a string, markdown) is their text and
    stays as it is: nbgrader raises on an unmatched marker there, which cost that student
    their page. In a test cell, a region without its end marker is removed to the cell's end.
    """

    enabled = Bool(True, help="nbconvert runs only enabled preprocessors").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if not is_check(cell) or HIDDEN_BEGIN not in cell.source:
            return cell, resources
        cell.source = strip_hidden(cell.source)
        return cell, resources
