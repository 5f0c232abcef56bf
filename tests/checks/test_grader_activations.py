"""The grading checks of 03_activations: they pass right answers (for every student
seed) and fail typical wrong ones with a message that helps."""

from __future__ import annotations

import re

import numpy as np
import pytest

from coursework import nn
from coursework.gradcheck import numerical_gradient, rel_error
from grader_tests import activations as checks
from grader_tests.hidden import activations as hidden


# Right answers, written as a student might (NumPy, straight from the formulas).

def sigmoid_forward(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_backward(dout, x):
    s = sigmoid_forward(x)
    return dout * s * (1 - s)


def tanh_forward(x):
    return 2 * sigmoid_forward(2 * x) - 1


def tanh_backward(dout, x):
    return dout * (1 - np.tanh(x) ** 2)


def relu_forward(x):
    return x * (x > 0)


def relu_backward(dout, x):
    return np.where(x > 0, dout, 0.0)


def leaky_forward(x, alpha=0.01):
    return np.maximum(alpha * x, x)


def leaky_backward(dout, x, alpha=0.01):
    dx = dout.copy()
    dx[x <= 0] *= alpha
    return dx


def elu_forward(x, alpha=1.0):
    with np.errstate(over="ignore"):
        return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def elu_backward(dout, x, alpha=1.0):
    with np.errstate(over="ignore"):
        return dout * np.where(x > 0, 1.0, alpha * np.exp(x))


def maxout_forward(x, W, b):
    return np.max(np.einsum("nd,kdm->knm", x, W) + b[:, None, :], axis=0)


def maxout_backward(dout, x, W, b):
    K = W.shape[0]
    z = np.stack([x @ W[k] + b[k] for k in range(K)])
    winner = np.argmax(z, axis=0)
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    for k in range(K):
        dz = np.where(winner == k, dout, 0.0)
        dW[k] = x.T @ dz
        db[k] = dz.sum(axis=0)
        dx += dz @ W[k].T
    return dx, dW, db


RIGHT = [
    (checks.check_sigmoid_forward, (sigmoid_forward,)),
    (checks.check_sigmoid_backward, (sigmoid_backward,)),
    (hidden.check_sigmoid_random, (sigmoid_forward, sigmoid_backward)),
    (checks.check_tanh, (tanh_forward, tanh_backward)),
    (hidden.check_tanh_random, (tanh_forward, tanh_backward)),
    (checks.check_relu, (relu_forward, relu_backward)),
    (hidden.check_relu_random, (relu_forward, relu_backward)),
    (checks.check_leaky_relu, (leaky_forward, leaky_backward)),
    (hidden.check_leaky_relu_random, (leaky_forward, leaky_backward)),
    (checks.check_elu, (elu_forward, elu_backward)),
    (hidden.check_elu_random, (elu_forward, elu_backward)),
    (checks.check_maxout_forward, (maxout_forward,)),
    (checks.check_maxout_backward, (maxout_backward,)),
    (hidden.check_maxout_random, (maxout_forward, maxout_backward)),
]


@pytest.mark.parametrize("check,answer", RIGHT, ids=[c.__name__ for c, _ in RIGHT])
@pytest.mark.parametrize("student", ["alice", "bob", "local"])
def test_checks_pass_right_answers(check, answer, student, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
    check(*answer)


def _maxout_all_winners(dout, x, W, b):
    z = x @ W + b[:, None, :]
    dz = (z == z.max(axis=0)) * dout
    return (dz @ W.transpose(0, 2, 1)).sum(axis=0), x.T @ dz, dz.sum(axis=1)


WRONG = [
    # overflow-prone but right forward is fine; a wrong formula is not
    (checks.check_sigmoid_forward, (lambda x: 1 / (1 + np.exp(x)),), "differ by more than"),
    # forgot the (1 - σ) factor
    (checks.check_sigmoid_backward, (lambda d, x: d * sigmoid_forward(x),), "differ by more than"),
    (hidden.check_sigmoid_random, (sigmoid_forward, lambda d, x: d * sigmoid_forward(x)), "sigmoid_backward"),
    # returned the local derivative, not dout * f'(x)
    (checks.check_sigmoid_backward, (lambda d, x: sigmoid_forward(x) * (1 - sigmoid_forward(x)),),
     "you returned the local derivative"),
    # shape lost
    (checks.check_sigmoid_forward, (lambda x: sigmoid_forward(x).ravel(),), "expected shape"),
    # tanh' written as 1 - tanh (no square)
    (checks.check_tanh, (tanh_forward, lambda d, x: d * (1 - np.tanh(x))), "tanh_backward"),
    (hidden.check_tanh_random, (tanh_forward, lambda d, x: d * (1 - np.tanh(x))), "tanh_backward"),
    # x >= 0 at the kink
    (checks.check_relu, (relu_forward, lambda d, x: d * (x >= 0)), "test x > 0, not x >= 0"),
    (hidden.check_relu_random, (relu_forward, lambda d, x: d * (x >= 0)), "relu_backward"),
    (checks.check_leaky_relu, (leaky_forward, lambda d, x, alpha=0.01: d * np.where(x >= 0, 1.0, alpha)),
     "test x > 0, not x >= 0"),
    # alpha ignored
    (checks.check_leaky_relu, (lambda x, alpha=0.01: np.maximum(0.01 * x, x), leaky_backward), r"alpha=0\.2"),
    (hidden.check_leaky_relu_random, (leaky_forward, lambda d, x, alpha=0.01: leaky_backward(d, x)), "a random alpha"),
    # ELU without alpha in the derivative
    (checks.check_elu, (elu_forward, lambda d, x, alpha=1.0: d * np.where(x > 0, 1.0, np.exp(x))), r"alpha=0\.5"),
    (hidden.check_elu_random, (elu_forward, lambda d, x, alpha=1.0: elu_backward(d, x)), "elu_backward"),
    # ELU's derivative computed as elu(x) + alpha for every x (right only for x <= 0)
    (checks.check_elu, (elu_forward, lambda d, x, alpha=1.0: d * (elu_forward(x, alpha) + alpha)), "elu_backward"),
    # in place
    (checks.check_relu, (lambda x: np.maximum(x, 0, out=x), relu_backward), "modified its input array in place"),
    # Maxout: sum instead of max, pieces on the wrong axis, ties to every winner, no tuple
    (checks.check_maxout_forward, (lambda x, W, b: (x @ W + b[:, None, :]).sum(axis=0),), "differ by more than"),
    (checks.check_maxout_forward, (lambda x, W, b: (x @ W + b[:, None, :]).max(axis=2),), "expected shape"),
    (checks.check_maxout_backward, (_maxout_all_winners,), "only the FIRST winning piece"),
    (checks.check_maxout_backward, (lambda d, x, W, b: maxout_backward(d, x, W, b)[0],), "expected a tuple"),
    (checks.check_maxout_backward, (lambda d, x, W, b: maxout_backward(d, x, W, b)[:2] + (np.zeros(3),),),
     r"db: expected shape \(3, 3\)"),
    (hidden.check_maxout_random, (maxout_forward, lambda d, x, W, b: tuple(g * 2 for g in maxout_backward(d, x, W, b))),
     "maxout_backward"),
]


@pytest.mark.parametrize("check,answer,message", WRONG, ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(WRONG)])
def test_checks_fail_wrong_answers_with_a_message(check, answer, message):
    with pytest.raises(AssertionError, match=message):
        check(*answer)


def test_stored_input_has_kinks_and_saturated_values():
    x = checks.expected()["x"]
    assert np.sum(x == 0) >= 3
    assert np.max(np.abs(x)) >= 30


def test_stored_maxout_has_a_tie_and_matches_the_layer():
    data = checks.expected()
    z = data["maxout_x"] @ data["maxout_W"] + data["maxout_b"][:, None, :]
    assert np.any(np.sum(z == z.max(axis=0), axis=0) > 1)
    assert not np.allclose(data["maxout_dW"], data["maxout_tie_all_dW"])


def test_right_answers_agree_with_numerical_gradients():
    """The right answers used above are right: their backward passes match finite differences."""
    rng = np.random.default_rng(0)
    x = rng.normal(0, 2, size=(3, 4))
    x[np.abs(x) < 1e-3] = 0.5           # away from the kinks
    dout = rng.standard_normal(x.shape)
    for forward, backward in [(sigmoid_forward, sigmoid_backward), (tanh_forward, tanh_backward),
                              (relu_forward, relu_backward), (leaky_forward, leaky_backward),
                              (elu_forward, elu_backward)]:
        numeric = numerical_gradient(lambda z: np.sum(forward(z) * dout), x)
        assert rel_error(backward(dout, x), numeric) < 1e-7, forward.__name__
    layer = nn.Maxout(4, 3, rng=1, pieces=3)
    xm = rng.standard_normal((5, 4))
    dm = rng.standard_normal((5, 3))
    dx, dW, db = maxout_backward(dm, xm, np.array(layer.params["W"]), np.array(layer.params["b"]))
    np.testing.assert_allclose(dx, numerical_gradient(lambda z: np.sum(maxout_forward(z, layer.params["W"], layer.params["b"]) * dm), xm), atol=1e-7)


def test_visible_checks_do_not_import_the_reference():
    source = open(checks.__file__).read()
    assert "import coursework" not in source and "from coursework" not in source


def test_hidden_messages_do_not_print_hidden_inputs(monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "erin")
    with pytest.raises(AssertionError) as info:
        hidden.check_elu_random(elu_forward, lambda d, x, alpha=1.0: d)
    text = str(info.value)
    assert re.search(r"random dout and input #\d of shape \(", text)
    assert "alpha=" not in text          # the random alpha is not printed
    assert "[" not in text.split("shape")[0]
