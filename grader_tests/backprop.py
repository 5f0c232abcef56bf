"""Visible checks of assignment ``04_backprop`` (shipped to students).

They stand on their own: fixed graphs and expressions whose values and gradients are
stored in ``expected/04_backprop.npz`` (made from the reference by
``python -m grader_tests.make_expected``), and properties any right answer has (every
parent before its child, gradients that agree with finite differences). Each
``check_*`` function is one check, worth its own points in the notebook.

The student's scalar node class ``MyValue`` has the attributes ``data``, ``grad``,
``parents``, ``op``, ``label`` and ``rule``: ``rule(upstream)`` returns one downstream
gradient per parent (``None`` for a leaf). The graph checks of ``topological_order``
and ``backward_pass`` use nodes of their own with the same attributes, so they do not
depend on the student's ``__add__`` and ``__mul__``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import numpy as np

from coursework.i18n import msg

from .harness import as_result_array, assert_close, assert_shape, call, in_kernel, sent, stored, type_name
from .messages import say
from .plain import assert_varies, is_number, number

ASSIGNMENT = "04_backprop"

#: Length of the chain in :func:`check_long_chain`: far beyond Python's recursion limit (1,000).
CHAIN_LENGTH = 5000


def expected() -> dict:
    """The stored inputs and expected outputs of these checks."""
    return stored(ASSIGNMENT)


# -- graphs made of plain nodes ------------------------------------------------------

class Node:
    """A graph node with the attributes of ``MyValue``; its rule multiplies the upstream
    gradient by fixed local gradients (one per parent).

    Its source, with :func:`build_graph`'s, is what the judge sends to the student's kernel
    to build a graph there (:func:`grader_tests.harness.in_kernel`).
    """

    def __init__(self, data: float = 0.0, parents: tuple = (), local: tuple = (), label: str = ""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.op = "f" if parents else ""
        self.label = label
        self.local = tuple(float(v) for v in local)
        self.rule = (lambda g, local=self.local: tuple(g * v for v in local)) if parents else None

    def __repr__(self) -> str:
        return f"Node({self.label!r})"


#: name -> list of (node, parents, local gradients); leaves have no parents; the last node is the root.
#: A message names graph ``k`` by :func:`graph_name` (the key, in the course's language).
#: The local gradients are the stored ones (``graph<k>_local``); when the judge grades, the
#: student's are drawn (:func:`with_local`), the structure stays.
GRAPHS: dict[str, list[tuple[str, tuple[str, ...], tuple[float, ...]]]] = {
    "lecture (x + y) * z": [
        ("x", (), ()), ("y", (), ()), ("z", (), ()),
        ("q", ("x", "y"), (1.0, 1.0)), ("f", ("q", "z"), (-4.0, 3.0)),
    ],
    "a node used by two others": [
        ("a", (), ()), ("b", (), ()),
        ("c", ("a", "b"), (2.0, -1.0)), ("d", ("c",), (3.0,)), ("e", ("c", "a"), (0.5, 4.0)),
        ("r", ("d", "e"), (1.0, -2.0)),
    ],
    "one input used twice by the same node": [
        ("a", (), ()),
        ("s", ("a", "a"), (3.0, 5.0)), ("t", ("s", "a"), (-1.0, 2.0)), ("r", ("t", "s"), (0.5, 0.25)),
    ],
    "a wide graph with an unused side branch": [
        ("p", (), ()), ("q", (), ()), ("u", (), ()), ("v", (), ()),
        ("side", ("p", "q"), (9.0, 9.0)),  # not an input of the root: must not be visited
        ("m1", ("p", "q"), (0.5, 2.0)), ("m2", ("q", "u"), (-1.5, 1.0)), ("m3", ("u", "v", "p"), (2.0, -0.5, 1.0)),
        ("n1", ("m1", "m2"), (1.0, 3.0)), ("n2", ("m2", "m3", "m1"), (-2.0, 0.25, 1.0)),
        ("root", ("n1", "n2", "m3"), (1.0, 1.0, -1.0)),
    ],
}


def graph_name(k: int) -> str:
    """The name of the ``k``-th graph of :data:`GRAPHS`, in the course's language (the key is its English)."""
    return say(f"b_graph_{k}")


