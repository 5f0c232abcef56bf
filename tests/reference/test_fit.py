"""Training loops: fit on digits, reproducibility, modes, regularization, errors; gradient
descent and random search."""

from __future__ import annotations

import time

import numpy as np
import pytest

from coursework import nn
from coursework.data import digits, train_test_split
from coursework.nn.layer import Layer
from coursework.optim import SGD, Momentum
from coursework.regularization import Dropout, penalty
from coursework.train import (History, accuracy, fit, gradient_descent, iterations_per_epoch, random_search,
                              training_step)


@pytest.fixture(scope="module")
def digit_split():
    return train_test_split(digits(flat=True), 0.2, rng=3)


def _train_digits(split, seed, **kw):
    train, test = split
    net = nn.MLP([64, 128, 10], rng=seed)
    args = dict(optimizer=Momentum(0.05, 0.9), epochs=20, batch_size=32, rng=seed,
                X_val=test.X, y_val=test.y, regularization=("l2", 1e-4), progress=False)
    args.update(kw)
    return net, fit(net, train.X, train.y, **args)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_learns_digits(digit_split, seed):
    start = time.perf_counter()
    net, history = _train_digits(digit_split, seed)
    seconds = time.perf_counter() - start
    test_acc = accuracy(net, digit_split[1].X, digit_split[1].y)
    assert test_acc >= 0.97, f"seed {seed}: test accuracy {test_acc:.4f} < 0.97 after {seconds:.1f} s"
    assert history.val_accuracy[-1] == test_acc
    assert history.train_accuracy[-1] >= 0.99
    assert np.mean(history.loss[-10:]) < np.mean(history.loss[:10]) / 5


def test_history_layout(digit_split):
    train, _ = digit_split
    net = nn.MLP([64, 16, 10], rng=0)
    history = fit(net, train.X, train.y, optimizer=SGD(0.1), epochs=3, batch_size=100, rng=0, progress=False)
    assert isinstance(history, History)
    per_epoch = iterations_per_epoch(train.X.shape[0], 100)
    assert history.iterations_per_epoch == per_epoch
    assert len(history.loss) == 3 * per_epoch and len(history.train_accuracy) == 3
    assert history.val_accuracy == []
    assert all(type(v) is float for v in history.loss + history.train_accuracy)
    assert len(history.epoch_loss()) == 3
    assert not net.training, "fit leaves the model in evaluation mode"


def test_same_seed_same_history_and_weights(digit_split):
    train, test = digit_split
    runs = []
    for _ in range(2):
        net = nn.Sequential(nn.Linear(64, 32, 0), nn.ReLU(), Dropout(0.2, rng=1), nn.Linear(32, 10, 2))
        history = fit(net, train.X, train.y, optimizer=Momentum(0.05), epochs=2, batch_size=64, rng=7,
                      X_val=test.X, y_val=test.y, progress=False)
        runs.append((history, {k: np.array(v) for k, v in net.params.items()}))
    (h1, p1), (h2, p2) = runs
    assert h1 == h2
    for name in p1:
        np.testing.assert_array_equal(p1[name], p2[name])
    net = nn.MLP([64, 32, 10], rng=0)
    other = fit(net, train.X, train.y, optimizer=Momentum(0.05), epochs=1, batch_size=64, rng=8, progress=False)
    assert other.loss != h1.loss[:len(other.loss)]


class _Spy(Layer):
    """Identity that records the training flag of every forward pass."""

    def __init__(self):
        super().__init__()
        self.modes = []

    def forward(self, x):
        self.modes.append(self.training)
        return self._remember(x)

    def backward(self, dout):
        self._check_dout(dout)
        return dout


def test_train_mode_for_updates_eval_mode_for_accuracy():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.integers(0, 2, 20)
    spy = _Spy()
    net = nn.Sequential(nn.Linear(3, 2, rng), spy)
    fit(net, X, y, optimizer=SGD(0.1), epochs=2, batch_size=10, rng=0, X_val=X[:5], y_val=y[:5], progress=False)
    # per epoch: 2 training batches, then train and validation accuracy in evaluation mode
    assert spy.modes == [True, True, False, False] * 2
    assert not net.training


def test_regularization_adds_lambda_r_to_loss_and_gradients():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    net = nn.MLP([4, 5, 3], rng=2)
    before = {k: np.array(v) for k, v in net.params.items()}
    data_loss = float(nn.softmax_cross_entropy(net.forward(X), y)[0])
    value, reg_grads = penalty(net, "l2", 0.1)

    class Record:
        def step(self, params, grads):
            self.grads = {k: np.array(v) for k, v in grads.items()}

    opt = Record()
    total = training_step(net, X, y, nn.softmax_cross_entropy, opt, ("l2", 0.1))
    assert float(total) == pytest.approx(data_loss + float(value), rel=1e-14)
    net.forward(X)
    net.backward(nn.softmax_cross_entropy(net.forward(X), y)[1])
    for name in before:
        extra = 2 * 0.1 * before[name] if name.endswith(".W") else 0.0
        np.testing.assert_allclose(opt.grads[name], np.array(net.grads[name]) + extra, rtol=1e-13)


