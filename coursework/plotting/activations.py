"""Plots of assignment 03 (activations): a function with its derivative, bars per
activation and setting, and the decision regions of a classifier in the plane.

Like :mod:`coursework.plotting.features`, each function draws on the given matplotlib ``Axes``
(or makes a figure) and returns the figure; arrays from any backend are copied to
the host first.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ..backend import from_host, to_host
from ..i18n.figures import tr

__all__ = ["plot_function_and_derivative", "plot_activation_panels", "plot_bars", "plot_grouped_bars", "plot_decision_regions"]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def plot_function_and_derivative(x, y, dy, name: str = "", ax=None, ylim: tuple[float, float] | None = None):
    """An activation f (solid) and its derivative f' (dashed) over the same inputs.

    Parameters
    ----------
    x : array of shape (K,)
        Inputs, increasing.
    y, dy : arrays of shape (K,)
        f(x) and f'(x).
    name : str
        Title of the panel.
    ylim : (low, high), optional
    """
    x, y, dy = (np.asarray(to_host(a), dtype=np.float64) for a in (x, y, dy))
    if not (x.ndim == 1 and y.shape == x.shape and dy.shape == x.shape):
        raise ValueError(f"plot_function_and_derivative: expected x, y, dy of the same shape (K,), "
                         f"got {x.shape}, {y.shape}, {dy.shape}")
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 2.5))
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.plot(x, y, label="f(x)")
    ax.plot(x, dy, linestyle="--", label="f'(x)")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    if name:
        ax.set_title(tr(name))
    ax.legend(loc="upper left", fontsize=8)
    return ax.figure


def plot_activation_panels(functions: Mapping[str, tuple], x=None, ncols: int = 5, size: float = 2.6,
                           ylim: tuple[float, float] = (-1.5, 3.0)):
    """One panel per activation: f(x) and f'(x), from a forward and a backward function.

    Parameters
    ----------
    functions : mapping name -> (forward, backward)
        ``forward(x)`` returns f(x); ``backward(dout, x)`` returns dout * f'(x), so
        f'(x) is ``backward(ones, x)``. A function that raises (e.g.
        ``NotImplementedError`` for an exercise not done yet) gets a panel that says so
        instead of a plot.
    x : array of shape (K,), optional
        Inputs (default: 401 points on [-4, 4]).

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = np.linspace(-4.0, 4.0, 401) if x is None else np.asarray(x, dtype=np.float64)
    names = list(functions)
    ncols = max(1, min(ncols, len(names)))
    nrows = -(-len(names) // ncols)
    plt = _plt()
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.axis("off")
    for ax, name in zip(axes.flat, names):
        forward, backward = functions[name]
        try:
            y = forward(x.copy())
            dy = backward(np.ones_like(x), x.copy())
            plot_function_and_derivative(x, y, dy, name, ax=ax, ylim=ylim)
        except Exception as exc:  # an exercise not done yet, or a wrong shape
            ax.set_title(tr(name))
            ax.text(0.5, 0.5, f"{type(exc).__name__}\n{str(exc)[:60]}", ha="center", va="center",
                    transform=ax.transAxes, fontsize=8, wrap=True)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.tight_layout()
    return fig


def plot_bars(values: Mapping[str, float], ax=None, ylabel: str = "", title: str = "", fmt: str = "{:.2f}"):
    """One bar per name, labelled with its value, with a line at 0."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    names = list(values)
    heights = [float(values[k]) for k in names]
    bars = ax.bar([tr(n) for n in names], heights, color=plt.cm.tab10(np.arange(len(names)) % 10))
    for bar, v in zip(bars, heights):
        ax.text(bar.get_x() + bar.get_width() / 2, v, fmt.format(v), ha="center", va="bottom" if v >= 0 else "top")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(tr(ylabel))
    if title:
        ax.set_title(tr(title))
    return ax.figure


def plot_grouped_bars(values: Mapping[str, Mapping[str, float]], ax=None, ylabel: str = "", title: str = "",
                      fmt: str = "{:.0%}", ylim: tuple[float, float] | None = (0, 1.1)):
    """Groups of bars: one group per outer key, one bar per inner key (same inner keys in every group).

    Parameters
    ----------
    values : mapping group -> (series -> value)
        E.g. setting -> activation -> fraction of dead units.
    """
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3))
    groups = list(values)
    series = list(values[groups[0]]) if groups else []
    width = 0.8 / max(1, len(series))
    colours = plt.cm.tab10(np.arange(len(series)) % 10)
    for j, name in enumerate(series):
        xs = np.arange(len(groups)) + (j - (len(series) - 1) / 2) * width
        heights = [float(values[g][name]) for g in groups]
        bars = ax.bar(xs, heights, width=width, color=colours[j], label=tr(name))
        for bar, v in zip(bars, heights):
            ax.text(bar.get_x() + bar.get_width() / 2, v, fmt.format(v), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(np.arange(len(groups)), [tr(g) for g in groups])
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_ylabel(tr(ylabel))
    ax.legend(fontsize=8)
    if title:
        ax.set_title(tr(title))
    return ax.figure


def plot_decision_regions(model: Any, X, y, ax=None, title: str = "", resolution: int = 200, margin: float = 0.1):
    """The class a 2-D classifier predicts at every point of the plane, with the data on top.

    Parameters
    ----------
    model : Layer
        Maps points (K, 2) to scores (K, C) with ``forward`` (e.g. an MLP); the
        predicted class is the argmax. Evaluated in evaluation mode on a
        ``resolution x resolution`` grid, the training flag restored afterwards.
    X : array of shape (N, 2)
    y : integer array of shape (N,)
    resolution : int
        Grid points per axis.
    margin : float
        Space around the data, as a fraction of its range.
    """
    X, y = to_host(X), to_host(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"plot_decision_regions: expected X of shape (N, 2) and y of shape (N,), "
                         f"got {X.shape} and {y.shape}")
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * (hi - lo)
    g0 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    g1 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(g0, g1)
    grid = np.stack([xx.ravel(), yy.ravel()], axis=1)
    was_training = bool(getattr(model, "training", False))
    model.train(False)
    params = list(getattr(model, "params", {}).values())
    points = from_host(grid, like=params[0]) if params else grid   # on the model's device
    try:
        scores = to_host(model.forward(points))
    finally:
        model.train(was_training)
    n_classes = max(int(y.max()) + 1, scores.shape[1])
    cmap = plt.get_cmap("tab10", 10)
    regions = scores.argmax(axis=1).reshape(xx.shape)
    ax.contourf(xx, yy, regions, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap, vmin=-0.5, vmax=9.5, alpha=0.3)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=9.5, s=12, edgecolors="k", linewidths=0.3)
    ax.set_xlim(g0[0], g0[-1])
    ax.set_ylim(g1[0], g1[-1])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(tr(title))
    return ax.figure