@sent(Node)
def build_graph(spec, data=None) -> dict[str, Node]:
    """name -> Node for a spec of :data:`GRAPHS` (entries ``(name, parent names, local
    gradients)``), in the spec's order; node ``i`` holds ``data[i]`` (default ``i``).

    The checks build graphs with :func:`graph`: when the judge grades, the nodes live in
    the student's kernel, where the student's functions walk them.
    """
    nodes: dict[str, Node] = {}
    for i, (name, parents, local) in enumerate(spec):
        value = float(i) if data is None else float(data[i])
        nodes[name] = Node(value, tuple(nodes[p] for p in parents), local, label=name)
    return nodes


def graph(spec, data=None) -> dict:
    """:func:`build_graph` run in the student's kernel (when the judge grades), checked here:
    one distinct node per name of the spec, in its order."""
    nodes = in_kernel(build_graph, spec, data)
    names = [name for name, _, _ in spec]
    if type(nodes) is not dict or list(nodes) != names or len({id(n) for n in nodes.values()}) != len(names):
        raise AssertionError(say("b_no_graph"))
    return nodes


def local_gradients(spec) -> np.ndarray:
    """The local gradients of a spec's nodes, in its order, as one array."""
    return np.array([v for _, _, local in spec for v in local], dtype=np.float64)


def with_local(spec, local) -> list:
    """``spec`` with its local gradients replaced by ``local`` (as :func:`local_gradients` orders them)."""
    values = iter(float(v) for v in np.asarray(local, dtype=np.float64).ravel())
    out = [(name, parents, tuple(next(values) for _ in parents)) for name, parents, _ in spec]
    if next(values, None) is not None:
        raise ValueError("more local gradients than the spec has edges")
    return out


def chain_spec(length: int, local=None) -> list:
    """The spec of a chain x -> n1 -> ... -> n<length>; the local gradient of n<i+1> is
    ``local[i]`` (default: 1, -1, 1, -1, ...)."""
    spec = [("x", (), ())]
    for i in range(length):
        g = (-1.0 if i % 2 else 1.0) if local is None else float(local[i])
        spec.append((f"n{i + 1}", (spec[-1][0],), (g,)))
    return spec


def parents_in(spec, nodes: dict) -> dict[int, tuple]:
    """id(node) -> its parent nodes, from the spec that built ``nodes`` (no walk over the nodes)."""
    return {id(nodes[name]): tuple(nodes[p] for p in parents) for name, parents, _ in spec}


def reachable(root, parents: dict[int, tuple] | None = None) -> list:
    """Every node ``root`` depends on, ``root`` included (order unspecified).

    ``parents`` (from :func:`parents_in`) gives each node's parents; without it they are
    read from the nodes' ``parents`` attributes.
    """
    seen = {id(root): root}
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in (parents[id(node)] if parents is not None else node.parents):
            if id(parent) not in seen:
                seen[id(parent)] = parent
                stack.append(parent)
    return list(seen.values())


def _attempt(thunk: Callable[[], Any], what: str) -> Any:
    """Run the student's code; turn an exception into a failed check that says what happened.

    (``harness.call`` deep-copies its arguments, which a graph of thousands of nodes does
    not survive; graphs are passed as they are here.)
    """
    try:
        return thunk()
    except NotImplementedError:
        raise AssertionError(msg("not_implemented", what=what)) from None
    except RecursionError:
        raise AssertionError(say("b_recursion", what=what)) from None
    except AssertionError:
        raise
    except Exception as exc:  # the student's code may raise anything
        raise AssertionError(msg("raised", what=what, ename=type(exc).__name__, evalue=exc)) from None


