"""nbgrader for real, as an instructor runs it: generate -> submit -> autograde ->
feedback -> export, on sample submissions with known exact scores."""

from __future__ import annotations

import pytest

from helpers.class_fixtures import MUTATES, RAISES, WRONG_SHAPE  # the same sample answers as the CLI's class
from helpers.nbgrader_course import assert_no_hidden_text, exported_totals, feedback_text, scores

pytestmark = pytest.mark.slow

A = "01_features"
TOTAL = 16.0
HIST_CELLS = {"hist_shape": 1, "hist_values": 2, "hist_properties": 1, "hist_hidden": 2}


def nbgrader_samples(right):
    """student -> answers: this assignment's samples, graded together with the other e2e files'
    (tests/conftest.py's ``nbgrader_class``)."""
    return {
        "perfect": right,
        "blank": {},
        "partial": {k: v for k, v in right.items() if k in ("color_histogram", "image_gradients")},
        "raises": {**right, "color_histogram": RAISES},
        "wrongshape": {**right, "color_histogram": WRONG_SHAPE},
        "mutates": {**right, "extract_features": MUTATES},
    }


@pytest.fixture(scope="module")
def graded(nbgrader_class):
    """The course with these samples autograded, with feedback and an export (shared by the e2e files)."""
    return nbgrader_class


def test_exact_scores(graded):
    got = scores(graded, A)
    assert set(got) == {"perfect", "blank", "partial", "raises", "wrongshape", "mutates"}
    assert got["perfect"]["total"] == TOTAL
    assert got["blank"]["total"] == 0.0
    # colour histogram (6) + gradients (2)
    assert got["partial"]["total"] == 8.0
    assert got["partial"]["cells_visible"] == 0.0 and got["partial"]["hog_pipeline"] == 0.0
    for student in ("raises", "wrongshape"):
        assert got[student]["total"] == TOTAL - sum(HIST_CELLS.values()), student
        assert all(got[student][cell] == 0.0 for cell in HIST_CELLS), (student, got[student])
    assert got["mutates"]["concat_visible"] == 0.0 and got["mutates"]["concat_hidden"] == 0.0
    assert got["mutates"]["total"] == TOTAL - 2


def test_export_has_every_student(graded):
    rows = exported_totals(graded, A)
    assert rows == {"perfect": TOTAL, "blank": 0.0, "partial": 8.0, "raises": 10.0, "wrongshape": 10.0,
                    "mutates": 14.0}


@pytest.mark.parametrize("student", ["perfect", "blank", "partial", "raises", "wrongshape", "mutates"])
def test_feedback_never_shows_hidden_checks(graded, student):
    text = feedback_text(graded, A, student)
    assert_no_hidden_text(text, student, extra=("check_histogram_random",))


def test_feedback_explains_failures(graded):
    wrong = feedback_text(graded, A, "wrongshape")
    assert "expected shape (8,), got shape (2, 2, 2)" in wrong
    raises = feedback_text(graded, A, "raises")
    assert "your function raised RuntimeError: not today" in raises
    mutated = feedback_text(graded, A, "mutates")
    assert "modified its input array in place" in mutated
