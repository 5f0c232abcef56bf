"""nbgrader for real on ``04_backprop``: generate -> submit -> autograde -> feedback ->
export, on sample submissions with known exact scores."""

from __future__ import annotations

import pytest

from helpers.backprop_answers import RECURSIVE_SORT, RESETS  # the same answers the check tests use
from helpers.nbgrader_course import assert_no_hidden_text, exported_totals, feedback_text, scores

pytestmark = pytest.mark.slow

A = "04_backprop"
TOTAL = 22.0
POINTS = {
    "ops_visible": 2, "ops_hidden": 1,
    "topo_visible": 2, "topo_hidden": 1,
    "backward_visible": 2, "long_chain": 2, "expr_visible": 2, "expr_hidden": 2,
    "linear_forward": 1, "linear_gradcheck": 2, "linear_hidden": 2,
    "sigmoid_visible": 2, "sigmoid_hidden": 1,
}
# the cells that need a working topological_order
NEEDS_SORT = ("topo_visible", "topo_hidden", "backward_visible", "long_chain", "expr_visible", "expr_hidden")

RAISES = '''
def topological_order(root):
    raise RuntimeError("not today")
'''
MUTATES = '''
class MySigmoid:
    def __init__(self):
        self.params = {}
        self.grads = {}
        self.cache = None

    def forward(self, x):
        self.cache = 1.0 / (1.0 + np.exp(-x))
        return self.cache

    def backward(self, dout):
        dout *= (1.0 - self.cache) * self.cache     # changes the caller's array
        return dout
'''


def nbgrader_samples(right):
    """student -> answers: this assignment's samples, graded together with the other e2e files'
    (tests/conftest.py's ``nbgrader_class``)."""
    assert set(right) == {"myvalue", "topological_order", "backward_pass", "my_linear", "my_sigmoid"}
    return {
        "perfect": right,
        "blank": {},
        "partial": {k: v for k, v in right.items() if k in ("myvalue", "my_linear")},
        "raises": {**right, "topological_order": RAISES},
        "recursive": {**right, "topological_order": RECURSIVE_SORT},
        "mutates": {**right, "my_sigmoid": MUTATES},
        "resets": {**right, "backward_pass": RESETS},   # the old convention: no accumulation
    }


@pytest.fixture(scope="module")
def graded(nbgrader_class):
    """The course with these samples autograded, with feedback and an export (shared by the e2e files)."""
    return nbgrader_class


def test_points_add_up():
    assert sum(POINTS.values()) == TOTAL


def test_exact_scores(graded):
    got = scores(graded, A)
    assert set(got) == {"perfect", "blank", "partial", "raises", "recursive", "mutates", "resets"}
    assert got["perfect"] == {**{k: float(v) for k, v in POINTS.items()}, "total": TOTAL}
    assert got["blank"]["total"] == 0.0
    # MyValue's + and * (3) and MyLinear (5); nothing that needs the sort or the sigmoid
    assert got["partial"]["total"] == 8.0
    assert {k for k, v in got["partial"].items() if v and k != "total"} == {
        "ops_visible", "ops_hidden", "linear_forward", "linear_gradcheck", "linear_hidden"}
    # a raising sort loses every cell that needs it
    assert got["raises"]["total"] == TOTAL - sum(POINTS[k] for k in NEEDS_SORT) == 11.0
    assert all(got["raises"][k] == 0.0 for k in NEEDS_SORT)
    # a recursive sort is right on small graphs and loses only the long chain
    assert got["recursive"]["long_chain"] == 0.0
    assert got["recursive"]["total"] == TOTAL - 2
    # a sigmoid that changes dout in place loses both sigmoid checks
    assert got["mutates"]["sigmoid_visible"] == 0.0 and got["mutates"]["sigmoid_hidden"] == 0.0
    assert got["mutates"]["total"] == TOTAL - 3
    # a backward pass that resets instead of accumulating loses only the check that calls it twice
    assert got["resets"]["backward_visible"] == 0.0 and got["resets"]["total"] == TOTAL - 2


def test_export_has_every_student(graded):
    rows = exported_totals(graded, A)
    assert rows == {"perfect": 22.0, "blank": 0.0, "partial": 8.0, "raises": 11.0, "recursive": 20.0,
                    "mutates": 19.0, "resets": 20.0}


@pytest.mark.parametrize("student", ["perfect", "blank", "partial", "raises", "recursive", "mutates", "resets"])
def test_feedback_never_shows_hidden_checks(graded, student):
    text = feedback_text(graded, A, student)
    assert_no_hidden_text(text, student, extra=("check_expressions_random", "student_rng", "_random_expression",
                                                "_run_program"))


def test_feedback_explains_failures(graded):
    assert "keep your own stack (a list) instead of recursing" in feedback_text(graded, A, "recursive")
    assert "your function raised RuntimeError: not today" in feedback_text(graded, A, "raises")
    assert "modified its input array in place" in feedback_text(graded, A, "mutates")
    assert "backward_pass must add to grad, not reset it" in feedback_text(graded, A, "resets")
    assert "not implemented yet" in feedback_text(graded, A, "blank")
