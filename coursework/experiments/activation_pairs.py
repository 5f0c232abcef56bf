"""The activations as (forward, backward) pairs, the form the 03_activations notebook's
functions take, shared by the experiments of :mod:`coursework.experiments.activations`,
:mod:`.dead_units` and :mod:`.linear_collapse` (see the first for ``functions=``).
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

from .. import nn
from ..devices import on_cpu
from ..nn import functional as F

__all__ = ["FUNCTIONS", "Pair", "package_pair"]

#: name -> (f, f'), the element-wise activations of :mod:`coursework.nn.functional`
#: with the lecture's parameters (Leaky ReLU α = 0.01, ELU α = 1).
FUNCTIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (F.sigmoid, F.sigmoid_grad),
    "tanh": (F.tanh, F.tanh_grad),
    "relu": (F.relu, F.relu_grad),
    "leaky_relu": (F.leaky_relu, F.leaky_relu_grad),
    "elu": (F.elu, F.elu_grad),
}


#: (forward(x), backward(dout, x)), the form of the notebook's functions.
Pair = tuple[Callable, Callable]


@on_cpu
def package_pair(name: str) -> Pair:
    """The package's activation ``name`` as the notebook's pair: ``(f, lambda dout, x: dout * f'(x))``."""
    _check_name(name, "package_pair")
    f, df = FUNCTIONS[name]
    return f, lambda dout, x: dout * df(x)


def _check_functions(functions: Mapping[str, Pair] | None, func: str) -> dict[str, Pair]:
    """``functions`` as a dict name -> (forward, backward), or a clear error."""
    if functions is None:
        return {}
    if not isinstance(functions, Mapping):
        raise TypeError(f"{func}: expected functions to be a dict name -> (forward, backward), "
                        f"got {type(functions).__name__}")
    for name, pair in functions.items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(callable(f) for f in pair)):
            raise TypeError(f"{func}: expected functions[{name!r}] to be a pair (forward, backward) of functions, "
                            f"got {pair!r}")
    return dict(functions)


def _check_name(name: str, func: str, functions: Mapping[str, Pair] | None = None) -> None:
    if name not in FUNCTIONS and name not in (functions or {}):
        raise ValueError(f"{func}: expected an activation among {sorted(set(FUNCTIONS) | set(functions or {}))}, "
                         f"got {name!r}")


def _pair(name: str, functions: Mapping[str, Pair], func: str) -> Pair:
    """Your pair for ``name`` if given, else the package's."""
    _check_name(name, func, functions)
    return functions[name] if name in functions else package_pair(name)


def _derivative(pair: Pair, x: np.ndarray) -> np.ndarray:
    """f'(x) from a pair: its backward with an upstream gradient of ones."""
    return np.asarray(pair[1](np.ones_like(x), x), dtype=np.float64)


def _layer_factory(name: str, functions: Mapping[str, Pair]):
    """What :class:`~coursework.nn.MLP` takes: your pair as an Activation layer, else the package's name."""
    if name not in functions:
        return name
    forward, backward = functions[name]
    return lambda: nn.Activation(forward, backward, name)
