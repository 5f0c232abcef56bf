"""Weight penalties: the lecture's example, values, gradient checks, ``penalty`` over a model."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.gradcheck import numerical_gradient, rel_error
from coursework.regularization import BatchNorm, elastic_net, is_weight, l1, l2, penalty


def test_lecture_example_corrected(backend):
    """x = [1,1,1,1], w1 = [1,0,0,0], w2 = [0.25]*4 (the note's numbers 3 and 2.25 are wrong)."""
    x = backend.put(np.ones(4))
    w1 = backend.put(np.array([1.0, 0.0, 0.0, 0.0]))
    w2 = backend.put(np.full(4, 0.25))
    xp = backend.xp
    assert float(xp.sum(w1 * x)) == 1.0 and float(xp.sum(w2 * x)) == 1.0
    assert float(l2(w1)[0]) == 1.0
    assert float(l2(w2)[0]) == 0.25          # L2 prefers the spread-out weights
    assert float(l1(w1)[0]) == 1.0
    assert float(l1(w2)[0]) == 1.0           # L1 is indifferent here
    assert float(elastic_net(w1, 0.5)[0]) == 1.5
    assert float(elastic_net(w2, 0.5)[0]) == 1.125


def test_values_and_gradients_by_formula(backend):
    host = np.array([[1.5, -2.0, 0.0], [0.25, -0.5, 3.0]])
    W = backend.put(host)
    r, d = l2(W)
    assert float(r) == pytest.approx(np.sum(host ** 2), rel=1e-15)
    np.testing.assert_array_equal(backend.host(d), 2 * host)
    r, d = l1(W)
    assert float(r) == pytest.approx(np.sum(np.abs(host)), rel=1e-15)
    np.testing.assert_array_equal(backend.host(d), np.sign(host))     # 0 at 0
    r, d = elastic_net(W, 0.3)
    assert float(r) == pytest.approx(np.sum(0.3 * host ** 2 + np.abs(host)), rel=1e-15)
    np.testing.assert_allclose(backend.host(d), 0.6 * host + np.sign(host), rtol=1e-15)
    assert float(elastic_net(W, 0.0)[0]) == float(l1(W)[0])
    for out in (*l2(W), *l1(W), *elastic_net(W)):
        backend.check_on(out)
    np.testing.assert_array_equal(backend.host(W), host)               # input untouched


@pytest.mark.parametrize("name", ["l2", "l1", "elastic_net"])
def test_gradient_check(backend, name):
    rng = np.random.default_rng(0)
    host = rng.standard_normal((4, 3))
    host = host + 0.1 * np.sign(host)                       # away from |W|'s kink at 0
    W = backend.put(host)
    fn = {"l2": l2, "l1": l1, "elastic_net": lambda w: elastic_net(w, 0.7)}[name]
    analytic = fn(W)[1]
    numerical = numerical_gradient(lambda w: fn(w)[0], W)
    err = rel_error(analytic, numerical)
    assert err <= 1e-7, f"{name}: gradient rel_error {err:.2e} > 1e-7"


def test_penalty_over_an_mlp(backend):
    rng = np.random.default_rng(1)
    net = nn.MLP([5, 4, 3], rng=rng, like=backend.put(np.zeros(1)))
    net.params["0.b"] = backend.put(rng.standard_normal(4))             # biases must not count
    lam = 0.01
    value, grads = penalty(net, "l2", lam)
    W0, W2 = backend.host(net.params["0.W"]), backend.host(net.params["2.W"])
    assert float(value) == pytest.approx(lam * (np.sum(W0 ** 2) + np.sum(W2 ** 2)), rel=1e-14)
    assert list(grads) == list(net.params)
    np.testing.assert_allclose(backend.host(grads["0.W"]), 2 * lam * W0, rtol=1e-15)
    np.testing.assert_allclose(backend.host(grads["2.W"]), 2 * lam * W2, rtol=1e-15)
    for name in ("0.b", "2.b"):
        np.testing.assert_array_equal(backend.host(grads[name]), 0.0)
    for g in grads.values():
        backend.check_on(g)
    backend.check_on(value)


@pytest.mark.parametrize("kind", ["l1", "elastic_net"])
def test_penalty_kinds_sum_over_weights(kind):
    rng = np.random.default_rng(2)
    params = {"0.W": rng.standard_normal((3, 2)), "0.b": rng.standard_normal(2), "1.W": rng.standard_normal((2, 2))}
    value, grads = penalty(params, kind, 0.5, beta=0.2)
    fn = l1 if kind == "l1" else (lambda w: elastic_net(w, 0.2))
    expected = 0.5 * (float(fn(params["0.W"])[0]) + float(fn(params["1.W"])[0]))
    assert float(value) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(grads["1.W"], 0.5 * fn(params["1.W"])[1], rtol=1e-15)


def test_batchnorm_parameters_are_not_penalised():
    rng = np.random.default_rng(3)
    net = nn.Sequential(nn.Linear(3, 4, rng), BatchNorm(4), nn.ReLU(), nn.Linear(4, 2, rng))
    value, grads = penalty(net, "l2", 1.0)
    assert set(grads) == {"0.W", "0.b", "1.gamma", "1.beta", "3.W", "3.b"}
    np.testing.assert_array_equal(grads["1.gamma"], 0.0)
    assert [n for n in net.params if is_weight(n)] == ["0.W", "3.W"]


def test_penalty_errors():
    params = {"W": np.ones((2, 2))}
    with pytest.raises(ValueError, match=r"expected kind to be one of \['elastic_net', 'l1', 'l2'\], got 'L2'"):
        penalty(params, "L2", 0.1)
    with pytest.raises(ValueError, match="expected lam >= 0"):
        penalty(params, "l2", -1.0)
    with pytest.raises(ValueError, match="expected lam >= 0"):
        penalty(params, "l2", float("nan"))
    with pytest.raises(ValueError, match="expected beta >= 0"):
        elastic_net(np.ones(2), -0.5)
    with pytest.raises(TypeError, match="expected a floating-point W"):
        l2(np.ones(3, dtype=np.int64))
    with pytest.raises(TypeError, match="expected a model with params"):
        penalty([np.ones(2)], "l2", 0.1)
