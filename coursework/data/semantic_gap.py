"""Procedural images that make the lecture's "semantic gap" measurable.

Each image shows one simple object -- a cat's head, a house, a car or a tree --
drawn with NumPy from masks on a coordinate grid. Three knobs, each from 0
(canonical) to 1 (strong), turn on the nuisances that make raw pixels a poor
description of *what* is in a picture:

- ``viewpoint``: rotation (up to +-45 degrees), scale (x/1.35 .. x1.35), translation
  (up to 15% of the side) and a sideways squash (x/1.3 .. x1.3, a turn of the head);
- ``clutter``: the plain background fades into a random striped texture with
  random distractor shapes behind the object;
- ``illumination``: global brightness (x/1.8 .. x1.8), contrast (x/1.5 .. x1.5),
  a colour cast (x/1.15 .. x1.15 per channel) and a linear shading gradient.

With all knobs at 0, every image of a class is the same picture. The random
numbers of an image are drawn in the same order whatever the knobs are, and each
nuisance is its random draw scaled by its knob: with one seed, turning a knob up
moves every image further along the same direction, so the mean pixel distance
between images of one class grows with each knob.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..validation import check_positive_int
from ._checks import as_generator, check_unit_interval
from .dataset import Dataset

__all__ = ["semantic_gap_images", "CLASS_NAMES"]

CLASS_NAMES: tuple[str, ...] = ("cat", "house", "car", "tree")

_BACKGROUND = np.array([0.50, 0.55, 0.60])
_SUPERSAMPLE = 3          # anti-aliasing: draw at 3x the size, then average 3x3 blocks
_N_DISTRACTORS = 5

# Objects in their own coordinates: x to the right, y downwards, the object within
# about [-0.65, 0.65]^2 of the canonical frame [-1, 1]^2. Later parts paint over
# earlier ones. ("ellipse", (cx, cy, rx, ry)), ("rect", (x0, y0, x1, y1)),
# ("poly", ((x, y), ...)) with a convex polygon's corners in order.
_FUR, _EYE, _NOSE = (0.85, 0.55, 0.25), (0.30, 0.70, 0.30), (0.90, 0.55, 0.60)
_WALL, _ROOF, _DOOR, _GLASS = (0.80, 0.75, 0.60), (0.70, 0.20, 0.20), (0.40, 0.25, 0.10), (0.70, 0.85, 0.95)
_PAINT, _TYRE, _HUB = (0.20, 0.35, 0.80), (0.12, 0.12, 0.12), (0.65, 0.65, 0.65)
_BARK, _LEAF = (0.45, 0.30, 0.15), (0.20, 0.60, 0.20)
_OBJECTS: dict[str, list] = {
    "cat": [
        ("poly", ((-0.48, -0.05), (-0.36, -0.62), (-0.06, -0.28)), _FUR),
        ("poly", ((0.48, -0.05), (0.06, -0.28), (0.36, -0.62)), _FUR),
        ("ellipse", (0.0, 0.10, 0.48, 0.42), _FUR),
        ("ellipse", (-0.18, 0.02, 0.08, 0.10), _EYE),
        ("ellipse", (0.18, 0.02, 0.08, 0.10), _EYE),
        ("poly", ((-0.07, 0.18), (0.07, 0.18), (0.0, 0.27)), _NOSE),
    ],
    "house": [
        ("rect", (-0.45, -0.05, 0.45, 0.60), _WALL),
        ("poly", ((-0.60, -0.05), (0.0, -0.62), (0.60, -0.05)), _ROOF),
        ("rect", (-0.12, 0.25, 0.10, 0.60), _DOOR),
        ("rect", (0.18, 0.08, 0.36, 0.24), _GLASS),
        ("rect", (-0.36, 0.08, -0.20, 0.24), _GLASS),
    ],
    "car": [
        ("poly", ((-0.38, 0.02), (-0.22, -0.30), (0.25, -0.30), (0.42, 0.02)), _PAINT),
        ("poly", ((-0.28, 0.0), (-0.17, -0.22), (0.20, -0.22), (0.32, 0.0)), _GLASS),
        ("rect", (-0.65, 0.0, 0.65, 0.30), _PAINT),
        ("ellipse", (-0.38, 0.32, 0.16, 0.16), _TYRE),
        ("ellipse", (0.38, 0.32, 0.16, 0.16), _TYRE),
        ("ellipse", (-0.38, 0.32, 0.06, 0.06), _HUB),
        ("ellipse", (0.38, 0.32, 0.06, 0.06), _HUB),
    ],
    "tree": [
        ("rect", (-0.09, 0.15, 0.09, 0.65), _BARK),
        ("ellipse", (-0.25, 0.05, 0.26, 0.22), _LEAF),
        ("ellipse", (0.25, 0.05, 0.26, 0.22), _LEAF),
        ("ellipse", (0.0, -0.18, 0.40, 0.38), _LEAF),
    ],
}


def _mask(kind: str, params, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Boolean mask of one primitive at the points (X, Y)."""
    if kind == "ellipse":
        cx, cy, rx, ry = params
        return ((X - cx) / rx) ** 2 + ((Y - cy) / ry) ** 2 <= 1.0
    if kind == "rect":
        x0, y0, x1, y1 = params
        return (X >= x0) & (X <= x1) & (Y >= y0) & (Y <= y1)
    corners = np.asarray(params, dtype=np.float64)   # convex polygon: inside = same side of every edge
    sides = [(x2 - x1) * (Y - y1) - (y2 - y1) * (X - x1)
             for (x1, y1), (x2, y2) in zip(corners, np.roll(corners, -1, axis=0))]
    return np.all(np.stack(sides) >= 0, axis=0) | np.all(np.stack(sides) <= 0, axis=0)


