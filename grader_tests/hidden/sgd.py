"""Hidden checks of assignment ``05_sgd`` (instructor only).

Random inputs drawn from a seed per student and exercise
(:func:`grader_tests.harness.student_rng`), compared with the ``coursework``
reference. Messages describe the inputs but never print them.
"""

from __future__ import annotations

import numpy as np

from coursework import gradcheck, nn, optim, train
from coursework.experiments.sgd import squared_error

from ..harness import assert_close, call, public, student_rng
from ..messages import say as say_visible
from ..sgd import _as_int, assert_one_epoch, assert_sgd_step, batches_of, smooth, unpack_step
from .messages import say

ASSIGNMENT = "05_sgd"


def relu_net_reference(x, y, w1, w2):
    """Loss Σ (y_pred − y)² and weight gradients of f = max(0, x w1) w2, from coursework.nn
    (Linear, ReLU, Linear with the biases kept at zero)."""
    net = nn.Sequential(nn.Linear(w1.shape[0], w1.shape[1], 0), nn.ReLU(), nn.Linear(w2.shape[0], w2.shape[1], 0))
    net.params["0.W"], net.params["2.W"] = w1, w2
    loss, dpred = squared_error(net.forward(x), y)
    net.backward(dpred)
    return float(loss), net.grads["0.W"], net.grads["2.W"]


def check_numerical_gradient_random(numerical_gradient) -> None:
    rng = student_rng(ASSIGNMENT, "numerical_gradient")
    for trial, shape in enumerate([(int(rng.integers(2, 7)),), tuple(int(s) for s in rng.integers(1, 5, size=2)),
                                   tuple(int(s) for s in rng.integers(1, 4, size=3))]):
        x = rng.standard_normal(shape)
        size = int(np.prod(shape))
        A = rng.standard_normal((size, size)) / np.sqrt(size)
        c = rng.standard_normal(size)
        h = float(rng.choice([1e-3, 1e-4, 1e-5]))
        f = public(smooth, A=A, c=c)

        what = say("s_ng", k=trial + 1, shape=shape, h=h)
        want = gradcheck.numerical_gradient(f, x, h)
        assert_close(call(numerical_gradient, f, x, h=h, what=what), want, what, atol=1e-7)


def check_iterations_per_epoch_random(iterations_per_epoch) -> None:
    rng = student_rng(ASSIGNMENT, "iterations_per_epoch")
    for trial in range(8):
        batch_size = int(rng.choice([1, 16, 32, 64, 100, 128, 256]))
        n = int(rng.integers(0, 5000)) if trial % 2 else batch_size * int(rng.integers(1, 50))
        what = say("s_iterations", k=trial + 1, n=n, batch_size=batch_size)
        got = _as_int(call(iterations_per_epoch, n, batch_size, what=what), what)
        want = train.iterations_per_epoch(n, batch_size)
        if got != want:
            raise AssertionError(say_visible("expected_got", what=what, want=want, got=got))


def check_minibatch_indices_random(minibatch_indices) -> None:
    rng = student_rng(ASSIGNMENT, "minibatch_indices")
    for trial in range(4):
        batch_size = int(rng.integers(1, 40))
        n = int(rng.integers(1, 300))
        seed = int(rng.integers(2**31))
        what = say("s_minibatch", k=trial + 1, n=n, batch_size=batch_size)
        batches = batches_of(minibatch_indices, n, batch_size, np.random.default_rng(seed), what)
        assert_one_epoch(batches, n, batch_size, what)
        if len(batches) != train.iterations_per_epoch(n, batch_size):
            raise AssertionError(say("s_batch_count", what=what, want=train.iterations_per_epoch(n, batch_size),
                                     got=len(batches)))
        again = batches_of(minibatch_indices, n, batch_size, np.random.default_rng(seed), what)
        if n > 3 and not all(np.array_equal(a, b) for a, b in zip(batches, again)):
            raise AssertionError(say("s_same_seed", what=what))


def check_sgd_step_random(sgd_step) -> None:
    rng = student_rng(ASSIGNMENT, "sgd_step")
    for trial in range(3):
        names = [f"W{i}" for i in range(1, int(rng.integers(2, 4)))] + ["b"]
        params = {name: rng.standard_normal(tuple(int(s) for s in rng.integers(1, 6, size=2 if name != "b" else 1)))
                  for name in names}
        grads = {name: rng.standard_normal(p.shape) for name, p in params.items()}
        lr = float(10.0 ** rng.uniform(-4, 0))
        want = {name: p.copy() for name, p in params.items()}
        optim.SGD(lr).step(want, grads)
        what = say("s_step", k=trial + 1, n=len(names))
        assert_sgd_step(sgd_step, params, grads, lr, want, what)


def check_relu_net_step_random(relu_net_step) -> None:
    rng = student_rng(ASSIGNMENT, "relu_net_step")
    for trial in range(3):
        N, D, H, K = (int(v) for v in rng.integers(1, 9, size=4))
        x, y = rng.standard_normal((N, D)), rng.standard_normal((N, K))
        w1, w2 = rng.standard_normal((D, H)), rng.standard_normal((H, K))
        what = say("s_net", k=trial + 1, x=x.shape, y=y.shape, w1=w1.shape, w2=w2.shape)
        loss, g1, g2 = unpack_step(call(relu_net_step, x, y, w1, w2, what=what), x, w1, w2, what)
        want_loss, want_g1, want_g2 = relu_net_reference(x, y, w1, w2)
        assert_close(loss, want_loss, what + " -> loss", atol=1e-9, rtol=1e-9)
        assert_close(g2, want_g2, what + " -> grad_w2", atol=1e-9, rtol=1e-9)
        assert_close(g1, want_g1, what + " -> grad_w1", atol=1e-9, rtol=1e-9)
