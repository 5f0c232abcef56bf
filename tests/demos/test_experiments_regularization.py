"""The lecture's regularization claims (topic 10), asserted on the functions the
06_regularization notebook calls: zero-loss weights are not unique, the worked penalty
example with corrected numbers, λ shrinking the weights, inverted dropout, batch norm."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn, regularization
from coursework.experiments import regularization as experiments
from helpers.nbgrader_course import notebook_answers


def test_lecture_example_with_the_corrected_numbers():
    ex = experiments.lecture_penalty_example(beta=1.0)
    assert ex["score"] == {"w1": 1.0, "w2": 1.0}                     # the same score w·x = 1
    assert ex["l2"] == {"w1": 1.0, "w2": 0.25}                      # L2 = Σ w² prefers the spread-out w2
    assert ex["l1"] == {"w1": 1.0, "w2": 1.0}                       # L1 = Σ |w| is indifferent
    assert ex["elastic_net"] == {"w1": 2.0, "w2": 1.25}             # Σ (β w² + |w|), β = 1
    # The erratum: the note's Σ (1 − w)² and Σ |1 − w| give its printed 3, 2.25 and 3, 3.
    assert (ex["note"]["l2"]["w1"], ex["note"]["l2"]["w2"]) == experiments.NOTE_PRINTED["l2"] == (3.0, 2.25)
    assert (ex["note"]["l1"]["w1"], ex["note"]["l1"]["w2"]) == experiments.NOTE_PRINTED["l1"] == (3.0, 3.0)


def test_penalties_are_the_lectures_formulas():
    W = np.array([[1.0, -2.0], [0.0, 0.5]])
    value, grad = regularization.l2(W)
    assert float(value) == 5.25 and np.array_equal(grad, 2 * W)     # Σ W², no ½
    value, grad = regularization.l1(W)
    assert float(value) == 3.5 and np.array_equal(grad, [[1.0, -1.0], [0.0, 1.0]])
    value, grad = regularization.elastic_net(W, 0.5)
    assert float(value) == 0.5 * 5.25 + 3.5 and np.array_equal(grad, W + np.sign(W))


def test_zero_data_loss_for_every_larger_multiple_of_W():
    result = experiments.zero_loss_is_not_unique(scales=(0.25, 0.5, 1, 2, 5, 10), lam=0.01)
    scales, data_loss, penalty = result["scales"], result["data_loss"], result["penalty"]
    for c, loss in zip(scales, data_loss):
        if c >= 1:
            assert loss == 0.0, (c, loss)                           # margins that hold keep holding
    assert data_loss[0] > 0 and data_loss[1] > 0                    # shrinking can break them
    W = result["W"]
    r1 = float(regularization.l2(W)[0])
    for c, r in zip(scales, penalty):
        assert r == pytest.approx(c * c * r1, rel=1e-12)           # R_L2(cW) = c² R_L2(W)
    total = result["total"]
    assert int(np.argmin(total)) == scales.index(1)                 # λ R picks the smallest zero-loss W here
    # the same directly with the package's SVM loss
    train_set, _ = experiments.digits_split()
    X = np.concatenate([train_set.X[:40], np.ones((40, 1))], axis=1)
    assert float(nn.svm_loss(X @ (3.0 * W), train_set.y[:40])[0]) == 0.0


def test_larger_lambda_gives_smaller_weights_and_larger_data_loss():
    sweep = experiments.weight_decay_sweep(lams=(0.0, 1e-3, 1e-2, 1e-1), epochs=15)
    norms = [r["weight_norm2"] for r in sweep.values()]
    losses = [r["data_loss"] for r in sweep.values()]
    assert all(a > b for a, b in zip(norms, norms[1:])), norms
    assert all(a < b for a, b in zip(losses, losses[1:])), losses
    assert norms[-1] < norms[0] / 10
    assert sweep[0.0]["test_accuracy"] > 0.9 and sweep[0.1]["test_accuracy"] < sweep[0.0]["test_accuracy"]


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_inverted_dropout_keeps_the_expected_value_and_is_the_identity_at_evaluation(p):
    stats = experiments.dropout_statistics(p=p, trials=40000, rng=1)
    x = stats["x"]
    # standard error of the mean of x * keep / (1 - p): |x| sqrt(p / (1 - p) / trials)
    tolerance = 5 * np.abs(x) * np.sqrt(p / (1 - p) / 40000)
    assert np.all(np.abs(stats["mean_output"] - x) < tolerance), (stats["mean_output"], x)
    assert np.all(np.abs(stats["mean_without_scaling"] - (1 - p) * x) < tolerance)
    assert abs(stats["dropped_fraction"] - p) < 0.01
    np.testing.assert_array_equal(stats["eval_output"], x)
    np.testing.assert_allclose(stats["kept_values"], x / (1 - p))


def test_dropout_mask_keeps_where_true():
    layer = regularization.Dropout(0.25, rng=0)
    x = np.arange(1.0, 5.0)
    mask = np.array([True, False, True, False])
    np.testing.assert_allclose(layer.forward(x, mask=mask), [1 / 0.75, 0, 3 / 0.75, 0])
    np.testing.assert_allclose(layer.backward(np.ones(4)), [1 / 0.75, 0, 1 / 0.75, 0])


def test_batchnorm_normalises_every_feature():
    stats = experiments.batchnorm_statistics(N=64)
    assert np.all(np.abs(stats["mean_out"]) < 1e-12)
    var_in = stats["std_in"] ** 2
    np.testing.assert_allclose(stats["std_out"], np.sqrt(var_in / (var_in + 1e-5)), rtol=1e-12)
    assert np.all(stats["std_out"] > 0.999)
    assert stats["std_in"].max() / stats["std_in"].min() > 100          # very different scales going in


@pytest.mark.parametrize("N", [4, 8, 32])
def test_batchnorm_gradient_check_with_a_real_batch(N):
    errors = experiments.batchnorm_gradient_errors(N=N, D=4, rng=N)
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < 1e-6, errors


def test_a_batch_of_one_is_refused_and_would_prove_nothing():
    with pytest.raises(ValueError, match="more than 1 sample"):
        experiments.batchnorm_gradient_errors(N=1)
    # evaluated on one sample, the normalisation gives beta whatever x is: dx = 0
    layer = regularization.BatchNorm(3)
    layer.params["beta"] = np.array([0.5, -1.0, 2.0])
    layer.eval()
    layer.running_mean, layer.running_var = np.array([3.0, -1.0, 7.0]), np.zeros(3)
    np.testing.assert_allclose(layer.forward(np.array([[3.0, -1.0, 7.0]])), [[0.5, -1.0, 2.0]])


# -- the notebook passes its own answers (the bundle has no reference); same results -----------

# the notebook's own answers (its solution cells)
_answers = notebook_answers("06_regularization")
_l2, _l1, _elastic_net = _answers.l2_penalty, _answers.l1_penalty, _answers.elastic_net
_dropout_forward, _batchnorm_forward, _batchnorm_backward = (_answers.dropout_forward, _answers.batchnorm_forward,
                                                            _answers.batchnorm_backward)


def test_penalty_experiments_with_the_notebooks_penalties():
    mine = experiments.lecture_penalty_example(penalties={"l2": _l2, "l1": _l1, "elastic_net": _elastic_net})
    assert mine == experiments.lecture_penalty_example()
    with pytest.raises(ValueError, match=r"got none for \['elastic_net'\]"):
        experiments.lecture_penalty_example(penalties={"l2": _l2, "l1": _l1})
    default = experiments.zero_loss_is_not_unique()
    given = experiments.zero_loss_is_not_unique(penalty=_l2)
    assert given["penalty"] == pytest.approx(default["penalty"], rel=1e-12)
    assert given["total"] == pytest.approx(default["total"], rel=1e-12)
    without = experiments.zero_loss_is_not_unique(penalty=None)            # before the student has one
    assert "penalty" not in without and "total" not in without
    assert without["data_loss"] == default["data_loss"] and without["steps"] == default["steps"]
    with pytest.raises(TypeError, match="expected penalty to be a function"):
        experiments.zero_loss_is_not_unique(penalty="l2")


def test_weight_decay_sweep_with_the_notebooks_l2():
    default = experiments.weight_decay_sweep(lams=(0.0, 1e-2), epochs=3)
    assert experiments.weight_decay_sweep(lams=(0.0, 1e-2), epochs=3, penalty=regularization.l2) == default
    mine = experiments.weight_decay_sweep(lams=(0.0, 1e-2), epochs=3, penalty=_l2)
    for lam in default:
        assert mine[lam] == pytest.approx(default[lam], rel=1e-9)
    with pytest.raises(TypeError, match="expected penalty to be a function"):
        experiments.weight_decay_sweep(lams=(1e-2,), epochs=1, penalty=None)


def test_dropout_and_batchnorm_experiments_with_the_notebooks_functions():
    default = experiments.dropout_statistics(p=0.3, trials=500, rng=2)
    mine = experiments.dropout_statistics(p=0.3, trials=500, rng=2, forward=_dropout_forward)
    for key, value in default.items():                       # the same masks as the layer draws
        np.testing.assert_allclose(mine[key], value, rtol=1e-15, err_msg=key)
    default = experiments.batchnorm_statistics(N=64)
    mine = experiments.batchnorm_statistics(N=64, forward=_batchnorm_forward)
    for key, value in default.items():
        np.testing.assert_allclose(mine[key], value, rtol=1e-12, atol=1e-12, err_msg=key)
    errors = experiments.batchnorm_gradient_errors(N=8, D=4, forward=_batchnorm_forward,
                                                   backward=_batchnorm_backward)
    assert set(errors) == {"x", "gamma", "beta"} and max(errors.values()) < 1e-6, errors
    with pytest.raises(ValueError, match="both forward and backward or neither"):
        experiments.batchnorm_gradient_errors(forward=_batchnorm_forward)


def test_batchnorm_gradient_check_finds_a_wrong_backward_of_the_notebook():
    def no_mean_term(dout, cache):
        x_hat, gamma, inv_std = cache
        return dout * gamma * inv_std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)

    with pytest.raises(AssertionError, match="gradient of x"):
        experiments.batchnorm_gradient_errors(N=8, D=4, forward=_batchnorm_forward, backward=no_mean_term)


def test_fit_takes_a_penalty_function():
    from coursework import nn, optim, train

    X = np.random.default_rng(0).standard_normal((30, 4))
    y = np.arange(30) % 3
    runs = []
    for kind in ("l2", regularization.l2, _l2):
        model = nn.MLP([4, 5, 3], rng=0)
        runs.append(train.fit(model, X, y, optimizer=optim.SGD(0.1), epochs=2, batch_size=8, rng=0,
                              regularization=(kind, 0.1), progress=False).loss)
    assert runs[0] == runs[1]
    assert runs[2] == pytest.approx(runs[0], rel=1e-12)
    value, grads = regularization.penalty({"W": np.ones((2, 2)), "b": np.ones(2)}, _l1, 0.5)
    assert float(value) == 2.0 and np.array_equal(grads["W"], 0.5 * np.ones((2, 2))) and not grads["b"].any()

    def bad(W):
        return 0.0, np.ones(4)

    with pytest.raises(ValueError, match=r"expected bad\(W\) to return dW of W's shape \(2, 2\), got shape \(4,\)"):
        regularization.penalty({"W": np.ones((2, 2))}, bad, 1.0)
