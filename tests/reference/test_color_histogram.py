"""color_histogram: equal to np.histogramdd / n_pixels, on every backend."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from coursework import backend as B
from coursework.features import color_histogram

# The package's attribute ``color_histogram`` is the function; this is the module.
ch_module = importlib.import_module("coursework.features.color_histogram")


def reference(images: np.ndarray, bins: int) -> np.ndarray:
    """np.histogramdd per image, divided by the pixel count: (N, H, W, 3) -> (N, bins**3)."""
    images = np.asarray(images)
    value_range = [(0, 1)] * 3 if images.dtype.kind == "f" else [(0, 256)] * 3
    out = []
    for img in images:
        pixels = img.reshape(-1, 3)
        out.append(np.histogramdd(pixels, bins=bins, range=value_range)[0].ravel() / pixels.shape[0])
    return np.stack(out)


def random_uint8(rng, shape):
    return rng.integers(0, 256, shape, dtype=np.uint8)


def edge_floats(rng, shape, bins):
    """Floats in [0, 1] with many values exactly on histogramdd's bin edges (0, 1.0, 0.3, ...)."""
    specials = np.concatenate([np.linspace(0, 1, bins + 1), [0.0, 1.0, 0.3, 0.1, 0.7, 0.5, np.nextafter(1, 0)]])
    values = rng.random(shape)
    pick = rng.random(shape) < 0.5
    return np.where(pick, rng.choice(specials, size=shape), values)


def small_shape(backend, big):
    """Batch shape: small on the strict backends (one-hot bincount fallback)."""
    return big if backend.name == "numpy" else (3, 5, 4, 3)


@pytest.mark.parametrize("bins", [1, 2, 3, 7, 8, 10])
def test_uint8_equals_histogramdd(backend, bins):
    rng = np.random.default_rng(bins)
    images = random_uint8(rng, small_shape(backend, (6, 17, 23, 3)))
    images[0, 0, :3] = [[0, 0, 0], [255, 255, 255], [32, 64, 128]]   # extremes and edges
    out = color_histogram(backend.put(images), bins=bins)
    backend.check_on(out)
    assert out.dtype == backend.xp.float64
    np.testing.assert_array_equal(backend.host(out), reference(images, bins))


@pytest.mark.parametrize("bins", [1, 3, 8, 10])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_float_equals_histogramdd_on_edges(backend, bins, dtype):
    rng = np.random.default_rng(100 + bins)
    images = edge_floats(rng, small_shape(backend, (5, 13, 11, 3)), bins).astype(dtype)
    out = color_histogram(backend.put(images), bins=bins)
    backend.check_on(out)
    assert out.dtype == backend.xp.float64
    np.testing.assert_array_equal(backend.host(out), reference(images, bins))


def test_point_three_with_ten_bins_follows_histogramdd_not_floor(backend):
    # linspace(0, 1, 11)[3] == 0.30000000000000004 > 0.3, so histogramdd puts 0.3 in bin 2,
    # while floor(0.3 * 10) = 3. The value 1.0 goes into the last bin.
    img = np.array([[[0.3, 0.0, 1.0]]])
    out = backend.host(color_histogram(backend.put(img), bins=10))
    expected = np.zeros(1000)
    expected[(2 * 10 + 0) * 10 + 9] = 1.0
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out, reference(img[None], 10)[0])


@pytest.mark.parametrize("dtype", [np.int16, np.int64, np.uint16])
def test_other_integer_dtypes_are_values_0_to_255(backend, dtype):
    images = random_uint8(np.random.default_rng(5), (2, 4, 5, 3))
    out = color_histogram(backend.put(images.astype(dtype)), bins=4)
    backend.check_on(out)
    np.testing.assert_array_equal(backend.host(out), reference(images, 4))


