"""The grading checks of 02_tensors: they pass right answers (for every student seed)
and fail typical wrong ones with a message that helps."""

from __future__ import annotations

import re

import numpy as np
import pytest

from coursework import nn
from grader_tests import tensors as checks
from grader_tests.hidden import tensors as hidden


# Right answers, written as a student might.

def right_chw(batch):
    return np.transpose(batch, (0, 3, 1, 2))


def right_chw_moveaxis(batch):
    return np.moveaxis(batch, -1, 1)


def right_flatten(batch):
    return batch.reshape(batch.shape[0], -1)


def right_flatten_loop(batch):
    return np.stack([image.ravel() for image in batch])


def right_normalize(batch, mean, std):
    return (batch - mean.reshape(1, -1, 1, 1)) / std.reshape(1, -1, 1, 1)


def right_normalize_moveaxis(batch, mean, std):
    return np.moveaxis((np.moveaxis(batch, 1, -1) - mean) / std, -1, 1)


def right_forward(x, params):
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    z1 = x @ params["0.W"] + params["0.b"]
    h1 = relu(z1)
    z2 = h1 @ params["2.W"] + params["2.b"]
    h2 = relu(z2)
    s = h2 @ params["4.W"] + params["4.b"]
    return s, {"x": x.shape, "z1": z1.shape, "h1": h1.shape, "z2": z2.shape, "h2": h2.shape, "s": s.shape}


def right_forward_with_mlp_layers(x, params):
    """Another right answer: the package's own layers, shapes as lists."""
    out, shapes = x, {}
    for i, key in enumerate(("1", "2", "3")):
        W, b = params[f"{2 * i}.W"], params[f"{2 * i}.b"]
        z = out @ W + b
        if key == "3":
            shapes["s"] = list(z.shape)
            return z, shapes
        out = nn.functional.relu(z)
        shapes[f"z{key}"], shapes[f"h{key}"] = list(z.shape), list(out.shape)


RIGHT = [
    (checks.check_chw_shape, right_chw),
    (checks.check_chw_values, right_chw),
    (checks.check_chw_values, right_chw_moveaxis),
    (hidden.check_chw_random, right_chw),
    (checks.check_flatten, right_flatten),
    (checks.check_flatten, right_flatten_loop),
    (hidden.check_flatten_random, right_flatten),
    (checks.check_normalize_values, right_normalize),
    (checks.check_normalize_square, right_normalize),
    (checks.check_normalize_square, right_normalize_moveaxis),
    (hidden.check_normalize_random, right_normalize),
    (checks.check_forward_shapes, right_forward),
    (checks.check_forward_scores, right_forward),
    (checks.check_forward_scores, right_forward_with_mlp_layers),
    (hidden.check_forward_random, right_forward),
    (hidden.check_forward_random, right_forward_with_mlp_layers),
]


