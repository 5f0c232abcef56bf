"""Visible checks of assignment ``07_overfitting`` (shipped to students).

They stand on their own: fixed inputs with expected values stored in
``expected/07_overfitting.npz`` (made from the reference by
``python -m grader_tests.make_expected``), and properties any right answer has.
Each function is one check, worth its own points in the notebook.
"""

from __future__ import annotations

import numbers

import numpy as np

from .harness import as_result_array, assert_close, assert_shape, call, stored, type_name
from .messages import say
from .plain import assert_number, finite_array, number

ASSIGNMENT = "07_overfitting"


def expected() -> dict:
    """The stored inputs and expected outputs of these checks."""
    return stored(ASSIGNMENT)


def _fmt(values) -> str:
    return "[" + ", ".join(f"{float(v):g}" for v in values) + "]"


# -- polynomial features ----------------------------------------------------------------

def check_polynomial_shape(polynomial_features) -> None:
    """``polynomial_features(x, degree)`` has one row per point and degree + 1 columns."""
    x = expected()["poly_x"]
    for degree in (0, 1, 4):
        what = say("o_poly", shape=x.shape, degree=degree)
        got = finite_array(call(polynomial_features, x, degree, what=what), what)
        assert_shape(got, (x.shape[0], degree + 1), what)


def check_polynomial_values(polynomial_features) -> None:
    """Fixed points against stored powers [1, x, x², ...]."""
    data = expected()
    x = data["poly_x"]
    for degree in (3, 5):
        what = f"polynomial_features(x = {_fmt(x)}, degree={degree})"
        got = call(polynomial_features, x, degree, what=what)
        assert_close(got, data[f"poly_d{degree}"], what, atol=1e-9, rtol=1e-9)


# -- least squares with an L2 penalty ----------------------------------------------------

def _coefficients(fit_polynomial, x, y, degree, lam, what):
    got = as_result_array(call(fit_polynomial, x, y, degree, lam, what=what), what)
    if got.ndim == 2 and 1 in got.shape:
        raise AssertionError(say("o_flatten", what=what, n=degree + 1, shape=got.shape))
    assert_shape(got, (degree + 1,), what)
    return got


def check_fit_values(fit_polynomial) -> None:
    """Stored coefficients (constant first) of fits without and with an L2 penalty."""
    data = expected()
    x, y = data["fit_x"], data["fit_y"]
    for degree, lam, key in ((3, 0.0, "fit_d3_l0"), (5, 0.1, "fit_d5_l01")):
        what = say("o_fit", shape=x.shape, degree=degree, lam=lam)
        got = _coefficients(fit_polynomial, x, y, degree, lam, what)
        want = data[key]
        if np.allclose(got[::-1], want, atol=1e-6, rtol=1e-6) and not np.allclose(got, want, atol=1e-6, rtol=1e-6):
            raise AssertionError(say("o_reversed", what=what))
        assert_close(got, want, what, atol=1e-6, rtol=1e-6)


def check_fit_properties(fit_polynomial) -> None:
    """Through every point when degree = N - 1 and lam = 0; smaller coefficients as lam grows."""
    data = expected()
    x, y = data["interp_x"], data["interp_y"]
    degree = x.shape[0] - 1
    what = f"fit_polynomial(x = {_fmt(x)}, y = {_fmt(y)}, degree={degree}, lam=0)"
    w = _coefficients(fit_polynomial, x, y, degree, 0.0, what)
    values = np.vander(x, degree + 1, increasing=True) @ w
    assert_close(values, y, say("o_through_points", what=what), atol=1e-6)
    x, y = data["fit_x"], data["fit_y"]
    norms = []
    for lam in (0.0, 0.01, 1.0, 100.0):
        what = say("o_fit", shape=x.shape, degree=5, lam=lam)
        norms.append(float(np.sum(_coefficients(fit_polynomial, x, y, 5, lam, what) ** 2)))
    if not all(a > b for a, b in zip(norms, norms[1:])):
        raise AssertionError(say("o_shrink", norms=_fmt(norms)))


# -- train - validation gap --------------------------------------------------------------

class _History:
    """Just the two lists a training History carries (what train_val_gap reads)."""

    def __init__(self, train_accuracy, val_accuracy):
        self.train_accuracy = [float(v) for v in train_accuracy]
        self.val_accuracy = [float(v) for v in val_accuracy]

    def __repr__(self) -> str:
        return f"History(train_accuracy={_fmt(self.train_accuracy)}, val_accuracy={_fmt(self.val_accuracy)})"


def _as_number(result, what) -> float:
    if isinstance(result, bool) or result is None:
        raise AssertionError(say("o_number", what=what, got=result))
    got = as_result_array(result, what)
    if got.size != 1:
        raise AssertionError(say("o_one_number", what=what, shape=got.shape))
    return number(got, what)


def check_gap(train_val_gap) -> None:
    """Mean of training minus validation accuracy over the last epochs, on stored histories."""
    data = expected()
    for k in range(int(data["gap_cases"])):
        history = _History(data[f"gap_train_{k}"], data[f"gap_val_{k}"])
        last = int(data[f"gap_last_{k}"])
        if last == 5:
            what = f"train_val_gap({history!r})"
            result = call(train_val_gap, history, what=what)
        else:
            what = f"train_val_gap({history!r}, last={last})"
            result = call(train_val_gap, history, last=last, what=what)
        assert_number(_as_number(result, what), float(data[f"gap_expected_{k}"]), what, atol=1e-9)


# -- early stopping -----------------------------------------------------------------------

def _as_epoch(result, what) -> int:
    if isinstance(result, bool) or not isinstance(result, (numbers.Integral, np.integer)):
        if isinstance(result, (float, np.floating)) and float(result).is_integer():
            return int(result)
        raise AssertionError(say("o_epoch_type", what=what, got=result, type=type_name(result)))
    return int(result)


def check_early_stopping(early_stopping_epoch) -> None:
    """Stored validation curves with and without patience against the stored kept epoch."""
    data = expected()
    for k in range(int(data["stop_cases"])):
        values = [float(v) for v in data[f"stop_val_{k}"]]
        patience = int(data[f"stop_patience_{k}"])
        patience = None if patience < 0 else patience
        if patience is None:   # the default
            what = f"early_stopping_epoch({_fmt(values)})"
            result = call(early_stopping_epoch, values, what=what)
        else:
            what = f"early_stopping_epoch({_fmt(values)}, patience={patience})"
            result = call(early_stopping_epoch, values, patience=patience, what=what)
        got = _as_epoch(result, what)
        want = int(data[f"stop_expected_{k}"])
        if got != want:
            hint = ""
            if got == want + 1:
                hint = say("o_hint_from_zero")
            elif patience is not None and got > want:
                hint = say("o_hint_patience", patience=patience, got=got)
            raise AssertionError(say("o_epoch", what=what, want=want, got=got, hint=hint))
