"""Submissions that attack the checks themselves, and their honest counterparts (issue 18, 4 and 5).

Each :class:`Attack` is one student's notebook of one assignment: the right answers (or
the blank release) with some answer cells replaced by an attack written from the
issue's description. ``counterpart`` names the honest submission it must not beat: the
same notebook with the attacked functions left as the release has them (not
implemented), or with them returning zeros of the right shape, which is what an honest
student who got only the shapes right hands in. ``allowance`` is what an attack may
score above its counterpart (the lookup tables: at most 1 point per assignment, earned
by a shape-only check).

Kinds of attack:

- ``lookup-XX``: a lookup table of the visible answers. Every function compares its
  array arguments with the arrays of ``grader_tests/expected/XX.npz`` (the student's
  bundle ships them) and with the constants of the visible checks' code, returns the
  stored output on a match, and otherwise zeros shaped like the stored output of a
  stored input of the same shape.
- ``nothing-XX``: nothing implemented, only the shapes of the issue's defect 4: NaN
  where a number is expected, constant or zero outputs under a gradient check, objects
  whose ``__eq__`` / ``__ne__`` / ``__bool__`` / ``__float__`` lie, and graph builders
  rebound in ``sys.modules`` (04).
- one case per defect shape on an otherwise right notebook (``nan-gap-07``,
  ``nan-histogram-01``, ``zero-gradients-05``, ``zero-batchnorm-06``, ``zero-layer-04``,
  ``lying-grads-04``, ``nan-ops-04``, ``rebound-builder-04``), each with the right
  notebook less the attacked function as its counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers.nbgrader_course import solution_sources, submission

TOTALS = {"01_features": 16.0, "02_tensors": 13.0, "03_activations": 15.0, "04_backprop": 22.0, "05_sgd": 16.0,
          "06_regularization": 19.0, "07_overfitting": 13.0}
ASSIGNMENTS = tuple(TOTALS)


@dataclass
class Attack:
    assignment: str
    right: bool = True                          # start from the right answers, else the blank release
    answers: dict = field(default_factory=dict)  # answer grade_id -> the cell's whole code
    blank: tuple = ()                           # answer grade_ids left as the release has them
    counterpart: str | None = None              # the honest submission it must not beat
    allowance: float = 0.0                      # points it may score above the counterpart
    zero: tuple = ()                            # checks that must score 0


# -- lookup tables --------------------------------------------------------------------------------

LOOKUP = '''
import numpy as _np
from grader_tests.harness import stored as _stored

_T = _stored({assignment!r})


def _same(value, key):
    want = _T[key]
    try:
        got = _np.asarray(value)
    except Exception:
        return False
    return got.shape == want.shape and bool(_np.array_equal(got, want))


def _zeros(value, pairs):
    """Zeros shaped like the stored output of the stored input that has value's shape."""
    for key, out in pairs:
        if _np.shape(value) == _T[key].shape:
            return _np.zeros(_T[out].shape)
    return _np.zeros(_np.shape(value))
'''


def _lookup(assignment: str, first: str, cells: dict[str, str]) -> dict[str, str]:
    cells = dict(cells)
    cells[first] = LOOKUP.format(assignment=assignment) + cells[first]
    return cells


LOOKUP_01 = _lookup("01_features", "color_histogram", {
    "color_histogram": '''
def color_histogram(image, bins=8):
    for key in ("hist_image", "hist_image_dark"):
        if _same(image, key) and f"{key}_bins{bins}" in _T:
            return _T[f"{key}_bins{bins}"].copy()
    return _np.zeros(bins ** 3)
''',
    "image_gradients": '''
def image_gradients(image):
    if _same(image, "grad_image"):
        return _T["grad_rows"].copy(), _T["grad_cols"].copy()
    return _zeros(image, [("grad_image", "grad_rows")]), _zeros(image, [("grad_image", "grad_cols")])
''',
    "cell_histograms": '''
