"""The lecture's claims about activations (topic 5), asserted on the package functions
that notebook 03_activations calls and plots."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

from coursework import nn
from coursework.experiments.activations import (DEAD_SETTINGS, FUNCTIONS, collapse_linear, combine_linear,
                                                dead_fraction_vs_lr, dead_units_experiment, hidden_unit_stats,
                                                linear_vs_relu_spirals, mean_outputs, package_pair, sigmoid_saturation)
from coursework.plotting.activations import (plot_activation_panels, plot_bars, plot_decision_regions,
                                             plot_function_and_derivative, plot_grouped_bars)

matplotlib.use("Agg")


# -- sigmoid saturates; sigmoid is not zero-centred, tanh is; ELU nearer 0 than ReLU ---------

def test_sigmoid_saturates_and_passes_at_most_a_quarter_of_the_gradient():
    sat = sigmoid_saturation(far=10.0)
    assert sat["grad_at_minus_far"] < 1e-4 and sat["grad_at_plus_far"] < 1e-4, sat
    assert sat["grad_max"] == pytest.approx(0.25, abs=1e-15)
    assert sat["argmax"] == 0.0
    assert sat["tanh_grad_at_far"] < 1e-8          # tanh saturates too
    assert sat["relu_grad_at_far"] == 1.0          # ReLU does not, for x > 0
    with pytest.raises(ValueError, match="far > 0"):
        sigmoid_saturation(far=0.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_mean_outputs_on_zero_mean_inputs(seed):
    means = mean_outputs(n=200_000, rng=seed)
    assert means["sigmoid"] == pytest.approx(0.5, abs=0.005)          # not zero-centred
    assert abs(means["tanh"]) < 0.01                                   # zero-centred
    assert means["relu"] == pytest.approx(1 / math.sqrt(2 * math.pi), abs=0.01)
    elu_exact = 1 / math.sqrt(2 * math.pi) + math.exp(0.5) * 0.5 * math.erfc(1 / math.sqrt(2)) - 0.5
    assert means["elu"] == pytest.approx(elu_exact, abs=0.01)
    assert abs(means["elu"]) < abs(means["relu"]) - 0.2               # ELU nearer 0 than ReLU
    assert abs(means["elu"]) < abs(means["leaky_relu"])


def test_mean_outputs_rejects_unknown_names():
    with pytest.raises(ValueError, match="expected an activation among"):
        mean_outputs(names=("softplus",))


# -- dead ReLUs --------------------------------------------------------------------------------

def test_hidden_unit_stats_counts_inactive_and_dead_units():
    net = nn.MLP([2, 4, 3], "relu", rng=0)
    W = np.array(net.params["0.W"])
    W[:, 0] = 0.0
    net.params["0.W"] = W
    net.params["0.b"] = np.array([-1.0, 5.0, 5.0, 5.0])    # unit 0: z = -1 everywhere
    X = np.random.default_rng(0).uniform(-1, 1, size=(50, 2))
    assert hidden_unit_stats(net, X, "relu") == (0.25, 0.25)
    assert hidden_unit_stats(net, X, "leaky_relu") == (0.25, 0.0)
    assert hidden_unit_stats(net, X, "elu") == (0.25, 0.0)


def _check_dead_claims(result):
    relu = {s: result[s]["relu"] for s in DEAD_SETTINGS}
    good = relu["good setting"]
    assert good.inactive == 0.0 and good.train_accuracy > 0.9, good
    # More ReLUs never active with a large learning rate or a very negative bias ...
    assert relu["large learning rate"].inactive >= good.inactive + 0.3, relu
    assert relu["negative bias init"].inactive >= good.inactive + 0.3, relu
    # ... and for ReLU never active means dead: zero gradient, no way back.
    for setting, r in relu.items():
        assert r.dead == r.inactive, (setting, r)
        assert r.inactive >= r.inactive_at_init, (setting, r)
    # Leaky ReLU and ELU units in the same places are inactive too, but never dead.
    for name in ("leaky_relu", "elu"):
        assert result["large learning rate"][name].inactive > 0.3, result["large learning rate"]
        for setting in DEAD_SETTINGS:
            assert result[setting][name].dead == 0.0, (setting, name, result[setting][name])
    # ELU's gradient is large enough for the units of a negative bias to recover.
    elu = result["negative bias init"]["elu"]
    assert elu.inactive <= elu.inactive_at_init - 0.3, elu


def test_dead_relus_grow_with_a_large_learning_rate_or_a_negative_bias():
    _check_dead_claims(dead_units_experiment(rng=0))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_dead_relus_other_seeds(seed):
    _check_dead_claims(dead_units_experiment(rng=seed))


def test_dead_fraction_grows_with_the_learning_rate():
    sweep = dead_fraction_vs_lr((0.25, 1.0, 4.0, 8.0), "relu", rng=0)
    dead = [r.dead for r in sweep.values()]
    assert dead[0] == 0.0 and dead[-1] >= 0.9, dead
    assert all(b >= a for a, b in zip(dead, dead[1:])), dead
    assert sweep[0.25].train_accuracy > sweep[8.0].train_accuracy + 0.4


def test_dead_units_experiment_is_reproducible():
    a = dead_units_experiment(("relu",), {"x": (4.0, 0.0)}, epochs=5, rng=3)
    b = dead_units_experiment(("relu",), {"x": (4.0, 0.0)}, epochs=5, rng=3)
    assert a == b


# -- stacked linear layers collapse; a linear net cannot separate the spirals ------------------

def test_combine_linear_is_w1_w2_and_b1_w2_plus_b2():
    gen = np.random.default_rng(0)
    l1, l2 = nn.Linear(3, 5, gen), nn.Linear(5, 2, gen)
    l1.params["b"], l2.params["b"] = gen.standard_normal(5), gen.standard_normal(2)
    one = combine_linear(nn.Sequential(l1, l2))
    np.testing.assert_allclose(one.params["W"], l1.params["W"] @ l2.params["W"], atol=1e-15)
    np.testing.assert_allclose(one.params["b"], l1.params["b"] @ l2.params["W"] + l2.params["b"], atol=1e-15)
    # The lecture's column form: W3 = W2 W1 with W stored as (out, in).
    np.testing.assert_allclose(one.params["W"].T, l2.params["W"].T @ l1.params["W"].T, atol=1e-15)
    with pytest.raises(TypeError, match="Linear layers only"):
        combine_linear(nn.Sequential(l1, nn.ReLU(), l2))


@pytest.mark.parametrize("sizes", [(2, 50, 50, 3), (4, 8, 3), (3, 7, 7, 7, 2)])
def test_stacked_linear_layers_equal_one_linear_layer(sizes):
    result = collapse_linear(sizes, rng=1)
    assert result["max_abs_diff"] <= 1e-12 * max(1.0, result["scale"]), result
    assert result["product_shape"] == (sizes[0], sizes[-1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_linear_net_cannot_separate_spirals_but_relu_net_can(seed):
    runs = linear_vs_relu_spirals(hidden=32, epochs=150, rng=seed)
    assert runs["linear only"]["train_accuracy"] < 0.6, runs["linear only"]["train_accuracy"]
    assert runs["ReLU"]["train_accuracy"] > 0.9, runs["ReLU"]["train_accuracy"]
    # the trained linear stack is still one linear map
    assert all(isinstance(layer, nn.Linear) for layer in runs["linear only"]["model"])


# -- your own functions (notebook 03 passes them: its bundle has no package activations) -----------

#: The package's functions as the notebook's pairs: every result must equal the default's.
PACKAGE_PAIRS = {name: package_pair(name) for name in FUNCTIONS}

def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


#: The notebook's answers, as a student writes them.
STUDENT = {
    "sigmoid": (_sigmoid, lambda d, x: d * _sigmoid(x) * (1.0 - _sigmoid(x))),
    "tanh": (np.tanh, lambda d, x: d * (1.0 - np.tanh(x) ** 2)),
    "relu": (lambda x: np.maximum(0.0, x), lambda d, x: d * (x > 0)),
    "leaky_relu": (lambda x, alpha=0.01: np.where(x > 0, x, alpha * x),
                   lambda d, x, alpha=0.01: d * np.where(x > 0, 1.0, alpha)),
    "elu": (lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0))),
            lambda d, x, alpha=1.0: d * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))),
}


def test_package_pairs_give_the_default_results_exactly():
    assert sigmoid_saturation(functions=PACKAGE_PAIRS) == sigmoid_saturation()
    assert mean_outputs(n=10_000, functions=PACKAGE_PAIRS) == mean_outputs(n=10_000)
    small = dict(settings={"x": (4.0, -0.5)}, hidden=20, epochs=3)
    assert (dead_units_experiment(functions=PACKAGE_PAIRS, **small) == dead_units_experiment(**small))
    assert (dead_fraction_vs_lr((0.5, 8.0), "elu", hidden=20, epochs=3, functions=PACKAGE_PAIRS)
            == dead_fraction_vs_lr((0.5, 8.0), "elu", hidden=20, epochs=3))
    mine = linear_vs_relu_spirals(hidden=8, epochs=5, functions=PACKAGE_PAIRS)
    ref = linear_vs_relu_spirals(hidden=8, epochs=5)
    assert any(isinstance(layer, nn.Activation) for layer in mine["ReLU"]["model"])
    for name in ("linear only", "ReLU"):
        assert mine[name]["train_accuracy"] == ref[name]["train_accuracy"]
        for key in ref[name]["model"].params:
            assert np.array_equal(mine[name]["model"].params[key], ref[name]["model"].params[key]), (name, key)


def test_students_functions_reproduce_the_lecture_claims():
    sat = sigmoid_saturation(functions=STUDENT)
    assert sat["grad_max"] == pytest.approx(0.25, abs=1e-15) and sat["grad_at_plus_far"] < 1e-4
    assert sat["tanh_grad_at_far"] < 1e-8 and sat["relu_grad_at_far"] == 1.0
    only = sigmoid_saturation(functions={"sigmoid": STUDENT["sigmoid"]}, compare=())
    assert set(only) == {"grad_at_minus_far", "grad_at_plus_far", "grad_max", "argmax"}
    means = mean_outputs(n=200_000, functions=STUDENT)
    assert list(means) == list(STUDENT) and means == pytest.approx(mean_outputs(n=200_000), abs=1e-12)
    _check_dead_claims(dead_units_experiment(rng=0, functions=STUDENT))
    runs = linear_vs_relu_spirals(hidden=32, epochs=150, rng=0, functions=STUDENT)
    ref = linear_vs_relu_spirals(hidden=32, epochs=150, rng=0)
    assert runs["ReLU"]["train_accuracy"] == ref["ReLU"]["train_accuracy"] > 0.9


def test_functions_are_checked():
    with pytest.raises(TypeError, match=r"expected functions\['relu'\] to be a pair \(forward, backward\)"):
        mean_outputs(functions={"relu": np.tanh})
    with pytest.raises(TypeError, match="expected functions to be a dict"):
        dead_units_experiment(functions=[STUDENT["relu"]])
    with pytest.raises(ValueError, match="expected an activation among"):
        dead_fraction_vs_lr((1.0,), "softplus", functions=STUDENT)
    # a name of your own is fine when you give its functions
    soft = {"softplus": (lambda x: np.log1p(np.exp(x)), lambda d, x: d / (1.0 + np.exp(-x)))}
    assert mean_outputs(n=1000, functions=soft).keys() == {"softplus"}


# -- plots ---------------------------------------------------------------------------------------

def test_plots_draw_and_return_figures():
    import matplotlib.pyplot as plt

    x = np.linspace(-3, 3, 11)
    assert plot_function_and_derivative(x, np.tanh(x), 1 - np.tanh(x) ** 2, "tanh") is not None
    assert plot_bars({"a": 0.5, "b": -0.1}) is not None
    assert plot_grouped_bars({"s1": {"a": 0.1, "b": 0.2}, "s2": {"a": 0.3, "b": 0.0}}) is not None
    data = linear_vs_relu_spirals(hidden=8, epochs=2, n_per_class=10)
    fig = plot_decision_regions(data["ReLU"]["model"], data["data"].X, data["data"].y, resolution=20)
    assert len(fig.axes) == 1
    assert data["ReLU"]["model"].training is False        # flag restored (fit leaves eval mode)
    with pytest.raises(ValueError, match=r"expected X of shape \(N, 2\)"):
        plot_decision_regions(data["ReLU"]["model"], np.zeros((3, 3)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="same shape"):
        plot_function_and_derivative(x, x[:-1], x)
    plt.close("all")


def test_activation_panels_survive_unfinished_exercises():
    import matplotlib.pyplot as plt

    def not_done(*args):
        raise NotImplementedError()

    fig = plot_activation_panels({"relu": (lambda x: np.maximum(x, 0), lambda d, x: d * (x > 0)),
                                  "todo": (not_done, not_done)})
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("NotImplementedError" in t for t in texts)
    assert len(fig.axes[0].lines) >= 2
    plt.close("all")
