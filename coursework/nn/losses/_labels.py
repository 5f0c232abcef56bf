"""Checks shared by the losses: scores (N, C), integer labels (N,) in [0, C), one-hot."""

from __future__ import annotations

from typing import Any

import array_api_compat

from ... import backend
from ...deferred_checks import require
from ...validation import count_nonfinite, nonfinite_error, shape_str


def check_scores_labels(scores: Any, y: Any, func: str):
    """Validate ``scores`` and ``y``; return ``(xp, y, onehot)``.

    ``y`` may also be a list or a NumPy array: it is then moved to the namespace
    and device of ``scores``. ``onehot`` has shape (N, C) and the dtype of
    ``scores``: ``onehot[i, j] = 1`` where ``j == y[i]`` (built with a comparison,
    not with index assignment, which the array API does not have).

    The value checks (labels in [0, C), finite scores) are one flag computed on the
    device and read by :func:`coursework.deferred_checks.require`: at once, or, on a
    device during training, once per epoch.
    """
    if not array_api_compat.is_array_api_obj(scores):
        raise TypeError(f"{func}: expected scores to be an array, got {type(scores).__name__}")
    xp = backend.namespace(scores)
    if not xp.isdtype(scores.dtype, "real floating"):
        raise TypeError(f"{func}: expected floating-point scores, got dtype {scores.dtype}")
    if scores.ndim != 2:
        raise ValueError(f"{func}: expected scores of shape (N, C), got shape {shape_str(scores.shape)}")
    n, c = scores.shape
    if n == 0 or c == 0:
        raise ValueError(f"{func}: expected a non-empty batch of scores (N, C), got shape {shape_str(scores.shape)}")
    if not array_api_compat.is_array_api_obj(y) or (backend.is_numpy(y) and not backend.is_numpy(scores)):
        y = backend.from_host(y, like=scores)
    if not (xp.isdtype(y.dtype, "integral")):
        raise TypeError(f"{func}: expected integer labels y, got dtype {y.dtype}")
    if tuple(y.shape) != (n,):
        raise ValueError(f"{func}: expected labels y of shape ({n},) to match scores of shape "
                         f"{shape_str(scores.shape)}, got shape {shape_str(y.shape)}")
    low, high, bad = xp.astype(xp.min(y), xp.int64), xp.astype(xp.max(y), xp.int64), count_nonfinite(scores)

    def explain():
        lo, hi, count = (int(v) for v in backend.to_host(xp.stack([low, high, bad])))
        if lo < 0 or hi >= c:
            raise ValueError(f"{func}: expected labels y in [0, {c}) for {c} classes, "
                             f"got values from {lo} to {hi}")
        if count:
            raise nonfinite_error(count, "scores", func)

    require((low >= 0) & (high < c) & (bad == 0), explain)
    classes = xp.arange(c, dtype=y.dtype, device=backend.device(y))
    onehot = xp.astype(y[:, None] == classes[None, :], scores.dtype)
    return xp, y, onehot
