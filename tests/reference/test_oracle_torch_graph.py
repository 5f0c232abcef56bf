"""coursework.graph against PyTorch autograd (float64): random expressions over every op.

The same expression tree is evaluated twice, once on :class:`Value` nodes and once on
``torch`` scalars with ``requires_grad``; values and input gradients must agree to
1e-12 (relative to max(1, |torch's number|)). Ties in ``max`` and ReLU at 0 are
included on purpose: both follow PyTorch's rules there.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from coursework.graph import Value, add_mul_example, maximum, sigmoid_neuron_example, zero_grad

torch = pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install -e .[oracle]")

TOL = 1e-12
N_VARS = 3

# op -> (how many sub-expressions, how to apply it to Values, how to apply it to tensors);
# the operators +, -, *, /, ** and unary minus are the same Python code for both.
_SHARED = {
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "neg": (1, lambda a: -a),
    "add-number": (1, lambda a: a + 0.75),
    "radd": (1, lambda a: 0.75 + a),
    "sub-number": (1, lambda a: a - 1.25),
    "rsub": (1, lambda a: 1.25 - a),
    "rmul": (1, lambda a: -1.5 * a),
    "mul-number": (1, lambda a: a * 0.5),
    "div-number": (1, lambda a: a / 3.0),
    "pow2": (1, lambda a: a**2),
    "pow3": (1, lambda a: a**3),
}
_GUARDED = {  # need a positive argument: applied to p(e) = e*e + 0.5 (see _positive)
    "div": (2, lambda a, b: a / b),
    "rtruediv": (1, lambda a: 2.0 / a),
    "pow-1": (1, lambda a: a**-1),
    "pow1.5": (1, lambda a: a**1.5),
    "pow-0.5": (1, lambda a: a**-0.5),
    "log": (1, None),
}
_LIBRARY = {  # name: (Value version, torch version)
    "exp": (lambda a: a.exp(), lambda a: torch.exp(a)),
    "tanh": (lambda a: a.tanh(), lambda a: torch.tanh(a)),
    "sigmoid": (lambda a: a.sigmoid(), lambda a: torch.sigmoid(a)),
    "relu": (lambda a: a.relu(), lambda a: torch.relu(a)),
    "max": (lambda a, b: maximum(a, b), lambda a, b: torch.maximum(a, b)),
    "max-method": (lambda a, b: a.max(b), lambda a, b: torch.maximum(a, b)),
    "log": (lambda a: a.log(), lambda a: torch.log(a)),
}
ALL_OPS = sorted(set(_SHARED) | set(_GUARDED) | set(_LIBRARY))


def random_expression(rng: np.random.Generator, depth: int):
    """A random expression tree: ("var", i) leaves, (op, child, ...) inner nodes."""
    if depth == 0 or rng.random() < 0.15:
        return ("var", int(rng.integers(N_VARS)))
    op = ALL_OPS[int(rng.integers(len(ALL_OPS)))]
    if op in _GUARDED:
        arity = _GUARDED[op][0]
        children = [random_expression(rng, depth - 1) for _ in range(arity)]
        if op == "div":  # only the divisor needs guarding
            return (op, children[0], _positive(children[1]))
        return (op, *[_positive(c) for c in children])
    if op == "exp":  # keep exp's argument in [-3, 3]: exp(3 tanh(e))
        return (op, ("rmul3", ("tanh", random_expression(rng, depth - 1))))
    arity = _SHARED[op][0] if op in _SHARED else (2 if op.startswith("max") else 1)
    return (op, *[random_expression(rng, depth - 1) for _ in range(arity)])


def _positive(e):
    """e*e + 0.5, a positive sub-expression (every node kept, so it is tested too)."""
    return ("add-number-half", ("mul", e, e))


def evaluate(tree, inputs, use_torch: bool):
    op, *children = tree
    if op == "var":
        return inputs[children[0]]
    args = [evaluate(c, inputs, use_torch) for c in children]
    if op == "add-number-half":
        return args[0] + 0.5
    if op == "rmul3":
        return 3.0 * args[0]
    if op in _LIBRARY:
        return _LIBRARY[op][1 if use_torch else 0](*args)
    table = _SHARED if op in _SHARED else _GUARDED
    return table[op][1](*args)


def _ops_in(tree, found):
    if tree[0] != "var":
        found.add(tree[0])
        for child in tree[1:]:
            _ops_in(child, found)
    return found


def _close(got: float, want: float) -> float:
    """Error relative to max(1, |want|); <= TOL passes."""
    return abs(got - want) / max(1.0, abs(want))


def _compare(tree, point):
    values = [Value(x, f"x{i}") for i, x in enumerate(point)]
    out = evaluate(tree, values, use_torch=False)
    out.backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    ref = evaluate(tree, tensors, use_torch=True)
    ref.backward()
    errors = [("value", out.data, ref.item())]
    for i, (v, t) in enumerate(zip(values, tensors)):
        errors.append((f"d/dx{i}", v.grad, 0.0 if t.grad is None else t.grad.item()))
    return errors


def test_random_expressions_match_torch_autograd():
    rng = np.random.default_rng(20240609)
    covered: set[str] = set()
    checked = 0
    while checked < 300:
        tree = random_expression(rng, depth=int(rng.integers(2, 6)))
        point = [float(x) for x in rng.uniform(-2.0, 2.0, size=N_VARS)]
        try:
            errors = _compare(tree, point)
        except OverflowError:
            continue  # a rare blow-up (e.g. nested cubes): draw another expression
        if any(not math.isfinite(want) or abs(want) > 1e6 for _, _, want in errors):
            continue  # keep the comparison meaningful
        for what, got, want in errors:
            assert _close(got, want) <= TOL, (
                f"{what} of {tree} at x = {point}: Value gives {got!r}, torch gives {want!r} "
                f"(error {_close(got, want):.2e} relative to max(1, |torch|))")
        covered |= _ops_in(tree, set())
        checked += 1
    missing = set(ALL_OPS) - covered
    assert not missing, f"ops never exercised: {sorted(missing)}"


@pytest.mark.parametrize("tree, point", [
    (("max", ("var", 0), ("var", 1)), [1.25, 1.25, 0.0]),            # a tie: half each
    (("max", ("var", 0), ("var", 0)), [1.25, 0.0, 0.0]),             # a tie with itself
    (("max", ("relu", ("var", 1)), ("relu", ("var", 2))), [1.0, -0.5, -2.0]),  # 0 vs 0
    (("mul", ("relu", ("var", 0)), ("var", 1)), [0.0, 3.0, 0.0]),    # ReLU at 0
    (("pow1.5", ("add-number-half", ("mul", ("var", 0), ("var", 0)))), [1.25, 0.0, 0.0]),
], ids=["max-tie", "max-self", "max-relu-zeros", "relu-at-zero", "pow-float"])
def test_kinks_follow_torch(tree, point):
    for what, got, want in _compare(tree, point):
        assert _close(got, want) <= TOL, (what, got, want)


@pytest.mark.parametrize("primitives", [False, True])
def test_worked_examples_match_torch(primitives):
    f, v = add_mul_example()
    f.backward()
    x, y, z = (torch.tensor(t, dtype=torch.float64, requires_grad=True) for t in (-2.0, 5.0, -4.0))
    ((x + y) * z).backward()
    assert (v["x"].grad, v["y"].grad, v["z"].grad) == (x.grad.item(), y.grad.item(), z.grad.item())

    f, v = sigmoid_neuron_example(primitives=primitives)
    f.backward()
    t = {k: torch.tensor(n.data, dtype=torch.float64, requires_grad=True) for k, n in v.items()}
    ref = torch.sigmoid(t["w0"] * t["x0"] + t["w1"] * t["x1"] + t["w2"])
    ref.backward()
    assert abs(f.data - ref.item()) <= TOL
    for name in v:
        assert abs(v[name].grad - t[name].grad.item()) <= TOL, name


# ------------------------------------------------ accumulation, as torch's .grad
def _leaves(point):
    values = [Value(x, f"x{i}") for i, x in enumerate(point)]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    return values, tensors


def _assert_grads_match(values, tensors, what):
    for i, (v, t) in enumerate(zip(values, tensors)):
        want = 0.0 if t.grad is None else t.grad.item()
        assert _close(v.grad, want) <= TOL, f"{what}: d/dx{i}: Value {v.grad!r}, torch {want!r}"


def test_accumulation_matches_torch_two_calls_two_losses_then_a_reset():
    rng = np.random.default_rng(7)
    checked = 0
    while checked < 40:
        trees = [random_expression(rng, depth=int(rng.integers(2, 5))) for _ in range(2)]
        point = [float(x) for x in rng.uniform(-2.0, 2.0, size=N_VARS)]
        values, tensors = _leaves(point)
        try:
            outs = [evaluate(t, values, use_torch=False) for t in trees]
        except OverflowError:
            continue
        refs = [evaluate(t, tensors, use_torch=True) for t in trees]
        if not all(math.isfinite(r.item()) and abs(r.item()) < 1e6 for r in refs):
            continue
        # the same loss twice (torch needs retain_graph for the second pass)
        outs[0].backward()
        outs[0].backward()
        refs[0].backward(retain_graph=True)
        refs[0].backward(retain_graph=True)
        if any(t.grad is not None and not math.isfinite(t.grad.item()) for t in tensors):
            continue
        _assert_grads_match(values, tensors, f"{trees[0]} backward twice")
        # a second loss sharing the leaves adds its gradients
        outs[1].backward()
        refs[1].backward(retain_graph=True)
        _assert_grads_match(values, tensors, f"then {trees[1]}")
        # a reset, then one pass: the gradients of that loss alone
        zero_grad(values)
        for t in tensors:
            t.grad = None
        assert all(v.grad == 0.0 for v in values)
        outs[1].backward()
        refs[1].backward()
        _assert_grads_match(values, tensors, f"after zero_grad, {trees[1]}")
        checked += 1


def test_the_issues_examples_match_torch():
    a = Value(3.0, "a")
    b = a * a
    b.backward()
    b.backward()
    ta = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    tb = ta * ta
    tb.backward(retain_graph=True)
    tb.backward()
    assert a.grad == ta.grad.item() == 12.0

    w = Value(2.0, "w")
    (w * 3.0).backward()
    (w * w).backward()
    tw = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    (tw * 3.0).backward()
    (tw * tw).backward()
    assert w.grad == tw.grad.item() == 7.0
