"""NumPy fast path of HoG for uint8 images (any channel count up to 8,192): the same numbers
as the generic path of :mod:`coursework.features.hog`, bit for bit.

A uint8 image has integer gradients ``g_row, g_col`` in [-255, 255]. Everything the
generic path computes per pixel in float64 -- the channel whose ``hypot(g_row, g_col)``
is largest (the first on ties), the orientation bin, the vote ``hypot(g_col, g_row)`` --
then follows from integers and tables built once per process *by the generic functions
themselves* (so the platform's own ``hypot`` and ``atan2`` decide):

- the dominant channel has the largest ``s = g_row**2 + g_col**2`` (exact in int32), the
  first on ties: each channel's int32 key is ``s << t | tie`` (``t`` bits for the channel
  count, ``tie`` larger for earlier channels), and the maximum over the channels is the
  winner's key, which also says which channel won;
- the winner's gradient pair has the ``code`` ``512 * (g_row + 256) + g_col``; its bin is
  ``table[code]``, its vote ``sqrt(s)``.

Both hold exactly where ``hypot`` is the correctly rounded ``sqrt(s)``. NumPy's ``hypot``
is one ulp off for 1,200 of the 261,121 gradient pairs (glibc, x86-64), so two channels
with the same ``s`` can differ in ``hypot`` there. The table marks every ``s`` where any
pair misbehaves (2,000 codes, all with ``|g| >= 32``) or where an angle falls into no bin,
and the pixels whose winner has such an ``s`` (0.7 % of a noise image, 0.1 % of a photo)
are redone with the exact rank of ``hypot`` per gradient pair. The cell sums are the
generic path's ``bincount`` in the same order, and the blocks are normalised by the same
operations in the same order, so the result is the generic path's
(``tests/reference/test_hog.py``). If ``hypot`` did not grow strictly with ``s`` on some
platform, every pixel would be redone: slower, still exact.

Images go through in chunks of about ``_CHUNK_PIXELS`` pixels (several whole images, or
bands of cell rows of a larger one, with a halo row above and below), channels interleaved
as they come, in work arrays reused from chunk to chunk, so that the temporaries stay in the
CPU's cache and no pass converts or transposes more than it must; :func:`hog_uint8`
normalises the blocks of every ``_NORMALIZE_VALUES`` cell values while those cells are still
there. Where the time goes, and the limit: ``benchmarks/bench_features.py``.
"""

from __future__ import annotations

import functools
from typing import Iterator

import numpy as np

from .hog_steps import BLOCK_EPS, orientation_bins

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
    if not (np.all(steps >= 0) and np.all(steps[rises] > 0)):
        redo[:] = True
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
    for _ in _cell_units(images, orientations, pixels_per_cell, out):
        pass
    return out


