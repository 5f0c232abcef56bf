"""A scalar autograd engine: the lecture's computational graph, one number per node.

Every arithmetic operation on :class:`Value` objects creates a new node that remembers
its parents (the inputs of the operation) and a *local backward rule*: a function that
turns the upstream gradient ∂f/∂out into one downstream gradient per parent,
``downstream = upstream × local`` (the chain rule). :meth:`Value.backward` visits the
nodes in reverse topological order and applies these rules; when a node feeds several
others its gradients are summed ("copy adds").

Primitives (each with its own rule): ``+``, ``*``, ``** number``, ``exp``, ``log``,
``tanh``, ``sigmoid``, ``relu`` and ``maximum``. Derived from them: negation
(``x * -1``), subtraction (``a + (-b)``, and ``x - 3`` is ``x + (-3)``) and division
(``a * b**-1``, and ``x / 4`` is ``x * 0.25``); their nodes show up in the graph as
the primitives they are built from.

Conventions (stated once, tested in ``tests/reference/test_graph.py``):

* ``backward()`` *adds* ∂output/∂node to every node's ``grad`` (as PyTorch and
  micrograd do): a second call adds the same gradients again, and two losses that share
  a weight leave it the sum of their gradients (what the gradient of their sum is). A
  pass propagates only its own gradients, never what earlier passes left in ``grad``.
  Reset with :meth:`Value.zero_grad` or :func:`zero_grad` (one graph or a list of
  values) before a new pass that should start from 0, e.g. every training step.
* ``relu`` has derivative 0 at 0 (as PyTorch).
* ``maximum(a, b)`` routes the whole upstream gradient to the larger input; on a tie
  each input gets half of it (as ``torch.maximum``). This is symmetric,
  ``maximum(a, b)`` and ``maximum(b, a)`` give the same gradients, and
  ``maximum(x, x)`` gives ``x`` the gradient 1, like ``x`` itself.
* ``x ** p`` with ``0 < p < 1`` at ``x = 0`` has an infinite derivative; the gradient
  then is ``inf`` (as PyTorch), not an error.
* Plain numbers mixed into an expression (``2 * x``, ``x + 1``) become leaf nodes with
  an empty label, so every number that enters the result is visible in the graph.

The rules of ``+`` and ``*``, :func:`topological_order` and :meth:`Value.backward` answer
the exercises of assignment 04 and are not in its student bundle: there a Value graph
computes forward (its values and its structure, which :func:`~coursework.graph.draw_graph`
can draw) but has no backward pass; the notebook runs the student's instead.
"""

from __future__ import annotations

import functools
import itertools
import math
import numbers
from typing import Callable, Iterable

__all__ = ["Value", "maximum", "topological_order", "zero_grad"]

# A backward rule takes the upstream gradient and returns one gradient per parent.
Rule = Callable[[float], tuple]

# Creation stamps: a node is always created after its parents, so sorting the nodes of a
# graph by their stamp puts parents first (what draw_graph uses; no search needed).
_STAMPS = itertools.count()


def _add_rule(g: float) -> tuple:
    """The backward rule of ``a + b``: add distributes, both inputs receive ``g`` unchanged."""
    # BEGIN REFERENCE 04_backprop
    return (g, g)
    # END REFERENCE


def _mul_rule(a: float, b: float, g: float) -> tuple:
    """The backward rule of ``a * b`` (bound to the forward values a, b): mul swaps,
    each input's local gradient is the other input's value."""
    # BEGIN REFERENCE 04_backprop
    return (g * b, g * a)
    # END REFERENCE


