"""Hidden checks of assignment ``06_regularization`` (instructor only).

Random inputs drawn from a seed per student and exercise
(:func:`grader_tests.harness.student_rng`), compared with the ``coursework``
reference. Messages describe the inputs but never print them.
"""

from __future__ import annotations

import numpy as np

from coursework import regularization

from ..harness import as_result_array, assert_close, assert_shape, call, student_rng
from ..regularization import unpack_backward, unpack_forward, value_and_grad
from .messages import say

ASSIGNMENT = "06_regularization"


def batchnorm_reference(x, gamma, beta, eps=1e-5):
    """``(out, (x_hat, gamma, inv_std))`` of coursework's BatchNorm in training mode."""
    layer = regularization.BatchNorm(x.shape[1], eps=eps)
    layer.params["gamma"], layer.params["beta"] = gamma, beta
    out = layer.forward(x)
    cache = layer._cache          # what BatchNorm keeps for its backward pass
    return out, (cache["x_hat"], cache["gamma"], cache["inv_std"]), layer


def _random_weights(rng, zeros: bool) -> np.ndarray:
    shape = tuple(int(s) for s in rng.integers(1, 6, size=int(rng.integers(1, 4))))
    W = rng.standard_normal(shape) * float(rng.choice([0.1, 1.0, 3.0]))
    if zeros:
        W[rng.random(shape) < 0.3] = 0.0
    return W


def _check_penalty(func, exercise: str, reference, zeros: bool, with_beta: bool = False) -> None:
    rng = student_rng(ASSIGNMENT, exercise)
    for trial in range(4):
        W = _random_weights(rng, zeros)
        args = (float(rng.choice([0.0, 0.3, 1.0, 2.5])),) if with_beta else ()
        what = (say("r_penalty_beta", fn=exercise, k=trial + 1, shape=W.shape, beta=args[0]) if with_beta
                else say("r_penalty", fn=exercise, k=trial + 1, shape=W.shape))
        value, grad = value_and_grad(call(func, W, *args, what=what), W, what)
        want_value, want_grad = reference(W, *args)
        assert_close(value, float(want_value), what + " -> value", atol=1e-9, rtol=1e-9)
        assert_close(grad, want_grad, what + " -> gradient", atol=1e-9)


def check_l2_random(l2_penalty) -> None:
    _check_penalty(l2_penalty, "l2_penalty", regularization.l2, zeros=False)


def check_l1_random(l1_penalty) -> None:
    _check_penalty(l1_penalty, "l1_penalty", regularization.l1, zeros=True)


def check_elastic_net_random(elastic_net) -> None:
    _check_penalty(elastic_net, "elastic_net", regularization.elastic_net, zeros=True, with_beta=True)


def _dropout_case(rng):
    shape = tuple(int(s) for s in rng.integers(1, 7, size=int(rng.integers(1, 4))))
    p = float(rng.choice([0.1, 0.25, 0.5, 0.8]))
    return rng.standard_normal(shape), p, rng.random(shape) >= p


def check_dropout_forward_random(dropout_forward) -> None:
    rng = student_rng(ASSIGNMENT, "dropout_forward")
    for trial in range(4):
        x, p, mask = _dropout_case(rng)
        what = say("r_dropout_forward", k=trial + 1, shape=x.shape, p=p)
        layer = regularization.Dropout(p, rng=0)
        want = layer.forward(x, mask=mask)
        got = as_result_array(call(dropout_forward, x, p, mask, what=what), what)
        assert_close(got, want, what, atol=1e-9)


def check_dropout_backward_random(dropout_backward) -> None:
    rng = student_rng(ASSIGNMENT, "dropout_backward")
    for trial in range(4):
        x, p, mask = _dropout_case(rng)
        dout = rng.standard_normal(x.shape)
        what = say("r_dropout_backward", k=trial + 1, shape=x.shape, p=p)
        layer = regularization.Dropout(p, rng=0)
        layer.forward(x, mask=mask)
        got = as_result_array(call(dropout_backward, dout, mask, p, what=what), what)
        assert_shape(got, x.shape, what)
        assert_close(got, layer.backward(dout), what, atol=1e-9)


def _batch(rng):
    N, D = int(rng.integers(2, 12)), int(rng.integers(1, 6))
    x = rng.standard_normal(D) * 5 + rng.uniform(0.1, 10, size=D) * rng.standard_normal((N, D))
    gamma, beta = rng.uniform(0.2, 3, size=D) * rng.choice([-1.0, 1.0], size=D), rng.standard_normal(D)
    eps = float(rng.choice([1e-5, 1e-3, 0.1]))
    return x, gamma, beta, eps


def check_batchnorm_forward_random(batchnorm_forward) -> None:
    rng = student_rng(ASSIGNMENT, "batchnorm_forward")
    for trial in range(4):
        x, gamma, beta, eps = _batch(rng)
        what = say("r_bn_forward", k=trial + 1, shape=x.shape, eps=eps)
        out, (x_hat, g, inv_std) = unpack_forward(call(batchnorm_forward, x, gamma, beta, eps=eps, what=what), x, what)
        want_out, (want_x_hat, _, want_inv_std), _ = batchnorm_reference(x, gamma, beta, eps)
        assert_close(out, want_out, what + " -> out", atol=1e-8)
        assert_close(x_hat, want_x_hat, what + " -> cache x_hat", atol=1e-8)
        assert_close(g, gamma, what + " -> cache gamma", atol=0.0)
        assert_close(inv_std, want_inv_std, what + " -> cache inv_std", atol=1e-8, rtol=1e-9)


def check_batchnorm_backward_random(batchnorm_backward) -> None:
    rng = student_rng(ASSIGNMENT, "batchnorm_backward")
    for trial in range(4):
        x, gamma, beta, eps = _batch(rng)
        dout = rng.standard_normal(x.shape)
        _, cache, layer = batchnorm_reference(x, gamma, beta, eps)
        want_dx = layer.backward(dout)
        N, D = x.shape
        what = say("r_bn_backward", k=trial + 1, shape=x.shape)
        dx, dgamma, dbeta = unpack_backward(call(batchnorm_backward, dout, cache, what=what), N, D, what)
        assert_close(dbeta, layer.grads["beta"], what + " -> dbeta", atol=1e-8)
        assert_close(dgamma, layer.grads["gamma"], what + " -> dgamma", atol=1e-8)
        assert_close(dx, want_dx, what + " -> dx", atol=1e-8)
