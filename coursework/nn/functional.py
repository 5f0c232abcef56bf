"""Activation functions and their derivatives, element-wise, in one place.

The activation layers (:class:`~coursework.nn.Sigmoid`, ...) call these, so each
formula exists once. Every function takes an array of any shape and returns an
array of the same shape, namespace, device and dtype; nothing is modified in place.

The ``*_grad`` functions return the local derivative f'(x) evaluated at the
*input* ``x``; a layer's backward pass multiplies it by the upstream gradient.
At the kink x = 0 the derivative chosen is the one PyTorch uses:
``relu_grad(0) = 0``, ``leaky_relu_grad(0) = alpha``, ``elu_grad(0) = alpha``.
"""

from __future__ import annotations

from .. import backend

__all__ = ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
           "leaky_relu", "leaky_relu_grad", "elu", "elu_grad"]


def sigmoid(x):
    """σ(x) = 1 / (1 + e^(-x)), computed without overflow for large |x|.

    Uses e^(-|x|), which is never above 1: 1 / (1 + e) for x >= 0 and
    e / (1 + e) for x < 0.
    """
    # BEGIN REFERENCE 03_activations
    xp = backend.namespace(x)
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    # END REFERENCE


def sigmoid_grad(x):
    """σ'(x) = (1 − σ(x)) σ(x) (lecture topic 9)."""
    # BEGIN REFERENCE 03_activations
    s = sigmoid(x)
    return (1.0 - s) * s
    # END REFERENCE


def tanh(x):
    """tanh(x) = 2σ(2x) − 1, zero-centred, in (−1, 1)."""
    # BEGIN REFERENCE 03_activations
    return backend.namespace(x).tanh(x)
    # END REFERENCE


def tanh_grad(x):
    """tanh'(x) = 1 − tanh(x)²."""
    # BEGIN REFERENCE 03_activations
    t = tanh(x)
    return 1.0 - t * t
    # END REFERENCE


def relu(x):
    """max(0, x)."""
    # BEGIN REFERENCE 03_activations
    xp = backend.namespace(x)
    return xp.maximum(x, 0.0)
    # END REFERENCE


def relu_grad(x):
    """1 where x > 0, else 0 (0 at x = 0)."""
    # BEGIN REFERENCE 03_activations
    xp = backend.namespace(x)
    return xp.astype(x > 0, x.dtype)
    # END REFERENCE


def _check_alpha(alpha, func: str, *, below_one: bool) -> float:
    try:
        alpha = float(alpha)
    except (TypeError, ValueError):
        raise TypeError(f"{func}: expected alpha to be a real number, got {alpha!r}") from None
    if not alpha >= 0 or (below_one and alpha >= 1):
        bound = "0 <= alpha < 1" if below_one else "alpha >= 0"
        raise ValueError(f"{func}: expected {bound}, got alpha={alpha}")
    return alpha


def leaky_relu(x, alpha: float = 0.01):
    """max(αx, x) = x for x > 0, αx otherwise (requires 0 <= α < 1)."""
    alpha = _check_alpha(alpha, "leaky_relu", below_one=True)
    # BEGIN REFERENCE 03_activations
    xp = backend.namespace(x)
    return xp.where(x > 0, x, alpha * x)
    # END REFERENCE


def leaky_relu_grad(x, alpha: float = 0.01):
    """1 where x > 0, α elsewhere."""
    alpha = _check_alpha(alpha, "leaky_relu_grad", below_one=True)
    # BEGIN REFERENCE 03_activations
    xp = backend.namespace(x)
    return xp.where(x > 0, 1.0, alpha * xp.ones_like(x))
    # END REFERENCE


def elu(x, alpha: float = 1.0):
    """x for x >= 0, α(e^x − 1) for x < 0 (lecture: α = 1).

    Uses ``expm1`` (accurate near 0) on min(x, 0), so large positive x never
    overflows in the unused branch.
    """
    alpha = _check_alpha(alpha, "elu", below_one=False)
    # BEGIN REFERENCE 03_activations
    xp = backend.namespace(x)
    return xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0.0)))
    # END REFERENCE


def elu_grad(x, alpha: float = 1.0):
    """1 where x > 0, α e^x elsewhere."""
    alpha = _check_alpha(alpha, "elu_grad", below_one=False)
    # BEGIN REFERENCE 03_activations
    xp = backend.namespace(x)
    return xp.where(x > 0, 1.0, alpha * xp.exp(xp.minimum(x, 0.0)))
    # END REFERENCE
