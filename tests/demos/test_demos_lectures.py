"""The lecture notebooks: in sync with the demos, one demo per cell, no exercises, and
the ``coursework demo`` / ``present`` commands find them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from coursework import cli
from coursework.demos import TOPICS, demo_classes
from coursework.demos.lectures import find_lecture, lecture_notebook

REPO = Path(__file__).resolve().parents[2]


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
    monkeypatch.setattr("subprocess.call", lambda cmd, env=None: calls.append(cmd) or 0)
    assert cli.main(["demo", "03_activations"]) == 0
    assert cli.main(["present", "03_activations", "--port", "8899"]) == 0
    lab, voila = calls
    assert lab[1:4] == ["-m", "jupyter", "lab"] and any(a.endswith("lectures/03_activations.ipynb") for a in lab)
    assert f"--LabApp.app_settings_dir={REPO / 'jupyter' / 'lab' / 'settings'}" in lab
    assert voila[1:3] == ["-m", "voila"] and voila[3].endswith("lectures/03_activations.ipynb")
    assert voila[-2:] == ["--port", "8899"]
    assert cli.main(["present", "nope"]) == 2


# -- in Korean ------------------------------------------------------------------------------------

@pytest.mark.parametrize("topic", list(TOPICS))
def test_every_markdown_cell_has_a_current_korean_text_in_the_lectures_terms(topic):
    from helpers.korean_text import latin_only

    from coursework.i18n.glossary import glossary_problems
    from coursework.i18n.notebooks import drift, text_in

    nb = nbformat.read(REPO / "lectures" / f"{topic}.ipynb", as_version=4)
    assert drift(nb, topic) == []
    korean = [text_in(c, "ko") for c in nb.cells if c.cell_type == "markdown"]
    assert all(korean) and len(korean) == 1 + len(demo_classes(topic))
    assert [s for t in korean for s in latin_only(t)] == []
    assert glossary_problems(korean) == []
    for text in korean:  # the course's Korean: no dashes, no "여러분"
        assert "—" not in text and "–" not in text and "여러분" not in text


def test_a_changed_demo_title_makes_its_korean_stale(monkeypatch):
    from coursework.demos.features import HogDemo
    from coursework.i18n.notebooks import drift

    monkeypatch.setattr(HogDemo, "title", "HoG over a photo, revised")
    found = drift(lecture_notebook("01_features"), "01_features")
    assert [d.index for d in found] == [4]
    assert "the English changed since the ko text was written" in found[0].why


def test_a_lecture_page_shows_no_docstring_markup():
    from coursework.demos.lectures import markdown_paragraph

    text = "\n".join(c.source for topic in TOPICS for c in lecture_notebook(topic).cells if c.cell_type == "markdown")
    assert ":func:" not in text and "``" not in text
    assert markdown_paragraph("``a + b`` for two shapes.\n\nMore.") == "`a + b` for two shapes."
    with pytest.raises(ValueError, match="a Sphinx role in the first paragraph"):
        markdown_paragraph("The kept epoch (:func:`coursework.experiments.x`).")


def test_present_in_korean_serves_a_korean_copy_with_a_korean_kernel(monkeypatch):
    from coursework.i18n.notebooks import text_in

    seen = {}

    def call(cmd, env=None):  # the copy exists while the server runs
        path = next(arg for arg in cmd if arg.endswith(".ipynb"))
        nb = nbformat.read(path, as_version=4)
        seen.update(cmd=cmd, env=env, path=path, markdown=[c.source for c in nb.cells if c.cell_type == "markdown"])
        return 0

    monkeypatch.setattr("subprocess.call", call)
    assert cli.main(["present", "03_activations", "--lang", "ko", "--port", "8899"]) == 0
    committed = nbformat.read(REPO / "lectures" / "03_activations.ipynb", as_version=4)
    assert seen["markdown"] == [text_in(c, "ko") for c in committed.cells if c.cell_type == "markdown"]
    assert seen["env"]["COURSEWORK_LANG"] == "ko" and seen["cmd"][-2:] == ["--port", "8899"]
    assert "--lang" not in seen["cmd"] and not Path(seen["path"]).exists()   # removed afterwards
    assert cli.main(["demo", "--lang", "en", "03_activations"]) == 0
    assert seen["env"]["COURSEWORK_LANG"] == "en" and seen["path"] == str(REPO / "lectures" / "03_activations.ipynb")
    assert cli.main(["present", "03_activations", "--lang", "xx"]) == 2
