"""An activation layer made from two functions: ``forward(x)`` and ``backward(dout, x)``.

Notebook 03 has you write each activation as such a pair (``relu_forward(x)``,
``relu_backward(dout, x)``). :class:`Activation` turns a pair into a layer with the
modular API, so that a network can train with your own functions::

    net = MLP([2, 100, 3], lambda: Activation(relu_forward, relu_backward, "relu"), rng=0)

and the experiments of :mod:`coursework.experiments.activations` accept the pairs
(their ``functions=`` argument). With the package's own functions,
``Activation(F.relu, lambda dout, x: dout * F.relu_grad(x))`` computes exactly what
:class:`~coursework.nn.ReLU` does.

Its forward and backward are the layer API that assignment 04 asks for (``MySigmoid``):
they are a reference region of 04, shipped early in 03's bundle, whose experiments train
networks with them.
"""

from __future__ import annotations

from typing import Callable

from ...validation import shape_str
from ..layer import Layer

__all__ = ["Activation"]


class Activation(Layer):
    """An element-wise activation given by its forward and backward functions.

    Parameters
    ----------
    forward : callable
        ``forward(x)`` -> f(x), an array of the shape of ``x``.
    backward : callable
        ``backward(dout, x)`` -> ``dout * f'(x)``, an array of the shape of ``x``:
        the upstream gradient times the local one, at the input ``x`` of the forward pass.
    name : str, default "Activation"
        Shown in ``repr`` and in error messages.

    Shapes: x of any shape (N, ...) -> output of the same shape and dtype; ``backward``
    maps ``dout`` of that shape to ``dx`` of the same shape and dtype. No parameters
    (``params`` and ``grads`` are empty).

    ``forward`` keeps its input ``x`` for ``backward``, as the package's activation
    layers do. The functions get the arrays themselves: they must not modify them.
    """

    def __init__(self, forward: Callable, backward: Callable, name: str = "Activation") -> None:
        super().__init__()
        for what, f in (("forward", forward), ("backward", backward)):
            if not callable(f):
                raise TypeError(f"Activation: expected {what} to be a function, got {f!r} ({type(f).__name__})")
        if not isinstance(name, str) or not name:
            raise TypeError(f"Activation: expected name to be a non-empty str, got {name!r}")
        self._forward, self._backward, self._label = forward, backward, name

    @property
    def name(self) -> str:
        return self._label

    def __repr__(self) -> str:
        return f"Activation({self._label!r})"

    def _result(self, result, like, call: str):
        """``result`` as an array of the namespace, shape and dtype of ``like``, or a clear error."""
        xp = self._check_input(like)
        try:
            result = xp.asarray(result)
        except (TypeError, ValueError):
            raise TypeError(f"{self.name}: expected {call} to return an array, got {type(result).__name__}") from None
        if tuple(result.shape) != tuple(like.shape):
            raise ValueError(f"{self.name}: expected {call} to return shape {shape_str(like.shape)}, "
                             f"got shape {shape_str(result.shape)}")
        return xp.astype(result, like.dtype, copy=False)

    def forward(self, x):
        """``forward(x)``, of the shape and dtype of ``x``; keeps ``x`` for :meth:`backward`."""
        self._check_input(x)
        # BEGIN REFERENCE 04_backprop needed-by 03_activations
        return self._remember(self._result(self._forward(x), x, "forward(x)"), x=x)
        # END REFERENCE

    def backward(self, dout):
        """``backward(dout, x)`` with the ``x`` of the last forward pass; shape and dtype of ``x``."""
        x = self._check_dout(dout)["x"]
        # BEGIN REFERENCE 04_backprop needed-by 03_activations
        return self._result(self._backward(dout, x), x, "backward(dout, x)")
        # END REFERENCE
