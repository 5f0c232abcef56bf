"""Visible checks of assignment ``02_tensors`` (shipped to students).

Fixed inputs with expected values stored in ``expected/02_tensors.npz`` (made by
``python -m grader_tests.make_expected 02_tensors``) and properties any right answer
has. Each function is one check, worth its own points in the notebook.
"""

from __future__ import annotations

import numpy as np

from .harness import as_result_array, assert_close, assert_shape, call, stored, type_name
from .messages import say
from .plain import finite_array

ASSIGNMENT = "02_tensors"

#: The keys of the shapes dict that ``three_layer_forward`` returns.
FORWARD_KEYS = ("z1", "h1", "z2", "h2", "s")


def expected() -> dict:
    """The stored inputs and expected outputs of these checks."""
    return stored(ASSIGNMENT)


def forward_params(data: dict, prefix: str) -> dict:
    """The weights stored under ``<prefix>.0.W`` ... as a dict keyed like ``MLP.params``."""
    return {key[len(prefix) + 1:]: data[key] for key in data if key.startswith(prefix + ".")}


# -- layouts -------------------------------------------------------------------------------

def check_chw_shape(hwc_to_chw) -> None:
    """(N, H, W, C) -> (N, C, H, W) on batches whose axes all have different lengths."""
    data = expected()
    for key in ("chw_batch", "chw_grey"):
        batch = data[key]
        n, h, w, c = batch.shape
        what = say("t_batch", fn="hwc_to_chw", shape=batch.shape)
        got = finite_array(call(hwc_to_chw, batch, what=what), what)
        assert_shape(got, (n, c, h, w), what)


def check_chw_values(hwc_to_chw) -> None:
    """Every pixel value ends up at [n, c, h, w]: the axes move, the numbers stay with them."""
    data = expected()
    for key in ("chw_batch", "chw_grey"):
        batch = data[key]
        n, h, w, c = batch.shape
        what = say("t_batch", fn="hwc_to_chw", shape=batch.shape)
        got = as_result_array(call(hwc_to_chw, batch, what=what), what)
        if got.shape == (n, c, h, w) and c > 1 and np.array_equal(got, batch.reshape(n, c, h, w)):
            raise AssertionError(say("t_transpose", what=what))
        assert_close(got, data[f"{key}_chw"], what, atol=0)


def check_flatten(flatten_images) -> None:
    """One row per image, its H*W*C numbers in the order of the (H, W, C) array."""
    data = expected()
    for key in ("flat_batch", "flat_grey", "flat_single"):
        batch = data[key]
        what = say("t_batch", fn="flatten_images", shape=batch.shape)
        got = as_result_array(call(flatten_images, batch, what=what), what)
        want = data[f"{key}_flat"]
        if got.shape == want.shape[1:] or got.ndim == 1:
            raise AssertionError(say("t_one_row", what=what, want=want.shape, got=got.shape))
        assert_close(got, want, what, atol=0)


# -- broadcasting ----------------------------------------------------------------------------

def _check_normalize(normalize_channels, key: str, hint: str) -> None:
    """``hint``: the catalog's message for the mean applied along the last axis ("": none)."""
    data = expected()
    batch, mean, std = data[key], data[f"{key}_mean"], data[f"{key}_std"]
    what = say("t_normalize", shape=batch.shape, mean=mean.shape, std=std.shape)
    got = as_result_array(call(normalize_channels, batch, mean, std, what=what), what)
    assert_shape(got, batch.shape, what)
    if hint and batch.shape[-1] == mean.shape[0] and np.allclose(got, (batch - mean) / std):
        raise AssertionError(say(hint, what=what))
    assert_close(got, data[f"{key}_normalized"], what, atol=1e-9)


def check_normalize_values(normalize_channels) -> None:
    """(x - mean[c]) / std[c] for every pixel of channel c, on an (N, C, H, W) batch."""
    _check_normalize(normalize_channels, "norm_batch", "")


def check_normalize_square(normalize_channels) -> None:
    """The same on a batch whose width equals the number of channels, where a mean
    broadcast along the wrong axis gives no error, only wrong numbers."""
    _check_normalize(normalize_channels, "norm_square", "t_wrong_axis")


# -- the 3-layer forward pass ----------------------------------------------------------------

def _forward(three_layer_forward, x, params, what):
    result = call(three_layer_forward, x, params, what=what)
    if not isinstance(result, tuple) or len(result) != 2:
        raise AssertionError(say("tuple_type", what=what, names="(scores, shapes)", got=type_name(result)))
    scores, shapes = result
    if not isinstance(shapes, dict):
        raise AssertionError(say("t_shapes_dict", what=what, got=type_name(shapes)))
    return scores, shapes


def check_forward_shapes(three_layer_forward) -> None:
    """The shapes dict names every intermediate: z1, h1 (N, H1); z2, h2 (N, H2); s (N, C)."""
    data = expected()
    params = forward_params(data, "net")
    for key in ("fwd_x", "fwd_x1"):
        x = data[key]
        n = x.shape[0]
        h1, h2, c = params["0.W"].shape[1], params["2.W"].shape[1], params["4.W"].shape[1]
        want = {"z1": (n, h1), "h1": (n, h1), "z2": (n, h2), "h2": (n, h2), "s": (n, c)}
        what = say("t_forward", shape=x.shape, net=f"{x.shape[1]} -> {h1} -> {h2} -> {c}")
        _, shapes = _forward(three_layer_forward, x, params, what)
        missing = [k for k in FORWARD_KEYS if k not in shapes]
        if missing:
            raise AssertionError(say("t_shapes_missing", what=what, missing=missing, keys=list(FORWARD_KEYS)))
        for k in FORWARD_KEYS:
            got = shapes[k]
            try:
                got = tuple(int(v) for v in got)
            except TypeError:
                raise AssertionError(say("t_shape_tuple", what=what, key=k, got=got)) from None
            if got != want[k]:
                raise AssertionError(say("t_shape_value", what=what, key=k, want=want[k], got=got))


def check_forward_scores(three_layer_forward) -> None:
    """Scores equal those of ``coursework.nn.MLP([3, 4, 6, 2], "relu")`` with the same weights."""
    data = expected()
    params = forward_params(data, "net")
    for key in ("fwd_x", "fwd_x1"):
        x = data[key]
        what = say("t_forward", shape=x.shape, net="3 -> 4 -> 6 -> 2")
        scores, _ = _forward(three_layer_forward, x, params, what)
        assert_close(scores, data[f"{key}_scores"], what + " -> scores", atol=1e-9)
