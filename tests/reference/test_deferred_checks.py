"""coursework.deferred_checks: device flags read once per block, NumPy flags at once."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import deferred_checks as D
from coursework import devices
from coursework.nn import MLP, softmax_cross_entropy
from coursework.optim import SGD
from coursework.train import fit, gradient_descent


def _fail(message="bad value"):
    def explain():
        raise ValueError(message)
    return explain


def test_require_outside_a_block_raises_at_once(backend):
    D.require(backend.put(np.array(True)), _fail())
    with pytest.raises(ValueError, match="^bad value$"):
        D.require(backend.put(np.array(False)), _fail())


def test_numpy_flags_are_read_at_once_even_in_a_block():
    with D.deferred():
        with pytest.raises(ValueError, match="^bad value$"):
            D.require(np.asarray(1.0) > 2.0, _fail())


def test_device_flags_wait_for_the_flush_and_name_their_step():
    with devices.using("strict:1"):
        ok, bad = devices.put(np.array(True)), devices.put(np.array(False))
    with D.deferred() as checks:
        checks.where = "step 1"
        D.require(ok, _fail("first"))
        checks.where = "step 2"
        D.require(bad, _fail("second"))             # not raised yet
        with pytest.raises(ValueError, match=r"^second \(at step 2; device checks are read once per epoch\)$"):
            checks.flush()
        checks.flush()                              # nothing pending any more


def test_the_block_flushes_when_it_ends():
    with devices.using("strict:1"):
        bad = devices.put(np.array(False))
    with pytest.raises(ValueError, match="late"):
        with D.deferred():
            D.require(bad, _fail("late"))


def test_an_exception_in_the_block_drops_the_pending_flags():
    with devices.using("strict:1"):
        bad = devices.put(np.array(False))
    with pytest.raises(KeyError):
        with D.deferred():
            D.require(bad, _fail("never raised"))
            raise KeyError("first")


def test_many_flags_flush_by_themselves(monkeypatch):
    monkeypatch.setattr(D, "FLUSH_EVERY", 3)
    with devices.using("strict:1"):
        ok, bad = devices.put(np.array(True)), devices.put(np.array(False))
    with D.deferred():
        D.require(ok, _fail())
        D.require(bad, _fail("third flag"))
        with pytest.raises(ValueError, match="third flag"):
            D.require(ok, _fail())


def _data(backend, n=12, d=3, classes=3, bad_label=False, nan=False):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d))
    y = rng.integers(0, classes, n)
    if bad_label:
        y[-1] = classes                             # one label out of range, in the last batch
    if nan:
        X[-1, 0] = np.nan
    return backend.put(X), backend.put(y)


@pytest.mark.parametrize("kind", ["bad_label", "nan"])
def test_fit_reports_a_bad_batch_on_every_backend(backend, kind):
    X, y = _data(backend, **{kind: True})
    with devices.using(backend.device_name):
        model = MLP([3, 4, 3], rng=0)
    expected = r"expected labels y in \[0, 3\)" if kind == "bad_label" else "expected finite values in scores"
    with pytest.raises(ValueError, match=expected) as info:
        fit(model, X, y, optimizer=SGD(0.1), epochs=2, batch_size=4, rng=0, progress=False)
    if backend.name == "numpy":
        assert "(at epoch" not in str(info.value)                      # at once, as before
    else:
        assert "(at epoch 1, iteration " in str(info.value)            # read after the first epoch


def test_gradient_descent_reports_a_bad_label_on_a_device():
    with devices.using("strict:1"):
        model = MLP([3, 4, 3], rng=0)
        X = devices.put(np.ones((4, 3)))
        y = devices.put(np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match=r"labels y in \[0, 3\).*\(at iteration 1;"):
        gradient_descent(model, X, y, lr=0.1, iterations=3)


def test_the_loss_alone_still_checks_at_once_on_a_device():
    with devices.using("strict:1"):
        scores = devices.put(np.zeros((2, 3)))
        y = devices.put(np.array([0, 3]))
    with pytest.raises(ValueError, match=r"got values from 0 to 3$"):
        softmax_cross_entropy(scores, y)
