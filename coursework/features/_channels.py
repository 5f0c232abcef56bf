"""scikit-image's ``channel_axis`` rule for the feature functions: nothing guessed from the shape.

- ``channel_axis=None`` (the default of ``hog`` and ``hog_image``, as in scikit-image):
  grey images, one ``(H, W)`` or a batch ``(N, H, W)``;
- ``channel_axis=-1`` (the default of ``color_histogram``, which needs colour; also the
  last axis's own index): colour images with the channels last, one image ``(H, W, C)``
  or a batch ``(N, H, W, C)``, any ``C >= 1`` unless the function needs a given number
  (the colour histogram: 3).

So an RGBA image is four channels (as in ``skimage.feature.hog``), and a batch of grey
images of width 3 is grey when ``channel_axis=None`` says so.
"""

from __future__ import annotations

import numbers
from typing import Any

from .. import backend
from ..validation import check_finite, check_images, shape_str

__all__ = ["check_channel_images"]


def check_channel_images(images: Any, func: str, channel_axis=-1, *, channels: int | None = None,
                         batch: bool = True):
    """Validate images under ``channel_axis``.

    Parameters
    ----------
    images : array-like
    func : str
        The caller's name, for the messages.
    channel_axis : int or None
        ``-1`` (or the index of the last axis): channels last; ``None``: grey.
    channels : int or None
        The number of channels the caller needs (``None``: any ``C >= 1``).
    batch : bool
        Whether a batch is accepted (``False``: one image only).

    Returns
    -------
    (images, batched) : the images with a batch axis always present, (N, H, W, C) or
        (N, H, W), and whether the caller passed a batch.
    """
    if channel_axis is not None and (isinstance(channel_axis, bool) or not isinstance(channel_axis, numbers.Integral)):
        raise TypeError(f"{func}: expected channel_axis to be an int (-1: the channels are the last axis) or None "
                        f"(grey images), got {channel_axis!r} ({type(channel_axis).__name__})")
    images = backend.as_array(images)
    ndim, shape = images.ndim, shape_str(images.shape)
    c = "C" if channels is None else str(channels)
    if channel_axis is None:
        grey = "(H, W) or (N, H, W)" if batch else "(H, W)"
        if channels is not None:
            raise ValueError(f"{func}: expected images with {channels} channels (channel_axis=-1); "
                             "channel_axis=None (grey images) does not apply")
        if ndim not in ((2, 3) if batch else (2,)):
            raise ValueError(f"{func}: expected grey images of shape {grey} with channel_axis=None, got shape "
                             f"{shape}" + (" (for colour images pass channel_axis=-1)" if ndim in (3, 4) else ""))
        xp = backend.namespace(images)
        if not (xp.isdtype(images.dtype, "real floating") or xp.isdtype(images.dtype, "integral")
                or images.dtype == xp.bool):
            raise TypeError(f"{func}: expected a real-valued image array, got dtype {images.dtype}")
        if any(int(s) == 0 for s in images.shape):
            raise ValueError(f"{func}: expected non-empty images of shape {grey}, got shape {shape}")
        check_finite(images, "images", func)
        batched = ndim == 3
        return (images if batched else images[None, ...]), batched
    colour = f"(H, W, {c}) or (N, H, W, {c})" if batch else f"(H, W, {c})"
    if ndim not in ((3, 4) if batch else (3,)):
        raise ValueError(f"{func}: expected colour images of shape {colour} with channel_axis={channel_axis}, got "
                         f"shape {shape}" + (" (for grey images pass channel_axis=None)"
                                             if ndim in (2, 3) and channels is None else ""))
    if not -ndim <= channel_axis < ndim or channel_axis % ndim != ndim - 1:
        raise ValueError(f"{func}: expected the channels in the last axis (channel_axis=-1 or {ndim - 1} for shape "
                         f"{shape}), got channel_axis={channel_axis}; move them there first "
                         f"(e.g. np.moveaxis(images, {channel_axis}, -1))")
    if channels is not None and images.shape[-1] != channels:
        raise ValueError(f"{func}: expected images with {channels} channels in the last axis, shape {colour}, got "
                         f"shape {shape} ({images.shape[-1]} channels)")
    return check_images(images, func, channels=channels)
