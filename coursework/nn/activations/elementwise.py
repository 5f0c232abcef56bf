"""Shared shape of the element-wise activation layers: out = f(x), dx = dout * f'(x)."""

from __future__ import annotations

from ... import backend
from ..layer import Layer

__all__ = ["Elementwise"]


class Elementwise(Layer):
    """An activation applied to every element; no parameters.

    Subclasses set :meth:`function` and :meth:`derivative` (from
    :mod:`coursework.nn.functional`). ``forward`` keeps its input ``x`` and
    ``backward`` returns ``dout * f'(x)`` -- the lecture's "upstream gradient times
    local gradient".

    Shapes: ``x`` of any shape (N, ...); output and ``dx`` of the same shape and
    dtype as ``x``.
    """

    def function(self, x):
        raise NotImplementedError

    def derivative(self, x):
        raise NotImplementedError

    def forward(self, x):
        """Apply the activation to every element of ``x`` (any shape)."""
        self._check_input(x)
        # BEGIN REFERENCE 04_backprop
        return self._remember(self.function(x), x=x)
        # END REFERENCE

    def backward(self, dout):
        """Return ``dout * f'(x)``, same shape as ``x``."""
        x = self._check_dout(dout)["x"]
        # BEGIN REFERENCE 04_backprop
        xp = backend.namespace(dout)
        return xp.astype(dout, x.dtype, copy=False) * self.derivative(x)
        # END REFERENCE
