"""05_sgd through nbgrader for real: generate -> submit -> autograde -> feedback ->
export, on sample submissions with known exact scores."""

from __future__ import annotations

import pytest

from helpers.nbgrader_course import assert_no_hidden_text, exported_totals, feedback_text, scores

pytestmark = pytest.mark.slow

A = "05_sgd"
TOTAL = 16.0
CELLS = {
    "numerical_gradient": {"ng_values": 2, "ng_quadratic": 1, "ng_hidden": 2},
    "iterations_per_epoch": {"iter_visible": 1, "iter_hidden": 1},
    "minibatch_indices": {"mb_partition": 1, "mb_shuffled": 1, "mb_hidden": 1},
    "sgd_step": {"step_visible": 1, "step_hidden": 1},
    "relu_net_step": {"relu_values": 1, "relu_gradients": 1, "relu_hidden": 2},
}

RAISES = '''
def relu_net_step(x, y, w1, w2):
    raise RuntimeError("not today")
'''
ONE_SIDED = '''
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h          # the lecture's one-sided formula
        x[i] = old
    return grad
'''
WITH_REPLACEMENT = '''
def minibatch_indices(n, batch_size, rng):
    return [rng.integers(0, n, size=min(batch_size, n - start)) for start in range(0, n, batch_size)]
'''


def points(*exercises: str) -> float:
    return float(sum(sum(CELLS[e].values()) for e in exercises))


def nbgrader_samples(right):
    """student -> answers: this assignment's samples, graded together with the other e2e files'
    (tests/conftest.py's ``nbgrader_class``)."""
    assert set(right) == set(CELLS)
    return {
        "perfect": right,
        "blank": {},
        "partial": {k: v for k, v in right.items() if k in ("numerical_gradient", "iterations_per_epoch")},
        "raises": {**right, "relu_net_step": RAISES},
        "onesided": {**right, "numerical_gradient": ONE_SIDED},
        "replacement": {**right, "minibatch_indices": WITH_REPLACEMENT},
    }


@pytest.fixture(scope="module")
def graded(nbgrader_class):
    """The course with these samples autograded, with feedback and an export (shared by the e2e files)."""
    return nbgrader_class


EXPECTED = {
    "perfect": TOTAL,
    "blank": 0.0,
    "partial": points("numerical_gradient", "iterations_per_epoch"),          # 7
    "raises": TOTAL - points("relu_net_step"),                                 # 12
    "onesided": TOTAL - points("numerical_gradient"),                          # 11
    "replacement": TOTAL - 2.0,                      # partition and hidden fail; shuffled passes
}


def test_points_add_up():
    assert points(*CELLS) == TOTAL
    assert EXPECTED["partial"] == 7.0 and EXPECTED["raises"] == 12.0 and EXPECTED["onesided"] == 11.0


def test_exact_scores(graded):
    got = scores(graded, A)
    assert set(got) == set(EXPECTED)
    for student, total in EXPECTED.items():
        assert got[student]["total"] == total, (student, got[student])
    assert all(got["raises"][cell] == 0.0 for cell in CELLS["relu_net_step"])
    assert all(got["onesided"][cell] == 0.0 for cell in CELLS["numerical_gradient"])
    assert got["replacement"]["mb_shuffled"] == 1.0
    assert got["replacement"]["mb_partition"] == 0.0 and got["replacement"]["mb_hidden"] == 0.0
    assert got["partial"]["ng_hidden"] == 2.0 and got["partial"]["iter_hidden"] == 1.0
    assert got["partial"]["step_visible"] == 0.0


def test_export_has_every_student(graded):
    rows = exported_totals(graded, A)
    assert rows == EXPECTED


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_feedback_never_shows_hidden_checks(graded, student):
    text = feedback_text(graded, A, student)
    assert_no_hidden_text(text, student, extra=("check_relu_net_step_random", "student_rng", "relu_net_reference"))


def test_feedback_explains_failures(graded):
    assert "your function raised RuntimeError: not today" in feedback_text(graded, A, "raises")
    assert "one-sided difference" in feedback_text(graded, A, "onesided")
    assert "every sample exactly once per epoch" in feedback_text(graded, A, "replacement")
    assert "not implemented yet" in feedback_text(graded, A, "blank")