def check_order(order: Any, root, what: str, parents: dict[int, tuple] | None = None) -> list:
    """Fail unless ``order`` holds every node of ``root``'s graph once, parents before children, root last.

    ``parents``: each node's parents (:func:`parents_in`), known from how the graph was built.
    """
    if order is None:
        raise AssertionError(say("b_order_none", what=what))
    try:
        order = list(order)
    except TypeError:
        raise AssertionError(say("b_order_type", what=what, got=type_name(order))) from None
    graph = reachable(root, parents)
    ids = [id(n) for n in order]
    if len(set(ids)) != len(ids):
        counts = Counter(ids)
        dup = next(n for n in order if counts[id(n)] > 1)
        raise AssertionError(say("b_order_twice", what=what, node=dup, n=counts[id(dup)]))
    missing = len({id(n) for n in graph} - set(ids))
    extra = len(set(ids) - {id(n) for n in graph})
    if missing or extra:
        raise AssertionError(say("b_order_count", what=what, want=len(graph), got=len(order), missing=missing,
                                 extra=extra))
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in (parents[id(node)] if parents is not None else node.parents):
            if position[id(parent)] > position[id(node)]:
                raise AssertionError(say("b_order_parent", what=what, parent=parent, i=position[id(parent)],
                                         node=node, j=position[id(node)]))
    if order[-1] is not root:
        raise AssertionError(say("b_order_root", what=what, last=order[-1]))
    return order


@sent()
def set_attribute(objects: list, name: str, value: Any) -> None:
    """Set attribute ``name`` of every object to ``value`` (run in the student's kernel)."""
    for obj in objects:
        setattr(obj, name, value)


def attributes(objects: list, name: str) -> list:
    """Attribute ``name`` of every object, in one go (in the kernel when the judge grades)."""
    return in_kernel(_attributes, list(objects), name)


@sent()
def _attributes(objects: list, name: str) -> list:
    return [getattr(obj, name) for obj in objects]


def _floats(values: list, what: str) -> np.ndarray:
    """The grads as finite floats; an object of another class (whatever it says it equals) fails."""
    if not all(is_number(v) for v in values):
        kinds = sorted({type_name(v) for v in values if not is_number(v)})
        raise AssertionError(say("b_grads_numbers", what=what, kinds=", ".join(kinds)))
    got = np.array([float(v) for v in values], dtype=np.float64)
    if not np.all(np.isfinite(got)):
        raise AssertionError(say("b_grads_finite", what=what, n=int(np.sum(~np.isfinite(got)))))
    return got


def _same_value(value: Any) -> tuple:
    """What a grad is, to see whether it changed: its number, or the object itself."""
    return ("number", repr(float(value))) if is_number(value) else ("object", id(value))


# -- exercise 1: MyValue.__add__ and MyValue.__mul__ ---------------------------------

def _equals(value: Any, want: float) -> bool:
    return is_number(value) and float(value) == want


def check_node(out: Any, cls, parents: tuple, data: float, upstream: float, downstream: tuple, what: str) -> None:
    """``out`` is a new ``cls`` node with these parents, data and ``rule(upstream)``.

    ``parents`` holds the expected parent nodes themselves, or a plain number where the
    parent must be a new constant node holding that number.
    """
    if not isinstance(out, cls):
        raise AssertionError(say("b_new_node", what=what, cls=cls.__name__, got=type_name(out))
                             + (say("forgot_return") if out is None else ""))
    value = out.data
    if not is_number(value) or not abs(float(value) - data) <= 1e-12:
        raise AssertionError(say("b_node_data", what=what, data=data, got=value))
    got_parents = tuple(out.parents) if isinstance(out.parents, (tuple, list)) else out.parents
    if not isinstance(got_parents, tuple) or len(got_parents) != len(parents):
        raise AssertionError(say("b_parents_tuple", what=what, n=len(parents), got=got_parents))
    for i, (got, want) in enumerate(zip(got_parents, parents)):
        if isinstance(want, cls) and got is not want:
            raise AssertionError(say("b_parent_itself", what=what, i=i, which="self" if i == 0 else "other",
                                     got=got))
        if not isinstance(want, cls) and not (isinstance(got, cls) and _equals(got.data, want)):
            raise AssertionError(say("b_parent_constant", what=what, i=i, cls=cls.__name__, want=want, got=got))
    if not callable(getattr(out, "rule", None)):
        raise AssertionError(say("b_rule_function", what=what, got=getattr(out, "rule", None)))
    grads_before = [_same_value(p.grad) for p in got_parents]
    got = _attempt(lambda: out.rule(upstream), f"{what}: out.rule({upstream:g})")
    if [_same_value(p.grad) for p in got_parents] != grads_before:
        raise AssertionError(say("b_rule_changed_grad", what=what))
    if not isinstance(got, (tuple, list)) or len(got) != len(parents):
        raise AssertionError(say("b_rule_tuple", what=what, up=upstream, n=len(parents), got=got))
    for i, (g, want) in enumerate(zip(got, downstream)):
        if not is_number(g) or not abs(float(g) - want) <= 1e-12:
            raise AssertionError(say("b_rule_value", what=what, up=upstream, i=i, want=want, got=g))


