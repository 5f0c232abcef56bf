"""The grading checks themselves: stored values current, seeds per student, messages
that help, and checks that pass right answers and fail wrong ones."""

from __future__ import annotations

import re

import numpy as np
import pytest

from coursework import features
from grader_tests import features as checks
from grader_tests import harness
from grader_tests.hidden import features as hidden
from grader_tests.make_expected import OUT, builders


#: How far a stored float may be from the reference recomputed here. BLAS kernels,
#: thread counts and SIMD paths change the last bits (measured: at most 2e-15
#: relative, under OpenBLAS's SkylakeX, Haswell and Sandybridge kernels); the checks
#: themselves allow 1e-9 or more, so drift past 1e-12 means the reference changed.
STORED_RTOL = STORED_ATOL = 1e-12


@pytest.mark.parametrize("assignment", sorted(builders()))
def test_stored_expected_values_match_the_reference(assignment):
    fix = f"run `python -m grader_tests.make_expected {assignment}`"
    with np.load(OUT / f"{assignment}.npz") as data:
        stored = {k: data[k] for k in data.files}
    fresh = builders()[assignment]()
    assert set(stored) == set(fresh), fix
    for key in fresh:
        want = np.asarray(fresh[key])
        assert stored[key].dtype.kind == want.dtype.kind and stored[key].shape == want.shape, f"{key}: {fix}"
        if want.dtype.kind in "fc":
            np.testing.assert_allclose(stored[key], want, rtol=STORED_RTOL, atol=STORED_ATOL, err_msg=f"{key}: {fix}")
        else:   # integers, booleans, strings: exact
            np.testing.assert_array_equal(stored[key], want, err_msg=f"{key}: {fix}")


def test_student_seed_is_stable_and_differs_between_students_and_exercises(monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "alice")
    a1 = harness.student_seed("01_features", "color_histogram")
    assert a1 == harness.student_seed("01_features", "color_histogram")
    assert a1 != harness.student_seed("01_features", "hog")
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "bob")
    assert a1 != harness.student_seed("01_features", "color_histogram")


def test_student_id_read_from_the_autograde_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSEWORK_STUDENT_ID", raising=False)
    folder = tmp_path / "autograded" / "carol" / "01_features"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    assert harness.student_id() == "carol"
    monkeypatch.chdir(tmp_path)
    assert harness.student_id() == "local"


def test_assert_close_names_the_worst_element():
    want = np.zeros((2, 3))
    got = want.copy()
    got[1, 2] = 0.5
    got[0, 0] = 0.1
    with pytest.raises(AssertionError, match=r"2 of 6 element\(s\) differ .* worst at index \(1, 2\): expected 0, got 0.5"):
        harness.assert_close(got, want, "f(x)")
    with pytest.raises(AssertionError, match=r"f\(x\): expected shape \(2, 3\), got shape \(6,\)"):
        harness.assert_close(got.ravel(), want, "f(x)")
    with pytest.raises(AssertionError, match=r"expected an array, got None \(did you forget `return`\?\)"):
        harness.assert_close(None, want, "f(x)")
    with pytest.raises(AssertionError, match=r"1 element\(s\) are NaN or infinite, the first at index \(0, 1\)"):
        harness.assert_close(np.array([[0, np.nan, 0], [0, 0, 0]]), want, "f(x)")


def test_assert_close_never_fails_a_right_answer_by_a_few_ulps():
    want = np.array([1e8, 254.2, 1.0, 0.0])
    got = want.copy()
    for _ in range(8):                                   # 8 ulps up, as another BLAS may round
        got = np.nextafter(got, np.inf)
    harness.assert_close(got, want, "f(x)", atol=1e-9)  # 8 ulps of 1e8 are 1.2e-7 > atol
    harness.assert_close(want.copy(), want, "f(x)", atol=0)
    with pytest.raises(AssertionError, match=r"1 of 4 element\(s\) differ .* worst at index 0"):
        harness.assert_close(want * [1 + 1e-12, 1, 1, 1], want, "f(x)", atol=1e-9)   # 4,500 ulps: wrong
    with pytest.raises(AssertionError, match=r"worst at index 3"):
        harness.assert_close(np.array([1e8, 254.2, 1.0, 1e-300]), want, "f(x)", atol=0)  # a copy must be exact


def test_call_reports_exceptions_and_in_place_changes():
    def boom(x):
        raise KeyError("nope")

    with pytest.raises(AssertionError, match=r"g\(\.\.\.\): your function raised KeyError: 'nope'"):
        harness.call(boom, np.zeros(2), what="g(...)")

    def mutate(x):
        x[0] = 1.0
        return x

    with pytest.raises(AssertionError, match="modified its input array in place"):
        harness.call(mutate, np.zeros(2), what="g(...)")
    with pytest.raises(AssertionError, match="expected a function, got int"):
        harness.call(3, what="g(...)")