def hog_uint8(images: np.ndarray, orientations: int, pixels_per_cell: tuple[int, int],
              cells_per_block: tuple[int, int], block_norm: str) -> np.ndarray:
    """HoG descriptors of uint8 images (N, H, W, C), validated by the caller (at least one
    block) -> (N, F), float64.

    The cells of about ``_NORMALIZE_VALUES`` histogram values at a time are normalised as
    soon as their images are complete, while they are still in the CPU's cache, straight into
    the descriptor (:class:`_BlockNormalizer`: the arithmetic of
    :func:`~coursework.features.hog_steps.block_normalized`, on reused buffers)."""
    n, rows, cols, _ = images.shape
    cells = np.empty((n, rows // pixels_per_cell[0], cols // pixels_per_cell[1], orientations), dtype=np.float64)
    b_row, b_col = cells_per_block
    width = (cells.shape[1] - b_row + 1) * (cells.shape[2] - b_col + 1) * b_row * b_col * orientations
    out = np.empty((n, width), dtype=np.float64)
    normalize = _BlockNormalizer(cells_per_block, block_norm)
    group = max(1, _NORMALIZE_VALUES // cells[0].size)
    done = 0
    for start, stop, r0, r1 in _cell_units(images, orientations, pixels_per_cell, cells):
        if r1 == cells.shape[1] and (stop - done >= group or stop == n):        # whole images
            normalize(cells[done:stop], out[done:stop])
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


def _cell_units(images: np.ndarray, orientations: int, pixels_per_cell: tuple[int, int], cells: np.ndarray) -> Iterator:
    """Fill ``cells`` (N, H // c_row, W // c_col, orientations), float64, with the cell histograms
    of ``images``, one unit of :func:`_units` at a time; yield each unit ``(start, stop, r0, r1)``
    (images [start, stop), cell rows [r0, r1)) once its cells are there."""
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
    tie_bits = max(1, (channels - 1).bit_length())
    tie_mask = (1 << tie_bits) - 1
    units = _units(n, rows, cols, c_row, n_row)
    # Each unit reads its kept rows and one more row above and below (for the gradients).
    spans = [(max(0, r0 * c_row - 1), min(rows, r1 * c_row + 1)) for _, _, r0, r1 in units]
    buffers = _Buffers(max((stop - start) * (b - a) * cols * channels for (start, stop, _, _), (a, b) in zip(units, spans)),
                       max((stop - start) * (r1 - r0) * c_row * w for start, stop, r0, r1 in units), channels, bins.dtype)
    layouts: dict = {}
    channel = np.arange(channels)[:, None]
    ties = np.arange(channels - 1, -1, -1, dtype=np.int64)[:, None] << _CODE_BITS
    for (start, stop, r0, r1), (a, b) in zip(units, spans):
        m, top, kept = stop - start, r0 * c_row - a, (r1 - r0) * c_row
        shape = (m, b - a, cols, channels)
        if (shape, top, kept) not in layouts:
            layouts[(shape, top, kept)] = _layout(shape, top, kept, w, pixels_per_cell, orientations)
        base, first, last = layouts[(shape, top, kept)]
        g_row, g_col, key, code, tie = buffers.interleaved(shape)
        best, idx, winner, found, vote, flat = buffers.winners(base.size)
        _gradients(images[start:stop, a:b], key, g_row, g_col)
        np.multiply(g_row, g_row, out=key)
        np.multiply(g_col, g_col, out=code)
        np.add(key, code, out=key)                                      # s
        np.left_shift(key, tie_bits, out=key)
        np.add(key, tie, out=key)                                       # s << t | tie
        np.left_shift(g_row, 9, out=code)
        np.add(code, g_col, out=code)                                   # code - 512 * 256
        kept_keys = key[:, top:top + kept, :w]
        winners = best.reshape(m, kept, w)
        if channels == 1:
            np.copyto(winners, kept_keys[..., 0])
        else:                                                           # (M, kept, w): the winner's key
            np.maximum(kept_keys[..., 0], kept_keys[..., 1], out=winners)
            for c in range(2, channels):
                np.maximum(winners, kept_keys[..., c], out=winners)
        np.bitwise_and(best, tie_mask, out=winner)
        np.subtract(last, winner, out=idx)                              # the winner's channel value
        np.take(code.reshape(-1), idx, out=winner, mode="wrap")            # (indices in range: no checks)
        np.add(winner, 512 * 256, out=idx)                              # its code
        np.take(bins, idx, out=found, mode="wrap")
        np.right_shift(best, tie_bits, out=best)
        np.sqrt(best, out=vote)
        np.add(base, found, out=flat)
        redo = np.flatnonzero(found == flag)
        if redo.size:                     # the exact choice: the rank of hypot decides, then the tie
            at = channel + first[redo]                                # (C, P): a maximum across rows is fast
            codes = code.reshape(-1)[at].astype(np.int64) + 512 * 256
            exact = np.max(rank[codes] | ties | codes, axis=0) & ((1 << _CODE_BITS) - 1)
            flat[redo] = base[redo] + found_exact[exact]
            vote[redo] = weight_exact[exact]
        sums = np.bincount(flat, weights=vote, minlength=m * (r1 - r0) * n_col * orientations)
        np.divide(sums.reshape(m, r1 - r0, n_col, orientations), c_row * c_col, out=cells[start:stop, r0:r1])
        yield start, stop, r0, r1
    # END REFERENCE


def _layout(shape, top: int, kept: int, w: int, pixels_per_cell, orientations: int):
    """For the kept pixels (M, kept, w) of a chunk of ``shape`` (M, rows, cols, C) whose kept rows
    start at ``top``: each pixel's flat (image, cell row, cell column) offset for bincount, and
    the flat index of its channel 0 and of its last channel in the chunk's interleaved arrays."""
    # BEGIN REFERENCE 01_features
    m, rows, cols, channels = shape
    c_row, c_col = pixels_per_cell
    n_col = w // c_col
    cell_of = ((np.arange(kept) // c_row)[:, None] * n_col + (np.arange(w) // c_col)[None, :]) * orientations
    base = (np.arange(m, dtype=np.intp) * ((kept // c_row) * n_col * orientations))[:, None, None] + cell_of
    first = ((np.arange(m, dtype=np.intp) * (rows * cols * channels))[:, None, None]
             + ((top + np.arange(kept)) * (cols * channels))[:, None] + np.arange(w) * channels).reshape(-1)
    return base.reshape(-1), first, first + (channels - 1)
    # END REFERENCE


class _Buffers:
    """Work arrays reused from unit to unit, as flat storage shaped per unit: the int32 arrays
    g_row, g_col, key and code of a chunk (M, rows, cols, C), the channels' ties (C - 1 - c,
    repeated); per kept pixel: the winner's key (int32), two intp arrays, the bin (the table's
    dtype), the vote (float64) and the flat cell offset (intp)."""

    def __init__(self, size: int, kept: int, channels: int, bin_dtype) -> None:
        self._int32 = [np.empty(size, dtype=np.int32) for _ in range(4)]
        self._tie = np.tile(np.arange(channels - 1, -1, -1, dtype=np.int32), size // channels)
        self._best, self._winner = np.empty(kept, dtype=np.int32), np.empty(kept, dtype=np.int32)
        self._idx, self._flat = np.empty(kept, dtype=np.intp), np.empty(kept, dtype=np.intp)
        self._found, self._vote = np.empty(kept, dtype=bin_dtype), np.empty(kept, dtype=np.float64)
        self._views: dict = {}

    def interleaved(self, shape: tuple) -> tuple:
        if shape not in self._views:
            size = shape[0] * shape[1] * shape[2] * shape[3]
            self._views[shape] = (*(a[:size].reshape(shape) for a in self._int32), self._tie[:size].reshape(shape))
        return self._views[shape]

    def winners(self, size: int) -> tuple:
        if size not in self._views:
            self._views[size] = tuple(a[:size] for a in (self._best, self._idx, self._winner, self._found,
                                                          self._vote, self._flat))
        return self._views[size]


def _gradients(chunk: np.ndarray, x: np.ndarray, g_row: np.ndarray, g_col: np.ndarray) -> None:
    """Central differences of a uint8 chunk (M, rows, cols, C), channels interleaved, into int32
    ``g_row``, ``g_col`` of its shape: ``x[r + 1] - x[r - 1]`` and ``x[c + 1] - x[c - 1]``,
    0 on the first and last row and column (``x``: an int32 work array of the same shape).

    Each is one subtraction over the whole chunk, flattened (10 % faster than over the inner
    lines of the 4-d arrays); the lines where it reaches across images or rows are exactly the
    border lines, set to 0 after."""
    # BEGIN REFERENCE 01_features
    _, rows, cols, channels = chunk.shape
    np.copyto(x, chunk)
    flat_x, flat_row, flat_col = x.reshape(-1), g_row.reshape(-1), g_col.reshape(-1)
    line, step = cols * channels, channels
    if rows >= 3:
        np.subtract(flat_x[2 * line:], flat_x[:-2 * line], out=flat_row[line:-line])
        g_row[:, 0] = 0
        g_row[:, -1] = 0
    else:
        g_row[...] = 0
    if cols >= 3:
        np.subtract(flat_x[2 * step:], flat_x[:-2 * step], out=flat_col[step:-step])
        g_col[:, :, 0] = 0
        g_col[:, :, -1] = 0
    else:
        g_col[...] = 0
    # END REFERENCE


class _BlockNormalizer:
    """:func:`~coursework.features.hog_steps.block_normalized` into a given output: the same
    operations in the same order (so the same bits), on buffers reused from group to group."""

    def __init__(self, cells_per_block: tuple[int, int], block_norm: str) -> None:
        self.cells_per_block, self.block_norm = cells_per_block, block_norm
        self._buffers: dict = {}

    def __call__(self, cells: np.ndarray, out: np.ndarray) -> None:
        """Normalise the blocks of ``cells`` (M, R, C, B) into ``out`` (M, F), contiguous."""
        # BEGIN REFERENCE 01_features
        n, n_row, n_col, bins = cells.shape
        b_row, b_col = self.cells_per_block
        blocks_row, blocks_col = n_row - b_row + 1, n_col - b_col + 1
        shape = (n, blocks_row, blocks_col, b_row * b_col, bins)
        if shape not in self._buffers:
            self._buffers[shape] = np.empty(shape), np.empty((n, blocks_row, blocks_col, 1, 1))
        work, total = self._buffers[shape]
        blocks = out.reshape(shape)
        for i in range(b_row):
            for j in range(b_col):
                blocks[:, :, :, i * b_col + j] = cells[:, i:i + blocks_row, j:j + blocks_col]
        if self.block_norm in ("L1", "L1-sqrt"):
            np.abs(blocks, out=work)
            np.sum(work, axis=(3, 4), keepdims=True, out=total)
            np.add(total, BLOCK_EPS, out=total)
            np.divide(blocks, total, out=blocks)
            if self.block_norm == "L1-sqrt":
                np.sqrt(blocks, out=blocks)
            return
        self._divide_by_l2(blocks, work, total)
        if self.block_norm == "L2-Hys":
            np.minimum(blocks, 0.2, out=blocks)
            self._divide_by_l2(blocks, work, total)
        # END REFERENCE

    @staticmethod
    def _divide_by_l2(blocks: np.ndarray, work: np.ndarray, total: np.ndarray) -> None:
        np.multiply(blocks, blocks, out=work)
        np.sum(work, axis=(3, 4), keepdims=True, out=total)
        np.add(total, BLOCK_EPS**2, out=total)
        np.sqrt(total, out=total)
        np.divide(blocks, total, out=blocks)
