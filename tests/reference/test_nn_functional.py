"""Activation functions and their derivatives (coursework.nn.functional)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from coursework.nn import functional as F

FUNCS = {
    "sigmoid": (F.sigmoid, F.sigmoid_grad, lambda x: 1 / (1 + np.exp(-x))),
    "tanh": (F.tanh, F.tanh_grad, np.tanh),
    "relu": (F.relu, F.relu_grad, lambda x: np.maximum(0, x)),
    "leaky_relu": (F.leaky_relu, F.leaky_relu_grad, lambda x: np.maximum(0.01 * x, x)),
    "elu": (F.elu, F.elu_grad, lambda x: np.where(x >= 0, x, np.exp(x) - 1)),
}


@pytest.mark.parametrize("name", FUNCS)
def test_values_derivatives_and_device(backend, name):
    f, df, expected = FUNCS[name]
    host = np.linspace(-3, 3, 13).reshape(13, 1) + 0.05   # no element at the kink 0
    x = backend.put(host)
    out, grad = f(x), df(x)
    backend.check_on(out)
    backend.check_on(grad)
    np.testing.assert_allclose(backend.host(out), expected(host), rtol=1e-13, atol=1e-15)
    h = 1e-6
    numerical = (expected(host + h) - expected(host - h)) / (2 * h)
    np.testing.assert_allclose(backend.host(grad), numerical, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_and_shape_kept(name, dtype):
    f, df, _ = FUNCS[name]
    x = np.arange(-6, 6, dtype=dtype).reshape(2, 3, 2)
    for out in (f(x), df(x)):
        assert out.dtype == dtype and out.shape == x.shape


def test_derivatives_at_the_kink_follow_pytorch():
    zero = np.zeros(1)
    assert F.relu_grad(zero)[0] == 0.0
    assert F.leaky_relu_grad(zero, 0.2)[0] == 0.2
    assert F.elu_grad(zero, 0.5)[0] == 0.5


def test_lecture_examples():
    # Sigmoid neuron of lecture topic 9: w0=2, x0=-1, w1=-3, x1=-2, w2=-3 gives 0.73,
    # and σ'(1) = (1 - σ(1)) σ(1) ≈ 0.20.
    z = np.asarray(2 * -1 + -3 * -2 + -3.0)
    assert round(float(F.sigmoid(z)), 2) == 0.73
    assert round(float(F.sigmoid_grad(z)), 2) == 0.20
    # Leaky ReLU is max(αx, x); ELU is α(e^x - 1) for x < 0.
    x = np.array([-2.0, 3.0])
    np.testing.assert_allclose(F.leaky_relu(x, 0.1), [-0.2, 3.0])
    np.testing.assert_allclose(F.elu(x, 2.0), [2 * (np.exp(-2) - 1), 3.0])


def test_no_overflow_for_large_inputs():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = F.sigmoid(x)
        e = F.elu(x)
        F.sigmoid_grad(x), F.elu_grad(x)
    np.testing.assert_allclose(s, [0.0, np.exp(-50) / (1 + np.exp(-50)), 0.5, 1 / (1 + np.exp(-50)), 1.0])
    np.testing.assert_allclose(e, [-1.0, np.expm1(-50), 0.0, 50.0, 1000.0])


def test_inputs_not_modified():
    x = np.linspace(-2, 2, 9)
    before = x.copy()
    for f, df, _ in FUNCS.values():
        f(x), df(x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("alpha", [-0.1, 1.0, 2.0])
def test_leaky_relu_alpha_range(alpha):
    with pytest.raises(ValueError, match=r"leaky_relu: expected 0 <= alpha < 1"):
        F.leaky_relu(np.ones(2), alpha)


def test_elu_alpha_range():
    with pytest.raises(ValueError, match=r"elu: expected alpha >= 0, got alpha=-1.0"):
        F.elu(np.ones(2), -1.0)
    with pytest.raises(TypeError, match=r"elu: expected alpha to be a real number"):
        F.elu(np.ones(2), "one")
