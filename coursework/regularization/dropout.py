"""Dropout: randomly zero units during training (lecture topic 10).

Conventions
-----------
- ``p`` is the probability to **drop** a unit (as PyTorch's ``nn.Dropout(p)``;
  CS231n's assignments use the probability to keep).
- **Inverted** dropout: in training the kept units are scaled by 1 / (1 − p), so
  the expected output equals the input and evaluation mode is the identity
  (nothing to rescale at test time; "Deep Learning from Scratch" scales at test
  time instead).
- The mask is drawn on the host from the ``numpy.random.Generator`` given at
  construction (uniform u, kept where u >= p) and moved to the input's device, so
  every backend drops the same units for the same seed.
"""

from __future__ import annotations

import numbers
from typing import Any

import array_api_compat

from .. import backend
from ..nn.init import as_generator
from ..nn.layer import Layer
from ..validation import shape_str

__all__ = ["Dropout"]


class Dropout(Layer):
    """Inverted dropout layer.

    Parameters
    ----------
    p : float in [0, 1)
        Probability that a unit is dropped (set to 0) in training mode.
    rng : numpy.random.Generator or int
        Source of the masks; a fresh mask is drawn at every training forward pass.

    Attributes
    ----------
    params, grads : dict
        Empty: dropout has no parameters.
    training : bool
        Dropout is active only in training mode (``train()``, the default);
        ``eval()`` makes the layer the identity.

    Shapes: any input shape; the output and ``dx`` have the shape of the input.
    """

    def __init__(self, p: float, rng: Any) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, numbers.Real):
            raise TypeError(f"Dropout: expected p (the probability to drop) to be a number in [0, 1), got {p!r}")
        if not 0.0 <= float(p) < 1.0:
            raise ValueError(f"Dropout: expected p (the probability to drop) in [0, 1), got {p!r}")
        self.p = float(p)
        self.rng = as_generator(rng, "Dropout")

    def forward(self, x, mask=None):
        """Drop units at random (training) or pass ``x`` through (evaluation).

        Parameters
        ----------
        x : array of any shape, floating
        mask : boolean array of the shape of ``x``, optional
            Training mode only: the units to **keep** (True) instead of a random
            mask, e.g. for a gradient check or to reproduce another library's
            mask. A NumPy mask is moved to the device of ``x``. Ignored in
            evaluation mode.

        Returns
        -------
        out : array of the shape and dtype of ``x``
            Training: ``x * keep / (1 − p)``; evaluation: ``x`` itself.
        """
        xp = self._check_input(x)
        keep = self._check_mask(mask, x, xp) if self.training and mask is not None else None
        # BEGIN REFERENCE 06_regularization
        if not self.training:
            return self._remember(x, scale=None)
        if keep is None:
            if self.p == 0.0:
                return self._remember(x, scale=None)
            u = self.rng.random(tuple(int(s) for s in x.shape))
            keep = backend.from_host(u >= self.p, like=x)
        scale = xp.astype(keep, x.dtype) / (1.0 - self.p)
        return self._remember(x * scale, scale=scale)
        # END REFERENCE

    def backward(self, dout):
        """Gradient of dropout: the upstream gradient through the same mask.

        Parameters
        ----------
        dout : array of the shape of the last output

        Returns
        -------
        dx : array of the shape of ``dout``, ``dout * keep / (1 − p)`` (``dout`` in
            evaluation mode).
        """
        scale = self._check_dout(dout)["scale"]
        # BEGIN REFERENCE 06_regularization
        return dout if scale is None else dout * scale
        # END REFERENCE

    def _check_mask(self, mask, x, xp):
        if not array_api_compat.is_array_api_obj(mask):
            mask = backend.as_array(mask)
        if backend.is_numpy(mask) and not backend.is_numpy(x):
            mask = backend.from_host(mask, like=x)
        if mask.dtype != backend.namespace(mask).bool:
            raise TypeError(f"Dropout: expected a boolean mask (True = keep), got dtype {mask.dtype}")
        if tuple(mask.shape) != tuple(x.shape):
            raise ValueError(f"Dropout: expected a mask of the input's shape {shape_str(x.shape)}, "
                             f"got shape {shape_str(mask.shape)}")
        return mask

    def __repr__(self) -> str:
        return f"Dropout(p={self.p:g})"
