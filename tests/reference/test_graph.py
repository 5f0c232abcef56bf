"""coursework.graph: the scalar autograd engine (lecture topic 9) and its picture."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")  # headless: the picture tests must run without a display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursework.graph import (  # noqa: E402
    Value, add_mul_example, draw_graph, maximum, sigmoid_neuron_example, topological_order, zero_grad,
)

PRIMITIVE_OPS = {"", "+", "*", "exp", "log", "tanh", "sigmoid", "relu", "max"}  # plus "**<n>"


def sigma(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# ----------------------------------------------------------------- worked examples
def test_add_mul_example_matches_lecture_exactly():
    f, v = add_mul_example()
    f.backward()
    assert f.data == -12.0
    assert (v["x"].grad, v["y"].grad, v["z"].grad) == (-4.0, -4.0, 3.0)
    assert f.grad == 1.0


@pytest.mark.parametrize("primitives", [False, True], ids=["sigmoid-node", "from-primitives"])
def test_sigmoid_neuron_matches_lecture(primitives):
    f, v = sigmoid_neuron_example(primitives=primitives)
    f.backward()
    s = sigma(1.0)  # w0*x0 + w1*x1 + w2 = -2 + 6 - 3 = 1
    local = (1.0 - s) * s
    expected = {"w0": local * -1.0, "x0": local * 2.0, "w1": local * -2.0, "x1": local * -3.0, "w2": local}
    assert f.data == pytest.approx(0.7310585786300049, abs=1e-15)
    assert round(f.data, 2) == 0.73
    # the lecture's rounded numbers
    lecture = {"w0": -0.196, "x0": 0.393, "w1": -0.393, "x1": -0.589, "w2": 0.196}
    for name, value in lecture.items():
        assert math.trunc(v[name].grad * 1000) / 1000 == value, (name, v[name].grad)
    for name, want in expected.items():
        got = v[name].grad
        if primitives:  # neg, exp, +, **-1, * round differently from (1 - σ)σ, by an ulp or so
            assert got == pytest.approx(want, rel=1e-15, abs=1e-16), (name, got, want)
        else:  # one sigmoid node: exactly the closed form
            assert got == want, (name, got, want)


def test_sigmoid_node_and_primitives_agree():
    f1, v1 = sigmoid_neuron_example()
    f2, v2 = sigmoid_neuron_example(primitives=True)
    f1.backward()
    f2.backward()
    assert f1.data == pytest.approx(f2.data, rel=1e-15)
    for name in v1:
        assert v1[name].grad == pytest.approx(v2[name].grad, rel=1e-15), name
    ops1 = {n.op for n in topological_order(f1)}
    ops2 = {n.op for n in topological_order(f2)}
    assert "sigmoid" in ops1 and "sigmoid" not in ops2
    assert {"exp", "**-1"} <= ops2


# ------------------------------------------------------------------ gate patterns
def test_add_distributes():
    a, b = Value(1.5, "a"), Value(-2.0, "b")
    f = (a + b) * 3.0  # upstream gradient of the add gate is 3
    f.backward()
    assert (a.grad, b.grad) == (3.0, 3.0)


def test_mul_swaps():
    a, b = Value(1.5, "a"), Value(-2.0, "b")
    f = (a * b) * 3.0
    f.backward()
    assert (a.grad, b.grad) == (3.0 * -2.0, 3.0 * 1.5)


@pytest.mark.parametrize("form", ["function", "method"])
def test_max_routes(form):
    a, b = Value(4.0, "a"), Value(-1.0, "b")
    m = maximum(a, b) if form == "function" else a.max(b)
    f = m * 3.0
    f.backward()
    assert m.data == 4.0 and m.op == "max"
    assert (a.grad, b.grad) == (3.0, 0.0)
    g = maximum(b, a) * 3.0  # order does not matter
    zero_grad([a, b])
    g.backward()
    assert (a.grad, b.grad) == (3.0, 0.0)


def test_max_tie_splits_the_gradient():
    a, b = Value(2.0, "a"), Value(2.0, "b")
    f = maximum(a, b) * 4.0
    f.backward()
    assert (a.grad, b.grad) == (2.0, 2.0)
    x = Value(3.0)
    maximum(x, x).backward()  # max(x, x) = x
    assert x.grad == 1.0


def test_max_with_plain_numbers():
    x = Value(-3.0)
    m = maximum(0, x)
    m.backward()
    assert m.data == 0.0 and x.grad == 0.0
    m = maximum(x, -5)
    m.backward()
    assert m.data == -3.0 and x.grad == 1.0   # 0 + 1


def test_copy_adds():
    x = Value(3.0, "x")
    (x * x).backward()
    assert x.grad == 6.0
    x.zero_grad()
    (x + x).backward()
    assert x.grad == 2.0
    # used along two different paths
    y = x.tanh() + x * 2.0
    x.zero_grad()
    y.backward()
    assert x.grad == pytest.approx(1.0 - math.tanh(3.0) ** 2 + 2.0, rel=1e-15)


# -------------------------------------------------------------- numerical checks
def _sample(rng, domain):
    while True:
        x = float(rng.uniform(-2.0, 2.0))
        if domain == "positive":
            x = abs(x) + 0.2
        if domain == "no-kink" and abs(x) < 0.1:
            continue
        return x


# name -> (function of Values/floats, number of Value inputs, domain of each input)
OPS = {
    "add": (lambda a, b: a + b, 2, "any"),
    "radd": (lambda a: 1.7 + a, 1, "any"),
    "sub": (lambda a, b: a - b, 2, "any"),
    "sub-number": (lambda a: a - 0.3, 1, "any"),
    "rsub": (lambda a: 0.3 - a, 1, "any"),
    "mul": (lambda a, b: a * b, 2, "any"),
    "rmul": (lambda a: -2.5 * a, 1, "any"),
    "div": (lambda a, b: a / b, 2, "positive"),
    "div-number": (lambda a: a / 3.0, 1, "any"),
    "rtruediv": (lambda a: 2.0 / a, 1, "positive"),
    "neg": (lambda a: -a, 1, "any"),
    "pow2": (lambda a: a**2, 1, "any"),
    "pow3": (lambda a: a**3, 1, "any"),
    "pow-1": (lambda a: a**-1, 1, "positive"),
    "pow0.5": (lambda a: a**0.5, 1, "positive"),
    "pow-1.5": (lambda a: a**-1.5, 1, "positive"),
    "exp": (lambda a: a.exp(), 1, "any"),
    "log": (lambda a: a.log(), 1, "positive"),
    "tanh": (lambda a: a.tanh(), 1, "any"),
    "sigmoid": (lambda a: a.sigmoid(), 1, "any"),
    "relu": (lambda a: a.relu(), 1, "no-kink"),
    "max": (lambda a, b: maximum(a, b), 2, "max"),
    "max-method": (lambda a, b: a.max(b), 2, "max"),
}


@pytest.mark.parametrize("name", list(OPS))
def test_gradient_matches_centred_difference(name):
    fn, arity, domain = OPS[name]
    rng = np.random.default_rng(sorted(OPS).index(name))
    h = 1e-6
    for _ in range(5):
        if domain == "max":  # keep away from the tie, where max has a kink
            a = _sample(rng, "any")
            b = a + float(rng.choice([-1.0, 1.0])) * float(rng.uniform(0.2, 1.0))
            point = [a, b]
        else:
            point = [_sample(rng, domain) for _ in range(arity)]
        inputs = [Value(p, f"in{i}") for i, p in enumerate(point)]
        out = fn(*inputs)
        out.backward()
        for i in range(arity):
            plus = list(point)
            minus = list(point)
            plus[i] += h
            minus[i] -= h
            numeric = (fn(*map(Value, plus)).data - fn(*map(Value, minus)).data) / (2 * h)
            got = inputs[i].grad
            err = abs(got - numeric) / max(1e-8, abs(got) + abs(numeric))
            assert err < 1e-6, (f"{name}: d/d(input {i}) at {point}: backprop {got!r}, "
                                f"centred difference {numeric!r}, relative error {err:.2e}")


def test_derived_ops_are_built_from_primitives():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    f = (a - b) / b - a + 1 / a - (-b) + 2.0 - a / 4.0
    f.backward()
    ops = {n.op for n in topological_order(f)}
    assert all(op in PRIMITIVE_OPS or op.startswith("**") for op in ops), ops
    assert f.data == pytest.approx((2 + 3) / -3 - 2 + 1 / 2 - 3 + 2 - 0.5, rel=1e-15)
    assert a.grad == pytest.approx(1 / -3 - 1 - 1 / 4 - 0.25, rel=1e-15)
    assert b.grad == pytest.approx(-2 / 9 + 1, rel=1e-15)  # d/db (a - b)/b = -a/b**2


def test_numpy_scalars_defer_to_value():
    x = Value(3.0)
    y = np.float64(2.0) * x + np.float64(1.0)
    assert isinstance(y, Value) and y.data == 7.0
    y.backward()
    assert x.grad == 2.0


def test_sigmoid_is_stable_far_from_zero():
    x = Value(-800.0)
    s = x.sigmoid()
    s.backward()
    assert s.data == 0.0 and x.grad == 0.0
    y = Value(800.0)
    t = y.sigmoid()
    t.backward()
    assert t.data == 1.0 and y.grad == 0.0


def test_relu_derivative_at_zero_is_zero():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_pow_edge_cases():
    x = Value(0.0)
    (x**0.5).backward()
    assert x.grad == math.inf  # infinite slope of the square root at 0, as in PyTorch
    y = Value(2.0)
    (y**0).backward()
    assert y.grad == 0.0
    z = Value(-2.0)
    w = z**3
    w.backward()
    assert w.data == -8.0 and z.grad == 12.0 and w.op == "**3"


# ---------------------------------------------------------- backward and ordering
def test_topological_order_puts_parents_first():
    f, v = sigmoid_neuron_example(primitives=True)
    order = topological_order(f)
    assert order[-1] is f
    assert len(order) == len({id(n) for n in order})
    index = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert index[id(parent)] < index[id(node)]
    assert all(any(n is x for n in order) for x in v.values())


def test_backward_twice_adds_the_gradients_twice():
    f, v = add_mul_example()
    f.backward()
    assert {k: x.grad for k, x in v.items()} == {"x": -4.0, "y": -4.0, "z": 3.0}
    f.backward()
    assert {k: x.grad for k, x in v.items()} == {"x": -8.0, "y": -8.0, "z": 6.0}
    assert f.grad == 2.0
    a = Value(3.0, "a")
    b = a * a
    b.backward()
    b.backward()
    assert a.grad == 12.0  # 2 * (2a), not 6


def test_a_pass_propagates_only_its_own_gradients():
    # micrograd's backward sends node.grad on, so what the first call left in the
    # interior node q is sent again by the second: x would get -4 - 8 = -12, not -8.
    f, v = add_mul_example()
    f.backward()
    q = f.parents[0]
    assert q.grad == -4.0
    f.backward()
    assert (q.grad, v["x"].grad) == (-8.0, -8.0)


def test_two_losses_sharing_a_leaf_add_up():
    w, x = Value(2.0, "w"), Value(1.5, "x")
    loss1 = w * 3.0
    loss2 = w * w + x
    loss1.backward()
    loss2.backward()
    assert (w.grad, x.grad) == (3.0 + 4.0, 1.0)
    assert loss1.grad == 1.0 and loss2.grad == 1.0   # neither output is in the other's graph
    total = Value(2.0, "w")
    both = total * 3.0 + (total * total + x)
    both.backward()
    assert total.grad == w.grad                         # the gradient of the sum of the losses


def test_zero_grad_clears_the_whole_graph():
    f, v = sigmoid_neuron_example()
    f.backward()
    f.zero_grad()
    assert all(n.grad == 0.0 for n in topological_order(f))
    f.backward()
    again = {k: x.grad for k, x in v.items()}
    zero_grad(f)
    f.backward()
    assert {k: x.grad for k, x in v.items()} == again   # a fresh start gives the first pass's gradients


def test_zero_grad_on_a_list_resets_each_value_and_its_graph_only():
    w, b, other = Value(2.0, "w"), Value(-1.0, "b"), Value(4.0, "other")
    loss = w * 3.0 + b
    side = other * 2.0
    loss.backward()
    side.backward()
    zero_grad([w, b])                                    # the parameters, as an optimizer step would
    assert (w.grad, b.grad, loss.grad, other.grad) == (0.0, 0.0, 1.0, 2.0)
    zero_grad((loss, side))                              # several losses and their graphs
    assert all(n.grad == 0.0 for root in (loss, side) for n in topological_order(root))
    zero_grad([])                                        # nothing to do


@pytest.mark.parametrize("bad, match", [
    (3.0, r"zero_grad: expected a Value or an iterable of Values, got 3.0 \(float\)"),
    ("w", r"expected a Value or an iterable of Values, got 'w' \(str\)"),
    ([Value(1.0), 2.0], r"zero_grad: expected Values, got 2.0 \(float\) at position 1"),
])
def test_zero_grad_says_what_it_expected(bad, match):
    with pytest.raises(TypeError, match=match):
        zero_grad(bad)


def test_long_chain_backward_is_iterative():
    # No time limit here (timed tests fail on a loaded machine); depth is what counts.
    n = 100_000
    x = Value(0.5, "x")
    y = x
    for _ in range(n):
        y = y * 1.0 + 0.0  # depth 2n, far beyond Python's recursion limit
    y.backward()
    assert y.data == 0.5 and x.grad == 1.0
    assert len(topological_order(y)) == 1 + 4 * n  # x, and per step: two constants and two ops
    del y  # freeing the chain must not hit the recursion limit either


# ------------------------------------------------------------------------- errors
@pytest.mark.parametrize("bad", ["1.0", None, [1.0], 1 + 2j, True, np.array([1.0])])
def test_non_numeric_data_is_rejected(bad):
    with pytest.raises(TypeError, match=r"Value: expected a real number \(int or float\), got"):
        Value(bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_data_is_rejected(bad):
    with pytest.raises(ValueError, match="Value: expected a finite number, got"):
        Value(bad)
    with pytest.raises(ValueError, match="expected a finite number"):
        Value(1.0) + bad


def test_label_must_be_text():
    with pytest.raises(TypeError, match="expected label to be a str, got 3"):
        Value(1.0, 3)


def test_value_exponent_is_rejected():
    with pytest.raises(TypeError, match=r"Value \*\* Value is not supported: the exponent must be a plain int"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match=r"number \*\* Value is not supported"):
        2.0 ** Value(3.0)


def test_bad_operands_are_rejected():
    with pytest.raises(TypeError, match="unsupported operand"):
        Value(1.0) + "2"
    with pytest.raises(TypeError, match="unsupported operand"):
        Value(1.0) ** "2"
    with pytest.raises(TypeError, match="maximum: expected Values or real numbers, got 'a'"):
        maximum(Value(1.0), "a")
    with pytest.raises(TypeError, match="topological_order: expected a Value, got 3"):
        topological_order(3)


def test_log_of_non_positive_names_the_value():
    with pytest.raises(ValueError, match=r"Value.log: expected a positive value, got 0\.0"):
        Value(0.0).log()
    with pytest.raises(ValueError, match=r"Value.log: expected a positive value, got 'x' -1\.5"):
        Value(-1.5, "x").log()


def test_division_by_zero():
    with pytest.raises(ZeroDivisionError, match="Value division: the divisor is zero"):
        Value(1.0) / Value(0.0, "d")
    with pytest.raises(ZeroDivisionError, match="Value division: the divisor is zero"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match="Value division: the divisor is zero"):
        1.0 / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="0 cannot be raised to a negative power"):
        Value(0.0) ** -2


def test_complex_power_and_overflow_are_rejected():
    with pytest.raises(ValueError, match="negative base .* needs an integer exponent"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ValueError, match="expected a finite exponent"):
        Value(2.0) ** math.nan
    with pytest.raises(OverflowError, match=r"Value.exp: exp\(1000\.0\) overflows"):
        Value(1000.0).exp()
    with pytest.raises(OverflowError, match=r"Value '\*': the result of"):
        Value(1e200) * Value(1e200)


def test_repr_names_data_grad_label_and_op():
    f, _ = add_mul_example()
    assert repr(f) == "Value(data=-12.0, grad=0.0, label='f', op='*')"
    assert repr(Value(2)) == "Value(data=2.0, grad=0.0)"


# ------------------------------------------------------------------------ picture
@pytest.mark.parametrize("build", [add_mul_example, sigmoid_neuron_example,
                                   lambda: sigmoid_neuron_example(primitives=True)],
                         ids=["add-mul", "sigmoid-neuron", "sigmoid-neuron-primitives"])
def test_draw_graph_shows_every_value_and_gradient(build):
    f, _ = build()
    f.backward()
    fig, ax = draw_graph(f)
    try:
        texts = [t.get_text() for t in ax.texts]
        for node in topological_order(f):
            want = [f"data {node.data:.4f}", f"grad {node.grad:.4f}"] + ([node.label] if node.label else [])
            assert any(all(w in t for w in want) for t in texts), (node, texts)
            if node.op:
                assert node.op in texts
        fig.canvas.draw()  # renders without a display
    finally:
        plt.close(fig)


def test_draw_graph_lecture_numbers_and_layout():
    f, v = add_mul_example()
    f.backward()
    fig, ax = draw_graph(f)
    try:
        texts = [t.get_text() for t in ax.texts]
        assert "f\ndata -12.0000\ngrad 1.0000" in texts
        assert "x\ndata -2.0000\ngrad -4.0000" in texts
        assert "z\ndata -4.0000\ngrad 3.0000" in texts
        assert {"+", "*"} <= set(texts)
        # left to right by depth: inputs, then q, then f
        where = {t.get_text().split("\n")[0]: t.get_position()[0] for t in ax.texts}
        assert where["x"] == where["y"] == where["z"] < where["q"] < where["f"]
        assert where["+"] < where["q"] < where["*"] < where["f"]
    finally:
        plt.close(fig)


def test_draw_graph_without_grad_and_into_given_axes():
    f, _ = sigmoid_neuron_example()
    f.backward()
    fig, ax = plt.subplots()
    try:
        fig2, ax2 = draw_graph(f, ax=ax, show_grad=False)
        assert fig2 is fig and ax2 is ax
        texts = [t.get_text() for t in ax.texts]
        assert not any("grad" in t for t in texts)
        assert any("data 0.7311" in t for t in texts)
    finally:
        plt.close(fig)


def test_draw_graph_rejects_bad_input():
    with pytest.raises(TypeError, match="draw_graph: expected a Value, got 1.0"):
        draw_graph(1.0)
    x = Value(1.0)
    y = x
    for _ in range(200):
        y = y + x
    with pytest.raises(ValueError, match="draw_graph: the graph has 201 nodes, more than max_nodes=50"):
        draw_graph(y, max_nodes=50)


@pytest.mark.parametrize("expr", [lambda x: "a" + x, lambda x: "a" - x, lambda x: "a" * x, lambda x: "a" / x,
                                  lambda x: x - "a", lambda x: x * "a", lambda x: x / "a"],
                         ids=["radd", "rsub", "rmul", "rtruediv", "sub", "mul", "truediv"])
def test_reflected_ops_reject_non_numbers(expr):
    # Python's own messages: Value returns NotImplemented and leaves the error to Python
    with pytest.raises(TypeError, match=r"unsupported operand type|can only concatenate|can't multiply sequence"):
        expr(Value(2.0))


# ------------------------------------------- what works without the answers of 04
def test_creation_order_puts_parents_first_and_lists_every_node_once():
    from coursework.graph.draw import creation_order

    rng = np.random.default_rng(0)
    for _ in range(50):
        pool = [Value(float(v), f"x{i}") for i, v in enumerate(rng.uniform(0.5, 1.5, size=3))]
        for _ in range(int(rng.integers(1, 20))):
            a, b = pool[rng.integers(len(pool))], pool[rng.integers(len(pool))]
            pool.append([a + b, a * b, a * 2.0, maximum(a, b), (a * 0.1).exp()][int(rng.integers(5))])
        root = pool[-1]
        order = creation_order(root)
        assert order[-1] is root and {id(n) for n in order} == {id(n) for n in topological_order(root)}
        assert len(order) == len({id(n) for n in order})
        index = {id(n): i for i, n in enumerate(order)}
        assert all(index[id(p)] < index[id(n)] for n in order for p in n.parents)


def test_rule_is_the_nodes_backward_rule():
    x, y = Value(3.0), Value(-2.0)
    assert x.rule is None
    assert (x * y).rule(2.0) == (-4.0, 6.0) and (x + y).rule(2.0) == (2.0, 2.0)
    with pytest.raises(AttributeError):
        (x + y).rule = None  # read-only: Values are built by their operations


class Node:
    """A student's node (the notebook's MyValue interface): no stamps, no package sort."""

    def __init__(self, data, parents=(), op="", label=""):
        self.data, self.grad, self.parents = float(data), 0.0, tuple(parents)
        self.op, self.label, self.rule = op, label, None


def _plain_sort(root):
    order, seen, stack = [], {id(root)}, [(root, iter(root.parents))]
    while stack:
        node, pending = stack[-1]
        for p in pending:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append((p, iter(p.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def test_draw_graph_draws_other_nodes_in_the_given_order():
    x, y = Node(2.0, label="x"), Node(3.0, label="y")
    f = Node(6.0, (x, y), "*", "f")
    f.grad, x.grad, y.grad = 1.0, 3.0, 2.0
    fig, ax = draw_graph(f, sort=_plain_sort)
    try:
        texts = [t.get_text() for t in ax.texts]
        assert "f\ndata 6.0000\ngrad 1.0000" in texts and "x\ndata 2.0000\ngrad 3.0000" in texts and "*" in texts
    finally:
        plt.close(fig)
    with pytest.raises(TypeError, match="for other nodes pass sort=, e.g. your topological_order"):
        draw_graph(f)
    with pytest.raises(ValueError, match="expected sort\\(root\\) to list the nodes with root last"):
        draw_graph(f, sort=lambda root: [root, x, y])
    with pytest.raises(TypeError, match="has no grad"):
        draw_graph(object.__new__(type("Bare", (), {"data": 1.0, "label": "", "op": "", "parents": ()})),
                   sort=_plain_sort)


def test_draw_graph_wraps_a_long_graph_into_bands_with_its_own_box_text():
    f, _ = sigmoid_neuron_example(primitives=True)
    f.backward()
    order = topological_order(f)
    short = lambda node, show_grad: f"{node.data:.2f}\ngrad {node.grad:.2f}"  # noqa: E731
    fig, ax = draw_graph(f, sort=topological_order)
    wide = ax.get_xlim()[1] - ax.get_xlim()[0]
    plt.close(fig)
    fig, ax = draw_graph(f, sort=topological_order, text=short, fontsize=12, wrap=5)
    try:
        assert ax.get_xlim()[1] - ax.get_xlim()[0] < 0.7 * wide       # 9 columns in two bands of at most 5
        by_gid = {t.get_gid(): t for t in ax.texts}
        assert by_gid[f"node {len(order) - 1}"].get_text() == "0.73\ngrad 1.00"
        assert by_gid[f"op {len(order) - 1}"].get_text() == "*" and by_gid["node 0"].get_fontsize() == 12
        inputs = [by_gid[f"node {i}"].get_position()[1] for i, n in enumerate(order) if n.label in ("w0", "x0", "w2")]
        assert by_gid[f"node {len(order) - 1}"].get_position()[1] < min(inputs)   # the output: in the lower band
        fig.canvas.draw()
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="expected wrap to be a number of columns >= 1, got 0"):
        draw_graph(f, wrap=0)
