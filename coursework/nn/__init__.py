"""Neural-network layers with the lecture's modular forward / backward API.

Layers (``forward(x)`` -> out, ``backward(dout)`` -> dx, ``params`` / ``grads``)::

    Linear, Flatten, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Maxout, Sequential, MLP
    Activation(forward, backward): a layer from your own pair of functions

Losses returning ``(loss, dscores)``: ``softmax_cross_entropy``, ``svm_loss``.
Activation functions and derivatives: :mod:`coursework.nn.functional`.
"""

from . import functional
from .activations import ELU, Activation, LeakyReLU, Maxout, ReLU, Sigmoid, Tanh
from .flatten import Flatten
from .layer import Layer
from .linear import Linear
from .losses import softmax_cross_entropy, svm_loss
from .mlp import MLP
from .sequential import Sequential

__all__ = ["Layer", "Linear", "Flatten", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Maxout", "Activation",
           "Sequential", "MLP", "softmax_cross_entropy", "svm_loss", "functional"]