# Right answers, written as a student might (NumPy, one image), and wrong ones.

def right_histogram(image, bins=8):
    return features.color_histogram(image, bins=bins)


def right_gradients(image):
    return features.image_gradients(np.asarray(image, dtype=np.float64))


def right_cells(magnitude, orientation, orientations=9, pixels_per_cell=8):
    return features.orientation_histograms(magnitude, orientation, orientations, pixels_per_cell)


def right_hog(image, orientations=9, pixels_per_cell=8, cells_per_block=2):     # the notebook's my_hog
    g_row, g_col = right_gradients(image)
    mag, ori = features.gradient_orientation(g_row, g_col)
    cells = right_cells(mag, ori, orientations, pixels_per_cell)
    return features.normalize_blocks(cells, cells_per_block, "L2-Hys").ravel()


def right_concat(images, extractors):
    return np.concatenate([f(images) for f in extractors], axis=1)


RIGHT = [
    (checks.check_histogram_shape, right_histogram),
    (checks.check_histogram_values, right_histogram),
    (checks.check_histogram_properties, right_histogram),
    (hidden.check_histogram_random, right_histogram),
    (checks.check_gradients, right_gradients),
    (hidden.check_gradients_random, right_gradients),
    (checks.check_cell_histograms, right_cells),
    (hidden.check_cell_histograms_random, right_cells),
    (checks.check_hog_pipeline, right_hog),
    (checks.check_concat_features, right_concat),
    (hidden.check_concat_features_random, right_concat),
]


@pytest.mark.parametrize("check,answer", RIGHT, ids=[c.__name__ for c, _ in RIGHT])
@pytest.mark.parametrize("student", ["alice", "bob", "local"])
def test_checks_pass_right_answers(check, answer, student, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
    check(answer)


WRONG = [
    # counts instead of fractions
    (checks.check_histogram_values, lambda image, bins=8: right_histogram(image, bins) * image[..., 0].size,
     "differ by more than"),
    (checks.check_histogram_properties, lambda image, bins=8: right_histogram(image, bins) * 2, "sum to 1"),
    # normalised by the largest count instead of the pixel count
    (hidden.check_histogram_random, lambda image, bins=8: right_histogram(image, bins) / right_histogram(image, bins).max(),
     "differ by more than"),
    # gradients halved (numpy.gradient's convention)
    (checks.check_gradients, lambda image: tuple(g / 2 for g in right_gradients(image)), "g_row"),
    (hidden.check_gradients_random, lambda image: right_gradients(image)[::-1], "g_row"),
    # sums instead of means
    (checks.check_cell_histograms, lambda m, o, orientations=9, pixels_per_cell=8:
        right_cells(m, o, orientations, pixels_per_cell) * pixels_per_cell ** 2, "differ by more than"),
    # bin edge rule off: (lo, hi] instead of [lo, hi)
    (hidden.check_cell_histograms_random, lambda m, o, orientations=9, pixels_per_cell=8:
        right_cells(m, np.where(o > 0, np.nextafter(o, -1), o), orientations, pixels_per_cell),
        "differ by more than"),
    (checks.check_hog_pipeline, lambda image, **params: right_hog(image.T, **params), "vs skimage.feature.hog"),
    # scikit-image's default blocks (3 x 3) instead of the lecture's 2 x 2
    (checks.check_hog_pipeline, lambda image, **params: right_hog(image, **{**params, "cells_per_block": 3}),
     "expected shape"),
    (checks.check_concat_features, lambda images, ex: right_concat(images, ex[::-1]), "differ by more than"),
    (hidden.check_concat_features_random, lambda images, ex: right_concat(images, ex)[:, ::-1], "differ by more than"),
]


@pytest.mark.parametrize("check,answer,message", WRONG, ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(WRONG)])
def test_checks_fail_wrong_answers_with_a_message(check, answer, message):
    with pytest.raises(AssertionError, match=message):
        check(answer)


def test_hidden_messages_do_not_print_hidden_inputs(monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "dave")
    with pytest.raises(AssertionError) as info:
        hidden.check_histogram_random(lambda image, bins=8: image.ravel()[: bins ** 3] * 0.0 + 1.0)
    text = str(info.value)
    assert re.search(r"random image #\d of shape \(\d+, \d+, 3\)", text)
    assert "[" not in text.split("shape")[0]  # no array printed before the shape
