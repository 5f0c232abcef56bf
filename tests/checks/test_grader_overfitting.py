"""The checks of 07_overfitting: they pass right answers (written as students might) and
fail typical wrong ones with a message that helps."""

from __future__ import annotations

import numpy as np
import pytest

from grader_tests import overfitting as checks
from grader_tests.hidden import overfitting as hidden

# Right answers, in NumPy, in several styles.


def right_features(x, degree):
    x = np.asarray(x, dtype=np.float64)
    return np.stack([x ** k for k in range(degree + 1)], axis=1)


def right_features_vander(x, degree):
    return np.vander(x, degree + 1, increasing=True)


def right_fit_lstsq(x, y, degree, lam=0.0):
    Phi = right_features(x, degree)
    A = np.vstack([Phi, np.sqrt(lam) * np.eye(degree + 1)])
    b = np.concatenate([y, np.zeros(degree + 1)])
    return np.linalg.lstsq(A, b, rcond=None)[0]


def right_fit_normal_equations(x, y, degree, lam=0.0):
    Phi = right_features(x, degree)
    return np.linalg.solve(Phi.T @ Phi + lam * np.eye(degree + 1), Phi.T @ y)


def right_gap(history, last=5):
    train = np.array(history.train_accuracy[-last:])
    val = np.array(history.val_accuracy[-last:])
    return float(np.mean(train - val))


def right_gap_loop(history, last=5):
    n = min(last, len(history.train_accuracy))
    total = 0.0
    for e in range(len(history.train_accuracy) - n, len(history.train_accuracy)):
        total += history.train_accuracy[e] - history.val_accuracy[e]
    return total / n


def right_stop(val_accuracy, patience=None):
    best = 0
    for epoch, value in enumerate(val_accuracy):
        if value > val_accuracy[best]:
            best = epoch
        elif patience is not None and epoch - best >= patience:
            break
    return best


def right_stop_counter(val_accuracy, patience=None):
    best, best_value, waited = 0, -np.inf, 0
    for epoch, value in enumerate(val_accuracy):
        if value > best_value:
            best, best_value, waited = epoch, value, 0
        else:
            waited += 1
            if patience is not None and waited >= patience:
                break
    return np.int64(best)


RIGHT = [
    (checks.check_polynomial_shape, right_features),
    (checks.check_polynomial_values, right_features),
    (hidden.check_polynomial_random, right_features),
    (checks.check_polynomial_values, right_features_vander),
    (hidden.check_polynomial_random, right_features_vander),
    (checks.check_fit_values, right_fit_lstsq),
    (checks.check_fit_properties, right_fit_lstsq),
    (hidden.check_fit_random, right_fit_lstsq),
    (checks.check_fit_values, right_fit_normal_equations),
    (checks.check_fit_properties, right_fit_normal_equations),
    (hidden.check_fit_random, right_fit_normal_equations),
    (checks.check_gap, right_gap),
    (hidden.check_gap_random, right_gap),
    (checks.check_gap, right_gap_loop),
    (hidden.check_gap_random, right_gap_loop),
    (checks.check_early_stopping, right_stop),
    (hidden.check_early_stopping_random, right_stop),
    (checks.check_early_stopping, right_stop_counter),
    (hidden.check_early_stopping_random, right_stop_counter),
]


