"""Vanilla stochastic gradient descent: w <- w - lr * dL/dw (lecture topic 8).

An optimizer updates a model's parameters from their gradients. Here it works on
any mapping ``params`` of name -> array with a matching mapping ``grads``: a
layer's plain dicts, or the flat live mappings of :class:`~coursework.nn.Sequential`
and :class:`~coursework.nn.MLP` (``"0.W"``, ``"0.b"``, ...)::

    opt = SGD(lr=0.1)
    model.backward(dscores)
    opt.step(model.params, model.grads)

``step`` *replaces* every ``params[name]`` with a new array (never updates one in
place), so the arrays a caller still holds keep their old values, and the live
mappings write the new array into the layer.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, MutableMapping
from typing import Any

import array_api_compat

from ..validation import shape_str

__all__ = ["SGD"]


def check_rate(value: Any, name: str, func: str, *, low: float, high: float = math.inf,
               include_low: bool = False, include_high: bool = False) -> float:
    """``value`` as a float in the interval (low, high), ends included as asked.

    Raises ``TypeError`` for non-numbers and ``ValueError`` (expected vs got) outside
    the interval or for NaN / infinity.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: expected {name} to be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    above = value >= low if include_low else value > low
    below = value <= high if include_high else value < high
    if not (math.isfinite(value) and above and below):
        interval = ("[" if include_low else "(") + f"{low:g}, {high:g}" + ("]" if include_high else ")")
        raise ValueError(f"{func}: expected {name} in {interval}, got {value!r}")
    return value


def check_params_grads(params: Any, grads: Any, func: str) -> list[str]:
    """Check that every parameter has a gradient array of its shape; return the names."""
    if not isinstance(params, MutableMapping):
        raise TypeError(f"{func}: expected params to be a mutable mapping name -> array "
                        f"(e.g. model.params), got {type(params).__name__}")
    if not isinstance(grads, Mapping):
        raise TypeError(f"{func}: expected grads to be a mapping name -> array (e.g. model.grads), "
                        f"got {type(grads).__name__}")
    names = list(params)
    missing = [name for name in names if name not in grads]
    if missing:
        raise ValueError(f"{func}: expected a gradient for every parameter; no grads for {missing} "
                         f"(call model.backward(dscores) before step)")
    for name in names:
        p, g = params[name], grads[name]
        if not array_api_compat.is_array_api_obj(g):
            raise TypeError(f"{func}: expected grads[{name!r}] to be an array, got {type(g).__name__}")
        if tuple(g.shape) != tuple(p.shape):
            raise ValueError(f"{func}: expected grads[{name!r}] of shape {shape_str(p.shape)} like "
                             f"params[{name!r}], got shape {shape_str(g.shape)}")
    return names


class SGD:
    """Plain (stochastic) gradient descent.

    Parameters
    ----------
    lr : float > 0
        Learning rate (step size).

    Notes
    -----
    ``step`` does ``params[name] = params[name] - lr * grads[name]`` for every name,
    the lecture's ``weights += - step_size * weights_grad`` without the in-place
    update. "Stochastic" comes from the caller: gradients of a minibatch (see
    :func:`coursework.train.fit`) rather than of the whole training set (see
    :func:`coursework.train.gradient_descent`).
    """

    def __init__(self, lr: float) -> None:
        self.lr = check_rate(lr, "lr", "SGD", low=0.0)

    def step(self, params: MutableMapping, grads: Mapping) -> None:
        """Replace every ``params[name]`` with ``params[name] - lr * grads[name]``.

        Parameters
        ----------
        params : mutable mapping name -> array
            Each array is replaced by a new one of the same shape, dtype and device.
        grads : mapping name -> array
            A gradient of the same shape for every name of ``params`` (extra names
            are ignored).
        """
        for name in check_params_grads(params, grads, "SGD.step"):
            params[name] = params[name] - self.lr * grads[name]

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr:g})"
