"""Demos of 01 (features): the semantic gap, and HoG over a photo."""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from ..data import photo, semantic_gap_images
from ..features import hog_image
from ..i18n.demos import say
from ..i18n.figures import tr
from ..plotting import plot_hog
from ._base import Demo

__all__ = ["SemanticGapDemo", "HogDemo"]


def _slider(knob: str, value: float = 0.0) -> widgets.FloatSlider:
    """A slider of one of :func:`coursework.data.semantic_gap_images`' knobs, labelled as the figures name it."""
    return widgets.FloatSlider(value=value, min=0.0, max=1.0, step=0.05, description=tr(knob),
                               continuous_update=False)


class SemanticGapDemo(Demo):
    """Turn viewpoint, clutter and illumination up; watch the pixels drift from the reference.

    Left: the reference image of the chosen class (every knob at 0). Right: images of the
    same class under the knobs, each titled with its Euclidean pixel distance to the
    reference; the title gives the yardstick, the mean distance between the reference
    images of *different* classes. Past it, a nearest neighbour on pixels is lost.
    """

    title = "The semantic gap: same object, different pixels"
    height = 3.6
    samples = 4

    def make_controls(self):
        self._canon = semantic_gap_images(4, rng=0)
        names = self._canon.class_names
        refs = np.asarray(self._canon.X)
        d = np.sqrt(((refs[:, None] - refs[None, :]) ** 2).sum(axis=(2, 3, 4)))
        self.between = float(d.sum() / (len(refs) * (len(refs) - 1)))
        return {"name": widgets.Dropdown(options=[(tr(n), n) for n in names], value=names[0],
                                         description=say("gap_class")),
                "viewpoint": _slider("viewpoint"), "clutter": _slider("clutter"),
                "illumination": _slider("illumination")}

    def distances(self, name: str, viewpoint: float, clutter: float, illumination: float):
        """(reference image (H, W, 3), images (S, H, W, 3), pixel distances (S,)) of class ``name``."""
        k = list(self._canon.class_names).index(name)
        ref = np.asarray(self._canon.X[k])
        data = semantic_gap_images(4 * self.samples, viewpoint, clutter, illumination, rng=1)
        images = np.asarray(data.X)[np.asarray(data.y) == k][: self.samples]
        return ref, images, np.sqrt(((images - ref) ** 2).sum(axis=(1, 2, 3)))

    def draw(self, fig, name, viewpoint, clutter, illumination):
        ref, images, dist = self.distances(name, viewpoint, clutter, illumination)
        self.last_distances = dist
        axes = fig.subplots(1, 1 + len(images))
        titles = [say("gap_reference"), *(f"d = {v:.1f}" for v in dist)]
        for ax, img, title, d in zip(axes, [ref, *images], titles, [0.0, *dist]):
            ax.imshow(np.clip(img, 0, 1))
            ax.set_title(title, color="black" if d < self.between else "#b00020")
            ax.axis("off")
        fig.suptitle(say("gap_suptitle", between=f"{self.between:.1f}"))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.84, wspace=0.08)


class HogDemo(Demo):
    """HoG over a photo: orientations and cell size, the cells' orientation picture beside it."""

    title = "Histogram of oriented gradients over a photo"
    height = 3.3

    def make_controls(self):
        photos = ["chelsea", "astronaut", "coffee", "motorcycle"]
        return {"name": widgets.Dropdown(options=[(tr(p), p) for p in photos],
                                         value="chelsea", description=tr("photo")),
                "orientations": widgets.IntSlider(value=9, min=2, max=18, description=say("hog_orientations"),
                                                  continuous_update=False),
                "cell": widgets.IntSlider(value=8, min=4, max=24, step=2, description=say("hog_cell"),
                                          continuous_update=False)}

    @staticmethod
    @functools.lru_cache(maxsize=8)
    def grey(name: str) -> np.ndarray:
        """The photo halved in each direction (mean of 2x2 blocks), grey in [0, 1]: (H, W) (cached: do not modify)."""
        image = photo(name).astype(np.float64).mean(axis=-1) / 255.0
        h, w = (image.shape[0] // 2) * 2, (image.shape[1] // 2) * 2
        return image[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    def draw(self, fig, name, orientations, cell):
        grey = self.grey(name)
        picture = hog_image(grey, orientations=orientations, pixels_per_cell=(cell, cell), channel_axis=None)
        ax0, ax1, ax2 = fig.subplots(1, 3)
        ax0.imshow(grey, cmap="gray", vmin=0, vmax=1)
        ax0.set_title(say("hog_photo_title", name=tr(name), height=grey.shape[0], width=grey.shape[1]))
        ax0.axis("off")
        plot_hog(grey, picture, ax=ax1, title=say("hog_overlay_title", orientations=orientations, cell=cell))
        ax2.imshow(picture, cmap="gray")
        ax2.set_title(say("hog_cells_title"))
        ax2.axis("off")
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.89, wspace=0.05)
