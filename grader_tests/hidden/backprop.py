"""Hidden checks of assignment ``04_backprop`` (instructor only).

Random inputs drawn from a seed per student and exercise
(:func:`grader_tests.harness.student_rng`), compared with the ``coursework``
reference (:class:`coursework.graph.Value`, :class:`coursework.nn.Linear`,
:class:`coursework.nn.Sigmoid`). Messages describe the inputs but never print them.
"""

from __future__ import annotations

import numpy as np

from coursework.graph import Value, topological_order
from coursework.nn import Linear, Sigmoid

from .. import backprop as visible
from ..harness import assert_close, student_rng
from ..messages import say as say_visible
from .messages import say

ASSIGNMENT = "04_backprop"


# -- exercise 1: + and * ----------------------------------------------------------------

def _reference_local(op: str, a: float, b: float) -> tuple[float, float, float]:
    """(value, ∂out/∂a, ∂out/∂b) of ``a op b`` from the reference engine."""
    va, vb = Value(a), Value(b)
    out = va + vb if op == "+" else va * vb
    out.backward()
    return out.data, va.grad, vb.grad


def check_ops_random(MyValue) -> None:
    rng = student_rng(ASSIGNMENT, "ops")
    for trial in range(4):
        a, b = (float(v) for v in rng.normal(0.0, 3.0, size=2))
        g = float(rng.normal(0.0, 2.0))
        for op in ("+", "*"):
            data, da, db = _reference_local(op, a, b)
            x, y = MyValue(a), MyValue(b)
            what = say("b_pair", k=trial + 1, op=op)
            out = visible._attempt(lambda: x + y if op == "+" else x * y, what)
            visible.check_node(out, MyValue, (x, y), data, g, (g * da, g * db), what)
            what = say("b_pair_number", k=trial + 1, op=op)
            out = visible._attempt(lambda: x + b if op == "+" else x * b, what)
            visible.check_node(out, MyValue, (x, b), data, g, (g * da, g * db), what)


# -- exercise 2: topological_order -------------------------------------------------------

def _random_dag(rng: np.random.Generator, n: int) -> list:
    """The spec (:func:`visible.build_graph`) of ``n`` nodes; each after the first few has 1-3
    parents among the earlier nodes (repeats allowed)."""
    spec = [(f"leaf{i}", (), ()) for i in range(int(rng.integers(1, 5)))]
    while len(spec) < n:
        k = int(rng.integers(1, 4))
        # favour recent nodes, so the graph is deep as well as wide
        idx = [int(len(spec) - 1 - min(rng.geometric(0.3) - 1, len(spec) - 1)) for _ in range(k)]
        spec.append((f"n{len(spec)}", tuple(spec[i][0] for i in idx), tuple(float(v) for v in rng.normal(size=k))))
    return spec


def _search_work(spec: list, root_index: int) -> int:
    """Σ over the nodes below ``spec[root_index]`` of the number of paths from the root to it:
    the work of a depth-first search that does not remember the nodes it has seen.

    Parents always come before their children in ``spec`` (as :func:`_random_dag` makes them).
    """
    paths = {spec[root_index][0]: 1}
    for name, parents, _ in reversed(spec[: root_index + 1]):
        for p in parents:
            paths[p] = paths.get(p, 0) + paths.get(name, 0)
    return sum(paths.values())


