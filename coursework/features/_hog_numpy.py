"""NumPy fast path of :func:`coursework.features.hog.cell_histograms` for uint8 colour batches (1-4 channels).

A uint8 image has integer gradients in [-255, 255], so a pixel's gradient is one of
511 x 511 codes. Everything the generic path computes per pixel from the gradient
-- the channel-selection magnitude, the orientation bin, the vote -- is computed
once per code by the generic functions themselves and stored in tables; each pixel
then costs a few integer look-ups instead of float64 ``hypot``/``atan2`` calls. The
images are processed in chunks that stay in the CPU cache. The results are
bit-identical to the generic path (``tests/test_hog.py`` checks this).
"""

from __future__ import annotations

import functools

import numpy as np

from .hog_steps import orientation_bins

_SIDE = 511            # gradient values -255..255
_OFFSET = 255 * _SIDE + 255
_CODE_BITS = 18        # 511 * 511 codes < 2**18
_CHANNEL_BITS = 2      # room for the channel tie-break
_CHUNK_PIXELS = 1 << 16


@functools.lru_cache(maxsize=None)
def _rank_table() -> np.ndarray:
    """``rank << 20 | code`` per gradient code, ``rank`` ordering ``hypot(g_row, g_col)`` with ties kept.

    Comparing these keys compares the float64 magnitudes that the generic path
    (and scikit-image) compare to choose the dominant channel.
    """
    g_row, g_col = _grid()
    _, rank = np.unique(np.hypot(g_row, g_col), return_inverse=True)
    code = np.arange(_SIDE * _SIDE, dtype=np.int64)
    return (rank.reshape(-1).astype(np.int64) << (_CODE_BITS + _CHANNEL_BITS)) | code


@functools.lru_cache(maxsize=None)
def _vote_tables(orientations: int) -> tuple[np.ndarray, np.ndarray]:
    """Bin (intp) and vote (float64) of each gradient code, from the generic rule."""
    g_row, g_col = _grid()
    found, weight = orientation_bins(g_row.reshape(-1), g_col.reshape(-1), orientations)
    return found.astype(np.intp), weight


def _grid():
    values = np.arange(-255, 256, dtype=np.float64)
    g_row, g_col = np.meshgrid(values, values, indexing="ij")       # code = row * 511 + col
    return g_row, g_col


def cell_histograms_uint8(images: np.ndarray, orientations: int, pixels_per_cell: tuple[int, int]) -> np.ndarray:
    """Per-cell histograms of uint8 colour images: (N, H, W, C), 1 <= C <= 4 (the channel tie-break has
    ``_CHANNEL_BITS``) -> (N, H // c_row, W // c_col, orientations)."""
    # BEGIN REFERENCE 01_features
    n, rows, cols, channels = images.shape
    c_row, c_col = pixels_per_cell
    n_row, n_col = rows // c_row, cols // c_col
    keys = _rank_table()
    found_table, weight_table = _vote_tables(orientations)
    # Cell of every kept pixel, as a flat (cell_row, cell_col, bin) offset inside one image.
    cell_of = ((np.arange(n_row * c_row) // c_row)[:, None] * n_col
               + (np.arange(n_col * c_col) // c_col)[None, :]) * orientations
    per_image = n_row * n_col * orientations
    sums = np.empty(n * per_image, dtype=np.float64)
    chunk = max(1, _CHUNK_PIXELS // (rows * cols))
    for start in range(0, n, chunk):
        part = images[start:start + chunk]
        m = part.shape[0]
        code = _gradient_codes(part)[:, :n_row * c_row, :n_col * c_col]   # (m, h, w, 3)
        best = keys[code[..., 0]] + ((channels - 1) << _CODE_BITS)        # first channel wins ties
        for k in range(1, channels):
            np.maximum(best, keys[code[..., k]] + ((channels - 1 - k) << _CODE_BITS), out=best)
        best &= (1 << _CODE_BITS) - 1                                      # the chosen gradient code
        flat = found_table[best]
        flat += cell_of
        flat += (np.arange(m, dtype=np.intp) * per_image)[:, None, None]
        sums[start * per_image:(start + m) * per_image] = np.bincount(
            flat.reshape(-1), weights=weight_table[best].reshape(-1), minlength=m * per_image)
    return sums.reshape(n, n_row, n_col, orientations) / (c_row * c_col)
    # END REFERENCE


def _gradient_codes(part: np.ndarray) -> np.ndarray:
    """``(g_row + 255) * 511 + (g_col + 255)`` per pixel and channel, int32, 0-gradient borders."""
    values = part.astype(np.int32)
    code = np.full(values.shape, _OFFSET, dtype=np.int32)
    if values.shape[1] >= 3:
        code[:, 1:-1] += _SIDE * (values[:, 2:] - values[:, :-2])
    if values.shape[2] >= 3:
        code[:, :, 1:-1] += values[:, :, 2:] - values[:, :, :-2]
    return code
