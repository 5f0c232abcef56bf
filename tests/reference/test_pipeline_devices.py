"""The whole pipeline -- data, model, training, features -- on the stand-in GPU.

``devices.use("strict:1")`` puts everything on array_api_strict's second device, which
refuses NumPy conversions and device mixing: a NumPy-only call anywhere on the way
fails here. On top of that, these tests count host copies (``to_host`` calls and
``bool()`` / ``int()`` / ``float()`` of device arrays, which array_api_strict allows
but which on a GPU wait for the device) to show that training makes none per step.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from coursework import backend as B
from coursework import data, devices
from coursework.features import color_histogram, extract_features, hog
from coursework.nn import MLP, Linear, ReLU, Sequential
from coursework.optim import SGD, Momentum
from coursework.regularization import BatchNorm, Dropout
from coursework.tolerances import assert_float32_close
from coursework.train import accuracy, fit


def pipeline(device: str) -> dict:
    """Digits -> 2-layer nets (plain, and with batch norm and dropout) -> fit -> features; all on ``device``."""
    with devices.using(device) as active:
        xp = active.xp
        train, test = data.train_test_split(data.digits(flat=True), 0.2, rng=0)
        X, X_val = xp.astype(train.X, xp.float32), xp.astype(test.X, xp.float32)
        mlp = MLP([64, 32, 10], rng=0, dtype="float32")
        history = fit(mlp, X, train.y, optimizer=SGD(0.2), epochs=3, batch_size=64, rng=1,
                      X_val=X_val, y_val=test.y, regularization=("l2", 1e-4), progress=False)
        net = Sequential(Linear(64, 32, rng=2), BatchNorm(32), ReLU(), Dropout(0.2, rng=3), Linear(32, 10, rng=4))
        net_history = fit(net, train.X, train.y, optimizer=Momentum(0.05), epochs=2, batch_size=50, rng=5,
                          drop_last=True, progress=False)
        patches = data.photo_patches(5, rng=6)
        features = extract_features(patches.X, [(color_histogram, {"bins": 4}),
                                                (hog, {"cells_per_block": (2, 2), "channel_axis": -1})])
        return {"active": active, "history": history, "net_history": net_history, "features": features,
                "params": dict(mlp.params), "net_params": dict(net.params),
                "test_accuracy": accuracy(mlp, X_val, test.y)}


def _gpu_or_skip():
    cupy, reason = devices.cupy_or_reason()
    if cupy is None:
        pytest.skip(f"CuPy: not run ({reason})")


@pytest.mark.parametrize("device", ["strict:1", pytest.param("gpu", marks=pytest.mark.cupy)])
def test_the_pipeline_runs_on_the_device_and_matches_numpy(device):
    """On the stand-in the numbers are NumPy's own; on a GPU the float32 MLP meets the float32 rule,
    the float64 net and the features agree to float64 rounding, accuracies to a sample or two."""
    if device == "gpu":
        _gpu_or_skip()
    on_device, on_cpu = pipeline(device), pipeline("cpu")
    active = on_device["active"]
    assert active.name == device
    for name, value in on_device["params"].items():                       # float32
        assert value.device == active.device, name
        assert_float32_close(value, on_cpu["params"][name], f"MLP parameter {name}")
    assert_float32_close(np.asarray(on_device["history"].loss), np.asarray(on_cpu["history"].loss), "MLP losses")
    for name, value in on_device["net_params"].items():                   # float64
        assert value.device == active.device, name
        np.testing.assert_allclose(B.to_host(value), on_cpu["net_params"][name], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(on_device["net_history"].loss, on_cpu["net_history"].loss, rtol=1e-9)
    assert on_device["features"].device == active.device
    np.testing.assert_allclose(B.to_host(on_device["features"]), on_cpu["features"], rtol=1e-10, atol=1e-12)
    flips = 0 if device != "gpu" else 2               # samples whose near-tie may flip on another device
    for key in ("history", "net_history"):            # 1,437 training digits
        np.testing.assert_allclose(on_device[key].train_accuracy, on_cpu[key].train_accuracy, atol=flips / 1437)
    assert abs(on_device["test_accuracy"] - on_cpu["test_accuracy"]) <= flips / 360     # 360 test digits
    assert on_cpu["test_accuracy"] > 0.8


@contextlib.contextmanager
def count_host_copies(monkeypatch):
    """Count ``to_host`` calls on device arrays (not on NumPy ones, which copy nothing) and scalar
    conversions (bool/int/float/index) of array_api_strict arrays."""
    import array_api_strict

    counts = {"to_host": 0, "scalar": 0}
    real_to_host = B.to_host

    def to_host(x):
        if type(x).__module__.startswith("array_api_strict"):
            counts["to_host"] += 1
        return real_to_host(x)

    monkeypatch.setattr(B, "to_host", to_host)
    Array = array_api_strict._array_object.Array
    for method in ("__bool__", "__int__", "__float__", "__index__"):
        real = getattr(Array, method)

        def counted(self, _real=real):
            counts["scalar"] += 1
            return _real(self)
        monkeypatch.setattr(Array, method, counted)
    yield counts


def _train(n: int, kind: str, monkeypatch) -> dict:
    with devices.using("strict:1"):
        rng = np.random.default_rng(0)
        X = devices.put(rng.standard_normal((n, 8)))
        y = devices.put(rng.integers(0, 3, n))
        if kind == "mlp":
            model, optimizer, extra = MLP([8, 16, 3], rng=0), SGD(0.1), {}
        else:
            model = Sequential(Linear(8, 16, rng=0), BatchNorm(16), ReLU(), Dropout(0.3, rng=1), Linear(16, 3, rng=2))
            optimizer, extra = Momentum(0.05), {"regularization": ("l2", 1e-3), "loss": "svm"}
        with count_host_copies(monkeypatch) as counts:
            fit(model, X, y, optimizer=optimizer, epochs=2, batch_size=8, rng=0, progress=False, **extra)
        monkeypatch.undo()
    return counts


@pytest.mark.parametrize("kind", ["mlp", "batchnorm_dropout_momentum_l2_svm"])
def test_training_copies_nothing_to_the_host_per_step(kind, monkeypatch):
    """3 or 12 steps per epoch: the same few copies per epoch, and no scalar conversion at all."""
    few, many = _train(24, kind, monkeypatch), _train(96, kind, monkeypatch)
    assert few["scalar"] == many["scalar"] == 0
    assert few["to_host"] == many["to_host"]
    assert few["to_host"] <= 2 * 3        # per epoch: the losses, the checks, the accuracy


@pytest.mark.parametrize("name", ["cpu", "strict", "strict:1"])
def test_an_accuracy_is_one_host_copy(name, monkeypatch):
    with devices.using(name):
        model = MLP([4, 3], rng=0)
        X, y = devices.put(np.ones((10, 4))), devices.put(np.zeros(10, np.int64))
        with count_host_copies(monkeypatch) as counts:
            accuracy(model, X, y, batch_size=3)
    assert counts["to_host"] == (0 if name == "cpu" else 1) and counts["scalar"] == 0


def test_plots_take_arrays_of_the_device():
    """Plots copy what they draw to the host themselves (``to_host``): device arrays go straight in."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coursework import plotting
    from coursework.features import hog_image

    with devices.using("strict:1"):
        patches = data.photo_patches(2, rng=0)
        points = data.spirals(20, rng=0)
        model = MLP([2, 16, 3], rng=0)
        history = fit(model, points.X, points.y, optimizer=SGD(0.5), epochs=2, batch_size=20, rng=0, progress=False)
    figures = [plotting.show_images(patches.X, titles=[patches.class_names[0]] * 8),
               plotting.plot_color_histogram(color_histogram(patches.X[0, ...], bins=2), bins=2),
               plotting.plot_hog(patches.X[0, ...], hog_image(patches.X[0, ...], channel_axis=-1)),
               plotting.activations.plot_decision_regions(model, points.X, points.y, resolution=20),
               plotting.training.plot_history(history)]
    assert all(fig is not None for fig in figures)
    plt.close("all")
