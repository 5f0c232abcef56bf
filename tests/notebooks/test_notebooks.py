"""The notebooks: committed clean, the release in sync, the solutions run top to bottom."""

from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient

from helpers.nbgrader_course import REPO, make_course, nbgrader

SOURCES = sorted(REPO.glob("solutions/[0-9]*/*.ipynb"))
RELEASED = sorted(REPO.glob("notebooks/[0-9]*/*.ipynb"))
IDS = [p.parent.name for p in SOURCES]


def test_every_assignment_has_a_source_and_a_release():
    assert SOURCES, "no source notebooks under solutions/"
    assert [p.relative_to(REPO / "solutions") for p in SOURCES] == \
        [p.relative_to(REPO / "notebooks") for p in RELEASED]


@pytest.mark.parametrize("path", SOURCES + RELEASED, ids=[f"solutions/{i}" for i in IDS] + [f"notebooks/{i}" for i in IDS])
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs: clear them before committing"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", RELEASED, ids=IDS)
def test_release_holds_no_solution_or_hidden_test(path):
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "grader_tests.hidden"):
        assert marker not in text, f"{path} contains {marker!r}"


@pytest.mark.slow
def test_release_is_in_sync_with_the_sources(tmp_path):
    """`make release` would change nothing: regenerate into a temporary course and compare."""
    course = make_course(tmp_path)
    for source in SOURCES:
        nbgrader(course, "generate_assignment", source.parent.name, "--force")
    stale = []
    for source in SOURCES:
        rel = source.relative_to(REPO / "solutions")
        fresh, committed = course / "notebooks" / rel, REPO / "notebooks" / rel
        if not committed.exists() or not filecmp.cmp(fresh, committed, shallow=False):
            stale.append(str(rel))
    assert not stale, f"notebooks/ is out of date for {stale}: run `make release` and commit the result"


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_solution_notebook_runs_top_to_bottom(source, tmp_path):
    work = tmp_path / source.parent.name
    shutil.copytree(source.parent, work)
    nb = nbformat.read(work / source.name, as_version=4)
    os.environ.setdefault("MPLBACKEND", "Agg")
    # IPC sockets at an absolute path: no TCP port races between test workers.
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel-ipc"))
    NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(work)}}).execute()
