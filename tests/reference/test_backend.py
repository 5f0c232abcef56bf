"""coursework.backend: namespaces, host <-> device moves, bincount."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import backend as B


def test_from_host_lands_on_the_device_of_like(backend):
    like = backend.put(np.zeros(3))
    x = B.from_host(np.arange(4.0), like)
    backend.check_on(x)
    np.testing.assert_array_equal(backend.host(x), np.arange(4.0))


def test_from_host_casts_to_dtype(backend):
    like = backend.put(np.zeros(3))
    x = B.from_host(np.arange(4), like, dtype=backend.xp.float32)
    assert x.dtype == backend.xp.float32


def test_to_host_returns_numpy(backend):
    out = B.to_host(backend.put(np.arange(6.0).reshape(2, 3)))
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, np.arange(6.0).reshape(2, 3))


@pytest.mark.parametrize("weighted", [False, True])
def test_bincount_equals_numpy(backend, weighted):
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 17, size=500)
    w = rng.random(500) if weighted else None
    got = B.bincount(backend.put(idx), None if w is None else backend.put(w), minlength=20)
    backend.check_on(got)
    np.testing.assert_allclose(backend.host(got), np.bincount(idx, weights=w, minlength=20), rtol=1e-12)


def test_bincount_fallback_chunks_exactly():
    """The array-API fallback, forced to many small chunks, still sums exactly."""
    import array_api_strict as xps

    idx = np.random.default_rng(1).integers(0, 5, size=1000)
    got = B._bincount_onehot(xps, xps.asarray(idx), None, 5, budget=7)
    np.testing.assert_array_equal(B.to_host(got), np.bincount(idx, minlength=5))


def test_namespace_of_plain_lists_is_numpy():
    xp = B.namespace([1, 2], 3.0)
    assert xp.asarray([1]).__class__ is np.ndarray


def test_namespace_refuses_mixed_libraries():
    import array_api_strict as xps

    with pytest.raises(TypeError):
        B.namespace(np.zeros(2), xps.asarray([1.0]))
