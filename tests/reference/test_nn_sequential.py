"""Sequential: chaining, the flat "index.name" params / grads convention, modes, errors."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.gradcheck import check_layer_gradients


def _net(like=None, seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(4, 6, rng, like=like), nn.Tanh(),
                         nn.Maxout(6, 5, rng, like=like), nn.Linear(5, 3, rng, like=like))


def test_params_are_flat_and_keyed_index_dot_name():
    net = _net()
    assert list(net.params) == ["0.W", "0.b", "2.W", "2.b", "3.W", "3.b"]
    assert net.params["2.W"] is net[2].params["W"]
    assert len(net.params) == 6 and len(net) == 4
    assert dict(net.grads) == {}


def test_grads_keyed_like_params_after_backward(backend):
    net = _net(backend.put(np.zeros(1)))
    x = backend.put(np.random.default_rng(1).standard_normal((7, 4)))
    out = net.forward(x)
    dx = net.backward(backend.put(np.ones(out.shape)))
    assert dx.shape == x.shape
    backend.check_on(out)
    backend.check_on(dx)
    assert list(net.grads) == list(net.params)
    for k in net.params:
        assert net.grads[k].shape == net.params[k].shape
        backend.check_on(net.grads[k])


def test_gradient_check(backend):
    net = _net(backend.put(np.zeros(1)))
    x = backend.put(np.random.default_rng(2).standard_normal((5, 4)))
    errors = check_layer_gradients(net, x, rtol=1e-7, rng=3)
    assert set(errors) == {"x", *net.params}


def test_an_optimizer_can_update_params_by_name():
    net = _net()
    x = np.random.default_rng(4).standard_normal((5, 4))
    y = np.array([0, 1, 2, 0, 1])
    losses = []
    for _ in range(20):
        loss, ds = nn.softmax_cross_entropy(net.forward(x), y)
        net.backward(ds)
        losses.append(float(loss))
        for name in net.params:                       # step(params, grads)
            net.params[name] = net.params[name] - 0.1 * net.grads[name]
    assert losses[-1] < 0.5 * losses[0]
    np.testing.assert_array_equal(net[0].params["W"], net.params["0.W"])


def test_param_view_rejects_unknown_names_and_shapes():
    net = _net()
    with pytest.raises(KeyError):
        net.params["1.W"]                                 # Tanh has no parameters
    with pytest.raises(KeyError):
        net.params["0.V"] = np.zeros((4, 6))
    with pytest.raises(ValueError, match=r"Sequential: expected params\['0.W'\] of shape \(4, 6\), got shape \(6, 4\)"):
        net.params["0.W"] = np.zeros((6, 4))
    with pytest.raises(TypeError, match=r"cannot be deleted"):
        del net.params["0.W"]


def test_nested_sequential_keys():
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Sequential(nn.Linear(2, 3, rng), nn.ReLU()), nn.Linear(3, 1, rng))
    assert list(net.params) == ["0.0.W", "0.0.b", "1.W", "1.b"]
    net.params["0.0.b"] = np.ones(3)
    np.testing.assert_array_equal(net[0][0].params["b"], 1.0)


def test_train_eval_recurse():
    net = nn.Sequential(nn.ReLU(), nn.Sequential(nn.Tanh()))
    net.eval()
    assert not net.training and not net[0].training and not net[1][0].training
    net.train()
    assert net.training and net[1][0].training


def test_inputs_not_modified():
    net = _net()
    x = np.random.default_rng(5).standard_normal((3, 4))
    dout = np.random.default_rng(6).standard_normal((3, 3))
    xc, dc = x.copy(), dout.copy()
    net.forward(x)
    net.backward(dout)
    np.testing.assert_array_equal(x, xc)
    np.testing.assert_array_equal(dout, dc)


def test_errors():
    net = _net()
    with pytest.raises(RuntimeError, match=r"Sequential: backward called before forward"):
        net.backward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"Sequential\[0\]: Linear: expected input of shape \(N, 4\), got \(N, 5\)"):
        net.forward(np.zeros((2, 5)))
    net.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"Sequential: expected dout of shape \(2, 3\) .*got shape \(2, 4\)"):
        net.backward(np.zeros((2, 4)))
    with pytest.raises(TypeError, match=r"Sequential: expected Layer instances, got str at position 1"):
        nn.Sequential(nn.ReLU(), "tanh")
    with pytest.raises(TypeError, match=r"got the class ReLU at position 0; did you mean ReLU\(\)\?"):
        nn.Sequential(nn.ReLU)


def test_empty_sequential_is_identity():
    x = np.ones((2, 2))
    net = nn.Sequential()
    assert net.forward(x) is x and net.backward(x) is x


def test_backward_without_input_grad_fills_the_same_grads():
    import coursework.nn as nn_

    rng = np.random.default_rng(5)
    x, dout = rng.standard_normal((6, 4)), rng.standard_normal((6, 3))
    model = nn_.MLP([4, 5, 3], rng=1)
    model.forward(x)
    dx = model.backward(dout)
    full = {k: np.array(v) for k, v in model.grads.items()}
    model.forward(x)
    assert model.backward(dout, input_grad=False) is None
    assert dx.shape == x.shape
    for k, v in model.grads.items():
        np.testing.assert_array_equal(v, full[k], err_msg=k)
