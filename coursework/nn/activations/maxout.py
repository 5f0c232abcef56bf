"""The Maxout layer: the maximum of ``pieces`` affine maps, max(w1ᵀx + b1, w2ᵀx + b2).

Maxout generalises ReLU (one piece fixed at 0) and Leaky ReLU; it never saturates
or dies, at the price of ``pieces`` times the parameters of a Linear layer. Unlike
the other activations it has weights and maps D inputs to M outputs itself.
"""

from __future__ import annotations

from typing import Any

from ... import backend
from ...validation import check_positive_int
from ..init import as_generator, init_weights, resolve_dtype, zeros
from ..layer import Layer

__all__ = ["Maxout"]


class Maxout(Layer):
    """Maxout: ``out[n, m] = max_k (x[n] @ W[k] + b[k])[m]``.

    Parameters
    ----------
    in_features : int
        D, the size of each input row.
    out_features : int
        M, the size of each output row.
    rng : numpy.random.Generator or int
        Source of the initial weights (drawn on the host).
    pieces : int, default 2
        K, the number of affine maps (the lecture's maxout has two).
    init : {"he", "xavier"} or float, default "he"
        Weight scale of every piece, see :mod:`coursework.nn.init`.
    dtype, like : optional
        As for :class:`~coursework.nn.Linear` (None: float64, the active device).

    Attributes
    ----------
    params : dict
        ``"W"`` of shape (K, D, M) and ``"b"`` of shape (K, M): piece k is
        ``x @ W[k] + b[k]``.
    grads : dict
        Same keys and shapes, filled by :meth:`backward`.

    Notes
    -----
    The max gate routes the gradient: each output element sends its upstream
    gradient to the piece that won the max and zero to the others. On a tie the
    first winning piece (smallest k) takes it all.
    """

    def __init__(self, in_features: int, out_features: int, rng: Any, *, pieces: int = 2,
                 init: Any = "he", dtype: Any = None, like: Any = None) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features", "Maxout")
        self.out_features = check_positive_int(out_features, "out_features", "Maxout")
        self.pieces = check_positive_int(pieces, "pieces", "Maxout")
        rng = as_generator(rng, "Maxout")
        dtype = resolve_dtype(dtype, like, "Maxout")
        K, D, M = self.pieces, self.in_features, self.out_features
        self.params["W"] = init_weights((K, D, M), D, M, rng, init, dtype, like, "Maxout")
        self.params["b"] = zeros((K, M), dtype, like)

    def forward(self, x):
        """Maximum over the pieces.

        Parameters
        ----------
        x : array of shape (N, D), floating

        Returns
        -------
        out : array of shape (N, M), dtype of ``x``
        """
        xp = self._check_input(x, self.in_features)
        # BEGIN REFERENCE 03_activations
        W = xp.astype(self.params["W"], x.dtype, copy=False)
        b = xp.astype(self.params["b"], x.dtype, copy=False)
        z = x @ W + b[:, None, :]                    # (K, N, M): x broadcasts over the pieces
        winner = xp.argmax(z, axis=0)                # (N, M), first piece on ties
        pieces = xp.arange(self.pieces, dtype=winner.dtype, device=backend.device(x))
        route = xp.astype(winner[None, :, :] == pieces[:, None, None], x.dtype)  # one-hot (K, N, M)
        return self._remember(xp.max(z, axis=0), x=x, W=W, route=route)
        # END REFERENCE

    def backward(self, dout):
        """Route ``dout`` to the winning pieces.

        Parameters
        ----------
        dout : array of shape (N, M)

        Returns
        -------
        dx : array of shape (N, D)

        ``grads["W"]`` (K, D, M) and ``grads["b"]`` (K, M) get the gradient of
        each piece's affine map, zero where the piece lost.
        """
        cache = self._check_dout(dout)
        # BEGIN REFERENCE 03_activations
        xp = backend.namespace(dout)
        x, W, route = cache["x"], cache["W"], cache["route"]
        dz = route * xp.astype(dout, x.dtype, copy=False)[None, :, :]   # (K, N, M)
        self.grads["W"] = xp.astype(x.T @ dz, self.params["W"].dtype, copy=False)
        self.grads["b"] = xp.astype(xp.sum(dz, axis=1), self.params["b"].dtype, copy=False)
        return xp.sum(dz @ xp.matrix_transpose(W), axis=0)
        # END REFERENCE

    def __repr__(self) -> str:
        return f"Maxout({self.in_features}, {self.out_features}, pieces={self.pieces})"
