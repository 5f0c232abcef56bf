"""Batch normalization for fully connected layers, inputs of shape (N, D).

Training mode normalises every feature with the statistics of the current batch,
then scales and shifts it with learned ``gamma`` and ``beta``::

    mu = mean(x, axis=0)                 var = mean((x - mu)**2, axis=0)   (biased)
    x_hat = (x - mu) / sqrt(var + eps)   out = gamma * x_hat + beta

Evaluation mode uses running statistics instead of the batch's. They follow
PyTorch's ``nn.BatchNorm1d`` (tested against it):

- ``running = (1 - momentum) * running + momentum * batch_statistic`` with
  ``momentum = 0.1`` by default, i.e. momentum weighs the *new* batch;
- the running variance is updated with the **unbiased** batch variance
  var * N / (N - 1), while normalisation uses the biased one;
- they start at mean 0, variance 1; training with a batch of one sample raises
  ``ValueError`` (its variance is undefined).
"""

from __future__ import annotations

import numbers
from typing import Any

from .. import backend
from ..nn.init import resolve_dtype
from ..nn.layer import Layer
from ..validation import check_positive_int, shape_str

__all__ = ["BatchNorm"]


def _real(value: Any, name: str, low: float, high: float | None, low_open: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"BatchNorm: expected {name} to be a real number, got {value!r}")
    value = float(value)
    ok = (value > low if low_open else value >= low) and (high is None or value <= high)
    if not ok:
        interval = ("(" if low_open else "[") + f"{low:g}, " + ("inf)" if high is None else f"{high:g}]")
        raise ValueError(f"BatchNorm: expected {name} in {interval}, got {value!r}")
    return value


class BatchNorm(Layer):
    """Batch normalization over the batch axis of (N, D) inputs.

    Parameters
    ----------
    num_features : int
        D, the number of features (columns) of the input.
    momentum : float in [0, 1], default 0.1
        Weight of the new batch in the running statistics (PyTorch's convention).
    eps : float > 0, default 1e-5
        Added to the variance before the square root. ``momentum`` and ``eps`` are
        keyword-only: ``torch.nn.BatchNorm1d`` has the same defaults but takes ``eps``
        first, so a positional ``BatchNorm(D, 0.2)`` would mean different things.
    dtype, like
        dtype of the parameters and running statistics (float64 by default) and
        an array whose namespace and device they are created on (default: the active device),
        as for :class:`~coursework.nn.Linear`.

    Attributes
    ----------
    params : dict
        ``"gamma"`` (D,), ones at the start; ``"beta"`` (D,), zeros.
    grads : dict
        Same keys and shapes, filled by :meth:`backward`.
    running_mean, running_var : arrays of shape (D,)
        Updated at every training forward pass (replaced, not modified in place);
        used in evaluation mode.
    """

    def __init__(self, num_features: int, *, momentum: float = 0.1, eps: float = 1e-5,
                 dtype: Any = None, like: Any = None) -> None:
        super().__init__()
        self.num_features = check_positive_int(num_features, "num_features", "BatchNorm")
        self.momentum = _real(momentum, "momentum", 0.0, 1.0, low_open=False)
        self.eps = _real(eps, "eps", 0.0, None, low_open=True)
        dtype = resolve_dtype(dtype, like, "BatchNorm")
        xp, dev = backend.target(like)
        D = self.num_features
        self.params["gamma"] = xp.ones((D,), dtype=dtype, device=dev)
        self.params["beta"] = xp.zeros((D,), dtype=dtype, device=dev)
        self.running_mean = xp.zeros((D,), dtype=dtype, device=dev)
        self.running_var = xp.ones((D,), dtype=dtype, device=dev)

    def forward(self, x):
        """Normalise, scale and shift every feature.

        Parameters
        ----------
        x : array of shape (N, D), floating
            N >= 2 in training mode.

        Returns
        -------
        out : array of shape (N, D), dtype of ``x``
            ``gamma * x_hat + beta`` with x_hat normalised by the batch statistics
            (training; the running statistics are updated) or by the running
            statistics (evaluation).
        """
        xp = self._check_input(x, self.num_features)
        n = x.shape[0]
        if self.training and n < 2:
            raise ValueError(f"BatchNorm: expected more than 1 sample per batch in training mode "
                             f"(the batch variance needs two), got input of shape {shape_str(x.shape)}")
        # BEGIN REFERENCE 06_regularization
        gamma = xp.astype(self.params["gamma"], x.dtype, copy=False)
        beta = xp.astype(self.params["beta"], x.dtype, copy=False)
        if self.training:
            mu = xp.mean(x, axis=0)
            centred = x - mu
            var = xp.mean(centred * centred, axis=0)
            stats_dtype = self.running_mean.dtype
            m = self.momentum
            self.running_mean = (1.0 - m) * self.running_mean + m * xp.astype(mu, stats_dtype)
            self.running_var = (1.0 - m) * self.running_var + m * xp.astype(var * (n / (n - 1)), stats_dtype)
        else:
            centred = x - xp.astype(self.running_mean, x.dtype, copy=False)
            var = xp.astype(self.running_var, x.dtype, copy=False)
        inv_std = 1.0 / xp.sqrt(var + self.eps)
        x_hat = centred * inv_std
        return self._remember(gamma * x_hat + beta, x_hat=x_hat, inv_std=inv_std, gamma=gamma,
                              batch_stats=self.training)
        # END REFERENCE

    def backward(self, dout):
        """Gradients of batch normalization.

        Parameters
        ----------
        dout : array of shape (N, D)

        Returns
        -------
        dx : array of shape (N, D)
            Training mode (mean and variance depend on x)::

                dx_hat = dout * gamma
                dx = inv_std / N * (N dx_hat − Σ_n dx_hat − x_hat Σ_n (dx_hat x_hat))

            Evaluation mode (fixed statistics): ``dx = dout * gamma * inv_std``.

        ``grads["gamma"] = Σ_n dout * x_hat`` and ``grads["beta"] = Σ_n dout``,
        both (D,), in the dtype of the parameters.
        """
        cache = self._check_dout(dout)
        xp = backend.namespace(dout)
        # BEGIN REFERENCE 06_regularization
        x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
        dout = xp.astype(dout, x_hat.dtype, copy=False)
        self.grads["gamma"] = xp.astype(xp.sum(dout * x_hat, axis=0), self.params["gamma"].dtype, copy=False)
        self.grads["beta"] = xp.astype(xp.sum(dout, axis=0), self.params["beta"].dtype, copy=False)
        dx_hat = dout * gamma
        if not cache["batch_stats"]:
            return dx_hat * inv_std
        n = dout.shape[0]
        return (inv_std / n) * (n * dx_hat - xp.sum(dx_hat, axis=0)
                                - x_hat * xp.sum(dx_hat * x_hat, axis=0))
        # END REFERENCE

    def __repr__(self) -> str:
        return f"BatchNorm({self.num_features}, momentum={self.momentum:g}, eps={self.eps:g})"
