"""The Leaky ReLU activation layer: max(αx, x), a small slope α for x < 0 so units do not die."""

from __future__ import annotations

from .. import functional as F
from .elementwise import Elementwise

__all__ = ["LeakyReLU"]


class LeakyReLU(Elementwise):
    """Leaky ReLU, element-wise (see :func:`coursework.nn.functional.leaky_relu`).

    Parameters
    ----------
    alpha : float, default 0.01
        Slope for x <= 0, with 0 <= alpha < 1 (so max(αx, x) is x for x > 0).

    Shapes: x of any shape (N, ...) -> output of the same shape and dtype.
    No parameters (``params`` and ``grads`` are empty; ``alpha`` is fixed).
    """

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = F._check_alpha(alpha, "LeakyReLU", below_one=True)

    def function(self, x):
        return F.leaky_relu(x, self.alpha)

    def derivative(self, x):
        return F.leaky_relu_grad(x, self.alpha)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"
