"""The grading pieces that need no kernel: exercises from metadata, restoring deleted
and edited test cells, and the rules applied after a run."""

from __future__ import annotations

import copy

import nbformat
import pytest

from helpers.class_fixtures import EXERCISES, PER_CELL, REPO
from coursework.grading.execute.outcome import CellOutcome, NotebookOutcome
from coursework.grading.exercises import exercises, hidden_regions, meta, strip_hidden
from coursework.grading.judge.restore import restore_cells
from coursework.grading.judge.rules import apply_rules, failure_message, simple_grade

SOURCE = REPO / "solutions" / "01_features" / "01_features.ipynb"
RELEASE = REPO / "notebooks" / "01_features" / "01_features.ipynb"


@pytest.fixture(scope="module")
def source():
    return nbformat.read(SOURCE, as_version=4)


@pytest.fixture(scope="module")
def release():
    return nbformat.read(RELEASE, as_version=4)


def _ids(nb):
    return [meta(c).get("grade_id") for c in nb.cells]


def test_exercises_of_01_features(source):
    exs = exercises(source)
    assert [e.name for e in exs] == list(EXERCISES)
    for ex in exs:
        assert ex.check_ids == EXERCISES[ex.name]
        assert ex.points == sum(PER_CELL[c] for c in EXERCISES[ex.name])
    hidden = {c.grade_id for e in exs for c in e.checks if c.hidden}
    assert hidden == {"hist_hidden", "grad_hidden", "cells_hidden", "concat_hidden"}


def test_hidden_regions_and_strip_hidden():
    source = "# 2 points\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\nafter()"
    assert hidden_regions(source) == ["secret()"]
    assert strip_hidden(source) == "# 2 points\nafter()"


def test_restore_deleted_cells_where_they_were(source, release):
    nb = copy.deepcopy(release)
    # hog_pipeline follows the locked cell my_hog, where nbgrader's add_missing_cells fails (KeyError)
    nb.cells = [c for c in nb.cells if meta(c).get("grade_id") not in ("hist_values", "hog_pipeline", "setup")]
    done = restore_cells(nb, source, release)
    assert [(r.grade_id, r.how, r.is_check) for r in done] == [
        ("setup", "deleted", False), ("hist_values", "deleted", True), ("hog_pipeline", "deleted", True)]
    assert _ids(nb) == _ids(source)
    restored = nb.cells[_ids(nb).index("hog_pipeline")]
    assert restored.metadata["coursework"]["restored"] == "deleted" and restored.outputs == []


def test_restore_flags_edits_but_not_hidden_cells(source, release):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if meta(cell).get("grade_id") == "hist_shape":
            cell.source = "pass"
        if meta(cell).get("grade_id") == "cells_hidden":
            cell.source = "pass  # no hidden checks for me"
    done = restore_cells(nb, source, release)
    assert [(r.grade_id, r.how) for r in done] == [("hist_shape", "edited"), ("cells_hidden", "edited")]
    # an untouched release notebook: its hidden cells differ from the source but are not "edited"
    assert restore_cells(copy.deepcopy(release), source, release) == []


def _cell(grade_id, outputs, points=1, solution=False):
    cell = nbformat.v4.new_code_cell("x", metadata={"nbgrader": {
        "grade_id": grade_id, "grade": not solution, "solution": solution, "points": points, "locked": not solution}})
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


ERROR = {"output_type": "error", "ename": "AssertionError", "evalue": "expected 1, got 2", "traceback": []}
STDERR = {"output_type": "stream", "name": "stderr", "text": "RuntimeWarning: divide by zero\n"}


def test_simple_grade_follows_nbgrader():
    assert simple_grade(_cell("a", [], points=2)) == (2.0, 2.0)
    assert simple_grade(_cell("a", [ERROR], points=2)) == (0.0, 2.0)
    assert simple_grade(_cell("a", [STDERR], points=2)) == (0.0, 2.0)
    partial = {"output_type": "execute_result", "data": {"text/plain": "0.5"}, "metadata": {}, "execution_count": 1}
    assert simple_grade(_cell("a", [partial], points=2)) == (0.5, 2.0)
    assert failure_message(_cell("a", [ERROR])) == "AssertionError: expected 1, got 2"
    assert failure_message(_cell("a", [STDERR])).startswith("wrote to stderr")


def test_an_answer_that_times_out_fails_its_checks_even_if_they_pass():
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("answer", [], solution=True), _cell("check_a", []), _cell("check_b", [], points=2),
                _cell("answer2", [], solution=True), _cell("check_c", [ERROR])]
    outcome = NotebookOutcome(cells={0: CellOutcome(0, "timeout"), 1: CellOutcome(1, "ok"), 2: CellOutcome(2, "ok"),
                                     3: CellOutcome(3, "ok"), 4: CellOutcome(4, "error", "AssertionError", "x")})
    record = apply_rules(nb, exercises(nb), outcome, timeout=10)
    first = record["exercises"]["answer"]
    assert first["score"] == 0 and first["points"] == 3
    assert first["reason"].startswith("Exercise 'answer' scores 0: timed out after 10 s in cell 'answer'")
    assert first["checks"]["check_b"]["reason"] == first["reason"]
    assert nb.cells[1].outputs[0].ename == "NotGraded"
    second = record["exercises"]["answer2"]
    assert second["reason"] is None and second["checks"]["check_c"]["reason"] == "AssertionError: expected 1, got 2"
    assert record["score"] == 0 and record["points"] == 4


def test_a_dead_kernel_costs_the_remaining_exercises():
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("a1", [], solution=True), _cell("c1", []), _cell("a2", [], solution=True), _cell("c2", []),
                _cell("a3", [], solution=True), _cell("c3", [])]
    died = "the kernel died in cell 'a2' (exit code 1)"
    outcome = NotebookOutcome(cells={0: CellOutcome(0, "ok"), 1: CellOutcome(1, "ok"),
                                     2: CellOutcome(2, "died", detail="exit code 1"),
                                     3: CellOutcome(3, "not-run", detail=died), 4: CellOutcome(4, "not-run", detail=died),
                                     5: CellOutcome(5, "not-run", detail=died)}, stopped=died)
    record = apply_rules(nb, exercises(nb), outcome, timeout=10)
    assert record["score"] == 1
    assert record["exercises"]["a2"]["reason"] == f"Exercise 'a2' scores 0: {died}"
    assert record["exercises"]["a3"]["reason"] == f"Exercise 'a3' scores 0: {died}"
    assert record["notes"] == [died]
