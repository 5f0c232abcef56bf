"""A fully connected network: Linear, activation, ..., Linear (lecture topics 4 and 6).

``MLP([D, H, C])`` is the lecture's 2-layer net f = W2 max(0, W1 x) (plus biases);
``MLP([D, H1, H2, C])`` is the 3-layer (2-hidden-layer) net. Without the
activations the Linear layers would collapse into one (W2 W1 x = W3 x).
"""

from __future__ import annotations

from typing import Any, Callable

from .. import backend
from ..validation import check_positive_int
from .activations import ELU, LeakyReLU, ReLU, Sigmoid, Tanh
from .init import as_generator
from .layer import Layer
from .linear import Linear
from .sequential import Sequential

__all__ = ["MLP", "ACTIVATIONS"]

#: Activation names accepted by :class:`MLP`.
ACTIVATIONS: dict[str, type[Layer]] = {
    "relu": ReLU, "leaky_relu": LeakyReLU, "elu": ELU, "sigmoid": Sigmoid, "tanh": Tanh,
}


class MLP(Sequential):
    """Multi-layer perceptron built from :class:`Linear` and an activation.

    Parameters
    ----------
    sizes : sequence of int
        ``[D, H1, ..., C]``: input size, hidden sizes, number of outputs (at least
        two entries; ``[D, C]`` is a linear classifier).
    activation : str or callable, default "relu"
        One of ``"relu"``, ``"leaky_relu"``, ``"elu"``, ``"sigmoid"``, ``"tanh"``,
        or a callable with no arguments returning a fresh activation layer (a layer
        class such as ``Tanh``, or ``lambda: LeakyReLU(0.1)``). Used after every
        Linear layer but the last.
    rng : numpy.random.Generator or int, keyword-only, required
        Source of the initial weights; the Linear layers draw from it in order.
        Required (randomness is passed in) and named, ``MLP(sizes, rng=0)``.
    init, dtype, like : optional
        Passed to every :class:`Linear` (defaults "he", None: float64, None: the
        active device).

    Attributes
    ----------
    layers : list of Layer
        ``[Linear, act, Linear, act, ..., Linear]``: Linear layers at the even
        positions 0, 2, 4, ...
    params, grads : MutableMapping
        As for :class:`Sequential`: ``"0.W"``, ``"0.b"``, ``"2.W"``, ``"2.b"``, ...
        (``"0.W"`` is the lecture's W1 stored transposed, shape (D, H1)).

    Shapes: ``forward`` maps (N, D) to scores (N, C); ``backward`` maps (N, C)
    to (N, D); ``predict`` returns (N,) integer labels.
    """

    def __init__(self, sizes, activation: str | Callable[[], Layer] = "relu", *, rng: Any,
                 init: Any = "he", dtype: Any = None, like: Any = None) -> None:
        try:
            sizes = [check_positive_int(s, "sizes", "MLP") for s in sizes]
        except TypeError:
            raise TypeError(f"MLP: expected sizes to be a sequence of positive integers, got {sizes!r}") from None
        if len(sizes) < 2:
            raise ValueError(f"MLP: expected at least two sizes [D, ..., C], got {sizes!r}")
        make = self._activation_factory(activation)
        rng = as_generator(rng, "MLP")
        layers: list[Layer] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(fan_in, fan_out, rng, init=init, dtype=dtype, like=like))
            if i < len(sizes) - 2:
                act = make()
                if not isinstance(act, Layer):
                    raise TypeError(f"MLP: expected activation to make a Layer, got {type(act).__name__}")
                layers.append(act)
        super().__init__(*layers)
        self.sizes = sizes

    @staticmethod
    def _activation_factory(activation) -> Callable[[], Layer]:
        if isinstance(activation, str):
            if activation not in ACTIVATIONS:
                raise ValueError(f"MLP: expected activation to be one of {sorted(ACTIVATIONS)} "
                                 f"or a layer class, got {activation!r}")
            return ACTIVATIONS[activation]
        if not callable(activation):
            raise TypeError(f"MLP: expected activation to be a name or a layer class, got {activation!r}")
        return activation

    def predict(self, x):
        """Predicted labels: argmax of the scores, in evaluation mode.

        Parameters
        ----------
        x : array of shape (N, D)

        Returns
        -------
        labels : integer array of shape (N,), on the device of ``x``.

        Runs a forward pass (which replaces the cache ``backward`` would use)
        and restores the training flag afterwards.
        """
        was_training = self.training
        self.eval()
        try:
            scores = self.forward(x)
        finally:
            self.train(was_training)
        return backend.namespace(scores).argmax(scores, axis=1)

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, layers={super().__repr__()[len(self.name):]})"
