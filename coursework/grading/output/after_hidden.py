"""Feedback shows nothing the kernel produced after a hidden check's inputs reached it.

A hidden check calls the student's function with inputs the student must not learn; the
function can keep them and a later cell can print them, raise them as an error message,
or write them to stderr while a visible check runs. Grading runs the notebook top to
bottom, so every code cell after the first test cell with hidden tests ran after those
inputs were in the kernel. On the feedback page, such a cell keeps:

- no stream, display or result output (a note under the cell says why);
- of an error raised by the student's own cell, its type (and where, from the traceback's
  ``Cell In[N], line L`` frames) but not its text;
- of a visible check's error, the check's own words, with the student's text in them
  replaced: ``your function raised Name: ...`` (as hidden checks' are, by
  ``RedactHiddenChecks``), a stderr line quoted by ``wrote to stderr``, and the reason of
  an exercise whose answer cell raised (also in the summary's table).

What a visible check says about the values the student's function returned (``got ...``)
is the check's message and stays: a function that encodes hidden inputs in its answers to
later visible checks can still show a few numbers per failed check. The README says so.
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from ...i18n import msg
from ...i18n.messages import student_exception_pattern
from ..exercises import exercises, is_answer, is_check, is_hidden, meta
from .feedback_html import note, student_frames

__all__ = ["AfterHiddenInputs", "first_hidden_check"]

_STUDENT_MESSAGE = student_exception_pattern()
_TIMEOUT = re.compile(r"timed out after [0-9.]+ s")  # execute.py's timeout error; linear (fullmatch)
_LANGS = ("en", "ko")


def first_hidden_check(nb: Any) -> int | None:
    """Index of the first test cell that holds hidden tests, or None."""
    return next((i for i, c in enumerate(nb.cells) if is_check(c) and is_hidden(c)), None)


def _stderr_prefixes() -> tuple[str, ...]:
    return tuple(msg("wrote_stderr", lang=lang, first="") for lang in _LANGS)


def _frames_only(traceback: list) -> list[str]:
    return [f"Cell In[{count}], line {line}" for count, line in student_frames(traceback)]


class AfterHiddenInputs(Preprocessor):
    """Hide what cells after the first hidden check produced (see the module docstring)."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        first = first_hidden_check(nb)
        if first is None:
            return nb, resources
        hidden_text = msg("fb_after_hidden_message")
        reasons: dict[str, str] = {}
        answers = {ex.answer: ex for ex in exercises(nb) if ex.answer}
        for cell in nb.cells[first + 1 :]:
            if cell.cell_type != "code":
                continue
            changed, kept = False, []
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    changed = True
                    continue
                value = str(out.get("evalue", ""))
                if is_check(cell) and is_hidden(cell):
                    new = value  # RedactHiddenChecks words it, as for every hidden check
                elif is_check(cell):
                    new = self._check_message(value)
                elif _TIMEOUT.fullmatch(value) and out.get("ename") == "CellTimeoutError":
                    new = value  # the grader's words; nothing of the student's in them
                else:
                    new = hidden_text if value else ""
                    gid = meta(cell).get("grade_id")
                    if is_answer(cell) and gid in answers and value:
                        reasons.update(self._reasons(nb, answers[gid], str(out.get("ename", "Error")), value))
                    out["traceback"] = _frames_only(out.get("traceback", []))
                changed = changed or new != value
                out["evalue"] = new
                kept.append(out)
            cell["outputs"] = kept
            if changed:
                cell.outputs.insert(0, note(msg("fb_after_hidden"), resources))
        if reasons:
            self._replace_reasons(nb, reasons)
        return nb, resources

    @staticmethod
    def _check_message(value: str) -> str:
        hidden = msg("fb_after_hidden_message")
        value = _STUDENT_MESSAGE.sub(lambda m: f"{m.group(1)} {hidden}", value)
        for prefix in _stderr_prefixes():
            if value.startswith(prefix):
                return prefix + hidden
        return value

    @staticmethod
    def _reasons(nb: Any, ex: Any, ename: str, value: str) -> dict[str, str]:
        """The reason of ``ex`` as grading wrote it (it quotes the answer cell's error) -> the same without it."""
        told = {
            str(e.get("name")): str(e.get("reason") or "")
            for e in (nb.metadata.get("coursework") or {}).get("exercises") or []
            if isinstance(e, dict)
        }
        reason = told.get(ex.name, "")
        raised = msg("cell_raised", cell=repr(ex.answer), error=f"{ename}: ")  # not a timeout or a dead kernel
        if not reason or raised not in reason or value[:200] not in reason:
            return {}
        error = f"{ename}: {msg('fb_after_hidden_message')}"
        why = msg("cell_raised", cell=repr(ex.answer), error=error)
        return {reason: msg("exercise_zero", name=repr(ex.name), why=why) + msg("must_run_to_end")}

    @staticmethod
    def _replace_reasons(nb: Any, reasons: dict[str, str]) -> None:
        for entry in (nb.metadata.get("coursework") or {}).get("exercises") or []:
            if isinstance(entry, dict) and entry.get("reason") in reasons:
                entry["reason"] = reasons[entry["reason"]]
        for cell in nb.cells:
            extra = cell.metadata.get("coursework")
            if isinstance(extra, dict) and extra.get("reason") in reasons:
                extra["reason"] = reasons[extra["reason"]]
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("evalue") in reasons:
                    out["evalue"] = reasons[out["evalue"]]
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out['evalue']}"]
