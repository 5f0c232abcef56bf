"""The lecture's two worked examples as graphs of :class:`Value` nodes.

Each builder returns ``(output, inputs)``: the output node, before ``backward()``,
and a dict of the named input nodes, so that ``out.backward(); inputs["x"].grad`` reads
the gradients the lecture computes by hand.
"""

from __future__ import annotations

from .value import Value

__all__ = ["add_mul_example", "sigmoid_neuron_example"]


def add_mul_example(x: float = -2.0, y: float = 5.0, z: float = -4.0) -> tuple[Value, dict[str, Value]]:
    """f = (x + y) · z; at the lecture's x=-2, y=5, z=-4: f = -12.

    After ``f.backward()``: ∂f/∂x = ∂f/∂y = z = -4 (add distributes) and
    ∂f/∂z = x + y = 3 (mul swaps).
    """
    inputs = {"x": Value(x, "x"), "y": Value(y, "y"), "z": Value(z, "z")}
    q = inputs["x"] + inputs["y"]
    q.label = "q"
    f = q * inputs["z"]
    f.label = "f"
    return f, inputs


def sigmoid_neuron_example(
    w0: float = 2.0, x0: float = -1.0, w1: float = -3.0, x1: float = -2.0, w2: float = -3.0,
    *, primitives: bool = False,
) -> tuple[Value, dict[str, Value]]:
    """f(w, x) = 1 / (1 + e^-(w0·x0 + w1·x1 + w2)); at the lecture's values f = σ(1) ≈ 0.73.

    With ``primitives=False`` the sigmoid is one node (local gradient (1 - σ)σ); with
    ``primitives=True`` it is built as ``1 / (1 + (-z).exp())`` from neg, exp, +, ** -1
    and * nodes, as the lecture's circuit draws it. Both give the same value and, up to
    rounding, the same gradients: ∂f/∂w_i = (1 - σ)σ·x_i, ∂f/∂x_i = (1 - σ)σ·w_i,
    ∂f/∂w2 = (1 - σ)σ.
    """
    inputs = {name: Value(v, name) for name, v in
              (("w0", w0), ("x0", x0), ("w1", w1), ("x1", x1), ("w2", w2))}
    z = inputs["w0"] * inputs["x0"] + inputs["w1"] * inputs["x1"] + inputs["w2"]
    z.label = "z"
    f = 1 / (1 + (-z).exp()) if primitives else z.sigmoid()
    f.label = "f"
    return f, inputs
