"""The lecture's claims about backpropagation (topic 9), asserted on the functions the
``04_backprop`` notebook calls."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")  # headless: the picture tests must run without a display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import coursework.graph as graph_pkg  # noqa: E402
from coursework.experiments import backprop as bp  # noqa: E402
from coursework.graph import Value, add_mul_example, sigmoid_neuron_example, topological_order  # noqa: E402
from coursework.graph import value as value_module  # noqa: E402
from helpers.nbgrader_course import REPO, solution_sources  # noqa: E402


def sigma(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# ----------------------------------------------------------- the first worked example
def test_add_mul_example_and_the_erratum():
    """f = (x + y) z at (-2, 5, -4) is -12 with gradients -4, -4, 3. The note writes
    ∂f/∂y with ∂(x+y)/∂x; the right factor ∂(x+y)/∂y is 1 as well, so -4 stands."""
    f, v = add_mul_example()
    rows = bp.edge_gradients(f)
    assert f.data == -12.0
    assert (v["x"].grad, v["y"].grad, v["z"].grad) == (-4.0, -4.0, 3.0)
    by_input = {r["input"]: r for r in rows}
    assert by_input["y"]["local"] == 1.0 and by_input["x"]["local"] == 1.0  # ∂q/∂y = ∂q/∂x = 1
    assert by_input["y"]["upstream"] == -4.0  # ∂f/∂q = z
    assert by_input["q"]["local"] == -4.0 and by_input["z"]["local"] == 3.0  # mul swaps


# --------------------------------------------------- upstream x local = downstream
@pytest.mark.parametrize("example", ["add_mul", "neuron_primitives", "neuron_gate"])
def test_upstream_times_local_is_downstream_and_copies_add(example):
    if example == "add_mul":
        f, _ = add_mul_example()
    else:
        f, _ = sigmoid_neuron_example(primitives=example == "neuron_primitives")
    rows = bp.edge_gradients(f)
    assert len(rows) == sum(len(n.parents) for n in topological_order(f))
    for r in rows:
        assert r["downstream"] == r["upstream"] * r["local"], r
        assert r["upstream"] == r["node_obj"].grad
    # every node's gradient is the sum of what its outgoing edges send back
    for node in topological_order(f):
        if node is f:
            assert node.grad == 1.0
            continue
        sent = [r["downstream"] for r in rows if r["input_obj"] is node]
        assert node.grad == pytest.approx(sum(sent), rel=1e-15, abs=1e-300), node


def test_local_gradient_knows_nothing_of_the_rest_of_the_graph():
    """The same q = x + y node has local gradient 1 whatever is built on top of it."""
    for scale in (1.0, -3.0, 10.0):
        x, y = Value(-2.0, "x"), Value(5.0, "y")
        q = x + y
        rows = bp.edge_gradients((q * scale).tanh())
        q_rows = [r for r in rows if r["node_obj"] is q]
        assert [r["local"] for r in q_rows] == [1.0, 1.0]
        assert x.grad == pytest.approx(scale * (1 - math.tanh(3.0 * scale) ** 2), rel=1e-12)


def test_format_edges_has_one_line_per_edge():
    f, _ = add_mul_example()
    rows = bp.edge_gradients(f)
    text = bp.format_edges(rows)
    lines = text.splitlines()
    assert len(lines) == 2 + len(rows)
    assert "upstream" in lines[0] and "downstream" in lines[0]
    assert "-4.0000 x     1.0000 =    -4.0000" in text


def test_edge_gradients_rejects_non_values():
    with pytest.raises(TypeError, match="expected a Value, got float"):
        bp.edge_gradients(1.0)


# ------------------------------------------------------------------ sigmoid neuron
@pytest.mark.parametrize("primitives", [True, False])
def test_sigmoid_neuron_is_073_with_the_lecture_gradients(primitives):
    f, v = sigmoid_neuron_example(primitives=primitives)
    f.backward()
    assert round(f.data, 2) == 0.73
    lecture = {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20}
    assert {k: round(v[k].grad, 2) for k in lecture} == lecture
    local = (1 - sigma(1.0)) * sigma(1.0)  # s = w0 x0 + w1 x1 + w2 = 1
    multiplier = {"w0": -1.0, "x0": 2.0, "w1": -2.0, "x1": -3.0, "w2": 1.0}
    for k, m in multiplier.items():
        assert v[k].grad == pytest.approx(local * m, rel=1e-14), k


def test_sigmoid_gate_gives_the_same_gradients_as_its_primitives():
    f1, v1 = sigmoid_neuron_example(primitives=False)
    f2, v2 = sigmoid_neuron_example(primitives=True)
    f1.backward()
    f2.backward()
    assert len(topological_order(f1)) < len(topological_order(f2))
    for k in v1:
        assert v1[k].grad == pytest.approx(v2[k].grad, rel=1e-14), k


def test_sigmoid_derivative_is_one_minus_sigma_times_sigma():
    r = bp.sigmoid_derivative()
    assert r["x"].shape == r["analytic"].shape == r["numerical"].shape == (201,)
    assert r["max_abs_error"] < 1e-9
    np.testing.assert_allclose(r["analytic"], r["numerical"], rtol=0, atol=1e-9)
    # at most 1/4 (at 0), almost nothing once the sigmoid saturates
    assert r["analytic"].max() == pytest.approx(0.25, abs=1e-15)
    assert r["x"][np.argmax(r["analytic"])] == 0.0
    assert np.all(r["analytic"][np.abs(r["x"]) > 5] < 0.007)


def test_sigmoid_derivative_at_given_points_and_input_check():
    r = bp.sigmoid_derivative(np.array([-2.0, 0.0, 3.0]))
    np.testing.assert_allclose(r["analytic"], [(1 - sigma(t)) * sigma(t) for t in (-2.0, 0.0, 3.0)], rtol=1e-14)
    with pytest.raises(ValueError, match=r"expected x of shape \(K,\), got shape \(2, 2\)"):
        bp.sigmoid_derivative(np.zeros((2, 2)))


def test_plot_sigmoid_derivative_draws_three_curves():
    fig = bp.plot_sigmoid_derivative()
    assert len(fig.axes[0].lines) == 3
    plt.close(fig)


# ------------------------------------------------------------------- gate patterns
def test_gate_patterns():
    p = bp.gate_patterns(upstream=2.0)
    assert set(p) == {"add", "mul", "max", "copy"}
    grads = {name: {k: v.grad for k, v in q["inputs"].items()} for name, q in p.items()}
    assert grads["add"] == {"x": 2.0, "y": 2.0}            # add distributes
    assert grads["mul"] == {"x": 2.0 * -1.0, "y": 2.0 * 3.0}  # mul swaps
    assert grads["max"] == {"x": 2.0, "y": 0.0}            # max routes
    assert grads["copy"] == {"x": 2.0 + 5.0}               # copy adds
    assert p["copy"]["upstream"] == [2.0, 5.0] and sum(p["copy"]["upstream"]) == grads["copy"]["x"]
    for name, q in p.items():
        assert grads[name] == q["expected"], name


@pytest.mark.parametrize("upstream", [1.0, -0.5, 3.0])
def test_gate_patterns_scale_with_the_upstream_gradient(upstream):
    p = bp.gate_patterns(upstream=upstream)
    for name in ("add", "mul", "max"):
        grads = {k: v.grad for k, v in p[name]["inputs"].items()}
        assert grads == p[name]["expected"], name


def test_draw_gate_patterns_has_a_panel_per_pattern():
    fig = bp.draw_gate_patterns()
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["add distributes", "mul swaps", "max routes", "copy adds"]
    assert all(ax.texts for ax in fig.axes)
    plt.close(fig)


# --------------------------------------------------------- topological sort, recursion
def test_recursive_sort_fails_on_a_long_chain_and_the_iterative_one_does_not():
    r = bp.recursion_demo(n=5000)
    assert r["recursion_limit"] < 5000
    assert r["recursive"] == "RecursionError"
    assert r["iterative"] == 2 * 5000 + 1
    assert r["grad"] == 1.0


def test_recursive_sort_is_right_on_short_graphs():
    y, x = bp.long_chain(50, step=1.1)
    order = bp.recursive_topological_order(y)
    assert set(order) == set(topological_order(y)) and order[0] is x and order[-1] is y
    f, _ = sigmoid_neuron_example(primitives=True)
    order = bp.recursive_topological_order(f)
    position = {n: i for i, n in enumerate(order)}
    assert all(position[p] < position[n] for n in order for p in n.parents)


def test_long_chain_gradient_and_input_check():
    y, x = bp.long_chain(10, x=2.0, step=1.5)
    y.backward()
    assert y.data == pytest.approx(2.0 * 1.5 ** 10)
    assert x.grad == pytest.approx(1.5 ** 10)
    with pytest.raises(ValueError, match="expected n >= 0"):
        bp.long_chain(-1)


def test_modular_api_order_parents_first():
    """The lecture's forward loop visits gates in topological order, backward in reverse."""
    f, _ = sigmoid_neuron_example(primitives=True)
    order = topological_order(f)
    position = {n: i for i, n in enumerate(order)}
    assert order[-1] is f
    assert all(position[p] < position[n] for n in order for p in n.parents)


