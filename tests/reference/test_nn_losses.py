"""Losses: values, gradients, stability, labels on any backend, error messages."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn
from coursework.gradcheck import check_loss_gradient

LOSSES = {"softmax": nn.softmax_cross_entropy, "svm": nn.svm_loss}


def _scores_labels(rng, n=6, c=4):
    scores = rng.standard_normal((n, c)) * 2
    y = rng.integers(0, c, size=n)
    return scores, y


@pytest.mark.parametrize("name", LOSSES)
def test_gradient_check(backend, name):
    scores, y = _scores_labels(np.random.default_rng(0))
    if name == "svm":
        # Keep every hinge term away from its kink s_j - s_y + 1 = 0.
        terms = scores - scores[np.arange(len(y)), y][:, None] + 1.0
        assert np.min(np.abs(terms)) > 1e-3
    rel = check_loss_gradient(LOSSES[name], backend.put(scores), backend.put(y), rtol=1e-7)
    assert rel <= 1e-7


@pytest.mark.parametrize("name", LOSSES)
def test_results_on_device_and_inputs_not_modified(backend, name):
    host_s, host_y = _scores_labels(np.random.default_rng(1))
    scores, y = backend.put(host_s), backend.put(host_y)
    loss, dscores = LOSSES[name](scores, y)
    backend.check_on(loss)
    backend.check_on(dscores)
    assert loss.shape == () and dscores.shape == host_s.shape
    assert loss.dtype == backend.xp.float64
    np.testing.assert_array_equal(backend.host(scores), host_s)
    np.testing.assert_array_equal(backend.host(y), host_y)


def test_softmax_values():
    # Equal scores: p = 1/C for every class, so L = log C.
    loss, ds = nn.softmax_cross_entropy(np.zeros((3, 10)), np.array([0, 4, 9]))
    assert float(loss) == pytest.approx(np.log(10), rel=1e-15)
    np.testing.assert_allclose(ds.sum(axis=1), 0.0, atol=1e-16)
    rng = np.random.default_rng(2)
    s, y = _scores_labels(rng)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(p[np.arange(len(y)), y]))
    loss, ds = nn.softmax_cross_entropy(s, y)
    assert float(loss) == pytest.approx(expected, rel=1e-14)
    onehot = np.eye(s.shape[1])[y]
    np.testing.assert_allclose(ds, (p - onehot) / len(y), rtol=1e-13)


def test_softmax_is_stable_for_huge_scores():
    s = np.array([[1000.0, 0.0, -1000.0], [-800.0, 800.0, 0.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):   # underflow to 0 is fine
        loss, ds = nn.softmax_cross_entropy(s, np.array([0, 0]))
    assert float(loss) == pytest.approx(1600 / 2)
    assert np.all(np.isfinite(ds))


def test_svm_lecture_example():
    # The classic three-class example (cat, car, frog columns are the images):
    # L = (2.9 + 0 + 12.9) / 3 = 5.27.
    scores = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    loss, ds = nn.svm_loss(scores, np.array([0, 1, 2]))
    assert float(loss) == pytest.approx((2.9 + 0 + 12.9) / 3)
    np.testing.assert_allclose(ds, np.array([[-1, 1, 0], [0, 0, 0], [1, 1, -2]]) / 3)


def test_svm_margin_and_kink():
    s = np.array([[0.0, -1.0, 0.5]])
    # Term for class 1 is exactly 0 (the kink): it adds nothing to the loss or gradient.
    loss, ds = nn.svm_loss(s, np.array([0]))
    assert float(loss) == pytest.approx(1.5)
    np.testing.assert_allclose(ds, [[-1.0, 0.0, 1.0]])
    loss, _ = nn.svm_loss(s, np.array([0]), margin=0.0)
    assert float(loss) == pytest.approx(0.5)


@pytest.mark.parametrize("name", LOSSES)
def test_float32_scores_stay_float32(name):
    s, y = _scores_labels(np.random.default_rng(3))
    loss, ds = LOSSES[name](s.astype(np.float32), y)
    assert loss.dtype == np.float32 and ds.dtype == np.float32


def test_labels_may_be_a_list_or_numpy_for_device_scores(backend):
    s, y = _scores_labels(np.random.default_rng(4))
    loss, ds = nn.softmax_cross_entropy(backend.put(s), list(y))
    backend.check_on(ds)
    loss2, _ = nn.softmax_cross_entropy(backend.put(s), y)
    assert float(loss) == float(loss2)


@pytest.mark.parametrize("name", LOSSES)
def test_label_errors(name):
    f, s = LOSSES[name], np.zeros((3, 4))
    in_range = rf"{f.__name__}: expected labels y in \[0, 4\) for 4 classes, got values from 0 to 4"
    with pytest.raises(ValueError, match=in_range):
        f(s, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match=r"got values from -1 to 1"):
        f(s, np.array([0, 1, -1]))
    shape = r"expected labels y of shape \(3,\) to match scores of shape \(3, 4\), got shape \(3, 1\)"
    with pytest.raises(ValueError, match=shape):
        f(s, np.zeros((3, 1), dtype=np.int64))
    with pytest.raises(TypeError, match=r"expected integer labels y, got dtype float64"):
        f(s, np.zeros(3))


@pytest.mark.parametrize("name", LOSSES)
def test_score_errors(name):
    f = LOSSES[name]
    with pytest.raises(ValueError, match=rf"{f.__name__}: expected scores of shape \(N, C\), got shape \(4,\)"):
        f(np.zeros(4), np.array([0]))
    with pytest.raises(ValueError, match=r"expected finite values in scores, got 1 NaN or infinite"):
        f(np.array([[0.0, np.nan]]), np.array([0]))
    with pytest.raises(ValueError, match=r"expected a non-empty batch"):
        f(np.zeros((0, 3)), np.zeros(0, dtype=np.int64))
    with pytest.raises(TypeError, match=r"expected floating-point scores, got dtype int64"):
        f(np.zeros((1, 3), dtype=np.int64), np.array([0]))


def test_svm_margin_errors():
    with pytest.raises(ValueError, match=r"svm_loss: expected margin >= 0, got -1.0"):
        nn.svm_loss(np.zeros((1, 2)), np.array([0]), margin=-1)
