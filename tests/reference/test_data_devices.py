"""The loaders follow the device switch: same numbers, on the active device."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import data, devices
from helpers.cifar import write_cifar

LOADERS = {
    "digits": lambda: data.digits(flat=True),
    "faces_vs_nonfaces": lambda: data.faces_vs_nonfaces(),
    "photo_patches": lambda: data.photo_patches(3, rng=1),
    "semantic_gap_images": lambda: data.semantic_gap_images(8, 0.5, 0.5, 0.5, size=16, rng=2),
    "spirals": lambda: data.spirals(10, rng=3),
}


def assert_same(backend, got: data.Dataset, expected: data.Dataset) -> None:
    backend.check_on(got.X)
    backend.check_on(got.y)
    np.testing.assert_array_equal(backend.host(got.X), expected.X)
    np.testing.assert_array_equal(backend.host(got.y), expected.y)
    assert got.X.dtype == backend.xp.asarray(backend.put(expected.X)).dtype
    assert got.class_names == expected.class_names


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loaders_return_the_same_data_on_the_active_device(backend, name):
    expected = LOADERS[name]()                              # the default: NumPy on the host
    assert isinstance(expected.X, np.ndarray) and isinstance(expected.y, np.ndarray)
    with devices.using(backend.device_name):
        got = LOADERS[name]()
    assert_same(backend, got, expected)


def test_load_cifar10_follows_the_device(backend, tmp_path):
    write_cifar(tmp_path, n_train_batches=2, n=4)
    expected_train, expected_test = data.load_cifar10(tmp_path)
    with devices.using(backend.device_name):
        train, test = data.load_cifar10(tmp_path)
    assert_same(backend, train, expected_train)
    assert_same(backend, test, expected_test)


def test_train_test_split_on_the_device_equals_the_host_split(backend):
    host_train, host_test = data.train_test_split(data.digits(flat=True), 0.25, rng=7)
    with devices.using(backend.device_name):
        train, test = data.train_test_split(data.digits(flat=True), 0.25, rng=7)
    assert_same(backend, train, host_train)
    assert_same(backend, test, host_test)


@pytest.mark.parametrize("index", [[4, 0, 2], np.array([True, False, True, False, False, True]), []])
def test_subset_takes_host_or_device_indices(backend, index):
    host = data.Dataset(np.arange(12.0).reshape(6, 2), np.array([0, 1, 2, 0, 1, 2]), ("a", "b", "c"))
    expected = host.subset(index)
    with devices.using(backend.device_name):
        ds = data.Dataset(host.X, host.y, host.class_names)
    assert_same(backend, ds.subset(index), expected)
    assert_same(backend, ds.subset(backend.put(np.asarray(index, dtype=None if len(index) else np.int64))),
                expected)


def test_subset_refuses_a_mask_of_the_wrong_length(backend):
    with devices.using(backend.device_name):
        ds = data.Dataset(np.zeros((4, 2)), np.zeros(4, np.int64), ("a",))
    with pytest.raises(IndexError):
        ds.subset(np.array([True, False]))


def test_a_dataset_keeps_device_arrays_where_they_are(backend):
    X, y = backend.put(np.ones((3, 2))), backend.put(np.array([0, 1, 1]))
    ds = data.Dataset(X, y, ("a", "b"))              # the active device is the CPU here
    backend.check_on(ds.X)
    backend.check_on(ds.y)


def test_a_host_y_joins_a_device_X(backend):
    ds = data.Dataset(backend.put(np.ones((3, 2))), np.array([0, 1, 1]), ("a", "b"))
    backend.check_on(ds.y)


def test_labels_out_of_range_are_refused_on_any_device(backend):
    with pytest.raises(ValueError, match=r"labels in \[0, 2\).*got labels in \[0, 5\]"):
        data.Dataset(backend.put(np.ones((3, 2))), backend.put(np.array([0, 5, 1])), ("a", "b"))
    with pytest.raises(TypeError, match="int64"):
        data.Dataset(backend.put(np.ones((3, 2))), backend.put(np.array([0, 1, 1], np.int32)), ("a", "b"))