# ----------------------------------------------------------------- the neuron as layers
def test_neuron_as_layers_matches_the_scalar_graph():
    layers = bp.neuron_as_layers()
    f, v = sigmoid_neuron_example()
    f.backward()
    assert layers["f"] == pytest.approx(f.data, rel=1e-15)
    for k in v:
        assert layers[k] == pytest.approx(v[k].grad, rel=1e-14), k


def test_neuron_as_layers_at_other_values():
    vals = dict(w0=0.5, x0=1.5, w1=-1.0, x1=0.25, w2=0.1)
    layers = bp.neuron_as_layers(**vals)
    f, v = sigmoid_neuron_example(**vals)
    f.backward()
    for k in v:
        assert layers[k] == pytest.approx(v[k].grad, rel=1e-13), k


# ------------------------------- the student's engine (04's bundle has no backward pass)
@pytest.fixture(scope="module")
def student():
    """MyValue, topological_order and backward_pass as the notebook's solution writes them."""
    ns: dict = {"math": math, "np": np}
    sources = solution_sources(REPO / "solutions" / "04_backprop" / "04_backprop.ipynb")
    for cell in ("myvalue", "topological_order", "backward_pass"):
        exec(compile(sources[cell], f"<{cell}>", "exec"), ns)
    return ns