def test_fit_on_every_backend(backend):
    rng = np.random.default_rng(2)
    host_X = rng.standard_normal((40, 4))
    host_y = (host_X[:, 0] + host_X[:, 1] > 0).astype(np.int64)
    X = backend.put(host_X)
    like = backend.put(np.zeros(1))
    net = nn.Sequential(nn.Linear(4, 16, rng, like=like), nn.ReLU(), Dropout(0.1, rng=3),
                        nn.Linear(16, 2, rng, like=like))
    history = fit(net, X, host_y, optimizer=Momentum(0.1), epochs=5, batch_size=8, rng=4,
                  X_val=X, y_val=backend.put(host_y), regularization=("elastic_net", 1e-3, 0.5), progress=False)
    assert len(history.loss) == 25 and all(np.isfinite(history.loss))
    assert history.train_accuracy[-1] >= 0.8
    for value in net.params.values():
        backend.check_on(value)
    np.testing.assert_array_equal(backend.host(X), host_X)


def test_progress_bar(capsys):
    X, y = np.random.default_rng(0).standard_normal((8, 2)), np.arange(8) % 2
    fit(nn.MLP([2, 2], rng=0), X, y, optimizer=SGD(0.1), epochs=1, batch_size=4, rng=0, progress=True)
    assert "fit" in capsys.readouterr().err
    fit(nn.MLP([2, 2], rng=0), X, y, optimizer=SGD(0.1), epochs=1, batch_size=4, rng=0, progress=False)
    assert capsys.readouterr().err == ""


def test_fit_errors():
    X, y = np.ones((10, 3)), np.arange(10) % 2
    net = nn.MLP([3, 2], rng=0)
    kw = dict(optimizer=SGD(0.1), epochs=1, batch_size=4, rng=0, progress=False)
    with pytest.raises(ValueError, match=r"expected y with one entry per sample, shape \(10,\).*got shape \(9,\)"):
        fit(net, X, y[:9], **kw)
    with pytest.raises(ValueError, match="expected batch_size to be a positive integer, got 0"):
        fit(net, X, y, **{**kw, "batch_size": 0})
    with pytest.raises(ValueError, match="expected epochs to be a positive integer, got 0"):
        fit(net, X, y, **{**kw, "epochs": 0})
    with pytest.raises(TypeError, match="expected integer class labels y, got dtype float64"):
        fit(net, X, y.astype(float), **kw)
    with pytest.raises(TypeError, match="expected floating-point samples X"):
        fit(net, X.astype(np.int64), y, **kw)
    with pytest.raises(ValueError, match="expected both X_val and y_val or neither, got only X_val"):
        fit(net, X, y, X_val=X, **kw)
    with pytest.raises(ValueError, match=r"expected y_val with one entry per sample"):
        fit(net, X, y, X_val=X, y_val=y[:3], **kw)
    with pytest.raises(ValueError, match="expected regularization to be None, \\(kind, lam\\)"):
        fit(net, X, y, regularization="l2", **kw)
    with pytest.raises(ValueError, match="expected lam >= 0"):
        fit(net, X, y, regularization=("l2", -1), **kw)
    with pytest.raises(ValueError, match=r"expected loss to be one of \['softmax', 'svm'\]"):
        fit(net, X, y, loss="mse", **kw)
    with pytest.raises(TypeError, match="expected an optimizer with step"):
        fit(net, X, y, **{**kw, "optimizer": 0.1})
    with pytest.raises(TypeError, match="expected a model with the Layer API"):
        fit(lambda x: x, X, y, **kw)
    with pytest.raises(ValueError, match="expected at least one batch per epoch"):
        fit(net, X, y, drop_last=True, **{**kw, "batch_size": 20})
    with pytest.raises(ValueError, match=r"expected labels y in \[0, 2\)"):
        fit(net, X, y + 5, **kw)


