"""Checks of values on a device, without a copy to the host in every training step.

Some checks need the data, not only its shape: "labels in [0, C)", "scores are
finite". Their answer is a 0-d boolean array on the data's device, and reading it
(``bool(flag)``) copies it to the host -- on a GPU that means waiting until all the
work queued so far is done. Once per call that costs little; once per training step
it stalls the GPU's queue at every step.

:func:`require` checks at once, with one copy through
:func:`coursework.backend.to_host`, unless a :func:`deferred` block is open and the
flag lives on a device: then the flag stays there, and the block reads all its flags
with one copy when :meth:`Pending.flush` is called, when it has gathered
:data:`FLUSH_EVERY` of them, or when the block ends; the first failed check raises
its own error, saying at which step it failed. NumPy flags are always read at once
(there is nothing to wait for), so on the CPU errors come exactly where they did.

:func:`coursework.train.fit` trains each epoch inside such a block (one flush per
epoch); :func:`coursework.train.gradient_descent` its whole run.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

from . import backend

__all__ = ["require", "deferred", "Pending", "FLUSH_EVERY"]

#: A deferred block reads its flags when this many are pending (bounds the device memory they hold).
FLUSH_EVERY = 1024

_PENDING: contextvars.ContextVar["Pending | None"] = contextvars.ContextVar("coursework_pending", default=None)


class Pending:
    """The flags of an open :func:`deferred` block, read together by :meth:`flush`.

    Attributes
    ----------
    where : str
        Set by the caller before each step (e.g. ``"epoch 2, iteration 17"``); a
        failed check's error names the ``where`` of its step.
    """

    def __init__(self) -> None:
        self.where = ""
        self._flags: list[Any] = []
        self._explain: list[tuple[Callable[[], None], str]] = []

    def add(self, flag: Any, explain: Callable[[], None]) -> None:
        """Keep ``flag`` (0-d boolean on a device) and its ``explain`` until the next flush."""
        self._flags.append(flag)
        self._explain.append((explain, self.where))
        if len(self._flags) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Read every pending flag (one host copy); raise the first failed check's error."""
        flags, explain = self._flags, self._explain
        self._flags, self._explain = [], []
        if not flags:
            return
        try:
            xp = backend.namespace(*flags)
            ok = backend.to_host(xp.stack([xp.astype(f, xp.bool) for f in flags]))
        except (TypeError, ValueError):          # flags of several devices: one copy each
            ok = [backend.to_host(f) for f in flags]
        for good, (fail, where) in zip(ok, explain):
            if not bool(good):
                _raise(fail, where)


def require(flag: Any, explain: Callable[[], None]) -> None:
    """Check that ``flag`` is true; ``explain()`` raises the error when it is not.

    Parameters
    ----------
    flag : 0-d boolean array (any device) or bool
        The check's answer, computed where the data are.
    explain : callable with no arguments
        Raises the check's error (it may copy what it needs to the host: it runs
        only for a failed check). It should hold only small arrays (0-d results),
        as it is kept until the flag is read.
    """
    pending = _PENDING.get()
    if pending is None or isinstance(flag, bool) or backend.is_numpy(flag):
        if not bool(backend.to_host(flag)):
            _raise(explain, "")
        return
    pending.add(flag, explain)


@contextlib.contextmanager
def deferred() -> Iterator[Pending]:
    """Defer :func:`require` on device flags inside the block; read them at :meth:`Pending.flush` and at the end.

    Yields the block's :class:`Pending`. When the block ends with an exception, the
    pending flags are dropped (the exception goes on).
    """
    pending = Pending()
    token = _PENDING.set(pending)
    try:
        yield pending
        pending.flush()
    finally:
        _PENDING.reset(token)


def _raise(explain: Callable[[], None], where: str) -> None:
    try:
        explain()
    except (ValueError, TypeError) as err:
        if not where:
            raise
        raise type(err)(f"{err} (at {where}; device checks are read once per epoch)") from None
    raise RuntimeError(f"a check failed{f' at {where}' if where else ''}, but its explanation raised nothing")
