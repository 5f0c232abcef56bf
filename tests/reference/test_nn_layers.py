"""Layers: gradient checks, no in-place changes, dtype, device, error messages."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.backend import from_host
from coursework.gradcheck import check_layer_gradients

D, M, N = 4, 3, 5


def _away_from_zero(host, gap=0.1):
    """Push every element at least ``gap`` away from 0 (the ReLU-family kink)."""
    return host + gap * np.sign(host)


def _make(name, like, rng):
    """A layer by name, with parameters on ``like``'s device and non-zero biases."""
    if name == "linear":
        layer = nn.Linear(D, M, rng, like=like)
    elif name == "maxout":
        layer = nn.Maxout(D, M, rng, pieces=3, like=like)
    else:
        layer = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
                 "leaky_relu": lambda: nn.LeakyReLU(0.1), "elu": nn.ELU}[name]()
    if "b" in layer.params:
        layer.params["b"] = from_host(rng.standard_normal(tuple(layer.params["b"].shape)), like=layer.params["W"])
    return layer


ALL = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "maxout"]


def _input(name, rng):
    x = rng.standard_normal((N, D)) * 1.5
    return _away_from_zero(x) if name in ("relu", "leaky_relu", "elu") else x


def _maxout_gap(layer, x):
    """Smallest distance between the best and second-best piece (ties are kinks)."""
    z = np.asarray(x) @ np.asarray(layer.params["W"]) + np.asarray(layer.params["b"])[:, None, :]
    top2 = np.sort(z, axis=0)[-2:]
    return float(np.min(top2[1] - top2[0]))


@pytest.mark.parametrize("name", ALL)
def test_gradient_check(backend, name):
    rng = np.random.default_rng(1)
    like = backend.put(np.zeros(1))
    layer = _make(name, like, rng)
    host_x = _input(name, rng)
    x = backend.put(host_x)
    errors = check_layer_gradients(layer, x, rtol=1e-7, rng=2)
    assert set(errors) == {"x", *layer.params}
    assert max(errors.values()) <= 1e-7


def test_maxout_check_is_away_from_ties():
    # The input of test_gradient_check["maxout"] (same seed, same draws) must not
    # sit near a tie between pieces, where the max is not differentiable.
    rng = np.random.default_rng(1)
    layer = _make("maxout", None, rng)
    assert _maxout_gap(layer, _input("maxout", rng)) > 1e-3


@pytest.mark.parametrize("name", ALL)
def test_inputs_and_dout_not_modified_and_results_on_device(backend, name):
    rng = np.random.default_rng(3)
    layer = _make(name, backend.put(np.zeros(1)), rng)
    x = backend.put(_input(name, rng))
    x_before = np.array(backend.host(x), copy=True)
    params_before = {k: np.array(backend.host(v), copy=True) for k, v in layer.params.items()}
    out = layer.forward(x)
    dout = backend.put(rng.standard_normal(out.shape))
    dout_before = np.array(backend.host(dout), copy=True)
    dx = layer.backward(dout)
    for arr in (out, dx, *layer.grads.values()):
        backend.check_on(arr)
    np.testing.assert_array_equal(backend.host(x), x_before)
    np.testing.assert_array_equal(backend.host(dout), dout_before)
    for k, v in layer.params.items():
        np.testing.assert_array_equal(backend.host(v), params_before[k])
    assert dx.shape == x.shape
    assert set(layer.grads) == set(layer.params)
    for k in layer.params:
        assert layer.grads[k].shape == layer.params[k].shape


@pytest.mark.parametrize("name", ALL)
def test_float32_input_stays_float32(name):
    rng = np.random.default_rng(4)
    layer = _make(name, None, rng)
    x = _input(name, rng).astype(np.float32)
    out = layer.forward(x)
    dx = layer.backward(np.ones(out.shape, dtype=np.float32))
    assert out.dtype == np.float32 and dx.dtype == np.float32
    for k, g in layer.grads.items():
        assert g.dtype == layer.params[k].dtype == np.float64


@pytest.mark.parametrize("cls", [nn.Linear, nn.Maxout])
def test_parameter_dtype_argument(backend, cls):
    like = backend.put(np.zeros(1))
    layer = cls(D, M, 0, dtype="float32", like=like)
    for p in layer.params.values():
        assert p.dtype == backend.xp.float32
        backend.check_on(p)
    assert cls(D, M, 0).params["W"].dtype == np.float64


def test_linear_forward_and_shapes():
    rng = np.random.default_rng(5)
    layer = nn.Linear(D, M, rng)
    assert layer.params["W"].shape == (D, M) and layer.params["b"].shape == (M,)
    np.testing.assert_array_equal(layer.params["b"], 0.0)
    layer.params["b"] = rng.standard_normal(M)
    x = rng.standard_normal((N, D))
    np.testing.assert_allclose(layer.forward(x), x @ layer.params["W"] + layer.params["b"], rtol=1e-15)
    dout = rng.standard_normal((N, M))
    dx = layer.backward(dout)
    np.testing.assert_allclose(dx, dout @ layer.params["W"].T)
    np.testing.assert_allclose(layer.grads["W"], x.T @ dout)
    np.testing.assert_allclose(layer.grads["b"], dout.sum(axis=0))