def test_gradient_descent_decreases_the_loss(backend):
    rng = np.random.default_rng(5)
    host_X = rng.standard_normal((30, 4))
    host_y = rng.integers(0, 3, 30)
    net = nn.MLP([4, 8, 3], rng=6, like=backend.put(np.zeros(1)))
    losses = gradient_descent(net, backend.put(host_X), backend.put(host_y), lr=0.5, iterations=30,
                              regularization=("l2", 1e-3))
    assert len(losses) == 30 and all(type(v) is float for v in losses)
    assert losses[-1] < 0.7 * losses[0]
    assert all(b <= a + 1e-12 for a, b in zip(losses[:10], losses[1:11])), "full-batch GD with a small lr descends"
    for value in net.params.values():
        backend.check_on(value)
    svm = gradient_descent(nn.MLP([4, 3], rng=0), host_X, host_y, loss="svm", lr=0.1, iterations=5)
    assert svm[-1] < svm[0]
    with pytest.raises(ValueError, match="expected iterations to be a positive integer"):
        gradient_descent(net, backend.put(host_X), host_y, lr=0.1, iterations=0)
    with pytest.raises(ValueError, match="expected lr"):
        gradient_descent(net, backend.put(host_X), host_y, lr=-0.1, iterations=3)


def test_random_search(backend, digit_split):
    train, test = digit_split
    X = backend.put(train.X)
    y = train.y

    def loss_fn(W):
        return nn.softmax_cross_entropy(X @ W, y)[0]

    best_W, best_loss, history = random_search(loss_fn, (64, 10), tries=30, rng=0, like=X)
    backend.check_on(best_W)
    assert len(history) == 30 and best_loss == min(history)
    assert float(loss_fn(best_W)) == best_loss
    again = random_search(loss_fn, (64, 10), tries=30, rng=0, like=X)
    assert again[2] == history
    host_W = np.random.default_rng(0).standard_normal((64, 10)) * 1e-3      # the first try, by hand
    assert history[0] == pytest.approx(float(nn.softmax_cross_entropy(train.X @ host_W, y)[0]), rel=1e-12)
    with pytest.raises(ValueError, match="expected tries to be a positive integer"):
        random_search(loss_fn, (64, 10), tries=0, rng=0)
    with pytest.raises(ValueError, match="expected scale > 0"):
        random_search(loss_fn, (64, 10), tries=1, rng=0, scale=0.0)


def test_fit_takes_the_batch_rule_of_a_notebook(digit_split):
    """``batches=``: the package's rule given explicitly, or the notebook's hand-written one
    (shuffle, slice), trains exactly as the default; another rule changes the run."""
    from coursework.train import minibatch_indices

    def hand_written(n, batch_size, rng):
        order = rng.permutation(n)
        return [order[start:start + batch_size] for start in range(0, n, batch_size)]

    train, test = digit_split
    runs = []
    for rule in (None, minibatch_indices, hand_written):
        net = nn.MLP([64, 16, 10], rng=0)
        history = fit(net, train.X, train.y, optimizer=SGD(0.3), epochs=2, batch_size=100, rng=5, X_val=test.X,
                      y_val=test.y, progress=False, batches=rule)
        runs.append((history, {k: np.array(v) for k, v in net.params.items()}))
    for history, params in runs[1:]:
        assert history == runs[0][0]
        for name, value in params.items():
            np.testing.assert_array_equal(value, runs[0][1][name])

    def in_order(n, batch_size, rng):
        return [np.arange(s, min(s + batch_size, n)) for s in range(0, n, batch_size)]

    net = nn.MLP([64, 16, 10], rng=0)
    ordered = fit(net, train.X, train.y, optimizer=SGD(0.3), epochs=2, batch_size=100, rng=5, progress=False,
                  batches=in_order, drop_last=True)
    assert ordered.iterations_per_epoch == train.X.shape[0] // 100
    assert ordered.loss != runs[0][0].loss[:len(ordered.loss)]


def test_fit_errors_of_a_batch_rule():
    X, y = np.ones((10, 3)), np.arange(10) % 2
    kw = dict(optimizer=SGD(0.1), epochs=2, batch_size=4, rng=0, progress=False)
    with pytest.raises(TypeError, match="fit: expected batches to be a callable"):
        fit(nn.MLP([3, 2], rng=0), X, y, batches="shuffle", **kw)
    sizes = iter([3, 2])

    def shrinking(n, batch_size, rng):
        return np.array_split(np.arange(n), next(sizes))

    with pytest.raises(ValueError, match="expected every epoch to have 3 batches like the first, got 2 in epoch 2"):
        fit(nn.MLP([3, 2], rng=0), X, y, batches=shrinking, **kw)
    with pytest.raises(ValueError, match=r"expected at least one batch per epoch, got none from <lambda>\(n=10, "):
        fit(nn.MLP([3, 2], rng=0), X, y, batches=lambda n, b, rng: [], **kw)
    with pytest.raises(TypeError, match="fit: expected drop_last to be True or False"):
        fit(nn.MLP([3, 2], rng=0), X, y, drop_last=1, **kw)
