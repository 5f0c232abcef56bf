"""The plots draw what they claim (headless)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursework import plotting  # noqa: E402
from coursework.features import color_histogram, hog_image  # noqa: E402


def test_color_histogram_bars_are_painted_in_their_bin_colour():
    image = np.zeros((4, 4, 3), dtype=np.uint8)
    image[:2] = (255, 0, 0)
    fig = plotting.plot_color_histogram(color_histogram(image, bins=2), bins=2)
    bars = fig.axes[0].patches
    assert len(bars) == 8
    heights = [b.get_height() for b in bars]
    assert heights[0] == 0.5 and heights[4] == 0.5          # black and red, half each
    assert bars[4].get_facecolor()[:3] == pytest.approx((0.75, 0.25, 0.25))


def test_color_histogram_plot_rejects_wrong_length():
    with pytest.raises(ValueError, match=r"expected hist of shape \(8,\) for bins=2, got shape \(27,\)"):
        plotting.plot_color_histogram(np.zeros(27), bins=2)


def test_show_images_makes_one_axes_per_image_with_titles():
    fig = plotting.show_images(np.zeros((5, 8, 8, 3)), titles=list("abcde"), ncols=3)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == list("abcde")
    assert len(fig.axes) == 6


def test_accuracy_bars_are_labelled():
    fig = plotting.plot_accuracies({"pixels": 0.5, "features": 0.75}, chance=0.25)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["50%", "75%"]


def test_hog_overlay_is_opaque_only_on_the_lines():
    image = np.zeros((32, 32))
    image[:, 16:] = 1.0
    fig = plotting.plot_hog(image, hog_image(image, channel_axis=None))
    overlay = fig.axes[0].images[-1].get_array()
    alpha = np.asarray(overlay)[..., 3]
    assert alpha.max() == pytest.approx(1.0)
    assert (alpha == 0).mean() > 0.5                          # most of the picture shows the photo


def test_the_plotting_package_reexports_every_topic_module_function():
    from coursework.plotting import activations, features, overfitting, training

    for module in (features, activations, training, overfitting):
        for name in module.__all__:
            assert getattr(plotting, name) is getattr(module, name), name
    assert set(plotting.__all__) >= {"show_images", "plot_decision_regions", "plot_curves", "plot_polynomial_fits"}
