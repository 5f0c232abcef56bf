"""Demo of 04 (backprop): the lecture's graphs stepped forward, then backward, one node at a time."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from ..graph import add_mul_example, draw_graph, sigmoid_neuron_example, topological_order
from ._base import Demo

__all__ = ["GraphStepsDemo", "EXAMPLES", "graph_steps"]

#: name -> builder of ``(output, inputs)`` (:mod:`coursework.graph.examples`)
EXAMPLES = {
    "f = (x + y) z": add_mul_example,
    "sigmoid neuron, one gate": sigmoid_neuron_example,
    "sigmoid neuron, primitives": lambda: sigmoid_neuron_example(primitives=True),
}


@dataclass(eq=False)
class _Shown:
    """A node as the picture shows it at one step: NaN where not yet computed."""

    data: float
    grad: float
    label: str
    op: str
    parents: tuple = field(default_factory=tuple)


def _name(node: Any) -> str:
    return node.label or f"the {node.op} node" if node.parents else node.label or "a constant"


def graph_steps(name: str) -> tuple[list[Any], int]:
    """The example's nodes in topological order, after ``backward()``, and the number of steps.

    Step 0 shows the inputs; steps 1..F compute the F interior nodes forward; the next
    steps fill the gradients in reverse order, one node per step (output first).
    """
    root, _ = EXAMPLES[name]()
    root.backward()
    order = topological_order(root)
    interior = sum(1 for node in order if node.parents)
    return order, interior + len(order)


def shown_at(order: list[Any], step: int) -> tuple[list[_Shown], Any, str]:
    """The nodes as known at ``step``, the node computed at that step (or None), and what happened."""
    interior = [node for node in order if node.parents]
    forward = min(step, len(interior))
    known = {node for node in order if not node.parents} | set(interior[:forward])
    backward = max(0, step - len(interior))
    with_grad = set(list(reversed(order))[:backward])
    shown: dict[Any, _Shown] = {}
    for node in order:
        shown[node] = _Shown(node.data if node in known else math.nan, node.grad if node in with_grad else math.nan,
                             node.label, node.op, tuple(shown[p] for p in node.parents))
    if step == 0:
        return list(shown.values()), None, "the inputs"
    if backward == 0:
        node = interior[forward - 1]
        return list(shown.values()), node, f"forward: {node.op} gives {_name(node)} = {node.data:.4f}"
    node = list(reversed(order))[backward - 1]
    how = "dout/dout = 1" if backward == 1 else "the sum over its outputs of upstream x local"
    return list(shown.values()), node, f"backward: grad of {_name(node)} = {node.grad:.4f} ({how})"


class GraphStepsDemo(Demo):
    """The lecture's computational graphs, one node per step: values forward, gradients backward."""

    title = "Backpropagation, one node at a time"
    figsize = (9.5, 4.0)

    _adjusting = False

    def make_controls(self):
        first = "f = (x + y) z"
        return {"example": widgets.Dropdown(options=list(EXAMPLES), value=first, description="graph",
                                            layout=widgets.Layout(width="320px")),
                "step": widgets.IntSlider(value=0, min=0, max=graph_steps(first)[1], description="step",
                                          continuous_update=False)}

    def _changed(self, change) -> None:
        if self._adjusting:  # the step slider clamped by a new maximum: one redraw follows
            return
        self._adjusting = True
        try:
            self.controls["step"].max = graph_steps(self.controls["example"].value)[1]
        finally:
            self._adjusting = False
        self.redraw()

    def draw(self, fig, example, step):
        order, steps = graph_steps(example)
        step = min(step, steps)
        nodes, current, what = shown_at(order, step)
        ax = fig.add_axes((0.0, 0.0, 1.0, 0.88))
        draw_graph(nodes[-1], ax=ax, sort=lambda root: nodes)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        fig.set_size_inches(max(6.0, (x1 - x0) * 0.5), (y1 - y0) * 0.5 / 0.88)  # draw_graph's scale, 0.5 in a unit
        for text in ax.texts:
            text.set_text(text.get_text().replace("nan", "?"))
        if current is not None:
            mine = nodes[order.index(current)]
            for text in ax.texts:  # the box of the node of this step, in red
                if text.get_text().startswith(mine.label + "\n") and mine.label:
                    text.set_color("#b00020")
        self.last_what = what
        fig.suptitle(f"step {step} of {steps}: {what}", fontsize=11)