@pytest.mark.parametrize("build", [add_mul_example, sigmoid_neuron_example,
                                   lambda **kw: sigmoid_neuron_example(primitives=True, **kw)],
                         ids=["add-mul", "sigmoid-gate", "sigmoid-primitives"])
def test_lecture_examples_on_the_students_engine(student, build):
    ref, ref_inputs = build()
    ref.backward()
    f, inputs = build(node=student["MyValue"])
    assert type(f) is student["MyValue"] and f.label == "f"
    f.backward()
    assert f.data == pytest.approx(ref.data, rel=1e-15)
    for name in ref_inputs:
        assert inputs[name].grad == pytest.approx(ref_inputs[name].grad, rel=1e-12, abs=1e-15), name
    rows, ref_rows = bp.edge_gradients(f, sort=student["topological_order"]), bp.edge_gradients(ref)
    strip = [{k: r[k] for k in ("node", "op", "input", "upstream", "local", "downstream")} for r in rows]
    assert strip == [{k: r[k] for k in strip[0]} for r in ref_rows]
    fig, ax = graph_pkg.draw_graph(f, sort=student["topological_order"])
    plt.close(fig)
    assert any(f"grad {inputs[name].grad:.4f}" in t.get_text() for t in ax.texts for name in inputs)


def test_gate_patterns_and_recursion_demo_on_the_students_engine(student):
    patterns = bp.gate_patterns(upstream=2.0, node=student["MyValue"])
    for name, p in patterns.items():
        assert {k: x.grad for k, x in p["inputs"].items()} == p["expected"], name
    assert len(bp.draw_gate_patterns(patterns, sort=student["topological_order"]).axes) == 4
    plt.close("all")
    demo = bp.recursion_demo(n=2000, sort=student["topological_order"], node=student["MyValue"])
    assert demo["recursive"] == "RecursionError" and demo["iterative"] == 4001 and demo["grad"] == 1.0
    with pytest.raises(TypeError, match="pass sort="):
        bp.edge_gradients(student["MyValue"](1.0))


def test_max_gate_of_a_students_node_follows_maximum(student):
    for a, b in ((3.0, -1.0), (-1.0, 3.0), (2.0, 2.0)):
        mine = bp._max_gate(student["MyValue"](a), student["MyValue"](b))
        ref = graph_pkg.maximum(Value(a), Value(b))
        assert mine.data == ref.data and mine.op == ref.op and mine.rule(2.0) == ref.rule(2.0)


def test_the_demos_before_the_exercises_need_no_answer_of_04(monkeypatch):
    """What the notebook runs before its exercises works as in the student bundle, where the
    rules of + and *, topological_order and Value.backward raise NotImplementedError."""
    def stripped(*args, **kwargs):
        raise NotImplementedError("reference implementation not shipped to students")

    for module in (value_module, graph_pkg, bp):
        monkeypatch.setattr(module, "topological_order", stripped)
    monkeypatch.setattr(value_module, "_add_rule", stripped)
    monkeypatch.setattr(value_module, "_mul_rule", stripped)
    monkeypatch.setattr(Value, "backward", stripped)
    f, v = add_mul_example()
    assert f.data == -12.0
    with pytest.raises(NotImplementedError):
        f.rule(1.0)
    for root in (f, sigmoid_neuron_example(primitives=True)[0], sigmoid_neuron_example()[0]):
        fig, _ = graph_pkg.draw_graph(root, show_grad=False)
        plt.close(fig)
    assert bp.recursion_demo(n=2000, sort=None)["recursive"] == "RecursionError"
    assert bp.sigmoid_derivative()["max_abs_error"] < 1e-9
