"""The semantic gap in numbers: how far apart, in pixels, images of one class drift."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..data import semantic_gap_images
from ..devices import on_cpu

KNOBS = ("viewpoint", "clutter", "illumination")
ALL = "all three"


def _mean_pairwise_distance(a: np.ndarray, b: np.ndarray | None = None) -> float:
    """Mean Euclidean distance between the flattened images of ``a`` and ``b`` (or within ``a``)."""
    a = a.reshape(a.shape[0], -1)
    b = a if b is None else b.reshape(b.shape[0], -1)
    d = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    if b is a:
        n = a.shape[0]
        return float(d.sum() / (n * (n - 1))) if n > 1 else 0.0
    return float(d.mean())


@on_cpu
def semantic_gap_distances(levels: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0), n_per_class: int = 12,
                           rng=0) -> dict:
    """Pixel distances between images of the *same* class as each knob is turned up.

    Parameters
    ----------
    levels : sequence of float in [0, 1]
        Strengths at which each knob (viewpoint, clutter, illumination) is set, the
        other two at 0.
    n_per_class : int
        Images per class drawn at each level.
    rng : int or numpy.random.Generator
        Seed of the image generator (the same seed at every level).

    Returns
    -------
    dict with
        ``"levels"`` : list of float;
        ``"same_class"`` : {knob: list of mean same-class distances, one per level},
        for each knob alone and for ``"all three"`` together;
        ``"between_classes"`` : mean distance between canonical images (all knobs 0)
        of *different* classes -- the yardstick: once the same-class distance passes
        it, a nearest-neighbour on pixels confuses the classes.
    """
    levels = [float(v) for v in levels]
    canon = semantic_gap_images(4 * n_per_class, rng=rng)
    classes = np.unique(canon.y)
    firsts = np.stack([canon.X[canon.y == c][0] for c in classes])
    between = _mean_pairwise_distance(firsts)  # all distinct classes
    same: dict[str, list[float]] = {}
    for knob in (*KNOBS, ALL):
        same[knob] = []
        for level in levels:
            knobs = dict.fromkeys(KNOBS, level) if knob == ALL else {knob: level}
            data = semantic_gap_images(len(classes) * n_per_class, rng=rng, **knobs)
            per_class = [_mean_pairwise_distance(data.X[data.y == c]) for c in classes]
            same[knob].append(float(np.mean(per_class)))
    return {"levels": levels, "same_class": same, "between_classes": between}
