"""Training loops (lecture topics 7 and 8).

- :func:`random_search` -- the baseline: best of many random weight matrices.
- :func:`gradient_descent` -- full-batch gradient descent, returns the loss history.
- :func:`minibatch_indices`, :func:`minibatches`, :func:`iterations_per_epoch` -- one
  shuffled pass over the data in batches (true epochs: every sample exactly once).
- :func:`fit` -- minibatch SGD over epochs with any optimizer, optional
  regularization and validation set, a progress bar; returns a :class:`History`.
- :func:`accuracy` -- share of correctly classified samples, in evaluation mode.
"""

from .batches import iterations_per_epoch, minibatch_indices, minibatches
from .fit import History, accuracy, fit
from .gradient_descent import LOSSES, gradient_descent, training_step
from .random_search import random_search

__all__ = ["iterations_per_epoch", "minibatch_indices", "minibatches", "fit", "History", "accuracy",
           "gradient_descent", "training_step", "LOSSES", "random_search"]
