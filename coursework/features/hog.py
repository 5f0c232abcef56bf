"""Histogram of oriented gradients (HoG) of a batch of images, like ``skimage.feature.hog``.

The steps, each done for the whole batch at once (scikit-image 0.26 ``_hog.py`` and its
Cython ``hog_histograms``, checked against the library in ``tests/reference/test_hog.py``):

1. **dtype**: float64 images stay float64, other float dtypes become float32, integer
   and bool images become float64 (``skimage``'s ``_supported_float_type``). The
   gradients below are taken in this dtype; the result has it too.
2. **gradients**: central differences per channel, ``g_row[r] = I[r+1] - I[r-1]``,
   ``g_col[c] = I[c+1] - I[c-1]``, and 0 on the first and last row (column).
3. **dominant channel** (colour images, ``channel_axis=-1``, any number of channels):
   per pixel, the channel with the largest ``hypot(g_row, g_col)`` (in the image's
   float dtype, the first on ties).
4. **orientation** in float64: ``atan2(g_row, g_col) * 180/pi % 180`` in [0, 180];
   magnitude ``hypot(g_col, g_row)``.
5. **hard binning**: bin ``i`` holds ``edge[i] <= angle < edge[i+1]`` with
   ``edge[k] = (180/orientations) * k`` in float64. An angle of exactly 180.0 (a tiny
   negative angle rounded up by the modulo) falls into no bin when ``edge[n] == 180.0``
   -- it is dropped, as in scikit-image.
6. **cells**: mean magnitude per cell and bin (sum / pixels per cell). Rows and columns
   that do not fill a whole cell are dropped. scikit-image sums each cell in float32
   (C ``float``); we sum in float64, so the two agree to about 1e-7, not bit for bit.
7. **blocks**: every window of ``cells_per_block`` cells, step one cell, normalised
   with ``eps = 1e-5``: ``L1`` ``v / (sum|v| + eps)``; ``L1-sqrt`` its square root;
   ``L2`` ``v / sqrt(sum v^2 + eps^2)``; ``L2-Hys`` ``L2``, clipped at 0.2, ``L2`` again.

The output is ordered like ``skimage``'s ``(blocks_row, blocks_col, cells_row,
cells_col, orientations)`` array, flattened.

Everything above runs on any array-API namespace (NumPy, CuPy, ``array_api_strict``).
NumPy uint8 images take a faster path with the same numbers, bit for bit
(:mod:`coursework.features._hog_numpy`, integer keys instead of float64 per pixel).
"""

from __future__ import annotations

from typing import Any

from .. import backend
from ..validation import check_int_pair, check_positive_int, shape_str
from ._channels import check_channel_images
from .hog_steps import BLOCK_NORMS, _gradient, block_normalized, gradient_orientation, orientation_histograms

__all__ = ["hog", "cell_histograms", "BLOCK_NORMS"]


def hog(images: Any, orientations: int = 9, pixels_per_cell=(8, 8), cells_per_block=(3, 3),
        block_norm: str = "L2-Hys", *, channel_axis: int | None = None):
    """Histogram-of-oriented-gradients descriptor of one image or a batch.

    Equal (to about 1e-7) to ``skimage.feature.hog(image, orientations, pixels_per_cell,
    cells_per_block, block_norm, channel_axis=channel_axis)`` per image, with
    scikit-image's defaults: grey images (``channel_axis=None``) and blocks of 3 x 3
    cells. The lecture (and Dalal & Triggs) use blocks of 2 x 2 cells: pass
    ``cells_per_block=(2, 2)``; for colour images pass ``channel_axis=-1``.

    Parameters
    ----------
    images : array of shape (H, W) or (N, H, W); with channel_axis=-1 (H, W, C) or (N, H, W, C)
        Grey or colour image(s), any real dtype. Nothing is guessed from the shape:
        ``channel_axis`` says which it is.
    orientations : int, default 9
        Number of orientation bins over [0, 180) degrees.
    pixels_per_cell : int or (int, int), default (8, 8)
        Cell size (rows, columns).
    cells_per_block : int or (int, int), default (3, 3)
        Block size in cells (rows, columns).
    block_norm : {'L1', 'L1-sqrt', 'L2', 'L2-Hys'}, default 'L2-Hys'
        Block normalisation (see the module docstring).
    channel_axis : None or -1, default None
        As in scikit-image. ``None``: grey images. ``-1`` (or the last axis's index):
        the channels are the last axis, any number ``C >= 1`` (RGB, RGBA, one
        channel); per pixel the channel with the strongest gradient counts.

    Returns
    -------
    features : array of shape (F,) for one image or (N, F) for a batch
        ``F = blocks_row * blocks_col * cells_per_block[0] * cells_per_block[1] *
        orientations`` with ``blocks_row = H // pixels_per_cell[0] - cells_per_block[0]
        + 1`` (same for columns). float64, or float32 for float32 (and float16) images.
        Same namespace and device as ``images``.

    Raises
    ------
    TypeError, ValueError
        Bad shape or dtype (for ``channel_axis``), NaN, non-positive sizes, an unknown
        ``block_norm``, ``channel_axis`` other than the last axis or None, or an image
        smaller than one block.

    Examples
    --------
    >>> import numpy as np
    >>> images = np.random.default_rng(0).integers(0, 256, (5, 32, 32, 3), dtype=np.uint8)
    >>> hog(images.mean(axis=-1)).shape       # 5 grey images: 2 x 2 blocks of 3 x 3 cells, 9 bins
    (5, 324)
    >>> hog(images, cells_per_block=(2, 2), channel_axis=-1).shape   # colour: 3 x 3 blocks of 2 x 2 cells
    (5, 324)
    >>> hog(images[0], orientations=6, pixels_per_cell=16, cells_per_block=1, channel_axis=-1).shape
    (24,)
    """
    func = "hog"
    orientations = check_positive_int(orientations, "orientations", func)
    cell = check_int_pair(pixels_per_cell, "pixels_per_cell", func)
    block = check_int_pair(cells_per_block, "cells_per_block", func)
    if not isinstance(block_norm, str) or block_norm not in BLOCK_NORMS:
        allowed = ", ".join(repr(b) for b in BLOCK_NORMS)
        raise ValueError(f"{func}: expected block_norm to be one of {allowed}, got {block_norm!r}")
    images, batched = check_channel_images(images, func, channel_axis)
    rows, cols = images.shape[1], images.shape[2]
    min_rows, min_cols = cell[0] * block[0], cell[1] * block[1]
    if rows < min_rows or cols < min_cols:
        raise ValueError(
            f"{func}: expected images of at least {min_rows} rows and {min_cols} columns "
            f"(pixels_per_cell={cell}, cells_per_block={block}), got images of shape "
            f"{shape_str(images.shape[1:])}")
    xp = backend.namespace(images)
    if _uint8_fast_path(images):
        from ._hog_numpy import hog_uint8  # NumPy-only, the same numbers, normalised chunk by chunk
        features = hog_uint8(_channels_last(images), orientations, cell, block, block_norm)
    else:
        hist = cell_histograms(images, orientations, cell)
        features = xp.reshape(block_normalized(xp, hist, block, block_norm), (images.shape[0], -1))
    features = xp.astype(features, _float_dtype(xp, images.dtype), copy=False)
    return features if batched else features[0, ...]


