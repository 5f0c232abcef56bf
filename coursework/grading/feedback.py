"""Feedback that explains failed hidden checks without showing them.

nbgrader renders the autograded notebook as the student's feedback. A hidden-test
cell's source is removed by nbgrader's ``ClearHiddenTests`` (configured in
``nbgrader_config.py``), but its *error output* still holds a traceback that quotes
the hidden cell's lines and the lines of the hidden check that raised. This
preprocessor, run before ``ClearHiddenTests``, keeps only the last line of such a
traceback -- ``AssertionError: <the check's message>`` -- which the checks write as
feedback (what was wrong, never the hidden inputs).
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

__all__ = ["HideHiddenTracebacks"]


class HideHiddenTracebacks(Preprocessor):
    """Reduce the error output of hidden-test cells to ``Name: message``."""

    enabled = Bool(True, help="nbconvert runs only enabled preprocessors").tag(config=True)
    begin_marker = Unicode("BEGIN HIDDEN TESTS", help="Marks the start of a hidden-test region").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or self.begin_marker not in cell.source:
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
