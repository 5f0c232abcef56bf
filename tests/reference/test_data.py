"""Loaders of coursework.data: determinism, shapes, dtypes, ranges, errors, offline use."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from coursework import data
from coursework.data import Dataset, train_test_split
from coursework.data import photos as photos_module


@pytest.fixture
def offline(monkeypatch):
    """Make every network connection fail, as on an exam machine without internet."""
    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# Loaders that draw random numbers, with small arguments.
SEEDED = {
    "photo_patches": lambda rng: data.photo_patches(5, size=16, rng=rng),
    "spirals": lambda rng: data.spirals(20, rng=rng),
    "semantic_gap_images": lambda rng: data.semantic_gap_images(8, 0.5, 0.5, 0.5, size=16, rng=rng),
}


def assert_same(a: Dataset, b: Dataset) -> None:
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.class_names == b.class_names


@pytest.mark.parametrize("name", sorted(SEEDED))
def test_same_seed_same_arrays_other_seed_other_arrays(name):
    make = SEEDED[name]
    assert_same(make(3), make(3))
    assert_same(make(3), make(np.random.default_rng(3)))
    assert not np.array_equal(make(3).X, make(4).X)


@pytest.mark.parametrize("name", sorted(SEEDED))
def test_global_numpy_random_state_untouched(name):
    state = np.random.get_state()[1].copy()
    SEEDED[name](0)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize("name", sorted(SEEDED))
@pytest.mark.parametrize("rng, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_bad_rng(name, rng, error):
    with pytest.raises(error, match="rng"):
        SEEDED[name](rng)


def test_dataset_unpacks_and_checks():
    ds = data.spirals(4, n_classes=2)
    X, y, names = ds
    assert X is ds.X and y is ds.y and names == ("0", "1") and len(ds) == 8
    with pytest.raises(ValueError, match=r"expected y of shape \(3,\)"):
        Dataset(np.zeros((3, 2)), np.zeros(2, np.int64), ("a",))
    with pytest.raises(TypeError, match="int64"):
        Dataset(np.zeros((2, 2)), np.zeros(2, np.int32), ("a",))
    with pytest.raises(ValueError, match=r"labels in \[0, 1\)"):
        Dataset(np.zeros((2, 2)), np.array([0, 1]), ("a",))


# --- photo_patches ------------------------------------------------------------------

def test_photo_patches_shapes_labels(offline):
    photos_module._photo.cache_clear()  # read the files again, with the network off
    ds = data.photo_patches(7, size=32, photos=("chelsea", "rocket", "coffee"), rng=1)
    assert ds.X.shape == (21, 32, 32, 3) and ds.X.dtype == np.uint8
    assert ds.y.dtype == np.int64 and ds.y.tolist() == [0] * 7 + [1] * 7 + [2] * 7
    assert ds.class_names == ("chelsea", "rocket", "coffee")
    assert ds.X.std() > 10  # real photo content, not a constant


def test_photo_patches_defaults_and_all_photos_bundled(offline):
    photos_module._photo.cache_clear()
    ds = data.photo_patches(2)
    assert ds.class_names == data.DEFAULT_PHOTOS and "chelsea" in ds.class_names
    assert ds.X.shape == (2 * len(data.DEFAULT_PHOTOS), 32, 32, 3)
    every = data.photo_patches(1, size=8, photos=tuple(data.PHOTOS))
    assert every.X.shape == (len(data.PHOTOS), 8, 8, 3)


def test_photo_patches_cut_from_their_photo():
    # chelsea is 300 x 451: a 300-pixel patch can only slide sideways.
    photo = photos_module._photo("chelsea")
    ds = data.photo_patches(3, size=300, photos=("chelsea",), rng=5)
    for patch in ds.X:
        assert any(np.array_equal(patch, photo[:, left:left + 300]) for left in range(451 - 300 + 1))


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(photos=("chelsea", "dog")), ValueError, "'astronaut', 'chelsea'.*got 'dog'"),
    (dict(photos=()), ValueError, "at least one photo"),
    (dict(photos=("coffee", "coffee")), ValueError, "distinct"),
    (dict(n_per_class=-1), ValueError, "n_per_class"),
    (dict(n_per_class=0), ValueError, "n_per_class"),
    (dict(n_per_class=2.0), TypeError, "n_per_class"),
    (dict(size=0), ValueError, "size"),
    (dict(size=301, photos=("chelsea",)), ValueError, r"size <= 300"),
])
def test_photo_patches_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.photo_patches(**{"n_per_class": 1, **kwargs})


# --- faces and digits ---------------------------------------------------------------

def test_faces_vs_nonfaces(offline):
    ds = data.faces_vs_nonfaces()
    assert ds.X.shape == (200, 25, 25) and ds.X.dtype == np.float64
    assert 0.0 <= ds.X.min() and ds.X.max() <= 1.0 and ds.X.max() > 0.5
    assert ds.y.dtype == np.int64 and ds.y[:100].tolist() == [1] * 100 and ds.y[100:].tolist() == [0] * 100
    assert ds.class_names[1] == "face" and ds.class_names[0] == "non-face"
    flat = data.faces_vs_nonfaces(flat=True)
    assert flat.X.shape == (200, 625)
    np.testing.assert_array_equal(flat.X, ds.X.reshape(200, -1))


def test_digits(offline):
    ds = data.digits()
    assert ds.X.shape == (1797, 8, 8) and ds.X.dtype == np.float64
    assert ds.X.min() == 0.0 and ds.X.max() == 1.0
    assert ds.y.dtype == np.int64 and ds.class_names == tuple("0123456789")
    counts = np.bincount(ds.y, minlength=10)
    assert counts.min() >= 170 and counts.sum() == 1797
    assert data.digits(flat=True).X.shape == (1797, 64)
    with pytest.raises(TypeError, match="flat"):
        data.digits(flat="yes")


# --- spirals ------------------------------------------------------------------------

def test_spirals():
    ds = data.spirals(50, n_classes=4, noise=0.1, rng=2)
    assert ds.X.shape == (200, 2) and ds.X.dtype == np.float64
    assert ds.y.dtype == np.int64 and np.bincount(ds.y).tolist() == [50] * 4
    radius = np.linalg.norm(ds.X, axis=1)
    np.testing.assert_allclose(radius[:50], np.linspace(0, 1, 50), atol=1e-12)
    # without noise every arm is the previous one turned by the same angle: deterministic
    assert_same(data.spirals(10, noise=0.0, rng=1), data.spirals(10, noise=0.0, rng=2))


@pytest.mark.parametrize("kwargs, error", [
    (dict(n_per_class=-5), ValueError), (dict(n_classes=0), ValueError),
    (dict(noise=-0.1), ValueError), (dict(noise=float("nan")), ValueError), (dict(noise="big"), TypeError),
])
def test_spirals_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        data.spirals(**kwargs)


# --- train_test_split ---------------------------------------------------------------

def test_train_test_split_stratified_disjoint_seeded():
    ds = Dataset(np.arange(60.0)[:, None], np.arange(60) % 3, ("a", "b", "c"))
    train, test = train_test_split(ds, 0.25, rng=1)
    assert len(train) == 45 and len(test) == 15
    assert np.bincount(test.y).tolist() == [5, 5, 5]
    both = np.concatenate([train.X, test.X])
    assert sorted(both[:, 0].tolist()) == list(range(60))  # disjoint and complete
    np.testing.assert_array_equal(train.X[:, 0].astype(np.int64) % 3, train.y)  # rows keep their labels
    again, _ = train_test_split(ds, 0.25, rng=1)
    np.testing.assert_array_equal(again.X, train.X)
    other, _ = train_test_split(ds, 0.25, rng=2)
    assert not np.array_equal(other.X, train.X)
    plain_train, plain_test = train_test_split(ds, 0.5, rng=0, stratify=False)
    assert len(plain_train) == len(plain_test) == 30


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.2, 1.5, True])
def test_train_test_split_bad_fraction(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(data.spirals(10), fraction)


def test_train_test_split_empty_part():
    with pytest.raises(ValueError, match="non-empty"):
        train_test_split(data.spirals(2, n_classes=2), 0.1)
