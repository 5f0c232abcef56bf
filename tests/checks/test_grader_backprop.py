"""The checks of ``04_backprop``: they pass the notebook's own solution for every student,
and fail typical wrong answers with a message that says what is wrong."""

from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest

from grader_tests import backprop as checks
from grader_tests.hidden import backprop as hidden
from helpers.backprop_answers import RECURSIVE_SORT, RESETS
from helpers.nbgrader_course import REPO, solution_sources

SOURCE = REPO / "solutions" / "04_backprop" / "04_backprop.ipynb"
CELLS = ("myvalue", "topological_order", "backward_pass", "my_linear", "my_sigmoid")
SOLUTIONS = solution_sources(SOURCE)


def engine(**changes) -> dict:
    """The notebook's solution cells run in a fresh namespace, some of them changed.

    ``changes[grade_id]`` is a whole new cell source (str) or a list of (old, new)
    replacements in the solution's source.
    """
    ns: dict = {"math": math, "np": np}
    for cell in CELLS:
        src = SOLUTIONS[cell]
        change = changes.get(cell, [])
        if isinstance(change, str):
            src = change
        else:
            for old, new in change:
                assert old in src, (cell, old)
                src = src.replace(old, new)
        exec(compile(src, f"<{cell}>", "exec"), ns)
    return ns


def test_the_solution_has_the_cells_these_tests_use():
    assert set(CELLS) <= set(SOLUTIONS)


# (check, the arguments taken from an engine namespace)
RIGHT = [
    (checks.check_ops, ("MyValue",)),
    (hidden.check_ops_random, ("MyValue",)),
    (checks.check_topological_order, ("topological_order",)),
    (hidden.check_topological_order_random, ("topological_order",)),
    (checks.check_backward, ("backward_pass",)),
    (checks.check_long_chain, ("topological_order", "backward_pass")),
    (checks.check_expressions, ("MyValue",)),
    (hidden.check_expressions_random, ("MyValue",)),
    (checks.check_linear_forward, ("MyLinear",)),
    (checks.check_linear_gradients, ("MyLinear",)),
    (hidden.check_linear_random, ("MyLinear",)),
    (checks.check_sigmoid, ("MySigmoid",)),
    (hidden.check_sigmoid_random, ("MySigmoid",)),
]


