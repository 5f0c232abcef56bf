"""The float32 tolerance (coursework.tolerances): attainable on the CPU, and met by every backend.

``test_float32_vs_float64_stays_well_inside_the_tolerance`` backs the numbers of the
module docstring on the CPU; the ``backend``-parametrised tests compare a float32 epoch
on each backend with NumPy's -- on CuPy that is the GPU-vs-CPU check (skipped without a GPU).
"""

from __future__ import annotations

import numpy as np
import pytest

from coursework import backend as B
from coursework import data, devices
from coursework.features import color_histogram, hog
from coursework.nn import MLP, softmax_cross_entropy
from coursework.optim import SGD
from coursework.tolerances import FLOAT32_ATOL, FLOAT32_RTOL, assert_float32_close, float32_difference
from coursework.train import minibatches, training_step
from coursework.train.gradient_descent import losses_to_host

SHAPES = {  # (N, sizes, batch size): digits-sized and a small CIFAR-sized net
    "digits": (1797, [64, 128, 10], 64),
    "cifar": (1024, [3072, 256, 256, 10], 256),
}


def train(device: str, shape: str, dtype: str = "float32", epochs: int = 1, seed: int = 0):
    """``epochs`` epochs of SGD from one seed on ``device``; (params, losses) on the host."""
    n, sizes, batch = SHAPES[shape]
    rng = np.random.default_rng(seed)
    X_host, y_host = rng.standard_normal((n, sizes[0])), rng.integers(0, sizes[-1], n)
    with devices.using(device):
        X, y = devices.put(X_host, dtype), devices.put(y_host)
        model = MLP(sizes, rng=seed, dtype=dtype)
    optimizer, order, losses = SGD(0.05), np.random.default_rng(seed + 1), []
    for _ in range(epochs):
        losses += losses_to_host([training_step(model, Xb, yb, softmax_cross_entropy, optimizer)
                                  for Xb, yb in minibatches(X, y, batch, order)])
    return {k: B.to_host(v) for k, v in model.params.items()}, np.asarray(losses)


@pytest.mark.parametrize("shape,epochs", [("digits", 5), ("cifar", 2)])
def test_float32_vs_float64_stays_well_inside_the_tolerance(shape, epochs):
    p32, l32 = train("cpu", shape, "float32", epochs)
    p64, l64 = train("cpu", shape, "float64", epochs)
    for name in p64:
        diff, allowed, _ = float32_difference(p32[name], p64[name])
        assert diff <= allowed / 5, (name, diff, allowed)          # the docstring's margin, with room
    diff, allowed, _ = float32_difference(l32, l64)
    assert diff <= allowed / 5


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_float32_epoch_on_every_backend_equals_numpy(backend, shape):
    got_params, got_losses = train(backend.device_name, shape)
    ref_params, ref_losses = train("cpu", shape)
    for name in ref_params:
        assert_float32_close(got_params[name], ref_params[name], f"{shape} epoch, parameter {name}")
    assert_float32_close(got_losses, ref_losses, f"{shape} epoch, losses")


def test_features_on_every_backend_equal_numpy(backend):
    images = data.photo_patches(5, rng=0).X                 # (20, 32, 32, 3) uint8, NumPy
    got_hist = color_histogram(backend.put(images), bins=4)
    got_hog = hog(backend.put(images), channel_axis=-1)
    backend.check_on(got_hist)
    backend.check_on(got_hog)
    np.testing.assert_array_equal(backend.host(got_hist), color_histogram(images, bins=4))   # counts: exact
    np.testing.assert_allclose(backend.host(got_hog), hog(images, channel_axis=-1), rtol=1e-10, atol=1e-12)   # float64


def test_the_rule_is_relative_to_the_largest_value():
    expected = np.array([1000.0, 1e-3])
    assert float32_difference(expected + [0.0, 5e-3], expected)[0] == pytest.approx(5e-3)
    assert_float32_close(expected + [0.0, 5e-3], expected)        # 5e-3 <= 1e-6 + 1e-5 * 1000
    assert FLOAT32_ATOL + FLOAT32_RTOL * 1000 == pytest.approx(0.010001)


def test_a_failure_names_the_worst_element():
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[1, 2] = 1e-3
    with pytest.raises(AssertionError, match=r"W: max \|got - expected\| = 0.001 > 1e-06 .*worst element \(1, 2\)"):
        assert_float32_close(got, expected, "W")


def test_shapes_must_agree():
    with pytest.raises(ValueError, match="one shape"):
        float32_difference(np.zeros(2), np.zeros(3))
