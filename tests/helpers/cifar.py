"""A tiny CIFAR-10 in the format of the real python version (pickled batches of 3,072-byte rows)."""

from __future__ import annotations

import os
import pickle

import numpy as np

NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def batch_rows(images: np.ndarray) -> np.ndarray:
    """(N, 32, 32, 3) HWC -> (N, 3072): 1024 red, 1024 green, 1024 blue, row by row."""
    return images.transpose(0, 3, 1, 2).reshape(images.shape[0], -1)


def dump(path, obj) -> None:
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=2)


def write_cifar(folder, n_train_batches=2, n=5, seed=0):
    """Write data_batch_1.., test_batch and batches.meta; return the images and labels."""
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    written = {}
    for name in [f"data_batch_{i}" for i in range(1, n_train_batches + 1)] + ["test_batch"]:
        images = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, size=n)]
        dump(os.path.join(folder, name), {b"batch_label": name.encode(), b"labels": labels,
                                          b"data": batch_rows(images), b"filenames": [b"x.png"] * n})
        written[name] = (images, labels)
    dump(os.path.join(folder, "batches.meta"),
         {b"label_names": [s.encode() for s in NAMES], b"num_cases_per_batch": n, b"num_vis": 3072})
    return written
