"""Demos of 02 (tensors): an image batch drawn as blocks, and the shape operations on it."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..data import photo
from ..experiments.tensors import broadcast_steps, plot_broadcasting
from ._base import Demo

__all__ = ["BatchLayoutDemo", "BroadcastingDemo", "LAYOUTS"]

#: name -> (what it does to a (N, H, W, C) batch, the result's axis names)
LAYOUTS = {
    "as stored (N, H, W, C)": (lambda b: b, "NHWC"),
    "transpose(0, 3, 1, 2)": (lambda b: b.transpose(0, 3, 1, 2), "NCHW"),
    "reshape(N, C, H, W)": (lambda b: b.reshape(b.shape[0], b.shape[3], b.shape[1], b.shape[2]), "NCHW"),
}


def image_batch(n: int, size: int = 48) -> np.ndarray:
    """``n`` square crops of the lecture's cat, side by side: (n, size, size, 3) uint8."""
    cat = photo("chelsea")[::3, ::3]
    step = max(1, (cat.shape[1] - size) // max(1, n))
    return np.stack([cat[20:20 + size, i * step:i * step + size] for i in range(n)])


class BatchLayoutDemo(Demo):
    """A batch of images as a row of blocks, then one image's three planes after an operation.

    ``transpose`` moves the channel axis and keeps each plane a picture; ``reshape``
    to the same shape only re-reads the memory in a new order, and the "planes" are
    stripes of interleaved red, green and blue: the shapes agree, the data do not.
    """

    title = "An image batch and its layout: transpose vs reshape"
    figsize = (9.0, 4.2)

    def make_controls(self):
        return {"n": widgets.IntSlider(value=4, min=1, max=8, description="batch N", continuous_update=False),
                "layout": widgets.Dropdown(options=list(LAYOUTS), value="transpose(0, 3, 1, 2)",
                                           description="operation", layout=widgets.Layout(width="300px")),
                "index": widgets.IntSlider(value=0, min=0, max=7, description="image", continuous_update=False)}

    def draw(self, fig, n, layout, index):
        batch = image_batch(n)
        index = min(index, n - 1)
        op, axes_names = LAYOUTS[layout]
        out = op(batch)
        self.last_shape = out.shape
        grid = fig.add_gridspec(2, max(n, 3), height_ratios=[1, 1.3])
        for i in range(n):  # the batch: N blocks of H x W x C
            ax = fig.add_subplot(grid[0, i])
            ax.imshow(batch[i])
            ax.set_title(f"X[{i}]" + (" *" if i == index else ""), fontsize=9)
            ax.axis("off")
        fig.text(0.01, 0.97, f"X: {batch.shape} = (N, H, W, C), uint8", fontsize=10, va="top")
        channel_axis = axes_names.index("C")
        one = out[index]
        planes = [np.take(one, c, axis=channel_axis - 1) for c in range(3)]
        for c, (plane, colour) in enumerate(zip(planes, ("Reds", "Greens", "Blues"))):
            ax = fig.add_subplot(grid[1, c])
            ax.imshow(plane, cmap=colour + "_r")
            ax.set_title(f"[{index}] along C = {c}: {plane.shape}", fontsize=9)
            ax.axis("off")
        fig.text(0.01, 0.5, f"{layout} -> {out.shape} read as ({', '.join(axes_names)})", fontsize=10, va="top")
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.88, hspace=0.45, wspace=0.1)


#: shape name -> an array of that shape with small distinct values
SHAPES = {"(3, 4)": np.arange(12.0).reshape(3, 4), "(4,)": np.arange(4.0) * 10, "(3, 1)": np.arange(3.0)[:, None] * 10,
          "(1, 4)": np.arange(4.0)[None] * 100, "()": np.array(5.0), "(3,)": np.arange(3.0)}


class BroadcastingDemo(Demo):
    """``a + b`` for two shapes: the broadcasting rule written out, the stretched copies faded."""

    title = "Broadcasting: a + b"
    figsize = (9.0, 3.2)

    def make_controls(self):
        return {"a": widgets.Dropdown(options=list(SHAPES), value="(3, 4)", description="a"),
                "b": widgets.Dropdown(options=list(SHAPES), value="(4,)", description="b")}

    def draw(self, fig, a, b):
        ax = fig.add_subplot(1, 1, 1)
        A, B = SHAPES[a], SHAPES[b]
        try:
            steps = broadcast_steps(A.shape, B.shape)
        except ValueError as exc:  # the lesson: these shapes do not broadcast
            why = str(exc).split("do not broadcast: ")[-1]
            ax.text(0.5, 0.5, f"{a} and {b} do not broadcast:\n{why}", ha="center", va="center", fontsize=11,
                    color="#b00020")
            ax.axis("off")
            self.last_steps = None
            return
        self.last_steps = steps
        plot_broadcasting(A, B, ax=ax)
        (sa, sb), (pa, pb), (ra, _) = steps
        fig.text(0.01, 0.02, f"shapes {sa} and {sb}  ->  pad with 1s on the left: {pa} and {pb}  ->  "
                 f"stretch the 1s: {ra}", fontsize=10)