def check_ops(MyValue) -> None:
    """``+`` and ``*`` build a node with the right value, parents and local backward rule."""
    a, b = MyValue(3.0), MyValue(-2.0)
    cases = [
        ("MyValue(3) + MyValue(-2)", lambda: a + b, (a, b), 1.0, 2.0, (2.0, 2.0)),
        ("MyValue(3) * MyValue(-2)", lambda: a * b, (a, b), -6.0, 2.0, (-4.0, 6.0)),
        ("MyValue(-2) * MyValue(3)", lambda: b * a, (b, a), -6.0, 0.5, (1.5, -1.0)),
        (say("b_case_plain"), lambda: a + 4, (a, 4.0), 7.0, -1.0, (-1.0, -1.0)),
        (say("b_case_left"), lambda: 4 * a, (a, 4.0), 12.0, 1.0, (4.0, 3.0)),
        (say("b_case_same"), lambda: a * a, (a, a), 9.0, 1.0, (3.0, 3.0)),
    ]
    for what, build, parents, data, upstream, downstream in cases:
        out = _attempt(build, what)
        check_node(out, MyValue, parents, data, upstream, downstream, what)
    if any(not is_number(g) or float(g) != 0.0 for g in (a.grad, b.grad)):
        raise AssertionError(say("b_ops_grad"))


# -- exercise 2: topological_order ----------------------------------------------------

def check_topological_order(topological_order) -> None:
    """Every node once, parents before children, root last, on small fixed graphs."""
    leaf_spec = [("x", (), ())]
    for k, spec in enumerate([leaf_spec, *GRAPHS.values()]):
        nodes = graph(spec)
        root = nodes[spec[-1][0]]
        what = say("b_leaf") if k == 0 else say("b_sort_graph", name=graph_name(k - 1), root=spec[-1][0])
        check_order(_attempt(lambda: topological_order(root), what), root, what, parents_in(spec, nodes))


def check_long_chain(topological_order, backward_pass) -> None:
    """A chain of ``CHAIN_LENGTH`` nodes: sorted and back-propagated without recursion."""
    local = expected()["chain_local"]
    spec = chain_spec(CHAIN_LENGTH, local)
    nodes = graph(spec, [0.5] * len(spec))
    x, y = nodes["x"], nodes[spec[-1][0]]
    what = say("b_chain_sort", length=CHAIN_LENGTH)
    order = check_order(_attempt(lambda: topological_order(y), what), y, what, parents_in(spec, nodes))
    if order[0] is not x:
        raise AssertionError(say("b_chain_first", what=what, first=order[0]))
    what = say("b_chain_backward", length=CHAIN_LENGTH)
    _attempt(lambda: backward_pass(y), what)
    # ∂root/∂node: the product of the local gradients from the node up to the root
    want = np.append(np.cumprod(local[::-1])[::-1], 1.0)
    got = _floats(attributes(list(nodes.values()), "grad"), what)
    if got[-1] != 1.0:
        raise AssertionError(say("b_chain_root", what=what, got=got[-1]))
    if got[0] != want[0]:
        raise AssertionError(say("b_chain_x", what=what, want=want[0], got=got[0]))
    off = np.flatnonzero(got != want)
    if off.size:
        i = int(off[0])
        raise AssertionError(say("b_chain_node", what=what, n=off.size, i=i, want=want[i], got=got[i]))


