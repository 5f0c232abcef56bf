"""The ELU activation layer: x for x >= 0, α(e^x − 1) for x < 0.

Negative inputs give negative outputs, so mean activations are closer to zero,
and units do not die as with ReLU (lecture: α = 1).
"""

from __future__ import annotations

from .. import functional as F
from .elementwise import Elementwise

__all__ = ["ELU"]


class ELU(Elementwise):
    """ELU, element-wise (see :func:`coursework.nn.functional.elu`).

    Parameters
    ----------
    alpha : float, default 1.0
        Scale of the negative branch (alpha >= 0).

    Shapes: x of any shape (N, ...) -> output of the same shape and dtype.
    No parameters (``params`` and ``grads`` are empty; ``alpha`` is fixed).
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = F._check_alpha(alpha, "ELU", below_one=False)

    def function(self, x):
        return F.elu(x, self.alpha)

    def derivative(self, x):
        return F.elu_grad(x, self.alpha)

    def __repr__(self) -> str:
        return f"ELU(alpha={self.alpha})"
