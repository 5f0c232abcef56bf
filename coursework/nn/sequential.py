"""A chain of layers: forward in order, backward in reverse (lecture topic 9).

Parameters convention
---------------------
``Sequential.params`` and ``Sequential.grads`` are flat, *live* mappings keyed
``"<index>.<name>"`` -- ``"0.W"``, ``"0.b"``, ``"2.W"`` -- where ``index`` is the
position of the layer in the chain (parameter-free layers such as ReLU take an
index but contribute no key; a nested Sequential gives ``"1.0.W"``). They read
and write through to the layers' own dicts, so an optimizer written for a single
layer works unchanged::

    for name in net.params:
        net.params[name] = net.params[name] - lr * net.grads[name]

Only existing names can be set, with an array of the same shape; entries cannot
be deleted.
"""

from __future__ import annotations

import functools

from collections.abc import Iterator, MutableMapping
from typing import Any

from ..validation import shape_str
from .layer import Layer

__all__ = ["Sequential"]


class _FlatView(MutableMapping):
    """``params`` or ``grads`` of every layer of a Sequential, keyed "index.name"."""

    def __init__(self, seq: "Sequential", attr: str) -> None:
        self._seq = seq
        self._attr = attr

    def _locate(self, key: str):
        index, sep, name = key.partition(".") if isinstance(key, str) else ("", "", "")
        if not sep or not index.isdigit() or int(index) >= len(self._seq.layers):
            raise KeyError(key)
        return self._seq.layers[int(index)], name

    def __getitem__(self, key: str):
        layer, name = self._locate(key)
        return getattr(layer, self._attr)[name]

    def __setitem__(self, key: str, value: Any) -> None:
        layer, name = self._locate(key)
        if name not in layer.params:
            raise KeyError(f"{self._seq.name}: no parameter named {key!r}; names are {list(self._seq.params)}")
        expected = tuple(layer.params[name].shape)
        if tuple(getattr(value, "shape", ())) != expected:
            raise ValueError(f"{self._seq.name}: expected {self._attr}[{key!r}] of shape {shape_str(expected)}, "
                             f"got shape {shape_str(getattr(value, 'shape', ()))}")
        getattr(layer, self._attr)[name] = value

    def __delitem__(self, key: str) -> None:
        raise TypeError(f"{self._seq.name}: {self._attr} entries cannot be deleted")

    def __iter__(self) -> Iterator[str]:
        for i, layer in enumerate(self._seq.layers):
            for name in getattr(layer, self._attr):
                yield f"{i}.{name}"

    def __len__(self) -> int:
        return sum(len(getattr(layer, self._attr)) for layer in self._seq.layers)

    def __repr__(self) -> str:
        items = ", ".join(f"{k!r}: shape {shape_str(v.shape)}" for k, v in self.items())
        return "{" + items + "}"


class Sequential(Layer):
    """Layers applied one after the other.

    Parameters
    ----------
    *layers : Layer
        The chain; the output shape of each must fit the next one's input.

    Attributes
    ----------
    layers : list of Layer
    params, grads : MutableMapping
        Flat live views keyed ``"<index>.<name>"`` (see the module docstring).

    Shapes: input as the first layer expects, output as the last one returns
    (an empty Sequential is the identity).
    """

    def __init__(self, *layers: Layer) -> None:
        # ``params`` / ``grads`` are views over the layers here, so the base
        # class's dicts are not created.
        for i, layer in enumerate(layers):
            if isinstance(layer, type) and issubclass(layer, Layer):
                raise TypeError(f"{self.name}: expected Layer instances, got the class {layer.__name__} "
                                f"at position {i}; did you mean {layer.__name__}()?")
            if not isinstance(layer, Layer):
                raise TypeError(f"{self.name}: expected Layer instances, got {type(layer).__name__} at position {i}")
        self.layers: list[Layer] = list(layers)
        self.training = True
        self._cache = None
        self._out_shape = None

    @property
    def params(self) -> _FlatView:
        return _FlatView(self, "params")

    @property
    def grads(self) -> _FlatView:
        return _FlatView(self, "grads")

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Layer:
        return self.layers[index]

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def train(self, mode: bool = True) -> "Sequential":
        """Set training mode on this chain and every layer in it; returns ``self``."""
        self.training = bool(mode)
        for layer in self.layers:
            layer.train(mode)
        return self

    def forward(self, x):
        """Run ``x`` through every layer in order; each keeps its own cache."""
        self._check_input(x)
        out = x
        for i, layer in enumerate(self.layers):
            out = self._at(i, layer.forward, out)
        return self._remember(out, done=True)

    #: ``backward(dout, input_grad=False)`` lets the first layer skip dL/dx.
    can_skip_input_grad = True

    def backward(self, dout, input_grad: bool = True):
        """Run ``dout`` through every layer in reverse; fills every layer's ``grads``.

        With ``input_grad=False`` (training: nothing needs the gradient of the data)
        the first layer may skip computing it, if it can; the result is then None.

        Returns dL/dx, the shape of the last forward input (or None, see above).
        """
        self._check_dout(dout)
        for i in reversed(range(len(self.layers))):
            layer = self.layers[i]
            if i == 0 and not input_grad and getattr(layer, "can_skip_input_grad", False):
                return self._at(0, functools.partial(layer.backward, input_grad=False), dout)
            dout = self._at(i, layer.backward, dout)
        return dout

    def _at(self, i: int, method, arg):
        """Call a layer's method; name the position in ValueError / TypeError messages."""
        try:
            return method(arg)
        except (ValueError, TypeError) as err:
            if type(err) not in (ValueError, TypeError):
                raise
            raise type(err)(f"{self.name}[{i}]: {err}") from err

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer).replace("\n", "\n  ") for layer in self.layers)
        return f"{self.name}(\n  {inner}\n)" if self.layers else f"{self.name}()"
