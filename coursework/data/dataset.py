"""The one return type of every loader, and a seeded, stratified train/test split.

A :class:`Dataset` is three things: the samples ``X``, the integer labels ``y`` and
the ``class_names`` (``class_names[k]`` names label ``k``). It unpacks like a tuple::

    X, y, class_names = digits()

All arrays are NumPy arrays on the host. To compute on another backend, move them
with ``coursework.backend.from_host(X, like=...)``.
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any

import numpy as np

from ._checks import as_generator, check_bool

__all__ = ["Dataset", "train_test_split"]


@dataclasses.dataclass(frozen=True, eq=False)
class Dataset:
    """Samples, labels and class names, unpackable as ``X, y, class_names = ds``.

    Attributes
    ----------
    X : numpy.ndarray of shape (N, ...)
        The samples, e.g. images ``(N, H, W, 3)`` or points ``(N, 2)``; the dtype is
        given by the loader.
    y : numpy.ndarray of shape (N,), int64
        Labels in ``[0, len(class_names))``.
    class_names : tuple of str
        ``class_names[k]`` is the name of label ``k``.
    """

    X: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        X, y = np.asarray(self.X), np.asarray(self.y)
        names = tuple(str(name) for name in self.class_names)
        if X.ndim < 1:
            raise ValueError(f"Dataset: expected X of shape (N, ...), got shape {X.shape}")
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(f"Dataset: expected y of shape ({X.shape[0]},) to match X of shape {X.shape}, "
                             f"got shape {y.shape}")
        if y.dtype != np.int64:
            raise TypeError(f"Dataset: expected y of dtype int64, got {y.dtype}")
        if y.size and (y.min() < 0 or y.max() >= len(names)):
            raise ValueError(f"Dataset: expected labels in [0, {len(names)}) for {len(names)} class names, "
                             f"got labels in [{y.min()}, {y.max()}]")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "class_names", names)

    def __iter__(self):
        return iter((self.X, self.y, self.class_names))

    def __len__(self) -> int:
        return int(self.X.shape[0])

    def __repr__(self) -> str:
        return (f"Dataset(X: {self.X.shape} {self.X.dtype}, y: {self.y.shape} {self.y.dtype}, "
                f"class_names={self.class_names!r})")

    def subset(self, index: Any) -> "Dataset":
        """The samples at ``index``.

        Parameters
        ----------
        index : array of shape (M,), int, or boolean mask of shape (N,)

        Returns
        -------
        Dataset
            ``X[index]`` of shape (M, ...), ``y[index]`` of shape (M,), same class names.
        """
        index = np.asarray(index)
        return Dataset(self.X[index], self.y[index], self.class_names)


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
    if stratify:
        test_parts = []
        for label in range(len(data.class_names)):
            members = np.flatnonzero(data.y == label)
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
