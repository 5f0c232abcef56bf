"""SGD with momentum: a velocity that accumulates past gradients.

Convention (the CS231n form)
----------------------------
For each parameter ``w`` with gradient ``g`` and velocity ``v`` (zero at the start)::

    v <- beta * v - lr * g
    w <- w + v

PyTorch (``torch.optim.SGD(momentum=beta)``, no dampening) writes it as
``b <- beta * b + g; w <- w - lr * b``. With a constant ``lr`` the two are the same
update: ``v = -lr * b`` at every step (tested against PyTorch over several steps).
They differ only if ``lr`` changes during training, where ours applies a new rate
to new gradients only.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from .. import backend
from .sgd import check_params_grads, check_rate

__all__ = ["Momentum"]


class Momentum:
    """Gradient descent with (heavy-ball) momentum.

    Parameters
    ----------
    lr : float > 0
        Learning rate.
    beta : float in [0, 1), default 0.9
        Momentum: the share of the velocity kept from one step to the next
        (``beta = 0`` is plain SGD).

    Attributes
    ----------
    velocity : dict name -> array
        ``v`` of every parameter seen so far, same shape, dtype and device as the
        parameter; created (zeros) at its first step. Keyed like ``params``, so use
        one Momentum object per model.
    """

    def __init__(self, lr: float, beta: float = 0.9) -> None:
        self.lr = check_rate(lr, "lr", "Momentum", low=0.0)
        self.beta = check_rate(beta, "beta", "Momentum", low=0.0, high=1.0, include_low=True)
        self.velocity: dict[str, Any] = {}

    def step(self, params: MutableMapping, grads: Mapping) -> None:
        """Update the velocity of every parameter and replace the parameter.

        Parameters
        ----------
        params : mutable mapping name -> array
            Each array is replaced by ``params[name] + v`` (a new array).
        grads : mapping name -> array
            A gradient of the same shape for every name of ``params``.
        """
        for name in check_params_grads(params, grads, "Momentum.step"):
            w, g = params[name], grads[name]
            v = self.velocity.get(name)
            if v is None:
                v = backend.namespace(w).zeros_like(w)
            elif tuple(v.shape) != tuple(w.shape):
                raise ValueError(f"Momentum.step: expected params[{name!r}] of shape {tuple(v.shape)} "
                                 f"(its velocity), got shape {tuple(w.shape)}; use one optimizer per model")
            v = self.beta * v - self.lr * g
            self.velocity[name] = v
            params[name] = w + v

    def reset(self) -> None:
        """Forget every velocity (start again from rest)."""
        self.velocity = {}

    def __repr__(self) -> str:
        return f"Momentum(lr={self.lr:g}, beta={self.beta:g})"
