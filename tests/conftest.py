"""Shared fixtures: the backends every reference implementation is tested on.

``backend`` is parametrised over NumPy and ``array_api_strict`` on its default device
and on a second, non-default device. The strict namespace refuses anything outside
the array API standard, and on the non-default device it also refuses silent copies
to the host and mixing devices -- a stand-in for a GPU on a CPU-only CI.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from coursework import backend as B
from coursework import devices


@pytest.fixture(autouse=True)
def _restore_device():
    """Every test starts and ends with the device that was active before it."""
    saved = devices._ACTIVE
    yield
    devices._ACTIVE = saved


@dataclasses.dataclass(frozen=True)
class Backend:
    """A backend under test: ``put`` moves a NumPy array onto it."""

    name: str
    xp: Any
    device: Any

    def put(self, host: Any):
        host = np.asarray(host)
        if self.name == "numpy":
            return host
        return self.xp.asarray(host, device=self.device)

    def host(self, x: Any) -> np.ndarray:
        return B.to_host(x)

    def check_on(self, x: Any) -> None:
        """Assert that ``x`` is an array of this backend, on its device."""
        if self.name == "numpy":
            assert isinstance(x, np.ndarray), f"expected a NumPy array, got {type(x)}"
        else:
            assert B.namespace(x) is self.xp or type(x).__module__.startswith("array_api_strict"), type(x)
            assert x.device == self.device, f"result on {x.device}, expected {self.device}"


def _backends():
    out = [pytest.param(("numpy", None), id="numpy")]
    try:
        import array_api_strict  # noqa: F401
    except ImportError:  # pragma: no cover - dev extra missing
        out.append(pytest.param(("strict", 0), id="strict-default",
                                marks=pytest.mark.skip(reason="array_api_strict not installed (pip install -e .[dev])")))
        return out
    out.append(pytest.param(("strict", 0), id="strict-default"))
    out.append(pytest.param(("strict", 1), id="strict-device1"))
    return out


@pytest.fixture(params=_backends())
def backend(request) -> Backend:
    kind, index = request.param
    if kind == "numpy":
        return Backend("numpy", B.namespace(np.empty(0)), "cpu")
    import array_api_strict as xps

    devices = xps.__array_namespace_info__().devices()
    return Backend(f"strict-{index}", xps, devices[index])