def check_topological_order_random(topological_order) -> None:
    rng = student_rng(ASSIGNMENT, "topological_order")
    for trial in range(4):
        while True:  # a graph a sort without a `seen` set still finishes quickly on (and fails)
            spec = _random_dag(rng, int(rng.integers(10, 60)))
            index = int(rng.integers(len(spec) // 2, len(spec)))  # some nodes are not below the root
            if _search_work(spec, index) <= 20_000:
                break
        nodes = visible.graph(spec)
        parents = visible.parents_in(spec, nodes)
        root = nodes[spec[index][0]]
        what = say("b_sort", k=trial + 1, n=len(visible.reachable(root, parents)))
        visible.check_order(visible._attempt(lambda: topological_order(root), what), root, what, parents)


# -- exercise 3: expressions built with MyValue vs the reference Value --------------------

_OPS = ("add", "mul", "sub", "div", "square", "exp", "affine", "neuron")


def _random_program(rng: np.random.Generator, n_inputs: int, n_ops: int) -> list[tuple]:
    """A list of (op, i, j, constant): each step combines earlier results i and j."""
    program = []
    for step in range(n_ops):
        size = n_inputs + step
        i, j = (int(size - 1 - min(rng.geometric(0.35) - 1, size - 1)) for _ in range(2))
        if step < n_inputs:  # every input is used at least once
            i = step
        program.append((str(rng.choice(_OPS)), i, j, float(np.round(rng.uniform(-2.0, 2.0), 2))))
    return program


def _run_program(program: list[tuple], inputs: list):
    """Evaluate ``program`` on ``inputs`` (MyValue or Value; only +, -, *, /, ** and exp are used)."""
    pool = list(inputs)
    used = set()
    for op, i, j, c in program:
        used.update((i, j))
        a, b = pool[i], pool[j]
        if op == "add":
            r = a + b
        elif op == "mul":
            r = a * b
        elif op == "sub":
            r = a - b
        elif op == "div":
            r = a / (b * b + 1)
        elif op == "square":
            r = (a + c) ** 2
        elif op == "exp":
            r = (a * (0.25 * c)).exp()
        elif op == "affine":
            r = c * a + b - 1
        else:  # "neuron": a sigmoid built from primitives
            r = 1 / (1 + (-(a * c + b)).exp())
        pool.append(r)
    sinks = [pool[k] for k in range(len(inputs), len(pool)) if k not in used]
    root = sinks[0]
    for r in sinks[1:]:  # every result that no later step uses: the root depends on every input
        root = root + r * 0.5
    return root


def _random_expression(rng: np.random.Generator):
    """(values of the inputs, program) whose every intermediate value stays below 50 in size."""
    while True:
        n_inputs = int(rng.integers(2, 5))
        values = [float(v) for v in np.round(rng.uniform(-2.0, 2.0, size=n_inputs), 3)]
        program = _random_program(rng, n_inputs, int(rng.integers(n_inputs + 2, 13)))
        try:
            out = _run_program(program, [Value(v) for v in values])
        except (OverflowError, ZeroDivisionError, ValueError):
            continue
        if all(abs(node.data) < 50 for node in topological_order(out)):
            return values, program


def check_expressions_random(MyValue) -> None:
    rng = student_rng(ASSIGNMENT, "expressions")
    for trial in range(5):
        values, program = _random_expression(rng)
        ref_inputs = [Value(v) for v in values]
        ref = _run_program(program, ref_inputs)
        ref.backward()
        names = tuple(f"input{i}" for i in range(len(values)))
        what = say("b_expression", k=trial + 1, ops=len(program) + 1, n=len(values))
        visible.check_expression(MyValue, names, values, lambda *xs: _run_program(program, list(xs)),
                                 ref.data, np.array([v.grad for v in ref_inputs]), what)


# -- exercise 4: layers -------------------------------------------------------------------

def check_linear_random(MyLinear) -> None:
    rng = student_rng(ASSIGNMENT, "linear")
    for trial in range(3):
        n, d, m = (int(v) for v in rng.integers(1, 9, size=3))
        x, W, b = rng.standard_normal((n, d)), rng.standard_normal((d, m)), rng.standard_normal(m)
        dout = rng.standard_normal((n, m))
        ref = Linear(d, m, rng=0)
        ref.params["W"], ref.params["b"] = W.copy(), b.copy()
        want_out = ref.forward(x)
        want_dx = ref.backward(dout)
        what = say("b_linear", k=trial + 1, x=x.shape, W=W.shape, b=b.shape)
        layer = visible._attempt(lambda: MyLinear(W.copy(), b.copy()), say_visible("b_create_layer", what=what))
        out, dx = visible.run_layer(layer, x, dout, "MyLinear", what)
        assert_close(out, want_out, f"{what}: forward(x)", atol=1e-9)
        assert_close(dx, want_dx, f"{what}: backward(dout) -> dx", atol=1e-9)
        visible.check_grads_dict(layer, ref.params, what)
        for key in ("W", "b"):
            assert_close(layer.grads[key], ref.grads[key], f"{what}: grads[{key!r}]", atol=1e-9)
        for key, original in (("W", W), ("b", b)):
            if not np.array_equal(np.asarray(layer.params[key]), original):
                raise AssertionError(say("b_params_changed", what=what, key=key))


def check_sigmoid_random(MySigmoid) -> None:
    rng = student_rng(ASSIGNMENT, "sigmoid")
    for trial, shape in enumerate([(int(rng.integers(1, 8)), int(rng.integers(1, 8))), (2, 3, 4)]):
        x = rng.normal(0.0, 3.0, size=shape)
        dout = rng.standard_normal(shape)
        ref = Sigmoid()
        want_out = ref.forward(x)
        want_dx = ref.backward(dout)
        what = say("b_sigmoid", k=trial + 1, x=x.shape)
        layer = visible._attempt(MySigmoid, say_visible("b_create_layer", what=what))
        out, dx = visible.run_layer(layer, x, dout, "MySigmoid", what)
        assert_close(out, want_out, f"{what}: forward(x)", atol=1e-12)
        assert_close(dx, want_dx, f"{what}: backward(dout) -> dx", atol=1e-12)
