"""The checks of 05_sgd: they pass right answers (for several students) and fail typical
wrong ones with a message that helps."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from coursework import gradcheck, train
from grader_tests import sgd as checks
from grader_tests.hidden import sgd as hidden

# Right answers, written as a student might (plain NumPy).


def right_numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def right_numerical_gradient_in_place(f, x, h=1e-5):
    """Changes the caller's x while it works and restores it: allowed."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def right_iterations(n, batch_size):
    return math.ceil(n / batch_size)


def right_minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def right_minibatches_shuffle(n, batch_size, rng):
    order = np.arange(n)
    rng.shuffle(order)
    return np.array_split(order, range(batch_size, n, batch_size)) if n else []


def right_sgd_step(params, grads, lr):
    return {k: params[k] - lr * grads[k] for k in params}


def right_relu_step(x, y, w1, w2):
    pre = x @ w1
    h = np.maximum(pre, 0)
    y_pred = h @ w2
    loss = np.sum((y_pred - y) ** 2)
    d = 2 * (y_pred - y)
    return loss, x.T @ ((d @ w2.T) * (pre > 0)), h.T @ d


RIGHT = [
    (checks.check_numerical_gradient_values, right_numerical_gradient),
    (checks.check_numerical_gradient_values, right_numerical_gradient_in_place),
    (checks.check_numerical_gradient_quadratic, right_numerical_gradient),
    (hidden.check_numerical_gradient_random, right_numerical_gradient),
    (hidden.check_numerical_gradient_random, right_numerical_gradient_in_place),
    (hidden.check_numerical_gradient_random, lambda f, x, h=1e-5: gradcheck.numerical_gradient(f, x, h)),
    (checks.check_iterations_per_epoch, right_iterations),
    (hidden.check_iterations_per_epoch_random, right_iterations),
    (hidden.check_iterations_per_epoch_random, lambda n, b: train.iterations_per_epoch(n, b)),
    (checks.check_minibatch_partition, right_minibatches),
    (checks.check_minibatch_partition, right_minibatches_shuffle),
    (checks.check_minibatch_shuffled, right_minibatches),
    (checks.check_minibatch_shuffled, right_minibatches_shuffle),
    (hidden.check_minibatch_indices_random, right_minibatches),
    (hidden.check_minibatch_indices_random, right_minibatches_shuffle),
    (checks.check_sgd_step, right_sgd_step),
    (hidden.check_sgd_step_random, right_sgd_step),
    (checks.check_relu_net_step_values, right_relu_step),
    (checks.check_relu_net_step_gradients, right_relu_step),
    (hidden.check_relu_net_step_random, right_relu_step),
]


