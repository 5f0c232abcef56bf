"""Lecture topic 3 asserted on the helpers notebook 02_tensors calls: ranks (a scalar
has rank 0 -- the lecture note's "1-D scalar" is an erratum), image / batch / video
shapes, and the broadcasting rule."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from coursework import data
from coursework.experiments.tensors import (broadcast_steps, format_rank_table, plot_broadcasting, rank_table,
                                            shifted_crops)

matplotlib.use("Agg")


def test_ranks_scalar_0_vector_1_matrix_2_image_3_batch_and_video_4_batch_of_videos_5():
    cat = data.photo("chelsea")
    video = shifted_crops(cat, frames=6, size=(150, 150), step=(0, 40))
    rows = rank_table({"scalar": np.float64(0.5), "python number": 3, "vector": np.zeros(3),
                       "matrix": np.eye(2, 3), "image": cat, "batch": np.stack([cat, cat]), "video": video,
                       "videos": video[None]})
    ranks = {r["name"]: r["rank"] for r in rows}
    assert ranks == {"scalar": 0, "python number": 0, "vector": 1, "matrix": 2, "image": 3, "batch": 4,
                     "video": 4, "videos": 5}
    shapes = {r["name"]: r["shape"] for r in rows}
    assert shapes["scalar"] == () and shapes["image"] == (300, 451, 3)       # H x W x C
    assert shapes["video"] == (6, 150, 150, 3)                                 # T x H x W x C
    assert {r["name"]: r["size"] for r in rows}["scalar"] == 1


def test_format_rank_table_lines_up_the_columns():
    text = format_rank_table(rank_table({"scalar": 1.0, "image": np.zeros((4, 5, 3), np.uint8)}))
    lines = text.splitlines()
    assert lines[0].split() == ["name", "rank", "shape", "size", "dtype"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[3].split()[:2] == ["image", "3"] and "(4, 5, 3)" in lines[3]
    assert all(line == line.rstrip() for line in lines)


def test_shifted_crops_are_the_windows_of_the_photo():
    image = np.arange(20 * 30 * 3).reshape(20, 30, 3)
    video = shifted_crops(image, frames=4, size=(5, 6), step=(2, 3), start=(1, 2))
    assert video.shape == (4, 5, 6, 3) and video.dtype == image.dtype
    for t in range(4):
        np.testing.assert_array_equal(video[t], image[1 + 2 * t:6 + 2 * t, 2 + 3 * t:8 + 3 * t])
    with pytest.raises(ValueError, match="last frame inside the image"):
        shifted_crops(image, frames=10, size=5, step=(0, 3))
    with pytest.raises(ValueError, match=r"expected an image of shape \(H, W, C\)"):
        shifted_crops(image[..., 0])
    with pytest.raises(ValueError, match="non-negative"):
        shifted_crops(image, step=(0, -1), size=4)


@pytest.mark.parametrize("a,b", [((3, 1), (4,)), ((5, 4), (4,)), ((8, 32, 32, 3), (3,)), ((8, 3, 32, 32), (3, 1, 1)),
                                 ((), (2, 3)), ((1,), (1, 1, 1)), ((2, 1, 4), (3, 1))])
def test_broadcast_steps_agree_with_numpy(a, b):
    given, padded, result = broadcast_steps(a, b)
    assert given == (a, b)
    assert len(padded[0]) == len(padded[1]) == max(len(a), len(b))
    assert padded[0][-len(a):] == a if a else True
    assert result[0] == result[1] == np.broadcast_shapes(a, b)


@pytest.mark.parametrize("a,b", [((8, 3, 32, 32), (3,)), ((3, 4), (3,)), ((2, 5), (4, 5, 2))])
def test_broadcast_steps_refuse_what_numpy_refuses(a, b):
    with pytest.raises(ValueError):
        np.broadcast_shapes(a, b)
    with pytest.raises(ValueError, match="do not broadcast"):
        broadcast_steps(a, b)


def test_channels_first_needs_the_vector_reshaped_and_silently_misaligns_when_w_equals_c():
    """The trap of exercise 3: (C,) lines up with the width of (N, C, H, W)."""
    rng = np.random.default_rng(0)
    batch = rng.random((2, 3, 4, 3))                        # W == C == 3
    mean = np.array([0.1, 0.5, 0.9])
    silent = batch - mean                                    # no error ...
    right = batch - mean[:, None, None]
    assert silent.shape == right.shape and not np.allclose(silent, right)   # ... wrong numbers


def test_plot_broadcasting_draws_both_operands_and_the_sum():
    import matplotlib.pyplot as plt

    fig = plot_broadcasting(np.array([[0.0], [10.0], [20.0]]), np.arange(4.0), title="t")
    ax = fig.axes[0]
    assert len(ax.patches) == 3 * 12                        # three 3 x 4 grids
    texts = [t.get_text() for t in ax.texts]
    assert "23" in texts and "a + b (3, 4)" in texts
    with pytest.raises(ValueError, match="rank <= 2"):
        plot_broadcasting(np.zeros((2, 2, 2)), 1.0)
    plt.close("all")
