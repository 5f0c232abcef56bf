"""Plots of assignment 07 (overfitting): polynomial fits, error against a knob, and
training vs validation accuracy over epochs and over λ.

Each function draws on the given matplotlib ``Axes`` (or makes a figure) and returns
the figure. Inputs are host data (Python lists, NumPy arrays) or arrays of any backend,
copied to the host with :func:`coursework.backend.to_host`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..backend import to_host

__all__ = ["plot_polynomial_fits", "plot_errors", "plot_accuracy_curves", "plot_sweep"]


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_polynomial_fits(x_train, y_train, curves: Mapping[str, Any], x_new=None, y_new=None, ax=None,
                         title: str = ""):
    """Training points, optional new points, and polynomials drawn over [-1, 1].

    Parameters
    ----------
    x_train, y_train : arrays of shape (N,)
    curves : mapping label -> coefficients (degree + 1,), constant first
    x_new, y_new : arrays of shape (M,), optional
        New points from the same source, drawn as light dots.

    The y-axis is kept to the data's range (a polynomial through every point may
    swing far outside it between the points).
    """
    ax = _axes(ax, (6, 3.5))
    x_train, y_train = to_host(x_train), to_host(y_train)
    grid = np.linspace(-1.0, 1.0, 400)
    ys = [y_train] + ([to_host(y_new)] if y_new is not None else [])
    low, high = min(float(v.min()) for v in ys), max(float(v.max()) for v in ys)
    pad = 0.3 * (high - low)
    if x_new is not None:
        ax.scatter(to_host(x_new), to_host(y_new), s=8, color="0.7", label="new points", zorder=1)
    for label, coef in curves.items():
        coef = to_host(coef)
        ax.plot(grid, np.vander(grid, coef.shape[0], increasing=True) @ coef, label=label, zorder=2)
    ax.scatter(x_train, y_train, s=30, color="black", label="training points", zorder=3)
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax.figure


def plot_errors(values: Sequence[Any], train: Sequence[float], test: Sequence[float], ax=None, xlabel: str = "",
                ylabel: str = "mean squared error", title: str = "", logy: bool = True, ylim=None):
    """Training and test error against a knob (degree, λ, ...), one point per value.

    ``values`` are placed at equal steps and written as tick labels, so that 0 and
    powers of ten can share one axis. ``ylim`` = (low, high) crops the y-axis (an
    error of 0 up to rounding, 1e-25, would otherwise squash the rest).
    """
    ax = _axes(ax, (5, 3))
    pos = np.arange(len(values))
    ax.plot(pos, list(train), marker="o", label="training points")
    ax.plot(pos, list(test), marker="s", label="new points")
    ax.set_xticks(pos, [f"{v:g}" for v in values])
    if logy:
        ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax.figure


def plot_accuracy_curves(histories: Mapping[str, Any], ax=None, title: str = "",
                         mark: Mapping[str, int] | None = None):
    """Training (solid) and validation (dashed) accuracy over epochs, one colour per history.

    Parameters
    ----------
    histories : mapping label -> History (``train_accuracy``, ``val_accuracy``)
    mark : mapping label -> epoch index, optional
        Put a star on that history's validation curve at that epoch (e.g. the epoch
        early stopping keeps).
    """
    import matplotlib.pyplot as plt

    ax = _axes(ax, (6, 3.5))
    colours = plt.cm.tab10(np.arange(len(histories)) % 10)
    for colour, (label, h) in zip(colours, histories.items()):
        epochs = np.arange(1, len(h.train_accuracy) + 1)
        ax.plot(epochs, h.train_accuracy, color=colour, label=f"{label}: training")
        ax.plot(epochs, h.val_accuracy, color=colour, linestyle="--", label=f"{label}: validation")
        if mark and label in mark:
            e = int(mark[label])
            ax.plot(e + 1, h.val_accuracy[e], marker="*", markersize=14, color=colour, linestyle="none",
                    label=f"{label}: kept epoch {e + 1}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_sweep(lams: Sequence[float], train: Sequence[float], val: Sequence[float], ax=None, title: str = ""):
    """Final training and validation accuracy for every λ of a sweep."""
    ax = _axes(ax, (5, 3))
    pos = np.arange(len(lams))
    ax.plot(pos, list(train), marker="o", label="training")
    ax.plot(pos, list(val), marker="s", linestyle="--", label="validation")
    ax.set_xticks(pos, [f"{v:g}" for v in lams])
    ax.set_xlabel("λ (L2 strength)")
    ax.set_ylabel("accuracy, last 5 epochs")
    ax.set_ylim(0, 1.02)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax.figure
