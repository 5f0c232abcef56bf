"""Classification losses returning ``(loss, dscores)``, the loss a 0-d array."""

from .softmax_cross_entropy import softmax_cross_entropy
from .svm import svm_loss

__all__ = ["softmax_cross_entropy", "svm_loss"]
