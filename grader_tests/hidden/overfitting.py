"""Hidden checks of assignment ``07_overfitting`` (instructor only).

Random inputs drawn from a seed per student and exercise
(:func:`grader_tests.harness.student_rng`), compared with the ``coursework``
reference. Messages describe the inputs but never print them.
"""

from __future__ import annotations

import numpy as np

from coursework.experiments import overfitting as reference

from ..harness import as_result_array, assert_close, assert_shape, call, student_rng
from ..plain import assert_number
from ..messages import say as say_visible
from ..overfitting import _as_epoch, _as_number, _History
from .messages import say

ASSIGNMENT = "07_overfitting"


def check_polynomial_random(polynomial_features) -> None:
    rng = student_rng(ASSIGNMENT, "polynomial_features")
    for trial in range(4):
        n = int(rng.integers(1, 25))
        degree = int(rng.integers(0, 9))
        x = rng.uniform(-2.0, 2.0, n)
        x[0] = 0.0
        what = say("o_poly", k=trial + 1, shape=x.shape, degree=degree)
        got = as_result_array(call(polynomial_features, x, degree, what=what), what)
        assert_shape(got, (n, degree + 1), what)
        assert_close(got, reference.polynomial_features(x, degree), what, atol=1e-9, rtol=1e-9)


def check_fit_random(fit_polynomial) -> None:
    rng = student_rng(ASSIGNMENT, "fit_polynomial")
    for trial in range(5):
        n = int(rng.integers(10, 30))
        degree = int(rng.integers(0, 6))
        lam = float(rng.choice([0.0, 1e-3, 0.1, 1.0, 10.0]))
        x = np.sort(rng.uniform(-1.0, 1.0, n))
        y = rng.uniform(-1, 1) + rng.uniform(-2, 2) * x + 0.3 * rng.standard_normal(n)
        what = say("o_fit", k=trial + 1, n=n, degree=degree, lam=lam)
        got = as_result_array(call(fit_polynomial, x, y, degree, lam, what=what), what)
        assert_shape(got, (degree + 1,), what)
        assert_close(got, reference.fit_polynomial(x, y, degree, lam), what, atol=1e-6, rtol=1e-6)


def check_gap_random(train_val_gap) -> None:
    rng = student_rng(ASSIGNMENT, "train_val_gap")
    for trial in range(4):
        epochs = int(rng.integers(1, 30))
        last = int(rng.integers(1, 12))
        train = rng.uniform(0.3, 1.0, epochs).round(3)
        val = rng.uniform(0.2, 0.9, epochs).round(3)
        history = _History(train, val)
        what = say("o_gap", k=trial + 1, epochs=epochs, last=last)
        got = _as_number(call(train_val_gap, history, last=last, what=what), what)
        assert_number(got, reference.train_val_gap(history, last=last), what, atol=1e-9)


def check_early_stopping_random(early_stopping_epoch) -> None:
    rng = student_rng(ASSIGNMENT, "early_stopping_epoch")
    for trial in range(8):
        epochs = int(rng.integers(1, 40))
        # A noisy rise and fall, rounded so that ties happen.
        peak = rng.uniform(0.2, 1.0) * epochs
        t = np.arange(epochs)
        values = (0.8 - 0.3 * ((t - peak) / max(epochs, 1)) ** 2 + 0.05 * rng.standard_normal(epochs)).round(2)
        patience = None if trial % 4 == 0 else int(rng.integers(1, 7))
        what = say("o_stop", k=trial + 1, epochs=epochs, patience=patience)
        got = _as_epoch(call(early_stopping_epoch, [float(v) for v in values], patience=patience, what=what), what)
        want = reference.early_stopping_epoch(values, patience)
        if got != want:
            raise AssertionError(say_visible("o_epoch", what=what, want=want, got=got, hint=""))
