"""Oracle: batch norm, dropout, SGD, Momentum and a whole training run against PyTorch (float64).

PyTorch is an optional test dependency (the ``oracle`` extra). Conventions compared:
- ``BatchNorm`` = ``torch.nn.BatchNorm1d`` (momentum 0.1 on the new batch, unbiased
  variance in the running estimate, biased in the normalisation), train and eval;
- ``Dropout(p)`` = ``torch.nn.functional.dropout(p)``: p drops, kept units scaled by
  1 / (1 - p) (given torch's mask);
- ``SGD`` / ``Momentum`` = ``torch.optim.SGD`` without / with ``momentum`` (constant lr);
- ``fit`` with L2 = a PyTorch loop over the same minibatches, with ``weight_decay = 2 λ``
  on the weights only (our L2 is Σ W², whose gradient is 2 W).
"""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.optim import SGD, Momentum
from coursework.regularization import BatchNorm, Dropout
from coursework.train import fit, minibatches

torch = pytest.importorskip(
    "torch", reason="PyTorch is the oracle for these tests; install the oracle extra: pip install -e .[oracle]")
TF = torch.nn.functional

TOL = dict(rtol=1e-10, atol=1e-12)


def _t(host, grad=False):
    return torch.tensor(np.asarray(host), dtype=torch.float64, requires_grad=grad)


def _torch_bn(layer, backend):
    bn = torch.nn.BatchNorm1d(layer.num_features, momentum=layer.momentum, eps=layer.eps).double()
    with torch.no_grad():
        bn.weight.copy_(_t(backend.host(layer.params["gamma"])))
        bn.bias.copy_(_t(backend.host(layer.params["beta"])))
    return bn


def _run_both(layer, bn, backend, host_x, rng):
    out = layer.forward(backend.put(host_x))
    dout = rng.standard_normal(host_x.shape)
    dx = layer.backward(backend.put(dout))
    tx = _t(host_x, grad=True)
    bn.zero_grad()
    tout = bn(tx)
    (tout * _t(dout)).sum().backward()
    np.testing.assert_allclose(backend.host(out), tout.detach().numpy(), **TOL)
    np.testing.assert_allclose(backend.host(dx), tx.grad.numpy(), **TOL)
    np.testing.assert_allclose(backend.host(layer.grads["gamma"]), bn.weight.grad.numpy(), **TOL)
    np.testing.assert_allclose(backend.host(layer.grads["beta"]), bn.bias.grad.numpy(), **TOL)


@pytest.mark.parametrize("momentum", [0.1, 0.3])
def test_batchnorm_against_batchnorm1d(backend, momentum):
    rng = np.random.default_rng(0)
    D = 4
    layer = BatchNorm(D, momentum=momentum, like=backend.put(np.zeros(1)))
    layer.params["gamma"] = backend.put(rng.uniform(0.5, 2.0, D))
    layer.params["beta"] = backend.put(rng.standard_normal(D))
    bn = _torch_bn(layer, backend)
    for n in (8, 5, 16):                                   # several training steps, different batch sizes
        _run_both(layer, bn, backend, rng.standard_normal((n, D)) * 3 + 1, rng)
    np.testing.assert_allclose(backend.host(layer.running_mean), bn.running_mean.numpy(), **TOL)
    np.testing.assert_allclose(backend.host(layer.running_var), bn.running_var.numpy(), **TOL)
    layer.eval()
    bn.eval()
    _run_both(layer, bn, backend, rng.standard_normal((6, D)) * 3 + 1, rng)


