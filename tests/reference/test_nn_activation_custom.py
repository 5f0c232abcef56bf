"""nn.Activation: a layer from a pair forward(x), backward(dout, x) -- the form of notebook 03's answers."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.experiments.activations import FUNCTIONS, package_pair
from coursework.gradcheck import check_layer_gradients
from coursework.nn.mlp import ACTIVATIONS


def _relu_forward(x):            # the notebook's answers, as a student writes them
    return np.maximum(0.0, x)


def _relu_backward(dout, x):
    return dout * (x > 0)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_package_pair_as_a_layer_is_the_package_layer(name):
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((5, 4)) * 2, rng.standard_normal((5, 4))
    ours = nn.Activation(*package_pair(name), name=name)
    ref = ACTIVATIONS[name]()
    assert np.array_equal(ours.forward(x), ref.forward(x))
    assert np.array_equal(ours.backward(dout), ref.backward(dout))
    assert ours.params == {} and ours.grads == {}


def test_students_relu_passes_the_gradient_check_and_keeps_dtype():
    layer = nn.Activation(_relu_forward, _relu_backward, "relu")
    x = np.random.default_rng(1).standard_normal((6, 3))
    x += 0.1 * np.sign(x)                                   # away from the kink
    errors = check_layer_gradients(layer, x)
    assert errors["x"] < 1e-7, errors
    x32 = x.astype(np.float32)
    out = layer.forward(x32)
    assert out.dtype == np.float32 and layer.backward(np.ones_like(out)).dtype == np.float32
    assert repr(layer) == "Activation('relu')" and layer.name == "relu"


def test_mlp_with_activation_layers_equals_the_package_mlp():
    x = np.random.default_rng(2).standard_normal((7, 3))
    ref = nn.MLP([3, 5, 2], "relu", rng=0)
    ours = nn.MLP([3, 5, 2], lambda: nn.Activation(_relu_forward, _relu_backward, "relu"), rng=0)
    assert np.array_equal(ours.forward(x), ref.forward(x))
    dout = np.ones((7, 2))
    assert np.array_equal(ours.backward(dout), ref.backward(dout))
    for key in ref.grads:
        assert np.array_equal(ours.grads[key], ref.grads[key]), key


def test_clear_errors():
    with pytest.raises(TypeError, match="expected forward to be a function"):
        nn.Activation(None, _relu_backward)
    with pytest.raises(TypeError, match="expected backward to be a function"):
        nn.Activation(_relu_forward, "relu")
    with pytest.raises(TypeError, match="non-empty str"):
        nn.Activation(_relu_forward, _relu_backward, name="")
    layer = nn.Activation(lambda x: x[:, :1], _relu_backward, "cut")
    with pytest.raises(ValueError, match=r"cut: expected forward\(x\) to return shape \(2, 3\), got shape \(2, 1\)"):
        layer.forward(np.zeros((2, 3)))
    layer = nn.Activation(_relu_forward, lambda dout, x: dout.sum(), "sum")
    layer.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"sum: expected backward\(dout, x\) to return shape \(2, 3\)"):
        layer.backward(np.ones((2, 3)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        nn.Activation(_relu_forward, _relu_backward).backward(np.ones(3))
    with pytest.raises(TypeError, match="floating-point"):
        nn.Activation(_relu_forward, _relu_backward).forward(np.arange(3))
