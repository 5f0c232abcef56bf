"""Stored inputs and expected values of the visible checks of ``01_features``."""

from __future__ import annotations

import numpy as np

from coursework import data, features

ASSIGNMENT = "01_features"


def build(rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Inputs and expected values for ``grader_tests.features``.

    Without ``rng``: the stored ones. With ``rng`` (a student's, when the judge grades):
    drawn from it the same way, the HoG photo a random 80x96 crop of the same photo.
    """
    fixed = rng is None
    rng = np.random.default_rng(20261127) if fixed else rng
    out: dict[str, np.ndarray] = {}
    out["hist_image"] = rng.integers(0, 256, size=(6, 5, 3), dtype=np.uint8)
    out["hist_image"][0, 0] = (0, 0, 0)
    out["hist_image"][0, 1] = (255, 255, 255)
    out["hist_image"][0, 2] = (127, 128, 64)  # on bin edges for bins 2 and 4
    out["hist_image_dark"] = (rng.integers(0, 80, size=(4, 7, 3))).astype(np.uint8)
    for key in ("hist_image", "hist_image_dark"):
        for bins in (2, 4):
            out[f"{key}_bins{bins}"] = features.color_histogram(out[key], bins=bins)

    out["grad_image"] = rng.random((5, 6)).round(2)
    out["grad_rows"], out["grad_cols"] = features.image_gradients(out["grad_image"])

    out["cells_magnitude"] = rng.random((13, 10)).round(3)
    orientation = rng.random((13, 10)) * 180
    orientation[::3, ::2] = 20.0 * rng.integers(0, 9, size=orientation[::3, ::2].shape)  # on 9-bin edges
    out["cells_orientation"] = orientation
    for orientations, p in ((9, 4), (4, 3)):
        out[f"cells_o{orientations}_p{p}"] = features.orientation_histograms(out["cells_magnitude"], orientation,
                                                                            orientations, p)

    photo = data.photo("chelsea")
    top, left = (40, 150) if fixed else (int(rng.integers(0, photo.shape[0] - 80 + 1)),
                                         int(rng.integers(0, photo.shape[1] - 96 + 1)))
    out["hog_photo"] = photo[top:top + 80, left:left + 96].mean(axis=-1) / 255.0
    out["concat_images"] = rng.random((4, 5, 5, 3))
    return out
