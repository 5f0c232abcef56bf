"""The lecture's claims, asserted: the semantic gap in pixels, and features beating
pixels with little data."""

from __future__ import annotations

import numpy as np
import pytest

from coursework.experiments import features_vs_pixels, semantic_gap_distances


def test_semantic_gap_grows_with_every_knob_and_passes_the_class_distance():
    result = semantic_gap_distances(levels=(0.0, 0.5, 1.0), n_per_class=6, rng=0)
    for knob, distances in result["same_class"].items():
        assert distances[0] == 0.0, knob               # canonical images of a class are identical
        assert np.all(np.diff(distances) > 0), (knob, distances)
    between = result["between_classes"]
    # Clutter, illumination and all three together push images of ONE class further
    # apart than canonical images of DIFFERENT classes.
    for knob in ("clutter", "illumination", "all three"):
        assert result["same_class"][knob][-1] > between, (knob, result)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_colour_histogram_beats_pixels_with_ten_examples_per_class(seed):
    acc = features_vs_pixels(n_train_per_class=10, n_test_per_class=60, rng=seed)
    assert set(acc) == {"pixels", "colour histogram", "HoG", "histogram + HoG"}
    assert acc["colour histogram"] >= acc["pixels"] + 0.05, acc
    assert acc["pixels"] > 0.25 + 0.1, acc                 # pixels are not useless, just worse
