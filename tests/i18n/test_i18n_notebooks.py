"""The Korean edition of the real notebooks: complete, current (drift), in the lecture's
terms (glossary), and runnable top to bottom (slow). A deliberately stale and an
off-glossary copy of a real notebook must fail the same checks."""

from __future__ import annotations

import copy
import os
import shutil

import nbformat
import pytest

from coursework.i18n.glossary import glossary_problems
from coursework.i18n.notebooks import drift, localize, text_in
from helpers.nbgrader_course import REPO

SOURCES = sorted(REPO.glob("solutions/[0-9]*/*.ipynb"))
IDS = [p.parent.name for p in SOURCES]


def korean_texts(nb) -> list[str]:
    return [text_in(c, "ko") or "" for c in nb.cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_every_markdown_cell_has_a_current_korean_text(path):
    nb = nbformat.read(path, as_version=4)
    found = drift(nb, path.parent.name)
    assert not found, "stale or missing Korean:\n  " + "\n  ".join(map(str, found))


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_korean_text_uses_the_lectures_terms(path):
    nb = nbformat.read(path, as_version=4)
    found = glossary_problems(korean_texts(nb))
    assert not found, f"{path.parent.name}: off-glossary terms (markdown cell numbers):\n  " + \
        "\n  ".join(map(str, found))


def _first_translated(nb):
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and text_in(c, "ko"))


def test_a_stale_korean_cell_in_a_real_notebook_fails_and_is_named():
    path = SOURCES[0]
    nb = copy.deepcopy(nbformat.read(path, as_version=4))
    i = _first_translated(nb)
    nb.cells[i].source += "\n\nA sentence added to the English only."
    found = drift(nb, path.parent.name)
    assert [d.index for d in found] == [i]
    assert str(found[0]).startswith(f"{path.parent.name}: cell {i} (")


def test_an_off_glossary_korean_cell_in_a_real_notebook_fails():
    path = SOURCES[-1]
    nb = copy.deepcopy(nbformat.read(path, as_version=4))
    i = _first_translated(nb)
    nb.cells[i].metadata["coursework"]["i18n"]["ko"]["source"] += "\n\n이 모델은 과적합되고 손실 함수가 커진다."
    forms = [p.form for p in glossary_problems(korean_texts(nb))]
    assert "과적합" in forms and "손실 함수" in forms


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_korean_notebook_runs_top_to_bottom(source, tmp_path, monkeypatch):
    """The Korean solution notebook, with the course in Korean (messages, figure labels):
    every cell runs, no figure misses a glyph, and no figure text is an English sentence."""
    import json

    from jupyter_client import KernelManager
    from helpers.korean_text import FIGURE_CAPTURE, FIGURE_DUMP, latin_only
    from nbclient import NotebookClient

    work = tmp_path / source.parent.name
    shutil.copytree(source.parent, work)
    nb = localize(nbformat.read(work / source.name, as_version=4), "ko")
    nb.cells = [nbformat.v4.new_code_cell(FIGURE_CAPTURE), *nb.cells, nbformat.v4.new_code_cell(FIGURE_DUMP)]
    monkeypatch.setenv("COURSEWORK_LANG", "ko")
    monkeypatch.setenv("MPLBACKEND", os.environ.get("MPLBACKEND", "Agg"))
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel-ipc"))
    NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(work)}}).execute()
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", ""))
            assert "missing from font" not in text, f"cell {i}: {text[:300]}"
    shown = json.loads((work / "figure_texts.json").read_text(encoding="utf-8"))
    assert shown, "no figure was shown"
    assert sorted({s for t in shown for s in latin_only(t)}) == []
