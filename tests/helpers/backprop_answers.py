"""Two wrong answers of ``04_backprop`` that both its checks' tests (tests/checks/test_grader_backprop.py)
and its nbgrader run (tests/notebooks/test_nbgrader_e2e_04_backprop.py) use.

- ``RECURSIVE_SORT``: a recursive depth-first ``topological_order`` (micrograd's): right on
  small graphs, past Python's recursion limit on a long chain.
- ``RESETS``: a ``backward_pass`` that sets every gradient to 0 before it starts (the old
  convention: gradients do not accumulate over two calls).
"""

RECURSIVE_SORT = '''
def topological_order(root):
    order, seen = [], set()
    def visit(node):
        if node not in seen:
            seen.add(node)
            for p in node.parents:
                visit(p)
            order.append(node)
    visit(root)
    return order
'''
RESETS = '''
def backward_pass(root):
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        if node.rule is not None:
            for parent, g in zip(node.parents, node.rule(node.grad)):
                parent.grad += g
'''
