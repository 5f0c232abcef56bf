"""Oracle: every layer and loss against PyTorch autograd, float64, within 1e-10.

PyTorch is an optional test dependency (the ``oracle`` extra). The layers are
rebuilt in torch from the same parameters (``torch.nn.functional.linear`` takes
the weight as (out, in), so it gets Wᵀ), torch's autograd differentiates
Σ out · dout, and input and parameter gradients are compared.
"""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn

torch = pytest.importorskip(
    "torch", reason="PyTorch is the oracle for these tests; install the oracle extra: pip install -e .[oracle]")
TF = torch.nn.functional

TOL = dict(rtol=1e-10, atol=1e-12)
N, D, M = 6, 5, 4


def _t(host, grad=False):
    return torch.tensor(np.asarray(host), dtype=torch.float64, requires_grad=grad)


def _compare(backend, layer, x_host, torch_forward, rng):
    """Run ``layer`` on the backend and ``torch_forward(x, params)`` in torch; compare all."""
    x = backend.put(x_host)
    out = layer.forward(x)
    dout_host = rng.standard_normal(tuple(out.shape))
    dx = layer.backward(backend.put(dout_host))

    tx = _t(x_host, grad=True)
    tparams = {k: _t(backend.host(v), grad=True) for k, v in layer.params.items()}
    tout = torch_forward(tx, tparams)
    (tout * _t(dout_host)).sum().backward()

    np.testing.assert_allclose(backend.host(out), tout.detach().numpy(), **TOL)
    np.testing.assert_allclose(backend.host(dx), tx.grad.numpy(), **TOL)
    assert set(layer.grads) == set(tparams)
    for k, tp in tparams.items():
        np.testing.assert_allclose(backend.host(layer.grads[k]), tp.grad.numpy(), **TOL, err_msg=k)


def _like(backend):
    return backend.put(np.zeros(1))


def _random_bias(layer, rng, backend):
    layer.params["b"] = backend.put(rng.standard_normal(tuple(layer.params["b"].shape)))
    return layer


ACTIVATIONS = {
    "sigmoid": (nn.Sigmoid, torch.sigmoid),
    "tanh": (nn.Tanh, torch.tanh),
    "relu": (nn.ReLU, TF.relu),
    "leaky_relu": (lambda: nn.LeakyReLU(0.1), lambda x: TF.leaky_relu(x, negative_slope=0.1)),
    "leaky_relu_default": (nn.LeakyReLU, TF.leaky_relu),          # both default to 0.01
    "elu": (nn.ELU, TF.elu),
    "elu_alpha": (lambda: nn.ELU(0.7), lambda x: TF.elu(x, alpha=0.7)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation(backend, name):
    ours, theirs = ACTIVATIONS[name]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, D)) * 3
    x[0, :3] = [0.0, -40.0, 40.0]                       # the kink (same convention) and saturation
    _compare(backend, ours(), x, lambda tx, p: theirs(tx), rng)


def test_linear(backend):
    rng = np.random.default_rng(1)
    layer = _random_bias(nn.Linear(D, M, rng, like=_like(backend)), rng, backend)
    _compare(backend, layer, rng.standard_normal((N, D)),
             lambda tx, p: TF.linear(tx, p["W"].T, p["b"]), rng)


def test_maxout(backend):
    rng = np.random.default_rng(2)
    layer = _random_bias(nn.Maxout(D, M, rng, pieces=3, like=_like(backend)), rng, backend)
    # Torch has no maxout layer: the K affine maps in torch, then torch.amax over the pieces.
    # (No ties with random inputs, so amax's tie rule does not matter.)
    _compare(backend, layer, rng.standard_normal((N, D)),
             lambda tx, p: torch.amax(torch.stack([TF.linear(tx, p["W"][k].T, p["b"][k]) for k in range(3)]), dim=0),
             rng)


@pytest.mark.parametrize("activation, torch_act", [("relu", torch.nn.ReLU), ("tanh", torch.nn.Tanh)])
def test_mlp_against_torch_sequential(backend, activation, torch_act):
    rng = np.random.default_rng(3)
    net = nn.MLP([D, 7, 6, M], activation, rng=rng, like=_like(backend))
    for name in net.params:
        net.params[name] = backend.put(rng.standard_normal(tuple(net.params[name].shape)))

    def torch_forward(tx, p):                         # Linear, act, Linear, act, Linear
        h = tx
        for i in (0, 2):
            h = torch_act()(TF.linear(h, p[f"{i}.W"].T, p[f"{i}.b"]))
        return TF.linear(h, p["4.W"].T, p["4.b"])

    _compare(backend, net, rng.standard_normal((N, D)), torch_forward, rng)


def _scores(rng, c=5):
    return rng.standard_normal((N, c)) * 3, rng.integers(0, c, size=N)


def _loss_compare(backend, ours, theirs, s, y):
    loss, ds = ours(backend.put(s), backend.put(y))
    ts = _t(s, grad=True)
    tloss = theirs(ts, torch.tensor(y))
    tloss.backward()
    np.testing.assert_allclose(float(loss), tloss.item(), **TOL)
    np.testing.assert_allclose(backend.host(ds), ts.grad.numpy(), **TOL)


def test_softmax_cross_entropy(backend):
    s, y = _scores(np.random.default_rng(4))
    s[0] += 500.0                                     # large logits: both are stable
    _loss_compare(backend, nn.softmax_cross_entropy, lambda ts, ty: TF.cross_entropy(ts, ty), s, y)


@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_svm_equals_C_times_multi_margin_loss(backend, margin):
    # torch's multi_margin_loss (p=1) divides each sample's hinge sum by C as well:
    # svm_loss = C * multi_margin_loss.
    s, y = _scores(np.random.default_rng(5))
    c = s.shape[1]
    _loss_compare(backend, lambda a, b: nn.svm_loss(a, b, margin=margin),
                  lambda ts, ty: c * TF.multi_margin_loss(ts, ty, p=1, margin=margin), s, y)


def test_svm_hinge_by_hand_in_torch(backend):
    s, y = _scores(np.random.default_rng(6))

    def hinge(ts, ty):
        correct = ts.gather(1, ty[:, None])
        terms = torch.clamp(ts - correct + 1.0, min=0.0)
        mask = torch.ones_like(ts).scatter(1, ty[:, None], 0.0)   # leave out j = y_i
        return (terms * mask).sum() / ts.shape[0]

    _loss_compare(backend, nn.svm_loss, hinge, s, y)
