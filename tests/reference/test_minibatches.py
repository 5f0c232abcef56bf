"""Minibatches: true epochs (every sample exactly once), batch sizes, reshuffling, devices."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursework.train import iterations_per_epoch, minibatch_indices, minibatches


@pytest.mark.parametrize("n, batch_size, drop_last, expected", [
    (50_000, 128, False, 391), (50_000, 128, True, 390), (60, 32, False, 2), (64, 32, False, 2),
    (64, 32, True, 2), (10, 100, False, 1), (10, 100, True, 0), (0, 4, False, 0), (1, 1, False, 1),
])
def test_iterations_per_epoch(n, batch_size, drop_last, expected):
    assert iterations_per_epoch(n, batch_size, drop_last) == expected


def _indices(n, batch_size, rng, drop_last=False):
    X = np.arange(n, dtype=np.float64)[:, None] * np.ones((1, 2))
    y = np.arange(n)
    batches = list(minibatches(X, y, batch_size, rng, drop_last))
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0], yb)          # rows of X and y stay paired
    return [yb for _, yb in batches]


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 300), batch_size=st.integers(1, 64), seed=st.integers(0, 2 ** 32 - 1))
def test_every_sample_exactly_once(n, batch_size, seed):
    batches = _indices(n, batch_size, np.random.default_rng(seed))
    assert len(batches) == iterations_per_epoch(n, batch_size) == math.ceil(n / batch_size)
    assert sorted(np.concatenate(batches).tolist()) == list(range(n))
    sizes = [b.shape[0] for b in batches]
    assert all(s == batch_size for s in sizes[:-1])
    assert sizes[-1] == (n % batch_size or batch_size)


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 300), batch_size=st.integers(1, 64), seed=st.integers(0, 2 ** 32 - 1))
def test_drop_last(n, batch_size, seed):
    batches = _indices(n, batch_size, np.random.default_rng(seed), drop_last=True)
    assert len(batches) == iterations_per_epoch(n, batch_size, drop_last=True) == n // batch_size
    assert all(b.shape[0] == batch_size for b in batches)
    seen = np.concatenate(batches).tolist() if batches else []
    assert len(set(seen)) == len(seen) == batch_size * (n // batch_size)


def test_reshuffled_every_epoch_with_one_generator():
    rng = np.random.default_rng(0)
    first = np.concatenate(_indices(100, 10, rng))
    second = np.concatenate(_indices(100, 10, rng))
    assert not np.array_equal(first, second)
    assert sorted(first.tolist()) == sorted(second.tolist()) == list(range(100))
    again = np.concatenate(_indices(100, 10, np.random.default_rng(0)))
    np.testing.assert_array_equal(first, again)                # same seed, same order


def test_on_every_backend(backend):
    host_X = np.arange(30.0).reshape(10, 3)
    host_y = np.arange(10)
    X, y = backend.put(host_X), backend.put(host_y)
    rows = []
    for xb, yb in minibatches(X, host_y if backend.name != "numpy" else y, 4, 1):   # a host y is moved
        backend.check_on(xb)
        backend.check_on(yb)
        xb, yb = backend.host(xb), backend.host(yb)
        np.testing.assert_array_equal(xb, host_X[yb])
        rows.extend(yb.tolist())
    assert sorted(rows) == list(range(10))
    order = np.random.default_rng(1).permutation(10)
    assert rows == order.tolist()                               # the host permutation, on every device
    np.testing.assert_array_equal(backend.host(X), host_X)


def test_errors_are_raised_at_the_call():
    X, y = np.ones((5, 2)), np.arange(5)
    with pytest.raises(ValueError, match=r"expected y with one entry per sample, shape \(5,\).*got shape \(4,\)"):
        minibatches(X, y[:4], 2, 0)
    with pytest.raises(ValueError, match="expected batch_size to be a positive integer, got 0"):
        minibatches(X, y, 0, 0)
    with pytest.raises(TypeError, match="expected batch_size to be a positive integer"):
        minibatches(X, y, 2.0, 0)
    with pytest.raises(TypeError, match="expected rng"):
        minibatches(X, y, 2, None)
    with pytest.raises(TypeError, match="expected X to be an array"):
        minibatches([[1.0]], [0], 1, 0)
    with pytest.raises(ValueError, match="expected n to be an integer >= 0"):
        iterations_per_epoch(-1, 3)
    with pytest.raises(ValueError, match="expected batch_size to be a positive integer"):
        iterations_per_epoch(10, 0)


# -- minibatch_indices: the index rule, and minibatches / fit taking another one ---------------

def _hand_written(n, batch_size, rng):
    """The notebook's answer: shuffle once, then slice (a plain list of NumPy arrays)."""
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


@settings(max_examples=100, deadline=None)
@given(n=st.integers(0, 300), batch_size=st.integers(1, 64), seed=st.integers(0, 2 ** 32 - 1))
def test_minibatch_indices_is_one_shuffled_epoch(n, batch_size, seed):
    batches = minibatch_indices(n, batch_size, np.random.default_rng(seed))
    assert len(batches) == iterations_per_epoch(n, batch_size)
    assert sorted(np.concatenate(batches).tolist() if batches else []) == list(range(n))
    assert all(b.dtype == np.int64 and b.shape[0] == batch_size for b in batches[:-1])
    want = _hand_written(n, batch_size, np.random.default_rng(seed))
    assert all(np.array_equal(a, b) for a, b in zip(batches, want)) and len(batches) == len(want)


def test_minibatches_with_the_rule_given_explicitly_or_by_hand_are_the_default():
    X, y = np.arange(46.0).reshape(23, 2), np.arange(23)
    for drop_last in (False, True):
        default = list(minibatches(X, y, 5, np.random.default_rng(4), drop_last))
        for rule in (minibatch_indices, _hand_written):
            given = list(minibatches(X, y, 5, np.random.default_rng(4), drop_last, batches=rule))
            assert len(given) == len(default) == (4 if drop_last else 5)
            for (xa, ya), (xb, yb) in zip(default, given):
                np.testing.assert_array_equal(xa, xb)
                np.testing.assert_array_equal(ya, yb)


def test_minibatches_in_a_fixed_order_and_errors_of_a_rule():
    X, y = np.arange(10.0)[:, None], np.arange(10)
    def in_order(n, b, rng):
        return [np.arange(s, min(s + b, n)) for s in range(0, n, b)]

    in_order = list(minibatches(X, y, 4, 0, batches=in_order))
    assert [yb.tolist() for _, yb in in_order] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    with pytest.raises(TypeError, match="expected batches to be a callable"):
        minibatches(X, y, 4, 0, batches=[np.arange(10)])
    with pytest.raises(TypeError, match="1-d integer index arrays, got batch 0 of dtype float64"):
        list(minibatches(X, y, 4, 0, batches=lambda n, b, rng: [np.arange(4.0)]))
    with pytest.raises(ValueError, match=r"indices of <lambda>\(n, batch_size, rng\) in \[0, 10\), got batch 1"):
        list(minibatches(X, y, 4, 0, batches=lambda n, b, rng: [np.arange(4), np.arange(8, 12)]))
    with pytest.raises(TypeError, match="to return a list of index arrays, got NoneType"):
        list(minibatches(X, y, 4, 0, batches=lambda n, b, rng: None))
    with pytest.raises(ValueError, match="minibatch_indices: expected n to be an integer >= 0"):
        minibatch_indices(-1, 3, 0)
    with pytest.raises(TypeError, match="expected rng"):
        minibatch_indices(5, 3, None)
