"""Backpropagation on a computational graph, made visible (lecture topic 9).

The notebook of ``04_backprop`` calls these; ``tests/demos/test_experiments_backprop.py``
asserts what they show.

* :func:`edge_gradients`, :func:`format_edges` -- every edge of a graph after
  ``backward()``: upstream × local = downstream, the chain rule one node at a time.
* :func:`gate_patterns`, :func:`draw_gate_patterns` -- add distributes, mul swaps,
  max routes, copy adds, each on a tiny graph.
* :func:`sigmoid_derivative`, :func:`plot_sigmoid_derivative` -- σ'(x) = (1 − σ)σ
  against a centred finite difference.
* :func:`long_chain`, :func:`recursive_topological_order`, :func:`recursion_demo` --
  why the topological sort must keep its own stack.
* :func:`neuron_as_layers` -- the lecture's sigmoid neuron computed with the array
  layers ``Linear`` and ``Sigmoid``: the same numbers as the scalar graph.

The student's engine. Everything that runs a backward pass also takes the student's
nodes (``node=MyValue``, whose ``backward()`` is the student's) and sort
(``sort=topological_order``): the student bundle of 04 has no backward pass of its own
(:mod:`coursework.graph.value`), so the notebook shows the gradients of the lecture's
graphs computed by the student's engine, after the exercises. Before them it only
builds and draws graphs (forward) and runs the recursive sort.

The edges and the gate patterns are here; the sigmoid neuron in :mod:`.sigmoid_neuron`, the
recursion limit in :mod:`.graph_recursion`. Import everything from this module by its full
path (``from coursework.experiments import backprop``).
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from ..graph import Value, draw_graph, maximum, new_node, topological_order
from ..graph.value import max_rule
from ..devices import on_cpu
from ..i18n import msg
from ..i18n.columns import rjust, width
from ..i18n.figures import tr
from .graph_recursion import long_chain, recursion_demo, recursive_topological_order
from .sigmoid_neuron import neuron_as_layers, plot_sigmoid_derivative, sigmoid_derivative

__all__ = ["edge_gradients", "format_edges", "gate_patterns", "draw_gate_patterns", "sigmoid_derivative",
           "plot_sigmoid_derivative", "long_chain", "recursive_topological_order", "recursion_demo",
           "neuron_as_layers"]


def _name(node: Any) -> str:
    """A short name: the label, else the operation, else the constant's value."""
    if node.label:
        return node.label
    if node.op:
        return f"({node.op})"
    return f"{node.data:g}"


@on_cpu
def edge_gradients(root: Any, sort: Callable[[Any], list] | None = None) -> list[dict[str, Any]]:
    """Every edge parent -> node of the graph below ``root``, with its three gradients.

    Resets the graph's gradients and runs ``root.backward()`` first. For the edge from ``parent`` into ``node``:

    * ``upstream`` = ∂root/∂node (``node.grad``), what arrives from the output side;
    * ``local`` = ∂node/∂parent, the node's own derivative, which knows nothing of the
      rest of the graph;
    * ``downstream`` = upstream × local, what this edge contributes to ``parent.grad``.

    A parent that feeds several nodes (or one node twice, as in ``x * x``) collects the
    sum of its edges' downstream gradients ("copy adds").

    Parameters
    ----------
    root : Value, or a node of the notebook's ``MyValue`` interface (with ``rule``)
    sort : callable, optional
        ``sort(root)`` -> the nodes, parents first (default :func:`~coursework.graph.topological_order`,
        for Values only); pass your ``topological_order`` for your nodes.

    Returns
    -------
    list of dict, one per edge, output side first, with keys ``"node"``, ``"op"``,
    ``"input"`` (names), ``"upstream"``, ``"local"``, ``"downstream"`` (floats), and
    ``"node_obj"``, ``"input_obj"`` (the Values).

    The local gradient is read from the node's backward rule applied to an upstream
    gradient of 1 (every rule is linear in the upstream gradient).
    """
    if sort is None and not isinstance(root, Value):
        raise TypeError(f"edge_gradients: expected a Value, got {type(root).__name__} "
                        "(for other nodes pass sort=, e.g. your topological_order)")
    if not hasattr(root, "rule"):
        raise TypeError(f"edge_gradients: expected a node with a backward rule (.rule), got {type(root).__name__}")
    for node in (sort or topological_order)(root):   # backward() accumulates: start this pass from 0
        node.grad = 0.0
    root.backward()
    rows = []
    for node in reversed((sort or topological_order)(root)):
        if not node.parents:
            continue
        locals_ = node.rule(1.0)  # rules are linear in the upstream gradient
        for parent, local in zip(node.parents, locals_):
            rows.append({"node": _name(node), "op": node.op, "input": _name(parent),
                         "upstream": node.grad, "local": float(local), "downstream": node.grad * float(local),
                         "node_obj": node, "input_obj": parent})
    return rows


