"""Demos of 02 (tensors): an image batch drawn as blocks, and the shape operations on it."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib
import numpy as np

from ..data import photo
from ..experiments.tensors import broadcast_steps, plot_broadcasting
from ..i18n.demos import say
from ._base import Demo

__all__ = ["BatchLayoutDemo", "BroadcastingDemo", "LAYOUTS"]

STORED = "as stored (N, H, W, C)"

#: name -> (what it does to a (N, H, W, C) batch, the result's axis names)
LAYOUTS = {
    STORED: (lambda b: b, "NHWC"),
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
    height = 3.4

    def make_controls(self):
        options = [(say("layout_stored") if name == STORED else name, name) for name in LAYOUTS]
        return {"n": widgets.IntSlider(value=4, min=1, max=8, description=say("layout_batch"),
                                       continuous_update=False),
                "layout": widgets.Dropdown(options=options, value="transpose(0, 3, 1, 2)",
                                           description=say("layout_operation"), layout=widgets.Layout(width="420px")),
                "index": widgets.IntSlider(value=0, min=0, max=7, description=say("layout_image"),
                                           continuous_update=False)}

    def draw(self, fig, n, layout, index):
        batch = image_batch(n)
        index = min(index, n - 1)
        op, axes_names = LAYOUTS[layout]
        out = op(batch)
        self.last_shape = out.shape
        size, gap = batch.shape[1], 6
        ax0, ax1 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1]})
        # One picture per row (two axes in all): far faster to draw than an axes per image.
        ax0.imshow(_row(list(batch), gap))
        for i in range(n):
            ax0.text(i * (size + gap) + size / 2, -2, f"X[{i}]" + (" *" if i == index else ""), ha="center",
                     va="bottom")
        ax0.set_xlim(-0.5, max(n, 3) * (size + gap))
        ax0.axis("off")
        ax0.set_title(say("layout_batch_title", shape=batch.shape), loc="left", pad=30)
        channel_axis = axes_names.index("C") - 1
        planes = [np.take(out[index], c, axis=channel_axis) for c in range(3)]
        cmaps = [matplotlib.colormaps[name] for name in ("Reds_r", "Greens_r", "Blues_r")]
        painted = [(cmap(plane / 255.0)[..., :3] * 255).astype(np.uint8) for plane, cmap in zip(planes, cmaps)]
        ax1.imshow(_row(painted, gap))
        for c, plane in enumerate(planes):
            ax1.text(c * (plane.shape[1] + gap) + plane.shape[1] / 2, -2, say("layout_plane", channel=c,
                     shape=plane.shape), ha="center", va="bottom")
        ax1.set_xlim(-0.5, 3 * (size + gap))
        ax1.axis("off")
        title = (say("layout_stored_title", index=index, shape=out.shape[1:]) if layout == STORED else
                 say("layout_after_title", index=index, operation=layout, shape=out.shape[1:]))
        ax1.set_title(title, loc="left", pad=30)
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.78, wspace=0.06)


def _row(images: list[np.ndarray], gap: int) -> np.ndarray:
    """Images of one shape (H, W, 3) side by side, ``gap`` white columns apart: (H, n W + (n - 1) gap, 3)."""
    white = np.full((images[0].shape[0], gap, 3), 255, dtype=np.uint8)
    parts = []
    for i, image in enumerate(images):
        parts += [white, image] if i else [image]
    return np.concatenate(parts, axis=1)


#: shape name -> an array of that shape with small distinct values
SHAPES = {"(3, 4)": np.arange(12.0).reshape(3, 4), "(4,)": np.arange(4.0) * 10, "(3, 1)": np.arange(3.0)[:, None] * 10,
          "(1, 4)": np.arange(4.0)[None] * 100, "()": np.array(5.0), "(3,)": np.arange(3.0)}


class BroadcastingDemo(Demo):
    """``a + b`` for two shapes: the broadcasting rule written out, the stretched copies faded."""

    title = "Broadcasting: a + b"
    height = 4.4

    def make_controls(self):
        return {"a": widgets.Dropdown(options=list(SHAPES), value="(3, 4)", description="a"),
                "b": widgets.Dropdown(options=list(SHAPES), value="(4,)", description="b")}

    def draw(self, fig, a, b):
        ax = fig.add_subplot(1, 1, 1)
        A, B = SHAPES[a], SHAPES[b]
        try:
            steps = broadcast_steps(A.shape, B.shape)
        except ValueError:  # the lesson: these shapes do not broadcast
            ax.text(0.5, 0.5, say("bc_refused", a=a, b=b, **_mismatch(A.shape, B.shape)), ha="center", va="center",
                    color="#b00020")
            ax.axis("off")
            self.last_steps = None
            return
        self.last_steps = steps
        plot_broadcasting(A, B, ax=ax)
        for text in ax.texts:  # the operands' values and labels, at the figure's size
            text.set_fontsize("xx-large" if text.get_text() in ("+", "=") else "medium")
        (sa, sb), (pa, pb), (ra, _) = steps
        fig.text(0.01, 0.03, say("bc_steps", a=sa, b=sb, pa=pa, pb=pb, result=ra))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.14, top=0.98)


def _mismatch(a: tuple[int, ...], b: tuple[int, ...]) -> dict:
    """Where two shapes that do not broadcast clash: the padded shapes, the axis, its two lengths."""
    rank = max(len(a), len(b))
    pa, pb = (1,) * (rank - len(a)) + a, (1,) * (rank - len(b)) + b
    axis = next(i for i, (m, n) in enumerate(zip(pa, pb)) if m != n and 1 not in (m, n))
    return {"pa": pa, "pb": pb, "axis": axis, "m": pa[axis], "n": pb[axis]}
