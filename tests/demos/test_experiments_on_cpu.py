"""The lecture's experiments compute on the CPU whatever device is active: they run small
data, scikit-learn and the student's NumPy functions (``devices.on_cpu``)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import coursework.experiments as experiments_package
from coursework import devices
from coursework.experiments import overfitting, sgd, tensors

MODULES = [importlib.import_module(f"coursework.experiments.{m.name}")
           for m in pkgutil.iter_modules(experiments_package.__path__)]


def test_every_public_experiment_function_is_pinned_to_the_cpu():
    unpinned = [f"{module.__name__}.{name}" for module in MODULES
                for name, obj in vars(module).items()
                if inspect.isfunction(obj) and not name.startswith("_") and obj.__module__ == module.__name__
                and not getattr(obj, "on_cpu", False)]
    assert unpinned == []
    assert len(MODULES) >= 9


def test_on_cpu_restores_the_active_device_and_keeps_the_function():
    def where():
        return devices.current().name

    pinned = devices.on_cpu(where)
    assert pinned.__wrapped__ is where and pinned.__name__ == "where"
    with devices.using("strict:1"):
        assert pinned() == "cpu"
        assert devices.current().name == "strict:1"


@pytest.mark.parametrize("call", [
    lambda: sgd.digits_split()[0].X,
    lambda: overfitting.little_digits(n_per_class=3, n_val=20, rng=0)[1].X,
    lambda: tensors.shifted_crops(np.zeros((40, 40, 3)), frames=2, size=(8, 8), step=(0, 4)),
])
def test_experiments_give_numpy_results_on_the_stand_in_gpu(call):
    default = call()
    with devices.using("strict:1"):
        result = call()
    assert isinstance(result, np.ndarray)
    np.testing.assert_array_equal(result, default)
