"""The lecture's regularization claims (topic 10), asserted on the functions the
06_regularization notebook calls: zero-loss weights are not unique, the worked penalty
example with corrected numbers, λ shrinking the weights, inverted dropout, batch norm."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import nn, regularization
from coursework.experiments import regularization as experiments


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
