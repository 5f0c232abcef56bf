"""The one return type of every loader, and a seeded, stratified train/test split.

A :class:`Dataset` is three things: the samples ``X``, the integer labels ``y`` and
the ``class_names`` (``class_names[k]`` names label ``k``). It unpacks like a tuple::

    X, y, class_names = digits()

Device: a Dataset's arrays live on the active device (:mod:`coursework.devices`; NumPy on
the host unless another was chosen). Host (NumPy) arrays given to ``Dataset(X, y, names)``
are moved there once, when the Dataset is made -- this is how every loader follows the
device switch; arrays already on a device stay where they are.
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any

import array_api_compat
import numpy as np

from .. import backend
from ._checks import as_generator, check_bool

__all__ = ["Dataset", "train_test_split"]


@dataclasses.dataclass(frozen=True, eq=False)
class Dataset:
    """Samples, labels and class names, unpackable as ``X, y, class_names = ds``.

    Attributes
    ----------
    X : array of shape (N, ...), on the active device
        The samples, e.g. images ``(N, H, W, 3)`` or points ``(N, 2)``; the dtype is
        given by the loader.
    y : array of shape (N,), int64, on the device of ``X``
        Labels in ``[0, len(class_names))``.
    class_names : tuple of str
        ``class_names[k]`` is the name of label ``k``.

    Making a Dataset checks the labels' range, which copies two numbers to the host.
    """

    X: Any
    y: Any
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        X, y = _on_one_device(self.X, self.y)
        xp = backend.namespace(X, y)
        names = tuple(str(name) for name in self.class_names)
        if X.ndim < 1:
            raise ValueError(f"Dataset: expected X of shape (N, ...), got shape {tuple(X.shape)}")
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(f"Dataset: expected y of shape ({X.shape[0]},) to match X of shape {tuple(X.shape)}, "
                             f"got shape {tuple(y.shape)}")
        if y.dtype != xp.int64:
            raise TypeError(f"Dataset: expected y of dtype int64, got {y.dtype}")
        if y.shape[0]:
            low, high = (int(v) for v in backend.to_host(xp.stack([xp.min(y), xp.max(y)])))
            if low < 0 or high >= len(names):
                raise ValueError(f"Dataset: expected labels in [0, {len(names)}) for {len(names)} class names, "
                                 f"got labels in [{low}, {high}]")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "class_names", names)

    def __iter__(self):
        return iter((self.X, self.y, self.class_names))

    def __len__(self) -> int:
        return int(self.X.shape[0])

    def __repr__(self) -> str:
        return (f"Dataset(X: {tuple(self.X.shape)} {self.X.dtype}, y: {tuple(self.y.shape)} {self.y.dtype}, "
                f"class_names={self.class_names!r})")

    def subset(self, index: Any) -> "Dataset":
        """The samples at ``index``.

        Parameters
        ----------
        index : array of shape (M,), int, or boolean mask of shape (N,)
            On the host (a list, a NumPy array) or on the device of ``X``.

        Returns
        -------
        Dataset
            ``X[index]`` of shape (M, ...), ``y[index]`` of shape (M,), same class names,
            on the device of ``X``.
        """
        X, y = self.X, self.y
        if not array_api_compat.is_array_api_obj(index) or backend.is_numpy(index):
            index = np.asarray(index)
            index = index.astype(np.int64) if index.size == 0 else index      # [] selects nothing
            if backend.is_numpy(X):
                return Dataset(X[index], y[index], self.class_names)
            index = backend.from_host(index, like=X)
        xp = backend.namespace(X)
        if index.dtype == xp.bool:
            if tuple(index.shape) != (X.shape[0],):
                raise IndexError(f"Dataset.subset: expected a boolean mask of shape ({X.shape[0]},), "
                                 f"got shape {tuple(index.shape)}")
            index = xp.nonzero(index)[0]
        return Dataset(xp.take(X, index, axis=0), xp.take(y, index, axis=0), self.class_names)


def train_test_split(data: Dataset, test_fraction: float = 0.2, *, rng: Any = 0,
                     stratify: bool = True) -> tuple[Dataset, Dataset]:
    """Split ``data`` into a shuffled training set and a shuffled test set.

    Parameters
    ----------
    data : Dataset
        ``X`` of shape (N, ...), ``y`` of shape (N,).
    test_fraction : float in (0, 1)
        Share of the samples that go to the test set. With ``stratify`` it is
        applied per class (``round(test_fraction * count)`` of each class).
    rng : numpy.random.Generator or int
        Randomness (a seed gives ``numpy.random.default_rng(seed)``).
    stratify : bool
        Keep the class proportions the same in both parts.

    Returns
    -------
    (train, test) : tuple of Dataset
        Disjoint, together all N samples, each in random order; same dtypes and
        class names as ``data``.

    Raises
    ------
    ValueError
        If ``test_fraction`` is not in (0, 1) or either part would be empty.
    """
    func = "train_test_split"
    if not isinstance(data, Dataset):
        raise TypeError(f"{func}: expected a coursework.data.Dataset, got {type(data).__name__}")
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real) \
            or not 0.0 < float(test_fraction) < 1.0:
        raise ValueError(f"{func}: expected test_fraction to be a number in (0, 1), got {test_fraction!r}")
    stratify = check_bool(stratify, "stratify", func)
    gen = as_generator(rng, func)
    n = len(data)
    labels = backend.to_host(data.y)        # the split is drawn on the host; subset moves the indices back
    if stratify:
        test_parts = []
        for label in range(len(data.class_names)):
            members = np.flatnonzero(labels == label)
            members = members[gen.permutation(members.shape[0])]
            test_parts.append(members[: int(round(test_fraction * members.shape[0]))])
        test_idx = np.concatenate(test_parts) if test_parts else np.zeros(0, np.int64)
    else:
        test_idx = gen.permutation(n)[: int(round(test_fraction * n))]
    is_test = np.zeros(n, dtype=bool)
    is_test[test_idx] = True
    n_test = int(is_test.sum())
    if n_test == 0 or n_test == n:
        raise ValueError(f"{func}: expected both parts to be non-empty, got {n - n_test} training and "
                         f"{n_test} test samples from {n} samples with test_fraction={test_fraction}")
    train_idx, test_idx = np.flatnonzero(~is_test), np.flatnonzero(is_test)
    train_idx = train_idx[gen.permutation(train_idx.shape[0])]
    test_idx = test_idx[gen.permutation(test_idx.shape[0])]
    return data.subset(train_idx), data.subset(test_idx)


def _on_one_device(X: Any, y: Any):
    """``(X, y)`` as arrays on one device: host arrays go to the active device, a host
    array next to a device array goes to that array's device."""
    X = X if array_api_compat.is_array_api_obj(X) else np.asarray(X)
    y = y if array_api_compat.is_array_api_obj(y) else np.asarray(y)
    x_host, y_host = backend.is_numpy(X), backend.is_numpy(y)
    if x_host and y_host:
        return backend.put(X), backend.put(y)
    if x_host:
        return backend.from_host(X, like=y), y
    if y_host:
        return X, backend.from_host(y, like=X)
    return X, y
