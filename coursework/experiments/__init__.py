"""The lecture's experiments as functions: the notebooks call and plot them, the tests
assert what they show."""

from .features_vs_pixels import features_vs_pixels, linear_accuracy
from .semantic_gap import semantic_gap_distances

__all__ = ["features_vs_pixels", "linear_accuracy", "semantic_gap_distances"]
