"""nbgrader for real on 07_overfitting, as an instructor runs it: generate -> submit ->
autograde -> feedback -> export, on sample submissions with known exact scores."""

from __future__ import annotations

import csv
import html
import re

import pytest

from nbgrader_course import REPO, make_course, nbgrader, scores, solution_sources, submission, submit

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]

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


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course with five sample submissions, autograded, with feedback and an export."""
    course = make_course(tmp_path_factory.mktemp("e2e07"))
    nbgrader(course, "generate_assignment", A, "--force")
    release = course / "notebooks" / A / f"{A}.ipynb"
    right = solution_sources(REPO / "solutions" / A / f"{A}.ipynb")
    assert set(right) == set(POINTS)
    samples = {
        "perfect": right,
        "blank": {},
        "partial": {k: v for k, v in right.items() if k in ("polynomial_features", "train_val_gap")},
        "raises": {**right, "early_stopping_epoch": RAISES},
        "polyfit": {**right, "fit_polynomial": POLYFIT},
    }
    for student, answers in samples.items():
        submit(course, student, A, submission(release, answers))
    nbgrader(course, "autograde", A, "--force")
    nbgrader(course, "generate_feedback", A, "--force")
    nbgrader(course, "export", "--to", str(course / "grades.csv"))
    return course


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
    with open(graded / "grades.csv", newline="") as fh:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(fh) if row["assignment"] == A}
    assert rows == EXPECTED


def _feedback_text(course, student) -> str:
    pages = list((course / "feedback" / student / A).glob("*.html"))
    assert pages, f"no feedback for {student}"
    return html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text()))


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_feedback_never_shows_hidden_checks(graded, student):
    text = _feedback_text(graded, student)
    for secret in ("HIDDEN TESTS", "grader_tests.hidden", "hidden.check_", "check_fit_random",
                   "check_early_stopping_random", "student_rng", "reference.fit_polynomial"):
        assert secret not in text, f"feedback of {student} shows {secret!r}"


def test_feedback_explains_failures(graded):
    assert "your function raised RuntimeError: not today" in _feedback_text(graded, "raises")
    polyfit = _feedback_text(graded, "polyfit")
    assert "your coefficients are in reverse order" in polyfit
    assert "not implemented yet" in _feedback_text(graded, "blank")
