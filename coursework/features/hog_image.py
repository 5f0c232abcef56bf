"""A picture of the HoG cells' orientation histograms, to plot over the photo.

For display only: the histograms are computed on the images' device by
:func:`coursework.features.hog.cell_histograms`, then copied to the host with
:func:`coursework.backend.to_host` and drawn with NumPy. The drawing is the one of
``skimage.feature.hog(..., visualize=True)``: in every cell, for every orientation bin,
a line of radius ``min(pixels_per_cell) // 2 - 1`` through the cell centre,
*perpendicular* to the bin's middle gradient direction (so along the edge), whose
pixels get the cell's value for that bin added.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from ..validation import check_int_pair, check_positive_int, shape_str
from ._channels import check_channel_images
from .hog import cell_histograms

__all__ = ["hog_image", "hog_picture"]


def hog_image(image: Any, orientations: int = 9, pixels_per_cell=(8, 8), *,
              channel_axis: int | None = None) -> np.ndarray:
    """Draw each cell's orientation histogram as a star of lines (host NumPy, for plotting).

    The picture of ``skimage.feature.hog(image, orientations, pixels_per_cell,
    visualize=True, channel_axis=channel_axis)[1]``, with scikit-image's defaults.

    Parameters
    ----------
    image : array of shape (H, W), or (H, W, C) with channel_axis=-1
        One grey or colour image, any real dtype (as for :func:`coursework.features.hog`).
    orientations : int, default 9
        Number of orientation bins.
    pixels_per_cell : int or (int, int), default (8, 8)
        Cell size; each side at least 2 pixels (the lines need room).
    channel_axis : None or -1, default None
        As in :func:`coursework.features.hog` and scikit-image: ``None`` grey,
        ``-1`` channels last (any number).

    Returns
    -------
    picture : numpy.ndarray of shape (H, W), float64, on the host
        Zero outside the lines. A pixel on the line of bin ``o`` of a cell holds that
        cell's mean gradient magnitude in bin ``o`` (sums where lines cross, at the
        centre). Rows and columns outside whole cells stay 0.

    Raises
    ------
    TypeError, ValueError
        A batch instead of one image, a bad shape or dtype, cells smaller than 2
        pixels or larger than the image.

    Examples
    --------
    >>> import numpy as np
    >>> step = np.zeros((16, 16)); step[:, 8:] = 1.0      # a vertical edge
    >>> picture = hog_image(step, pixels_per_cell=8, channel_axis=None)
    >>> picture.shape
    (16, 16)
    >>> (picture[:8, :8] > 0).astype(int)       # cell (0, 0): a line along the edge
    array([[0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 1, 0, 0, 0],
           [0, 0, 0, 0, 1, 0, 0, 0],
           [0, 0, 0, 0, 1, 0, 0, 0],
           [0, 0, 0, 1, 0, 0, 0, 0],
           [0, 0, 0, 1, 0, 0, 0, 0],
           [0, 0, 0, 1, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0]])
    """
    func = "hog_image"
    orientations = check_positive_int(orientations, "orientations", func)
    c_row, c_col = check_int_pair(pixels_per_cell, "pixels_per_cell", func)
    if min(c_row, c_col) < 2:
        raise ValueError(f"{func}: expected pixels_per_cell of at least (2, 2) to draw lines, got {(c_row, c_col)}")
    image = backend.as_array(image)
    images, _ = check_channel_images(image, func, channel_axis, batch=False)
    rows, cols = images.shape[1], images.shape[2]
    if rows < c_row or cols < c_col:
        raise ValueError(f"{func}: expected an image of at least {c_row} x {c_col} pixels "
                         f"(one cell), got shape {shape_str(image.shape)}")
    hist = cell_histograms(images, orientations, (c_row, c_col))[0, ...]  # (R, C, B)
    return hog_picture(hist, (rows, cols), (c_row, c_col))


def hog_picture(cells: Any, image_shape, pixels_per_cell=(8, 8)) -> np.ndarray:
    """Draw given cell histograms as :func:`hog_image` does (host NumPy, for plotting).

    Parameters
    ----------
    cells : array of shape (R, C, B)
        Orientation histogram of each cell (B bins over [0, 180) degrees), e.g. your
        own ``cell_histograms`` of 01_features; copied to the host.
    image_shape : (int, int)
        Rows and columns of the picture, at least ``R * c_row`` by ``C * c_col``.
    pixels_per_cell : int or (int, int), default (8, 8)
        Cell size; each side at least 2 pixels.

    Returns
    -------
    picture : numpy.ndarray of shape ``image_shape``, float64
    """
    func = "hog_picture"
    c_row, c_col = check_int_pair(pixels_per_cell, "pixels_per_cell", func)
    if min(c_row, c_col) < 2:
        raise ValueError(f"{func}: expected pixels_per_cell of at least (2, 2) to draw lines, got {(c_row, c_col)}")
    hist = np.asarray(backend.to_host(cells), dtype=np.float64)
    rows, cols = (int(v) for v in image_shape)
    if hist.ndim != 3 or hist.shape[0] * c_row > rows or hist.shape[1] * c_col > cols or hist.shape[2] < 1:
        raise ValueError(f"{func}: expected cells of shape (R, C, B) with R * {c_row} <= {rows} and "
                         f"C * {c_col} <= {cols}, got shape {shape_str(hist.shape)}")
    n_row, n_col, orientations = hist.shape
    picture = np.zeros((rows, cols), dtype=np.float64)
    centre_rows = np.arange(n_row) * c_row + c_row // 2
    centre_cols = np.arange(n_col) * c_col + c_col // 2
    radius = min(c_row, c_col) // 2 - 1
    middles = np.pi * (np.arange(orientations) + 0.5) / orientations   # bin middles, radians
    d_rows, d_cols = radius * np.sin(middles), radius * np.cos(middles)
    for o in range(orientations):
        # skimage draws from int(centre_r - d_col), int(centre_c + d_row) to
        # int(centre_r + d_col), int(centre_c - d_row): float sums truncated, so the
        # offsets from the centre can differ by one between cells (e.g. d_col = 1e-16).
        row_ends = _offsets(centre_rows, -d_cols[o], d_cols[o])         # (R, 2)
        col_ends = _offsets(centre_cols, d_rows[o], -d_rows[o])         # (C, 2)
        for r_start, r_stop in np.unique(row_ends, axis=0):
            rows_sel = np.all(row_ends == (r_start, r_stop), axis=1)
            for c_start, c_stop in np.unique(col_ends, axis=0):
                cols_sel = np.all(col_ends == (c_start, c_stop), axis=1)
                values = hist[np.ix_(rows_sel, cols_sel)][:, :, o]
                for dr, dc in zip(*line_pixels(int(r_start), int(c_start), int(r_stop), int(c_stop))):
                    picture[np.ix_(centre_rows[rows_sel] + dr, centre_cols[cols_sel] + dc)] += values
    return picture


def _offsets(centres: np.ndarray, d_start: float, d_stop: float) -> np.ndarray:
    """``int(centre + d) - centre`` for both ends of the line, per centre: (K,) -> (K, 2)."""
    ends = np.stack([np.trunc(centres + d_start), np.trunc(centres + d_stop)], axis=1)
    return ends.astype(np.intp) - centres[:, None]


def line_pixels(r0: int, c0: int, r1: int, c1: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of the digital line from (r0, c0) to (r1, c1), both included (Bresenham).

    The same pixels, in the same order, as ``skimage.draw.line``.

    Returns
    -------
    rr, cc : numpy.ndarray of shape (max(|r1 - r0|, |c1 - c0|) + 1,), intp
    """
    steep = abs(r1 - r0) > abs(c1 - c0)
    if steep:                        # walk along rows: swap the roles of rows and columns
        r0, c0, r1, c1 = c0, r0, c1, r1
    major, minor = abs(c1 - c0), abs(r1 - r0)
    step_major = 1 if c1 - c0 > 0 else -1
    step_minor = 1 if r1 - r0 > 0 else -1
    rr, cc = np.empty(major + 1, dtype=np.intp), np.empty(major + 1, dtype=np.intp)
    r, c, error = r0, c0, 2 * minor - major
    for i in range(major):
        rr[i], cc[i] = r, c
        while error >= 0:
            r += step_minor
            error -= 2 * major
        c += step_major
        error += 2 * minor
    rr[major], cc[major] = r1, c1
    if steep:
        rr, cc = cc, rr
    return rr, cc