# -- exercise 3: backward_pass ---------------------------------------------------------

def check_backward(backward_pass) -> None:
    """Gradients of every node on fixed graphs (stored), added to what ``grad`` held before;
    a second call adds them again (gradients accumulate, as in PyTorch)."""
    data = expected()
    for k, (name, spec) in enumerate(GRAPHS.items()):
        spec = with_local(spec, data[f"graph{k}_local"])
        nodes = graph(spec)
        root = nodes[spec[-1][0]]
        below = {id(n) for n in reachable(root, parents_in(spec, nodes))}
        on_path = [n for n in nodes.values() if id(n) in below]
        labels = {id(n): label for label, n in nodes.items()}
        # left over from an earlier pass: backward_pass adds to it
        in_kernel(set_attribute, list(nodes.values()), "grad", 7.0)
        what = say("b_backward", root=spec[-1][0], name=graph_name(k))
        want = data[f"graph{k}_grads"]
        for calls, attempt in ((1, what), (2, say("b_second_call", what=what))):
            _attempt(lambda: backward_pass(root), attempt)
            got = _floats(attributes(on_path, "grad"), attempt)
            total = 7.0 + calls * want
            off = np.flatnonzero(~(np.abs(got - total) <= 1e-12))
            if off.size:
                i = int(off[0])
                hint = _backward_hint(backward_pass, spec, got, want, calls, root)
                raise AssertionError(say("b_backward_wrong", what=attempt, off=off.size, total=len(on_path),
                                         label=labels[id(on_path[i])], want=total[i], calls=calls, each=want[i],
                                         got=got[i], hint=hint))
        side = [n for n in nodes.values() if id(n) not in below]
        changed = [labels[id(n)] for n, g in zip(side, _floats(attributes(side, "grad"), what)) if g != 7.0]
        if changed:
            raise AssertionError(say("b_side_branch", what=what, name=changed[0]))


def _backward_hint(backward_pass, spec, got, want, calls, root) -> str:
    """Why a backward pass is wrong, where a typical mistake can be told."""
    if np.allclose(got, calls * want, atol=1e-12):
        return say("b_hint_reset")
    probe = graph(spec)
    probe_root = probe[spec[-1][0]]
    below = {id(m) for m in reachable(probe_root, parents_in(spec, probe))}
    try:
        backward_pass(probe_root)
        fresh = _floats(attributes([n for n in probe.values() if id(n) in below], "grad"), "")
    except Exception:  # the student's code may raise anything; no hint then
        fresh = None
    if fresh is not None and np.allclose(fresh, want, atol=1e-12):
        return say("b_hint_passed_grad")
    root_grad = root.grad
    if not (is_number(root_grad) and abs(float(root_grad) - (7.0 + calls)) <= 1e-12):
        return say("b_hint_root")
    return ""


def _leaves(MyValue, names, values):
    return [MyValue(float(v), label=n) for n, v in zip(names, values)]


#: (description, input names, input values, function of the inputs), for :func:`check_expressions`;
#: the values are the stored ones (``expr<k>_inputs``), the student's when the judge grades. A
#: message names expression ``k`` by the catalog's ``b_expr_<k>`` (the description, in each language).
EXPRESSIONS: list[tuple[str, tuple[str, ...], tuple[float, ...], Callable]] = [
    ("f = (x + y) * z, the lecture's first example", ("x", "y", "z"), (-2.0, 5.0, -4.0),
     lambda x, y, z: (x + y) * z),
    ("f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))), the lecture's sigmoid neuron",
     ("w0", "x0", "w1", "x1", "w2"), (2.0, -1.0, -3.0, -2.0, -3.0),
     lambda w0, x0, w1, x1, w2: 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())),
    ("f = x * x + x", ("x",), (3.0,), lambda x: x * x + x),
    ("f = (a + b) * (a - b) * c", ("a", "b", "c"), (1.5, -0.5, 2.0), lambda a, b, c: (a + b) * (a - b) * c),
    ("f = (x * y + 2) / (y * y + 1) - x ** 2", ("x", "y"), (0.7, -1.3),
     lambda x, y: (x * y + 2) / (y * y + 1) - x ** 2),
    ("f = exp(0.5 * u) * (u + v) + 3 * v", ("u", "v"), (0.4, -2.0),
     lambda u, v: (0.5 * u).exp() * (u + v) + 3 * v),
]


