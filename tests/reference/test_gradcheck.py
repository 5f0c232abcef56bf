"""coursework.gradcheck: numerical gradients, rel_error, and checks that can fail."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.backend import namespace
from coursework.gradcheck import check_layer_gradients, check_loss_gradient, numerical_gradient, rel_error


def test_numerical_gradient_of_a_cubic(backend):
    host = np.random.default_rng(0).standard_normal((3, 4))
    x = backend.put(host)
    xp = namespace(x)
    grad = numerical_gradient(lambda v: xp.sum(v * v * v), x)
    backend.check_on(grad)
    np.testing.assert_allclose(backend.host(grad), 3 * host**2, rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(backend.host(x), host)          # x is never modified


def test_numerical_gradient_lecture_graph():
    # f = (x + y) z at x = -2, y = 5, z = -4: df/dx = df/dy = z = -4, df/dz = x + y = 3.
    grad = numerical_gradient(lambda v: (v[0] + v[1]) * v[2], np.array([-2.0, 5.0, -4.0]))
    np.testing.assert_allclose(grad, [-4.0, -4.0, 3.0], rtol=1e-9)


def test_numerical_gradient_accepts_python_floats_and_0d_input():
    grad = numerical_gradient(lambda v: float(np.sin(v)), np.asarray(0.5))
    assert grad.shape == () and float(grad) == pytest.approx(np.cos(0.5), rel=1e-9)


def test_numerical_gradient_errors():
    with pytest.raises(TypeError, match=r"numerical_gradient: expected x of dtype float64 .*got float32"):
        numerical_gradient(lambda v: v.sum(), np.ones(2, dtype=np.float32))
    with pytest.raises(ValueError, match=r"expected f to return a scalar, got an array of shape \(2,\)"):
        numerical_gradient(lambda v: v * 2, np.ones(2))
    with pytest.raises(ValueError, match=r"expected a step h > 0"):
        numerical_gradient(lambda v: v.sum(), np.ones(2), h=0)


def test_rel_error_definition(backend):
    a = backend.put(np.array([1.0, 0.0, 1e-9, -2.0]))
    b = backend.put(np.array([1.1, 0.0, 0.0, -2.0]))
    # max(0.1 / 2.1, 0, 1e-9 / max(1e-8, 1e-9) = 0.1, 0)
    assert rel_error(a, b) == pytest.approx(0.1)
    assert rel_error(np.array([1.0]), np.array([1.1])) == pytest.approx(0.1 / 2.1)
    assert rel_error(np.zeros(0), np.zeros(0)) == 0.0


def test_rel_error_nan_and_shapes():
    assert rel_error(np.array([np.nan]), np.array([1.0])) == np.inf
    assert rel_error(np.array([np.inf]), np.array([np.inf])) == np.inf
    with pytest.raises(ValueError, match=r"rel_error: expected arrays of the same shape, got \(2,\) and \(3,\)"):
        rel_error(np.zeros(2), np.zeros(3))


class _BadBias(nn.Linear):
    """A Linear layer whose bias gradient is wrong in one element."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["b"] = self.grads["b"] + np.array([0.0, 0.5, 0.0])
        return dx


class _BadInput(nn.Sigmoid):
    """A sigmoid that forgets the local gradient: dx = dout."""

    def backward(self, dout):
        self._check_dout(dout)
        return dout


class _NoGrads(nn.Linear):
    def backward(self, dout):
        dx = super().backward(dout)
        del self.grads["W"]
        return dx


def test_check_layer_gradients_passes_and_restores(backend):
    rng = np.random.default_rng(1)
    layer = nn.Linear(4, 3, rng, like=backend.put(np.zeros(1)))
    before = {k: np.array(backend.host(v), copy=True) for k, v in layer.params.items()}
    x = backend.put(rng.standard_normal((5, 4)))
    errors = check_layer_gradients(layer, x)
    assert set(errors) == {"x", "W", "b"} and max(errors.values()) < 1e-7
    for k, v in layer.params.items():
        np.testing.assert_array_equal(backend.host(v), before[k])


def test_check_layer_gradients_names_the_worst_element():
    layer = _BadBias(4, 3, np.random.default_rng(2))
    with pytest.raises(AssertionError) as info:
        check_layer_gradients(layer, np.random.default_rng(3).standard_normal((5, 4)))
    message = str(info.value)
    assert "Linear(4, 3)" in message and "gradient of b: rel_error" in message
    assert "worst element b[1]: analytic" in message and "numerical" in message
    assert "gradient of W" not in message and "gradient of x" not in message


def test_check_layer_gradients_catches_a_wrong_input_gradient():
    with pytest.raises(AssertionError, match=r"(?s)gradient of x: rel_error .* worst element x\[\d, \d\]"):
        check_layer_gradients(_BadInput(), np.random.default_rng(4).standard_normal((3, 2)))


def test_check_layer_gradients_missing_grad_and_dtype():
    with pytest.raises(AssertionError, match=r"grads has no entry 'W' after backward"):
        check_layer_gradients(_NoGrads(2, 2, 0), np.ones((1, 2)))
    with pytest.raises(TypeError, match=r"check_layer_gradients: expected input x of dtype float64 .*got float32"):
        check_layer_gradients(nn.ReLU(), np.ones((1, 2), dtype=np.float32))
    with pytest.raises(TypeError, match=r"expected parameter 'W' of dtype float64"):
        check_layer_gradients(nn.Linear(2, 2, 0, dtype="float32"), np.ones((1, 2)))


def test_check_loss_gradient(backend):
    rng = np.random.default_rng(5)
    scores, y = backend.put(rng.standard_normal((4, 3))), backend.put(np.array([0, 2, 1, 1]))
    assert check_loss_gradient(nn.softmax_cross_entropy, scores, y) < 1e-7

    def doubled(s, labels):
        loss, ds = nn.softmax_cross_entropy(s, labels)
        return loss, 2 * ds

    expected = r"(?s)check_loss_gradient: doubled: .*gradient of scores: .*worst element scores\["
    with pytest.raises(AssertionError, match=expected):
        check_loss_gradient(doubled, scores, y)
