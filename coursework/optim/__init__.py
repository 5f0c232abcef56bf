"""Optimizers: ``step(params, grads)`` replaces each parameter with its update.

- :class:`SGD` -- ``w <- w - lr * g``.
- :class:`Momentum` -- ``v <- beta * v - lr * g; w <- w + v`` (equal to PyTorch's
  ``SGD(momentum=beta)`` for a constant ``lr``).

Both work on a layer's dicts and on the flat live mappings of ``Sequential`` / ``MLP``.
"""

from .momentum import Momentum
from .sgd import SGD

__all__ = ["SGD", "Momentum"]