def cell_histograms(images: Any, orientations: int, pixels_per_cell: tuple[int, int]):
    """Per-cell orientation histograms (steps 1-6 of the module docstring).

    Parameters
    ----------
    images : array of shape (N, H, W) grey or (N, H, W, C) colour, already validated
    orientations : int
    pixels_per_cell : (int, int)

    Returns
    -------
    hist : array of shape (N, H // cell_rows, W // cell_cols, orientations), float64
        Mean gradient magnitude per cell and orientation bin.
    """
    if _uint8_fast_path(images):
        from ._hog_numpy import cell_histograms_uint8  # NumPy-only fast path, same numbers
        return cell_histograms_uint8(_channels_last(images), orientations, pixels_per_cell)
    return _cell_histograms_generic(images, orientations, pixels_per_cell)


def _uint8_fast_path(images) -> bool:
    """NumPy uint8 images, grey or up to 8,192 channels (the fast path's int32 channel tie-break)."""
    return (backend.is_numpy(images) and images.dtype == backend.namespace(images).uint8
            and (images.ndim == 3 or images.shape[-1] <= 8192))


def _channels_last(images):
    """(N, H, W) grey as (N, H, W, 1); colour (N, H, W, C) as it is."""
    return images if images.ndim == 4 else images[..., None]


def _cell_histograms_generic(images: Any, orientations: int, pixels_per_cell: tuple[int, int]):
    """:func:`cell_histograms` with array-API functions only (any namespace, any dtype)."""
    # BEGIN REFERENCE 01_features
    xp = backend.namespace(images)
    image = xp.astype(images, _float_dtype(xp, images.dtype))
    g_row, g_col = _gradient(xp, image, axis=1), _gradient(xp, image, axis=2)
    if image.ndim == 4:
        g_row, g_col = _dominant_channel(xp, g_row, g_col)
    magnitude, orientation = gradient_orientation(g_row, g_col)
    return orientation_histograms(magnitude, orientation, orientations, pixels_per_cell)
    # END REFERENCE


def _float_dtype(xp, dtype):
    """scikit-image's working dtype: float64 stays, other floats -> float32, rest -> float64."""
    if xp.isdtype(dtype, "real floating") and dtype != xp.float64:
        return xp.float32
    return xp.float64


def _dominant_channel(xp, g_row, g_col):
    """Per pixel, the gradient of the channel with the largest magnitude: (N, H, W, C) -> (N, H, W)."""
    pick = xp.argmax(xp.hypot(g_row, g_col), axis=-1, keepdims=True)   # first maximum on ties
    if hasattr(xp, "take_along_axis"):
        return (xp.take_along_axis(g_row, pick, axis=-1)[..., 0],
                xp.take_along_axis(g_col, pick, axis=-1)[..., 0])
    channels = xp.arange(g_row.shape[-1], dtype=pick.dtype, device=backend.device(g_row))
    chosen = pick == channels                                          # one-hot (N, H, W, C)
    return (xp.sum(xp.where(chosen, g_row, 0.0), axis=-1),
            xp.sum(xp.where(chosen, g_col, 0.0), axis=-1))
