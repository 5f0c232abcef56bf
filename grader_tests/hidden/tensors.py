"""Hidden checks of assignment ``02_tensors`` (instructor only).

Random inputs drawn from a seed per student and exercise
(:func:`grader_tests.harness.student_rng`). The layouts and broadcasting are compared
with NumPy's own ``transpose`` / ``reshape`` / broadcasting, the forward pass with
``coursework.nn.MLP``. Messages describe the inputs but never print them.
"""

from __future__ import annotations

import numpy as np

from coursework import nn

from ..harness import as_result_array, assert_close, assert_shape, call, student_rng
from ..messages import say as say_visible
from ..tensors import FORWARD_KEYS, _forward
from .messages import say

ASSIGNMENT = "02_tensors"


def _distinct_sizes(rng: np.random.Generator, k: int, low: int = 2, high: int = 9) -> list[int]:
    return [int(v) for v in rng.choice(np.arange(low, high), size=k, replace=False)]


def check_chw_random(hwc_to_chw) -> None:
    rng = student_rng(ASSIGNMENT, "hwc_to_chw")
    for trial in range(3):
        n, h, w, c = _distinct_sizes(rng, 4)
        if trial == 0:
            c = 3
            n, h, w = (v if v != 3 else 9 for v in (n, h, w))
        batch = rng.integers(0, 256, size=(n, h, w, c)).astype(np.uint8)
        what = say("t_batch", fn="hwc_to_chw", k=trial + 1, shape=batch.shape)
        got = as_result_array(call(hwc_to_chw, batch, what=what), what)
        assert_close(got, np.transpose(batch, (0, 3, 1, 2)), what, atol=0)


def check_flatten_random(flatten_images) -> None:
    rng = student_rng(ASSIGNMENT, "flatten_images")
    for trial, rank in enumerate((4, 3, 5)):
        shape = tuple(_distinct_sizes(rng, rank, 1, 7))
        batch = rng.standard_normal(shape)
        what = say("t_batch", fn="flatten_images", k=trial + 1, shape=batch.shape)
        got = as_result_array(call(flatten_images, batch, what=what), what)
        assert_close(got, batch.reshape(shape[0], -1), what, atol=0)


def check_normalize_random(normalize_channels) -> None:
    rng = student_rng(ASSIGNMENT, "normalize_channels")
    for trial in range(3):
        n, c, h, w = (int(v) for v in rng.integers(1, 7, size=4))
        if trial == 1:
            w = c              # a broadcast along the width gives no error here
        batch = rng.random((n, c, h, w)) * 255
        mean = rng.random(c) * 255
        std = 0.5 + rng.random(c) * 50
        what = say("t_normalize", k=trial + 1, shape=batch.shape, mean=mean.shape)
        got = as_result_array(call(normalize_channels, batch, mean, std, what=what), what)
        assert_shape(got, batch.shape, what)
        assert_close(got, (batch - mean[:, None, None]) / std[:, None, None], what, atol=1e-9)


def check_forward_random(three_layer_forward) -> None:
    rng = student_rng(ASSIGNMENT, "three_layer_forward")
    for trial in range(3):
        d, h1, h2, c = (int(v) for v in rng.integers(1, 9, size=4))
        n = int(rng.integers(1, 12))
        net = nn.MLP([d, h1, h2, c], "relu", rng=rng)
        for name in list(net.params):
            if name.endswith(".b"):
                net.params[name] = 0.5 * rng.standard_normal(net.params[name].shape)
        x = rng.standard_normal((n, d))
        params = {k: np.array(v) for k, v in net.params.items()}
        what = say("t_forward", k=trial + 1, shape=x.shape, net=f"{d} -> {h1} -> {h2} -> {c}")
        scores, shapes = _forward(three_layer_forward, x, params, what)
        assert_close(scores, net.forward(x), what + " -> scores", atol=1e-9)
        want = {"z1": (n, h1), "h1": (n, h1), "z2": (n, h2), "h2": (n, h2), "s": (n, c)}
        for k in FORWARD_KEYS:
            got = shapes.get(k)
            try:
                got = tuple(int(v) for v in got)
            except TypeError:
                raise AssertionError(say_visible("t_shape_tuple", what=what, key=k, got=got)) from None
            if got != want[k]:
                raise AssertionError(say_visible("t_shape_value", what=what, key=k, want=want[k], got=got))
