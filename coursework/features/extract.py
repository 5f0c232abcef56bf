"""Several feature extractors side by side: one long feature vector per image."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .. import backend
from ..validation import shape_str

__all__ = ["extract_features"]

_FUNC = "extract_features"


def extract_features(images: Any, extractors: Sequence[Callable | tuple[Callable, dict]]):
    """Apply every extractor to ``images`` and concatenate the features per image.

    Parameters
    ----------
    images : array
        Whatever the extractors accept: one image, e.g. (H, W, 3), or a batch
        (N, H, W, 3).
    extractors : non-empty sequence of callables or ``(callable, kwargs)`` pairs
        Each is called as ``f(images, **kwargs)`` and must return one vector of shape
        (F_i,) for one image or a matrix (N, F_i) for a batch, all in the same
        namespace and on the same device.

    Returns
    -------
    features : array of shape (F_1 + F_2 + ...,) or (N, F_1 + F_2 + ...)
        The extractors' outputs side by side, in the given order, along the last
        axis; dtype by the array API promotion rules (float32 with float64 gives
        float64). Same namespace and device as the extractors' outputs.

    Raises
    ------
    TypeError
        ``extractors`` is not a sequence, or holds something that is not a callable or a
        ``(callable, dict)`` pair.
    ValueError
        ``extractors`` is empty; an extractor returns an array that is not 1-D or 2-D,
        or a different number of images (or one vector where others return a batch).

    Examples
    --------
    >>> import numpy as np
    >>> from coursework.features import color_histogram, hog
    >>> images = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)
    >>> extract_features(images, [color_histogram, (hog, {"orientations": 6, "channel_axis": -1})]).shape
    (4, 728)
    >>> extract_features(images[0], [(color_histogram, {"bins": 4})]).shape
    (64,)
    """
    steps = _unpack(extractors)
    # BEGIN REFERENCE 01_features
    features, names = [], []
    for func, kwargs in steps:
        out = backend.as_array(func(images, **kwargs))
        name = getattr(func, "__name__", repr(func))
        if out.ndim not in (1, 2):
            raise ValueError(f"{_FUNC}: expected {name} to return shape (F,) for one image or (N, F) for a "
                             f"batch, got shape {shape_str(out.shape)}")
        if features:
            first, first_name = features[0], names[0]
            if out.ndim != first.ndim:
                raise ValueError(
                    f"{_FUNC}: expected {name} to return {_kind(first)} like {first_name} "
                    f"(shape {shape_str(first.shape)}), got shape {shape_str(out.shape)}")
            if out.ndim == 2 and out.shape[0] != first.shape[0]:
                raise ValueError(
                    f"{_FUNC}: expected {name} to return features for {first.shape[0]} images like "
                    f"{first_name}, got {out.shape[0]} (shape {shape_str(out.shape)})")
        features.append(out)
        names.append(name)
    xp = backend.namespace(*features)
    return xp.concat(features, axis=-1)
    # END REFERENCE


def _unpack(extractors) -> list[tuple[Callable, dict]]:
    """``[f, (g, {"k": 1})]`` -> ``[(f, {}), (g, {"k": 1})]``, with clear errors."""
    if callable(extractors) or isinstance(extractors, (str, bytes)) or not hasattr(extractors, "__iter__"):
        raise TypeError(f"{_FUNC}: expected a list of extractors (callables or (callable, kwargs) pairs), "
                        f"got {type(extractors).__name__}")
    steps = []
    for item in extractors:
        if callable(item):
            steps.append((item, {}))
        elif isinstance(item, tuple) and len(item) == 2 and callable(item[0]) and isinstance(item[1], dict):
            steps.append(item)
        else:
            raise TypeError(f"{_FUNC}: expected each extractor to be a callable or a (callable, kwargs dict) "
                            f"pair, got {item!r}")
    if not steps:
        raise ValueError(f"{_FUNC}: expected at least one extractor, got an empty list")
    return steps


def _kind(x) -> str:
    return "one vector (F,)" if x.ndim == 1 else "a batch (N, F)"
