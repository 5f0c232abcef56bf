"""Weight penalties R(W) and their gradients (lecture topic 10).

The total loss is data loss + lam * R(W) (``lam`` is the lecture's λ, the
regularization strength). Conventions, as in the lecture:

- L2: R(W) = Σ W²            (no factor ½), dR/dW = 2 W;
- L1: R(W) = Σ |W|,          dR/dW = sign(W) (0 at W = 0, a kink);
- elastic net: R(W) = Σ (β W² + |W|), dR/dW = 2 β W + sign(W).

Worked example (the lecture's, corrected): x = [1, 1, 1, 1], w1 = [1, 0, 0, 0],
w2 = [0.25] * 4 give the same score w·x = 1, but R_L2(w1) = 1 and R_L2(w2) = 0.25
(L2 prefers the spread-out w2), while R_L1(w1) = R_L1(w2) = 1 (L1 is indifferent).

Only weights are penalised, not biases: :func:`penalty` applies a penalty to every
parameter named ``"W"`` (``"0.W"``, ``"2.W"``, ... in a ``Sequential``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import array_api_compat

from .. import backend

__all__ = ["l2", "l1", "elastic_net", "penalty", "is_weight", "PENALTIES"]


def _check_weights(W: Any, func: str):
    if not array_api_compat.is_array_api_obj(W):
        raise TypeError(f"{func}: expected W to be an array, got {type(W).__name__}")
    xp = backend.namespace(W)
    if not xp.isdtype(W.dtype, "real floating"):
        raise TypeError(f"{func}: expected a floating-point W, got dtype {W.dtype}")
    return xp


def _check_nonnegative(value: Any, name: str, func: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: expected {name} to be a real number >= 0, got {value!r} ({type(value).__name__})")
    if not (math.isfinite(float(value)) and value >= 0):
        raise ValueError(f"{func}: expected {name} >= 0 (finite), got {value!r}")
    return float(value)


# NumPy's reductions return NumPy scalars; ``asarray`` makes every R a 0-d array.


def l2(W):
    """L2 penalty Σ W² and its gradient.

    Parameters
    ----------
    W : array of any shape, floating

    Returns
    -------
    R : 0-d array (dtype and device of ``W``), Σ_k W_k².
    dW : array of the shape of ``W``, dR/dW = 2 W.
    """
    xp = _check_weights(W, "l2")
    # BEGIN REFERENCE 06_regularization
    return xp.asarray(xp.sum(W * W)), 2.0 * W
    # END REFERENCE


def l1(W):
    """L1 penalty Σ |W| and its (sub)gradient.

    Parameters
    ----------
    W : array of any shape, floating

    Returns
    -------
    R : 0-d array (dtype and device of ``W``), Σ_k |W_k|.
    dW : array of the shape of ``W``, sign(W) (0 where W = 0).
    """
    xp = _check_weights(W, "l1")
    # BEGIN REFERENCE 06_regularization
    return xp.asarray(xp.sum(xp.abs(W))), xp.sign(W)
    # END REFERENCE


def elastic_net(W, beta: float = 1.0):
    """Elastic-net penalty Σ (β W² + |W|) and its (sub)gradient.

    Parameters
    ----------
    W : array of any shape, floating
    beta : float >= 0, default 1.0
        Weight of the L2 part relative to the L1 part (``beta = 0`` is L1).

    Returns
    -------
    R : 0-d array (dtype and device of ``W``), Σ_k (β W_k² + |W_k|).
    dW : array of the shape of ``W``, 2 β W + sign(W).
    """
    xp = _check_weights(W, "elastic_net")
    beta = _check_nonnegative(beta, "beta", "elastic_net")
    # BEGIN REFERENCE 06_regularization
    return xp.asarray(xp.sum(beta * (W * W) + xp.abs(W))), 2.0 * beta * W + xp.sign(W)
    # END REFERENCE


#: Penalties by name, as accepted by :func:`penalty` and ``fit(regularization=...)``.
PENALTIES = {"l2": l2, "l1": l1, "elastic_net": elastic_net}


def is_weight(name: str) -> bool:
    """True for a weight matrix's name: ``"W"`` or a flat name ending in ``".W"``."""
    return name == "W" or name.endswith(".W")


def penalty(model: Any, kind: str, lam: float, beta: float = 1.0):
    """``lam`` times a penalty summed over every weight matrix of a model.

    Parameters
    ----------
    model : Layer or mapping name -> array
        Its ``params`` (or the mapping itself); the entries named ``"W"`` or
        ``"<index>.W"`` are penalised, biases and other parameters (batch norm's
        gamma and beta) are not.
    kind : {"l2", "l1", "elastic_net"} or callable
        A penalty of :data:`PENALTIES`, or a function ``W -> (R, dR/dW)`` such as a
        notebook's own ``l2_penalty``.
    lam : float >= 0
        Regularization strength λ.
    beta : float >= 0, default 1.0
        The elastic net's β (ignored by the other kinds).

    Returns
    -------
    value : 0-d array
        λ Σ_W R(W), on the device of the parameters (float64 NumPy zero when the
        model has no parameters).
    grads : dict name -> array
        One entry per name of ``model.params``, keyed the same: λ dR/dW for the
        weights, zeros for the other parameters. Add it to ``model.grads``.
    """
    func = "penalty"
    params = model.params if hasattr(model, "params") else model
    if not isinstance(params, Mapping):
        raise TypeError(f"{func}: expected a model with params (a Layer) or a mapping name -> array, "
                        f"got {type(model).__name__}")
    if callable(kind):
        rule = kind
    elif isinstance(kind, str) and kind in PENALTIES:
        rule = PENALTIES[kind]
    else:
        raise ValueError(f"{func}: expected kind to be one of {sorted(PENALTIES)}, got {kind!r} (or give a "
                         f"function W -> (R, dR/dW))")
    lam = _check_nonnegative(lam, "lam", func)
    beta = _check_nonnegative(beta, "beta", func)
    value = None
    grads = {}
    for name in params:
        W = params[name]
        xp = backend.namespace(W)
        if not is_weight(name):
            grads[name] = xp.zeros_like(W)
            continue
        r, dW = _penalty_of(rule, W, beta) if kind == "elastic_net" else _penalty_of(rule, W)
        grads[name] = lam * dW
        value = r if value is None else value + r
    if value is None:
        return backend.as_array(0.0), grads
    return backend.namespace(value).asarray(lam * value), grads


def _penalty_of(rule, W, *args):
    """``rule(W, *args)`` as ``(R, dW)``, with dW of W's shape (a clear error otherwise)."""
    found = rule(W, *args)
    name = getattr(rule, "__name__", "penalty")
    if not (isinstance(found, tuple) and len(found) == 2):
        raise TypeError(f"penalty: expected {name}(W) to return a tuple (R, dW), got {type(found).__name__}")
    r, dW = found
    if tuple(getattr(dW, "shape", ())) != tuple(W.shape):
        raise ValueError(f"penalty: expected {name}(W) to return dW of W's shape {tuple(W.shape)}, got "
                         f"shape {tuple(getattr(dW, 'shape', ()))}")
    return r, dW
