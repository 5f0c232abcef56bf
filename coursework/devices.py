"""Where the course computes: one switch for a notebook or a script.

Choose the device once, at the top::

    from coursework import devices
    devices.use("gpu")        # CuPy on the first NVIDIA GPU

or before Python starts, for a whole run::

    COURSEWORK_DEVICE=gpu python my_script.py

and the rest follows: the loaders of :mod:`coursework.data` return their arrays on
that device, layers created without ``like=`` (:class:`coursework.nn.Linear`,
:class:`~coursework.nn.MLP`, ...) put their parameters there, and training and
features compute wherever their inputs are. Nothing else changes in the code. The
lecture's experiments are the exception: they always run on the CPU (:func:`on_cpu`).

Names
-----
=====================  ===============================================================
``"cpu"`` (``"numpy"``)  NumPy on the host -- the default.
``"gpu"`` (``"cupy"``)   CuPy on the current CUDA device (the first GPU unless CUDA
                         says otherwise). Without CuPy or a usable GPU it prints **one
                         line** saying why and runs on the CPU with NumPy instead.
``"strict"``             ``array_api_strict`` on its default device (tests).
``"strict:1"``           ``array_api_strict`` on its second device: a CPU stand-in for a
                         GPU that refuses silent copies to the host and mixing devices
                         (tests and CPU CI).
=====================  ===============================================================

The choice is read from ``COURSEWORK_DEVICE`` the first time it is needed (so an
``import coursework`` stays cheap) unless :func:`use` came first. :func:`using` switches
for a ``with`` block and switches back afterwards.

Moving data: :func:`put` copies a host (NumPy) array to the active device. The way
back is :func:`coursework.backend.to_host`, the one place the package copies device
data to the host.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["Device", "use", "current", "using", "on_cpu", "put", "cupy_or_reason", "ENV_VAR", "ALIASES"]

#: The environment variable read when no :func:`use` came first.
ENV_VAR = "COURSEWORK_DEVICE"

#: Accepted names -> canonical name (``"strict:<k>"`` for any k of array_api_strict's devices too).
ALIASES: dict[str, str] = {"cpu": "cpu", "numpy": "cpu", "gpu": "gpu", "cupy": "gpu", "cuda": "gpu",
                           "strict": "strict", "strict:0": "strict"}

_INSTALL_HINT = "pip install -e '.[gpu]'"


@dataclasses.dataclass(frozen=True)
class Device:
    """One place to compute: an array namespace and a device of it.

    Attributes
    ----------
    name : str
        Canonical name: ``"cpu"``, ``"gpu"``, ``"strict"`` or ``"strict:<k>"``.
    xp : module
        The array-API namespace (``array_api_compat``'s NumPy or CuPy, or ``array_api_strict``).
    device : object
        The namespace's device object arrays are created on.
    requested : str
        The name that was asked for (``"gpu"`` on a CPU fallback).
    fallback : str or None
        Why the requested device is not used (only on a fallback), else None.
    """

    name: str
    xp: Any
    device: Any
    requested: str = ""
    fallback: str | None = None

    def put(self, host: Any, dtype: Any = None):
        """Copy a host array to this device.

        Parameters
        ----------
        host : numpy.ndarray or array-like, any shape
        dtype : None, a name such as ``"float32"``, or a dtype of :attr:`xp`
            None keeps the host dtype.

        Returns
        -------
        array of :attr:`xp`, on :attr:`device`, the shape of ``host`` (on the CPU: the
        NumPy array itself when no cast is needed).
        """
        host = np.asarray(host)
        if isinstance(dtype, str):
            dtype = getattr(self.xp, dtype)
        if self.name == "cpu":
            return host if dtype is None else host.astype(dtype, copy=False)
        if self.name == "gpu":
            out = self.xp.asarray(host)             # CuPy: the current CUDA device
        else:
            out = self.xp.asarray(host, device=self.device)
        return out if dtype is None else self.xp.astype(out, dtype)

    def synchronize(self) -> None:
        """Wait until the device has finished the work queued so far (for timing; no-op on the CPU)."""
        if self.name == "gpu":
            import cupy

            cupy.cuda.get_current_stream().synchronize()

    def describe(self) -> str:
        """One line: the name, the library and its version, the GPU's name on a GPU."""
        if self.name == "cpu":
            text = f"cpu: NumPy {np.__version__}"
        elif self.name == "gpu":
            import cupy

            props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
            gpu = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
            text = f"gpu: CuPy {cupy.__version__} on {gpu}"
        else:
            text = f"{self.name}: array_api_strict {self.xp.__version__} on {self.device}"
        return text if self.fallback is None else f"{text} (asked for {self.requested}: {self.fallback})"

    def __repr__(self) -> str:
        return f"Device({self.describe()!r})"


_ACTIVE: Device | None = None


def use(name: str) -> Device:
    """Compute on ``name`` from now on (see the module docstring for the names).

    Parameters
    ----------
    name : str
        ``"cpu"``, ``"gpu"``, ``"strict"`` or ``"strict:<k>"`` (or an alias).

    Returns
    -------
    Device
        The device now active. For ``"gpu"`` without CuPy or a usable GPU it is the
        CPU, and one line on standard error says why, e.g.
        ``coursework: no GPU available (CuPy is not installed: pip install -e '.[gpu]');
        running on the CPU with NumPy``.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones).
    """
    global _ACTIVE
    _ACTIVE = _resolve(name, "use")
    return _ACTIVE


def current() -> Device:
    """The active device: the last :func:`use`, else ``$COURSEWORK_DEVICE``, else the CPU."""
    global _ACTIVE
    if _ACTIVE is None:
        _ACTIVE = _resolve(os.environ.get(ENV_VAR) or "cpu", f"environment variable {ENV_VAR}")
    return _ACTIVE


@contextlib.contextmanager
def using(name: str) -> Iterator[Device]:
    """Compute on ``name`` inside a ``with`` block; the previous choice is restored after it."""
    global _ACTIVE
    previous = _ACTIVE
    try:
        yield use(name)
    finally:
        _ACTIVE = previous


def on_cpu(func):
    """Decorator: ``func`` always computes on the CPU, whatever device is active.

    For the lecture's experiments (:mod:`coursework.experiments`): small data, some
    scikit-learn, and the student's NumPy functions passed in -- nothing a GPU would
    speed up, and CuPy arrays would break them. The active choice is restored after
    the call. The wrapped function is ``func.__wrapped__``.
    """
    @functools.wraps(func)
    def on_the_cpu(*args, **kwargs):
        with using("cpu"):
            return func(*args, **kwargs)

    on_the_cpu.on_cpu = True
    return on_the_cpu


def put(host: Any, dtype: Any = None):
    """Copy a host array to the active device: ``current().put(host, dtype)``."""
    return current().put(host, dtype)


def cupy_or_reason() -> tuple[Any, str | None]:
    """``(cupy, None)`` when CuPy imports and can compute on a GPU, else ``(None, why not)``.

    The check imports CuPy, counts the CUDA devices, and runs one tiny kernel whose
    result it copies back (this needs the driver, the CUDA runtime and CuPy's kernel
    compiler, so a broken install is caught here rather than in the first training step).
    """
    try:
        import cupy
    except ImportError:
        return None, f"CuPy is not installed: {_INSTALL_HINT}"
    except Exception as err:  # noqa: BLE001 -- e.g. CUDA libraries missing at import
        return None, f"CuPy does not import: {_one_line(err)}"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "CuPy sees no CUDA device"
        int((cupy.arange(3) * 2).sum())
    except Exception as err:  # noqa: BLE001 -- CUDARuntimeError, CompileException, ...
        return None, f"CuPy is installed but cannot use a GPU: {_one_line(err)}"
    return cupy, None


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}".rstrip(": ")


