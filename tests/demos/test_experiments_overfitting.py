"""Assignment 07's lecture claims, asserted on the package functions its notebook calls,
and the reference functions behind its exercises."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursework.plotting import overfitting as plots  # noqa: E402
from coursework.experiments import overfitting as ov  # noqa: E402
from coursework.regularization import Dropout  # noqa: E402
from coursework.train import History  # noqa: E402

SWEEP = (0.0, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)      # the notebook's λ values
DROPOUT = (0.2, 0.5)


# -- claim 1: f1 fits every training point, f2 predicts new points better ----------------

@pytest.mark.parametrize("seed", range(20))
def test_f1_fits_every_training_point_and_does_worse_than_f2_on_new_points(seed):
    fits = ov.polynomial_errors(degrees=(1, 9), n_train=10, n_test=200, noise=0.3, rng=seed)["fits"]
    f1, f2 = fits[(9, 0.0)], fits[(1, 0.0)]
    assert f1["train_mse"] < 1e-12                 # through every point: data loss 0
    assert f2["train_mse"] > 0.01
    assert f1["test_mse"] > 1.2 * f2["test_mse"], (f1["test_mse"], f2["test_mse"])


@pytest.mark.parametrize("seed", range(10))
def test_training_error_never_rises_with_the_degree_but_the_error_on_new_points_does(seed):
    fits = ov.polynomial_errors(degrees=range(10), rng=seed)["fits"]
    train = [fits[(d, 0.0)]["train_mse"] for d in range(10)]
    test = [fits[(d, 0.0)]["test_mse"] for d in range(10)]
    assert all(b <= a + 1e-12 for a, b in zip(train, train[1:])), train
    assert test[9] > min(test), test


@pytest.mark.parametrize("seed", range(20))
def test_l2_pulls_f1_back_towards_f2(seed):
    lams = (0.0, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)
    fits = ov.polynomial_errors(degrees=(9,), lams=lams, rng=seed)["fits"]
    best = min(lams[1:], key=lambda lam: fits[(9, lam)]["test_mse"])
    assert fits[(9, best)]["test_mse"] < fits[(9, 0.0)]["test_mse"]
    assert fits[(9, best)]["train_mse"] > fits[(9, 0.0)]["train_mse"]      # paid for with training error
    norms = [float(np.sum(fits[(9, lam)]["coef"] ** 2)) for lam in lams]
    assert all(b < a for a, b in zip(norms, norms[1:])), norms


# -- claims 2-5: the MLP on 100 digits with wrong labels ----------------------------------

def _runs(seed):
    train, val = ov.little_digits(n_per_class=10, n_val=500, label_noise=0.2, rng=seed)
    sweep = ov.l2_sweep(train, val, lams=SWEEP, rng=seed)
    dropped = ov.train_mlp(train, val, dropout=DROPOUT, rng=seed)
    return sweep, dropped


def _assert_claims(sweep, dropped):
    base = sweep[0.0]
    train0, val0 = ov.final_accuracies(base)
    gap0 = ov.train_val_gap(base)
    # 2. training accuracy reaches 100 % (wrong labels included); validation falls behind
    assert train0 >= 0.99, train0
    assert gap0 >= 0.15, gap0
    # 3. the best λ > 0 (by validation accuracy) narrows the gap, validation at least as good
    best = max(SWEEP[1:], key=lambda lam: ov.final_accuracies(sweep[lam])[1])
    assert ov.train_val_gap(sweep[best]) < gap0 - 0.05, (best, ov.train_val_gap(sweep[best]), gap0)
    assert ov.final_accuracies(sweep[best])[1] >= val0 - 0.01
    #    too strong a penalty underfits: it cannot even fit the training set
    assert ov.final_accuracies(sweep[SWEEP[-1]])[0] < 0.5
    # 4. dropout narrows the gap, validation at least as good
    assert ov.train_val_gap(dropped) < gap0 - 0.05, (ov.train_val_gap(dropped), gap0)
    assert ov.final_accuracies(dropped)[1] >= val0 - 0.01
    # 5. early stopping keeps an early epoch whose validation accuracy beats the last one's
    kept = ov.early_stopping_epoch(base.val_accuracy, patience=5)
    assert kept < len(base.val_accuracy) - 10, kept
    assert base.val_accuracy[kept] >= base.val_accuracy[-1] + 0.03, (kept, base.val_accuracy)
    assert base.val_accuracy[kept] == max(base.val_accuracy[: kept + 6])


@pytest.fixture(scope="module")
def notebook_runs():
    """The notebook's own runs (seed 0)."""
    return _runs(0)


def test_the_notebooks_runs_show_every_claim(notebook_runs):
    _assert_claims(*notebook_runs)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7])
def test_the_claims_hold_for_other_seeds(seed):
    _assert_claims(*_runs(seed))


