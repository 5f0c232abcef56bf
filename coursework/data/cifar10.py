"""CIFAR-10 from a local copy of its "python version" (pickled batches).

Nothing is downloaded. Get "the CIFAR-10 python version" (``cifar-10-python.tar.gz``)
yourself, extract it, and pass the folder. The batches are read with an unpickler
that only rebuilds NumPy arrays, so a stray pickle cannot run code.
"""

from __future__ import annotations

import os
import pickle
import re
from typing import Any

import numpy as np

from .dataset import Dataset

__all__ = ["load_cifar10"]

SUBFOLDER = "cifar-10-batches-py"
META = "batches.meta"
TEST = "test_batch"
EXPECTED = tuple(f"data_batch_{i}" for i in range(1, 6)) + (TEST, META)
_PIXELS = 32 * 32 * 3
_BATCH = re.compile(r"^data_batch_(\d+)$")

# The only globals the CIFAR-10 pickles need: NumPy's array reconstruction, and
# _codecs.encode, which protocol-2 pickles written by Python 3 use for bytes.
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode"),
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}: a CIFAR-10 batch holds only "
                                         "a dict of NumPy arrays, lists, bytes and ints")
        return super().find_class(module, name)


def _unpickle(path: str) -> Any:
    try:
        with open(path, "rb") as f:
            return _ArrayUnpickler(f, encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as err:
        raise ValueError(f"load_cifar10: expected {path} to be a pickled dict (the CIFAR-10 python "
                         f"version), could not unpickle it: {err}") from err


def _get(d: dict, key: str, path: str) -> Any:
    for k in (key.encode(), key):
        if k in d:
            return d[k]
    raise ValueError(f"load_cifar10: expected {path} to hold key b{key!r}, got keys {sorted(map(repr, d))}")


def _resolve_folder(folder: Any) -> str:
    folder = os.fspath(folder)
    nested = os.path.join(folder, SUBFOLDER)
    if os.path.isfile(os.path.join(folder, META)):
        base = folder
    elif os.path.isfile(os.path.join(nested, META)):
        base = nested
    else:
        base = None
    if base is not None:
        missing = [name for name in ("data_batch_1", TEST) if not os.path.isfile(os.path.join(base, name))]
        if not missing:
            return base
    else:
        missing = [META]
        base = folder
    raise FileNotFoundError(
        f"load_cifar10: expected the CIFAR-10 python version in {folder!r} or in "
        f"{nested!r}: files {', '.join(EXPECTED)}; missing in {base!r}: {', '.join(missing)}. "
        "Nothing is downloaded: get 'the CIFAR-10 python version' (cifar-10-python.tar.gz), "
        "extract it and pass the folder it creates (or its parent).")


def _train_batches(base: str) -> list[str]:
    numbers = sorted(int(m.group(1)) for name in os.listdir(base) if (m := _BATCH.match(name)))
    if numbers != list(range(1, len(numbers) + 1)):
        raise FileNotFoundError(f"load_cifar10: expected training batches data_batch_1 .. data_batch_"
                                f"{max(numbers)} without gaps in {base!r}, got numbers {numbers}")
    return [os.path.join(base, f"data_batch_{i}") for i in numbers]


def _read_batch(path: str, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    batch = _unpickle(path)
    if not isinstance(batch, dict):
        raise ValueError(f"load_cifar10: expected {path} to hold a dict, got {type(batch).__name__}")
    data = _get(batch, "data", path)
    labels = _get(batch, "labels", path)
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != _PIXELS:
        got = f"shape {data.shape} {data.dtype}" if isinstance(data, np.ndarray) else type(data).__name__
        raise ValueError(f"load_cifar10: expected b'data' in {path} to be a uint8 array of shape "
                         f"(N, {_PIXELS}), got {got}")
    try:
        labels = np.asarray(labels)
    except (TypeError, ValueError):
        labels = np.asarray([], dtype=object)
    if labels.shape != (data.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"load_cifar10: expected b'labels' in {path} to be {data.shape[0]} integers "
                         f"(one per row of b'data'), got shape {labels.shape} {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"load_cifar10: expected labels in [0, {n_classes}) in {path}, "
                         f"got labels in [{labels.min()}, {labels.max()}]")
    # Row layout: 1024 red, then 1024 green, then 1024 blue values, each a 32x32 image row by row.
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels.astype(np.int64)


def load_cifar10(folder: Any) -> tuple[Dataset, Dataset]:
    """Read CIFAR-10's training and test sets from the local "python version" files.

    Parameters
    ----------
    folder : str or os.PathLike
        The folder holding ``data_batch_1`` .. ``data_batch_5``, ``test_batch`` and
        ``batches.meta``, or its parent holding ``cifar-10-batches-py/``. Every
        ``data_batch_<i>`` present is read, in order; they must be numbered from 1
        without gaps (the real set has 5 of 10,000 images each).

    Returns
    -------
    (train, test) : tuple of Dataset
        ``X`` of shape (N, 32, 32, 3), uint8 RGB (HWC: ``X[n, row, col, channel]``);
        ``y`` of shape (N,), int64 in 0..9; ``class_names`` from ``batches.meta``
        (``"airplane"``, ..., ``"truck"``). N = 50,000 and 10,000 for the real set.
        On the active device (:mod:`coursework.devices`), in the files' order.

    Raises
    ------
    FileNotFoundError
        If the files are not there (the message lists the expected files and where
        they were looked for); nothing is downloaded.
    ValueError
        If a file is not a pickled batch of the expected format.
    """
    base = _resolve_folder(folder)
    meta_path = os.path.join(base, META)
    meta = _unpickle(meta_path)
    if not isinstance(meta, dict):
        raise ValueError(f"load_cifar10: expected {meta_path} to hold a dict, got {type(meta).__name__}")
    raw_names = _get(meta, "label_names", meta_path)
    if not isinstance(raw_names, (list, tuple)) or not raw_names \
            or not all(isinstance(n, (bytes, str)) for n in raw_names):
        raise ValueError(f"load_cifar10: expected b'label_names' in {meta_path} to be a non-empty list of "
                         f"strings, got {raw_names!r}")
    names = tuple(n.decode("utf-8") if isinstance(n, bytes) else n for n in raw_names)

    parts = [_read_batch(path, len(names)) for path in _train_batches(base)]
    train = Dataset(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), names)
    test = Dataset(*_read_batch(os.path.join(base, TEST), len(names)), names)
    return train, test
