"""nn.Flatten: an image batch (N, H, W, C) enters a Sequential as rows, as in the lecture's CIFAR-10 net."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.gradcheck import check_layer_gradients


def test_forward_is_the_row_major_reshape_and_backward_its_inverse(backend):
    host = np.random.default_rng(0).standard_normal((4, 5, 6, 3))
    x = backend.put(host)
    layer = nn.Flatten()
    out = layer.forward(x)
    backend.check_on(out)
    np.testing.assert_array_equal(backend.host(out), host.reshape(4, -1))          # a reshape moves no value
    dout = np.random.default_rng(1).standard_normal((4, 90))
    dx = layer.backward(backend.put(dout))
    backend.check_on(dx)
    np.testing.assert_array_equal(backend.host(dx), dout.reshape(4, 5, 6, 3))
    np.testing.assert_array_equal(backend.host(x), host)                            # input untouched
    assert layer.params == {} and layer.grads == {} and repr(layer) == "Flatten()"


@pytest.mark.parametrize("shape", [(3, 7), (2, 3, 4), (2, 1, 5, 1, 2), (0, 4, 4, 3)])
def test_any_rank_keeps_the_batch_and_dtype(shape):
    for dtype in (np.float64, np.float32):
        x = np.ones(shape, dtype=dtype)
        out = nn.Flatten().forward(x)
        assert out.shape == (shape[0], int(np.prod(shape[1:]))) and out.dtype == dtype


def test_gradient_check():
    x = np.random.default_rng(2).standard_normal((3, 4, 2, 3))
    errors = check_layer_gradients(nn.Flatten(), x)
    assert errors["x"] < 1e-7, errors


def test_an_image_batch_enters_a_sequential_as_in_the_lecture():
    images = np.random.default_rng(3).random((8, 32, 32, 3))                       # CIFAR-10-sized
    net = nn.Sequential(nn.Flatten(), nn.Linear(3072, 100, rng=0), nn.ReLU(), nn.Linear(100, 10, rng=1))
    scores = net.forward(images)
    assert scores.shape == (8, 10)
    rows = nn.Sequential(net[1], net[2], net[3]).forward(images.reshape(8, -1))
    np.testing.assert_array_equal(scores, rows)       # same layers, same rows: the same BLAS calls, exact
    dx = net.backward(np.ones((8, 10)), input_grad=True)
    assert dx.shape == images.shape
    errors = check_layer_gradients(nn.Sequential(nn.Flatten(), nn.Linear(12, 2, rng=0)),
                                   np.random.default_rng(4).standard_normal((3, 2, 2, 3)))
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("shape, says", [
    ((8, 32, 32, 3), r"\(3072 values per sample = in_features 3072\)"),
    ((8, 4, 4, 3), r"\(48 values per sample but in_features 3072\)"),
])
def test_linear_on_an_image_batch_names_flatten(shape, says):
    with pytest.raises(ValueError, match=rf"Linear: expected input of shape \(N, 3072\), got shape "
                                         rf"\({', '.join(map(str, shape))}\) {says}; flatten each sample first: "
                                         r"put nn.Flatten\(\) before this layer"):
        nn.Linear(3072, 10, rng=0).forward(np.zeros(shape))


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match=r"Flatten: expected input of shape \(N, \.\.\.\) with the batch first "
                                         r"\(ndim >= 2\), got shape \(5,\)"):
        nn.Flatten().forward(np.zeros(5))
    with pytest.raises(TypeError, match=r"Flatten: expected a floating-point input, got dtype int64"):
        nn.Flatten().forward(np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(RuntimeError, match=r"Flatten: backward called before forward"):
        nn.Flatten().backward(np.zeros((2, 3)))
    layer = nn.Flatten()
    layer.forward(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"Flatten: expected dout of shape \(2, 12\) .* got shape \(2, 3, 4\)"):
        layer.backward(np.zeros((2, 3, 4)))


def test_exported():
    assert "Flatten" in nn.__all__ and nn.Flatten is nn.flatten.Flatten


def test_matches_torch_flatten():
    torch = pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install -e .[oracle]")
    host = np.random.default_rng(5).standard_normal((3, 4, 5, 2))
    t = torch.tensor(host, requires_grad=True)
    out = torch.nn.Flatten()(t)
    dout = np.random.default_rng(6).standard_normal((3, 40))
    out.backward(torch.tensor(dout))
    layer = nn.Flatten()
    np.testing.assert_array_equal(layer.forward(host), out.detach().numpy())
    np.testing.assert_array_equal(layer.backward(dout), t.grad.numpy())
