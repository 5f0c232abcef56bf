"""Shared fixtures: the backends every reference implementation is tested on.

``backend`` is parametrised over NumPy, ``array_api_strict`` on its default device and
on a second, non-default device, and CuPy. The strict namespace refuses anything
outside the array API standard, and on the non-default device it also refuses silent
copies to the host and mixing devices -- a stand-in for a GPU on a CPU-only CI. CuPy
runs where an NVIDIA GPU is usable and is otherwise skipped, with the reason shown in
pytest's summary (``-ra``), e.g. ``CuPy: not run (CuPy is not installed: ...)``.

Under pytest-xdist the files are handed to the workers longest first (helpers/schedule.py),
and each file's time is kept in pytest's cache for the next run's order.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import numpy as np
import pytest

from coursework import backend as B
from coursework import devices
from helpers import schedule


@pytest.fixture(autouse=True)
def _restore_device():
    """Every test starts and ends with the device that was active before it."""
    saved = devices._ACTIVE
    yield
    devices._ACTIVE = saved


@dataclasses.dataclass(frozen=True)
class Backend:
    """A backend under test: ``put`` moves a NumPy array onto it.

    ``device_name`` is its name for :func:`coursework.devices.use` (``"cpu"``,
    ``"strict"``, ``"strict:1"``, ``"gpu"``).
    """

    name: str
    xp: Any
    device: Any
    device_name: str = "cpu"

    def put(self, host: Any):
        host = np.asarray(host)
        if self.name == "numpy":
            return host
        if self.name == "cupy":
            return self.xp.asarray(host)
        return self.xp.asarray(host, device=self.device)

    def host(self, x: Any) -> np.ndarray:
        return B.to_host(x)

    def check_on(self, x: Any) -> None:
        """Assert that ``x`` is an array of this backend, on its device."""
        if self.name == "numpy":
            assert isinstance(x, np.ndarray), f"expected a NumPy array, got {type(x)}"
        elif self.name == "cupy":
            assert type(x).__module__.startswith("cupy"), type(x)
            assert x.device == self.device, f"result on {x.device}, expected {self.device}"
        else:
            assert B.namespace(x) is self.xp or type(x).__module__.startswith("array_api_strict"), type(x)
            assert x.device == self.device, f"result on {x.device}, expected {self.device}"


def cupy_skip_reason() -> str | None:
    """None where CuPy can compute on a GPU, else the reason shown for the skipped CuPy tests."""
    cupy, reason = devices.cupy_or_reason()
    return None if cupy is not None else f"CuPy: not run ({reason})"


_CUPY_SKIP = cupy_skip_reason()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Report every skipped CuPy test at one place, so ``-ra`` shows them as one line."""
    outcome = yield
    report = outcome.get_result()
    longrepr = report.longrepr
    if _CUPY_SKIP and report.skipped and isinstance(longrepr, tuple) and str(longrepr[2]).endswith(_CUPY_SKIP):
        report.longrepr = ("tests/conftest.py", inspect.getsourcelines(cupy_skip_reason)[1], longrepr[2])


def _backends():
    out = [pytest.param(("numpy", None), id="numpy")]
    try:
        import array_api_strict  # noqa: F401
    except ImportError:  # pragma: no cover - dev extra missing
        skip = pytest.mark.skip(reason="array_api_strict not installed (pip install -e .[dev])")
        out.append(pytest.param(("strict", 0), id="strict-default", marks=skip))
        out.append(pytest.param(("strict", 1), id="strict-device1", marks=skip))
    else:
        out.append(pytest.param(("strict", 0), id="strict-default"))
        out.append(pytest.param(("strict", 1), id="strict-device1"))
    out.append(pytest.param(("cupy", 0), id="cupy", marks=pytest.mark.cupy))
    return out


@pytest.fixture(params=_backends())
def backend(request) -> Backend:
    kind, index = request.param
    if kind == "numpy":
        return Backend("numpy", B.namespace(np.empty(0)), "cpu", "cpu")
    if kind == "cupy":
        if _CUPY_SKIP:
            pytest.skip(_CUPY_SKIP)      # here, not as a mark: pytest's summary folds them into one line
        import array_api_compat.cupy as xp
        import cupy

        return Backend("cupy", xp, cupy.cuda.Device(), "gpu")
    import array_api_strict as xps

    devices_ = xps.__array_namespace_info__().devices()
    return Backend(f"strict-{index}", xps, devices_[index], "strict" if index == 0 else f"strict:{index}")


# -- expensive set-ups shared by several files (each group runs on one worker: helpers/schedule.py) --------

@pytest.fixture(scope="session")
def bundles(tmp_path_factory):
    """Every assignment released with its student bundle, once per run: (folder, dist, the release's
    process). The course copy is ``folder / "course"``. Read only: tests unpack into their own folders."""
    from helpers.bundle_run import build_bundles

    folder = tmp_path_factory.mktemp("bundles")
    dist, proc = build_bundles(folder)
    return folder, dist, proc


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """01_features' class graded once per run (helpers/class_fixtures.grade_class), for
    grading/test_cli_autograde.py and then grading/test_grading_dask.py, which grades it again on a
    cluster (--force). A test that changes a submission puts it back before it ends."""
    from helpers.class_fixtures import grade_class

    return grade_class(tmp_path_factory.mktemp("class"))


@pytest.fixture(scope="session")
def nbgrader_class(request, tmp_path_factory):
    """The plain-nbgrader end-to-end class, once per run: the sample submissions of every collected
    test module that defines ``A`` and ``nbgrader_samples(right)`` (tests/notebooks/test_nbgrader_e2e*),
    graded together in one course by one ``nbgrader autograde`` (helpers/nbgrader_course.grade_samples).
    The course's root. Read only."""
    from helpers.nbgrader_course import grade_samples

    samples = {}
    for item in request.session.items:
        module = getattr(item, "module", None)
        if callable(getattr(module, "nbgrader_samples", None)):
            samples[module.A] = module.nbgrader_samples
    return grade_samples(tmp_path_factory.mktemp("e2e"), samples)


# -- the order of the files under pytest-xdist (helpers/schedule.py) ---------------------------------

def _cache(config):
    return getattr(config, "cache", None)     # None under -p no:cacheprovider


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``: files (and groups of files sharing a class) whole, longest first."""
    if config.getoption("dist") == "loadfile":
        return schedule.scheduler(config, log)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """On an xdist worker: the longest files (or groups) first. Every worker computes the same
    order from the same cache, so their collections agree."""
    if hasattr(config, "workerinput"):
        cache = _cache(config)
        items[:] = schedule.order(items, schedule.merged_seconds(cache.get(schedule.CACHE_KEY, {}) if cache else {}))


_FILE_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """Each file's time (setup, call and teardown of all its tests), summed where the reports
    arrive: the controller under xdist, the process itself otherwise."""
    name = schedule.file_of(report.nodeid)
    _FILE_SECONDS[name] = _FILE_SECONDS.get(name, 0.0) + report.duration


def pytest_sessionfinish(session, exitstatus):
    """Keep the times of the files that ran whole (no -k/-m/::selection) for the next order."""
    cache = _cache(session.config)
    if cache is None or hasattr(session.config, "workerinput") or not _FILE_SECONDS:
        return
    opts = session.config.option
    if getattr(opts, "keyword", "") or getattr(opts, "markexpr", "") or any("::" in a for a in session.config.args):
        return
    known = dict(cache.get(schedule.CACHE_KEY, {}))
    known.update({k: round(v, 1) for k, v in _FILE_SECONDS.items()})
    cache.set(schedule.CACHE_KEY, known)
