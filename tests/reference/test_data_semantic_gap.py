"""semantic_gap_images: each knob really changes the pixels, and more with a larger value."""

from __future__ import annotations

import numpy as np
import pytest

from coursework.data import semantic_gap_images

KNOBS = ("viewpoint", "clutter", "illumination")
LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)


def mean_within_class_distance(ds) -> np.ndarray:
    """Per class, the mean L2 distance between the pixel vectors of two different images."""
    out = []
    for k in range(len(ds.class_names)):
        Z = ds.X[ds.y == k].reshape(int(np.sum(ds.y == k)), -1)
        m = Z.shape[0]
        D = np.sqrt(np.sum((Z[:, None, :] - Z[None, :, :]) ** 2, axis=-1))
        out.append(D.sum() / (m * (m - 1)))
    return np.array(out)


def test_shapes_dtype_range_balance():
    ds = semantic_gap_images(10, 1.0, 1.0, 1.0, size=24, rng=0)
    assert ds.X.shape == (10, 24, 24, 3) and ds.X.dtype == np.float64
    assert 0.0 <= ds.X.min() and ds.X.max() <= 1.0
    assert ds.y.dtype == np.int64 and np.all(np.diff(ds.y) >= 0)
    counts = np.bincount(ds.y, minlength=4)
    assert counts.max() - counts.min() <= 1 and ds.class_names == ("cat", "house", "car", "tree")


def test_canonical_images_identical_within_class_and_distinct_between():
    ds = semantic_gap_images(12, rng=3)
    for k in range(4):
        members = ds.X[ds.y == k]
        assert all(np.array_equal(members[0], image) for image in members[1:])
    firsts = [ds.X[ds.y == k][0] for k in range(4)]
    for a in range(4):
        for b in range(a + 1, 4):
            assert np.abs(firsts[a] - firsts[b]).mean() > 0.01, (ds.class_names[a], ds.class_names[b])


@pytest.mark.parametrize("knob", KNOBS)
def test_within_class_distance_grows_with_each_knob(knob):
    distances = np.array([mean_within_class_distance(semantic_gap_images(40, **{knob: level}, rng=7))
                          for level in LEVELS])  # (levels, classes)
    assert np.all(distances[0] == 0.0), f"{knob}=0: images of a class differ: {distances[0]}"
    steps = np.diff(distances, axis=0)
    worst = np.unravel_index(np.argmin(steps), steps.shape)
    assert steps.min() > 0.0, (f"{knob}: within-class distance did not grow from {LEVELS[worst[0]]} to "
                               f"{LEVELS[worst[0] + 1]} for class {worst[1]}: {distances[:, worst[1]]}")


@pytest.mark.parametrize("knob", KNOBS)
def test_each_knob_alone_changes_pixels(knob):
    base = semantic_gap_images(4, rng=1)
    turned = semantic_gap_images(4, **{knob: 0.5}, rng=1)
    assert np.all(np.abs(turned.X - base.X).reshape(4, -1).max(axis=1) > 0.05)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n=-1), ValueError, "n"), (dict(n=0), ValueError, "n"), (dict(n=3.0), TypeError, "n"),
    (dict(viewpoint=1.5), ValueError, r"viewpoint to be a number in \[0, 1\]"),
    (dict(clutter=-0.1), ValueError, "clutter"), (dict(illumination="dim"), TypeError, "illumination"),
    (dict(illumination=float("nan")), ValueError, "illumination"), (dict(size=4), ValueError, "size >= 8"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        semantic_gap_images(**{"n": 4, **kwargs})