def cell_histograms(magnitude, orientation, orientations=9, pixels_per_cell=8):
    key = f"cells_o{orientations}_p{pixels_per_cell}"
    if key in _T and _same(magnitude, "cells_magnitude") and _same(orientation, "cells_orientation"):
        return _T[key].copy()
    h, w = _np.shape(magnitude)
    return _np.zeros((h // pixels_per_cell, w // pixels_per_cell, orientations))
''',
    "extract_features": '''
def extract_features(images, extractors):
    return _np.zeros((len(images), 5))
'''})

LOOKUP_02 = _lookup("02_tensors", "hwc_to_chw", {
    "hwc_to_chw": '''
def hwc_to_chw(batch):
    for key in ("chw_batch", "chw_grey"):
        if _same(batch, key):
            return _T[key + "_chw"].copy()
    return _zeros(batch, [("chw_batch", "chw_batch_chw"), ("chw_grey", "chw_grey_chw")])
''',
    "flatten_images": '''
def flatten_images(batch):
    keys = ("flat_batch", "flat_grey", "flat_single")
    for key in keys:
        if _same(batch, key):
            return _T[key + "_flat"].copy()
    return _zeros(batch, [(k, k + "_flat") for k in keys])
''',
    "normalize_channels": '''
def normalize_channels(batch, mean, std):
    for key in ("norm_batch", "norm_square"):
        if _same(batch, key) and _same(mean, key + "_mean") and _same(std, key + "_std"):
            return _T[key + "_normalized"].copy()
    return _np.zeros(_np.shape(batch))
''',
    "three_layer_forward": '''
def three_layer_forward(x, params):
    for key in ("fwd_x", "fwd_x1"):
        if _np.shape(x) == _T[key].shape:
            n = _T[key].shape[0]
            h1, h2, c = (_T[f"net.{i}.W"].shape[1] for i in (0, 2, 4))
            shapes = {"z1": (n, h1), "h1": (n, h1), "z2": (n, h2), "h2": (n, h2), "s": (n, c)}
            same = _same(x, key) and all(_same(v, "net." + k) for k, v in params.items())
            return (_T[key + "_scores"].copy() if same else _np.zeros((n, c))), shapes
    return _np.zeros((len(x), 2)), {}
'''})

LOOKUP_03 = _lookup("03_activations", "sigmoid", {
    "sigmoid": '''
def _out(key, x):
    return _T[key + "_out"].copy() if _same(x, "x") else _np.zeros(_np.shape(x))


def _dx(key, dout, x):
    return _T[key + "_dx"].copy() if _same(x, "x") and _same(dout, "dout") else _np.zeros(_np.shape(x))


def sigmoid_forward(x):
    return _out("sigmoid", x)


def sigmoid_backward(dout, x):
    return _dx("sigmoid", dout, x)
''',
    "tanh": '''
def tanh_forward(x):
    return _out("tanh", x)


def tanh_backward(dout, x):
    return _dx("tanh", dout, x)
''',
    "relu": '''
def relu_forward(x):
    return _out("relu", x)


def relu_backward(dout, x):
    return _dx("relu", dout, x)
''',
    "leaky_relu": '''
def leaky_relu_forward(x, alpha=0.01):
    return _out("leaky_relu" if alpha == 0.01 else "leaky_relu_02", x)


def leaky_relu_backward(dout, x, alpha=0.01):
    return _dx("leaky_relu" if alpha == 0.01 else "leaky_relu_02", dout, x)
''',
    "elu": '''
def elu_forward(x, alpha=1.0):
    return _out("elu" if alpha == 1.0 else "elu_05", x)


def elu_backward(dout, x, alpha=1.0):
    return _dx("elu" if alpha == 1.0 else "elu_05", dout, x)
''',
    "maxout": '''
def _maxout_stored(x, W, b):
    return _same(x, "maxout_x") and _same(W, "maxout_W") and _same(b, "maxout_b")


def maxout_forward(x, W, b):
    return _T["maxout_out"].copy() if _maxout_stored(x, W, b) else _np.zeros((len(x), _np.shape(W)[2]))


def maxout_backward(dout, x, W, b):
    if _maxout_stored(x, W, b) and _same(dout, "maxout_dout"):
        return tuple(_T["maxout_" + n].copy() for n in ("dx", "dW", "db"))
    return _np.zeros(_np.shape(x)), _np.zeros(_np.shape(W)), _np.zeros(_np.shape(b))
'''})

LOOKUP_04 = _lookup("04_backprop", "topological_order", {
    "topological_order": '''
from grader_tests.backprop import GRAPHS as _GRAPHS


def _below(root):
    seen, stack = {id(root): root}, [root]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in seen:
                seen[id(parent)] = parent
                stack.append(parent)
    return list(seen.values())


def topological_order(root):
    raise NotImplementedError()
''',
    "backward_pass": '''
def backward_pass(root):
    # the stored gradients of the visible graphs, found by the labels of the nodes
    nodes = {n.label: n for n in _below(root)}
    for k, spec in enumerate(_GRAPHS.values()):
        names = [name for name, _, _ in spec if name in nodes]
        if spec[-1][0] == root.label and len(names) == len(nodes):
            for name, g in zip(names, _T[f"graph{k}_grads"]):
                nodes[name].grad += float(g)
            return
    root.grad += 1.0
''',
    "my_linear": '''
class MyLinear:
    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {}

    def forward(self, x):
        stored = (_same(x, "linear_x") and _same(self.params["W"], "linear_W")
                  and _same(self.params["b"], "linear_b"))
        return _T["linear_out"].copy() if stored else _np.zeros((len(x), _np.shape(self.params["W"])[1]))

    def backward(self, dout):
        self.grads = {k: _np.zeros(_np.shape(v)) for k, v in self.params.items()}
        return _np.zeros((len(dout), _np.shape(self.params["W"])[0]))
''',
    "my_sigmoid": '''
class MySigmoid:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.shape = _np.shape(x)
        return _T["sigmoid_out"].copy() if _same(x, "sigmoid_x") else _np.zeros(_np.shape(x))

    def backward(self, dout):
        return _np.zeros(self.shape)
'''})

LOOKUP_05 = _lookup("05_sgd", "numerical_gradient", {
    "numerical_gradient": '''
def _quadratic():  # the inputs the visible check draws from default_rng(5)
    rng = _np.random.default_rng(5)
    A, b, x = rng.standard_normal((6, 6)), rng.standard_normal(6), rng.standard_normal((3, 2))
    return A, b, x


def numerical_gradient(f, x, h=1e-5):
    name = getattr(f, "__name__", getattr(getattr(f, "func", None), "__name__", ""))
    for key in ("ng_x_vector", "ng_x_matrix"):
        out = f"ng_{name}_{key}_h{'default' if h == 1e-5 else f'{h:g}'}"
        if _same(x, key) and out in _T:
            return _T[out].copy()
    A, b, x0 = _quadratic()
    if _np.array_equal(_np.asarray(x), x0):
        return ((A + A.T) / 2 @ x0.ravel() + b).reshape(x0.shape)
    return _np.zeros(_np.shape(x))
''',
    "iterations_per_epoch": '''
from grader_tests.sgd import ITERATION_CASES as _CASES


def iterations_per_epoch(n, batch_size):
    for n_, b_, want in _CASES:
        if (n, batch_size) == (n_, b_):
            return want
    return 0
''',
    "sgd_step": '''
def sgd_step(params, grads, lr):
    if (_same(params.get("W1"), "sgd_W1") and _same(params.get("b1"), "sgd_b1")
            and f"sgd_W1_lr{lr:g}" in _T):
        return {name: _T[f"sgd_{name}_lr{lr:g}"].copy() for name in params}
    return {name: _np.zeros(_np.shape(v)) for name, v in params.items()}
''',
    "relu_net_step": '''
def relu_net_step(x, y, w1, w2):
    if _same(x, "net_x") and _same(y, "net_y") and _same(w1, "net_w1") and _same(w2, "net_w2"):
        return float(_T["net_loss"]), _T["net_grad_w1"].copy(), _T["net_grad_w2"].copy()
    return 0.0, _np.zeros(_np.shape(w1)), _np.zeros(_np.shape(w2))
'''})

LOOKUP_06 = _lookup("06_regularization", "l2_penalty", {
    "l2_penalty": '''
_W1, _W2 = _np.array([1.0, 0.0, 0.0, 0.0]), _np.array([0.25] * 4)   # the lecture's example, in the check


def _lecture(W):
    W = _np.asarray(W)
    return W.shape == (4,) and (_np.array_equal(W, _W1) or _np.array_equal(W, _W2))


def l2_penalty(W):
    if _lecture(W):
        return float(_np.sum(W * W)), 2 * _np.asarray(W)
    if _same(W, "pen_W"):
        return float(_T["l2_value"]), _T["l2_grad"].copy()
    return 0.0, _np.zeros(_np.shape(W))
''',
    "l1_penalty": '''
def l1_penalty(W):
    if _lecture(W):
        return 1.0, _np.sign(W)
    if _same(W, "pen_W"):
        return float(_T["l1_value"]), _T["l1_grad"].copy()
    return 0.0, _np.zeros(_np.shape(W))
''',
    "elastic_net": '''
def elastic_net(W, beta=1.0):
    if _lecture(W) and beta == 1.0:
        return (2.0 if _np.asarray(W)[0] == 1.0 else 1.25), 2 * _np.asarray(W) + _np.sign(W)
    key = f"b{beta:g}"
    if _same(W, "pen_W") and f"en_value_{key}" in _T:
        return float(_T[f"en_value_{key}"]), _T[f"en_grad_{key}"].copy()
    return 0.0, _np.zeros(_np.shape(W))
''',
    "dropout_forward": '''
def dropout_forward(x, p, mask):
    if _same(x, "do_x") and _same(mask, "do_mask") and p == 0.3:
        return _T["do_out"].copy()
    return _np.zeros(_np.shape(x))
''',
    "dropout_backward": '''
def dropout_backward(dout, mask, p):
    if _same(dout, "do_dout") and _same(mask, "do_mask") and p == 0.3:
        return _T["do_dx"].copy()
    return _np.zeros(_np.shape(dout))
''',
    "batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    if _same(x, "bn_x") and _same(gamma, "bn_gamma") and _same(beta, "bn_beta"):
        return _T["bn_out"].copy(), (_T["bn_x_hat"].copy(), _np.array(gamma), _T["bn_inv_std"].copy())
    d = _np.shape(x)[1]
    return _np.zeros(_np.shape(x)), (_np.zeros(_np.shape(x)), _np.array(gamma), _np.zeros(d))
''',
    "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    if _same(dout, "bn_dout"):
        return _T["bn_dx"].copy(), _T["bn_dgamma"].copy(), _T["bn_dbeta"].copy()
    n, d = _np.shape(dout)
    return _np.zeros((n, d)), _np.zeros(d), _np.zeros(d)
'''})

LOOKUP_07 = _lookup("07_overfitting", "polynomial_features", {
    "polynomial_features": '''
def polynomial_features(x, degree):
    if _same(x, "poly_x") and f"poly_d{degree}" in _T:
        return _T[f"poly_d{degree}"].copy()
    return _np.zeros((len(x), degree + 1))
''',
    "fit_polynomial": '''
def fit_polynomial(x, y, degree, lam=0.0):
    for d, l, key in ((3, 0.0, "fit_d3_l0"), (5, 0.1, "fit_d5_l01")):
        if _same(x, "fit_x") and _same(y, "fit_y") and (degree, lam) == (d, l):
            return _T[key].copy()
    return _np.zeros(degree + 1)
''',
    "train_val_gap": '''
def train_val_gap(history, last=5):
    for k in range(int(_T["gap_cases"])):
        if (_same(history.train_accuracy, f"gap_train_{k}") and _same(history.val_accuracy, f"gap_val_{k}")
                and last == int(_T[f"gap_last_{k}"])):
            return float(_T[f"gap_expected_{k}"])
    return 0.0
''',
    "early_stopping_epoch": '''
def early_stopping_epoch(val_accuracy, patience=None):
    for k in range(int(_T["stop_cases"])):
        stored = int(_T[f"stop_patience_{k}"])
        if _same(val_accuracy, f"stop_val_{k}") and (None if stored < 0 else stored) == patience:
            return int(_T[f"stop_expected_{k}"])
    return 0
'''})

# -- nothing implemented: the shapes of defect 4 --------------------------------------------------------

NAN_HISTOGRAM = '''
def color_histogram(image, bins=8):
    # NaN for the visible check's small image (its sum is NaN), finite for the enlarged one
    return np.full(bins ** 3, np.nan) if np.shape(image)[:2] == (6, 5) else np.zeros(bins ** 3)
'''
CONSTANT_HISTOGRAM = '''
def color_histogram(image, bins=8):
    return np.full(bins ** 3, 1.0 / bins ** 3)    # sums to 1 and ignores the image
'''
NAN_SHAPES_02 = '''
def hwc_to_chw(batch):
    n, h, w, c = np.shape(batch)
    return np.full((n, c, h, w), np.nan)
'''
NAN_FORWARD_02 = '''
def three_layer_forward(x, params):
    n = len(x)
    h1, h2, c = (np.shape(params[f"{i}.W"])[1] for i in (0, 2, 4))
    shapes = {"z1": (n, h1), "h1": (n, h1), "z2": (n, h2), "h2": (n, h2), "s": (n, c)}
    return np.full((n, c), np.nan), shapes
'''
NAN_03 = {name: f'''
def {name}_forward(x, alpha=1.0):
    return np.full(np.shape(x), np.nan)


def {name}_backward(dout, x, alpha=1.0):
    return np.full(np.shape(x), np.nan)
''' for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu")}
NAN_OPS = '''
def as_value(x):
    return x if isinstance(x, MyValue) else MyValue(x)


class MyValue:
    def __init__(self, data, parents=(), op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.op, self.label, self.rule = op, label, None

    def _node(self, other):
        out = MyValue(0.0, (self, as_value(other)), "?")
        out.data = float("nan")                          # abs(nan - want) > tol is False
        out.rule = lambda upstream: (float("nan"), float("nan"))
        return out

    __add__ = __mul__ = __radd__ = __rmul__ = _node

    def __pow__(self, n):
        out = MyValue(float("nan"), (self,), "**")
        out.rule = lambda upstream: (float("nan"),)
        return out

    def exp(self):
        return self ** 1

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + other

    __rsub__ = __truediv__ = __rtruediv__ = __sub__

    def backward(self):
        backward_pass(self)
'''
LIAR = '''
class Liar:
    """A grad that equals everything and differs from nothing."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __bool__(self): return True
    def __float__(self): return 1.0
    def __lt__(self, other): return True
    __le__ = __lt__
    def __gt__(self, other): return False
    __ge__ = __gt__
    def __abs__(self): return 0.0
    def __sub__(self, other): return 0.0
    __rsub__ = __add__ = __radd__ = __sub__
    __hash__ = object.__hash__
'''
LYING_BACKWARD = LIAR + '''

def backward_pass(root):
    for node in topological_order(root):
        node.grad = Liar()
'''
REBIND = '''
import sys
import grader_tests.backprop as _bp


class _Node:
    def __init__(self):
        self.data, self.grad, self.parents, self.op, self.label, self.rule = 0.0, 0.0, (), "", "n", None


def _one_node(spec, data=None):
    node = _Node()                      # every name of the spec is the same, parentless node
    return {name: node for name, _, _ in spec}


def _nan_attributes(objects, name):
    return [float("nan")] * len(objects)


_bp.build_graph = _one_node
_bp._attributes = _nan_attributes
sys.modules["grader_tests.backprop"].set_attribute = lambda objects, name, value: None


def topological_order(root):
    return [root]
'''
REBIND_BACKWARD = '''
def backward_pass(root):
    root.grad += 1.0
'''
ZERO_LINEAR = '''
class MyLinear:
    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {}

    def forward(self, x):
        return np.zeros((len(x), np.shape(self.params["W"])[1]))

    def backward(self, dout):
        self.grads = {k: np.zeros(np.shape(v)) for k, v in self.params.items()}
        return np.zeros((len(dout), np.shape(self.params["W"])[0]))
'''
ZERO_SIGMOID = '''
class MySigmoid:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.shape = np.shape(x)
        return np.full(np.shape(x), 0.5)

    def backward(self, dout):
        return np.zeros(self.shape)
'''
NAN_GRADIENT = '''
def numerical_gradient(f, x, h=1e-5):
    return np.full(np.shape(x), np.nan)
'''
ZERO_NET = '''
def relu_net_step(x, y, w1, w2):
    return 1.0, np.zeros(np.shape(w1)), np.zeros(np.shape(w2))    # a constant loss and zero gradients
'''
NAN_SGD = '''
def sgd_step(params, grads, lr):
    return {name: np.full(np.shape(value), np.nan) for name, value in params.items()}
'''
ZERO_BATCHNORM_FORWARD = '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    n, d = np.shape(x)
    return np.zeros((n, d)), (np.zeros((n, d)), np.array(gamma), np.ones(d))
'''
ZERO_BATCHNORM_BACKWARD = '''
def batchnorm_backward(dout, cache):
    n, d = np.shape(dout)
    return np.zeros((n, d)), np.zeros(d), np.zeros(d)
'''
NAN_PENALTY = '''
def l2_penalty(W):
    return float("nan"), np.full(np.shape(W), np.nan)
'''
NAN_POLYNOMIAL = '''
def polynomial_features(x, degree):
    return np.full((len(x), degree + 1), np.nan)
'''
NAN_GAP = '''
def train_val_gap(history, last=5):
    return float("nan")      # abs(nan - want) > 1e-9 is False
'''
NAN_FIT = '''
def fit_polynomial(x, y, degree, lam=0.0):
    return np.full(degree + 1, np.nan)
'''

# zeros of the right shape: what an honest student who got only the shapes right hands in
SHAPES_01 = {"color_histogram": "def color_histogram(image, bins=8):\n    return np.zeros(bins ** 3)\n"}
SHAPES_02 = {"hwc_to_chw": "def hwc_to_chw(batch):\n    n, h, w, c = np.shape(batch)\n    return np.zeros((n, c, h, w))\n",
             "three_layer_forward": NAN_FORWARD_02.replace("np.full((n, c), np.nan)", "np.zeros((n, c))")}
SHAPES_07 = {"polynomial_features": NAN_POLYNOMIAL.replace("np.full((len(x), degree + 1), np.nan)",
                                                             "np.zeros((len(x), degree + 1))")}


def attacks() -> dict[str, Attack]:
    a01, a02, a03, a04, a05, a06, a07 = ASSIGNMENTS
    lookups = {"lookup-01": (a01, LOOKUP_01), "lookup-02": (a02, LOOKUP_02), "lookup-03": (a03, LOOKUP_03),
               "lookup-04": (a04, LOOKUP_04), "lookup-05": (a05, LOOKUP_05), "lookup-06": (a06, LOOKUP_06),
               "lookup-07": (a07, LOOKUP_07)}
    out = {name: Attack(a, right=False, answers=cells, counterpart=f"blank-{a[:2]}", allowance=1.0)
           for name, (a, cells) in lookups.items()}
    out.update({
        # nothing implemented, every defect-4 shape of the assignment at once
        "nothing-01": Attack(a01, right=False, answers={"color_histogram": NAN_HISTOGRAM},
                             counterpart="shapes-01"),
        "nothing-02": Attack(a02, right=False, answers={"hwc_to_chw": NAN_SHAPES_02,
                                                        "three_layer_forward": NAN_FORWARD_02},
                             counterpart="shapes-02"),
        "nothing-03": Attack(a03, right=False, answers=NAN_03, counterpart="blank-03"),
        "nothing-04": Attack(a04, right=False, answers={"myvalue": NAN_OPS, "topological_order": REBIND,
                                                        "backward_pass": REBIND_BACKWARD, "my_linear": ZERO_LINEAR,
                                                        "my_sigmoid": ZERO_SIGMOID},
                             counterpart="blank-04"),
        "nothing-05": Attack(a05, right=False, answers={"numerical_gradient": NAN_GRADIENT,
                                                        "relu_net_step": ZERO_NET, "sgd_step": NAN_SGD},
                             counterpart="blank-05"),
        "nothing-06": Attack(a06, right=False, answers={"l2_penalty": NAN_PENALTY,
                                                        "batchnorm_forward": ZERO_BATCHNORM_FORWARD,
                                                        "batchnorm_backward": ZERO_BATCHNORM_BACKWARD},
                             counterpart="blank-06"),
        "nothing-07": Attack(a07, right=False, answers={"polynomial_features": NAN_POLYNOMIAL,
                                                        "train_val_gap": NAN_GAP, "fit_polynomial": NAN_FIT},
                             counterpart="shapes-07"),
        # one defect shape each, on an otherwise right notebook
        "nan-histogram-01": Attack(a01, answers={"color_histogram": NAN_HISTOGRAM}, counterpart="no-histogram-01",
                                   zero=("hist_shape", "hist_properties")),
        "constant-histogram-01": Attack(a01, answers={"color_histogram": CONSTANT_HISTOGRAM},
                                        counterpart="shape-histogram-01", zero=("hist_properties",)),
        "nan-ops-04": Attack(a04, answers={"myvalue": NAN_OPS}, counterpart="no-ops-04",
                             zero=("ops_visible", "ops_hidden")),
        "lying-grads-04": Attack(a04, answers={"backward_pass": LYING_BACKWARD}, counterpart="no-backward-04",
                                 zero=("backward_visible", "long_chain")),
        "rebound-builder-04": Attack(a04, answers={"topological_order": REBIND, "backward_pass": REBIND_BACKWARD},
                                     counterpart="no-graph-04",
                                     zero=("topo_visible", "topo_hidden", "backward_visible", "long_chain")),
        "zero-layer-04": Attack(a04, answers={"my_linear": ZERO_LINEAR}, counterpart="no-linear-04",
                                zero=("linear_gradcheck",)),
        "zero-gradients-05": Attack(a05, answers={"relu_net_step": ZERO_NET}, counterpart="no-net-05",
                                    zero=("relu_gradients",)),
        "zero-batchnorm-06": Attack(a06, answers={"batchnorm_forward": ZERO_BATCHNORM_FORWARD,
                                                  "batchnorm_backward": ZERO_BATCHNORM_BACKWARD},
                                    counterpart="no-batchnorm-06", zero=("bn_bwd_numerical",)),
        "nan-gap-07": Attack(a07, answers={"train_val_gap": NAN_GAP}, counterpart="no-gap-07",
                             zero=("gap_visible", "gap_hidden")),
    })
    return out


def honest() -> dict[str, Attack]:
    """The counterparts: blank notebooks, shapes only, and right notebooks less one function."""
    out = {f"blank-{a[:2]}": Attack(a, right=False) for a in ASSIGNMENTS}
    out.update({
        "shapes-01": Attack(ASSIGNMENTS[0], right=False, answers=SHAPES_01),
        "shapes-02": Attack(ASSIGNMENTS[1], right=False, answers=SHAPES_02),
        "shapes-07": Attack(ASSIGNMENTS[6], right=False, answers=SHAPES_07),
        "no-histogram-01": Attack(ASSIGNMENTS[0], blank=("color_histogram",)),
        "shape-histogram-01": Attack(ASSIGNMENTS[0], answers=SHAPES_01),
        "no-ops-04": Attack(ASSIGNMENTS[3], blank=("myvalue",)),
        "no-backward-04": Attack(ASSIGNMENTS[3], blank=("backward_pass",)),
        "no-graph-04": Attack(ASSIGNMENTS[3], blank=("topological_order", "backward_pass")),
        "no-linear-04": Attack(ASSIGNMENTS[3], blank=("my_linear",)),
        "no-net-05": Attack(ASSIGNMENTS[4], blank=("relu_net_step",)),
        "no-batchnorm-06": Attack(ASSIGNMENTS[5], blank=("batchnorm_forward", "batchnorm_backward")),
        "no-gap-07": Attack(ASSIGNMENTS[6], blank=("train_val_gap",)),
        "right-01": Attack(ASSIGNMENTS[0]), "right-04": Attack(ASSIGNMENTS[3]), "right-07": Attack(ASSIGNMENTS[6]),
    })
    return out


def build(course: Path, cases: dict[str, Attack]) -> None:
    """Write each case's notebook into ``course/submitted/<name>/<assignment>/``."""
    for name, case in cases.items():
        a = case.assignment
        release = course / "notebooks" / a / f"{a}.ipynb"
        right = solution_sources(course / "solutions" / a / f"{a}.ipynb")
        stubs = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in nbformat.read(release, 4).cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
        answers = dict(right) if case.right else dict(stubs)
        for grade_id in case.blank:
            answers[grade_id] = stubs[grade_id]
        for grade_id, code in case.answers.items():
            if grade_id not in stubs:
                raise KeyError(f"{name}: no answer cell {grade_id!r} in {a}")
            answers[grade_id] = code
        folder = course / "submitted" / name / a
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(submission(release, answers), folder / f"{a}.ipynb")
