"""Gradient checking: compare analytic gradients with centred finite differences.

Lecture topic 7: the numerical gradient (f(x + h) − f(x − h)) / 2h is slow but
easy to get right; the analytic gradient is fast but easy to get wrong. Use the
first to test the second.

- :func:`numerical_gradient` -- centred differences of a scalar function.
- :func:`rel_error` -- max over elements of |a − b| / max(1e-8, |a| + |b|).
- :func:`check_layer_gradients` -- a layer's ``backward`` against finite
  differences of L = Σ forward(x) · dout for a random ``dout``.
- :func:`check_loss_gradient` -- a loss's ``dscores`` against finite differences.

Everything works on any array-API namespace and device: perturbations are made
with one-hot masks (``where(mask, x + h, x)``), never by assigning into an array,
and only scalars (errors, the worst element) are brought to the host. Checks run
in float64 only: in float32 the rounding error of f, divided by h, swamps the
comparison.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import array_api_compat
import numpy as np

from . import backend
from .validation import shape_str

__all__ = ["numerical_gradient", "rel_error", "check_layer_gradients", "check_loss_gradient"]


def _require_float64(x: Any, what: str, func: str):
    if not array_api_compat.is_array_api_obj(x):
        raise TypeError(f"{func}: expected {what} to be an array, got {type(x).__name__}")
    xp = backend.namespace(x)
    if x.dtype != xp.float64:
        raise TypeError(f"{func}: expected {what} of dtype float64 (finite differences need double "
                        f"precision), got {x.dtype}")
    return xp


def _size(shape) -> int:
    return math.prod(int(s) for s in shape)


def _unravel(flat: int, shape) -> tuple[int, ...]:
    index = []
    for dim in reversed(tuple(int(s) for s in shape)):
        flat, rem = divmod(flat, dim)
        index.append(rem)
    return tuple(reversed(index))


def _scalar(value: Any, x: Any, xp, func: str):
    """``f(x)``'s value as a 0-d array of ``x``'s namespace, or a Python float."""
    if array_api_compat.is_array_api_obj(value) and not (backend.is_numpy(value) and not backend.is_numpy(x)):
        if value.ndim != 0:
            raise ValueError(f"{func}: expected f to return a scalar, got an array of shape {shape_str(value.shape)}")
        return xp.astype(value, xp.float64)
    return float(value)


def numerical_gradient(f: Callable[[Any], Any], x: Any, h: float = 1e-5):
    """Centred finite-difference gradient of a scalar function.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a scalar (a 0-d array or a number).
    x : array of any shape, float64
        Point at which to differentiate. Never modified: every evaluation gets a
        new array ``where(mask, x ± h, x)`` built from a one-hot mask.
    h : float, default 1e-5
        Step size.

    Returns
    -------
    grad : array of the shape, namespace and device of ``x``
        grad[i] = (f(x + h e_i) − f(x − h e_i)) / 2h.
    """
    func = "numerical_gradient"
    xp = _require_float64(x, "x", func)
    if not (isinstance(h, (int, float)) and h > 0):
        raise ValueError(f"{func}: expected a step h > 0, got {h!r}")
    # BEGIN REFERENCE 05_sgd needed-by 03_activations 04_backprop
    n = _size(x.shape)
    flat_index = xp.reshape(xp.arange(n, device=backend.device(x)), tuple(x.shape))
    x_plus, x_minus = x + h, x - h
    grad = xp.zeros_like(x)
    for i in range(n):
        mask = flat_index == i
        f_plus = _scalar(f(xp.where(mask, x_plus, x)), x, xp, func)
        f_minus = _scalar(f(xp.where(mask, x_minus, x)), x, xp, func)
        grad = xp.where(mask, (f_plus - f_minus) / (2 * h), grad)
    return grad
    # END REFERENCE


def _common(a: Any, b: Any):
    """``a`` and ``b`` as arrays of one namespace (the host if they differ)."""
    a = backend.as_array(a)
    b = backend.as_array(b)
    try:
        return backend.namespace(a, b), a, b
    except TypeError:
        a, b = backend.to_host(a), backend.to_host(b)
        return backend.namespace(a), a, b


def _relative(a: Any, b: Any, func: str):
    xp, a, b = _common(a, b)
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"{func}: expected arrays of the same shape, got {shape_str(a.shape)} "
                         f"and {shape_str(b.shape)}")
    a = xp.astype(a, xp.float64)
    b = xp.astype(b, xp.float64)
    finite = xp.isfinite(a) & xp.isfinite(b)          # NaN / inf never pass a check
    a0, b0 = xp.where(finite, a, 0.0), xp.where(finite, b, 0.0)
    rel = xp.abs(a0 - b0) / xp.maximum(xp.abs(a0) + xp.abs(b0), 1e-8)
    return xp, a, b, xp.where(finite, rel, xp.inf)


def rel_error(a: Any, b: Any) -> float:
    """Largest element-wise relative error max |a − b| / max(1e-8, |a| + |b|).

    Parameters
    ----------
    a, b : arrays (or array-likes) of the same shape

    Returns
    -------
    float
        0.0 for empty arrays; ``inf`` if any element is NaN or the two differ
        by an infinity.
    """
    xp, a, b, rel = _relative(a, b, "rel_error")
    if _size(rel.shape) == 0:
        return 0.0
    return float(xp.max(rel))


def _worst(a: Any, b: Any) -> tuple[float, tuple[int, ...], float, float]:
    """(rel_error, index of the worst element, a there, b there)."""
    xp, a, b, rel = _relative(a, b, "rel_error")
    n = _size(rel.shape)
    if n == 0:
        return 0.0, (), math.nan, math.nan
    flat = int(xp.argmax(xp.reshape(rel, (n,))))
    index = _unravel(flat, rel.shape)
    return float(rel[index]), index, float(a[index]), float(b[index])


def _report(header: str, failures: list[str]) -> str:
    return header + "\n" + "\n".join("  " + line for line in failures)


def _compare(name: str, analytic: Any, numerical: Any, rtol: float, failures: list[str]) -> float:
    rel, index, a, n = _worst(analytic, numerical)
    if not rel <= rtol:
        where = f"{name}[{', '.join(map(str, index))}]"
        failures.append(f"gradient of {name}: rel_error {rel:.3e} > rtol {rtol:.1e}; worst element "
                        f"{where}: analytic {a:.10g}, numerical {n:.10g}")
    return rel


def _check_rtol(rtol: float, func: str) -> None:
    if not (isinstance(rtol, (int, float)) and rtol > 0):
        raise ValueError(f"{func}: expected rtol > 0, got {rtol!r}")


def check_layer_gradients(layer: Any, x: Any, rtol: float = 1e-7, rng: Any = 0,
                          h: float = 1e-5) -> dict[str, float]:
    """Check a layer's ``backward`` against finite differences.

    With a random upstream gradient ``dout`` (standard normal, drawn on the host
    from ``rng``), the scalar L = Σ forward(x) · dout has dL/dx = backward(dout)
    and dL/dparam = grads[param]; each is compared with
    :func:`numerical_gradient` of L.

    Parameters
    ----------
    layer : Layer
        Anything with ``forward``, ``backward``, ``params`` and ``grads``. Its
        parameters must be float64 and on the device of ``x``. The layer must be
        deterministic (put layers such as dropout in eval mode).
    x : array of shape (N, ...), float64
        Input; avoid kinks (ReLU inputs at 0, ties in a max).
    rtol : float, default 1e-7
        Largest accepted :func:`rel_error`.
    rng : numpy.random.Generator or int, default 0
        Source of ``dout``.
    h : float, default 1e-5
        Finite-difference step.

    Returns
    -------
    dict
        ``{"x": rel_error of dL/dx, "<param>": rel_error of dL/d<param>, ...}``.

    Raises
    ------
    TypeError
        If ``x`` or a parameter is not float64.
    AssertionError
        If a gradient is missing, has the wrong shape, or has rel_error > rtol;
        the message names every failing gradient with its worst element (index,
        analytic and numerical value).

    The layer's parameters are restored after each perturbation, and a last
    forward / backward pass leaves its cache and ``grads`` as for ``x`` and ``dout``.
    """
    func = "check_layer_gradients"
    _check_rtol(rtol, func)
    xp = _require_float64(x, "input x", func)
    for name in list(layer.params):
        _require_float64(layer.params[name], f"parameter {name!r}", func)
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    header = f"{func}: {layer!r}"

    out = layer.forward(x)
    dout = backend.from_host(rng.standard_normal(tuple(int(s) for s in out.shape)), like=out, dtype=xp.float64)
    dx = layer.backward(dout)
    analytic = {"x": dx}
    problems = []
    if tuple(dx.shape) != tuple(x.shape):
        problems.append(f"backward returned dx of shape {shape_str(dx.shape)}, expected the input's "
                        f"shape {shape_str(x.shape)}")
    grads = dict(layer.grads)
    for name in layer.params:
        expected = tuple(layer.params[name].shape)
        if name not in grads:
            problems.append(f"grads has no entry {name!r} after backward (params has it)")
        elif tuple(grads[name].shape) != expected:
            problems.append(f"grads[{name!r}] has shape {shape_str(grads[name].shape)}, "
                            f"expected {shape_str(expected)} like params[{name!r}]")
        else:
            analytic[name] = grads[name]
    if problems:
        raise AssertionError(_report(header, problems))

    def objective(inp):
        return xp.sum(layer.forward(inp) * dout)

    numerical = {"x": numerical_gradient(objective, x, h)}
    for name in list(layer.params):
        original = layer.params[name]

        def objective_of_param(value, name=name, original=original):
            layer.params[name] = value
            try:
                return xp.sum(layer.forward(x) * dout)
            finally:
                layer.params[name] = original

        numerical[name] = numerical_gradient(objective_of_param, original, h)

    layer.forward(x)
    layer.backward(dout)
    failures: list[str] = []
    errors = {name: _compare(name, analytic[name], numerical[name], rtol, failures) for name in analytic}
    if failures:
        raise AssertionError(_report(header + ": analytic and numerical gradients disagree", failures))
    return errors


def check_loss_gradient(loss_fn: Callable[..., Any], scores: Any, y: Any, rtol: float = 1e-7,
                        h: float = 1e-5) -> float:
    """Check a loss's ``dscores`` against finite differences of the loss.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(scores, y) -> (loss, dscores)``, loss a scalar.
    scores : array of shape (N, C), float64
        Avoid kinks (e.g. SVM margins exactly 0).
    y : integer array of shape (N,)
    rtol, h : float
        As for :func:`check_layer_gradients`.

    Returns
    -------
    float
        The rel_error of ``dscores``.

    Raises
    ------
    TypeError
        If ``scores`` is not float64.
    AssertionError
        If ``dscores`` has the wrong shape or rel_error > rtol (the message names
        the worst element).
    """
    func = "check_loss_gradient"
    _check_rtol(rtol, func)
    _require_float64(scores, "scores", func)
    name = getattr(loss_fn, "__name__", repr(loss_fn))
    header = f"{func}: {name}"
    _, dscores = loss_fn(scores, y)
    if tuple(dscores.shape) != tuple(scores.shape):
        raise AssertionError(_report(header, [f"dscores has shape {shape_str(dscores.shape)}, expected the "
                                              f"shape of scores {shape_str(scores.shape)}"]))
    numerical = numerical_gradient(lambda s: loss_fn(s, y)[0], scores, h)
    failures: list[str] = []
    rel = _compare("scores", dscores, numerical, rtol, failures)
    if failures:
        raise AssertionError(_report(header + ": analytic and numerical gradients disagree", failures))
    return rel
