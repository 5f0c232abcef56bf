"""The grading rules applied after a notebook ran, and the record of what each check got.

- An answer cell that raised, timed out or killed the kernel fails every check of
  its exercise, with the reason, even if its function was defined before the
  failure (a ``def`` followed by an endless loop would otherwise score full marks).
  The check's outputs are replaced by one error, ``NotGraded: <reason>``, so that
  nbgrader scores it 0 and the feedback shows why.
- Checks after a dead kernel did not run: ``NotRun: <reason>`` (already written by
  :mod:`.execute`).
- Every other check keeps nbgrader's rule (``determine_grade``): an error or any
  stderr output scores 0, else full points (or the partial credit it returned).

:func:`apply_rules` returns the record: per exercise and check, score, points and
the reason of a loss, in words a student can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nbformat.v4 import new_output

from ...i18n import language, msg
from ..execute.outcome import FAILED, CellStatus, NotebookOutcome
from ..exercises import Exercise, meta

__all__ = ["apply_rules", "failure_message", "simple_grade", "check_error", "OWN_ERRORS"]

#: The errors a check cell ends with that are the grader's verdict, not Python's: a check's
#: ``AssertionError`` (its message is the feedback), and the grader's ``NotGraded`` / ``NotRun``.
OWN_ERRORS = ("AssertionError", "NotGraded", "NotRun")


def check_error(ename: str, evalue: str) -> str:
    """How a check cell's error reads to a student: ``Name: message`` as Python writes it; for
    the grader's own verdicts (:data:`OWN_ERRORS`) in a language other than English, the
    message alone: it is the check's words, and the English class name adds nothing to them."""
    if not evalue:
        return ename
    if ename in OWN_ERRORS and language() != "en":
        return evalue
    return f"{ename}: {evalue}"


def simple_grade(cell: Any) -> tuple[float, float]:
    """nbgrader's ``determine_grade`` for a test cell, without importing nbgrader."""
    points = float(meta(cell).get("points", 0) or 0)
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error" or (out.get("output_type") == "stream" and out.get("name") == "stderr"):
            return 0.0, points
        if out.get("output_type") == "execute_result":
            text = (out.get("data") or {}).get("text/plain", "")
            try:
                value = float(text)
            except (TypeError, ValueError):
                return points, points
            return (points if value > points else max(value, 0.0)), points
    return points, points


def failure_message(cell: Any) -> str | None:
    """What went wrong in a test cell, from its outputs: ``Name: message`` of its error,
    or the first line it wrote to stderr; None if neither."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return check_error(str(out.get("ename", "Error")), str(out.get("evalue", "")).strip())
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            first = next((ln for ln in str(out.get("text", "")).splitlines() if ln.strip()), "")
            return msg("wrote_stderr", first=first[:300])
    return None


def _error(ename: str, text: str) -> Any:
    return new_output("error", ename=ename, evalue=text, traceback=[f"{ename}: {text}"])


def apply_rules(
    nb: Any,
    exercises: list[Exercise],
    outcome: NotebookOutcome,
    timeout: float,
    grade: Callable[[Any], tuple[float | None, float]] = simple_grade,
) -> dict:
    """Apply the rules to ``nb`` (in place, after execution) and return the record.

    Record: ``{"exercises": {name: {"score", "points", "reason", "checks": {grade_id:
    {"score", "points", "reason", "hidden", "restored"}}}}, "score", "points", "notes"}``.
    """
    index = {meta(c).get("grade_id"): i for i, c in enumerate(nb.cells) if meta(c).get("grade_id")}
    record: dict = {"exercises": {}, "score": 0.0, "points": 0.0, "notes": []}
    if outcome.stopped:
        record["notes"].append(outcome.stopped)
    for ex in exercises:
        reason = None
        if ex.answer is not None:
            at = index.get(ex.answer)
            if at is None:
                record["notes"].append(msg("answer_missing", cell=repr(ex.answer)))
            else:
                run = outcome.cells.get(at)
                if run is not None and run.status in FAILED:
                    reason = msg("exercise_zero", name=repr(ex.name), why=run.describe(ex.answer, timeout)) + (
                        "" if run.status == CellStatus.DIED else msg("must_run_to_end")
                    )
                elif run is not None and run.status == CellStatus.NOT_RUN:
                    reason = msg("exercise_zero", name=repr(ex.name), why=run.detail)
                if run is not None and run.truncated_bytes:
                    record["notes"].append(msg("output_cut", cell=repr(ex.answer), bytes=f"{run.truncated_bytes:,}"))
        checks: dict[str, dict[str, Any]] = {}
        for check in ex.checks:
            at = index.get(check.grade_id)
            entry: dict[str, Any] = {
                "score": 0.0,
                "points": check.points,
                "reason": None,
                "hidden": check.hidden,
                "restored": None,
            }
            if at is None:  # cannot happen after restore; be explicit anyway
                entry["reason"] = msg("check_missing")
                checks[check.grade_id] = entry
                continue
            cell = nb.cells[at]
            entry["restored"] = cell.metadata.get("coursework", {}).get("restored")
            if reason:
                cell.outputs = [_error("NotGraded", reason)]
            score, _ = grade(cell)
            entry["score"] = float(score or 0.0)
            if entry["score"] < check.points:
                entry["reason"] = reason or failure_message(cell) or msg("no_points")
            cell.metadata.setdefault("coursework", {}).update({"reason": entry["reason"]})
            checks[check.grade_id] = entry
        total = sum(c["score"] for c in checks.values())
        record["exercises"][ex.name] = {"score": total, "points": ex.points, "reason": reason, "checks": checks}
        record["score"] += total
        record["points"] += ex.points
    return record
