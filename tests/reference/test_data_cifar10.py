"""load_cifar10 on a tiny file set written in the format of the real CIFAR-10 python version."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from coursework.data import load_cifar10
from helpers.cifar import NAMES, dump, write_cifar

def test_round_trip_pixel_layout_labels_names(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    written = write_cifar(folder)
    # One known pixel, set by hand in the raw row: image 0 of batch 1, row 2, column 3.
    raw = pickle.load(open(folder / "data_batch_1", "rb"), encoding="bytes")
    raw[b"data"][0, 2 * 32 + 3] = 11             # red plane
    raw[b"data"][0, 1024 + 2 * 32 + 3] = 22      # green plane
    raw[b"data"][0, 2048 + 2 * 32 + 3] = 33      # blue plane
    dump(folder / "data_batch_1", raw)

    for where in (folder, tmp_path, str(tmp_path)):   # the batch folder or its parent
        train, test = load_cifar10(where)
        assert train.X.shape == (10, 32, 32, 3) and train.X.dtype == np.uint8
        assert test.X.shape == (5, 32, 32, 3) and test.y.dtype == np.int64
        assert train.X[0, 2, 3].tolist() == [11, 22, 33]
        assert train.class_names == tuple(NAMES) == test.class_names
        assert train.y.tolist() == written["data_batch_1"][1] + written["data_batch_2"][1]
        np.testing.assert_array_equal(train.X[5:], written["data_batch_2"][0])
        np.testing.assert_array_equal(test.X, written["test_batch"][0])
        assert test.y.tolist() == written["test_batch"][1]


def test_missing_folder_says_what_and_where(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_cifar10(tmp_path / "nowhere")
    message = str(info.value)
    for expected in ("data_batch_1", "data_batch_5", "test_batch", "batches.meta", "cifar-10-batches-py",
                     "nowhere", "Nothing is downloaded", "CIFAR-10 python version"):
        assert expected in message


def test_missing_test_batch(tmp_path):
    write_cifar(tmp_path)
    os.remove(tmp_path / "test_batch")
    with pytest.raises(FileNotFoundError, match="missing in .*: test_batch"):
        load_cifar10(tmp_path)


def test_gap_in_training_batches(tmp_path):
    write_cifar(tmp_path, n_train_batches=3)
    os.remove(tmp_path / "data_batch_2")
    with pytest.raises(FileNotFoundError, match=r"without gaps.*\[1, 3\]"):
        load_cifar10(tmp_path)


@pytest.mark.parametrize("corrupt, match", [
    (lambda b: {**b, b"data": b[b"data"][:, :100]}, r"uint8 array of shape \(N, 3072\)"),
    (lambda b: {**b, b"data": b[b"data"].astype(np.float32)}, "uint8"),
    (lambda b: {**b, b"labels": b[b"labels"][:-1]}, "5 integers"),
    (lambda b: {**b, b"labels": [99] * 5}, r"labels in \[0, 10\)"),
    (lambda b: {k: v for k, v in b.items() if k != b"labels"}, "key b'labels'"),
    (lambda b: [1, 2, 3], "to hold a dict"),
])
def test_malformed_batch(tmp_path, corrupt, match):
    write_cifar(tmp_path)
    path = tmp_path / "data_batch_2"
    dump(path, corrupt(pickle.load(open(path, "rb"), encoding="bytes")))
    with pytest.raises(ValueError, match=match):
        load_cifar10(tmp_path)


def test_not_a_pickle_and_foreign_objects(tmp_path):
    write_cifar(tmp_path)
    (tmp_path / "test_batch").write_bytes(b"this is not a pickle")
    with pytest.raises(ValueError, match="could not unpickle"):
        load_cifar10(tmp_path)
    dump(tmp_path / "test_batch", {b"data": os.getcwd, b"labels": []})  # a pickle that names a function
    with pytest.raises(ValueError, match="refusing to load"):
        load_cifar10(tmp_path)


def test_bad_meta(tmp_path):
    write_cifar(tmp_path)
    dump(tmp_path / "batches.meta", {b"label_names": []})
    with pytest.raises(ValueError, match="label_names"):
        load_cifar10(tmp_path)
