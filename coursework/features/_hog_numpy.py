"""NumPy fast path of HoG for uint8 images (any channel count): the same numbers as the
generic path of :mod:`coursework.features.hog`, bit for bit; about twice as fast as the
fast path it replaces (a 2 MB table of float64 ranks looked up three times per pixel).

A uint8 image has integer gradients ``g_row, g_col`` in [-255, 255]. Everything the
generic path computes per pixel in float64 -- the channel whose ``hypot(g_row, g_col)``
is largest (the first on ties), the orientation bin, the vote ``hypot(g_col, g_row)`` --
then follows from integers and tables built once per process *by the generic functions
themselves* (so the platform's own ``hypot`` and ``atan2`` decide):

- the dominant channel has the largest ``s = g_row**2 + g_col**2`` (exact in int32),
  the first on ties. Each channel gets an int64 key whose high 32 bits are ``s`` and
  whose low 32 bits are ``tie << 18 | code`` (``code`` numbers the gradient pair, ``tie``
  is larger for earlier channels); the maximum over the channels is the winner's key;
- the winner's bin is ``table[code]``, its vote ``sqrt(s)``.

Both hold exactly where ``hypot`` is the correctly rounded ``sqrt(s)``. NumPy's ``hypot``
is one ulp off for 1,200 of the 261,121 gradient pairs (glibc, x86-64), so two channels
with the same ``s`` can differ in ``hypot`` there. The table marks every ``s`` where any
pair misbehaves (2,000 codes, all with ``|g| >= 32``) or where an angle falls into no bin,
and the pixels whose winner has such an ``s`` (0.7 % of a noise image, 0.1 % of a photo)
are redone with the exact rank of ``hypot`` per gradient pair. The cell sums are the
generic path's ``bincount`` in the same order, so the result is the generic path's
(``tests/reference/test_hog.py``). If ``hypot`` did not grow strictly with ``s`` on some platform,
every pixel would be redone: slower, still exact.

Images go through in chunks of about ``_CHUNK_PIXELS`` pixels (several whole images, or
bands of cell rows of a larger one, with a halo row above and below), channels as planes, so
that the temporaries stay in the CPU's cache; :func:`hog_uint8` normalises the blocks of
every ``_NORMALIZE_VALUES`` cell values while those cells are still there.
"""

from __future__ import annotations

import functools
import math
import sys
from typing import Iterator

import numpy as np

from .hog_steps import block_normalized, orientation_bins

_CODE_BITS = 18                  # code = 512 * (g_row + 256) + g_col, in [257, 2**18)
_MAX_S = 2 * 255 * 255           # largest g_row**2 + g_col**2
_CHUNK_PIXELS = 1 << 15         # pixels per chunk of the per-pixel work
_NORMALIZE_VALUES = 1 << 15     # cell histogram values per block normalisation

__all__ = ["cell_histograms_uint8", "hog_uint8"]