def test_batchnorm_refuses_a_single_sample_like_pytorch():
    with pytest.raises(ValueError):
        torch.nn.BatchNorm1d(3).double()(_t(np.ones((1, 3))))
    with pytest.raises(ValueError, match="more than 1 sample"):
        BatchNorm(3).forward(np.ones((1, 3)))


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_scaling_matches_pytorch(backend, p):
    rng = np.random.default_rng(1)
    host_x = rng.uniform(0.5, 2.0, (20, 30))              # never 0: torch's zeros are its mask
    tx = _t(host_x, grad=True)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        tout = TF.dropout(tx, p=p, training=True)
    dout = rng.standard_normal(host_x.shape)
    (tout * _t(dout)).sum().backward()
    keep = tout.detach().numpy() != 0
    assert 0 < keep.mean() < 1
    layer = Dropout(p, rng=0)
    out = layer.forward(backend.put(host_x), mask=backend.put(keep))
    dx = layer.backward(backend.put(dout))
    np.testing.assert_allclose(backend.host(out), tout.detach().numpy(), **TOL)
    np.testing.assert_allclose(backend.host(dx), tx.grad.numpy(), **TOL)
    layer.eval()
    np.testing.assert_array_equal(backend.host(layer.forward(backend.put(host_x))),
                                  TF.dropout(tx, p=p, training=False).detach().numpy())


@pytest.mark.parametrize("beta", [None, 0.5, 0.9])
def test_optimizer_steps_match_torch_optim(backend, beta):
    rng = np.random.default_rng(2)
    lr = 0.05
    host = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    params = {k: backend.put(v) for k, v in host.items()}
    tparams = {k: _t(v, grad=True) for k, v in host.items()}
    ours = SGD(lr) if beta is None else Momentum(lr, beta)
    theirs = torch.optim.SGD(list(tparams.values()), lr=lr, momentum=0.0 if beta is None else beta)
    for _ in range(6):
        grads = {k: rng.standard_normal(v.shape) for k, v in host.items()}
        ours.step(params, {k: backend.put(g) for k, g in grads.items()})
        for k, tp in tparams.items():
            tp.grad = _t(grads[k])
        theirs.step()
        for k in host:
            backend.check_on(params[k])
            np.testing.assert_allclose(backend.host(params[k]), tparams[k].detach().numpy(), **TOL, err_msg=k)


def test_fit_matches_a_pytorch_training_loop():
    """Same data, same minibatch order, Momentum + L2 on the weights only: same weights after 2 epochs."""
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((50, 6)), rng.integers(0, 3, 50)
    lr, beta, lam, bs, epochs = 0.05, 0.9, 1e-3, 16, 2
    net = nn.MLP([6, 8, 3], rng=4)
    lin1, lin2 = torch.nn.Linear(6, 8).double(), torch.nn.Linear(8, 3).double()
    with torch.no_grad():
        for lin, i in ((lin1, 0), (lin2, 2)):
            lin.weight.copy_(_t(np.asarray(net.params[f"{i}.W"]).T))
            lin.bias.copy_(_t(np.asarray(net.params[f"{i}.b"])))
    opt = torch.optim.SGD([{"params": [lin1.weight, lin2.weight], "weight_decay": 2 * lam},
                           {"params": [lin1.bias, lin2.bias], "weight_decay": 0.0}], lr=lr, momentum=beta)
    torch_losses = []
    order = np.random.default_rng(5)
    for _ in range(epochs):
        for xb, yb in minibatches(X, y, bs, order):
            opt.zero_grad()
            data_loss = TF.cross_entropy(lin2(TF.relu(lin1(_t(xb)))), torch.tensor(yb))
            data_loss.backward()
            reg = lam * (lin1.weight.detach().pow(2).sum() + lin2.weight.detach().pow(2).sum())
            torch_losses.append(float(data_loss.detach() + reg))
            opt.step()

    history = fit(net, X, y, optimizer=Momentum(lr, beta), epochs=epochs, batch_size=bs, rng=5,
                  regularization=("l2", lam), progress=False)
    np.testing.assert_allclose(history.loss, torch_losses, **TOL)
    for lin, i in ((lin1, 0), (lin2, 2)):
        np.testing.assert_allclose(np.asarray(net.params[f"{i}.W"]), lin.weight.detach().numpy().T, **TOL)
        np.testing.assert_allclose(np.asarray(net.params[f"{i}.b"]), lin.bias.detach().numpy(), **TOL)
