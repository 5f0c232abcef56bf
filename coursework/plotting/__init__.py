"""The figures of the notebooks and the lecture demos, one module per topic.

- :mod:`.features` -- image grids, colour histograms, HoG pictures, accuracy bars,
  distances against a knob (01, and the image grid every topic uses);
- :mod:`.activations` -- a function with its derivative, bars per setting, decision
  regions in the plane (03);
- :mod:`.training` -- loss curves, random search, a training history, values per
  setting (05, 06);
- :mod:`.overfitting` -- polynomial fits, errors against a knob, accuracy curves (07).

Each function draws on the given matplotlib ``Axes`` (or makes a figure) and returns
the figure, so a notebook cell is one call; arrays of any backend are copied to the
host first. Every public function is also importable from here
(``from coursework import plotting; plotting.show_images(...)``).
"""

from . import activations, features, overfitting, training
from .activations import (plot_activation_panels, plot_bars, plot_decision_regions, plot_function_and_derivative,
                          plot_grouped_bars)
from .features import plot_accuracies, plot_color_histogram, plot_distances, plot_hog, show_images
from .overfitting import plot_accuracy_curves, plot_errors, plot_polynomial_fits, plot_sweep
from .training import plot_curves, plot_history, plot_random_search, plot_values

__all__ = [*features.__all__, *activations.__all__, *training.__all__, *overfitting.__all__,
           "features", "activations", "training", "overfitting"]
