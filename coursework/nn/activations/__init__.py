"""Activation layers, one per file: Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Maxout."""

from .elu import ELU
from .leaky_relu import LeakyReLU
from .maxout import Maxout
from .relu import ReLU
from .sigmoid import Sigmoid
from .tanh import Tanh

__all__ = ["Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Maxout"]
