"""Stored inputs and expected values of the visible checks of ``02_tensors``.

The layouts and broadcasting are NumPy's own (transpose, reshape); the scores of the
3-layer forward pass come from ``coursework.nn.MLP`` with ReLU.
"""

from __future__ import annotations

import numpy as np

from coursework import nn

ASSIGNMENT = "02_tensors"


def _distinct(rng: np.random.Generator, k: int, low: int, high: int) -> tuple[int, ...]:
    return tuple(int(v) for v in rng.choice(np.arange(low, high), size=k, replace=False))


def build(rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Inputs and expected values for ``grader_tests.tensors``.

    Without ``rng``: the stored ones. With ``rng`` (a student's, when the judge grades):
    drawn from it the same way, with the batches' sizes drawn too (every axis of a
    layout batch a different length; a grey batch with one channel; a single image).
    """
    fixed = rng is None
    rng = np.random.default_rng(20261202) if fixed else rng
    out: dict[str, np.ndarray] = {}
    # hwc_to_chw: every axis a different length, so a reshape cannot pass for a transpose.
    shapes = {"chw_batch": (2, 4, 5, 3), "chw_grey": (3, 2, 6, 1)}
    if not fixed:
        shapes = {"chw_batch": _distinct(rng, 4, 2, 9), "chw_grey": _distinct(rng, 3, 2, 9) + (1,)}
    for key, shape in shapes.items():
        out[key] = rng.integers(0, 256, size=shape).astype(np.uint8)
    for key in ("chw_batch", "chw_grey"):
        out[f"{key}_chw"] = np.ascontiguousarray(np.transpose(out[key], (0, 3, 1, 2)))

    shapes = {"flat_batch": (3, 4, 5, 3), "flat_grey": (2, 3, 4)}
    if not fixed:
        shapes = {"flat_batch": _distinct(rng, 4, 2, 7), "flat_grey": _distinct(rng, 3, 2, 7)}
    out["flat_batch"] = rng.integers(0, 10, size=shapes["flat_batch"]).astype(np.float64)
    out["flat_grey"] = rng.random(shapes["flat_grey"]).round(3)
    single = (2, 2, 3) if fixed else _distinct(rng, 3, 1, 6)
    out["flat_single"] = np.arange(np.prod(single), dtype=np.float64).reshape(1, *single)
    if not fixed:
        out["flat_single"] = rng.permutation(out["flat_single"].ravel()).reshape(out["flat_single"].shape)
    for key in ("flat_batch", "flat_grey", "flat_single"):
        out[f"{key}_flat"] = out[key].reshape(out[key].shape[0], -1)

    # normalize_channels: (N, C, H, W) with W != C, and W == C (where the wrong axis broadcasts silently).
    for key, shape in (("norm_batch", (2, 3, 4, 5)), ("norm_square", (2, 3, 4, 3))):
        c = shape[1]
        out[key] = (rng.random(shape) * 255).round(1)
        out[f"{key}_mean"] = np.array([120.0, 110.0, 100.0])[:c]
        out[f"{key}_std"] = np.array([60.0, 50.0, 40.0])[:c]
        out[f"{key}_normalized"] = (out[key] - out[f"{key}_mean"][:, None, None]) / out[f"{key}_std"][:, None, None]

    # three_layer_forward: the lecture's 3 inputs, hidden layers of 4 and 6 units, 2 scores.
    net = nn.MLP([3, 4, 6, 2], "relu", rng=rng)
    for name in list(net.params):
        if name.endswith(".b"):
            net.params[name] = (0.5 * rng.standard_normal(net.params[name].shape)).round(3)
        else:
            net.params[name] = np.asarray(net.params[name]).round(3)
    for name, value in net.params.items():
        out[f"net.{name}"] = np.array(value)
    n = 5 if fixed else int(rng.integers(2, 10))
    out["fwd_x"] = rng.standard_normal((n, 3)).round(3)
    out["fwd_x1"] = rng.standard_normal((1, 3)).round(3)
    for key in ("fwd_x", "fwd_x1"):
        out[f"{key}_scores"] = net.forward(out[key])
    return out
