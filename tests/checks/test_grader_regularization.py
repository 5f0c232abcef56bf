"""The checks of 06_regularization: they pass right answers (for several students) and
fail typical wrong ones with a message that helps."""

from __future__ import annotations

import re

import numpy as np
import pytest

from grader_tests import regularization as checks
from grader_tests.hidden import regularization as hidden

# Right answers, written as a student might (plain NumPy).


def right_l2(W):
    return np.sum(W ** 2), 2 * W


def right_l1(W):
    return np.sum(np.abs(W)), np.sign(W)


def right_elastic(W, beta=1.0):
    return np.sum(beta * W ** 2 + np.abs(W)), 2 * beta * W + np.sign(W)


def right_dropout_forward(x, p, mask):
    return x * mask / (1 - p)


def right_dropout_backward(dout, mask, p):
    return np.where(mask, dout / (1 - p), 0.0)


def right_bn_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def right_bn_backward(dout, cache):
    """The staged computational-graph version (CS231n style), from the cache only."""
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * x_hat, axis=0) * -0.5 * inv_std ** 2
    xc = x_hat / inv_std
    dmu = -np.sum(dx_hat * inv_std, axis=0) - 2 * dvar * xc.mean(axis=0)
    dx = dx_hat * inv_std + dvar * 2 * xc / N + dmu / N
    return dx, dgamma, dbeta


RIGHT = [
    (checks.check_l2_lecture_example, right_l2),
    (checks.check_l2_values, right_l2),
    (hidden.check_l2_random, right_l2),
    (checks.check_l1_values, right_l1),
    (hidden.check_l1_random, right_l1),
    (checks.check_elastic_net_values, right_elastic),
    (hidden.check_elastic_net_random, right_elastic),
    (checks.check_dropout_forward_values, right_dropout_forward),
    (checks.check_dropout_forward_properties, right_dropout_forward),
    (hidden.check_dropout_forward_random, right_dropout_forward),
    (checks.check_dropout_backward_values, right_dropout_backward),
    (hidden.check_dropout_backward_random, right_dropout_backward),
    (checks.check_batchnorm_forward_values, right_bn_forward),
    (checks.check_batchnorm_forward_properties, right_bn_forward),
    (hidden.check_batchnorm_forward_random, right_bn_forward),
    (checks.check_batchnorm_backward_values, right_bn_backward),
    (hidden.check_batchnorm_backward_random, right_bn_backward),
]


