"""Dropout: p drops, inverted scaling, eval identity, fixed masks, gradients, devices, errors."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.gradcheck import check_layer_gradients
from coursework.regularization import Dropout


class _FixedMask:
    """A Dropout layer whose forward always uses one mask (for check_layer_gradients)."""

    def __init__(self, layer, mask):
        self.layer, self.mask = layer, mask
        self.params, self.grads = layer.params, layer.grads

    def forward(self, x):
        return self.layer.forward(x, mask=self.mask)

    def backward(self, dout):
        return self.layer.backward(dout)

    def __repr__(self):
        return f"fixed-mask {self.layer!r}"


def test_gradient_check_with_a_fixed_mask(backend):
    rng = np.random.default_rng(0)
    x = backend.put(rng.standard_normal((5, 4)))
    mask = backend.put(rng.random((5, 4)) >= 0.4)
    errors = check_layer_gradients(_FixedMask(Dropout(0.4, rng=1), mask), x, rtol=1e-7, rng=2)
    assert set(errors) == {"x"} and errors["x"] <= 1e-7


def test_inverted_scaling_and_backward_use_the_same_mask(backend):
    p = 0.25
    rng = np.random.default_rng(1)
    host = rng.standard_normal((6, 5)) + 5.0                    # never 0, so 0 in the output means dropped
    layer = Dropout(p, rng=7)
    x = backend.put(host)
    out = backend.host(layer.forward(x))
    kept = out != 0
    np.testing.assert_allclose(out[kept], host[kept] / (1 - p), rtol=1e-15)
    dout = rng.standard_normal(host.shape)
    dx = backend.host(layer.backward(backend.put(dout)))
    np.testing.assert_allclose(dx, np.where(kept, dout / (1 - p), 0.0), rtol=1e-15)
    np.testing.assert_array_equal(backend.host(x), host)        # input untouched


def test_same_seed_same_mask_on_every_backend(backend):
    host = np.ones((4, 8))
    ours = backend.host(Dropout(0.5, rng=3).forward(backend.put(host)))
    expected = (np.random.default_rng(3).random((4, 8)) >= 0.5) / 0.5
    np.testing.assert_array_equal(ours, expected)


def test_drop_rate_and_mean_are_preserved():
    p = 0.3
    layer = Dropout(p, rng=np.random.default_rng(4))
    out = layer.forward(np.ones((200, 500)))
    dropped = np.mean(out == 0)
    assert abs(dropped - p) < 0.01, f"dropped share {dropped:.4f}, expected about p = {p}"
    assert abs(out.mean() - 1.0) < 0.02, f"mean {out.mean():.4f}, expected about 1 (inverted dropout)"


def test_new_mask_every_forward():
    layer = Dropout(0.5, rng=5)
    x = np.ones((10, 10))
    assert not np.array_equal(layer.forward(x), layer.forward(x))


def test_eval_mode_is_identity(backend):
    rng = np.random.default_rng(6)
    host = rng.standard_normal((3, 4))
    layer = Dropout(0.9, rng=0).eval()
    x = backend.put(host)
    out = layer.forward(x)
    backend.check_on(out)
    np.testing.assert_array_equal(backend.host(out), host)
    dout = rng.standard_normal((3, 4))
    np.testing.assert_array_equal(backend.host(layer.backward(backend.put(dout))), dout)


def test_p_zero_is_identity_in_training():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Dropout(0.0, rng=0).forward(x), x)


def test_sequential_switches_dropout(backend):
    rng = np.random.default_rng(7)
    like = backend.put(np.zeros(1))
    net = nn.Sequential(nn.Linear(4, 50, rng, like=like), Dropout(0.5, rng=8))
    x = backend.put(rng.standard_normal((3, 4)))
    net.eval()
    a, b = backend.host(net.forward(x)), backend.host(net.forward(x))
    np.testing.assert_array_equal(a, b)
    net.train()
    assert net.layers[1].training
    c = backend.host(net.forward(x))
    assert np.any(c == 0) and np.any(c != 0)


def test_float32_stays_float32():
    out = Dropout(0.5, rng=0).forward(np.ones((3, 3), dtype=np.float32))
    assert out.dtype == np.float32


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan")])
def test_bad_p(p):
    with pytest.raises(ValueError, match=r"expected p \(the probability to drop\) in \[0, 1\)"):
        Dropout(p, rng=0)


def test_other_errors():
    with pytest.raises(TypeError, match="expected p"):
        Dropout("0.5", rng=0)
    with pytest.raises(TypeError, match="expected rng"):
        Dropout(0.5, rng=None)
    layer = Dropout(0.5, rng=0)
    with pytest.raises(ValueError, match=r"expected a mask of the input's shape \(2, 3\), got shape \(3, 2\)"):
        layer.forward(np.ones((2, 3)), mask=np.ones((3, 2), dtype=bool))
    with pytest.raises(TypeError, match="expected a boolean mask"):
        layer.forward(np.ones((2, 3)), mask=np.ones((2, 3)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        Dropout(0.5, rng=0).backward(np.ones(3))
    with pytest.raises(TypeError, match="floating-point input"):
        layer.forward(np.ones((2, 3), dtype=np.int64))
