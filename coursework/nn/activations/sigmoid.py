"""The Sigmoid activation layer: σ(x) = 1 / (1 + e^(-x)).

It saturates for large |x| (σ' → 0 kills the gradient) and is not zero-centred;
the lecture advises against it in hidden layers.
"""

from __future__ import annotations

from .. import functional as F
from .elementwise import Elementwise

__all__ = ["Sigmoid"]


class Sigmoid(Elementwise):
    """Sigmoid activation, element-wise (see :func:`coursework.nn.functional.sigmoid`).

    Shapes: x of any shape (N, ...) -> output of the same shape and dtype.
    No parameters (``params`` and ``grads`` are empty).
    """

    def function(self, x):
        return F.sigmoid(x)

    def derivative(self, x):
        return F.sigmoid_grad(x)
