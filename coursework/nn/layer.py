"""The base class of every layer: the lecture's modular forward / backward API.

A layer is a node of the computational graph (lecture topic 9). ``forward(x)``
computes the output and keeps what ``backward`` will need; ``backward(dout)``
takes the upstream gradient dL/d(out), returns the downstream gradient dL/dx
(upstream x local, the chain rule) and stores dL/d(param) in ``grads`` under the
same names as ``params``.

Contract (every layer in :mod:`coursework.nn` follows it)
----------------------------------------------------------
- ``params`` : dict name -> array. An optimizer may *replace* entries
  (``params["W"] = params["W"] - lr * grads["W"]``); layers read their parameters
  from this dict at every forward pass, so replacing works.
- ``grads`` : dict name -> array with the same keys and shapes as ``params``,
  filled by ``backward``. Arrays in it are new arrays, never views of ``params``.
- ``forward`` and ``backward`` never modify their argument in place.
- Layers that can skip dL/dx set ``can_skip_input_grad = True`` and accept
  ``backward(dout, input_grad=False)``, returning None: :class:`Sequential` asks its
  first layer for that when the caller does not need the gradient of the data
  (training), which saves ``Linear`` a third of its backward work.
- ``backward`` before any ``forward`` raises ``RuntimeError``; a ``dout`` whose
  shape differs from the last forward output raises ``ValueError``.
- ``training`` : bool, switched with :meth:`train` / :meth:`eval` (layers such as
  dropout behave differently; the layers of this package ignore it).
- The output keeps the dtype of the input (float32 in, float32 out); parameters
  keep their own dtype and so do their gradients.
"""

from __future__ import annotations

from typing import Any

import array_api_compat

from .. import backend
from ..validation import shape_str

__all__ = ["Layer"]


class Layer:
    """Base class: ``params``, ``grads``, ``training`` and the input / dout checks.

    Subclasses implement :meth:`forward` and :meth:`backward`. In ``forward`` they
    call :meth:`_check_input` and finish with :meth:`_remember` (which records the
    output shape for the ``dout`` check); ``backward`` starts with
    :meth:`_check_dout`, which returns the saved cache.
    """

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.grads: dict[str, Any] = {}
        self.training: bool = True
        self._cache: dict[str, Any] | None = None
        self._out_shape: tuple[int, ...] | None = None

    # ---------------------------------------------------------------- API
    def forward(self, x):
        """Compute the output for input ``x`` and keep what ``backward`` needs."""
        raise NotImplementedError

    def backward(self, dout):
        """Return dL/dx for upstream gradient ``dout``; fill ``grads``."""
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x)

    def train(self, mode: bool = True) -> "Layer":
        """Set training mode (``mode=False`` is evaluation mode); returns ``self``."""
        self.training = bool(mode)
        return self

    def eval(self) -> "Layer":
        """Set evaluation mode; returns ``self``."""
        return self.train(False)

    @property
    def name(self) -> str:
        """Name used in error messages (the class name)."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"{self.name}()"

    # ---------------------------------------------------- helpers for subclasses
    def _check_input(self, x, features: int | None = None, what: str = "input"):
        """Check ``x`` is a real floating array; with ``features``, of shape (N, features).

        Returns the array namespace of ``x``.
        """
        if not array_api_compat.is_array_api_obj(x):
            raise TypeError(f"{self.name}: expected {what} to be an array, got {type(x).__name__}")
        xp = backend.namespace(x)
        if not xp.isdtype(x.dtype, "real floating"):
            raise TypeError(f"{self.name}: expected a floating-point {what}, got dtype {x.dtype}")
        if features is not None and (x.ndim != 2 or x.shape[1] != features):
            got = f"(N, {x.shape[1]})" if x.ndim == 2 else f"shape {shape_str(x.shape)}"
            raise ValueError(f"{self.name}: expected {what} of shape (N, {features}), got {got}")
        return xp

    def _remember(self, out, **cache):
        """Save ``cache`` for ``backward`` and the output shape; return ``out``."""
        self._cache = cache
        self._out_shape = tuple(out.shape)
        return out

    def _check_dout(self, dout) -> dict[str, Any]:
        """Raise if there was no forward pass or ``dout`` has the wrong shape; return the cache."""
        if self._cache is None:
            raise RuntimeError(f"{self.name}: backward called before forward; call forward(x) first")
        if not array_api_compat.is_array_api_obj(dout):
            raise TypeError(f"{self.name}: expected dout to be an array, got {type(dout).__name__}")
        if tuple(dout.shape) != self._out_shape:
            raise ValueError(f"{self.name}: expected dout of shape {shape_str(self._out_shape)} "
                             f"(the shape of the forward output), got shape {shape_str(dout.shape)}")
        xp = backend.namespace(dout)
        if not xp.isdtype(dout.dtype, "real floating"):
            raise TypeError(f"{self.name}: expected a floating-point dout, got dtype {dout.dtype}")
        return self._cache
