"""The Tanh activation layer: tanh(x), zero-centred in (−1, 1), but it still saturates."""

from __future__ import annotations

from .. import functional as F
from .elementwise import Elementwise

__all__ = ["Tanh"]


class Tanh(Elementwise):
    """Tanh activation, element-wise (see :func:`coursework.nn.functional.tanh`).

    Shapes: x of any shape (N, ...) -> output of the same shape and dtype.
    No parameters (``params`` and ``grads`` are empty).
    """

    def function(self, x):
        return F.tanh(x)

    def derivative(self, x):
        return F.tanh_grad(x)