@pytest.mark.parametrize("check,names", RIGHT, ids=[c.__name__ for c, _ in RIGHT])
@pytest.mark.parametrize("student", ["alice", "bob", "local"])
def test_checks_pass_the_solution(check, names, student, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
    ns = engine()
    check(*(ns[n] for n in names))


# -- wrong answers ---------------------------------------------------------------------

ADD_RULE = "out.rule = lambda upstream: (upstream, upstream)      # add distributes"
MUL_RULE = "out.rule = lambda upstream: (upstream * b, upstream * a)   # mul swaps"
NO_SWAP = [(MUL_RULE, "out.rule = lambda upstream: (upstream * a, upstream * b)")]
NO_SEEN_SORT = '''
def topological_order(root):
    order = []
    stack = [(root, iter(root.parents))]
    while stack:
        node, pending = stack[-1]
        for parent in pending:
            stack.append((parent, iter(parent.parents)))
            break
        else:
            stack.pop()
            order.append(node)
    return order
'''
MICROGRAD = RESETS.replace("""    for node in order:
        node.grad = 0.0
""", "")
RAISES = '''
def topological_order(root):
    raise RuntimeError("not today")
'''

WRONG = [
    # add: only the left input gets the gradient
    (checks.check_ops, "myvalue", [(ADD_RULE, "out.rule = lambda upstream: (upstream, 0.0)")], ("MyValue",),
     r"MyValue\(3\) \+ MyValue\(-2\): out.rule\(2\)\[1\], the downstream gradient of parent 1, should be 2"),
    # mul without the swap
    (checks.check_ops, "myvalue", NO_SWAP,
     ("MyValue",), r"MyValue\(3\) \* MyValue\(-2\): out.rule\(2\)\[0\].* should be -4"),
    (hidden.check_ops_random, "myvalue", NO_SWAP,
     ("MyValue",), r"random pair #1: MyValue \* MyValue: out.rule"),
    # no rule recorded
    (checks.check_ops, "myvalue", [(ADD_RULE, "")], ("MyValue",), "expected out.rule to be a function"),
    # micrograd style: the rule adds into the parents and returns nothing
    (checks.check_ops, "myvalue",
     [(ADD_RULE, "out.rule = lambda upstream: [setattr(p, 'grad', p.grad + upstream) "
                 "for p in (self, other)] and None")],
     ("MyValue",), "changed a parent's grad"),
    # returns the number, not a node
    (checks.check_ops, "myvalue", [(ADD_RULE + "\n        return out", ADD_RULE + "\n        return out.data")],
     ("MyValue",), r"MyValue\(3\) \+ MyValue\(-2\): expected a new MyValue, got float"),
    # operands in the wrong order
    (checks.check_ops, "myvalue", [("(self, other), \"*\")", "(other, self), \"*\")")], ("MyValue",),
     r"expected parents\[0\] to be the operand itself \(self\)"),
    # recursion: right on small graphs, fails on the long chain
    (checks.check_long_chain, "topological_order", RECURSIVE_SORT, ("topological_order", "backward_pass"),
     "RecursionError.*keep your own stack"),
    # no set of visited nodes: a shared node appears twice
    (checks.check_topological_order, "topological_order", NO_SEEN_SORT, ("topological_order",),
     r"node Node\('a'\) appears \d times; every node must appear once"),
    (hidden.check_topological_order_random, "topological_order", NO_SEEN_SORT, ("topological_order",),
     r"random graph #\d with \d+ nodes\): node .* appears \d+ times"),
    # children first
    (checks.check_topological_order, "topological_order", [("    return order", "    return order[::-1]")],
     ("topological_order",), "comes after it"),
    (checks.check_topological_order, "topological_order", RAISES, ("topological_order",),
     "your function raised RuntimeError: not today"),
    # the old convention: reset every grad first, so nothing accumulates
    (checks.check_backward, "backward_pass", RESETS, ("backward_pass",),
     r"backward_pass must add to grad, not reset it"),
    (checks.check_backward, "backward_pass", [("node.grad += g", "node.grad = g")], ("backward_pass",),
     r"the 7.0 is gone"),
    # micrograd's: node.grad is sent on, so what an earlier pass left is propagated again
    (checks.check_backward, "backward_pass", MICROGRAD, ("backward_pass",),
     r"gradient\(s\) are wrong.*right when every grad starts at 0: pass on only this pass's gradients"),
    # = instead of + : copy does not add
    (checks.check_backward, "backward_pass", [("upstream.get(parent, 0.0) + d", "d")], ("backward_pass",),
     r"gradient\(s\) are wrong"),
    # forward order instead of reversed
    (checks.check_backward, "backward_pass", [("reversed(topological_order(root))", "topological_order(root)")],
     ("backward_pass",), r"gradient\(s\) are wrong"),
    (checks.check_backward, "backward_pass", [("upstream = {root: 1.0}", "upstream = {}")], ("backward_pass",),
     r"this pass starts with ∂root/∂root = 1 at the root"),
    (checks.check_long_chain, "backward_pass", [("upstream = {root: 1.0}", "upstream = {}")],
     ("topological_order", "backward_pass"),
     r"expected the root's grad to be 1"),
    # the whole engine with a wrong mul rule
    (checks.check_expressions, "myvalue", NO_SWAP,
     ("MyValue",), r"f = \(x \+ y\) \* z, the lecture's first example at x=-2, y=5, z=-4: the gradient"),
    (hidden.check_expressions_random, "myvalue", NO_SWAP,
     ("MyValue",), r"random expression #\d \(\d+ operations on \d inputs\): the gradient input\d.grad"),
    # Linear: the bias gradient not summed over the batch
    (checks.check_linear_gradients, "my_linear", [("dout.sum(axis=0)", "dout")], ("MyLinear",),
     r"grads\['b'\]: expected shape \(5,\), got shape \(3, 5\)"),
    (hidden.check_linear_random, "my_linear", [("dout.sum(axis=0)", "dout.mean(axis=0)")], ("MyLinear",),
     r"random batch #1 .*grads\['b'\]: \d+ of \d+ element"),
    # Linear: W gradient scaled wrong (the gradient check catches it)
    (checks.check_linear_gradients, "my_linear", [("x.T @ dout", "0.5 * x.T @ dout")], ("MyLinear",),
     r"gradient check failed:.*gradient of W: rel_error"),
    # forward without the bias
    (checks.check_linear_forward, "my_linear", [(' + self.params["b"]', "")], ("MyLinear",),
     r"forward\(x\): \d+ of 15 element\(s\) differ"),
    # an SGD step inside backward changes the parameters
    (hidden.check_linear_random, "my_linear",
     [('        return dout @ self.params["W"].T', '        dx = dout @ self.params["W"].T\n'
       '        self.params["W"] = self.params["W"] - 0.1 * self.grads["W"]\n        return dx')],
     ("MyLinear",), r"params\['W'\] changed during forward / backward"),
    # backward changes dout in place
    (checks.check_linear_gradients, "my_linear", [('        return dout @ self.params["W"].T',
                                                   '        dout *= 2\n        return dout @ self.params["W"].T / 2')],
     ("MyLinear",), "MyLinear.backward\\(dout\\): your function modified its input array in place"),
    (checks.check_sigmoid, "my_sigmoid", [("        return dout * (1.0 - out) * out",
                                           "        dout *= (1.0 - out) * out\n        return dout")],
     ("MySigmoid",), "MySigmoid.backward\\(dout\\): your function modified its input array in place"),
    # the local gradient without the upstream one
    (checks.check_sigmoid, "my_sigmoid", [("return dout * (1.0 - out) * out", "return (1.0 - out) * out + 0 * dout")],
     ("MySigmoid",), r"gradient check failed"),
    (hidden.check_sigmoid_random, "my_sigmoid", [("np.exp(-x)", "np.exp(x)")], ("MySigmoid",),
     r"MySigmoid on random batch #1 \(x of shape \(\d+, \d+\)\): forward\(x\)"),
    (checks.check_sigmoid, "my_sigmoid",
     [("        out = self.cache\n", "        out = self.cache\n        raise ValueError('no')\n")],
     ("MySigmoid",), r"MySigmoid.backward\(dout\): your function raised ValueError: no"),
]


@pytest.mark.parametrize("check,cell,change,names,message", WRONG,
                         ids=[f"{c.__name__}-{i}" for i, (c, *_rest) in enumerate(WRONG)])
def test_checks_fail_wrong_answers_with_a_message(check, cell, change, names, message, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "alice")
    ns = engine(**{cell: change})
    with pytest.raises(AssertionError, match=re.compile(message, re.S)):
        check(*(ns[n] for n in names))


def test_recursive_sort_passes_the_small_graphs():
    """Recursion is only penalised where it fails: on the long chain."""
    ns = engine(topological_order=RECURSIVE_SORT)
    checks.check_topological_order(ns["topological_order"])
    checks.check_expressions(ns["MyValue"])
    hidden.check_expressions_random(ns["MyValue"])


def test_not_implemented_is_reported_as_such():
    ns = engine(topological_order="def topological_order(root):\n    raise NotImplementedError()\n")
    with pytest.raises(AssertionError, match="not implemented yet"):
        checks.check_topological_order(ns["topological_order"])
    with pytest.raises(AssertionError, match="not implemented yet"):
        checks.check_ops(type("MyValue", (), {"__init__": lambda self, d=0.0, *a, **k: None,
                                              "__add__": lambda self, o: (_ for _ in ()).throw(NotImplementedError())}))


def test_long_chain_is_long_enough_to_break_recursion():
    import sys

    assert checks.CHAIN_LENGTH >= 5000 > sys.getrecursionlimit()


def test_visible_checks_do_not_use_the_reference():
    """Students get the visible checks; they must stand on stored values and properties."""
    source = inspect.getsource(checks)
    for reference in ("coursework.graph", "coursework.nn", "from coursework import"):
        assert reference not in source, reference
    assert not re.search(r"(?<!My)Value\(", source)


def test_hidden_inputs_differ_between_students(monkeypatch):
    drawn = {}
    for student in ("alice", "bob"):
        monkeypatch.setenv("COURSEWORK_STUDENT_ID", student)
        rng = hidden.student_rng(hidden.ASSIGNMENT, "expressions")
        drawn[student] = hidden._random_expression(rng)
    assert drawn["alice"] != drawn["bob"]


def test_hidden_messages_do_not_print_hidden_inputs(monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "dave")
    ns = engine(myvalue=NO_SWAP)
    with pytest.raises(AssertionError) as info:
        hidden.check_expressions_random(ns["MyValue"])
    text = str(info.value)
    assert re.search(r"random expression #\d \(\d+ operations on \d inputs\)", text)
    assert "[" not in text and "exp(" not in text  # neither values of the inputs nor the formula
    ns = engine(my_linear=[("dout.sum(axis=0)", "dout.mean(axis=0)")])
    with pytest.raises(AssertionError) as info:
        hidden.check_linear_random(ns["MyLinear"])
    assert "[" not in str(info.value).split("shape")[0]


def test_stored_graph_gradients_are_path_sums():
    """The stored gradients of the visible backward check, by hand for the lecture graph."""
    data = checks.expected()
    np.testing.assert_array_equal(data["graph0_grads"], [-4.0, -4.0, 3.0, -4.0, 1.0])
    np.testing.assert_array_equal(data["graph2_grads"], [-1.0, -0.25, 0.5, 1.0])
    assert float(data["expr0_value"]) == -12.0
    assert round(float(data["expr1_value"]), 2) == 0.73
