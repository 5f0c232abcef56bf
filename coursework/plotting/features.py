"""Plots of 01 (features) and the image grid every topic uses: image grids, colour histograms,
HoG pictures, accuracy bars.

Each function draws on the given matplotlib ``Axes`` (or makes a figure) and returns
the figure, so a notebook cell is one call. Arrays from any backend are copied to the
host here (:func:`coursework.backend.to_host`), the one place plots need it.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..backend import to_host
from ..i18n.figures import tr

__all__ = ["show_images", "plot_color_histogram", "plot_hog", "plot_accuracies", "plot_distances"]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def show_images(images, titles: Sequence[str] | None = None, ncols: int = 8, size: float = 1.6, suptitle: str = ""):
    """A grid of images.

    Parameters
    ----------
    images : array of shape (N, H, W, 3) or (N, H, W)
        uint8 (0-255) or float (0-1) images.
    titles : list of N str, optional
    ncols : int
        Images per row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = to_host(images)
    n = images.shape[0]
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = _plt().subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if suptitle else 0)),
                                squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            img = images[i]
            ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=255 if img.dtype == np.uint8 else 1)
            if titles is not None:
                ax.set_title(tr(str(titles[i])), fontsize=8)
    if suptitle:
        fig.suptitle(tr(suptitle))
    fig.tight_layout()
    return fig


def plot_color_histogram(hist, bins: int, ax=None, title: str = ""):
    """Bars of a joint RGB histogram, each bar painted in the colour of its bin centre.

    Parameters
    ----------
    hist : array of shape (bins**3,)
        As returned by :func:`coursework.features.color_histogram` for one image
        (index ``r * bins**2 + g * bins + b``).
    bins : int
        Bins per channel.
    """
    hist = to_host(hist)
    if hist.shape != (bins ** 3,):
        raise ValueError(f"plot_color_histogram: expected hist of shape ({bins ** 3},) for bins={bins}, "
                         f"got shape {hist.shape}")
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 2.5))
    centres = (np.arange(bins) + 0.5) / bins
    r, g, b = np.meshgrid(centres, centres, centres, indexing="ij")
    colours = np.stack([r.ravel(), g.ravel(), b.ravel()], axis=1)
    ax.bar(np.arange(hist.size), hist, color=colours, width=1.0, edgecolor="none")
    ax.set_xlim(-0.5, hist.size - 0.5)
    ax.set_xlabel(tr("colour bin (r, g, b)"))
    ax.set_ylabel(tr("fraction of pixels"))
    if title:
        ax.set_title(tr(title))
    return ax.figure


def plot_hog(image, hog_picture, ax=None, title: str = "HoG cells over the image"):
    """The image in grey with its HoG picture (:func:`coursework.features.hog_image`) on top."""
    image, hog_picture = to_host(image), to_host(hog_picture)
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    grey = image.mean(axis=-1) if image.ndim == 3 else image
    ax.imshow(grey, cmap="gray", vmin=float(grey.min()), vmax=2.5 * float(grey.max()) or 1.0)  # darkened
    peak = float(hog_picture.max()) or 1.0
    # Yellow lines whose opacity is the strength of their orientation bin.
    overlay = np.zeros(hog_picture.shape + (4,))
    overlay[..., :3] = (1.0, 0.85, 0.0)
    overlay[..., 3] = np.clip(hog_picture / peak, 0, 1) ** 0.5
    ax.imshow(overlay)
    ax.set_title(tr(title))
    ax.axis("off")
    return ax.figure


def plot_accuracies(accuracies: Mapping[str, float], ax=None, chance: float | None = None, title: str = ""):
    """Bars of accuracy per method, each labelled with its value (and a chance line)."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    names = list(accuracies)
    values = [float(accuracies[k]) for k in names]
    bars = ax.bar([tr(n) for n in names], values, color=plt.cm.tab10(np.arange(len(names)) % 10))
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v + 0.01, f"{v:.0%}", ha="center", va="bottom")
    if chance is not None:
        ax.axhline(chance, color="grey", linestyle="--", label=tr(f"chance {chance:.0%}"))
        ax.legend(loc="lower right")
    ax.set_ylim(0, 1.1)
    ax.set_ylabel(tr("test accuracy"))
    if title:
        ax.set_title(tr(title))
    return ax.figure


def plot_distances(levels, distances: Mapping[str, Sequence[float]], ax=None, ylabel: str = "", title: str = ""):
    """Lines of a quantity against a knob's level, one line per named series."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    for name, values in distances.items():
        ax.plot(levels, values, marker="o", label=tr(name))
    ax.set_xlabel(tr("strength"))
    ax.set_ylabel(tr(ylabel))
    ax.legend()
    if title:
        ax.set_title(tr(title))
    return ax.figure
