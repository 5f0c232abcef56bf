"""Stored inputs and expected values of the visible checks of ``07_overfitting``."""

from __future__ import annotations

import numpy as np

from coursework.experiments.overfitting import (early_stopping_epoch, fit_polynomial, polynomial_features,
                                                train_val_gap)
from coursework.train import History

ASSIGNMENT = "07_overfitting"

#: (validation accuracies, patience or None) of the early-stopping cases.
STOP_CASES = [
    ([0.5, 0.6, 0.55, 0.58, 0.7], None),
    ([0.5, 0.6, 0.55, 0.58, 0.7], 2),
    ([0.5, 0.6, 0.55, 0.58, 0.7], 3),
    ([0.7, 0.7, 0.7], None),                          # ties keep the first epoch
    ([0.3, 0.5, 0.5, 0.4, 0.45, 0.51, 0.2], 3),       # a tie is no new best
    ([0.3, 0.5, 0.5, 0.4, 0.45, 0.51, 0.2], 4),
    ([0.9], 1),
    ([0.1, 0.2, 0.3, 0.4], 1),
    ([0.4, 0.3, 0.5], 1),
]


def _student_stop_cases(rng: np.random.Generator) -> list:
    """:data:`STOP_CASES` in a random order, each curve moved by a random increasing map
    a·v + b (a > 0): its ties, rises and falls stay, its numbers are the student's own."""
    cases = []
    for k in rng.permutation(len(STOP_CASES)):
        values, patience = STOP_CASES[k]
        a = float(rng.uniform(0.5, 1.0))
        b = float(rng.uniform(0.0, 1.0 - a * max(values)))
        cases.append(([round(a * v + b, 6) for v in values], patience))
    return cases


def build(rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Inputs and expected values for ``grader_tests.overfitting``.

    Without ``rng``: the stored ones. With ``rng`` (a student's, when the judge grades):
    drawn from it the same way, the fixed points and curves drawn too (0 among the
    points, ties and patience cases kept).
    """
    fixed = rng is None
    rng = np.random.default_rng(20260710) if fixed else rng
    out: dict[str, np.ndarray] = {}
    out["poly_x"] = np.array([-1.5, -1.0, -0.3, 0.0, 0.5, 1.2, 2.0])
    if not fixed:
        out["poly_x"] = np.sort(np.append(rng.uniform(-2.0, 2.0, int(rng.integers(5, 9))).round(2), 0.0))
    for degree in (3, 5):
        out[f"poly_d{degree}"] = polynomial_features(out["poly_x"], degree)

    out["fit_x"] = np.sort(rng.uniform(-1, 1, 12)).round(3)
    out["fit_y"] = (0.5 + out["fit_x"] - 0.8 * out["fit_x"] ** 2 + 0.2 * rng.standard_normal(12)).round(3)
    out["fit_d3_l0"] = fit_polynomial(out["fit_x"], out["fit_y"], 3, 0.0)
    out["fit_d5_l01"] = fit_polynomial(out["fit_x"], out["fit_y"], 5, 0.1)
    out["interp_x"] = np.array([-1.0, -0.6, -0.1, 0.3, 0.7, 1.0])
    if not fixed:  # six points at least 0.2 apart, so the interpolating polynomial stays tame
        out["interp_x"] = (np.linspace(-1.0, 1.0, 6) + rng.uniform(-0.05, 0.05, 6)).round(2)
    out["interp_y"] = rng.uniform(-1, 1, 6).round(2)

    gap_cases = [
        (rng.uniform(0.6, 1.0, 8).round(3), rng.uniform(0.4, 0.8, 8).round(3), 5),
        (None, None, 1),                              # the same history, last epoch only
        (np.array([0.5, 0.7, 0.9]), np.array([0.45, 0.6, 0.7]), 10),   # fewer epochs than `last`
        (rng.uniform(0.5, 0.7, 6).round(3), rng.uniform(0.7, 0.9, 6).round(3), 2),   # validation ahead
    ]
    if not fixed:
        gap_cases[2] = (rng.uniform(0.5, 1.0, 3).round(3), rng.uniform(0.4, 0.8, 3).round(3), 10)
    for k, (train, val, last) in enumerate(gap_cases):
        if train is None:
            train, val = out[f"gap_train_{k - 1}"], out[f"gap_val_{k - 1}"]
        out[f"gap_train_{k}"], out[f"gap_val_{k}"] = train, val
        out[f"gap_last_{k}"] = np.array(last)
        out[f"gap_expected_{k}"] = np.array(train_val_gap(History(train_accuracy=list(train),
                                                                  val_accuracy=list(val)), last=last))
    out["gap_cases"] = np.array(len(gap_cases))

    for k, (values, patience) in enumerate(STOP_CASES if fixed else _student_stop_cases(rng)):
        out[f"stop_val_{k}"] = np.array(values)
        out[f"stop_patience_{k}"] = np.array(-1 if patience is None else patience)
        out[f"stop_expected_{k}"] = np.array(early_stopping_epoch(values, patience))
    out["stop_cases"] = np.array(len(STOP_CASES))
    return out
