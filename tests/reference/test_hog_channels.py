"""channel_axis as scikit-image has it: -1 colour (any C >= 1), None grey; nothing guessed from the shape."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from skimage import data
from skimage.feature import hog as sk_hog

from coursework.features import color_histogram, hog, hog_image

hog_module = importlib.import_module("coursework.features.hog")
hog_numpy = importlib.import_module("coursework.features._hog_numpy")

ATOL = 1e-6          # scikit-image sums cells in float32
PARAMS = dict(orientations=9, pixels_per_cell=(6, 6), cells_per_block=(2, 2), block_norm="L2-Hys")


def sk(images, channel_axis, batched=True, **params):
    """skimage.feature.hog per image, stacked."""
    params = params or PARAMS
    if not batched:
        return sk_hog(images, channel_axis=channel_axis, feature_vector=True, **params)
    return np.stack([sk_hog(img, channel_axis=channel_axis, feature_vector=True, **params) for img in images])


def worst(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def random_images(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, shape).astype(np.uint8) if dtype == np.uint8 else rng.random(shape)


@pytest.mark.parametrize("dtype", [np.uint8, np.float64], ids=["uint8", "float64"])
@pytest.mark.parametrize("channels", [1, 3, 4, None], ids=["C1", "C3", "C4", "grey"])
def test_equals_skimage_for_1_3_4_channels_and_grey(backend, channels, dtype):
    shape = (3, 20, 25) if channels is None else (3, 20, 25, channels)
    images = random_images(shape, dtype, seed=channels or 0)
    axis = None if channels is None else -1
    batch = hog(backend.put(images), **PARAMS, channel_axis=axis)
    backend.check_on(batch)
    want = sk(images, axis)
    assert worst(backend.host(batch), want) <= ATOL
    single = hog(backend.put(images[1]), **PARAMS, channel_axis=axis)
    assert worst(backend.host(single), want[1]) <= ATOL


def test_rgba_photo_gives_skimages_result():
    photo = data.astronaut()[100:260, 150:310]
    alpha = (np.add.outer(np.arange(160), np.arange(160)) % 256).astype(np.uint8)   # an alpha with edges
    rgba = np.concatenate([photo, alpha[..., None]], axis=-1)
    ours = hog(rgba, **PARAMS, channel_axis=-1)
    assert worst(ours, sk(rgba, -1, batched=False)) <= ATOL
    assert worst(ours, sk(photo, -1, batched=False)) > 1e-3        # the alpha's gradients count
    assert worst(hog(rgba.astype(np.float64) / 255, **PARAMS, channel_axis=-1), sk(rgba / 255, -1, batched=False)) <= ATOL


def test_one_channel_last_is_the_grey_image():
    grey = random_images((2, 18, 24), np.float64, seed=5)
    last = grey[..., None]
    assert worst(hog(last, **PARAMS, channel_axis=-1), sk(last, -1)) <= ATOL
    assert worst(hog(last, **PARAMS, channel_axis=-1), hog(grey, **PARAMS, channel_axis=None)) <= 1e-12


def test_a_batch_of_grey_images_of_width_3_is_grey():
    params = dict(orientations=4, pixels_per_cell=(3, 3), cells_per_block=(1, 1), block_norm="L1")
    images = random_images((5, 12, 3), np.float64, seed=7)          # 5 grey images of 12 x 3
    grey = hog(images, **params, channel_axis=None)
    assert grey.shape == (5, 4 * 1 * 4)
    assert worst(grey, sk(images, None, **params)) <= ATOL
    colour = hog(images, **params, channel_axis=-1)                 # the same array, channels last: one image
    assert colour.shape == (1 * 4 * 4,)
    assert worst(colour, sk(images, -1, batched=False, **params)) <= ATOL


@pytest.mark.parametrize("channels", [1, 2, 4, 5, 9])
def test_uint8_fast_path_equals_generic_for_other_channel_counts(channels):
    images = random_images((6, 17, 19, channels), np.uint8, seed=channels)
    generic = hog_module._cell_histograms_generic(images, 9, (4, 4))
    np.testing.assert_array_equal(hog_numpy.cell_histograms_uint8(images, 9, (4, 4)), generic)
    np.testing.assert_array_equal(hog_module.cell_histograms(images, 9, (4, 4)), generic)   # the fast path, any C
    assert worst(hog(images, **PARAMS, channel_axis=-1), sk(images, -1)) <= ATOL


@pytest.mark.parametrize("shape, axis", [((20, 25, 3), 2), ((2, 20, 25, 4), 3), ((20, 25, 3), -1)])
def test_the_last_axis_may_be_named_by_its_index(shape, axis):
    images = random_images(shape, np.float64)
    assert worst(hog(images, **PARAMS, channel_axis=axis), hog(images, **PARAMS, channel_axis=-1)) == 0.0


@pytest.mark.parametrize("func", [hog, hog_image, color_histogram], ids=lambda f: f.__name__)
@pytest.mark.parametrize("axis, error, match", [
    (0, ValueError, r"expected the channels in the last axis \(channel_axis=-1 or 2 for shape \(16, 16, 3\)\), "
                    r"got channel_axis=0; move them there first \(e.g. np.moveaxis\(images, 0, -1\)\)"),
    (-3, ValueError, r"expected the channels in the last axis .* got channel_axis=-3;"),
    (5, ValueError, r"expected the channels in the last axis .* got channel_axis=5;"),
    (True, TypeError, r"expected channel_axis to be an int \(-1: the channels are the last axis\) or None "
                      r"\(grey images\), got True \(bool\)"),
    ("last", TypeError, r"expected channel_axis to be an int .* got 'last' \(str\)"),
    (1.0, TypeError, r"expected channel_axis to be an int .* got 1.0 \(float\)"),
])
def test_bad_channel_axis(func, axis, error, match):
    with pytest.raises(error, match=f"{func.__name__}: {match}"):
        func(np.zeros((16, 16, 3)), channel_axis=axis)


def test_color_histogram_takes_channels_last_and_refuses_grey():
    images = random_images((2, 5, 4, 3), np.uint8)
    np.testing.assert_array_equal(color_histogram(images, bins=3, channel_axis=3), color_histogram(images, bins=3))
    with pytest.raises(ValueError, match=r"color_histogram: expected images with 3 channels \(channel_axis=-1\); "
                                         r"channel_axis=None \(grey images\) does not apply"):
        color_histogram(images[..., 0], channel_axis=None)
    with pytest.raises(ValueError, match=r"color_histogram: expected images with 3 channels in the last axis, "
                                         r"shape \(H, W, 3\) or \(N, H, W, 3\), got shape \(5, 4, 4\) \(4 channels\)"):
        color_histogram(np.zeros((5, 4, 4), dtype=np.uint8))


@pytest.mark.parametrize("channels", [4, 1, None], ids=["RGBA", "C1", "grey"])
def test_hog_image_follows_channel_axis_like_skimage(channels):
    photo = data.coffee()[50:170, 100:260]
    image = (photo.mean(axis=-1) if channels is None else
             photo[..., :1] if channels == 1 else
             np.concatenate([photo, photo[..., :1][::-1]], axis=-1))
    axis = None if channels is None else -1
    _, ref = sk_hog(image, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(1, 1), visualize=True,
                    channel_axis=axis)
    ours = hog_image(image, orientations=9, pixels_per_cell=(8, 8), channel_axis=axis)
    assert worst(ours, ref) <= 1e-6 * np.abs(ref).max()


def test_the_experiments_pass_grey_images_as_grey():
    from coursework.experiments.features_vs_pixels import REPRESENTATIONS

    images = random_images((3, 16, 16, 3), np.float64, seed=11)     # grey (3, 16, 16) read as colour: 1 image
    grey = images.mean(axis=-1)
    want = sk(grey, None, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys")
    assert worst(REPRESENTATIONS["HoG"](images), want) <= ATOL
    both = REPRESENTATIONS["histogram + HoG"](images)
    assert worst(both[:, 64:], want) <= ATOL
