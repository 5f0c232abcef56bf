"""nbgrader for real on 07_overfitting, as an instructor runs it: generate -> submit ->
autograde -> feedback -> export, on sample submissions with known exact scores."""

from __future__ import annotations

import pytest

from helpers.nbgrader_course import assert_no_hidden_text, exported_totals, feedback_text, scores

pytestmark = pytest.mark.slow

A = "07_overfitting"
TOTAL = 13.0
POINTS = {  # grade_id -> points, per exercise
    "polynomial_features": {"poly_shape": 1, "poly_values": 1, "poly_hidden": 1},
    "fit_polynomial": {"fit_values": 1, "fit_properties": 1, "fit_hidden": 2},
    "train_val_gap": {"gap_visible": 1, "gap_hidden": 1},
    "early_stopping_epoch": {"stop_visible": 2, "stop_hidden": 2},
}

RAISES = '''
def early_stopping_epoch(val_accuracy, patience=None):
    raise RuntimeError("not today")
'''
POLYFIT = '''
def fit_polynomial(x, y, degree, lam=0.0):
    return np.polyfit(x, y, degree)          # highest power first, and no penalty
'''
EXPECTED = {
    "perfect": TOTAL,
    "blank": 0.0,
    "partial": 5.0,                          # polynomial_features (3) + train_val_gap (2)
    "raises": TOTAL - 4,                     # early_stopping_epoch raises
    "polyfit": TOTAL - 4,                    # fit_polynomial in np.polyfit's order
}


def nbgrader_samples(right):
    """student -> answers: this assignment's samples, graded together with the other e2e files'
    (tests/conftest.py's ``nbgrader_class``)."""
    assert set(right) == set(POINTS)
    return {
        "perfect": right,
        "blank": {},
        "partial": {k: v for k, v in right.items() if k in ("polynomial_features", "train_val_gap")},
        "raises": {**right, "early_stopping_epoch": RAISES},
        "polyfit": {**right, "fit_polynomial": POLYFIT},
    }


@pytest.fixture(scope="module")
def graded(nbgrader_class):
    """The course with these samples autograded, with feedback and an export (shared by the e2e files)."""
    return nbgrader_class


def test_points_add_up_to_the_total():
    assert sum(sum(cells.values()) for cells in POINTS.values()) == TOTAL


def test_exact_scores(graded):
    got = scores(graded, A)
    assert {s: got[s]["total"] for s in got} == EXPECTED
    for cell, points in {**POINTS["polynomial_features"], **POINTS["train_val_gap"]}.items():
        assert got["partial"][cell] == points, (cell, got["partial"])
    for cell in (*POINTS["fit_polynomial"], *POINTS["early_stopping_epoch"]):
        assert got["partial"][cell] == 0.0, (cell, got["partial"])
    assert all(got["raises"][cell] == 0.0 for cell in POINTS["early_stopping_epoch"])
    assert all(got["polyfit"][cell] == 0.0 for cell in POINTS["fit_polynomial"])
    assert all(got["perfect"][cell] == p for cells in POINTS.values() for cell, p in cells.items())


def test_export_has_every_student(graded):
    rows = exported_totals(graded, A)
    assert rows == EXPECTED


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_feedback_never_shows_hidden_checks(graded, student):
    text = feedback_text(graded, A, student)
    assert_no_hidden_text(text, student, extra=("check_fit_random", "check_early_stopping_random", "student_rng",
                                                "reference.fit_polynomial"))


def test_feedback_explains_failures(graded):
    assert "your function raised RuntimeError: not today" in feedback_text(graded, A, "raises")
    polyfit = feedback_text(graded, A, "polyfit")
    assert "your coefficients are in reverse order" in polyfit
    assert "not implemented yet" in feedback_text(graded, A, "blank")