@pytest.mark.parametrize("check,answer", RIGHT, ids=[f"{c.__name__}-{a.__name__}" for c, a in RIGHT])
@pytest.mark.parametrize("student", ["alice", "bob", "local"])
def test_checks_pass_right_answers(check, answer, student, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
    check(answer)


@pytest.mark.parametrize("student", [f"student{i}" for i in range(40)])
def test_normal_equations_pass_the_hidden_fit_check_for_many_students(student, monkeypatch):
    """The hidden tolerance leaves room for the (less accurate) normal equations."""
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
    hidden.check_fit_random(right_fit_normal_equations)
    hidden.check_fit_random(right_fit_lstsq)


def _stop_one_based(val_accuracy, patience=None):
    return right_stop(val_accuracy, patience) + 1


def _stop_ignores_patience(val_accuracy, patience=None):
    return int(np.argmax(val_accuracy))


def _stop_last_max(val_accuracy, patience=None):          # ties keep the later epoch
    best = 0
    for epoch, value in enumerate(val_accuracy):
        if value >= val_accuracy[best]:
            best = epoch
        elif patience is not None and epoch - best >= patience:
            break
    return best


WRONG = [
    (checks.check_polynomial_shape, lambda x, degree: right_features(x, degree)[:, 1:], r"expected shape \(7, 1\)"),
    (checks.check_polynomial_shape, lambda x, degree: right_features(x, degree).T, "expected shape"),
    (checks.check_polynomial_values, lambda x, degree: right_features(x, degree)[:, ::-1], "differ by more than"),
    (hidden.check_polynomial_random, lambda x, degree: np.vander(x, degree + 1), "differ by more than"),
    (checks.check_polynomial_values, lambda x, degree: (_ for _ in ()).throw(NotImplementedError()),
     "not implemented yet"),
    # np.polyfit's order: highest power first
    (checks.check_fit_values, lambda x, y, degree, lam=0.0: right_fit_lstsq(x, y, degree, lam)[::-1],
     "reverse order"),
    # the penalty forgotten
    (checks.check_fit_values, lambda x, y, degree, lam=0.0: right_fit_lstsq(x, y, degree, 0.0),
     r"lam=0.1\): .*differ by more than"),
    (checks.check_fit_properties, lambda x, y, degree, lam=0.0: right_fit_lstsq(x, y, degree, 0.0),
     "shrink as lam grows"),
    # penalty lam / 2 (the 1/2 convention)
    (hidden.check_fit_random, lambda x, y, degree, lam=0.0: right_fit_lstsq(x, y, degree, lam / 2)
     if lam else right_fit_lstsq(x, y, degree, 0.0) + 1.0, "differ by more than"),
    # one degree too low: cannot go through every point
    (checks.check_fit_properties, lambda x, y, degree, lam=0.0: np.append(right_fit_lstsq(x, y, degree - 1, lam), 0.0),
     "go through every one of them"),
    (checks.check_fit_values, lambda x, y, degree, lam=0.0: right_fit_lstsq(x, y, degree, lam)[:, None],
     "flatten it"),
    (checks.check_gap, lambda h, last=5: float(h.train_accuracy[-1] - h.val_accuracy[-1]), r"expected .*, got"),
    (checks.check_gap, lambda h, last=5: right_gap(h, last) * -1, r"expected .*, got"),
    (hidden.check_gap_random, lambda h, last=5: float(np.mean(np.array(h.train_accuracy[:last])
                                                              - np.array(h.val_accuracy[:last]))), "expected"),
    (checks.check_gap, lambda h, last=5: None, "expected a number, got None"),
    (checks.check_early_stopping, _stop_one_based, "counted from 0"),
    (checks.check_early_stopping, _stop_ignores_patience, "training stops before reaching epoch"),
    (checks.check_early_stopping, _stop_last_max, r"expected epoch 0, got 2"),
    (hidden.check_early_stopping_random, _stop_last_max, "expected epoch"),
    (checks.check_early_stopping, lambda v, patience=None: float(right_stop(v, patience)) + 0.5,
     "expected an integer epoch index"),
]


@pytest.mark.parametrize("check,answer,message", WRONG, ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(WRONG)])
def test_checks_fail_wrong_answers_with_a_message(check, answer, message, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "erin")
    with pytest.raises(AssertionError, match=message):
        check(answer)


def test_ignoring_patience_fails_the_hidden_check_for_every_test_student(monkeypatch):
    for student in ("alice", "bob", "local", "erin"):
        monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
        with pytest.raises(AssertionError, match="expected epoch"):
            hidden.check_early_stopping_random(_stop_ignores_patience)


def test_visible_checks_do_not_import_the_reference():
    import inspect

    source = inspect.getsource(checks)
    assert "coursework" not in source.replace("``coursework``", "")


@pytest.mark.parametrize("check,answer", [
    (hidden.check_polynomial_random, lambda x, degree: right_features(x, degree) + 1.0),
    (hidden.check_fit_random, lambda x, y, degree, lam=0.0: right_fit_lstsq(x, y, degree, lam) + 1.0),
    (hidden.check_gap_random, lambda h, last=5: 2.0),
    (hidden.check_early_stopping_random, lambda v, patience=None: len(v) + 5),
])
def test_hidden_messages_describe_but_do_not_print_inputs(check, answer, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "dave")
    with pytest.raises(AssertionError) as info:
        check(answer)
    text = str(info.value)
    assert "random" in text and "#1" in text
    head = text.split(":")[0]
    assert "[" not in head, text            # no list or array printed in the description
