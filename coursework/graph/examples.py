"""The lecture's two worked examples as graphs of :class:`Value` nodes.

Each builder returns ``(output, inputs)``: the output node, before ``backward()``,
and a dict of the named input nodes, so that ``out.backward(); inputs["x"].grad`` reads
the gradients the lecture computes by hand.

``node=`` builds the same graphs from another node class with the interface of the
notebook's ``MyValue`` (``MyValue(data, parents=(), op="", label="")``, arithmetic
operators, ``exp``, and a ``rule`` attribute): so a student's engine can be run on the
lecture's examples. :func:`new_node` makes a gate of either kind.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from .value import Value

__all__ = ["add_mul_example", "sigmoid_neuron_example", "new_node", "sigmoid_gate"]


def new_node(like: Any, data: float, parents: tuple, op: str, rule: Callable[[float], tuple]) -> Any:
    """A new interior node of the kind of ``like``: the result of ``op`` on ``parents``.

    Parameters
    ----------
    like : Value, or a node of a class with the notebook's ``MyValue`` interface
    data : float
        The forward value.
    parents : tuple of nodes
    op : str
        The operation's name, shown in pictures.
    rule : callable
        Upstream gradient -> one downstream gradient per parent.
    """
    if isinstance(like, Value):
        return Value._node(float(data), op, tuple(parents), rule)  # noqa: SLF001 - same package
    out = type(like)(float(data), tuple(parents), op)
    out.rule = rule
    return out


def sigmoid_gate(z: Any) -> Any:
    """σ(z) as one node of ``z``'s kind, with local gradient (1 − σ)σ (``z.sigmoid()`` for a Value)."""
    if isinstance(z, Value):
        return z.sigmoid()
    x = z.data
    s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
    return new_node(z, s, (z,), "sigmoid", lambda g: (g * ((1.0 - s) * s),))


def add_mul_example(x: float = -2.0, y: float = 5.0, z: float = -4.0, *,
                    node: type = Value) -> tuple[Any, dict[str, Any]]:
    """f = (x + y) · z; at the lecture's x=-2, y=5, z=-4: f = -12.

    After ``f.backward()``: ∂f/∂x = ∂f/∂y = z = -4 (add distributes) and
    ∂f/∂z = x + y = 3 (mul swaps). ``node``: the class of the nodes (default :class:`Value`).
    """
    inputs = {"x": node(x, label="x"), "y": node(y, label="y"), "z": node(z, label="z")}
    q = inputs["x"] + inputs["y"]
    q.label = "q"
    f = q * inputs["z"]
    f.label = "f"
    return f, inputs


def sigmoid_neuron_example(
    w0: float = 2.0, x0: float = -1.0, w1: float = -3.0, x1: float = -2.0, w2: float = -3.0,
    *, primitives: bool = False, node: type = Value,
) -> tuple[Any, dict[str, Any]]:
    """f(w, x) = 1 / (1 + e^-(w0·x0 + w1·x1 + w2)); at the lecture's values f = σ(1) ≈ 0.73.

    With ``primitives=False`` the sigmoid is one node (local gradient (1 - σ)σ); with
    ``primitives=True`` it is built as ``1 / (1 + (-z).exp())`` from neg, exp, +, ** -1
    and * nodes, as the lecture's circuit draws it. Both give the same value and, up to
    rounding, the same gradients: ∂f/∂w_i = (1 - σ)σ·x_i, ∂f/∂x_i = (1 - σ)σ·w_i,
    ∂f/∂w2 = (1 - σ)σ. ``node``: the class of the nodes (default :class:`Value`).
    """
    inputs = {name: node(v, label=name) for name, v in
              (("w0", w0), ("x0", x0), ("w1", w1), ("x1", x1), ("w2", w2))}
    z = inputs["w0"] * inputs["x0"] + inputs["w1"] * inputs["x1"] + inputs["w2"]
    z.label = "z"
    f = 1 / (1 + (-z).exp()) if primitives else sigmoid_gate(z)
    f.label = "f"
    return f, inputs
