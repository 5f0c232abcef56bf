"""The steps of HoG, one function each -- the same steps the 01_features exercises
ask for, batched and on any array-API namespace.

:func:`coursework.features.hog` chains them (its module docstring states the exact
rules, checked against ``skimage.feature.hog``):

1. :func:`image_gradients` -- central differences, 0 on the border;
2. :func:`gradient_orientation` -- magnitude and unsigned orientation in degrees;
3. :func:`orientation_histograms` -- mean magnitude per cell and orientation bin;
4. :func:`normalize_blocks` -- overlapping blocks of cells, normalised.
"""

from __future__ import annotations

import math
from typing import Any

from .. import backend
from ..validation import check_int_pair, check_positive_int, shape_str

__all__ = ["image_gradients", "gradient_orientation", "orientation_bins", "orientation_histograms",
           "normalize_blocks", "BLOCK_NORMS"]

BLOCK_NORMS = ("L1", "L1-sqrt", "L2", "L2-Hys")
BLOCK_EPS = 1e-5  # added to the L1 norm, squared to the L2 norm, as scikit-image
_RAD2DEG = 180.0 / math.pi  # exactly NumPy's rad2deg factor


def image_gradients(images: Any):
    """Central differences of grey images along rows and columns.

    Parameters
    ----------
    images : array of shape (H, W) or (N, H, W), floating

    Returns
    -------
    (g_row, g_col) : two arrays of the input's shape and dtype
        ``g_row[.., r, c] = I[.., r + 1, c] - I[.., r - 1, c]`` (no halving, as
        scikit-image), 0 on the first and last row; ``g_col`` likewise along columns.
    """
    if images.ndim not in (2, 3):
        raise ValueError(f"image_gradients: expected grey images of shape (H, W) or (N, H, W), "
                         f"got shape {shape_str(images.shape)}")
    # BEGIN REFERENCE 01_features
    xp = backend.namespace(images)
    return _gradient(xp, images, images.ndim - 2), _gradient(xp, images, images.ndim - 1)
    # END REFERENCE


def _gradient(xp, image, axis: int):
    """Central difference along ``axis``, 0 on the first and last line."""
    # BEGIN REFERENCE 01_features
    if image.shape[axis] < 3:
        return xp.zeros_like(image)
    index = [slice(None)] * image.ndim

    def part(sl):
        index[axis] = sl
        return image[tuple(index)]

    edge = xp.zeros_like(part(slice(0, 1)))
    return xp.concat([edge, part(slice(2, None)) - part(slice(None, -2)), edge], axis=axis)
    # END REFERENCE


def gradient_orientation(g_row: Any, g_col: Any):
    """Magnitude and unsigned orientation of gradients, in float64.

    Returns
    -------
    (magnitude, orientation) : arrays of the inputs' shape, float64
        ``hypot(g_col, g_row)`` and ``atan2(g_row, g_col)`` in degrees folded into
        [0, 180] by ``% 180`` (a tiny negative angle can round up to exactly 180.0).
    """
    xp = backend.namespace(g_row, g_col)
    g_row, g_col = xp.astype(g_row, xp.float64), xp.astype(g_col, xp.float64)
    return xp.hypot(g_col, g_row), (xp.atan2(g_row, g_col) * _RAD2DEG) % 180.0


def _bin(orientation: Any, magnitude: Any, orientations: int):
    """Bin of each orientation and its vote (0 where it falls into no bin, i.e. 180.0)."""
    # BEGIN REFERENCE 01_features
    xp = backend.namespace(orientation, magnitude)
    edges = xp.arange(orientations + 1, dtype=xp.float64, device=backend.device(orientation)) * (180.0 / orientations)
    found = xp.searchsorted(edges, xp.reshape(orientation, (-1,)), side="right") - 1
    found = xp.reshape(found, orientation.shape)
    weight = xp.where(found < orientations, magnitude, 0.0)
    return xp.astype(xp.minimum(found, orientations - 1), xp.int64), weight
    # END REFERENCE


def orientation_bins(g_row: Any, g_col: Any, orientations: int):
    """Orientation bin and vote of every pixel, from its gradient.

    Bin ``i`` holds ``edge[i] <= angle < edge[i+1]``, ``edge[k] = (180/orientations) * k``
    in float64; an angle of exactly 180.0 falls into no bin (vote 0), as in scikit-image.

    Returns
    -------
    found : array of the inputs' shape, int64 in [0, orientations)
    weight : array of the inputs' shape, float64 -- the magnitude, or 0 where no bin
    """
    magnitude, orientation = gradient_orientation(g_row, g_col)
    return _bin(orientation, magnitude, orientations)


