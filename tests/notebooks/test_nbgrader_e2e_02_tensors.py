"""nbgrader for real on 02_tensors: generate -> submit -> autograde -> feedback ->
export, on sample submissions with known exact scores."""

from __future__ import annotations

import pytest

from helpers.nbgrader_course import assert_no_hidden_text, exported_totals, feedback_text, scores

pytestmark = pytest.mark.slow

A = "02_tensors"
TOTAL = 13.0
POINTS = {"chw_shape": 1, "chw_values": 1, "chw_hidden": 1, "flat_visible": 1, "flat_hidden": 1,
          "norm_values": 1, "norm_square": 1, "norm_hidden": 1, "fwd_shapes": 1, "fwd_scores": 2, "fwd_hidden": 2}
FORWARD_CELLS = ("fwd_shapes", "fwd_scores", "fwd_hidden")
NORM_CELLS = ("norm_values", "norm_square", "norm_hidden")

RAISES = '''
def three_layer_forward(x, params):
    raise RuntimeError("not today")
'''
WRONG_AXIS = '''
def normalize_channels(batch, mean, std):
    return (batch - mean) / std        # lines up with the width, not the channels
'''
STUDENTS = ("perfect", "blank", "partial", "raises", "wrongaxis")


def nbgrader_samples(right):
    """student -> answers: this assignment's samples, graded together with the other e2e files'
    (tests/conftest.py's ``nbgrader_class``)."""
    assert set(right) == {"hwc_to_chw", "flatten_images", "normalize_channels", "three_layer_forward"}
    return {
        "perfect": right,
        "blank": {},
        "partial": {k: v for k, v in right.items() if k in ("hwc_to_chw", "flatten_images")},
        "raises": {**right, "three_layer_forward": RAISES},
        "wrongaxis": {**right, "normalize_channels": WRONG_AXIS},
    }


@pytest.fixture(scope="module")
def graded(nbgrader_class):
    """The course with these samples autograded, with feedback and an export (shared by the e2e files)."""
    return nbgrader_class


def test_points_add_up():
    assert sum(POINTS.values()) == TOTAL


def test_exact_scores(graded):
    got = scores(graded, A)
    assert set(got) == set(STUDENTS)
    assert got["perfect"]["total"] == TOTAL
    assert all(got["perfect"][cell] == pts for cell, pts in POINTS.items()), got["perfect"]
    assert got["blank"]["total"] == 0.0
    assert got["partial"]["total"] == 5.0                      # layouts (3) + flattening (2)
    assert got["partial"]["norm_values"] == 0.0 and got["partial"]["fwd_scores"] == 0.0
    assert got["raises"]["total"] == TOTAL - 5.0
    assert all(got["raises"][cell] == 0.0 for cell in FORWARD_CELLS), got["raises"]
    assert got["wrongaxis"]["total"] == TOTAL - 3.0
    assert all(got["wrongaxis"][cell] == 0.0 for cell in NORM_CELLS), got["wrongaxis"]


def test_export_has_every_student(graded):
    rows = exported_totals(graded, A)
    assert rows == {"perfect": TOTAL, "blank": 0.0, "partial": 5.0, "raises": 8.0, "wrongaxis": 10.0}


@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_never_shows_hidden_checks(graded, student):
    text = feedback_text(graded, A, student)
    assert_no_hidden_text(text, student, extra=("check_forward_random", "check_normalize_random", "student_rng"))


def test_feedback_explains_failures(graded):
    raises = feedback_text(graded, A, "raises")
    assert "your function raised RuntimeError: not today" in raises
    wrong = feedback_text(graded, A, "wrongaxis")
    assert "your function raised ValueError: operands could not be broadcast together" in wrong
    assert "mean and std were applied along the last axis (the width)" in wrong
    blank = feedback_text(graded, A, "blank")
    assert "not implemented yet" in blank
