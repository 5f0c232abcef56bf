"""Visible checks of assignment ``01_features`` (shipped to students).

They stand on their own: fixed inputs with expected values stored in
``expected/01_features.npz`` (made from the reference by
``python -m grader_tests.make_expected``), and properties any right answer has.
Each function is one check, worth its own points in the notebook.
"""

from __future__ import annotations

import numpy as np

from .harness import as_result_array, assert_close, assert_shape, call, stored, type_name
from .messages import say
from .plain import finite_array, number

ASSIGNMENT = "01_features"


def expected() -> dict:
    """The stored inputs and expected outputs of these checks."""
    return stored(ASSIGNMENT)


# -- colour histogram ---------------------------------------------------------------

def check_histogram_shape(color_histogram) -> None:
    """``color_histogram(image, bins)`` returns one value per colour bin: (bins**3,)."""
    image = expected()["hist_image"]
    for bins in (2, 3, 4):
        what = say("f_hist", name="image", shape=image.shape, bins=bins)
        got = finite_array(call(color_histogram, image, bins=bins, what=what), what)
        assert_shape(got, (bins ** 3,), what)


def check_histogram_values(color_histogram) -> None:
    """Fixed small images against stored histograms."""
    data = expected()
    for key in ("hist_image", "hist_image_dark"):
        image = data[key]
        for bins in (2, 4):
            what = say("f_hist", name=key, shape=image.shape, bins=bins)
            got = call(color_histogram, image, bins=bins, what=what)
            assert_close(got, data[f"{key}_bins{bins}"], what, atol=1e-9)


def check_histogram_properties(color_histogram) -> None:
    """Sums to 1, an image enlarged 2x (each pixel repeated) has the same histogram, and an
    image of one colour has all of it in one bin."""
    image = expected()["hist_image"]
    what = say("f_hist", name="image", shape=image.shape, bins=4)
    got = as_result_array(call(color_histogram, image, bins=4, what=what), what)
    assert_shape(got, (64,), what)
    total = number(float(np.sum(got)), say("f_hist_sum_of", what=what))
    if not abs(total - 1.0) <= 1e-9:
        raise AssertionError(say("f_hist_sum", what=what, total=total))
    big = np.repeat(np.repeat(image, 2, axis=0), 2, axis=1)
    what_big = say("f_hist_big", shape=big.shape)
    assert_close(call(color_histogram, big, bins=4, what=what_big), got, say("f_vs_original", what=what_big),
                 atol=1e-9)
    flat = np.broadcast_to(image[1, 1], image.shape).copy()
    what_flat = say("f_hist_flat", shape=flat.shape)
    one = finite_array(call(color_histogram, flat, bins=4, what=what_flat), what_flat)
    assert_shape(one, (64,), what_flat)
    if not (np.sum(np.abs(one - 1.0) <= 1e-9) == 1 and np.sum(np.abs(one) <= 1e-9) == 63):
        raise AssertionError(say("f_hist_one_bin", what=what_flat, n=int(np.sum(one != 0))))


# -- HoG steps ------------------------------------------------------------------------

def check_gradients(image_gradients) -> None:
    """Central differences with zero border rows / columns, on a fixed 5x6 image."""
    data = expected()
    image = data["grad_image"]
    what = say("f_gradients", shape=image.shape)
    result = call(image_gradients, image, what=what)
    if not isinstance(result, tuple) or len(result) != 2:
        raise AssertionError(say("tuple_type", what=what, names="(g_row, g_col)", got=type_name(result)))
    assert_close(result[0], data["grad_rows"], what + " -> g_row", atol=1e-9)
    assert_close(result[1], data["grad_cols"], what + " -> g_col", atol=1e-9)


def check_cell_histograms(cell_histograms) -> None:
    """Mean magnitude per orientation bin and cell, on fixed magnitude / orientation maps."""
    data = expected()
    mag, ori = data["cells_magnitude"], data["cells_orientation"]
    for orientations, ppc in ((9, 4), (4, 3)):
        what = say("f_cells", shape=mag.shape, orientations=orientations, ppc=ppc)
        got = call(cell_histograms, mag, ori, orientations=orientations, pixels_per_cell=ppc, what=what)
        assert_close(got, data[f"cells_o{orientations}_p{ppc}"], what, atol=1e-9)


def check_hog_pipeline(my_hog) -> None:
    """Your gradients + cell histograms + the given block normalisation equal
    ``skimage.feature.hog`` on a grey photo: 9 orientations, 8 x 8 pixels per cell,
    2 x 2 cells per block (scikit-image's default is 3 x 3), L2-Hys."""
    from skimage.feature import hog as skimage_hog

    image = expected()["hog_photo"]
    what = say("f_hog", shape=image.shape)
    want = skimage_hog(image, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2),
                       block_norm="L2-Hys", feature_vector=True, channel_axis=None)
    got = call(my_hog, image, orientations=9, pixels_per_cell=8, cells_per_block=2, what=what)
    assert_close(got, want, say("f_vs_skimage", what=what), atol=1e-6)


# -- concatenation --------------------------------------------------------------------

def linear_features(images, W):
    """Features of a batch: the flattened images times ``W`` (shape (H*W*C, F)) -> (N, F)."""
    return images.reshape(images.shape[0], -1) @ W


def _mean_rgb(images):
    return images.reshape(images.shape[0], -1, 3).mean(axis=1)


def _brightness_range(images):
    grey = images.mean(axis=-1).reshape(images.shape[0], -1)
    return np.stack([grey.min(axis=1), grey.max(axis=1)], axis=1)


def check_concat_features(extract_features) -> None:
    """``extract_features(images, [f, g])`` puts f's and g's features side by side per image."""
    images = expected()["concat_images"]
    n = images.shape[0]
    what = say("f_concat_two", shape=images.shape)
    got = call(extract_features, images, [_mean_rgb, _brightness_range], what=what)
    want = np.concatenate([_mean_rgb(images), _brightness_range(images)], axis=1)
    assert_close(got, want, what, atol=1e-9)
    what_one = say("f_concat_one", shape=images.shape)
    got = as_result_array(call(extract_features, images, [_brightness_range], what=what_one), what_one)
    assert_shape(got, (n, 2), what_one)
