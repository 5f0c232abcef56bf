"""hog and hog_image called exactly as scikit-image's documentation and tests call
``skimage.feature.hog``: grey images without ``channel_axis``, colour ones with
``channel_axis=-1``, every other parameter at its default (or given positionally).
Equal within 1e-6 (scikit-image sums the cells in float32), descriptor length included.
"""

from __future__ import annotations

import numpy as np
import pytest
from skimage import color, data, img_as_float
from skimage.feature import hog as sk_hog

from coursework.features import hog, hog_image

ATOL = 1e-6


def assert_equal_to_skimage(ours, theirs, what: str) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: scikit-image gives shape {theirs.shape}, we give {ours.shape}"
    err = np.abs(ours.astype(np.float64) - theirs.astype(np.float64))
    worst = np.unravel_index(np.argmax(err), err.shape)
    assert err[worst] <= ATOL, f"{what}: max |ours - skimage| = {err[worst]:.3g} at {worst}"


GREY = {
    "camera (uint8)": lambda: data.camera(),
    "astronaut rgb2gray (float64)": lambda: color.rgb2gray(data.astronaut()),
    "astronaut[:256] mean (float64)": lambda: img_as_float(data.astronaut()[:256, :].mean(axis=2)),
    "coins crop (uint8, 150 x 200)": lambda: data.coins()[:150, :200],
    "noise (float32, 61 x 45)": lambda: np.random.default_rng(0).random((61, 45)).astype(np.float32),
}
COLOUR = {
    "astronaut (uint8)": lambda: data.astronaut(),
    "chelsea crop (uint8, 64 x 64)": lambda: data.chelsea()[100:164, 150:214],
    "coffee (float64)": lambda: img_as_float(data.coffee()[:200, :300]),
    "noise RGBA (uint8, 40 x 56)": lambda: np.random.default_rng(1).integers(0, 256, (40, 56, 4), dtype=np.uint8),
}


@pytest.mark.parametrize("name", GREY)
def test_grey_image_every_default(name):
    image = GREY[name]()
    ours, theirs = hog(image), sk_hog(image)
    assert_equal_to_skimage(ours, theirs, f"hog({name})")
    assert ours.dtype == theirs.dtype


@pytest.mark.parametrize("name", COLOUR)
def test_colour_image_channel_axis_only(name):
    image = COLOUR[name]()
    assert_equal_to_skimage(hog(image, channel_axis=-1), sk_hog(image, channel_axis=-1), f"hog({name}, channel_axis=-1)")


def test_the_issues_64x64_colour_image_has_scikit_images_length():
    image = COLOUR["chelsea crop (uint8, 64 x 64)"]()
    # 8 x 8 cells, 6 x 6 blocks of 3 x 3 cells, 9 bins (the lecture's 2 x 2 blocks would give 1,764)
    assert hog(image, channel_axis=-1).shape == sk_hog(image, channel_axis=-1).shape == (2916,)
    assert hog(image, cells_per_block=(2, 2), channel_axis=-1).shape == (1764,)


def test_the_documentation_example():
    # skimage's gallery "Histogram of Oriented Gradients": the astronaut, 8 orientations,
    # 16 x 16 cells, 1 x 1 blocks, visualize=True, channel_axis=-1.
    image = data.astronaut()
    fd, picture = sk_hog(image, orientations=8, pixels_per_cell=(16, 16), cells_per_block=(1, 1), visualize=True,
                         channel_axis=-1)
    ours = hog(image, orientations=8, pixels_per_cell=(16, 16), cells_per_block=(1, 1), channel_axis=-1)
    assert_equal_to_skimage(ours, fd, "gallery example, descriptor")
    drawn = hog_image(image, orientations=8, pixels_per_cell=(16, 16), channel_axis=-1)
    assert_equal_to_skimage(drawn / picture.max(), picture / picture.max(), "gallery example, picture")


@pytest.mark.parametrize("kwargs, length", [
    (dict(orientations=9, pixels_per_cell=(8, 8), cells_per_block=(1, 1), block_norm="L1"), 9 * (256 // 8) * (512 // 8)),
    (dict(orientations=9, pixels_per_cell=(8, 8), cells_per_block=(1, 1)), 9 * (256 // 8) * (512 // 8)),
    (dict(pixels_per_cell=(8, 8), cells_per_block=(1, 1)), 9 * (256 // 8) * (512 // 8)),
    (dict(block_norm="L2"), (256 // 8 - 2) * (512 // 8 - 2) * 9 * 9),
])
def test_scikit_image_test_suite_calls(kwargs, length):
    # the output-size calls of skimage/feature/tests/test_hog.py, on its grey astronaut
    image = img_as_float(data.astronaut()[:256, :].mean(axis=2))
    ours = hog(image, **kwargs)
    assert ours.shape == (length,)
    assert_equal_to_skimage(ours, sk_hog(image, **kwargs), f"hog(image, {kwargs})")


def test_positional_parameters_in_scikit_images_order():
    image = GREY["coins crop (uint8, 150 x 200)"]()
    args = (6, (10, 12), (2, 3), "L1-sqrt")         # orientations, pixels_per_cell, cells_per_block, block_norm
    assert_equal_to_skimage(hog(image, *args), sk_hog(image, *args), f"hog(image, *{args})")


def test_a_grey_batch_with_every_default_equals_scikit_image_per_image():
    images = np.random.default_rng(2).integers(0, 256, (5, 40, 48), dtype=np.uint8)
    ours = hog(images)
    assert ours.shape == (5, sk_hog(images[0]).size)
    for i, image in enumerate(images):
        assert_equal_to_skimage(ours[i], sk_hog(image), f"image {i} of a grey batch")


@pytest.mark.parametrize("name", ["camera (uint8)", "astronaut rgb2gray (float64)"])
def test_hog_image_of_a_grey_image_every_default(name):
    image = GREY[name]()
    _, picture = sk_hog(image, visualize=True)
    drawn = hog_image(image)
    assert drawn.shape == picture.shape
    assert_equal_to_skimage(drawn / picture.max(), picture / picture.max(), f"hog_image({name})")


@pytest.mark.parametrize("name", ["astronaut (uint8)", "noise RGBA (uint8, 40 x 56)"])
def test_hog_image_of_a_colour_image_channel_axis_only(name):
    image = COLOUR[name]()
    _, picture = sk_hog(image, visualize=True, channel_axis=-1)
    drawn = hog_image(image, channel_axis=-1)
    assert_equal_to_skimage(drawn / picture.max(), picture / picture.max(), f"hog_image({name}, channel_axis=-1)")
