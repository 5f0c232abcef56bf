"""Activation layers, one per file: Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Maxout, and
Activation (a layer from your own forward and backward functions)."""

from .custom import Activation
from .elu import ELU
from .leaky_relu import LeakyReLU
from .maxout import Maxout
from .relu import ReLU
from .sigmoid import Sigmoid
from .tanh import Tanh

__all__ = ["Activation", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Maxout"]
