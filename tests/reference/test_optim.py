"""Optimizers: SGD and Momentum updates, on dicts and live model mappings, devices, errors.

PyTorch equivalence (``torch.optim.SGD`` with and without momentum) is in
``test_oracle_torch_training.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.optim import SGD, Momentum

LR, BETA = 0.1, 0.9


def _arrays(backend, rng, shapes=(("W", (3, 2)), ("b", (2,)))):
    host = {name: rng.standard_normal(shape) for name, shape in shapes}
    return host, {name: backend.put(a) for name, a in host.items()}


def test_sgd_step_replaces_params_and_keeps_inputs(backend):
    rng = np.random.default_rng(0)
    host_p, params = _arrays(backend, rng)
    host_g, grads = _arrays(backend, rng)
    before = dict(params)
    SGD(LR).step(params, grads)
    for name in params:
        backend.check_on(params[name])
        assert params[name] is not before[name], "step must replace, not update in place"
        np.testing.assert_allclose(backend.host(params[name]), host_p[name] - LR * host_g[name], rtol=1e-15)
        np.testing.assert_array_equal(backend.host(before[name]), host_p[name])   # old array untouched
        np.testing.assert_array_equal(backend.host(grads[name]), host_g[name])


def test_momentum_three_steps_by_hand(backend):
    rng = np.random.default_rng(1)
    host_p, params = _arrays(backend, rng)
    opt = Momentum(LR, BETA)
    w = dict(host_p)
    v = {name: np.zeros_like(a) for name, a in host_p.items()}
    for _ in range(3):
        host_g, grads = _arrays(backend, rng)
        opt.step(params, grads)
        for name in w:
            v[name] = BETA * v[name] - LR * host_g[name]
            w[name] = w[name] + v[name]
            backend.check_on(params[name])
            np.testing.assert_allclose(backend.host(params[name]), w[name], rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(backend.host(opt.velocity[name]), v[name], rtol=1e-13, atol=1e-15)


def test_momentum_stored_values():
    """Fixed numbers: w0 = 1, g = 1 at every step, lr = 0.1, beta = 0.9."""
    params, grads = {"w": np.array([1.0])}, {"w": np.array([1.0])}
    opt = Momentum(0.1, 0.9)
    got = []
    for _ in range(3):
        opt.step(params, grads)
        got.append(float(params["w"][0]))
    # v: -0.1, -0.19, -0.271 ; w: 0.9, 0.71, 0.439
    np.testing.assert_allclose(got, [0.9, 0.71, 0.439], rtol=1e-12)


def test_momentum_with_beta_zero_is_sgd():
    rng = np.random.default_rng(2)
    a = {"W": rng.standard_normal((4, 3))}
    b = dict(a)
    for _ in range(3):
        g = {"W": rng.standard_normal((4, 3))}
        SGD(LR).step(a, g)
        Momentum(LR, beta=0.0).step(b, g)
    np.testing.assert_allclose(a["W"], b["W"], rtol=1e-14)


@pytest.mark.parametrize("make", [lambda: SGD(LR), lambda: Momentum(LR, BETA)], ids=["sgd", "momentum"])
def test_step_updates_an_mlp_through_its_live_mapping(backend, make):
    rng = np.random.default_rng(3)
    like = backend.put(np.zeros(1))
    net = nn.MLP([4, 5, 3], rng=rng, like=like)
    x = backend.put(rng.standard_normal((6, 4)))
    net.forward(x)
    net.backward(backend.put(rng.standard_normal((6, 3))))
    before = {k: backend.host(v).copy() for k, v in net.params.items()}
    grads = {k: backend.host(v).copy() for k, v in net.grads.items()}
    make().step(net.params, net.grads)
    assert set(net.params) == {"0.W", "0.b", "2.W", "2.b"}
    for name in before:
        expected = before[name] - LR * grads[name]     # first momentum step equals SGD's
        np.testing.assert_allclose(backend.host(net.params[name]), expected, rtol=1e-13)
    np.testing.assert_allclose(backend.host(net.layers[0].params["W"]), backend.host(net.params["0.W"]))
    backend.check_on(net.layers[2].params["b"])


def test_float32_parameters_stay_float32():
    params = {"W": np.ones((2, 2), dtype=np.float32)}
    grads = {"W": np.ones((2, 2), dtype=np.float32)}
    Momentum(0.1).step(params, grads)
    SGD(0.1).step(params, grads)
    assert params["W"].dtype == np.float32


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_bad_learning_rate(lr):
    with pytest.raises(ValueError, match="expected lr"):
        SGD(lr)
    with pytest.raises(ValueError, match="expected lr"):
        Momentum(lr)


@pytest.mark.parametrize("beta", [-0.1, 1.0, 1.5, float("nan")])
def test_bad_beta(beta):
    with pytest.raises(ValueError, match=r"expected beta in \[0, 1\)"):
        Momentum(0.1, beta)


@pytest.mark.parametrize("bad", ["0.1", None, True])
def test_non_number_hyperparameters(bad):
    with pytest.raises(TypeError, match="expected lr to be a real number"):
        SGD(bad)
    with pytest.raises(TypeError, match="expected beta to be a real number"):
        Momentum(0.1, bad)


def test_missing_or_misshapen_gradient():
    params = {"W": np.ones((2, 3)), "b": np.zeros(3)}
    with pytest.raises(ValueError, match=r"no grads for \['b'\]"):
        SGD(0.1).step(params, {"W": np.ones((2, 3))})
    with pytest.raises(ValueError, match=r"expected grads\['W'\] of shape \(2, 3\).*got shape \(3, 2\)"):
        Momentum(0.1).step(params, {"W": np.ones((3, 2)), "b": np.zeros(3)})
    with pytest.raises(TypeError, match="mutable mapping"):
        SGD(0.1).step([np.ones(2)], {"0": np.ones(2)})


def test_momentum_velocity_is_per_name_and_reset():
    opt = Momentum(0.1, 0.5)
    params = {"a": np.zeros(2), "b": np.zeros(3)}
    opt.step(params, {"a": np.ones(2), "b": 2 * np.ones(3)})
    np.testing.assert_allclose(opt.velocity["a"], -0.1)
    np.testing.assert_allclose(opt.velocity["b"], -0.2)
    opt.reset()
    assert opt.velocity == {}
    with pytest.raises(ValueError, match="use one optimizer per model"):
        opt.step({"a": np.zeros(2)}, {"a": np.ones(2)})
        opt.step({"a": np.zeros(5)}, {"a": np.ones(5)})