def test_sums_to_one_and_batch_equals_single_images(backend):
    images = random_uint8(np.random.default_rng(7), small_shape(backend, (4, 9, 14, 3)))
    batch = color_histogram(backend.put(images))
    backend.check_on(batch)
    assert tuple(batch.shape) == (images.shape[0], 512)
    host = backend.host(batch)
    np.testing.assert_allclose(host.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    for i, img in enumerate(images):
        single = color_histogram(backend.put(img))
        backend.check_on(single)
        assert tuple(single.shape) == (512,)
        np.testing.assert_array_equal(backend.host(single), host[i])


@pytest.mark.parametrize("kind", ["uint8", "float"])
def test_enlargement_invariance(backend, kind):
    rng = np.random.default_rng(11)
    img = random_uint8(rng, (5, 6, 3)) if kind == "uint8" else edge_floats(rng, (5, 6, 3), 8)
    big = np.repeat(np.repeat(img, 2, axis=0), 2, axis=1)          # 2x nearest neighbour
    small_h = backend.host(color_histogram(backend.put(img), bins=6))
    big_h = backend.host(color_histogram(backend.put(big), bins=6))
    np.testing.assert_array_equal(small_h, big_h)


def test_input_not_modified():
    images = edge_floats(np.random.default_rng(2), (2, 4, 4, 3), 5)
    before = images.copy()
    color_histogram(images, bins=5)
    np.testing.assert_array_equal(images, before)


@pytest.mark.parametrize("bins", [1, 2, 5, 8, 13, 40])
def test_numpy_uint8_fast_path_equals_generic_path(bins):
    images = random_uint8(np.random.default_rng(bins), (70, 12, 9, 3))   # several chunks
    xp = B.namespace(images)
    fast = ch_module._counts_uint8_numpy(images, bins)
    generic = B.bincount(ch_module._flat_index(xp, images, bins), minlength=images.shape[0] * bins**3)
    np.testing.assert_array_equal(fast, generic)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), bins=st.integers(1, 12), n=st.integers(1, 3),
       h=st.integers(1, 6), w=st.integers(1, 6), is_float=st.booleans())
def test_property_equals_histogramdd(seed, bins, n, h, w, is_float):
    rng = np.random.default_rng(seed)
    images = edge_floats(rng, (n, h, w, 3), bins) if is_float else random_uint8(rng, (n, h, w, 3))
    np.testing.assert_array_equal(color_histogram(images, bins=bins), reference(images, bins))


# ---- errors: expected vs got -------------------------------------------------------------

@pytest.mark.parametrize("shape, match", [
    ((8, 8), r"expected colour images of shape \(H, W, 3\) or \(N, H, W, 3\) with channel_axis=-1, got shape "
             r"\(8, 8\)$"),
    ((2, 2, 4, 4, 3), r"expected colour images of shape .* got shape \(2, 2, 4, 4, 3\)$"),
    ((4, 4, 4), r"expected images with 3 channels .* got shape \(4, 4, 4\) \(4 channels\)"),
    ((2, 0, 4, 3), r"expected non-empty images .* got shape \(2, 0, 4, 3\)"),
])
def test_bad_shapes(backend, shape, match):
    with pytest.raises(ValueError, match=match):
        color_histogram(backend.put(np.zeros(shape, dtype=np.uint8)))


def test_nan_is_refused(backend):
    img = np.full((3, 3, 3), 0.5)
    img[1, 1, 1] = np.nan
    with pytest.raises(ValueError, match=r"expected finite values in images, got 1 NaN"):
        color_histogram(backend.put(img))


@pytest.mark.parametrize("value", [1.5, -0.25])
def test_floats_outside_0_1(backend, value):
    img = np.full((2, 2, 3), 0.5)
    img[0, 0, 0] = value
    with pytest.raises(ValueError, match=r"expected float images with values in \[0\.0, 1\.0\], got values in"):
        color_histogram(backend.put(img))


@pytest.mark.parametrize("value", [256, -1])
def test_integers_outside_0_255(backend, value):
    img = np.zeros((2, 2, 3), dtype=np.int16)
    img[0, 0, 0] = value
    with pytest.raises(ValueError, match=rf"expected integer images with values in \[0, 255\], got values in \[.*{value}"):
        color_histogram(backend.put(img))


def test_bool_images_are_refused(backend):
    with pytest.raises(TypeError, match=r"expected integer \(0\.\.255\) or float \(\[0, 1\]\) images, got dtype .*bool"):
        color_histogram(backend.put(np.zeros((2, 2, 3), dtype=bool)))


@pytest.mark.parametrize("bins, error, match", [
    (0, ValueError, r"expected bins to be a positive integer, got 0"),
    (-3, ValueError, r"expected bins to be a positive integer, got -3"),
    (2.5, TypeError, r"expected bins to be a positive integer, got 2\.5 \(float\)"),
    ("8", TypeError, r"expected bins to be a positive integer, got '8' \(str\)"),
    (True, TypeError, r"expected bins to be a positive integer, got True \(bool\)"),
])
def test_bad_bins(bins, error, match):
    with pytest.raises(error, match="color_histogram: " + match):
        color_histogram(np.zeros((2, 2, 3), dtype=np.uint8), bins=bins)
