"""Flatten: every sample of a batch as one row, (N, d1, d2, ...) -> (N, d1·d2·...).

The lecture's 3-layer net on CIFAR-10 reshapes each 32×32×3 image into a row of 3,072
numbers before the first matrix product; as a layer, the reshape can sit at the head of
a :class:`~coursework.nn.Sequential` so that a batch of images (N, H, W, C) goes in as
it is. The order of the values is NumPy's (row-major, the last axis fastest), as
``x.reshape(N, -1)`` and ``torch.nn.Flatten()`` (which flattens from axis 1).
"""

from __future__ import annotations

import math

from .. import backend
from ..validation import shape_str
from .layer import Layer

__all__ = ["Flatten"]


class Flatten(Layer):
    """Reshape (N, d1, d2, ...) to (N, d1·d2·...); backward reshapes the gradient back.

    No parameters (``params`` and ``grads`` are empty). An input that already is
    (N, D) passes unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from coursework.nn import Flatten, Linear, Sequential
    >>> images = np.zeros((8, 32, 32, 3))                 # a CIFAR-10-sized batch
    >>> net = Sequential(Flatten(), Linear(32 * 32 * 3, 10, rng=0))
    >>> net.forward(images).shape
    (8, 10)
    """

    def forward(self, x):
        """(N, d1, d2, ...) -> (N, d1·d2·...), same dtype; needs the batch axis (ndim >= 2)."""
        xp = self._check_input(x)
        if x.ndim < 2:
            raise ValueError(f"{self.name}: expected input of shape (N, ...) with the batch first (ndim >= 2), "
                             f"got shape {shape_str(x.shape)}")
        shape = tuple(int(s) for s in x.shape)
        return self._remember(xp.reshape(x, (shape[0], math.prod(shape[1:]))), shape=shape)

    def backward(self, dout):
        """dL/dx: ``dout`` (N, d1·d2·...) reshaped to the forward input's shape (N, d1, d2, ...)."""
        cache = self._check_dout(dout)
        return backend.namespace(dout).reshape(dout, cache["shape"])