@pytest.mark.parametrize("check,answer", RIGHT, ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(RIGHT)])
@pytest.mark.parametrize("student", ["alice", "bob", "local"])
def test_checks_pass_right_answers(check, answer, student, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
    check(answer)


def one_sided(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f0) / h
    return grad


def flattening(f, x, h=1e-5):
    """Passes flat vectors to f."""
    flat = np.array(x, dtype=np.float64).ravel()
    grad = np.zeros_like(flat)
    for i in range(flat.size):
        e = np.zeros_like(flat)
        e[i] = h
        grad[i] = (f(flat + e) - f(flat - e)) / (2 * h)
    return grad.reshape(np.shape(x))


def leaves_x_changed(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        plus = f(x)
        x[i] -= 2 * h
        minus = f(x)
        grad[i] = (plus - minus) / (2 * h)      # forgot to restore x[i]
    return grad


def sorted_batches(n, batch_size, rng):
    order = np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def with_replacement(n, batch_size, rng):
    return [rng.integers(0, n, size=min(batch_size, n - i)) for i in range(0, n, batch_size)]


def fixed_seed(n, batch_size, rng):
    order = np.random.default_rng(0).permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def global_random(n, batch_size, rng):
    order = np.random.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def drops_last(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


def in_place_step(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]
    return params


def replaces_entries(params, grads, lr):
    for k in list(params):
        params[k] = params[k] - lr * grads[k]
    return params


def sigmoid_step(x, y, w1, w2):
    h = 1 / (1 + np.exp(-x @ w1))
    y_pred = h @ w2
    d = 2 * (y_pred - y)
    return np.sum((y_pred - y) ** 2), x.T @ ((d @ w2.T) * h * (1 - h)), h.T @ d


def mean_loss_step(x, y, w1, w2):
    loss, g1, g2 = right_relu_step(x, y, w1, w2)
    return loss / y.size, g1, g2          # loss a mean, gradients of the sum: inconsistent


def swapped_step(x, y, w1, w2):
    loss, g1, g2 = right_relu_step(x, y, w1, w2)
    return loss, g1.T if g1.shape[::-1] == w1.shape else g1 * 2, g2


WRONG = [
    (checks.check_numerical_gradient_values, one_sided, "one-sided difference"),
    (checks.check_numerical_gradient_quadratic, flattening, r"called f with an array of shape \(6,\)"),
    (checks.check_numerical_gradient_values, leaves_x_changed, "modified its input array in place"),
    (hidden.check_numerical_gradient_random, one_sided, "differ by more than"),
    (checks.check_iterations_per_epoch, lambda n, b: n // b, r"expected 1563, got 1562 \(the last, smaller batch"),
    (checks.check_iterations_per_epoch, lambda n, b: np.ceil(n / b), "expected an int, got float64"),
    (hidden.check_iterations_per_epoch_random, lambda n, b: n // b + 1, "expected"),
    (checks.check_minibatch_partition, with_replacement, "every sample exactly once"),
    (checks.check_minibatch_partition, drops_last, r"expected 3 batches of sizes \[4, 4, 2\], got 2"),
    (checks.check_minibatch_partition, lambda n, b, rng: rng.permutation(n), "expected a list of index arrays"),
    (checks.check_minibatch_shuffled, sorted_batches, "shuffled order"),
    (checks.check_minibatch_shuffled, global_random, "same seed"),
    (checks.check_minibatch_shuffled, fixed_seed, "new order for the second epoch"),
    (hidden.check_minibatch_indices_random, with_replacement, "every sample exactly once"),
    (checks.check_sgd_step, in_place_step, "changed params"),
    (checks.check_sgd_step, lambda p, g, lr: {k: p[k] + lr * g[k] for k in p}, "differ by more than"),
    (checks.check_sgd_step, replaces_entries, r"changed params \(an array in place"),
    (checks.check_sgd_step, lambda p, g, lr: [p[k] - lr * g[k] for k in p], "expected a dict"),
    (hidden.check_sgd_step_random, lambda p, g, lr: {k: p[k] - 0.01 * g[k] for k in p}, "differ by more than"),
    (checks.check_relu_net_step_values, sigmoid_step, "differ by more than"),
    (checks.check_relu_net_step_values, lambda x, y, w1, w2: right_relu_step(x, y, w1, w2)[1:], "tuple of 2"),
    (checks.check_relu_net_step_gradients, mean_loss_step, "disagrees with the change of your own loss"),
    (checks.check_relu_net_step_values, swapped_step, "grad_w1"),
    (hidden.check_relu_net_step_random, sigmoid_step, "differ by more than"),
]


@pytest.mark.parametrize("check,answer,message", WRONG, ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(WRONG)])
def test_checks_fail_wrong_answers_with_a_message(check, answer, message, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "carol")
    with pytest.raises(AssertionError, match=message):
        check(answer)


def test_not_implemented_is_reported():
    def stub(*args, **kwargs):
        raise NotImplementedError()

    for check in (checks.check_numerical_gradient_values, checks.check_iterations_per_epoch,
                  checks.check_minibatch_partition, checks.check_sgd_step, checks.check_relu_net_step_values):
        with pytest.raises(AssertionError, match="not implemented yet"):
            check(stub)


def test_hidden_messages_do_not_print_hidden_inputs(monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "dave")
    with pytest.raises(AssertionError) as info:
        hidden.check_relu_net_step_random(sigmoid_step)
    text = str(info.value)
    assert re.search(r"random problem #\d: x \(\d+, \d+\)", text)
    assert "[" not in text.split("->")[0]        # no array printed in the description
    with pytest.raises(AssertionError) as info:
        hidden.check_numerical_gradient_random(one_sided)
    assert "random smooth function #" in str(info.value)
