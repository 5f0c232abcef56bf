"""coursework.devices: the one switch, the environment variable, the CPU fallback line."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from coursework import backend as B
from coursework import devices


@pytest.fixture
def fresh(monkeypatch):
    """No device chosen yet and no COURSEWORK_DEVICE: as in a new Python process."""
    monkeypatch.setattr(devices, "_ACTIVE", None)
    monkeypatch.delenv(devices.ENV_VAR, raising=False)


def test_the_default_is_numpy_on_the_cpu(fresh):
    active = devices.current()
    assert active.name == "cpu" and active.fallback is None
    assert isinstance(devices.put([1.0, 2.0]), np.ndarray)


def test_the_environment_variable_chooses_the_device(fresh, monkeypatch):
    monkeypatch.setenv(devices.ENV_VAR, "strict:1")
    active = devices.current()
    assert active.name == "strict:1"
    x = devices.put(np.arange(3.0))
    assert x.device == active.device and B.namespace(x) is active.xp


def test_a_bad_environment_variable_names_itself(fresh, monkeypatch):
    monkeypatch.setenv(devices.ENV_VAR, "tpu")
    with pytest.raises(ValueError, match=r"COURSEWORK_DEVICE.*'cpu', 'gpu'.*'tpu'"):
        devices.current()


def test_use_wins_over_the_environment_variable(fresh, monkeypatch):
    monkeypatch.setenv(devices.ENV_VAR, "strict:1")
    assert devices.use("numpy").name == "cpu"
    assert devices.current().name == "cpu"


@pytest.mark.parametrize("name", ["cpu", "strict", "strict:1"])
def test_using_restores_the_previous_choice(fresh, name):
    devices.use("strict")
    with devices.using(name) as active:
        assert devices.current() is active and active.name == name
    assert devices.current().name == "strict"


def test_using_restores_after_an_error(fresh):
    devices.use("cpu")
    with pytest.raises(RuntimeError):
        with devices.using("strict:1"):
            raise RuntimeError("boom")
    assert devices.current().name == "cpu"


def test_unknown_names_are_refused(fresh):
    with pytest.raises(ValueError, match="expected a device name"):
        devices.use("mps")
    with pytest.raises(ValueError, match=r"strict:<k>"):
        devices.use("strict:99")


def test_put_casts_to_a_dtype_name(fresh):
    with devices.using("strict:1") as active:
        x = devices.put(np.arange(3), "float32")
    assert x.dtype == active.xp.float32 and x.device == active.device


def test_backend_reexports_the_switch():
    assert B.use is devices.use and B.current is devices.current and B.using is devices.using


def test_without_cupy_gpu_falls_back_with_one_line(fresh, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "cupy", None)           # `import cupy` raises ImportError
    active = devices.use("gpu")
    assert active.name == "cpu" and active.requested == "gpu"
    err = capsys.readouterr().err
    assert err == ("coursework: no GPU available (CuPy is not installed: pip install -e '.[gpu]'); "
                   "running on the CPU with NumPy\n")
    assert "CuPy is not installed" in active.describe()


def test_cupy_without_a_usable_gpu_falls_back_with_one_line(fresh, monkeypatch, capsys):
    """CuPy imports without a GPU (it does: the wheel loads without a driver), then fails to count devices."""
    def no_driver():
        raise RuntimeError("cudaErrorInsufficientDriver: CUDA driver version is insufficient\nmore detail")

    fake = types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=no_driver)))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    monkeypatch.setenv(devices.ENV_VAR, "gpu")
    active = devices.current()
    assert active.name == "cpu" and active.fallback.startswith("CuPy is installed but cannot use a GPU")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("coursework: no GPU available (CuPy is installed but ")
    assert "cudaErrorInsufficientDriver" in err and err.endswith("; running on the CPU with NumPy\n")


def test_cupy_with_no_device_falls_back(fresh, monkeypatch, capsys):
    fake = types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=lambda: 0)))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    assert devices.use("cupy").fallback == "CuPy sees no CUDA device"
    assert capsys.readouterr().err.count("\n") == 1


def test_target_is_like_or_the_active_device(fresh):
    import array_api_strict as xps

    with devices.using("strict:1") as active:
        assert B.target(None) == (active.xp, active.device)
        other = xps.asarray([1.0])
        assert B.target(other) == (xps, other.device)


def test_synchronize_and_describe_on_the_cpu(fresh):
    active = devices.use("cpu")
    active.synchronize()
    assert active.describe().startswith("cpu: NumPy ")
    assert "array_api_strict" in repr(devices.use("strict:1"))