@on_cpu
def format_edges(rows: list[dict[str, Any]], digits: int = 4) -> str:
    """The rows of :func:`edge_gradients` as a text table (its header in the course's language)."""
    node, op, inp, up, local, down = msg("edges_columns").split("|")
    head = (f"{rjust(node, 10)} {rjust(op, 6)} {rjust(inp, 10)} | {rjust(up, 10)} x {rjust(local, 10)} = "
            f"{rjust(down, 10)}")
    lines = [head, "-" * width(head)]
    for r in rows:
        lines.append(f"{r['node']:>10} {r['op']:>6} {r['input']:>10} | {r['upstream']:>10.{digits}f} x "
                     f"{r['local']:>10.{digits}f} = {r['downstream']:>10.{digits}f}")
    return "\n".join(lines)


@on_cpu
def gate_patterns(upstream: float = 2.0, node: type = Value) -> dict[str, dict[str, Any]]:
    """The four patterns of gradient flow, each on a tiny graph, after ``backward()``.

    Every gate gets inputs x = 3 and y = -1 (copy: x only) and an upstream gradient of
    ``upstream``, made by multiplying the gate's output by that constant (``L = out · g``).

    * ``"add"``:  out = x + y; x and y both get g ("add distributes");
    * ``"mul"``:  out = x · y; x gets g·y, y gets g·x ("mul swaps");
    * ``"max"``:  out = max(x, y); the larger input gets g, the other 0 ("max routes");
    * ``"copy"``: x feeds two branches, L = 2·x + 5·x; x gets 2 + 5 ("copy adds": the
      gradients of the branches are summed).

    ``node``: the class of the nodes (default :class:`~coursework.graph.Value`; the
    notebook's ``MyValue`` runs the student's backward pass). The max gate of such a node
    is built with :func:`~coursework.graph.new_node` and the rule of
    :func:`~coursework.graph.maximum`.

    Returns
    -------
    dict name -> {"root": L, "inputs": {"x": Value, ...}, "upstream": list of the gradients
    arriving at the gate's output (for copy: one per branch), "expected": {input: the
    gradient the pattern predicts}, "pattern": its short English name ("add distributes"),
    "rule": str, the rule in the course's language}
    """
    out: dict[str, dict[str, Any]] = {}
    g = float(upstream)
    for name in ("add", "mul", "max"):
        x, y = node(3.0, label="x"), node(-1.0, label="y")
        gate = {"add": lambda: x + y, "mul": lambda: x * y, "max": lambda: _max_gate(x, y)}[name]()
        gate.label = "out"
        root = gate * g
        root.label = "L"
        root.backward()
        expected = {"add": {"x": g, "y": g}, "mul": {"x": g * y.data, "y": g * x.data},
                    "max": {"x": g, "y": 0.0}}[name]
        out[name] = {"root": root, "inputs": {"x": x, "y": y}, "upstream": [g],
                     "expected": expected, "pattern": _PATTERNS[name], "rule": msg(f"gate_{name}")}
    x = node(3.0, label="x")
    a, b = x * 2.0, x * 5.0
    a.label, b.label = "a", "b"
    root = a + b
    root.label = "L"
    root.backward()
    out["copy"] = {"root": root, "inputs": {"x": x}, "upstream": [a.grad * 2.0, b.grad * 5.0],
                   "expected": {"x": 2.0 + 5.0}, "pattern": _PATTERNS["copy"], "rule": msg("gate_copy")}
    return out


#: The short names of the four patterns, as the figure titles them (``tr`` translates them).
_PATTERNS = {"add": "add distributes", "mul": "mul swaps", "max": "max routes", "copy": "copy adds"}


def _max_gate(x: Any, y: Any) -> Any:
    """max(x, y) as one node of the kind of ``x`` (:func:`~coursework.graph.maximum` for Values)."""
    if isinstance(x, Value):
        return maximum(x, y)
    return new_node(x, max(x.data, y.data), (x, y), "max", functools.partial(max_rule, x.data, y.data))


@on_cpu
def draw_gate_patterns(patterns: dict[str, dict[str, Any]] | None = None, sort: Callable[[Any], list] | None = None):
    """The four graphs of :func:`gate_patterns` side by side; returns the figure.

    ``sort``: as for :func:`~coursework.graph.draw_graph` (needed for nodes that are not Values).
    """
    import matplotlib.pyplot as plt

    patterns = gate_patterns() if patterns is None else patterns
    ncols = 2
    nrows = -(-len(patterns) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.0 * ncols, 3.4 * nrows), squeeze=False)
    for ax, (name, p) in zip(axes.ravel(), patterns.items()):
        draw_graph(p["root"], ax=ax, sort=sort)
        ax.set_title(tr(p.get("pattern") or _PATTERNS.get(name, name)), fontsize=11)
    for ax in axes.ravel()[len(patterns):]:
        ax.axis("off")
    fig.tight_layout()
    return fig