def test_l2_sweep_starts_every_run_alike(notebook_runs):
    sweep, _ = notebook_runs
    train, val = ov.little_digits(rng=0)
    alone = ov.train_mlp(train, val, rng=0, epochs=60)
    assert alone.train_accuracy == sweep[0.0].train_accuracy
    assert alone.val_accuracy == sweep[0.0].val_accuracy
    gen_sweep = ov.l2_sweep(train, val, lams=(0.0, 0.0), rng=np.random.default_rng(3), epochs=2)
    assert gen_sweep[0.0].loss == ov.l2_sweep(train, val, lams=(0.0,), rng=np.random.default_rng(3),
                                              epochs=2)[0.0].loss


# -- the reference functions behind the exercises ------------------------------------------

def test_polynomial_features_on_every_backend(backend):
    x = np.array([-1.5, 0.0, 0.5, 2.0])
    got = ov.polynomial_features(backend.put(x), 3)
    backend.check_on(got)
    np.testing.assert_allclose(backend.host(got), np.vander(x, 4, increasing=True), rtol=1e-15)
    assert backend.host(ov.polynomial_features(backend.put(x), 0)).shape == (4, 1)


def test_fit_polynomial_on_every_backend_equals_numpy(backend):
    rng = np.random.default_rng(0)
    x, y = np.sort(rng.uniform(-1, 1, 15)), rng.standard_normal(15)
    for degree, lam in ((0, 0.0), (3, 0.0), (5, 0.1), (9, 10.0)):
        got = ov.fit_polynomial(backend.put(x), backend.put(y), degree, lam)
        backend.check_on(got)
        Phi = np.vander(x, degree + 1, increasing=True)
        want = np.linalg.solve(Phi.T @ Phi + lam * np.eye(degree + 1), Phi.T @ y)
        np.testing.assert_allclose(backend.host(got), want, rtol=1e-8, atol=1e-10)


def test_fit_polynomial_interpolates_with_degree_n_minus_1_and_checks_its_input():
    x, y = np.linspace(-1, 1, 10), np.random.default_rng(1).standard_normal(10)
    w = ov.fit_polynomial(x, y, 9)
    np.testing.assert_allclose(ov.predict_polynomial(w, x), y, atol=1e-9)
    with pytest.raises(ValueError, match="at least degree \\+ 1 = 11 points"):
        ov.fit_polynomial(x, y, 10)
    assert ov.fit_polynomial(x, y, 10, lam=1e-3).shape == (11,)          # fine with a penalty
    with pytest.raises(ValueError, match="lam to be a finite number >= 0"):
        ov.fit_polynomial(x, y, 2, lam=-1.0)
    with pytest.raises(ValueError, match="degree to be an integer >= 0"):
        ov.polynomial_features(x, -1)
    with pytest.raises(ValueError, match=r"expected x of shape \(N,\)"):
        ov.polynomial_features(x[:, None], 2)
    with pytest.raises(ValueError, match=r"expected y of shape \(10,\)"):
        ov.fit_polynomial(x, y[:5], 2)


def test_train_val_gap_and_final_accuracies():
    h = History(train_accuracy=[0.5, 0.8, 1.0, 1.0], val_accuracy=[0.5, 0.6, 0.7, 0.6])
    assert ov.train_val_gap(h, last=2) == pytest.approx(0.35)
    assert ov.train_val_gap(h, last=10) == pytest.approx(np.mean([0.0, 0.2, 0.3, 0.4]))   # fewer epochs: all
    assert ov.train_val_gap(h) == ov.train_val_gap(h, last=5)
    assert ov.final_accuracies(h, last=1) == (1.0, 0.6)
    with pytest.raises(ValueError, match="as many validation as training"):
        ov.train_val_gap(History(train_accuracy=[1.0]))
    with pytest.raises(ValueError, match="last to be an integer >= 1"):
        ov.train_val_gap(h, last=0)


@pytest.mark.parametrize("values,patience,expected", [
    ([0.5, 0.6, 0.55, 0.58, 0.7], None, 4),
    ([0.5, 0.6, 0.55, 0.58, 0.7], 2, 1),
    ([0.5, 0.6, 0.55, 0.58, 0.7], 3, 4),
    ([0.7, 0.7, 0.7], None, 0),
    ([0.7, 0.7, 0.7], 1, 0),
    ([0.3, 0.5, 0.5, 0.4, 0.45, 0.51, 0.2], 3, 1),
    ([0.3, 0.5, 0.5, 0.4, 0.45, 0.51, 0.2], 4, 5),
    ([0.9], 1, 0),
    ([0.4, 0.3, 0.5], 1, 0),
])
def test_early_stopping_epoch(values, patience, expected):
    assert ov.early_stopping_epoch(values, patience) == expected


def test_early_stopping_epoch_checks_its_input():
    with pytest.raises(ValueError, match="at least one validation accuracy"):
        ov.early_stopping_epoch([])
    with pytest.raises(ValueError, match="patience to be an integer >= 1 or None"):
        ov.early_stopping_epoch([0.1], patience=0)


def test_flip_labels_changes_about_the_fraction_and_never_keeps_a_flipped_label():
    y = np.repeat(np.arange(10), 1000)
    noisy, flipped = ov.flip_labels(y, 0.2, 10, rng=0)
    assert 0.18 < flipped.mean() < 0.22
    assert np.all(noisy[flipped] != y[flipped]) and np.all(noisy[~flipped] == y[~flipped])
    assert set(np.unique(noisy)) == set(range(10))


