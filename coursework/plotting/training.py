"""Plots of training: loss curves, random search, a training history, values per setting.

Like :mod:`coursework.plotting.features`, each function draws on the given matplotlib ``Axes``
(or makes a figure) and returns the figure, so a notebook cell is one call. Arrays of
any backend are copied to the host here.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..backend import to_host
from ..i18n.figures import tr

__all__ = ["plot_curves", "plot_random_search", "plot_history", "plot_values"]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _axes(ax, figsize=(5.5, 3.2)):
    if ax is None:
        _, ax = _plt().subplots(figsize=figsize)
    return ax


def plot_curves(curves: Mapping[str, object], ax=None, *, xlabel: str = "", ylabel: str = "", title: str = "",
                logx: bool = False, logy: bool = False, hline: float | None = None, hline_label: str = "",
                marker: str | None = None):
    """One line per named curve.

    Parameters
    ----------
    curves : mapping name -> ys or (xs, ys)
        A sequence of y values (x = 0, 1, 2, ...) or a pair of equal-length sequences.
    logx, logy : bool
        Logarithmic axes.
    hline : float, optional
        A dashed horizontal reference line (e.g. a target loss), labelled ``hline_label``.
    """
    ax = _axes(ax)
    for name, curve in curves.items():
        if isinstance(curve, tuple) and len(curve) == 2:
            xs, ys = np.asarray(to_host(curve[0]), dtype=float), np.asarray(to_host(curve[1]), dtype=float)
        else:
            ys = np.asarray(to_host(curve), dtype=float)
            xs = np.arange(ys.shape[0])
        if xs.shape != ys.shape:
            raise ValueError(f"plot_curves: expected xs and ys of one length for {name!r}, "
                             f"got {xs.shape} and {ys.shape}")
        ax.plot(xs, ys, label=tr(name), marker=marker)
    if hline is not None:
        ax.axhline(hline, color="grey", linestyle="--", label=tr(hline_label) or None)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(tr(xlabel))
    ax.set_ylabel(tr(ylabel))
    if title:
        ax.set_title(tr(title))
    if curves or hline_label:
        ax.legend()
    return ax.figure


def plot_random_search(losses: Sequence[float], ax=None, title: str = "random search"):
    """The loss of every random try (dots) and the best so far (line)."""
    losses = np.asarray(losses, dtype=float)
    ax = _axes(ax)
    tries = np.arange(1, losses.shape[0] + 1)
    ax.plot(tries, losses, ".", markersize=2, alpha=0.4, label=tr("loss of each try"))
    ax.plot(tries, np.minimum.accumulate(losses), color="C3", label=tr("best so far"))
    ax.set_xlabel(tr("try"))
    ax.set_ylabel(tr("training loss"))
    ax.set_title(tr(title))
    ax.legend()
    return ax.figure


def plot_history(history, title: str = ""):
    """A :class:`coursework.train.History`: loss per iteration (with the epoch means) and
    accuracy per epoch, side by side."""
    plt = _plt()
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 3.2))
    k = history.iterations_per_epoch
    ax0.plot(np.arange(1, len(history.loss) + 1), history.loss, alpha=0.5, label=tr("minibatch loss"))
    means = history.epoch_loss()
    ax0.plot(k * np.arange(1, len(means) + 1), means, marker="o", label=tr("mean over the epoch"))
    ax0.set_xlabel(tr(f"iteration ({k} per epoch)"))
    ax0.set_ylabel(tr("loss"))
    ax0.legend()
    epochs = np.arange(1, len(history.train_accuracy) + 1)
    ax1.plot(epochs, history.train_accuracy, marker="o", label=tr("training"))
    if history.val_accuracy:
        ax1.plot(epochs, history.val_accuracy, marker="o", label=tr("validation"))
    ax1.set_xlabel(tr("epoch"))
    ax1.set_ylabel(tr("accuracy"))
    ax1.legend()
    if title:
        fig.suptitle(tr(title))
    fig.tight_layout()
    return fig


def plot_values(values: Mapping[str, float], ax=None, *, ylabel: str = "", title: str = "", fmt: str = "{:.3g}",
                logy: bool = False, reference: float | None = None, reference_label: str = ""):
    """Bars of one value per named setting, each labelled with its value."""
    plt = _plt()
    ax = _axes(ax, figsize=(5, 3))
    names = list(values)
    heights = [float(values[k]) for k in names]
    bars = ax.bar([tr(n) for n in names], heights, color=plt.cm.tab10(np.arange(len(names)) % 10))
    for bar, v in zip(bars, heights):
        ax.text(bar.get_x() + bar.get_width() / 2, v, fmt.format(v), ha="center", va="bottom")
    if reference is not None:
        ax.axhline(reference, color="grey", linestyle="--", label=tr(reference_label) or None)
        if reference_label:
            ax.legend(loc="upper left")
    if logy:
        ax.set_yscale("log")
    ax.set_ylabel(tr(ylabel))
    if title:
        ax.set_title(tr(title))
    ax.margins(y=0.15)
    return ax.figure
