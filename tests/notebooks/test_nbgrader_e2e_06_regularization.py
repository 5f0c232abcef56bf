"""06_regularization through nbgrader for real: generate -> submit -> autograde ->
feedback -> export, on sample submissions with known exact scores."""

from __future__ import annotations

import pytest

from helpers.nbgrader_course import assert_no_hidden_text, exported_totals, feedback_text, scores

pytestmark = pytest.mark.slow

A = "06_regularization"
TOTAL = 19.0
CELLS = {
    "l2_penalty": {"l2_lecture": 1, "l2_values": 1, "l2_hidden": 1},
    "l1_penalty": {"l1_values": 1, "l1_hidden": 1},
    "elastic_net": {"en_values": 1, "en_hidden": 1},
    "dropout_forward": {"do_fwd_values": 1, "do_fwd_properties": 1, "do_fwd_hidden": 1},
    "dropout_backward": {"do_bwd_values": 1, "do_bwd_hidden": 1},
    "batchnorm_forward": {"bn_fwd_values": 1, "bn_fwd_properties": 1, "bn_fwd_hidden": 1},
    "batchnorm_backward": {"bn_bwd_values": 1, "bn_bwd_numerical": 1, "bn_bwd_hidden": 2},
}

RAISES = '''
def batchnorm_backward(dout, cache):
    raise RuntimeError("not today")
'''
NOT_INVERTED = '''
def dropout_forward(x, p, mask):
    return x * mask                    # forgot to divide by 1 - p
'''
NOTE_L2 = '''
def l2_penalty(W):
    return np.sum((1 - W) ** 2), -2 * (1 - W)     # the lecture note's erratum
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
        "partial": {k: v for k, v in right.items() if k in ("l2_penalty", "l1_penalty", "elastic_net")},
        "raises": {**right, "batchnorm_backward": RAISES},
        "notinverted": {**right, "dropout_forward": NOT_INVERTED},
        "notel2": {**right, "l2_penalty": NOTE_L2},
    }


@pytest.fixture(scope="module")
def graded(nbgrader_class):
    """The course with these samples autograded, with feedback and an export (shared by the e2e files)."""
    return nbgrader_class


EXPECTED = {
    "perfect": TOTAL,
    "blank": 0.0,
    "partial": points("l2_penalty", "l1_penalty", "elastic_net"),       # 7
    "raises": TOTAL - points("batchnorm_backward"),                       # 15
    "notinverted": TOTAL - points("dropout_forward"),                     # 16
    "notel2": TOTAL - points("l2_penalty"),                               # 16
}


def test_points_add_up():
    assert points(*CELLS) == TOTAL
    assert (EXPECTED["partial"], EXPECTED["raises"], EXPECTED["notinverted"]) == (7.0, 15.0, 16.0)


def test_exact_scores(graded):
    got = scores(graded, A)
    assert set(got) == set(EXPECTED)
    for student, total in EXPECTED.items():
        assert got[student]["total"] == total, (student, got[student])
    assert all(got["raises"][cell] == 0.0 for cell in CELLS["batchnorm_backward"])
    assert all(got["notinverted"][cell] == 0.0 for cell in CELLS["dropout_forward"])
    assert got["notinverted"]["do_bwd_values"] == 1.0
    assert all(got["notel2"][cell] == 0.0 for cell in CELLS["l2_penalty"])
    assert got["partial"]["l2_hidden"] == 1.0 and got["partial"]["do_fwd_values"] == 0.0


def test_export_has_every_student(graded):
    rows = exported_totals(graded, A)
    assert rows == EXPECTED


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_feedback_never_shows_hidden_checks(graded, student):
    text = feedback_text(graded, A, student)
    assert_no_hidden_text(text, student, extra=("check_batchnorm_backward_random", "student_rng",
                                                "batchnorm_reference"))


def test_feedback_explains_failures(graded):
    assert "your function raised RuntimeError: not today" in feedback_text(graded, A, "raises")
    assert "inverted dropout also divides the kept units by 1 - p" in feedback_text(graded, A, "notinverted")
    assert "the note's erratum; L2 is Σ w²" in feedback_text(graded, A, "notel2")
    assert "not implemented yet" in feedback_text(graded, A, "blank")
