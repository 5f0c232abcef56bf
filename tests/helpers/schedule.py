"""The order in which ``make test`` hands test files to its two workers: the longest first.

``make test`` runs ``pytest -n 2 --dist loadfile``: each file (or each group of files that share
a session fixture, :data:`SHARED`) goes whole to one worker (:class:`FileGroups`, the scheduler
tests/conftest.py gives xdist), in the order of the collection. Left to itself, pytest-xdist orders the files by their number of tests, so
a file of six tests whose class takes ten minutes to grade starts last and the run waits for
it alone. Ordered longest first (the classic LPT rule), the long files start at once, side by
side, and the many short ones fill the gaps at the end.

How long a file takes comes from the last run on this checkout (pytest's cache,
``coursework/file-seconds``) and, for a file not seen yet (a fresh clone, CI),
:data:`EXPECTED_SECONDS`: measured in a full ``make test``. Only the order
depends on these numbers, never a result; a file missing from both counts by its number of
tests, as pytest-xdist would (after the slow ones).
"""

from __future__ import annotations

from collections import defaultdict

CACHE_KEY = "coursework/file-seconds"

#: file (relative to tests/) -> seconds: the files over 25 s in a full ``make test`` of this branch
#: (2026-12-07, 2 workers on 2 cores, other developers' work beside it part of the time; pytest's
#: cache, rounded). A shared class's set-up counts to the first file of its group that runs
#: (test_cli_autograde.py, test_nbgrader_e2e.py). Add a file here when it takes more than about
#: 25 s.
EXPECTED_SECONDS: dict[str, float] = {
    "notebooks/test_nbgrader_e2e.py": 255,
    "grading/test_hostile_class.py": 165,
    "i18n/test_i18n_grading.py": 135,
    "grading/test_grading_dask.py": 130,
    "demos/test_demos_browser.py": 120,
    "grading/test_cli_autograde.py": 95,
    "grading/test_cli_release.py": 70,
    "notebooks/test_notebooks.py": 55,
    "grading/test_hostile_checks.py": 45,
    "grading/test_hostile_room.py": 40,
    "grading/test_cli_resume.py": 35,
    "notebooks/test_bundle_answered.py": 35,
    "demos/test_demos.py": 30,
    "grading/test_hostile_pages.py": 30,
    "i18n/test_i18n_notebooks.py": 25,
}

#: file -> the group of files that share a session-scoped fixture (one graded class for
#: several files): a group goes whole to one worker, so the class is graded once per run.
SHARED: dict[str, str] = {
    "grading/test_cli_release.py": "bundles",            # tests/conftest.py's ``bundles``
    "notebooks/test_bundle_answered.py": "bundles",
    "grading/test_cli_autograde.py": "graded_class",         # tests/conftest.py's ``graded_class``
    "grading/test_grading_dask.py": "graded_class",
    **{f"notebooks/test_nbgrader_e2e{name}.py": "nbgrader_class"     # tests/conftest.py's ``nbgrader_class``
       for name in ("", "_02_tensors", "_03_activations", "_04_backprop", "_05_sgd", "_06_regularization",
                    "_07_overfitting")},
}


def file_of(nodeid: str) -> str:
    """``tests/grading/test_x.py::test_y[p]`` -> ``grading/test_x.py``."""
    path = nodeid.split("::", 1)[0]
    return path.removeprefix("tests/")


def unit_of(file: str) -> str:
    """The scheduling unit of a file: the group it shares a session fixture with, else itself."""
    return SHARED.get(file, file)


def order(items: list, seconds: dict[str, float]) -> list:
    """``items`` with each scheduling unit kept together, the longest unit first.

    A unit's length is the sum of its files' ``seconds``; a unit of unknown files marked slow
    comes after the known ones, the rest by their number of tests (more first). Items keep
    their order inside a unit (module-scoped fixtures, tests that build on each other).
    """
    units: dict[str, list] = defaultdict(list)
    for item in items:
        units[unit_of(file_of(item.nodeid))].append(item)

    def key(unit: str):
        members = units[unit]
        files = {file_of(i.nodeid) for i in members}
        known = sum(seconds.get(f, 0.0) for f in files)
        slow = any(i.get_closest_marker("slow") for i in members)
        return (-known, not slow, -len(members))

    return [item for unit in sorted(units, key=key) for item in units[unit]]


def merged_seconds(cached: dict | None) -> dict[str, float]:
    """The expected seconds, with what the cache measured last time in place of the table's."""
    out = dict(EXPECTED_SECONDS)
    for name, value in (cached or {}).items():
        if isinstance(name, str) and isinstance(value, (int, float)) and value >= 0:
            out[name] = float(value)
    return out


def scheduler(config, log):
    """pytest-xdist's ``loadfile`` scheduler with :data:`SHARED`'s groups as units, in the
    order of the collection (:func:`order`, on the workers) instead of by number of tests."""
    from xdist.scheduler import LoadFileScheduling

    class FileGroups(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(file_of(nodeid))

    config.option.loadscopereorder = False
    return FileGroups(config, log)