@pytest.mark.parametrize("init, std", [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / 500)), (0.01, 0.01)])
def test_initialisation_scale(init, std):
    W = nn.Linear(400, 100, np.random.default_rng(0), init=init).params["W"]
    assert abs(W.std() / std - 1) < 0.02
    assert abs(W.mean()) < 3 * std / np.sqrt(W.size)


def test_same_seed_same_weights_on_every_backend(backend):
    host = nn.Linear(D, M, np.random.default_rng(7)).params["W"]
    dev = nn.Linear(D, M, np.random.default_rng(7), like=backend.put(np.zeros(1))).params["W"]
    np.testing.assert_array_equal(backend.host(dev), host)


def test_replacing_params_is_used_by_forward():
    layer = nn.Linear(2, 2, 0)
    layer.params["W"] = np.eye(2) * 3
    np.testing.assert_allclose(layer.forward(np.ones((1, 2))), [[3.0, 3.0]])


def test_maxout_is_max_of_pieces_and_routes_to_winner():
    layer = nn.Maxout(2, 1, 0, pieces=2)
    layer.params["W"] = np.array([[[1.0], [0.0]], [[-1.0], [0.0]]])    # piece 0: x0, piece 1: -x0
    layer.params["b"] = np.zeros((2, 1))
    x = np.array([[2.0, 5.0], [-3.0, 1.0], [0.0, 1.0]])            # last row: a tie
    np.testing.assert_allclose(layer.forward(x), [[2.0], [3.0], [0.0]])
    layer.backward(np.ones((3, 1)))
    # Piece 0 wins rows 0 and 2 (the tie goes to the first piece), piece 1 wins row 1.
    np.testing.assert_allclose(layer.grads["b"], [[2.0], [1.0]])
    np.testing.assert_allclose(layer.grads["W"][0, :, 0], x[0] + x[2])
    np.testing.assert_allclose(layer.grads["W"][1, :, 0], x[1])


def test_leaky_relu_and_elu_defaults_follow_the_lecture():
    assert nn.LeakyReLU().alpha == 0.01 and nn.ELU().alpha == 1.0
    np.testing.assert_allclose(nn.LeakyReLU().forward(np.array([[-1.0, 2.0]])), [[-0.01, 2.0]])


def test_train_eval_flag():
    layer = nn.ReLU()
    assert layer.training
    assert layer.eval() is layer and not layer.training
    assert layer.train() is layer and layer.training


# ------------------------------------------------------------------ errors
def test_linear_wrong_width():
    with pytest.raises(ValueError, match=r"Linear: expected input of shape \(N, 3\), got \(N, 5\)"):
        nn.Linear(3, 4, 0).forward(np.zeros((2, 5)))


def test_wrong_rank():
    with pytest.raises(ValueError, match=r"Maxout: expected input of shape \(N, 3\), got shape \(3,\)"):
        nn.Maxout(3, 4, 0).forward(np.zeros(3))


def test_integer_input():
    with pytest.raises(TypeError, match=r"ReLU: expected a floating-point input, got dtype int64"):
        nn.ReLU().forward(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(TypeError, match=r"Tanh: expected input to be an array, got list"):
        nn.Tanh().forward([[1.0]])


@pytest.mark.parametrize("name", ALL)
def test_backward_before_forward(name):
    with pytest.raises(RuntimeError, match=r"backward called before forward"):
        _make(name, None, np.random.default_rng(0)).backward(np.zeros((N, M)))


@pytest.mark.parametrize("name", ALL)
def test_dout_shape_must_match_output(name):
    layer = _make(name, None, np.random.default_rng(0))
    out = layer.forward(np.ones((N, D)))
    with pytest.raises(ValueError, match=rf"expected dout of shape \({N}, {out.shape[1]}\) .*got shape \({N}, 7\)"):
        layer.backward(np.zeros((N, 7)))


def test_constructor_errors():
    with pytest.raises(ValueError, match=r"Linear: expected in_features to be a positive integer, got 0"):
        nn.Linear(0, 3, 0)
    with pytest.raises(TypeError, match=r"Linear: expected rng to be a numpy.random.Generator or an int seed"):
        nn.Linear(2, 3, None)
    with pytest.raises(ValueError, match=r"Linear: expected init 'he', 'xavier' or a positive float, got 'lecun'"):
        nn.Linear(2, 3, 0, init="lecun")
    with pytest.raises(ValueError, match=r"Maxout: expected dtype 'float32' or 'float64', got 'int8'"):
        nn.Maxout(2, 3, 0, dtype="int8")
    with pytest.raises(ValueError, match=r"Maxout: expected pieces to be a positive integer, got 0"):
        nn.Maxout(2, 3, 0, pieces=0)
    with pytest.raises(ValueError, match=r"LeakyReLU: expected 0 <= alpha < 1, got alpha=1.5"):
        nn.LeakyReLU(1.5)