def _as_float(data, what: str) -> float:
    """``data`` as a finite float, or a TypeError / ValueError saying what came."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(f"{what}: expected a real number (int or float), got {data!r} ({type(data).__name__})")
    value = float(data)
    if not math.isfinite(value):
        raise ValueError(f"{what}: expected a finite number, got {value}")
    return value


class Value:
    """One scalar node of a computational graph.

    Parameters
    ----------
    data : int or float
        The value of the node (stored as a Python float). Must be finite.
    label : str, optional
        A name shown in :func:`coursework.graph.draw_graph` and in ``repr``.

    Attributes
    ----------
    data : float
        The forward value.
    grad : float
        The sum of ∂(output)/∂(this node) over the :meth:`backward` calls of outputs
        that depend on this node since it was created or last reset (:meth:`zero_grad`).
    label : str
        The node's name ("" for intermediate results and constants).
    op : str
        The operation that produced the node ("+", "*", "**2", "exp", ...); "" for a leaf.
    parents : tuple of Value
        The inputs of that operation, in order; empty for a leaf.

    Examples
    --------
    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> f.data, x.grad, y.grad, z.grad
    (-12.0, -4.0, -4.0, 3.0)

    Values compare and hash by identity (``==`` is ``is``), so they can key dicts and sets.
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "_rule", "_stamp")

    # Make NumPy scalars defer to our reflected operators: np.float64(2) * Value(3)
    # calls Value.__rmul__ and returns a Value, not an object array.
    __array_ufunc__ = None

    def __init__(self, data, label: str = ""):
        self.data = _as_float(data, "Value")
        if not isinstance(label, str):
            raise TypeError(f"Value: expected label to be a str, got {label!r} ({type(label).__name__})")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents: tuple[Value, ...] = ()
        self._rule: Rule | None = None
        self._stamp = next(_STAMPS)

    @property
    def rule(self) -> Rule | None:
        """The local backward rule: upstream gradient -> one downstream gradient per parent
        (None for a leaf). The same interface as the notebook's ``MyValue.rule``."""
        return self._rule

    # ------------------------------------------------------------------ building
    @classmethod
    def _node(cls, data: float, op: str, parents: tuple, rule: Rule) -> "Value":
        """A new interior node: the result of ``op`` on ``parents``."""
        if not math.isfinite(data):
            inputs = ", ".join(f"{p.data!r}" for p in parents)
            raise OverflowError(f"Value '{op}': the result of {op}({inputs}) overflows a float ({data})")
        out = cls.__new__(cls)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out.op = op
        out.parents = parents
        out._rule = rule
        out._stamp = next(_STAMPS)
        return out

    @staticmethod
    def _wrap(other) -> "Value | None":
        """``other`` as a Value (a plain number becomes a constant leaf), or None."""
        if isinstance(other, Value):
            return other
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            return Value(other)
        return None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    # ---------------------------------------------------------------- primitives
    def __add__(self, other) -> "Value":
        other = self._wrap(other)
        if other is None:
            return NotImplemented
        return Value._node(self.data + other.data, "+", (self, other), _add_rule)

    def __mul__(self, other) -> "Value":
        other = self._wrap(other)
        if other is None:
            return NotImplemented
        a, b = self.data, other.data
        return Value._node(a * b, "*", (self, other), functools.partial(_mul_rule, a, b))

    def __pow__(self, exponent) -> "Value":
        if isinstance(exponent, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a plain int or float. "
                "For a variable exponent write (b * a.log()).exp() for a ** b."
            )
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            return NotImplemented
        n = float(exponent)
        if not math.isfinite(n):
            raise ValueError(f"Value ** {exponent!r}: expected a finite exponent")
        x = self.data
        if x == 0.0 and n < 0:
            raise ZeroDivisionError(f"Value ** {exponent!r}: 0 cannot be raised to a negative power (base {self!r})")
        if x < 0.0 and not n.is_integer():
            raise ValueError(
                f"Value ** {exponent!r}: a negative base ({x!r}) needs an integer exponent; "
                "the result would be complex"
            )

        def rule(g: float) -> tuple:
            if n == 0.0:
                return (0.0,)
            if x == 0.0 and n < 1.0:  # d/dx x**n = n x**(n-1) is infinite at 0 for 0 < n < 1
                return (g * math.inf,)
            return (g * (n * x ** (n - 1.0)),)

        return Value._node(x**n, f"**{n:g}", (self,), rule)

    def exp(self) -> "Value":
        """e ** self; local gradient e ** self (the output itself)."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"Value.exp: exp({self.data!r}) overflows a float") from None
        return Value._node(e, "exp", (self,), lambda g: (g * e,))

    def log(self) -> "Value":
        """Natural logarithm; local gradient 1 / self. Needs ``self.data > 0``."""
        x = self.data
        if x <= 0.0:
            name = f" {self.label!r}" if self.label else ""
            raise ValueError(f"Value.log: expected a positive value, got{name} {x!r}")
        return Value._node(math.log(x), "log", (self,), lambda g: (g / x,))

    def tanh(self) -> "Value":
        """Hyperbolic tangent; local gradient 1 - tanh(self)**2."""
        t = math.tanh(self.data)
        return Value._node(t, "tanh", (self,), lambda g: (g * (1.0 - t * t),))

    def sigmoid(self) -> "Value":
        """σ(self) = 1 / (1 + e**-self) as one node; local gradient (1 - σ) σ."""
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:  # same value, without overflowing exp(-x) for very negative x
            e = math.exp(x)
            s = e / (1.0 + e)
        return Value._node(s, "sigmoid", (self,), lambda g: (g * ((1.0 - s) * s),))

    def relu(self) -> "Value":
        """max(0, self); local gradient 1 where self > 0, else 0 (also at 0)."""
        x = self.data
        return Value._node(x if x > 0.0 else 0.0, "relu", (self,), lambda g: (g if x > 0.0 else 0.0,))

    def max(self, other) -> "Value":
        """``maximum(self, other)``: see :func:`maximum`."""
        return maximum(self, other)

    # ------------------------------------------------------------------- derived
    def __neg__(self) -> "Value":
        return self * -1.0

    def __radd__(self, other) -> "Value":  # other + self
        return self.__add__(other)  # NotImplemented passes through: Python's own TypeError

    def __sub__(self, other) -> "Value":
        if isinstance(other, Value):
            return self + (-other)
        if isinstance(other, bool) or not isinstance(other, numbers.Real):
            return NotImplemented
        return self + (-_as_float(other, "Value subtraction"))  # x - 3 is x + (-3)

    def __rsub__(self, other) -> "Value":  # other - self
        if isinstance(other, bool) or not isinstance(other, numbers.Real):
            return NotImplemented
        return (-self) + other

    def __rmul__(self, other) -> "Value":  # other * self
        return self.__mul__(other)

    def __truediv__(self, other) -> "Value":
        if isinstance(other, bool) or not isinstance(other, (Value, numbers.Real)):
            return NotImplemented
        divisor = other.data if isinstance(other, Value) else _as_float(other, "Value division")
        if divisor == 0.0:
            raise ZeroDivisionError(f"Value division: the divisor is zero ({other!r}, dividend {self.data!r})")
        if isinstance(other, Value):
            return self * other**-1
        return self * (1.0 / divisor)  # x / 4 is x * 0.25

    def __rtruediv__(self, other) -> "Value":  # other / self
        wrapped = self._wrap(other)
        if wrapped is None:
            return NotImplemented
        return wrapped / self

    def __rpow__(self, base):  # number ** Value
        raise TypeError(
            "number ** Value is not supported: the exponent must be a plain int or float. "
            f"For a variable exponent write (x * math.log({base!r})).exp()."
        )

    # ------------------------------------------------------------------ backprop
    def backward(self) -> None:
        """Add ∂self/∂node to the ``grad`` of every node in the graph below ``self``.

        This pass's gradients start at ∂self/∂self = 1 and flow from the output back to
        the inputs: each node passes ``upstream × local`` to its parents, where
        gradients arriving along several paths are summed ("copy adds"). Each node's
        total is then *added* to its ``grad``: gradients accumulate over calls, as in
        PyTorch and micrograd (a second call adds them again; a weight shared by two
        losses gets the sum). Only this pass's gradients propagate, never what earlier
        passes left in ``grad``. Reset with :meth:`zero_grad`. Iterative: no recursion
        limit, whatever the depth of the graph.
        """
        # BEGIN REFERENCE 04_backprop
        upstream = {self: 1.0}  # this pass's ∂self/∂node, kept apart from the accumulated grads
        for node in reversed(topological_order(self)):
            g = upstream.pop(node)
            node.grad += g
            if node._rule is not None:
                for parent, d in zip(node.parents, node._rule(g)):
                    upstream[parent] = upstream.get(parent, 0.0) + d  # copy adds
        # END REFERENCE

    def zero_grad(self) -> None:
        """Set ``grad = 0`` for ``self`` and every node it was computed from."""
        for node in topological_order(self):
            node.grad = 0.0


def zero_grad(values) -> None:
    """Set ``grad = 0`` on one graph or several: what to do before a pass that should
    start from 0 (each training step), since :meth:`Value.backward` accumulates.

    Parameters
    ----------
    values : Value or iterable of Value
        A Value: it and every node it was computed from (as :meth:`Value.zero_grad`).
        A list, tuple, ...: each of them and its graph -- the parameters of a model,
        or several losses.
    """
    if isinstance(values, Value):
        values = (values,)
    elif isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"zero_grad: expected a Value or an iterable of Values, got {values!r} "
                        f"({type(values).__name__})")
    values = list(values)
    for i, value in enumerate(values):
        if not isinstance(value, Value):
            raise TypeError(f"zero_grad: expected Values, got {value!r} ({type(value).__name__}) at position {i}")
    for value in values:
        value.zero_grad()


def maximum(a, b) -> Value:
    """The larger of ``a`` and ``b`` (Values or plain numbers) as a new node.

    "max routes": the upstream gradient goes entirely to the larger input and the
    other gets 0. On a tie (``a.data == b.data``) each gets half of it, as
    ``torch.maximum`` does.
    """
    wa, wb = Value._wrap(a), Value._wrap(b)
    for given, wrapped in ((a, wa), (b, wb)):
        if wrapped is None:
            raise TypeError(f"maximum: expected Values or real numbers, got {given!r} ({type(given).__name__})")
    x, y = wa.data, wb.data
    return Value._node(x if x >= y else y, "max", (wa, wb), functools.partial(max_rule, x, y))


def max_rule(x: float, y: float, g: float) -> tuple:
    """The backward rule of ``maximum`` at inputs ``x``, ``y`` for upstream gradient ``g``:
    ``(g, 0)`` if x > y, ``(0, g)`` if x < y, ``(g/2, g/2)`` on a tie."""
    if x > y:
        return (g, 0.0)
    if x < y:
        return (0.0, g)
    return (0.5 * g, 0.5 * g)


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each once, inputs first and ``root`` last.

    A node always comes after all of its parents. The depth-first search keeps its own
    stack, so chains of any length work (a recursive version stops at Python's
    recursion limit, about 1,000 nodes).

    Parameters
    ----------
    root : Value
        The output node.

    Returns
    -------
    list of Value, of length (number of distinct nodes in the graph)
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: expected a Value, got {root!r} ({type(root).__name__})")
    # BEGIN REFERENCE 04_backprop
    order: list[Value] = []
    seen = {root}  # Values hash by identity
    stack: list[tuple[Value, Iterable[Value]]] = [(root, iter(root.parents))]
    while stack:
        node, pending = stack[-1]
        for parent in pending:
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:  # all parents placed: the node can follow them
            stack.pop()
            order.append(node)
    return order
    # END REFERENCE
