"""Joint RGB colour histogram of one image or a batch, normalised by the pixel count.

The bin rule is NumPy's ``np.histogramdd`` with ``bins`` equal-width bins per channel:

- edges ``linspace(0, 256, bins + 1)`` for integer images (values 0..255),
  ``linspace(0, 1, bins + 1)`` for float images (values in [0, 1]);
- a value ``v`` goes to bin ``i`` with ``edge[i] <= v < edge[i + 1]`` (a search on the
  edges, side ``'right'``), except that the right-most edge (1.0 for floats) goes into
  the last bin.

So for a uint8 image ``color_histogram(img, b)`` equals
``np.histogramdd(img.reshape(-1, 3), bins=b, range=[(0, 256)] * 3)[0].ravel() / n_pixels``.
Note that ``floor(v * bins)`` is *not* the same rule: with ``bins=10`` the value 0.3
lies below the edge ``linspace(0, 1, 11)[3] = 0.30000000000000004`` and goes to bin 2.
"""

from __future__ import annotations

from typing import Any

from .. import backend
from ..validation import check_positive_int
from ._channels import check_channel_images

__all__ = ["color_histogram"]

_FUNC = "color_histogram"
_CHUNK_PIXELS = 1 << 16   # NumPy fast path: pixels per chunk (its temporaries stay in cache)
_CHUNK_BINS = 1 << 20     # ... and at most this many histogram bins per chunk


def color_histogram(images: Any, bins: int = 8, *, channel_axis: int | None = -1):
    """Joint RGB histogram with ``bins`` bins per channel, summing to 1 per image.

    Parameters
    ----------
    images : array of shape (H, W, 3) or (N, H, W, 3)
        RGB image(s). Integer dtypes (e.g. uint8) hold values 0..255; float dtypes hold
        values in [0, 1] (1.0 goes into the last bin, like ``np.histogramdd``).
    bins : int, default 8
        Number of equal-width bins per channel.
    channel_axis : -1, default -1
        The channels are the last axis (scikit-image's convention, as in
        :func:`coursework.features.hog`); ``None`` (grey) does not apply and is refused.

    Returns
    -------
    hist : array of shape (bins**3,) or (N, bins**3), float64
        ``hist[(r * bins + g) * bins + b]`` is the fraction of pixels whose red, green
        and blue values fall into bins ``r``, ``g``, ``b``. Always float64, also for
        float32 images: the entries are counts divided by the pixel count, and float64
        keeps them equal to ``np.histogramdd(...)[0] / n_pixels``. The histogram is
        small, so the wider dtype costs nothing. Same namespace and device as
        ``images``. The whole batch is counted at once.

    Raises
    ------
    TypeError
        ``bins`` not an integer; images neither integer nor float (e.g. bool).
    ValueError
        Wrong shape, not 3 channels, ``channel_axis`` not the last axis, ``bins < 1``,
        NaN / infinity, float values outside [0, 1] or integer values outside [0, 255].

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((2, 2, 3), dtype=np.uint8)
    >>> img[0, 0] = 255                      # one white pixel, three black ones
    >>> h = color_histogram(img, bins=2)
    >>> h.shape, float(h[0]), float(h[7])
    ((8,), 0.75, 0.25)
    """
    bins = check_positive_int(bins, "bins", _FUNC)
    images, batched = check_channel_images(images, _FUNC, channel_axis, channels=3)
    xp = backend.namespace(images)
    _check_values(xp, images)
    # BEGIN REFERENCE 01_features
    n, h, w, _ = images.shape
    if backend.is_numpy(images) and images.dtype == xp.uint8:
        counts = _counts_uint8_numpy(images, bins)
    else:
        counts = backend.bincount(_flat_index(xp, images, bins), minlength=n * bins**3)
    hist = xp.reshape(xp.astype(counts, xp.float64) / (h * w), (n, bins**3))
    return hist if batched else hist[0, ...]
    # END REFERENCE


