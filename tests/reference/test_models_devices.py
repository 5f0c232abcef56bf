"""Layers created without ``like=`` put their parameters on the active device."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import devices
from coursework.nn import MLP, Linear, Maxout
from coursework.regularization import BatchNorm
from coursework.train import random_search

MODELS = {
    "Linear": lambda dtype: Linear(5, 3, rng=0, dtype=dtype),
    "MLP": lambda dtype: MLP([5, 4, 3], rng=0, dtype=dtype),
    "Maxout": lambda dtype: Maxout(5, 3, rng=0, dtype=dtype),
    "BatchNorm": lambda dtype: BatchNorm(5, dtype=dtype),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_parameters_are_created_on_the_active_device(backend, name, dtype):
    expected = MODELS[name](dtype)                          # the default: NumPy
    with devices.using(backend.device_name):
        model = MODELS[name](dtype)
    assert sorted(model.params) == sorted(expected.params)
    for key, value in model.params.items():
        backend.check_on(value)
        assert value.dtype == getattr(backend.xp, dtype)
        np.testing.assert_array_equal(backend.host(value), expected.params[key])   # the same host draws
    if name == "BatchNorm":
        backend.check_on(model.running_mean)
        backend.check_on(model.running_var)


def test_a_model_made_on_the_device_trains_there(backend):
    with devices.using(backend.device_name):
        model = MLP([4, 6, 3], rng=1)
        x = devices.put(np.random.default_rng(0).standard_normal((5, 4)))
    scores = model.forward(x)
    backend.check_on(scores)
    backend.check_on(model.backward(scores))


def test_random_search_draws_on_the_active_device(backend):
    seen = []

    def loss(W):
        seen.append(W)
        xp = backend.xp
        return xp.sum(W * W)

    with devices.using(backend.device_name):
        best, value, history = random_search(loss, (3, 2), tries=4, rng=0)
    backend.check_on(best)
    assert len(history) == 4 and value == min(history)