@pytest.mark.parametrize("check,answer", RIGHT, ids=[c.__name__ for c, _ in RIGHT])
@pytest.mark.parametrize("student", ["alice", "bob", "local"])
def test_checks_pass_right_answers(check, answer, student, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
    check(answer)


def test_gradient_check_passes_a_right_pair():
    checks.check_batchnorm_backward_numerical(right_bn_forward, right_bn_backward)


def test_right_penalties_accept_integer_like_floats():
    checks.check_l2_values(lambda W: (float(np.sum(W * W)), W + W))


# Wrong answers.

def bn_forward_unbiased(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    inv_std = 1 / np.sqrt(x.var(axis=0, ddof=1) + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def bn_forward_other_cache(x, gamma, beta, eps=1e-5):
    out, (x_hat, g, inv_std) = right_bn_forward(x, gamma, beta, eps)
    return out, (x, x_hat, g, inv_std)


def bn_forward_no_eps(x, gamma, beta, eps=1e-5):
    return right_bn_forward(x, gamma, beta, 0.0)


def bn_backward_fixed_stats(dout, cache):
    x_hat, gamma, inv_std = cache
    return dout * gamma * inv_std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def bn_backward_sign(dout, cache):
    dx, dgamma, dbeta = right_bn_backward(dout, cache)
    return dx, -dgamma, dbeta


def bn_backward_mean(dout, cache):
    dx, dgamma, dbeta = right_bn_backward(dout, cache)
    return dx, dgamma, dbeta / dout.shape[0]


WRONG = [
    (checks.check_l2_lecture_example, lambda W: (np.sum((1 - W) ** 2), -2 * (1 - W)), "the note's erratum"),
    (checks.check_l2_lecture_example, lambda W: (0.5 * np.sum(W ** 2), W), r"½ Σ w²"),
    (checks.check_l2_values, lambda W: (0.5 * np.sum(W ** 2), W), r"½ Σ W²"),
    (checks.check_l2_values, lambda W: (np.sqrt(np.sum(W ** 2)), W / np.sqrt(np.sum(W ** 2))), "norm"),
    (checks.check_l2_values, lambda W: (np.sum(W ** 2), W), "gradient"),
    (checks.check_l2_values, lambda W: np.sum(W ** 2), "expected a tuple"),
    (checks.check_l2_values, lambda W: (W ** 2, 2 * W), "expected one number"),
    (hidden.check_l2_random, lambda W: (np.sum(W ** 2), W), "gradient"),
    (checks.check_l1_values, lambda W: (np.sum(np.abs(1 - W)), -np.sign(1 - W)), "the note's erratum"),
    (checks.check_l1_values, lambda W: (np.sum(np.abs(W)), np.where(W >= 0, 1.0, -1.0)), "expected 0 where W is 0"),
    (hidden.check_l1_random, lambda W: (np.sum(np.abs(W)), np.where(W >= 0, 1.0, -1.0)), "gradient"),
    (checks.check_elastic_net_values, lambda W, beta=1.0: (np.sum(beta * W ** 2 + np.abs(W)), beta * W + np.sign(W)),
     "gradient"),
    (checks.check_elastic_net_values, lambda W, beta=0.5: right_elastic(W, beta), "default is beta=1.0"),
    (hidden.check_elastic_net_random, lambda W, beta=1.0: right_elastic(W, 1.0), "value"),
    (checks.check_dropout_forward_values, lambda x, p, mask: x * mask, "divides the kept units by 1 - p"),
    (checks.check_dropout_forward_values, lambda x, p, mask: x * mask / p, "probability to DROP"),
    (checks.check_dropout_forward_properties, lambda x, p, mask: x * ~mask / (1 - p), "mask marks the units to KEEP"),
    (hidden.check_dropout_forward_random, lambda x, p, mask: x * mask * (1 - p), "differ by more than"),
    (checks.check_dropout_backward_values, lambda dout, mask, p: dout * mask, "divided by 1 - p too"),
    (hidden.check_dropout_backward_random, lambda dout, mask, p: dout / (1 - p), "differ by more than"),
    (checks.check_batchnorm_forward_values, bn_forward_unbiased, "unbiased variance"),
    (checks.check_batchnorm_forward_values, bn_forward_other_cache, r"cache to be the tuple \(x_hat, gamma, inv_std\)"),
    (checks.check_batchnorm_forward_values, lambda x, g, b, eps=1e-5: right_bn_forward(x, g, b, eps)[0],
     r"expected a tuple \(out, cache\)"),
    (checks.check_batchnorm_forward_properties, lambda x, g, b, eps=1e-5: (x * g + b, right_bn_forward(x, g, b)[1]),
     "mean of every feature"),
    (hidden.check_batchnorm_forward_random, bn_forward_no_eps, "differ by more than"),
    (checks.check_batchnorm_backward_values, bn_backward_fixed_stats, "mean and variance held fixed"),
    (checks.check_batchnorm_backward_values, bn_backward_sign, "dgamma"),
    (checks.check_batchnorm_backward_values, bn_backward_mean, "dbeta"),
    (hidden.check_batchnorm_backward_random, bn_backward_fixed_stats, "dx"),
]


@pytest.mark.parametrize("check,answer,message", WRONG, ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(WRONG)])
def test_checks_fail_wrong_answers_with_a_message(check, answer, message, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "carol")
    with pytest.raises(AssertionError, match=message):
        check(answer)


@pytest.mark.parametrize("backward,message", [(bn_backward_fixed_stats, "dx: disagrees with the numerical gradient"),
                                              (bn_backward_sign, "dgamma: disagrees"),
                                              (bn_backward_mean, "dbeta: disagrees")])
def test_gradient_check_catches_wrong_backward(backward, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_batchnorm_backward_numerical(right_bn_forward, backward)


def test_not_implemented_is_reported():
    def stub(*args, **kwargs):
        raise NotImplementedError()

    for check in (checks.check_l2_values, checks.check_l1_values, checks.check_elastic_net_values,
                  checks.check_dropout_forward_values, checks.check_dropout_backward_values,
                  checks.check_batchnorm_forward_values, checks.check_batchnorm_backward_values):
        with pytest.raises(AssertionError, match="not implemented yet"):
            check(stub)
    with pytest.raises(AssertionError, match="not implemented yet"):
        checks.check_batchnorm_backward_numerical(right_bn_forward, stub)


def test_hidden_messages_do_not_print_hidden_inputs(monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "dave")
    with pytest.raises(AssertionError) as info:
        hidden.check_batchnorm_backward_random(bn_backward_fixed_stats)
    text = str(info.value)
    assert re.search(r"random dout #\d of shape \(\d+, \d+\)", text)
    assert "[" not in text.split("->")[0]
    with pytest.raises(AssertionError) as info:
        hidden.check_l1_random(lambda W: (np.sum(np.abs(W)), np.ones_like(W)))
    assert "random weights #" in str(info.value)
