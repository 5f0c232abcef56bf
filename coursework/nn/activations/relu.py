"""The ReLU activation layer: max(0, x).

Cheap and does not saturate for x > 0; a unit whose input stays negative never
updates again (dead ReLU). The lecture's first choice.
"""

from __future__ import annotations

from .. import functional as F
from .elementwise import Elementwise

__all__ = ["ReLU"]


class ReLU(Elementwise):
    """ReLU activation, element-wise (see :func:`coursework.nn.functional.relu`).

    Shapes: x of any shape (N, ...) -> output of the same shape and dtype.
    No parameters (``params`` and ``grads`` are empty).
    """

    def function(self, x):
        return F.relu(x)

    def derivative(self, x):
        return F.relu_grad(x)
