"""Demo of 04 (backprop): the lecture's graphs stepped forward, then backward, one node at a time."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from ..graph import add_mul_example, draw_graph, sigmoid_neuron_example, topological_order
from ..i18n.demos import say
from ._base import DPI, FIGURE_WIDTH_PX, Demo

__all__ = ["GraphStepsDemo", "EXAMPLES", "graph_steps"]

#: name -> builder of ``(output, inputs)`` (:mod:`coursework.graph.examples`)
EXAMPLES = {
    "f = (x + y) z": add_mul_example,
    "sigmoid neuron, one gate": sigmoid_neuron_example,
    "sigmoid neuron, primitives": lambda: sigmoid_neuron_example(primitives=True),
}
#: how each example is named in the drop-down (a key of coursework.i18n.demos, or None: as it is)
EXAMPLE_LABELS = {"f = (x + y) z": None, "sigmoid neuron, one gate": "graph_one_gate",
                  "sigmoid neuron, primitives": "graph_primitives"}

#: The picture's scale: pixels of the PNG per layout unit of draw_graph, the same for every
#: example, so that the widest (the sigmoid neuron: 5 columns, the primitives wrapped after
#: 5) fills the figure's width; its text is 8 pt at 50 px a unit, so here 8 x 75 / 50 pt = 16.7 px.
UNIT_PX = 75
WRAP = 5
TITLE_PX = 50   # room above the graph for the step's sentence


@dataclass(eq=False)
class _Shown:
    """A node as the picture shows it at one step: NaN where not yet computed."""

    data: float
    grad: float
    label: str
    op: str
    parents: tuple = field(default_factory=tuple)


def _name(node: Any) -> str:
    if node.label:
        return node.label
    return say("graph_op_node", op=node.op) if node.parents else say("graph_constant")


def box_text(node: Any, show_grad: bool = True) -> str:
    """What a node's box says in the demo: ``label = value`` and its gradient, 2 decimals, ``?`` until known."""
    value = "?" if math.isnan(node.data) else f"{node.data:.2f}"
    grad = "?" if math.isnan(node.grad) else f"{node.grad:.2f}"
    return (f"{node.label} = {value}" if node.label else value) + (f"\ngrad {grad}" if show_grad else "")


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
        return list(shown.values()), None, say("graph_inputs")
    if backward == 0:
        node = interior[forward - 1]
        return list(shown.values()), node, say("graph_forward", op=node.op, name=_name(node), value=f"{node.data:.4f}")
    node = list(reversed(order))[backward - 1]
    how = "dout/dout = 1" if backward == 1 else say("graph_how_sum")
    return list(shown.values()), node, say("graph_backward", name=_name(node), grad=f"{node.grad:.4f}", how=how)


class GraphStepsDemo(Demo):
    """The lecture's computational graphs, one node per step: values forward, gradients backward."""

    title = "Backpropagation, one node at a time"
    height = 5.0   # replaced by the graph's own height at each redraw

    _adjusting = False

    def make_controls(self):
        first = "f = (x + y) z"
        options = [(say(key) if key else name, name) for name, key in EXAMPLE_LABELS.items()]
        return {"example": widgets.Dropdown(options=options, value=first, description=say("graph_example"),
                                            layout=widgets.Layout(width="420px")),
                "step": widgets.IntSlider(value=0, min=0, max=graph_steps(first)[1], description=say("graph_step"),
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
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        draw_graph(nodes[-1], ax=ax, sort=lambda root: nodes, text=box_text, fontsize=8 * UNIT_PX / (0.5 * DPI),
                   wrap=WRAP)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        width, height = (x1 - x0) * UNIT_PX, (y1 - y0) * UNIT_PX   # pixels: one scale for every example
        fig.set_size_inches(FIGURE_WIDTH_PX / DPI, (height + TITLE_PX) / DPI)
        ax.set_position(((1 - width / FIGURE_WIDTH_PX) / 2, 0.0, width / FIGURE_WIDTH_PX,
                         height / (height + TITLE_PX)))
        if current is not None:  # the box of the node of this step, in red
            for text in ax.texts:
                if text.get_gid() == f"node {order.index(current)}":
                    text.set_color("#b00020")
        self.last_what = what
        fig.suptitle(say("graph_suptitle", step=step, steps=steps, what=what), y=1 - 8 / (height + TITLE_PX),
                     va="top")