@pytest.mark.parametrize("check,answer", RIGHT, ids=[f"{c.__name__}-{a.__name__}" for c, a in RIGHT])
@pytest.mark.parametrize("student", ["alice", "bob", "local"])
def test_checks_pass_right_answers(check, answer, student, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
    check(answer)


def _no_bias_forward(x, params):
    s, shapes = right_forward(x, {k: (v * 0 if k.endswith(".b") else v) for k, v in params.items()})
    return s, shapes


def _sigmoid_forward(x, params):
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    h1 = sig(x @ params["0.W"] + params["0.b"])
    h2 = sig(h1 @ params["2.W"] + params["2.b"])
    s = h2 @ params["4.W"] + params["4.b"]
    return s, {"z1": h1.shape, "h1": h1.shape, "z2": h2.shape, "h2": h2.shape, "s": s.shape}


WRONG = [
    # reshape instead of transpose: right shape, numbers in the wrong places
    (checks.check_chw_values, lambda b: b.reshape(b.shape[0], b.shape[3], b.shape[1], b.shape[2]),
     "reshape keeps the order of the numbers"),
    (hidden.check_chw_random, lambda b: b.reshape(b.shape[0], b.shape[3], b.shape[1], b.shape[2]),
     "differ by more than"),
    # (N, W, H, C) -> wrong permutation
    (checks.check_chw_shape, lambda b: np.transpose(b, (0, 3, 2, 1)), r"expected shape \(2, 3, 4, 5\), got shape \(2, 3, 5, 4\)"),
    (hidden.check_chw_random, lambda b: np.transpose(b, (0, 3, 2, 1)), "expected shape"),
    # a flat vector, or squeezing the batch axis of a single image
    (checks.check_flatten, lambda b: b.ravel(), "one row per image"),
    (checks.check_flatten, lambda b: np.squeeze(b.reshape(b.shape[0], -1)), "even for a batch of one"),
    # flattened in channels-first order
    (checks.check_flatten, lambda b: (np.moveaxis(b, -1, 1) if b.ndim == 4 else b).reshape(b.shape[0], -1),
     "differ by more than"),
    (hidden.check_flatten_random, lambda b: b.reshape(-1, b.shape[-1]), "expected shape"),
    # mean and std broadcast along the last axis (the width)
    (checks.check_normalize_values, lambda b, m, s: (b - m) / s, "your function raised ValueError"),
    (checks.check_normalize_square, lambda b, m, s: (b - m) / s, "along the last axis"),
    (hidden.check_normalize_random, lambda b, m, s: (b - m) / s, "normalize_channels"),
    # forgot to divide by std
    (checks.check_normalize_values, lambda b, m, s: b - m[:, None, None], "differ by more than"),
    # modifies the batch in place
    (checks.check_normalize_values, lambda b, m, s: b.__isub__(m[:, None, None]).__itruediv__(s[:, None, None]),
     "modified its input array in place"),
    # shapes dict incomplete, or without the tuple
    (checks.check_forward_shapes, lambda x, p: (right_forward(x, p)[0], {"s": right_forward(x, p)[0].shape}),
     r"no entry for \['z1', 'h1', 'z2', 'h2'\]"),
    (checks.check_forward_shapes, lambda x, p: right_forward(x, p)[0], "expected a tuple"),
    # transposed weights mixed up: W1 applied as W1.T fails (shapes do not match) -> raised
    (checks.check_forward_scores, lambda x, p: right_forward(x, {**p, "0.W": p["0.W"].T}), "your function raised"),
    (checks.check_forward_scores, _no_bias_forward, "differ by more than"),
    (checks.check_forward_scores, _sigmoid_forward, "differ by more than"),
    (hidden.check_forward_random, _sigmoid_forward, "differ by more than"),
    (checks.check_forward_shapes, lambda x, p: (right_forward(x, p)[0], {**right_forward(x, p)[1], "h2": (5, 4)}),
     r"expected shapes\['h2'\] == \(5, 6\), got \(5, 4\)"),
]


@pytest.mark.parametrize("check,answer,message", WRONG, ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(WRONG)])
def test_checks_fail_wrong_answers_with_a_message(check, answer, message):
    with pytest.raises(AssertionError, match=message):
        check(answer)


def test_stored_forward_scores_are_the_mlp_on_the_stored_weights():
    data = checks.expected()
    net = nn.MLP([3, 4, 6, 2], "relu", rng=0)
    for name, value in checks.forward_params(data, "net").items():
        net.params[name] = value
    np.testing.assert_allclose(net.forward(data["fwd_x"]), data["fwd_x_scores"], atol=1e-12)


def test_visible_checks_do_not_import_the_reference():
    source = open(checks.__file__).read()
    assert "import coursework" not in source and "from coursework" not in source


def test_hidden_messages_do_not_print_hidden_inputs(monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "dave")
    with pytest.raises(AssertionError) as info:
        hidden.check_normalize_random(lambda b, m, s: b * 0.0)
    text = str(info.value)
    assert re.search(r"random batch #\d of shape \(\d+, \d+, \d+, \d+\)", text)
    assert "[" not in text.split("shape")[0]
    with pytest.raises(AssertionError) as info:
        hidden.check_forward_random(_sigmoid_forward)
    assert "random net" in str(info.value) and "array(" not in str(info.value)