def test_little_digits():
    train, val = ov.little_digits(n_per_class=10, n_val=500, label_noise=0.2, rng=0)
    assert train.X.shape == (100, 64) and val.X.shape == (500, 64)
    clean, _ = ov.little_digits(n_per_class=10, n_val=500, label_noise=0.0, rng=0)
    np.testing.assert_array_equal(clean.X, train.X)
    assert np.bincount(clean.y, minlength=10).tolist() == [10] * 10
    wrong = int(np.sum(train.y != clean.y))
    assert 10 <= wrong <= 30, wrong
    # validation digits carry their true labels
    from coursework.data import digits

    full = digits(flat=True)
    index = {row.tobytes(): label for row, label in zip(full.X, full.y)}
    assert all(index[row.tobytes()] == label for row, label in zip(val.X, val.y))


def test_make_mlp_places_dropout_on_inputs_and_hidden_units():
    model = ov.make_mlp([64, 32, 16, 10], rng=0, dropout=(0.2, 0.5))
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dropout", "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    assert [layer.p for layer in model.layers if isinstance(layer, Dropout)] == [0.2, 0.5, 0.5]
    plain = ov.make_mlp([64, 32, 10], rng=0)
    assert [type(layer).__name__ for layer in plain.layers] == ["Linear", "ReLU", "Linear"]
    # same initial weights with and without dropout
    np.testing.assert_array_equal(ov.make_mlp([64, 32, 10], rng=0, dropout=(0.2, 0.5)).layers[1].params["W"],
                                  plain.layers[0].params["W"])


# -- the plots -----------------------------------------------------------------------------

def test_plots_draw(notebook_runs):
    import matplotlib.pyplot as plt

    sweep, dropped = notebook_runs
    poly = ov.polynomial_errors(degrees=(1, 9), rng=0)
    fig = plots.plot_polynomial_fits(poly["x_train"], poly["y_train"], {"f1": poly["fits"][(9, 0.0)]["coef"]},
                                     poly["x_test"], poly["y_test"], title="t")
    assert len(fig.axes[0].lines) == 1
    fig = plots.plot_errors([0, 1, 2], [1.0, 0.5, 0.1], [1.0, 0.7, 0.9], xlabel="degree", ylim=(1e-3, 10))
    assert fig.axes[0].get_yscale() == "log"
    fig = plots.plot_accuracy_curves({"a": sweep[0.0], "b": dropped}, mark={"a": 3})
    assert len(fig.axes[0].lines) == 5
    fig = plots.plot_sweep(list(sweep), [0.5] * len(sweep), [0.4] * len(sweep))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][:2] == ["0", "0.001"]
    plt.close("all")


# -- the notebook's own answers in the experiments (the bundle has no reference) ------------

def _polynomial_features(x, degree):
    x = np.asarray(x, dtype=np.float64)
    return np.stack([x ** k for k in range(degree + 1)], axis=1)


def _fit_polynomial(x, y, degree, lam=0.0):
    Phi = _polynomial_features(x, degree)
    A = np.vstack([Phi, np.sqrt(lam) * np.eye(degree + 1)])
    b = np.concatenate([np.asarray(y, dtype=np.float64), np.zeros(degree + 1)])
    return np.linalg.lstsq(A, b, rcond=None)[0]


def test_polynomial_errors_with_the_notebooks_functions():
    args = dict(degrees=(1, 5, 9), lams=(0.0, 1e-2), rng=3)
    default = ov.polynomial_errors(**args)["fits"]
    explicit = ov.polynomial_errors(**args, fit=ov.fit_polynomial, features=ov.polynomial_features)["fits"]
    mine = ov.polynomial_errors(**args, fit=_fit_polynomial, features=_polynomial_features)["fits"]
    assert default.keys() == explicit.keys() == mine.keys()
    for key, want in default.items():
        np.testing.assert_array_equal(explicit[key]["coef"], want["coef"])
        assert (explicit[key]["train_mse"], explicit[key]["test_mse"]) == (want["train_mse"], want["test_mse"])
        np.testing.assert_allclose(mine[key]["coef"], want["coef"], rtol=1e-6, atol=1e-8)
        assert mine[key]["test_mse"] == pytest.approx(want["test_mse"], rel=1e-6)
        assert mine[key]["train_mse"] == pytest.approx(want["train_mse"], rel=1e-4, abs=1e-12)
    with pytest.raises(TypeError, match="expected fit to be a function"):
        ov.polynomial_errors(fit="lstsq")


def test_the_exercises_reference_functions_are_importable_from_overfitting():
    from coursework.experiments import polynomials, training_curves

    for name in ("polynomial_features", "fit_polynomial", "predict_polynomial"):
        assert getattr(ov, name) is getattr(polynomials, name) and name in ov.__all__
    for name in ("final_accuracies", "train_val_gap", "early_stopping_epoch"):
        assert getattr(ov, name) is getattr(training_curves, name) and name in ov.__all__
