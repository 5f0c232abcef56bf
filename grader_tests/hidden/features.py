"""Hidden checks of assignment ``01_features`` (instructor only).

Random inputs drawn from a seed per student and exercise
(:func:`grader_tests.harness.student_rng`), compared with the ``coursework``
reference. Messages describe the inputs but never print them.
"""

from __future__ import annotations

import numpy as np

from coursework import features

from ..features import linear_features
from ..harness import assert_close, call, public, student_rng, type_name
from ..messages import say as say_visible
from .messages import say

ASSIGNMENT = "01_features"


def _random_image(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """uint8 noise with flat patches and exact 0 / 255 values, to reach every edge case."""
    img = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    img[: h // 3, : w // 3] = rng.integers(0, 256, size=3, dtype=np.uint8)
    img[-1, -1] = (0, 255, 128)
    return img


def check_histogram_random(color_histogram) -> None:
    rng = student_rng(ASSIGNMENT, "color_histogram")
    for trial in range(4):
        h, w = rng.integers(3, 40, size=2)
        bins = int(rng.choice([1, 2, 3, 5, 8, 16]))
        image = _random_image(rng, int(h), int(w))
        what = say("f_hist", k=trial + 1, shape=image.shape, bins=bins)
        want = features.color_histogram(image, bins=bins)
        assert_close(call(color_histogram, image, bins=bins, what=what), want, what, atol=1e-9)


def check_gradients_random(image_gradients) -> None:
    rng = student_rng(ASSIGNMENT, "image_gradients")
    for trial in range(3):
        h, w = (int(v) for v in rng.integers(3, 30, size=2))
        image = rng.random((h, w))
        what = say("f_gradients", k=trial + 1, shape=image.shape)
        result = call(image_gradients, image, what=what)
        if not isinstance(result, tuple) or len(result) != 2:
            raise AssertionError(say_visible("tuple_type", what=what, names="(g_row, g_col)",
                                             got=type_name(result)))
        want_row, want_col = features.image_gradients(image)
        assert_close(result[0], want_row, what + " -> g_row", atol=1e-9)
        assert_close(result[1], want_col, what + " -> g_col", atol=1e-9)


def check_cell_histograms_random(cell_histograms) -> None:
    rng = student_rng(ASSIGNMENT, "cell_histograms")
    for trial in range(3):
        orientations = int(rng.integers(2, 13))
        p = int(rng.integers(2, 9))
        h, w = (int(v) for v in rng.integers(p, 5 * p + p - 1, size=2))
        magnitude = rng.random((h, w)) * 2
        width = 180.0 / orientations
        orientation = rng.random((h, w)) * 180
        edges = rng.random((h, w)) < 0.2  # exactly on a bin edge
        orientation[edges] = width * rng.integers(0, orientations, size=int(edges.sum()))
        what = say("f_cells", k=trial + 1, shape=(h, w), orientations=orientations, ppc=p)
        got = call(cell_histograms, magnitude, orientation, orientations=orientations, pixels_per_cell=p, what=what)
        assert_close(got, features.orientation_histograms(magnitude, orientation, orientations, p), what, atol=1e-9)


def check_concat_features_random(extract_features) -> None:
    rng = student_rng(ASSIGNMENT, "extract_features")
    n = int(rng.integers(2, 7))
    images = rng.random((n, 6, 5, 3))
    widths = [int(w) for w in rng.integers(1, 5, size=int(rng.integers(1, 4)))]
    weights = [rng.standard_normal((6 * 5 * 3, w)) for w in widths]
    extractors = [public(linear_features, W=W) for W in weights]
    what = say("f_concat", shape=images.shape, n=len(extractors), widths=widths)
    want = np.concatenate([f(images) for f in extractors], axis=1)
    assert_close(call(extract_features, images, extractors, what=what), want, what, atol=1e-9)
