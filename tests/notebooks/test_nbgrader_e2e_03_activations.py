"""nbgrader for real on 03_activations: generate -> submit -> autograde -> feedback ->
export, on sample submissions with known exact scores."""

from __future__ import annotations

import pytest

from helpers.nbgrader_course import assert_no_hidden_text, exported_totals, feedback_text, scores

pytestmark = pytest.mark.slow

A = "03_activations"
TOTAL = 15.0
POINTS = {"sigmoid_forward": 1, "sigmoid_backward": 1, "sigmoid_hidden": 1, "tanh_visible": 1, "tanh_hidden": 1,
          "relu_visible": 1, "relu_hidden": 1, "leaky_visible": 1, "leaky_hidden": 1, "elu_visible": 1,
          "elu_hidden": 1, "maxout_forward": 1, "maxout_backward": 1, "maxout_hidden": 2}
MAXOUT_CELLS = ("maxout_forward", "maxout_backward", "maxout_hidden")

RAISES = '''
def maxout_forward(x, W, b):
    raise RuntimeError("not today")


def maxout_backward(dout, x, W, b):
    raise RuntimeError("not today either")
'''
# forgot the (1 - sigma) factor of the derivative
WRONG_SIGMOID = '''
def sigmoid_forward(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_backward(dout, x):
    return dout * sigmoid_forward(x)
'''
STUDENTS = ("perfect", "blank", "partial", "raises", "wrongsigmoid")


def nbgrader_samples(right):
    """student -> answers: this assignment's samples, graded together with the other e2e files'
    (tests/conftest.py's ``nbgrader_class``)."""
    assert set(right) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "maxout"}
    return {
        "perfect": right,
        "blank": {},
        "partial": {k: v for k, v in right.items() if k in ("sigmoid", "relu")},
        "raises": {**right, "maxout": RAISES},
        "wrongsigmoid": {**right, "sigmoid": WRONG_SIGMOID},
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
    assert got["partial"]["total"] == 5.0                      # sigmoid (3) + ReLU (2)
    assert got["partial"]["tanh_visible"] == 0.0 and got["partial"]["maxout_hidden"] == 0.0
    assert got["raises"]["total"] == TOTAL - 4.0
    assert all(got["raises"][cell] == 0.0 for cell in MAXOUT_CELLS), got["raises"]
    # forward right (1 point), backward wrong: the visible backward and the hidden check fail
    assert got["wrongsigmoid"]["total"] == TOTAL - 2.0
    assert got["wrongsigmoid"]["sigmoid_forward"] == 1.0
    assert got["wrongsigmoid"]["sigmoid_backward"] == 0.0 and got["wrongsigmoid"]["sigmoid_hidden"] == 0.0


def test_export_has_every_student(graded):
    rows = exported_totals(graded, A)
    assert rows == {"perfect": TOTAL, "blank": 0.0, "partial": 5.0, "raises": 11.0, "wrongsigmoid": 13.0}


@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_never_shows_hidden_checks(graded, student):
    text = feedback_text(graded, A, student)
    assert_no_hidden_text(text, student, extra=("check_maxout_random", "check_sigmoid_random", "student_rng"))


def test_feedback_explains_failures(graded):
    raises = feedback_text(graded, A, "raises")
    assert "your function raised RuntimeError: not today" in raises
    wrong = feedback_text(graded, A, "wrongsigmoid")
    assert "sigmoid_backward(dout of shape (4, 6), x of shape (4, 6))" in wrong
    assert "differ by more than" in wrong
    assert "not implemented yet" in feedback_text(graded, A, "blank")
