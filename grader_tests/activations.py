"""Visible checks of assignment ``03_activations`` (shipped to students).

Fixed inputs with expected values stored in ``expected/03_activations.npz`` (made by
``python -m grader_tests.make_expected 03_activations``). The fixed input ``x`` holds
exact zeros (where the derivative follows the convention of the notebook: the slope of
the x < 0 side) and large values (where sigmoid and tanh saturate). Each function is
one check, worth its own points in the notebook.
"""

from __future__ import annotations

import numpy as np

from .harness import as_result_array, assert_close, assert_shape, call, stored, type_name
from .messages import say

ASSIGNMENT = "03_activations"


def expected() -> dict:
    """The stored inputs and expected outputs of these checks."""
    return stored(ASSIGNMENT)


def _forward(forward, name: str, data: dict, key: str, **kwargs) -> None:
    x = data["x"]
    args = "".join(f", {k}={v}" for k, v in kwargs.items())
    what = say("a_forward", name=name, shape=x.shape, args=args)
    got = as_result_array(call(forward, x, what=what, **kwargs), what)
    assert_shape(got, x.shape, what)
    assert_close(got, data[f"{key}_out"], what, atol=1e-9, rtol=1e-9)


def _backward(backward, name: str, data: dict, key: str, **kwargs) -> None:
    x, dout = data["x"], data["dout"]
    args = "".join(f", {k}={v}" for k, v in kwargs.items())
    what = say("a_backward", name=name, dshape=dout.shape, shape=x.shape, args=args)
    got = as_result_array(call(backward, dout, x, what=what, **kwargs), what)
    assert_shape(got, x.shape, what)
    if np.allclose(got, data[f"{key}_grad"], atol=1e-9) and not np.allclose(got, data[f"{key}_dx"], atol=1e-9):
        raise AssertionError(say("a_local", what=what))
    right = data.get(f"{key}_dx_right")
    if right is not None and np.allclose(got, right, atol=1e-9) and not np.allclose(got, data[f"{key}_dx"], atol=1e-9):
        raise AssertionError(say("a_zeros", what=what))
    assert_close(got, data[f"{key}_dx"], what, atol=1e-9, rtol=1e-9)


# -- sigmoid (three checks) -----------------------------------------------------------------

def check_sigmoid_forward(sigmoid_forward) -> None:
    """σ(x) = 1 / (1 + e^(-x)) on a fixed input with zeros and large |x|."""
    _forward(sigmoid_forward, "sigmoid", expected(), "sigmoid")


def check_sigmoid_backward(sigmoid_backward) -> None:
    """dx = dout * σ(x) (1 - σ(x))."""
    _backward(sigmoid_backward, "sigmoid", expected(), "sigmoid")


# -- tanh, ReLU, Leaky ReLU, ELU (forward and backward in one check each) ---------------------

def check_tanh(tanh_forward, tanh_backward) -> None:
    """tanh(x), and dx = dout * (1 - tanh(x)^2)."""
    data = expected()
    _forward(tanh_forward, "tanh", data, "tanh")
    _backward(tanh_backward, "tanh", data, "tanh")


def check_relu(relu_forward, relu_backward) -> None:
    """max(0, x), and dx = dout where x > 0, else 0 (0 at x = 0)."""
    data = expected()
    _forward(relu_forward, "relu", data, "relu")
    _backward(relu_backward, "relu", data, "relu")


def check_leaky_relu(leaky_relu_forward, leaky_relu_backward) -> None:
    """max(αx, x), and dx = dout where x > 0, else α dout -- for α = 0.01 (the default) and α = 0.2."""
    data = expected()
    _forward(leaky_relu_forward, "leaky_relu", data, "leaky_relu")
    _backward(leaky_relu_backward, "leaky_relu", data, "leaky_relu")
    _forward(leaky_relu_forward, "leaky_relu", data, "leaky_relu_02", alpha=0.2)
    _backward(leaky_relu_backward, "leaky_relu", data, "leaky_relu_02", alpha=0.2)


def check_elu(elu_forward, elu_backward) -> None:
    """x for x > 0, α(e^x - 1) otherwise; dx = dout, or α e^x dout -- for α = 1 (the default) and α = 0.5."""
    data = expected()
    _forward(elu_forward, "elu", data, "elu")
    _backward(elu_backward, "elu", data, "elu")
    _forward(elu_forward, "elu", data, "elu_05", alpha=0.5)
    _backward(elu_backward, "elu", data, "elu_05", alpha=0.5)


# -- Maxout ------------------------------------------------------------------------------------

def _maxout_inputs(data: dict):
    return data["maxout_x"], data["maxout_W"], data["maxout_b"]


def check_maxout_forward(maxout_forward) -> None:
    """out[n, m] = max_k (x[n] @ W[k] + b[k])[m], with W of shape (K, D, M) and b (K, M)."""
    data = expected()
    x, W, b = _maxout_inputs(data)
    what = say("a_maxout_forward", x=x.shape, W=W.shape, b=b.shape)
    got = as_result_array(call(maxout_forward, x, W, b, what=what), what)
    assert_shape(got, (x.shape[0], W.shape[2]), what)
    assert_close(got, data["maxout_out"], what, atol=1e-9)


def check_maxout_backward(maxout_backward) -> None:
    """(dx, dW, db): the gradient goes to the winning piece only (the first one on a tie)."""
    data = expected()
    x, W, b = _maxout_inputs(data)
    dout = data["maxout_dout"]
    what = say("a_maxout_backward", dout=dout.shape, x=x.shape, W=W.shape, b=b.shape)
    result = call(maxout_backward, dout, x, W, b, what=what)
    if not isinstance(result, tuple) or len(result) != 3:
        raise AssertionError(say("tuple_type", what=what, names="(dx, dW, db)", got=type_name(result)))
    names = ("dx", "dW", "db")
    got = {}
    for name, value in zip(names, result):
        got[name] = as_result_array(value, f"{what} -> {name}")
        assert_shape(got[name], data[f"maxout_{name}"].shape, f"{what} -> {name}")
    if all(np.allclose(got[n], data[f"maxout_tie_all_{n}"], atol=1e-9) for n in names):
        raise AssertionError(say("a_maxout_tie", what=what))
    for name in names:
        assert_close(got[name], data[f"maxout_{name}"], f"{what} -> {name}", atol=1e-9)