def orientation_histograms(magnitude: Any, orientation: Any, orientations: int = 9, pixels_per_cell=(8, 8)):
    """Mean gradient magnitude per cell and orientation bin.

    Parameters
    ----------
    magnitude, orientation : arrays of shape (H, W) or (N, H, W)
        Orientation in degrees in [0, 180) (180.0 counts in no bin).
    orientations : int, default 9
        Bins over [0, 180): bin ``i`` holds ``180/orientations * i <= o < 180/orientations * (i+1)``.
    pixels_per_cell : int or (int, int), default (8, 8)
        Cell size; rows and columns that do not fill a whole cell are dropped.

    Returns
    -------
    array of shape (H // c_row, W // c_col, orientations) (or with N first), float64
        Sum of the magnitudes of the cell's pixels in each bin, divided by the number
        of pixels in a cell.
    """
    func = "orientation_histograms"
    orientations = check_positive_int(orientations, "orientations", func)
    c_row, c_col = check_int_pair(pixels_per_cell, "pixels_per_cell", func)
    if magnitude.shape != orientation.shape or magnitude.ndim not in (2, 3):
        raise ValueError(f"{func}: expected magnitude and orientation of one shape (H, W) or (N, H, W), "
                         f"got shapes {shape_str(magnitude.shape)} and {shape_str(orientation.shape)}")
    # BEGIN REFERENCE 01_features
    xp = backend.namespace(magnitude, orientation)
    dev = backend.device(magnitude)
    batched = magnitude.ndim == 3
    if not batched:
        magnitude, orientation = magnitude[None, ...], orientation[None, ...]
    n, rows, cols = magnitude.shape
    n_row, n_col = rows // c_row, cols // c_col
    magnitude = xp.astype(magnitude[:, :n_row * c_row, :n_col * c_col], xp.float64)
    orientation = xp.astype(orientation[:, :n_row * c_row, :n_col * c_col], xp.float64)
    found, weight = _bin(orientation, magnitude, orientations)
    # Flat index over (image, cell row, cell column, bin); one scatter-add for all.
    image_index = xp.reshape(xp.arange(n, dtype=xp.int64, device=dev), (n, 1, 1))
    cell_row = xp.reshape(xp.arange(n_row * c_row, dtype=xp.int64, device=dev) // c_row, (1, -1, 1))
    cell_col = xp.reshape(xp.arange(n_col * c_col, dtype=xp.int64, device=dev) // c_col, (1, 1, -1))
    flat = ((image_index * n_row + cell_row) * n_col + cell_col) * orientations + found
    size = n * n_row * n_col * orientations
    sums = backend.bincount(xp.reshape(flat, (-1,)), weights=xp.reshape(weight, (-1,)), minlength=size)
    hist = xp.reshape(sums, (n, n_row, n_col, orientations)) / (c_row * c_col)
    return hist if batched else hist[0, ...]
    # END REFERENCE


def normalize_blocks(cells: Any, cells_per_block=(3, 3), block_norm: str = "L2-Hys"):
    """Overlapping blocks of cells, each normalised (HoG's last step).

    Parameters
    ----------
    cells : array of shape (R, C, B) or (N, R, C, B)
        Cell histograms (R x C cells, B orientation bins).
    cells_per_block : int or (int, int), default (3, 3)
        Block size in cells; blocks slide by one cell. The default is
        :func:`coursework.features.hog`'s (scikit-image's); the lecture uses (2, 2).
    block_norm : {'L1', 'L1-sqrt', 'L2', 'L2-Hys'}, default 'L2-Hys'
        With ``eps = 1e-5``: ``L1`` ``v / (sum|v| + eps)``; ``L1-sqrt`` its square root;
        ``L2`` ``v / sqrt(sum v^2 + eps^2)``; ``L2-Hys`` ``L2``, clipped at 0.2, ``L2`` again.

    Returns
    -------
    array of shape (R - b_row + 1, C - b_col + 1, b_row, b_col, B) (or with N first)
        scikit-image's ``feature_vector=False`` layout; flatten it for the descriptor.
    """
    func = "normalize_blocks"
    b_row, b_col = check_int_pair(cells_per_block, "cells_per_block", func)
    if not isinstance(block_norm, str) or block_norm not in BLOCK_NORMS:
        allowed = ", ".join(repr(b) for b in BLOCK_NORMS)
        raise ValueError(f"{func}: expected block_norm to be one of {allowed}, got {block_norm!r}")
    cells = backend.as_array(cells)
    if cells.ndim not in (3, 4):
        raise ValueError(f"{func}: expected cells of shape (R, C, B) or (N, R, C, B), got shape {shape_str(cells.shape)}")
    batched = cells.ndim == 4
    hist = cells if batched else cells[None, ...]
    n, n_row, n_col, bins = hist.shape
    if n_row < b_row or n_col < b_col:
        raise ValueError(f"{func}: expected at least {b_row} x {b_col} cells for cells_per_block={(b_row, b_col)}, "
                         f"got {n_row} x {n_col}")
    out = block_normalized(backend.namespace(hist), hist, (b_row, b_col), block_norm)
    return out if batched else out[0, ...]


def block_normalized(xp, hist, cells_per_block: tuple[int, int], block_norm: str):
    """:func:`normalize_blocks` of validated cells, batched: (N, R, C, B) ->
    (N, R - b_row + 1, C - b_col + 1, b_row, b_col, B). No checks (the NumPy fast path
    of HoG calls it once per chunk of images)."""
    n, n_row, n_col, bins = hist.shape
    b_row, b_col = cells_per_block
    blocks_row, blocks_col = n_row - b_row + 1, n_col - b_col + 1
    # (N, blocks_row, blocks_col, b_row * b_col, B): one slice per cell offset in the block.
    blocks = xp.stack([hist[:, i:i + blocks_row, j:j + blocks_col, :]
                       for i in range(b_row) for j in range(b_col)], axis=3)
    axes = (3, 4)
    if block_norm in ("L1", "L1-sqrt"):
        out = blocks / (xp.sum(xp.abs(blocks), axis=axes, keepdims=True) + BLOCK_EPS)
        if block_norm == "L1-sqrt":
            out = xp.sqrt(out)
    else:
        out = blocks / xp.sqrt(xp.sum(blocks**2, axis=axes, keepdims=True) + BLOCK_EPS**2)
        if block_norm == "L2-Hys":
            out = xp.minimum(out, 0.2)
            out = out / xp.sqrt(xp.sum(out**2, axis=axes, keepdims=True) + BLOCK_EPS**2)
    return xp.reshape(out, (n, blocks_row, blocks_col, b_row, b_col, bins))
