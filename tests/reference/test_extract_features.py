"""extract_features: the extractors' features side by side, one row per image."""

from __future__ import annotations

import numpy as np
import pytest

from coursework.features import color_histogram, extract_features, hog


def images_for(backend):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (3, 16, 20, 3), dtype=np.uint8)


def test_batch_concatenation(backend):
    images = images_for(backend)
    x = backend.put(images)
    params = dict(orientations=4, pixels_per_cell=8, cells_per_block=1, channel_axis=-1)
    out = extract_features(x, [(color_histogram, {"bins": 2}), (hog, params), color_histogram])
    backend.check_on(out)
    assert tuple(out.shape) == (3, 8 + 2 * 2 * 4 + 512)
    host = backend.host(out)
    np.testing.assert_array_equal(host[:, :8], backend.host(color_histogram(x, bins=2)))
    np.testing.assert_array_equal(host[:, 8:24], backend.host(hog(x, **params)))
    np.testing.assert_array_equal(host[:, 24:], backend.host(color_histogram(x)))


def test_single_image_gives_one_vector(backend):
    img = images_for(backend)[1]
    x = backend.put(img)
    colour_hog = (hog, {"cells_per_block": (2, 2), "channel_axis": -1})
    out = extract_features(x, [colour_hog, (color_histogram, {"bins": 3})])
    backend.check_on(out)
    assert out.ndim == 1
    host = backend.host(out)
    np.testing.assert_array_equal(host[:-27], backend.host(hog(x, cells_per_block=(2, 2), channel_axis=-1)))
    np.testing.assert_array_equal(host[-27:], backend.host(color_histogram(x, bins=3)))
    # the same numbers as the row of the batch
    batch = backend.host(extract_features(backend.put(images_for(backend)), [colour_hog, (color_histogram, {"bins": 3})]))
    np.testing.assert_allclose(host, batch[1], rtol=0, atol=1e-12)


def test_float32_and_float64_features_promote(backend):
    x = backend.put(images_for(backend).astype(np.float32) / 255)
    out = extract_features(x, [(hog, {"cells_per_block": (2, 2), "channel_axis": -1}),   # float32
                               (color_histogram, {"bins": 2})])                           # and float64
    assert out.dtype == backend.xp.float64


def test_empty_list():
    with pytest.raises(ValueError, match=r"extract_features: expected at least one extractor, got an empty list"):
        extract_features(np.zeros((2, 8, 8, 3)), [])


@pytest.mark.parametrize("extractors, match", [
    (color_histogram, r"expected a list of extractors .* got function"),
    ([color_histogram, 3], r"expected each extractor to be a callable or a \(callable, kwargs dict\) pair, got 3"),
    ([(color_histogram, 8)], r"expected each extractor .* got \(<function color_histogram"),
])
def test_bad_extractor_lists(extractors, match):
    with pytest.raises(TypeError, match="extract_features: " + match):
        extract_features(np.zeros((2, 8, 8, 3)), extractors)


def test_different_number_of_images(backend):
    def first_two(images):
        return color_histogram(images[:2, ...], bins=2)

    with pytest.raises(ValueError, match=r"extract_features: expected first_two to return features for 3 images "
                                         r"like color_histogram, got 2 \(shape \(2, 8\)\)"):
        extract_features(backend.put(images_for(backend)), [color_histogram, first_two])


def test_vector_where_a_batch_is_expected(backend):
    def mean_image(images):
        return color_histogram(images[0, ...], bins=2)

    with pytest.raises(ValueError, match=r"expected mean_image to return a batch \(N, F\) like color_histogram "
                                         r"\(shape \(3, 512\)\), got shape \(8,\)"):
        extract_features(backend.put(images_for(backend)), [color_histogram, mean_image])


def test_wrong_rank_output(backend):
    def pictures(images):
        return images

    with pytest.raises(ValueError, match=r"expected pictures to return shape \(F,\) for one image or \(N, F\) "
                                         r"for a batch, got shape \(3, 16, 20, 3\)"):
        extract_features(backend.put(images_for(backend)), [pictures])
