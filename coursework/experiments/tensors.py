"""Tensors in pictures and tables (lecture topic 3): ranks and shapes of the data a
network sees, a video made from one photo, and what broadcasting does.

- :func:`rank_table` / :func:`format_rank_table` -- rank (number of axes), shape and
  size of named arrays. A scalar has rank 0, a vector 1, a matrix 2; an image is a
  rank-3 tensor H x W x C, a batch of images N x H x W x C, a video T x H x W x C.
- :func:`shifted_crops` -- a short "video" T x H x W x C: a window panning across a photo.
- :func:`broadcast_steps` / :func:`plot_broadcasting` -- how NumPy lines two shapes
  up from the right, stretches the axes of length 1, and adds.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ..validation import check_int_pair, check_positive_int
from ..devices import on_cpu
from ..i18n import msg
from ..i18n.columns import ljust, rjust, width
from ..i18n.figures import tr

__all__ = ["rank_table", "format_rank_table", "shifted_crops", "broadcast_steps", "plot_broadcasting"]


@on_cpu
def rank_table(arrays: Mapping[str, Any]) -> list[dict]:
    """Rank, shape and number of elements of each named array.

    Parameters
    ----------
    arrays : mapping name -> array-like (NumPy arrays, NumPy scalars, Python numbers)

    Returns
    -------
    list of dict, one per name in order, with keys ``"name"``, ``"rank"`` (int,
    ``ndim``: the number of axes), ``"shape"`` (tuple of int), ``"size"`` (int,
    the product of the shape; 1 for a scalar) and ``"dtype"`` (str).
    """
    rows = []
    for name, value in arrays.items():
        arr = np.asarray(value)
        rows.append({"name": str(name), "rank": arr.ndim, "shape": tuple(int(s) for s in arr.shape),
                     "size": int(arr.size), "dtype": str(arr.dtype)})
    return rows


@on_cpu
def format_rank_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows of :func:`rank_table` as an aligned text table (one header line), in the course's
    language: the header, and the names the figure catalog knows (``"batch of images"``)."""
    header = tuple(msg("rank_columns").split("|"))
    cells = [header] + [(tr(r["name"]), str(r["rank"]), str(tuple(r["shape"])), f"{r['size']:,}", r["dtype"])
                        for r in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(ljust(c, w) if i in (0, 2, 4) else rjust(c, w)
                       for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@on_cpu
def shifted_crops(image, frames: int = 6, size: Any = (150, 150), step: Any = (0, 40), start: Any = (0, 0)) -> np.ndarray:
    """A video made from one photo: the same window, moved by ``step`` pixels per frame.

    Parameters
    ----------
    image : array of shape (H, W, C)
    frames : int >= 1
        T, the number of frames.
    size : int or (h, w)
        Size of the window.
    step : (rows, cols)
        Displacement per frame, in pixels (non-negative).
    start : (row, col)
        Top-left corner of the first frame.

    Returns
    -------
    numpy.ndarray of shape (T, h, w, C), the dtype of ``image``: frame t is
    ``image[r0 + t*dr : r0 + t*dr + h, c0 + t*dc : c0 + t*dc + w]``.

    Raises
    ------
    ValueError
        If the image is not (H, W, C) or the last frame would leave the image.
    """
    func = "shifted_crops"
    image = np.asarray(image)
    if image.ndim != 3:
        raise ValueError(f"{func}: expected an image of shape (H, W, C), got shape {image.shape}")
    frames = check_positive_int(frames, "frames", func)
    h, w = check_int_pair(size, "size", func)
    dr, dc = (int(v) for v in step)
    r0, c0 = (int(v) for v in start)
    if min(dr, dc, r0, c0) < 0:
        raise ValueError(f"{func}: expected non-negative step and start, got step={step}, start={start}")
    last_r, last_c = r0 + (frames - 1) * dr + h, c0 + (frames - 1) * dc + w
    if last_r > image.shape[0] or last_c > image.shape[1]:
        raise ValueError(f"{func}: expected the last frame inside the image of shape {image.shape[:2]}, "
                         f"but it would end at row {last_r}, column {last_c}")
    return np.stack([image[r0 + t * dr:r0 + t * dr + h, c0 + t * dc:c0 + t * dc + w] for t in range(frames)])


@on_cpu
def broadcast_steps(a_shape: Sequence[int], b_shape: Sequence[int]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """NumPy's broadcasting rule, one step at a time, for two shapes.

    1. Pad the shorter shape with 1s on the left, so both have the same rank.
    2. Axes of length 1 are stretched to the other shape's length.

    Returns
    -------
    list of (shape of a, shape of b) pairs: as given, after step 1, after step 2
    (both equal to the result's shape).

    Raises
    ------
    ValueError
        If an axis has two different lengths, neither of them 1 (as NumPy does).
    """
    a, b = tuple(int(s) for s in a_shape), tuple(int(s) for s in b_shape)
    rank = max(len(a), len(b))
    pa, pb = (1,) * (rank - len(a)) + a, (1,) * (rank - len(b)) + b
    out = []
    for i, (m, n) in enumerate(zip(pa, pb)):
        if m != n and 1 not in (m, n):
            raise ValueError(msg("broadcast_mismatch", a=a, b=b, i=i, pa=pa, pb=pb, m=m, n=n))
        out.append(max(m, n))
    return [(a, b), (pa, pb), (tuple(out), tuple(out))]


def _draw_grid(ax, values: np.ndarray, x0: float, y0: float, faded: np.ndarray | None = None, colour="tab:blue"):
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            light = faded is not None and faded[i, j]
            ax.add_patch(_plt().Rectangle((x0 + j, y0 - i - 1), 1, 1, facecolor=colour, alpha=0.12 if light else 0.45,
                                          edgecolor="black", linewidth=0.8))
            ax.text(x0 + j + 0.5, y0 - i - 0.5, f"{values[i, j]:g}", ha="center", va="center",
                    color="grey" if light else "black", fontsize=10)


def _plt():
    import matplotlib.pyplot as plt

    return plt


@on_cpu
def plot_broadcasting(a, b, ax=None, title: str = ""):
    """Picture of ``a + b`` for two arrays of rank <= 2: each operand stretched to
    the result's shape (copies drawn faded), then the sum.

    Parameters
    ----------
    a, b : arrays of rank 0, 1 or 2 that broadcast together

    Returns
    -------
    matplotlib.figure.Figure
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.ndim > 2 or b.ndim > 2:
        raise ValueError(f"plot_broadcasting: expected arrays of rank <= 2, got shapes {a.shape} and {b.shape}")
    (_, _), (pa, pb), (shape, _) = broadcast_steps(a.shape, b.shape)
    shape2 = (1,) * (2 - len(shape)) + shape
    a2, b2 = a.reshape((1,) * (2 - len(pa)) + pa), b.reshape((1,) * (2 - len(pb)) + pb)
    rows, cols = shape2
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 3 * (cols + 1.5) * 0.55, 0.55 * rows + 1.2))
    x = 0.0
    parts = [(np.broadcast_to(a2, shape2), a2.shape, f"a {a.shape}", "tab:blue"), None,
             (np.broadcast_to(b2, shape2), b2.shape, f"b {b.shape}", "tab:orange"), None,
             (np.broadcast_to(a2, shape2) + np.broadcast_to(b2, shape2), shape2, f"a + b {shape}", "tab:green")]
    signs = iter(["+", "="])
    for part in parts:
        if part is None:
            ax.text(x + 0.5, -rows / 2, next(signs), ha="center", va="center", fontsize=16)
            x += 1.2
            continue
        values, own, label, colour = part
        faded = np.ones(shape2, dtype=bool)
        faded[:own[0], :own[1]] = False  # the operand's own elements; the rest are stretched copies
        _draw_grid(ax, values, x, 0.0, faded=faded, colour=colour)
        ax.text(x + cols / 2, 0.35, label, ha="center", va="bottom", fontsize=10)
        x += cols + 0.2
    ax.set_xlim(-0.2, x)
    ax.set_ylim(-rows - 0.3, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(tr(title))
    return ax.figure