def _pairs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every gradient pair: g_row, g_col (float64) and its code (intp), (511**2,) each."""
    values = np.arange(-255, 256)
    g_row, g_col = (v.reshape(-1) for v in np.meshgrid(values, values, indexing="ij"))
    return g_row.astype(np.float64), g_col.astype(np.float64), 512 * (g_row + 256) + g_col


@functools.lru_cache(maxsize=None)
def _rank_table() -> np.ndarray:
    """Rank of ``hypot(g_row, g_col)`` per code, shifted to the high word of an int64:
    comparing ranks compares the float64 magnitudes that the generic path (and
    scikit-image) compare to choose the channel."""
    g_row, g_col, code = _pairs()
    table = np.zeros(1 << _CODE_BITS, dtype=np.int64)
    table[code] = np.unique(np.hypot(g_row, g_col), return_inverse=True)[1].reshape(-1)
    return table << 32


@functools.lru_cache(maxsize=None)
def _vote_tables(orientations: int) -> tuple[np.ndarray, np.ndarray]:
    """Bin (intp) and vote (float64) per code, by the generic rule."""
    g_row, g_col, code = _pairs()
    found, weight = orientation_bins(g_row, g_col, orientations)
    bins, votes = np.zeros(1 << _CODE_BITS, dtype=np.intp), np.zeros(1 << _CODE_BITS, dtype=np.float64)
    bins[code], votes[code] = found, weight
    return bins, votes


@functools.lru_cache(maxsize=None)
def _fast_tables(orientations: int) -> tuple[np.ndarray, int]:
    """(bin per code, or ``flag`` where the code's ``s`` needs the exact redo; ``flag``).

    An ``s`` needs the redo unless every pair with that ``s`` has ``hypot(g_row, g_col)``
    and vote equal to ``sqrt(s)``. The float64 magnitudes must also grow strictly from
    one ``s`` to the next (checked; if not, every code is flagged).
    """
    g_row, g_col, code = _pairs()
    found, weight = _vote_tables(orientations)
    magnitude = np.hypot(g_row, g_col)
    s = (g_row * g_row + g_col * g_col).astype(np.intp)
    root = np.sqrt(s.astype(np.float64))
    redo = np.zeros(_MAX_S + 1, dtype=bool)
    redo[s[(magnitude != root) | (weight[code] != root)]] = True
    order = np.lexsort((magnitude, s))
    steps, rises = np.diff(magnitude[order]), np.diff(s[order]) > 0
    if not (np.all(steps >= 0) and np.all(steps[rises] > 0)) or sys.byteorder != "little":
        redo[:] = True                                  # (the key's words assume little-endian int64)
    dtype = np.uint8 if orientations < 255 else np.int32
    flag = int(np.iinfo(dtype).max)
    bins = np.full(1 << _CODE_BITS, flag, dtype=dtype)
    bins[code] = np.where(redo[s], flag, found[code])
    return bins, flag


def cell_histograms_uint8(images: np.ndarray, orientations: int, pixels_per_cell: tuple[int, int]) -> np.ndarray:
    """Per-cell histograms of uint8 images with the channels last: (N, H, W, C), any C >= 1
    -> (N, H // c_row, W // c_col, orientations), float64."""
    n, rows, cols, _ = images.shape
    out = np.zeros((n, rows // pixels_per_cell[0], cols // pixels_per_cell[1], orientations), dtype=np.float64)
    for (start, stop, r0, r1), cells in _cell_units(images, orientations, pixels_per_cell):
        out[start:stop, r0:r1] = cells
    return out


def hog_uint8(images: np.ndarray, orientations: int, pixels_per_cell: tuple[int, int],
              cells_per_block: tuple[int, int], block_norm: str) -> np.ndarray:
    """HoG descriptors of uint8 images (N, H, W, C), validated by the caller (at least one
    block) -> (N, F), float64.

    The cells of about ``_NORMALIZE_VALUES`` histogram values at a time are normalised by
    :func:`~coursework.features.hog_steps.block_normalized` as soon as their images are
    complete, while they are still in the CPU's cache."""
    n, rows, cols, _ = images.shape
    cells = np.empty((n, rows // pixels_per_cell[0], cols // pixels_per_cell[1], orientations), dtype=np.float64)
    group = max(1, _NORMALIZE_VALUES // cells[0].size)
    out, done = None, 0
    for (start, stop, r0, r1), unit in _cell_units(images, orientations, pixels_per_cell):
        cells[start:stop, r0:r1] = unit
        if r1 == cells.shape[1] and (stop - done >= group or stop == n):        # whole images
            blocks = block_normalized(np, cells[done:stop], cells_per_block, block_norm)
            if out is None:
                out = np.empty((n, blocks[0].size), dtype=np.float64)
            out[done:stop] = blocks.reshape(stop - done, -1)
            done = stop
    return out


def _units(n: int, rows: int, cols: int, c_row: int, n_row: int) -> list[tuple[int, int, int, int]]:
    """The pieces of work, ``(start, stop, r0, r1)``: images [start, stop), cell rows [r0, r1);
    several whole images of about ``_CHUNK_PIXELS`` pixels, or bands of one large image."""
    if rows * cols <= _CHUNK_PIXELS:
        chunk = max(1, min(n, _CHUNK_PIXELS // (rows * cols)))
        return [(start, min(n, start + chunk), 0, n_row) for start in range(0, n, chunk)]
    band = max(1, _CHUNK_PIXELS // (c_row * cols))
    return [(i, i + 1, r0, min(n_row, r0 + band)) for i in range(n) for r0 in range(0, n_row, band)]


def _cell_units(images: np.ndarray, orientations: int, pixels_per_cell: tuple[int, int]) -> Iterator:
    """``((start, stop, r0, r1), cells)`` per unit of :func:`_units`: the cell histograms of
    images [start, stop), cell rows [r0, r1): (stop - start, r1 - r0, W // c_col, orientations)."""
    # BEGIN REFERENCE 01_features
    n, rows, cols, channels = images.shape
    c_row, c_col = pixels_per_cell
    n_row, n_col = rows // c_row, cols // c_col
    w = n_col * c_col
    if n == 0 or n_row == 0 or n_col == 0:
        return
    bins, flag = _fast_tables(orientations)
    found_exact, weight_exact = _vote_tables(orientations)       # for the pixels redone
    rank = _rank_table()
    # low word = ((g_row + 256 + 512 * tie) << 9) + g_col = tie << 18 | code, tie = C - 1 - channel
    row_offset = np.reshape(256 + 512 * np.arange(channels - 1, -1, -1, dtype=np.int32), (1, channels, 1, 1))
    units = _units(n, rows, cols, c_row, n_row)
    # Each unit reads its kept rows and one more row above and below (for the gradients).
    spans = [(max(0, r0 * c_row - 1), min(rows, r1 * c_row + 1)) for _, _, r0, r1 in units]
    buffers = _Buffers(max((stop - start) * channels * (b - a) * cols for (start, stop, _, _), (a, b) in zip(units, spans)),
                       max((stop - start) * (r1 - r0) * c_row * w for start, stop, r0, r1 in units))
    layouts = {}
    for (start, stop, r0, r1), (a, b) in zip(units, spans):
        m, top, kept = stop - start, r0 * c_row - a, (r1 - r0) * c_row
        shape = (m, channels, b - a, cols)
        if (shape, top, kept) not in layouts:
            layouts[(shape, top, kept)] = _layout(shape, top, kept, w, pixels_per_cell, orientations)
        base, low_words, channel_step = layouts[(shape, top, kept)]
        x, gr, gc, t, k, s, low = buffers.planes(shape)
        best, best_s = buffers.winners((m, kept, w))
        np.copyto(x, images[start:stop, a:b].transpose(0, 3, 1, 2))
        _central_differences(x, gr, gc)
        np.multiply(gr, gr, out=x)
        np.multiply(gc, gc, out=t)
        np.add(x, t, out=s)                                             # high word: s
        np.add(gr, row_offset, out=t)
        np.left_shift(t, 9, out=t)
        np.add(t, gc, out=low)                                          # low word: tie << 18 | code
        kept_keys = k[:, :, top:top + kept, :w]
        if channels == 1:
            np.copyto(best, kept_keys[:, 0])
        else:                                                           # (M, kept, w): the winner's key
            np.maximum(kept_keys[:, 0], kept_keys[:, 1], out=best)
            for c in range(2, channels):
                np.maximum(best, kept_keys[:, c], out=best)
        found = bins[best & ((1 << _CODE_BITS) - 1)]
        vote = np.sqrt(best_s, dtype=np.float64).reshape(-1)
        flat = (base + found).reshape(-1)
        redo = np.flatnonzero(found == flag)
        if redo.size:                     # the exact choice: the rank of hypot decides, then the tie
            lows = k.view(np.int32).reshape(-1)[low_words[redo, None] + channel_step]    # (P, C)
            code = np.max(rank[lows & ((1 << _CODE_BITS) - 1)] | lows, axis=1) & ((1 << _CODE_BITS) - 1)
            flat[redo] = base.reshape(-1)[redo] + found_exact[code]
            vote[redo] = weight_exact[code]
        sums = np.bincount(flat, weights=vote, minlength=m * (r1 - r0) * n_col * orientations)
        yield (start, stop, r0, r1), sums.reshape(m, r1 - r0, n_col, orientations) / (c_row * c_col)
    # END REFERENCE


def _layout(shape, top: int, kept: int, w: int, pixels_per_cell, orientations: int):
    """For the kept pixels (M, kept, w) of planes of ``shape`` (M, C, rows, cols) whose kept rows
    start at ``top``: each pixel's flat (image, cell row, cell column) offset for bincount, the
    index of its channel 0's low word among the key array's int32 words, and the step from
    one channel's to the next."""
    # BEGIN REFERENCE 01_features
    m, channels, rows, cols = shape
    c_row, c_col = pixels_per_cell
    n_col = w // c_col
    cell_of = ((np.arange(kept) // c_row)[:, None] * n_col + (np.arange(w) // c_col)[None, :]) * orientations
    base = (np.arange(m, dtype=np.intp) * ((kept // c_row) * n_col * orientations))[:, None, None] + cell_of
    first = ((np.arange(m, dtype=np.intp) * (channels * rows * cols))[:, None, None]
             + ((top + np.arange(kept)) * cols)[:, None] + np.arange(w))
    return base, 2 * first.reshape(-1), 2 * rows * cols * np.arange(channels, dtype=np.intp)
    # END REFERENCE


class _Buffers:
    """Work arrays reused from unit to unit, as flat storage shaped per unit: the int32 planes
    x, g_row, g_col, t (M, C, rows, cols); the int64 keys of the same shape with their high (s)
    and low (tie << 18 | code) int32 words; the winners' keys (M, kept, w) and their high words."""

    def __init__(self, plane_size: int, winners_size: int) -> None:
        self._planes = [np.empty(plane_size, dtype=np.int32) for _ in range(4)]
        self._key = np.empty(plane_size, dtype=np.int64)
        self._best = np.empty(winners_size, dtype=np.int64)
        self._views: dict = {}

    def planes(self, shape: tuple) -> tuple:
        if shape not in self._views:
            size = math.prod(shape)
            key = self._key[:size].reshape(shape)
            words = key.view(np.int32).reshape(shape + (2,))           # little-endian: [..., 0] is the low word
            self._views[shape] = (*(p[:size].reshape(shape) for p in self._planes), key, words[..., 1], words[..., 0])
        return self._views[shape]

    def winners(self, shape: tuple) -> tuple:
        if shape not in self._views:
            best = self._best[:math.prod(shape)].reshape(shape)
            self._views[shape] = best, best.view(np.int32).reshape(shape + (2,))[..., 1]
        return self._views[shape]


def _central_differences(x: np.ndarray, g_row: np.ndarray, g_col: np.ndarray) -> None:
    """``x[r + 1] - x[r - 1]`` and ``x[c + 1] - x[c - 1]`` per plane, 0 on the border: (M, C, H, W).

    Each is one subtraction over the whole chunk, flattened; the lines where it reaches
    across planes are exactly the border lines, set to 0 after."""
    # BEGIN REFERENCE 01_features
    rows, cols = x.shape[2], x.shape[3]
    flat_x, flat_row, flat_col = x.reshape(-1), g_row.reshape(-1), g_col.reshape(-1)
    if rows >= 3:
        np.subtract(flat_x[2 * cols:], flat_x[:-2 * cols], out=flat_row[cols:-cols])
        g_row[:, :, 0, :] = 0
        g_row[:, :, -1, :] = 0
    else:
        g_row[...] = 0
    if cols >= 3:
        np.subtract(flat_x[2:], flat_x[:-2], out=flat_col[1:-1])
        g_col[:, :, :, 0] = 0
        g_col[:, :, :, -1] = 0
    else:
        g_col[...] = 0
    # END REFERENCE
