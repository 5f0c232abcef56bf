"""nbgrader for real, as an instructor runs it: generate -> submit -> autograde ->
feedback -> export, on sample submissions with known exact scores."""

from __future__ import annotations

import csv
import html
import re

import pytest

from nbgrader_course import REPO, make_course, nbgrader, scores, solution_sources, submission, submit

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]

A = "01_features"
TOTAL = 16.0
HIST_CELLS = {"hist_shape": 1, "hist_values": 2, "hist_properties": 1, "hist_hidden": 2}

RAISES = '''
def color_histogram(image, bins=8):
    raise RuntimeError("not today")
'''
WRONG_SHAPE = '''
def color_histogram(image, bins=8):
    pixels = image.reshape(-1, 3).astype(np.int64) * bins // 256
    hist, _ = np.histogramdd(pixels, bins=bins, range=[(0, bins)] * 3)
    return hist / len(pixels)          # forgot to flatten: (bins, bins, bins)
'''
MUTATES = '''
def extract_features(images, extractors):
    images[0] = 0.0                    # changes the caller's array
    return np.concatenate([np.asarray(f(images)).reshape(len(images), -1) for f in extractors], axis=1)
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course with five sample submissions, autograded, with feedback and an export."""
    course = make_course(tmp_path_factory.mktemp("e2e"))
    nbgrader(course, "generate_assignment", A, "--force")
    release = course / "notebooks" / A / f"{A}.ipynb"
    right = solution_sources(REPO / "solutions" / A / f"{A}.ipynb")
    partial = {k: v for k, v in right.items() if k in ("color_histogram", "image_gradients")}
    samples = {
        "perfect": right,
        "blank": {},
        "partial": partial,
        "raises": {**right, "color_histogram": RAISES},
        "wrongshape": {**right, "color_histogram": WRONG_SHAPE},
        "mutates": {**right, "extract_features": MUTATES},
    }
    for student, answers in samples.items():
        submit(course, student, A, submission(release, answers))
    nbgrader(course, "autograde", A, "--force")
    nbgrader(course, "generate_feedback", A, "--force")
    nbgrader(course, "export", "--to", str(course / "grades.csv"))
    return course


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
    with open(graded / "grades.csv", newline="") as fh:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(fh) if row["assignment"] == A}
    assert rows == {"perfect": TOTAL, "blank": 0.0, "partial": 8.0, "raises": 10.0, "wrongshape": 10.0,
                    "mutates": 14.0}


def _feedback_text(course, student) -> str:
    pages = list((course / "feedback" / student / A).glob("*.html"))
    assert pages, f"no feedback for {student}"
    raw = pages[0].read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


@pytest.mark.parametrize("student", ["perfect", "blank", "partial", "raises", "wrongshape", "mutates"])
def test_feedback_never_shows_hidden_checks(graded, student):
    text = _feedback_text(graded, student)
    for secret in ("HIDDEN TESTS", "grader_tests.hidden", "grader_tests/hidden", "hidden.check_",
                   "check_histogram_random", "student_rng("):
        assert secret not in text, f"feedback of {student} shows {secret!r}"


def test_feedback_explains_failures(graded):
    wrong = _feedback_text(graded, "wrongshape")
    assert "expected shape (8,), got shape (2, 2, 2)" in wrong
    raises = _feedback_text(graded, "raises")
    assert "your function raised RuntimeError: not today" in raises
    mutated = _feedback_text(graded, "mutates")
    assert "modified its input array in place" in mutated