def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel centres in [-1, 1]^2 of a size x size image: (X, Y), each (size, size)."""
    c = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    return np.meshgrid(c, c)


def _downsample(image: np.ndarray, factor: int) -> np.ndarray:
    """Average factor x factor blocks: (H*f, W*f, C) -> (H, W, C)."""
    h, w, c = image.shape
    return image.reshape(h // factor, factor, w // factor, factor, c).mean(axis=(1, 3))


def _draw_object(name: str, X: np.ndarray, Y: np.ndarray, view: np.ndarray,
                 canvas: np.ndarray) -> None:
    """Paint object ``name`` seen under viewpoint ``view`` onto ``canvas`` (in place).

    ``view`` = (angle, log scale, tx, ty, log squash); the canvas points are mapped
    back into the object's own coordinates (the inverse of squash-scale-rotate-shift).
    """
    angle, log_scale, tx, ty, log_squash = view
    cos, sin = np.cos(angle), np.sin(angle)
    dx, dy = X - tx, Y - ty
    u = (cos * dx + sin * dy) / np.exp(log_scale + log_squash)
    v = (-sin * dx + cos * dy) / np.exp(log_scale - log_squash)
    for kind, params, colour in _OBJECTS[name]:
        canvas[_mask(kind, params, u, v)] = colour


def _clutter(X: np.ndarray, Y: np.ndarray, texture: np.ndarray, shapes: np.ndarray) -> np.ndarray:
    """A random background: a striped texture with distractor shapes, (M, M, 3) in [0, 1].

    ``texture`` = (base RGB (3), stripe RGB (3), frequency, direction, phase), each
    in [0, 1); ``shapes`` is (_N_DISTRACTORS, 8): ellipse-or-box, centre (2), radii (2),
    RGB (3), each in [0, 1).
    """
    base, stripe = 0.2 + 0.6 * texture[0:3], texture[3:6] * 2.0 - 1.0
    freq, direction, phase = 3.0 + 9.0 * texture[6], np.pi * texture[7], 2.0 * np.pi * texture[8]
    wave = np.sin(freq * (X * np.cos(direction) + Y * np.sin(direction)) + phase)
    image = np.clip(base + 0.2 * wave[..., None] * stripe, 0.0, 1.0)
    for is_box, cx, cy, rx, ry, *colour in shapes:
        cx, cy, rx, ry = 2.0 * cx - 1.0, 2.0 * cy - 1.0, 0.1 + 0.3 * rx, 0.1 + 0.3 * ry
        kind, params = ("rect", (cx - rx, cy - ry, cx + rx, cy + ry)) if is_box < 0.5 else ("ellipse", (cx, cy, rx, ry))
        image[_mask(kind, params, X, Y)] = colour
    return image


def _illuminate(image: np.ndarray, X: np.ndarray, Y: np.ndarray, light: np.ndarray) -> np.ndarray:
    """Contrast, brightness, colour cast and a shading gradient; ``light`` (7,) in [-1, 1]."""
    contrast = np.exp(light[0] * np.log(1.5))
    gain = np.exp(light[1] * np.log(1.8)) * np.exp(light[2:5] * np.log(1.15))
    direction, strength = np.pi * light[5], 0.6 * light[6]
    shading = np.clip(1.0 + strength * (X * np.cos(direction) + Y * np.sin(direction)), 0.0, None)
    out = (0.5 + contrast * (image - 0.5)) * gain * shading[..., None]
    return np.clip(out, 0.0, 1.0)


def semantic_gap_images(n: int, viewpoint: float = 0.0, clutter: float = 0.0, illumination: float = 0.0,
                        *, size: int = 32, rng: Any = 0) -> Dataset:
    """RGB images of simple objects under adjustable viewpoint, clutter and illumination.

    Parameters
    ----------
    n : int >= 1
        Number of images; the classes get ``n // 4`` or ``n // 4 + 1`` each.
    viewpoint, clutter, illumination : float in [0, 1]
        Strength of each nuisance, 0 = canonical (none), 1 = strong (see the module
        docstring for what each one does).
    size : int >= 8
        Side of the images in pixels.
    rng : numpy.random.Generator or int
        Randomness (a seed gives ``numpy.random.default_rng(seed)``). The same
        seed and knobs give identical images.

    Returns
    -------
    Dataset
        ``X`` of shape (n, size, size, 3), float64 RGB in [0, 1] (HWC);
        ``y`` of shape (n,), int64, grouped by class (labels non-decreasing);
        ``class_names`` = ``("cat", "house", "car", "tree")``. On the active device
        (:mod:`coursework.devices`).
    """
    func = "semantic_gap_images"
    n = check_positive_int(n, "n", func)
    size = check_positive_int(size, "size", func)
    if size < 8:
        raise ValueError(f"{func}: expected size >= 8, got {size}")
    viewpoint = check_unit_interval(viewpoint, "viewpoint", func)
    clutter = check_unit_interval(clutter, "clutter", func)
    illumination = check_unit_interval(illumination, "illumination", func)
    gen = as_generator(rng, func)

    # Every draw happens whatever the knobs, always in this order (see module docstring).
    view = gen.uniform(-1.0, 1.0, size=(n, 5)) * viewpoint
    view *= np.array([np.pi / 4, np.log(1.35), 0.3, 0.3, np.log(1.3)])
    texture = gen.random(size=(n, 9))
    shapes = gen.random(size=(n, _N_DISTRACTORS, 8))
    light = gen.uniform(-1.0, 1.0, size=(n, 7)) * illumination

    y = (np.arange(n, dtype=np.int64) * len(CLASS_NAMES)) // n
    fine_X, fine_Y = _grid(size * _SUPERSAMPLE)
    X_, Y_ = _grid(size)
    images = np.empty((n, size, size, 3), dtype=np.float64)
    for i in range(n):
        canvas = np.empty(fine_X.shape + (3,))
        canvas[...] = _BACKGROUND
        if clutter > 0.0:
            canvas = (1.0 - clutter) * canvas + clutter * _clutter(fine_X, fine_Y, texture[i], shapes[i])
        _draw_object(CLASS_NAMES[y[i]], fine_X, fine_Y, view[i], canvas)
        image = _downsample(canvas, _SUPERSAMPLE)
        images[i] = _illuminate(image, X_, Y_, light[i]) if illumination > 0.0 else image
    return Dataset(images, y, CLASS_NAMES)