def check_expression(MyValue, names, values, fn, want_data: float, want_grads: np.ndarray, what: str) -> None:
    """Build ``fn`` with ``MyValue`` inputs, call ``backward()``, compare value and input gradients."""
    inputs = _attempt(lambda: _leaves(MyValue, names, values), say("b_expr_inputs", what=what))
    out = _attempt(lambda: fn(*inputs), say("b_expr_compute", what=what))
    if not isinstance(out, MyValue):
        raise AssertionError(say("b_expr_type", what=what, got=type_name(out)))
    value = number(out.data, say("b_expr_value", what=what))
    assert_close(value, np.float64(want_data), say("b_expr_value", what=what), atol=1e-9, rtol=1e-9)
    _attempt(out.backward, f"{what}: f.backward()")
    got = _floats([v.grad for v in inputs], say("b_expr_grads", what=what))
    for i, name in enumerate(names):
        assert_close(got[i], want_grads[i], say("b_expr_grad", what=what, name=name), atol=1e-9, rtol=1e-9)


def check_expressions(MyValue) -> None:
    """The lecture's two examples and four more expressions: value and gradients (stored)."""
    data = expected()
    for k, (_, names, _, fn) in enumerate(EXPRESSIONS):   # the description: say(f"b_expr_{k}")
        values = tuple(float(v) for v in data[f"expr{k}_inputs"])
        inputs = ", ".join(f"{n}={v:g}" for n, v in zip(names, values))
        check_expression(MyValue, names, values, fn, float(data[f"expr{k}_value"]), data[f"expr{k}_grads"],
                         say("b_expr_at", desc=say(f"b_expr_{k}"), inputs=inputs))


# -- exercise 4: layers ------------------------------------------------------------------

def run_layer(layer, x: np.ndarray, dout: np.ndarray | None, name: str, what: str):
    """``layer.forward(x)`` then, with ``dout``, ``layer.backward(dout)``, through :func:`harness.call`
    (copies of the inputs; changes to them are reported). Returns ``(out, dx)``."""
    out = as_result_array(call(layer.forward, x, what=f"{what}: {name}.forward(x)"), f"{what}: {name}.forward(x)")
    if dout is None:
        return out, None
    assert_shape(out, dout.shape, f"{what}: {name}.forward(x)")
    dx = as_result_array(call(layer.backward, dout, what=f"{what}: {name}.backward(dout)"),
                         f"{what}: {name}.backward(dout)")
    assert_shape(dx, x.shape, f"{what}: {name}.backward(dout) -> dx")
    return out, dx


def check_grads_dict(layer, params: dict, what: str) -> None:
    """``layer.grads`` has an array per parameter, shaped like it."""
    grads = getattr(layer, "grads", None)
    if not isinstance(grads, dict):
        raise AssertionError(say("b_grads_dict", what=what, got=type_name(grads)))
    for key, value in params.items():
        if key not in grads:
            raise AssertionError(say("b_grads_key", what=what, key=key, keys=sorted(grads)))
        assert_shape(as_result_array(grads[key], f"{what}: grads[{key!r}]"), value.shape, f"{what}: grads[{key!r}]")


@sent()
def set_param(layer, name: str, value: np.ndarray) -> None:
    """Overwrite ``layer.params[name]`` in place with ``value`` (run in the student's kernel)."""
    np.copyto(layer.params[name], value)


