"""The lecture notebooks: in sync with the demos, one demo per cell, no exercises, and
the ``coursework demo`` / ``present`` commands find them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from coursework import cli
from coursework.demos import TOPICS, demo_classes
from coursework.demos.lectures import find_lecture, lecture_notebook

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("topic", list(TOPICS))
def test_committed_lecture_notebook_is_the_generated_one(topic):
    committed = nbformat.read(REPO / "lectures" / f"{topic}.ipynb", as_version=4)
    assert committed == lecture_notebook(topic), (
        f"lectures/{topic}.ipynb is out of date: python -m coursework.demos.lectures lectures")


@pytest.mark.parametrize("topic", list(TOPICS))
def test_one_demo_per_code_cell_and_no_exercise(topic):
    nb = nbformat.read(REPO / "lectures" / f"{topic}.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0].startswith("from coursework.demos import ")
    assert [line.split(".")[1].rstrip("()") for line in code[1:]] == [c.__name__ for c in demo_classes(topic)]
    text = "\n".join(c.source for c in nb.cells)
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN", "nbgrader", "NotImplementedError"):
        assert marker not in text
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_find_lecture_from_a_subfolder_and_refuses_unknown_topics(tmp_path):
    assert find_lecture("05_sgd", REPO / "coursework") == REPO / "lectures" / "05_sgd.ipynb"
    with pytest.raises(ValueError, match="expected a topic among 01_features"):
        find_lecture("5_sgd")


def test_demo_and_present_commands_launch_lab_and_voila(monkeypatch):
    calls = []
    monkeypatch.setattr("subprocess.call", lambda cmd: calls.append(cmd) or 0)
    assert cli.main(["demo", "03_activations"]) == 0
    assert cli.main(["present", "03_activations", "--port", "8899"]) == 0
    lab, voila = calls
    assert lab[1:4] == ["-m", "jupyter", "lab"] and any(a.endswith("lectures/03_activations.ipynb") for a in lab)
    assert f"--LabApp.app_settings_dir={REPO / 'jupyter' / 'lab' / 'settings'}" in lab
    assert voila[1:3] == ["-m", "voila"] and voila[3].endswith("lectures/03_activations.ipynb")
    assert voila[-2:] == ["--port", "8899"]
    assert cli.main(["present", "nope"]) == 2
