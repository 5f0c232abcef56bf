"""Each assignment's notebook, with the source notebook's answers filled in, runs to its
end inside its own student bundle and passes every visible check: no demo or check of
an assignment needs a reference implementation its bundle does not ship."""

from __future__ import annotations

import pytest

from helpers.bundle_run import ALL, failures, run_in_bundle, unpack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(bundles):
    """The bundles' folder (tests/conftest.py: built once, shared with tests/grading/test_cli_release.py)."""
    return bundles[1]


@pytest.mark.parametrize("assignment", ALL)
def test_answered_notebook_runs_in_its_bundle(dist, assignment, tmp_path):
    project = unpack(dist, assignment, tmp_path)
    result = run_in_bundle(project, assignment, answered=True)
    assert failures(result) == []
    checks = [c for ex in result["exercises"] for c in ex["checks"]]
    assert checks and all(c["status"] in ("pass", "pending") for c in checks)
    assert any(c["status"] == "pass" for c in checks)