def _flat_index(xp, images, bins: int):
    """Index ``((n * bins + r) * bins + g) * bins + b`` of every pixel: (N, H, W, 3) -> (N*H*W,)."""
    # BEGIN REFERENCE 01_features
    n = images.shape[0]
    channel_bins = _channel_bins(xp, images, bins)                       # (N, H, W, 3)
    image_index = xp.reshape(xp.arange(n, dtype=xp.int64, device=backend.device(images)), (n, 1, 1))
    flat = ((image_index * bins + channel_bins[..., 0]) * bins + channel_bins[..., 1]) * bins \
        + channel_bins[..., 2]                                           # (N, H, W)
    return xp.reshape(flat, (-1,))
    # END REFERENCE


def _counts_uint8_numpy(images, bins: int):
    """NumPy fast path for uint8: the counts of :func:`_flat_index`, (N * bins**3,) int64.

    Same bins as the generic path (the table is :func:`_value_table`; tested against
    it), but three integer table look-ups per pixel, no float temporaries, and chunks
    of images small enough to stay in the CPU cache.
    """
    # BEGIN REFERENCE 01_features
    np_ = backend.namespace(images)  # NumPy here
    n, h, w, _ = images.shape
    cells = bins**3
    chunk = max(1, min(_CHUNK_PIXELS // (h * w), _CHUNK_BINS // cells))
    dtype = np_.int32 if chunk * cells < 2**31 else np_.intp
    table = np_.astype(_value_table(np_, bins, "cpu"), dtype)
    red, green, blue = table * bins**2, table * bins, table
    counts = np_.empty(n * cells, dtype=np_.int64)
    for start in range(0, n, chunk):
        part = images[start:start + chunk]
        m = part.shape[0]
        flat = np_.take(red, part[..., 0])
        flat += np_.take(green, part[..., 1])
        flat += np_.take(blue, part[..., 2])
        flat += np_.reshape(np_.arange(m, dtype=dtype) * cells, (m, 1, 1))
        counts[start * cells:(start + m) * cells] = np_.bincount(np_.reshape(flat, (-1,)), minlength=m * cells)
    return counts
    # END REFERENCE


def _value_table(xp, bins: int, dev):
    """Bin (int64) of each integer value 0..255 on the edges ``linspace(0, 256, bins + 1)``: (256,)."""
    # BEGIN REFERENCE 01_features
    edges = xp.linspace(0.0, 256.0, bins + 1, dtype=xp.float64, device=dev)
    values = xp.arange(256, dtype=xp.float64, device=dev)
    return xp.astype(xp.searchsorted(edges, values, side="right") - 1, xp.int64)
    # END REFERENCE


def _channel_bins(xp, images, bins: int):
    """Bin index (int64, 0..bins-1) of every channel value, by ``np.histogramdd``'s rule."""
    # BEGIN REFERENCE 01_features
    dev = backend.device(images)
    if xp.isdtype(images.dtype, "integral"):
        # Bin of every possible value 0..255, then one look-up per channel value.
        index = xp.reshape(xp.astype(images, xp.int64), (-1,))
        return xp.reshape(xp.take(_value_table(xp, bins, dev), index), images.shape)
    if xp.isdtype(images.dtype, "real floating"):
        edges = xp.linspace(0.0, 1.0, bins + 1, dtype=xp.float64, device=dev)
        found = xp.searchsorted(edges, xp.astype(images, xp.float64), side="right") - 1
        # Only v == 1.0 (the right edge) lands past the last bin: put it into the last.
        return xp.astype(xp.minimum(found, bins - 1), xp.int64)
    raise TypeError(f"{_FUNC}: expected integer (0..255) or float ([0, 1]) images, got dtype {images.dtype}")
    # END REFERENCE


def _check_values(xp, images) -> None:
    """Integer images must hold 0..255, float images [0, 1]; other dtypes are refused."""
    if xp.isdtype(images.dtype, "integral"):
        kind, low, high = "integer", 0, 255
    elif xp.isdtype(images.dtype, "real floating"):
        kind, low, high = "float", 0.0, 1.0
    else:
        raise TypeError(f"{_FUNC}: expected integer (0..255) or float ([0, 1]) images, got dtype {images.dtype}")
    if images.dtype == xp.uint8:
        return
    lo, hi = xp.min(images), xp.max(images)
    if bool(lo < low) or bool(hi > high):
        raise ValueError(
            f"{_FUNC}: expected {kind} images with values in [{low}, {high}], "
            f"got values in [{float(lo):g}, {float(hi):g}]")
