"""Batch normalization: statistics, running averages, gradient checks, modes, devices, errors.

PyTorch comparisons (``torch.nn.BatchNorm1d``) are in ``test_oracle_torch_training.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.gradcheck import check_layer_gradients
from coursework.regularization import BatchNorm

N, D = 8, 5


def _layer(backend, rng, **kw):
    layer = BatchNorm(D, like=backend.put(np.zeros(1)), **kw)
    layer.params["gamma"] = backend.put(rng.uniform(0.5, 1.5, D))
    layer.params["beta"] = backend.put(rng.standard_normal(D))
    return layer


def _input(rng, n=N):
    return rng.standard_normal((n, D)) * rng.uniform(0.5, 3, D) + rng.uniform(-2, 2, D)


def test_gradient_check_training_mode(backend):
    rng = np.random.default_rng(0)
    layer = _layer(backend, rng)
    errors = check_layer_gradients(layer, backend.put(_input(rng)), rtol=1e-7, rng=1)
    assert set(errors) == {"x", "gamma", "beta"} and max(errors.values()) <= 1e-7


def test_gradient_check_eval_mode(backend):
    rng = np.random.default_rng(2)
    layer = _layer(backend, rng)
    layer.forward(backend.put(_input(rng)))          # move the running statistics off (0, 1)
    layer.eval()
    errors = check_layer_gradients(layer, backend.put(_input(rng)), rtol=1e-7, rng=3)
    assert max(errors.values()) <= 1e-7


def test_training_output_has_batch_statistics(backend):
    rng = np.random.default_rng(4)
    layer = BatchNorm(D, like=backend.put(np.zeros(1)))
    host = _input(rng)
    x = backend.put(host)
    out = layer.forward(x)
    backend.check_on(out)
    out = backend.host(out)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    var = host.var(axis=0)
    np.testing.assert_allclose(out.var(axis=0), var / (var + 1e-5), rtol=1e-12)   # biased variance
    np.testing.assert_array_equal(backend.host(x), host)


def test_running_statistics_follow_pytorch_convention(backend):
    """momentum weighs the new batch; the running variance takes the unbiased batch variance."""
    rng = np.random.default_rng(5)
    layer = BatchNorm(D, momentum=0.2, like=backend.put(np.zeros(1)))
    mean, var = np.zeros(D), np.ones(D)
    for _ in range(3):
        host = _input(rng)
        layer.forward(backend.put(host))
        mean = 0.8 * mean + 0.2 * host.mean(axis=0)
        var = 0.8 * var + 0.2 * host.var(axis=0, ddof=1)
    backend.check_on(layer.running_mean)
    np.testing.assert_allclose(backend.host(layer.running_mean), mean, rtol=1e-13)
    np.testing.assert_allclose(backend.host(layer.running_var), var, rtol=1e-13)
    layer.eval()
    x = _input(rng)
    out = backend.host(layer.forward(backend.put(x)))
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-12, atol=1e-13)
    before = backend.host(layer.running_mean).copy()
    layer.forward(backend.put(x))                    # evaluation does not update them
    np.testing.assert_array_equal(backend.host(layer.running_mean), before)


def test_eval_mode_accepts_a_single_sample_training_does_not():
    layer = BatchNorm(3)
    with pytest.raises(ValueError, match=r"expected more than 1 sample per batch in training mode.*\(1, 3\)"):
        layer.forward(np.ones((1, 3)))
    out = layer.eval().forward(np.ones((1, 3)))
    np.testing.assert_allclose(out, 1 / np.sqrt(1 + 1e-5))


def test_in_a_sequential_with_train_and_eval():
    rng = np.random.default_rng(6)
    net = nn.Sequential(nn.Linear(4, D, rng), BatchNorm(D), nn.ReLU(), nn.Linear(D, 3, rng))
    x = rng.standard_normal((N, 4))
    net.forward(x)
    net.backward(rng.standard_normal((N, 3)))
    assert {"1.gamma", "1.beta"} <= set(net.grads)
    net.eval()
    assert not net.layers[1].training
    a = net.forward(x[:1])
    np.testing.assert_allclose(a, net.forward(x)[:1], rtol=1e-13)   # eval: each row on its own


def test_float32_input_keeps_dtype():
    layer = BatchNorm(D)
    x = np.random.default_rng(7).standard_normal((N, D)).astype(np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32
    assert layer.grads["gamma"].dtype == np.float64 and layer.running_var.dtype == np.float64


def test_errors():
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 5\), got \(N, 4\)"):
        BatchNorm(5).forward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"expected momentum in \[0, 1\]"):
        BatchNorm(5, momentum=1.5)
    with pytest.raises(ValueError, match=r"expected eps in \(0, inf\)"):
        BatchNorm(5, eps=0.0)
    with pytest.raises(ValueError, match="positive integer"):
        BatchNorm(0)
    layer = BatchNorm(2)
    layer.forward(np.ones((3, 2)) * np.arange(3.0)[:, None])
    with pytest.raises(ValueError, match=r"expected dout of shape \(3, 2\)"):
        layer.backward(np.ones((2, 2)))
