"""Computational graphs and backpropagation on scalars (lecture topic 9).

* :class:`Value` -- a scalar node; arithmetic on Values builds the graph and
  :meth:`Value.backward` adds ∂output/∂node to every node's ``grad`` (gradients
  accumulate, as in PyTorch); :func:`zero_grad` resets a graph or a list of values
  (``value.py``).
* :func:`maximum`, :func:`topological_order` -- the max gate and the node order that
  ``backward`` and the picture use (``value.py``).
* :func:`draw_graph` -- the graph as a matplotlib picture, with values and gradients
  (``draw.py``; matplotlib is imported only when it is called). It also draws the
  nodes of the notebook's ``MyValue``.
* :func:`add_mul_example`, :func:`sigmoid_neuron_example` -- the lecture's two worked
  examples, built from Values or from a student's node class; :func:`new_node`,
  :func:`sigmoid_gate` -- gates of either kind (``examples.py``).
"""

from .draw import draw_graph
from .examples import add_mul_example, new_node, sigmoid_gate, sigmoid_neuron_example
from .value import Value, maximum, topological_order, zero_grad

__all__ = ["Value", "maximum", "topological_order", "zero_grad", "draw_graph", "add_mul_example",
           "sigmoid_neuron_example", "new_node", "sigmoid_gate"]
