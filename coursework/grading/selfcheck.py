"""``coursework check NOTEBOOK``: the student's self-check.

Runs the notebook top to bottom in a fresh kernel (in the notebook's folder, the
notebook file is not changed), with the same rules as grading (:mod:`.rules`): an
answer cell that raises or times out fails its exercise's checks. Prints, per
exercise, each check's result, points and message; checks whose code is hidden
(only their comment is left in the student's copy) are listed as *checked when
graded* and count neither way. Exit status: 0 when every visible check passes,
1 otherwise (2 when the notebook has no checks).

Needs nbclient and ipykernel, never nbgrader.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import nbformat

from ..i18n import msg
from .execute.notebook import kernel_env, run_notebook_sync
from .execute.outcome import KernelStartError
from .exercises import exercises as find_exercises
from .exercises import is_check, meta
from .judge.rules import apply_rules

__all__ = ["check_notebook", "self_check"]


def _pending(cell: Any) -> bool:
    """A check whose code was removed from the student's copy (hidden): only comments are left."""
    code = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return is_check(cell) and not code


def self_check(path: str | Path, *, timeout: float = 120) -> dict:
    """Run the notebook and return the result (see :func:`check_notebook` for its use)."""
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    exs = find_exercises(nb)
    pending = {meta(c).get("grade_id") for c in nb.cells if _pending(c)}
    start = time.monotonic()
    outcome = run_notebook_sync(
        nb, cwd=path.parent, env=kernel_env(student=None, threads=None, memory_mb=0), timeout=timeout
    )
    record = apply_rules(nb, exs, outcome, timeout)
    result: dict = {
        "notebook": str(path),
        "seconds": round(time.monotonic() - start, 2),
        "exercises": [],
        "errors": [],
        "cells": [],
        "stopped": outcome.stopped,
    }
    graded = {c.grade_id for ex in exs for c in ex.checks} | {ex.answer for ex in exs if ex.answer}
    for index, cell in enumerate(nb.cells):
        if index in outcome.cells:
            gid = meta(cell).get("grade_id")
            run = outcome.cells[index]
            result["cells"].append(
                {"index": index, "grade_id": gid, "status": run.status, "ename": run.ename, "evalue": run.evalue}
            )
            if run.failed and gid not in graded:
                result["errors"].append(
                    {"cell": gid or f"#{index}", "message": run.describe(gid or f"#{index}", timeout)}
                )
    for ex in exs:
        got = record["exercises"][ex.name]
        checks, score, points, later = [], 0.0, 0.0, 0.0
        for check in ex.checks:
            entry = got["checks"][check.grade_id]
            if check.grade_id in pending:
                checks.append(
                    {
                        "grade_id": check.grade_id,
                        "status": "pending",
                        "points": check.points,
                        "score": None,
                        "message": None,
                    }
                )
                later += check.points
                continue
            ok = entry["score"] >= check.points
            checks.append(
                {
                    "grade_id": check.grade_id,
                    "status": "pass" if ok else "fail",
                    "points": check.points,
                    "score": entry["score"],
                    "message": None if ok else entry["reason"],
                }
            )
            score += entry["score"]
            points += check.points
        result["exercises"].append(
            {
                "name": ex.name,
                "score": score,
                "points": points,
                "pending_points": later,
                "reason": got["reason"],
                "checks": checks,
            }
        )
    result["failed"] = sum(1 for ex in result["exercises"] for c in ex["checks"] if c["status"] == "fail")
    result["passed"] = bool(exs) and result["failed"] == 0
    return result


def check_notebook(path: str | Path, *, timeout: float = 120, as_json: bool = False, out: TextIO | None = None) -> int:
    """Run the self-check, print it, and return the exit status."""
    out = out or sys.stdout
    if not Path(path).is_file():
        print(f"coursework check: {msg('sc_no_notebook', path=path)}", file=sys.stderr)
        return 2
    try:
        result = self_check(path, timeout=timeout)
    except KernelStartError as exc:
        print(f"coursework check: {exc}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(result, indent=1), file=out)
    else:
        _print(result, out)
    if not result["exercises"]:
        return 2
    return 0 if result["passed"] else 1


def _print(result: dict, out: TextIO) -> None:
    """The result as text, in the course's language (the marks PASS / FAIL and their Korean
    통과 / 실패 take the same four columns on a terminal)."""
    w = max([len(c["grade_id"]) for ex in result["exercises"] for c in ex["checks"]] + [8])
    print(msg("sc_ran", name=Path(result["notebook"]).name, seconds=result["seconds"]), file=out)
    if result["stopped"]:
        print(f"  {msg('sc_stopped', why=result['stopped'])}", file=out)
    total = have = later = 0.0
    for ex in result["exercises"]:
        extra = msg("sc_exercise_later", points=ex["pending_points"]) if ex["pending_points"] else ""
        print(
            "\n  " + msg("sc_exercise", name=ex["name"], score=ex["score"], points=ex["points"], later=extra), file=out
        )
        if ex["reason"]:
            print(f"    {ex['reason']}", file=out)
        for c in ex["checks"]:
            if c["status"] == "pending":
                print(f"    ....  {c['grade_id']:<{w}}  {msg('sc_pending', points=c['points'])}", file=out)
                continue
            mark = msg("sc_pass" if c["status"] == "pass" else "sc_fail")
            line = f"    {mark}  {c['grade_id']:<{w}}  {c['score']:g} / {c['points']:g}"
            if c["message"]:
                line += f"  {c['message']}"
            print(line, file=out)
        total += ex["points"]
        have += ex["score"]
        later += ex["pending_points"]
    if result["errors"]:
        print(f"\n  {msg('sc_other_cells')}", file=out)
        for err in result["errors"][:8]:
            print(f"    {err['message']}", file=out)
    verdict = msg("sc_all_pass") if result["passed"] else msg("sc_failed", n=result["failed"])
    more = msg("sc_later", points=later) if later else ""
    print("\n" + msg("sc_total", have=have, total=total, verdict=verdict, later=more), file=out)
