"""Input checks shared by the public functions: clear errors, expected vs got.

Every message names the function, what it expected and what came, in the style
``"color_histogram: expected images of shape (H, W, 3) or (N, H, W, 3), got shape (32, 32)"``.
"""

from __future__ import annotations

import numbers
from typing import Any

from . import backend

__all__ = ["check_images", "check_finite", "count_nonfinite", "nonfinite_error", "check_positive_int",
           "check_int_pair", "shape_str"]


def shape_str(shape) -> str:
    """``(32, 32, 3)`` as text, with one-element tuples written ``(5,)``."""
    shape = tuple(int(s) for s in shape)
    return str(shape)


def check_positive_int(value: Any, name: str, func: str) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{func}: expected {name} to be a positive integer, got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{func}: expected {name} to be a positive integer, got {value}")
    return int(value)


def check_int_pair(value: Any, name: str, func: str) -> tuple[int, int]:
    """Return ``value`` as a pair of positive ints (an int ``k`` means ``(k, k)``)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    try:
        pair = tuple(value)
    except TypeError:
        raise TypeError(f"{func}: expected {name} to be a pair of positive integers, got {value!r}") from None
    if len(pair) != 2:
        raise ValueError(f"{func}: expected {name} to be a pair of positive integers, got {value!r}")
    return tuple(check_positive_int(v, name, func) for v in pair)  # type: ignore[return-value]


def check_finite(x: Any, name: str, func: str) -> None:
    """Raise ``ValueError`` if a floating array holds NaN or infinity (one number copied to the host)."""
    xp = backend.namespace(x)
    if not xp.isdtype(x.dtype, "real floating"):
        return
    count = int(backend.to_host(count_nonfinite(x)))
    if count:
        raise nonfinite_error(count, name, func)


def count_nonfinite(x: Any):
    """Number of NaN and infinite entries of a floating array: 0-d int64 on ``x``'s device."""
    xp = backend.namespace(x)
    return xp.sum(xp.astype(~xp.isfinite(x), xp.int64))


def nonfinite_error(count: int, name: str, func: str) -> ValueError:
    """The error of :func:`check_finite` for ``count`` NaN or infinite values in ``name``."""
    return ValueError(f"{func}: expected finite values in {name}, got {count} NaN or infinite value(s)")


def check_images(images: Any, func: str, *, channels: int | None = 3, allow_grey: bool = False):
    """Validate one image or a batch of images.

    Parameters
    ----------
    images : array-like
        ``(H, W, C)`` or ``(N, H, W, C)``; with ``allow_grey`` also ``(H, W)`` and
        ``(N, H, W)`` (then a 3-D array is read as a batch of grey images only when
        ``channels`` does not match its last axis).
    func : str
        Name of the calling function, for the message.
    channels : int or None
        Required number of channels (``None``: any).

    Returns
    -------
    (images, batched) : the images as an array of their own namespace with a batch
        axis always present, and whether the caller passed a batch.
    """
    images = backend.as_array(images)
    xp = backend.namespace(images)
    if not (xp.isdtype(images.dtype, "real floating") or xp.isdtype(images.dtype, "integral")
            or images.dtype == xp.bool):
        raise TypeError(f"{func}: expected a real-valued image array, got dtype {images.dtype}")
    ndim = images.ndim
    c = "C" if channels is None else str(channels)
    colour = f"(H, W, {c}) or (N, H, W, {c})"
    expected = colour + (" for colour, (H, W) or (N, H, W) for grey" if allow_grey else "")
    if allow_grey:
        grey = ndim == 2 or (ndim == 3 and channels is not None and images.shape[-1] != channels)
        if grey:
            batched = ndim == 3
            images = images if batched else images[None, ...]
            _check_nonempty(images, func, expected)
            check_finite(images, "images", func)
            return images, batched
    if ndim not in (3, 4):
        raise ValueError(f"{func}: expected images of shape {expected}, got shape {shape_str(images.shape)}")
    if channels is not None and images.shape[-1] != channels:
        raise ValueError(
            f"{func}: expected images with {channels} channels in the last axis, shape {expected}, "
            f"got shape {shape_str(images.shape)} ({images.shape[-1]} channels)")
    batched = ndim == 4
    images = images if batched else images[None, ...]
    _check_nonempty(images, func, expected)
    check_finite(images, "images", func)
    return images, batched


def _check_nonempty(images, func: str, expected: str) -> None:
    if any(int(s) == 0 for s in images.shape[1:]):
        raise ValueError(f"{func}: expected non-empty images of shape {expected}, got shape {shape_str(images.shape)}")
