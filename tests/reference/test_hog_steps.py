"""The public HoG steps (the exercises of 01_features), against plain loops and skimage."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.feature import hog as skimage_hog

from coursework.features import (gradient_orientation, image_gradients, normalize_blocks,
                                 orientation_histograms)


def _loop_cells(magnitude, orientation, orientations, p):
    """The definition, one pixel at a time."""
    n_rows, n_cols = magnitude.shape[0] // p, magnitude.shape[1] // p
    out = np.zeros((n_rows, n_cols, orientations))
    width = 180.0 / orientations
    for r in range(n_rows * p):
        for c in range(n_cols * p):
            for i in range(orientations):
                if width * i <= orientation[r, c] < width * (i + 1):
                    out[r // p, c // p, i] += magnitude[r, c]
    return out / (p * p)


def test_image_gradients_central_differences(backend):
    image = np.random.default_rng(0).random((5, 7))
    g_row, g_col = image_gradients(backend.put(image))
    backend.check_on(g_row)
    want_row = np.zeros_like(image)
    want_row[1:-1] = image[2:] - image[:-2]
    want_col = np.zeros_like(image)
    want_col[:, 1:-1] = image[:, 2:] - image[:, :-2]
    np.testing.assert_array_equal(backend.host(g_row), want_row)
    np.testing.assert_array_equal(backend.host(g_col), want_col)


@pytest.mark.parametrize("orientations,p,shape", [(9, 4, (13, 10)), (4, 3, (9, 11)), (7, 2, (5, 5))])
def test_orientation_histograms_match_the_definition(backend, orientations, p, shape):
    rng = np.random.default_rng(orientations)
    magnitude = rng.random(shape)
    orientation = rng.random(shape) * 180
    orientation[::2, ::3] = (180.0 / orientations) * rng.integers(0, orientations, orientation[::2, ::3].shape)
    got = orientation_histograms(backend.put(magnitude), backend.put(orientation), orientations, p)
    backend.check_on(got)
    np.testing.assert_allclose(backend.host(got), _loop_cells(magnitude, orientation, orientations, p), atol=1e-12)


def test_orientation_histograms_batch_equals_stacked(backend):
    rng = np.random.default_rng(1)
    mag, ori = rng.random((3, 8, 8)), rng.random((3, 8, 8)) * 180
    batch = backend.host(orientation_histograms(backend.put(mag), backend.put(ori), 9, 4))
    for k in range(3):
        np.testing.assert_allclose(batch[k], _loop_cells(mag[k], ori[k], 9, 4), atol=1e-12)


def test_steps_chained_equal_skimage_hog():
    image = np.random.default_rng(2).random((40, 48))
    g_row, g_col = image_gradients(image)
    magnitude, orientation = gradient_orientation(g_row, g_col)
    cells = orientation_histograms(magnitude, orientation, 9, 8)
    got = normalize_blocks(cells, 2, "L2-Hys")
    want = skimage_hog(image, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2),
                       block_norm="L2-Hys", feature_vector=False)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_step_errors_say_expected_and_got():
    with pytest.raises(ValueError, match=r"image_gradients: expected grey images .* got shape \(4,\)"):
        image_gradients(np.zeros(4))
    with pytest.raises(ValueError, match=r"expected magnitude and orientation of one shape .* got shapes \(4, 4\) and \(4, 5\)"):
        orientation_histograms(np.zeros((4, 4)), np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"normalize_blocks: expected block_norm to be one of .* got 'L3'"):
        normalize_blocks(np.zeros((3, 3, 9)), 2, "L3")
    with pytest.raises(ValueError, match=r"expected at least 2 x 2 cells .* got 1 x 3"):
        normalize_blocks(np.zeros((1, 3, 9)), 2)
