"""Regularization (lecture topic 10): weight penalties, dropout, batch normalization.

- :func:`l2`, :func:`l1`, :func:`elastic_net` -- R(W) and dR/dW (L2 = Σ W², no ½).
- :func:`penalty` -- λ R summed over every weight matrix of a model, with gradients
  keyed like ``model.params``.
- :class:`Dropout` -- inverted dropout layer; ``p`` is the probability to *drop*.
- :class:`BatchNorm` -- batch normalization for (N, D) inputs; running statistics
  as in PyTorch (momentum 0.1 on the new batch, unbiased variance for the update).
"""

from .batchnorm import BatchNorm
from .dropout import Dropout
from .penalties import PENALTIES, elastic_net, is_weight, l1, l2, penalty

__all__ = ["l2", "l1", "elastic_net", "penalty", "is_weight", "PENALTIES", "Dropout", "BatchNorm"]
