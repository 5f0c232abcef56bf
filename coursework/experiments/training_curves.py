"""What a training history says about overfitting (assignment 07): the accuracies at
the end, the train - validation gap, and the epoch early stopping keeps.

- :func:`final_accuracies` -- mean training and validation accuracy over the last epochs.
- :func:`train_val_gap` -- how far validation falls behind training (exercise
  ``train_val_gap``).
- :func:`early_stopping_epoch` -- the epoch of best validation accuracy, with an optional
  patience (exercise ``early_stopping_epoch``).

A history is anything with ``train_accuracy`` and ``val_accuracy`` lists, one value per
epoch, such as :class:`coursework.train.History`. Epochs are counted from 0 when they
index a history list (``history.val_accuracy[e]`` is the accuracy after epoch ``e + 1``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..train import History
from ..devices import on_cpu

__all__ = ["final_accuracies", "train_val_gap", "early_stopping_epoch"]


def _check_history(history: Any, func: str) -> tuple[list[float], list[float]]:
    train = list(getattr(history, "train_accuracy", []))
    val = list(getattr(history, "val_accuracy", []))
    if not train or len(train) != len(val):
        raise ValueError(f"{func}: expected a History with as many validation as training accuracies (at least "
                         f"one), got {len(train)} training and {len(val)} validation accuracies")
    return train, val


@on_cpu
def final_accuracies(history: History, last: int = 5) -> tuple[float, float]:
    """Mean training and validation accuracy over the ``last`` epochs (all if fewer)."""
    train, val = _check_history(history, "final_accuracies")
    k = min(int(last), len(train))
    return float(np.mean(train[-k:])), float(np.mean(val[-k:]))


@on_cpu
def train_val_gap(history: History, last: int = 5) -> float:
    """How far validation accuracy falls behind training accuracy at the end of training.

    Parameters
    ----------
    history : History
        With ``train_accuracy`` and ``val_accuracy``, one value per epoch.
    last : int >= 1
        Number of final epochs to average over (all of them when there are fewer).

    Returns
    -------
    float
        ``mean(train_accuracy[e] − val_accuracy[e])`` over the last ``last`` epochs;
        positive when the model does better on its training data.
    """
    if isinstance(last, bool) or not isinstance(last, numbers.Integral) or last < 1:
        raise ValueError(f"train_val_gap: expected last to be an integer >= 1, got {last!r}")
    train, val = _check_history(history, "train_val_gap")
    # BEGIN REFERENCE 07_overfitting
    k = min(int(last), len(train))
    return float(np.mean(np.asarray(train[-k:]) - np.asarray(val[-k:])))
    # END REFERENCE


@on_cpu
def early_stopping_epoch(val_accuracy: Sequence[float], patience: int | None = None) -> int:
    """The epoch early stopping keeps: the best validation accuracy seen before stopping.

    Walk through the epochs in order, remembering the best one so far (only a
    strictly higher accuracy is a new best, so ties keep the earlier epoch). With
    a ``patience``, training stops after the first epoch ``e`` with
    ``e − best >= patience`` (``patience`` epochs in a row without a new best).

    Parameters
    ----------
    val_accuracy : sequence of float, length >= 1
        Validation accuracy after every epoch.
    patience : int >= 1 or None
        None: never stop early, i.e. the first epoch of the highest accuracy.

    Returns
    -------
    int
        The index (from 0) of the kept epoch in ``val_accuracy``.
    """
    values = [float(v) for v in val_accuracy]
    if not values:
        raise ValueError("early_stopping_epoch: expected at least one validation accuracy, got none")
    if patience is not None and (isinstance(patience, bool) or not isinstance(patience, numbers.Integral)
                                 or patience < 1):
        raise ValueError(f"early_stopping_epoch: expected patience to be an integer >= 1 or None, got {patience!r}")
    # BEGIN REFERENCE 07_overfitting
    best = 0
    for epoch, value in enumerate(values):
        if value > values[best]:
            best = epoch
        elif patience is not None and epoch - best >= patience:
            break
    return best
    # END REFERENCE