def gradient_check(layer, x: np.ndarray, what: str, rtol: float = 1e-7, h: float = 1e-5) -> None:
    """The layer's backward against centred differences of L = Σ forward(x) · dout.

    Computed here from the layer's forward values alone: perturbed inputs are passed to
    ``forward``, perturbed parameters written into ``layer.params`` in place (``set_param``),
    so the student's kernel only ever runs the student's layer. A forward pass that does not
    change when x or a parameter changes fails (a gradient check of 0 against 0 proves nothing).
    """
    from coursework.gradcheck import numerical_gradient, rel_error

    forward = lambda v: as_result_array(call(layer.forward, v, what=f"{what}: forward(x)"), f"{what}: forward(x)")
    out = forward(x)
    dout = np.random.default_rng(0).standard_normal(out.shape)
    dx = as_result_array(call(layer.backward, dout, what=f"{what}: backward(dout)"), f"{what}: backward(dout)")
    grads = getattr(layer, "grads", None)
    params = getattr(layer, "params", None)
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise AssertionError(say("b_params_dicts", what=what))
    problems = []
    numerical = numerical_gradient(lambda v: float(np.sum(forward(v) * dout)), np.array(x, dtype=np.float64), h)
    assert_varies(numerical, "x", what)
    checks = [("x", dx, numerical)]
    for name, value in params.items():
        value = as_result_array(value, f"{what}: params[{name!r}]")

        def loss_at(v, name=name):
            in_kernel(set_param, layer, name, v)
            return float(np.sum(forward(x) * dout))

        numerical = numerical_gradient(loss_at, value.copy(), h)
        in_kernel(set_param, layer, name, value)
        assert_varies(numerical, f"params[{name!r}]", what)
        if name not in grads:
            problems.append(say("b_grad_missing", name=name))
            continue
        checks.append((name, as_result_array(grads[name], f"{what}: grads[{name!r}]"), numerical))
    for label, analytic, numeric in checks:
        if analytic.shape != numeric.shape:
            problems.append(say("b_grad_shape", label=label, got=analytic.shape, want=numeric.shape))
            continue
        err = float(rel_error(analytic, numeric))
        if not err <= rtol:
            diff = np.abs(analytic - numeric)
            worst = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
            where = ", ".join(str(int(i)) for i in worst)
            problems.append(say("b_grad_error", label=label, err=err, rtol=rtol, where=where,
                                analytic=float(analytic[worst]), numerical=float(numeric[worst])))
    # a last forward / backward leaves the layer's cache and grads as for x and dout
    forward(x)
    call(layer.backward, dout, what=f"{what}: backward(dout)")
    if problems:
        raise AssertionError(say("b_gradient_check", what=what) + "\n  " + "\n  ".join(problems))


def check_linear_forward(MyLinear) -> None:
    """``MyLinear(W, b).forward(x)`` on fixed x of shape (3, 4), W (4, 5), b (5,)."""
    data = expected()
    x, W, b = data["linear_x"], data["linear_W"], data["linear_b"]
    what = say("b_linear", W=W.shape, b=b.shape, x=x.shape)
    layer = _attempt(lambda: MyLinear(W.copy(), b.copy()), say("b_create_layer", what=what))
    out, _ = run_layer(layer, x, None, "MyLinear", what)
    assert_close(out, data["linear_out"], f"{what}: forward(x)", atol=1e-9)


def check_linear_gradients(MyLinear) -> None:
    """Backward on fixed inputs: shapes, dout untouched, and a numerical gradient check."""
    data = expected()
    x, W, b = data["linear_x"], data["linear_W"], data["linear_b"]
    what = say("b_linear", W=W.shape, b=b.shape, x=x.shape)
    layer = _attempt(lambda: MyLinear(W.copy(), b.copy()), say("b_create_layer", what=what))
    run_layer(layer, x, data["linear_dout"], "MyLinear", what)
    check_grads_dict(layer, {"W": W, "b": b}, what)
    gradient_check(layer, x, what)


def check_sigmoid(MySigmoid) -> None:
    """Forward values on fixed x of shape (3, 4), then backward: shape, dout untouched, gradient check."""
    data = expected()
    x = data["sigmoid_x"]
    what = say("b_sigmoid", x=x.shape)
    layer = _attempt(MySigmoid, say("b_create_layer", what=what))
    out, _ = run_layer(layer, x, data["sigmoid_dout"], "MySigmoid", what)
    assert_close(out, data["sigmoid_out"], f"{what}: forward(x)", atol=1e-12)
    gradient_check(layer, x, what)