def _resolve(name: Any, source: str) -> Device:
    key = name.strip().lower() if isinstance(name, str) else name
    canonical = ALIASES.get(key) if isinstance(key, str) else None
    if canonical is None and isinstance(key, str) and key.startswith("strict:"):
        canonical = key
    if canonical is None:
        valid = ", ".join(repr(n) for n in ("cpu", "gpu", "strict", "strict:1"))
        raise ValueError(f"{source}: expected a device name out of {valid} (or 'numpy', 'cupy'), got {name!r}")
    if canonical == "cpu":
        return _cpu(requested=name)
    if canonical == "gpu":
        cupy, reason = cupy_or_reason()
        if cupy is None:
            print(f"coursework: no GPU available ({reason}); running on the CPU with NumPy", file=sys.stderr)
            return _cpu(requested=name, fallback=reason)
        import array_api_compat.cupy as xp

        return Device("gpu", xp, cupy.cuda.Device(), requested=name)
    return _strict(canonical, source)


def _cpu(requested: str, fallback: str | None = None) -> Device:
    import array_api_compat.numpy as xp

    return Device("cpu", xp, "cpu", requested=requested, fallback=fallback)


def _strict(canonical: str, source: str) -> Device:
    try:
        import array_api_strict as xp
    except ImportError:
        raise ValueError(f"{source}: device {canonical!r} needs array_api_strict (pip install -e '.[dev]')") from None
    devices = xp.__array_namespace_info__().devices()
    index = 0 if canonical == "strict" else canonical.split(":", 1)[1]
    if not str(index).isdigit() or int(index) >= len(devices):
        raise ValueError(f"{source}: expected 'strict:<k>' with k in 0..{len(devices) - 1} "
                         f"(array_api_strict's devices), got {canonical!r}")
    name = "strict" if int(index) == 0 else f"strict:{int(index)}"
    return Device(name, xp, devices[int(index)], requested=canonical)
