"""Hidden checks of assignment ``03_activations`` (instructor only).

Random inputs drawn from a seed per student and exercise
(:func:`grader_tests.harness.student_rng`), compared with ``coursework.nn.functional``
and ``coursework.nn.Maxout``. Messages describe the inputs but never print them.
"""

from __future__ import annotations

import numpy as np

from coursework import nn
from coursework.nn import functional as F

from ..harness import as_result_array, assert_close, assert_shape, call, student_rng, type_name
from ..messages import say as say_visible
from .messages import say

ASSIGNMENT = "03_activations"


def _random_input(rng: np.random.Generator) -> np.ndarray:
    """A random shape (rank 1 to 3) of N(0, 3^2) values with a positive and a negative value,
    exact zeros and a few large |x| (as many as the size leaves room for), so that no
    constant or all-zero answer is right on it."""
    rank = int(rng.integers(1, 4))
    shape = tuple(int(s) for s in rng.integers(2, 7, size=rank))
    x = rng.normal(0.0, 3.0, size=shape)
    flat = x.reshape(-1)
    picks = rng.permutation(flat.size)
    flat[picks[0]] = abs(flat[picks[0]]) + 0.5
    flat[picks[1]] = -abs(flat[picks[1]]) - 0.5
    rest = picks[2:]
    zeros, large = rest[:min(2, len(rest) // 2)], rest[min(2, len(rest) // 2):][:2]
    flat[zeros] = 0.0
    flat[large] = rng.choice([-1.0, 1.0], size=len(large)) * rng.uniform(15, 40, size=len(large))
    return flat.reshape(shape)


def _check_elementwise(name: str, forward, backward, f, df, alphas=(None,)) -> None:
    rng = student_rng(ASSIGNMENT, name)
    for trial, alpha in enumerate(alphas):
        x = _random_input(rng)
        dout = rng.standard_normal(x.shape)
        kw = {} if alpha is None else {"alpha": alpha}
        variant = "" if alpha is None else "_alpha"   # "..., a random alpha"
        what = say("a_forward" + variant, name=name, k=trial + 1, shape=x.shape)
        got = as_result_array(call(forward, x, what=what, **kw), what)
        assert_shape(got, x.shape, what)
        assert_close(got, f(x, **kw), what, atol=1e-9, rtol=1e-9)
        what = say("a_backward" + variant, name=name, k=trial + 1, shape=x.shape)
        got = as_result_array(call(backward, dout, x, what=what, **kw), what)
        assert_shape(got, x.shape, what)
        assert_close(got, dout * df(x, **kw), what, atol=1e-9, rtol=1e-9)


def check_sigmoid_random(sigmoid_forward, sigmoid_backward) -> None:
    _check_elementwise("sigmoid", sigmoid_forward, sigmoid_backward, F.sigmoid, F.sigmoid_grad, (None, None))


def check_tanh_random(tanh_forward, tanh_backward) -> None:
    _check_elementwise("tanh", tanh_forward, tanh_backward, F.tanh, F.tanh_grad, (None, None))


def check_relu_random(relu_forward, relu_backward) -> None:
    _check_elementwise("relu", relu_forward, relu_backward, F.relu, F.relu_grad, (None, None))


def check_leaky_relu_random(leaky_relu_forward, leaky_relu_backward) -> None:
    alpha = float(student_rng(ASSIGNMENT, "leaky_relu_alpha").uniform(0.05, 0.5))
    _check_elementwise("leaky_relu", leaky_relu_forward, leaky_relu_backward, F.leaky_relu, F.leaky_relu_grad,
                       (None, alpha))


def check_elu_random(elu_forward, elu_backward) -> None:
    alpha = float(student_rng(ASSIGNMENT, "elu_alpha").uniform(0.3, 2.0))
    _check_elementwise("elu", elu_forward, elu_backward, F.elu, F.elu_grad, (None, alpha))


def check_maxout_random(maxout_forward, maxout_backward) -> None:
    rng = student_rng(ASSIGNMENT, "maxout")
    for trial in range(3):
        K, N, D, M = int(rng.integers(2, 5)), int(rng.integers(1, 8)), int(rng.integers(1, 6)), int(rng.integers(1, 6))
        layer = nn.Maxout(D, M, rng=rng, pieces=K)
        layer.params["b"] = rng.standard_normal((K, M))
        W, b = np.array(layer.params["W"]), np.array(layer.params["b"])
        x = rng.standard_normal((N, D))
        dout = rng.standard_normal((N, M))
        what = say("a_maxout_forward", x=x.shape, W=W.shape, b=b.shape, k=trial + 1)
        assert_close(call(maxout_forward, x, W, b, what=what), layer.forward(x), what, atol=1e-9)
        want = (layer.backward(dout), layer.grads["W"], layer.grads["b"])
        what = say("a_maxout_backward", x=x.shape, W=W.shape, b=b.shape, k=trial + 1)
        result = call(maxout_backward, dout, x, W, b, what=what)
        if not isinstance(result, tuple) or len(result) != 3:
            raise AssertionError(say_visible("tuple_type", what=what, names="(dx, dW, db)", got=type_name(result)))
        for name, got, w in zip(("dx", "dW", "db"), result, want):
            assert_close(got, w, f"{what} -> {name}", atol=1e-9)
