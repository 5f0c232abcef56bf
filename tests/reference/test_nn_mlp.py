"""MLP: the lecture's 2- and 3-layer nets, shapes, predict, device, errors."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.gradcheck import check_layer_gradients


def test_two_layer_net_is_W2_max0_W1x(backend):
    rng = np.random.default_rng(0)
    net = nn.MLP([5, 8, 3], rng=rng, like=backend.put(np.zeros(1)))
    assert [type(layer) for layer in net] == [nn.Linear, nn.ReLU, nn.Linear]
    assert list(net.params) == ["0.W", "0.b", "2.W", "2.b"]
    for name in net.params:                          # non-zero biases too
        net.params[name] = backend.put(rng.standard_normal(net.params[name].shape))
    host = {k: backend.host(v) for k, v in net.params.items()}
    x = rng.standard_normal((4, 5))
    scores = net.forward(backend.put(x))
    backend.check_on(scores)
    # Lecture: f = W2 max(0, W1 x); with row vectors and biases, the transposes below.
    expected = np.maximum(0, x @ host["0.W"] + host["0.b"]) @ host["2.W"] + host["2.b"]
    np.testing.assert_allclose(backend.host(scores), expected, rtol=1e-13)


def test_three_layer_net_shapes_and_predict(backend):
    net = nn.MLP([6, 10, 7, 4], "tanh", rng=1, like=backend.put(np.zeros(1)))
    assert [type(layer) for layer in net] == [nn.Linear, nn.Tanh, nn.Linear, nn.Tanh, nn.Linear]
    shapes = {k: tuple(v.shape) for k, v in net.params.items()}
    assert shapes == {"0.W": (6, 10), "0.b": (10,), "2.W": (10, 7), "2.b": (7,), "4.W": (7, 4), "4.b": (4,)}
    x = backend.put(np.random.default_rng(2).standard_normal((9, 6)))
    scores = net.forward(x)
    assert scores.shape == (9, 4)
    dx = net.backward(backend.put(np.ones((9, 4))))
    assert dx.shape == (9, 6)
    backend.check_on(dx)
    labels = net.predict(x)
    backend.check_on(labels)
    assert labels.shape == (9,)
    np.testing.assert_array_equal(backend.host(labels), np.argmax(backend.host(scores), axis=1))
    assert net.training                                  # predict restores the mode


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "elu", "sigmoid", "tanh"])
def test_gradient_check_each_activation(backend, activation):
    net = nn.MLP([4, 6, 5, 3], activation, rng=3, like=backend.put(np.zeros(1)))
    x = backend.put(np.random.default_rng(4).standard_normal((5, 4)))
    errors = check_layer_gradients(net, x, rtol=1e-7, rng=5)
    assert set(errors) == {"x", *net.params}


def test_activation_as_class_or_factory():
    net = nn.MLP([2, 3, 3, 2], nn.ELU, rng=0)
    assert isinstance(net[1], nn.ELU) and net[1] is not net[3]
    net = nn.MLP([2, 3, 2], lambda: nn.LeakyReLU(0.2), rng=0)
    assert net[1].alpha == 0.2


def test_linear_classifier_and_same_seed_same_net():
    assert [type(layer) for layer in nn.MLP([3, 2], rng=0)] == [nn.Linear]
    a, b = nn.MLP([3, 4, 2], rng=7), nn.MLP([3, 4, 2], rng=np.random.default_rng(7))
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])


def test_float32_input_and_dtype_argument():
    x = np.ones((2, 3), dtype=np.float32)
    assert nn.MLP([3, 4, 2], rng=0).forward(x).dtype == np.float32
    net = nn.MLP([3, 4, 2], rng=0, dtype="float32")
    assert all(p.dtype == np.float32 for p in net.params.values())


def test_errors():
    with pytest.raises(ValueError, match=r"MLP: expected at least two sizes"):
        nn.MLP([3], rng=0)
    with pytest.raises(ValueError, match=r"MLP: expected sizes to be a positive integer, got 0"):
        nn.MLP([3, 0, 2], rng=0)
    with pytest.raises(ValueError, match=r"MLP: expected activation to be one of .*got 'softplus'"):
        nn.MLP([3, 2, 2], "softplus", rng=0)
    with pytest.raises(TypeError, match=r"missing 1 required keyword-only argument: 'rng'"):
        nn.MLP([3, 2])                                  # no default shown that is then refused
    with pytest.raises(TypeError, match=r"MLP: expected rng to be a numpy.random.Generator or an int seed"):
        nn.MLP([3, 2], rng=None)
    with pytest.raises(TypeError, match=r"MLP: expected activation to make a Layer, got float"):
        nn.MLP([3, 2, 2], lambda: 1.0, rng=0)
    net = nn.MLP([4, 3, 2], rng=0)
    with pytest.raises(ValueError, match=r"MLP\[0\]: Linear: expected input of shape \(N, 4\), got \(N, 5\)"):
        net.forward(np.zeros((1, 5)))
    with pytest.raises(RuntimeError, match=r"MLP: backward called before forward"):
        net.backward(np.zeros((1, 2)))
