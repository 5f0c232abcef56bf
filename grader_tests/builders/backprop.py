"""Stored inputs and expected values of the visible checks of ``04_backprop``."""

from __future__ import annotations

import numpy as np

from coursework.graph import Value
from coursework.nn import Linear, Sigmoid

from .. import backprop as checks

ASSIGNMENT = "04_backprop"


def path_sum_gradients(nodes: dict) -> dict[str, float]:
    """∂root/∂node for every node the root depends on, as the sum over all paths from the
    node to the root of the product of the local gradients along the path.

    Exponential in general, fine for the small graphs of :data:`checks.GRAPHS`, and an
    algorithm independent of backpropagation.
    """
    root = list(nodes.values())[-1]

    def paths(node) -> float:  # sum over paths node -> root
        if node is root:
            return 1.0
        total = 0.0
        for child in nodes.values():
            for parent, local in zip(child.parents, child.local):
                if parent is node:
                    total += local * paths(child)
        return total

    on_path = {id(n) for n in checks.reachable(root)}
    return {name: paths(node) for name, node in nodes.items() if id(node) in on_path}


#: Local gradients a student's visible graphs are drawn from (never 0: a 0 hides a wrong path).
NICE_LOCAL = (-4.0, -3.0, -2.0, -1.5, -1.0, -0.5, 0.25, 0.5, 1.5, 2.0, 3.0, 4.0)


def build(rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Inputs and expected values for ``grader_tests.backprop``.

    Without ``rng``: the stored ones (the lecture's graphs and numbers). With ``rng`` (a
    student's, when the judge grades): the same graphs and expressions with local
    gradients, input values and chain signs drawn from it.
    """
    fixed = rng is None
    rng = np.random.default_rng(20260409) if fixed else rng
    out: dict[str, np.ndarray] = {}
    x, W, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    out["linear_x"], out["linear_W"], out["linear_b"] = x, W, b
    out["linear_dout"] = rng.standard_normal((3, 5))
    layer = Linear(4, 5, rng=0)
    layer.params["W"], layer.params["b"] = W.copy(), b.copy()
    out["linear_out"] = layer.forward(x)

    out["sigmoid_x"] = rng.uniform(-4.0, 4.0, size=(3, 4))
    out["sigmoid_dout"] = rng.standard_normal((3, 4))
    out["sigmoid_out"] = Sigmoid().forward(out["sigmoid_x"])

    for k, spec in enumerate(checks.GRAPHS.values()):
        local = checks.local_gradients(spec)
        if not fixed:
            local = rng.choice(NICE_LOCAL, size=local.size)
        out[f"graph{k}_local"] = local
        grads = path_sum_gradients(checks.build_graph(checks.with_local(spec, local)))
        out[f"graph{k}_grads"] = np.array(list(grads.values()), dtype=np.float64)

    for k, (_, names, values, fn) in enumerate(checks.EXPRESSIONS):
        if not fixed:  # away from 0, where a wrong rule can still give the right number
            values = tuple(rng.choice([-1.0, 1.0], size=len(names)) * rng.uniform(0.3, 2.0, len(names)).round(2))
        inputs = [Value(v, n) for n, v in zip(names, values)]
        f = fn(*inputs)
        f.backward()
        out[f"expr{k}_inputs"] = np.array(values, dtype=np.float64)
        out[f"expr{k}_value"] = np.float64(f.data)
        out[f"expr{k}_grads"] = np.array([v.grad for v in inputs], dtype=np.float64)

    signs = checks.chain_spec(checks.CHAIN_LENGTH)
    out["chain_local"] = (checks.local_gradients(signs) if fixed
                          else rng.choice([-1.0, 1.0], size=checks.CHAIN_LENGTH))
    return out
