"""Fully connected (affine) layer: out = x @ W + b (lecture topic 4, f = Wx).

The lecture writes scores as f = W x for one column vector x. With a batch of
row vectors, x of shape (N, D), the same map is ``x @ W + b`` with W of shape
(D, M): row i of the output is Wᵀ x_i + b.
"""

from __future__ import annotations

import math
from typing import Any

from .. import backend
from ..validation import check_positive_int, shape_str
from .init import as_generator, init_weights, resolve_dtype, zeros
from .layer import Layer

__all__ = ["Linear"]


class Linear(Layer):
    """Affine layer ``out = x @ W + b``.

    Parameters
    ----------
    in_features : int
        D, the size of each input row.
    out_features : int
        M, the size of each output row.
    rng : numpy.random.Generator or int
        Source of the initial weights (drawn on the host).
    init : {"he", "xavier"} or float, default "he"
        Weight scale, see :mod:`coursework.nn.init`. Biases start at zero.
    dtype : {"float64", "float32"}, a dtype of ``like``'s namespace, or None (float64), default None
        dtype of the parameters.
    like : array, optional
        Create the parameters in this array's namespace and on its device
        (default: the active device, see :mod:`coursework.devices`; NumPy unless
        another was chosen).

    Attributes
    ----------
    params : dict
        ``"W"`` of shape (D, M), ``"b"`` of shape (M,).
    grads : dict
        Same keys and shapes, filled by :meth:`backward`.
    """

    def __init__(self, in_features: int, out_features: int, rng: Any, *, init: Any = "he",
                 dtype: Any = None, like: Any = None) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features", "Linear")
        self.out_features = check_positive_int(out_features, "out_features", "Linear")
        rng = as_generator(rng, "Linear")
        dtype = resolve_dtype(dtype, like, "Linear")
        D, M = self.in_features, self.out_features
        self.params["W"] = init_weights((D, M), D, M, rng, init, dtype, like, "Linear")
        self.params["b"] = zeros((M,), dtype, like)

    def forward(self, x):
        """Affine map.

        Parameters
        ----------
        x : array of shape (N, D), floating
            One row per sample; a batch of images (N, H, W, C) goes through
            :class:`~coursework.nn.Flatten` first (the error says so).

        Returns
        -------
        out : array of shape (N, M), dtype of ``x``
        """
        if getattr(x, "ndim", 2) > 2:
            per_sample = math.prod(int(s) for s in x.shape[1:])
            fits = "=" if per_sample == self.in_features else "but"
            raise ValueError(f"{self.name}: expected input of shape (N, {self.in_features}), got shape "
                             f"{shape_str(x.shape)} ({per_sample} values per sample {fits} in_features "
                             f"{self.in_features}); flatten each sample first: put nn.Flatten() before this layer")
        xp = self._check_input(x, self.in_features)
        # BEGIN REFERENCE 04_backprop needed-by 03_activations
        W = xp.astype(self.params["W"], x.dtype, copy=False)
        b = xp.astype(self.params["b"], x.dtype, copy=False)
        return self._remember(x @ W + b, x=x, W=W)
        # END REFERENCE

    #: ``backward(dout, input_grad=False)`` skips dL/dx (see :class:`~coursework.nn.Layer`).
    can_skip_input_grad = True

    def backward(self, dout, input_grad: bool = True):
        """Gradients of the affine map.

        Parameters
        ----------
        dout : array of shape (N, M)
            Upstream gradient dL/d(out).
        input_grad : bool, default True
            False when nothing needs dL/dx (the first layer of a network during
            training): the product ``dout @ Wᵀ`` -- a third of the layer's backward
            work -- is skipped and None returned.

        Returns
        -------
        dx : array of shape (N, D), dL/dx = dout @ Wᵀ (None when ``input_grad`` is False).

        ``grads["W"] = xᵀ @ dout`` (D, M) and ``grads["b"] = Σ_n dout[n]`` (M,),
        in the dtype of the parameters.
        """
        cache = self._check_dout(dout)
        # BEGIN REFERENCE 04_backprop needed-by 03_activations
        xp = backend.namespace(dout)
        x, W = cache["x"], cache["W"]
        dout = xp.astype(dout, x.dtype, copy=False)
        self.grads["W"] = xp.astype(x.T @ dout, self.params["W"].dtype, copy=False)
        self.grads["b"] = xp.astype(xp.sum(dout, axis=0), self.params["b"].dtype, copy=False)
        return dout @ W.T if input_grad else None
        # END REFERENCE

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"
