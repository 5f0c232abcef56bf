"""Why the topological sort keeps its own stack (lecture topic 9): a long chain of nodes,
the recursive sort that hits Python's recursion limit on it, and the iterative one that
does not. For 04_backprop; importable from :mod:`coursework.experiments.backprop` too.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from ..devices import on_cpu
from ..graph import Value, topological_order

__all__ = ["long_chain", "recursive_topological_order", "recursion_demo"]


@on_cpu
def long_chain(n: int, x: float = 0.5, step: float = 1.0, node: type = Value) -> tuple[Any, Any]:
    """``y = x · step · step ··· step`` (``n`` multiplications); returns ``(y, x)``.

    Each step adds two nodes (the constant and the product), so the graph has
    ``2n + 1`` nodes and a longest path of ``n + 1`` nodes; ∂y/∂x = step ** n.
    ``node``: the class of the nodes (default :class:`~coursework.graph.Value`).
    """
    if not (isinstance(n, int) and n >= 0):
        raise ValueError(f"long_chain: expected n >= 0, got {n!r}")
    leaf = node(x, label="x")
    y = leaf
    for _ in range(n):
        y = y * step
    return y, leaf


@on_cpu
def recursive_topological_order(root: Any) -> list[Any]:
    """The textbook recursive depth-first sort (as in micrograd): parents first, root last.

    Correct, but each node on the current path costs one Python stack frame, so a graph
    whose longest path exceeds the recursion limit (about 1,000) raises RecursionError.
    """
    order: list[Value] = []
    seen: set = set()

    def visit(node: Any) -> None:
        if node in seen:
            return
        seen.add(node)
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


@on_cpu
def recursion_demo(n: int = 5000, sort: Callable[[Any], list] | None = topological_order,
                   node: type = Value) -> dict[str, Any]:
    """Sort a chain of ``n`` multiplications recursively and with an explicit stack.

    Parameters
    ----------
    n : int
    sort : callable or None, default :func:`~coursework.graph.topological_order`
        The iterative sort (your ``topological_order``); None runs the recursive one only.
    node : class, default :class:`~coursework.graph.Value`
        The nodes of the chain (your ``MyValue``: then ``backward()`` is yours).

    Returns
    -------
    dict with ``"n"``, ``"recursion_limit"``, ``"recursive"`` (the number of nodes
    sorted, or the name of the exception raised), and unless ``sort`` is None
    ``"iterative"`` (number of nodes ``sort`` returns) and ``"grad"`` (∂y/∂x after
    ``y.backward()``).
    """
    y, x = long_chain(n, node=node)
    try:
        recursive: int | str = len(recursive_topological_order(y))
    except RecursionError as exc:
        recursive = type(exc).__name__
    out = {"n": n, "recursion_limit": sys.getrecursionlimit(), "recursive": recursive}
    if sort is not None:
        out["iterative"] = len(sort(y))
        y.backward()
        out["grad"] = x.grad
    return out
