"""Grading does not depend on the language (slow: nbgrader end to end).

A course whose language is Korean releases 01_features in English (``--lang en``) and in
Korean (its default). The two releases have the same code, grade ids and points; markdown,
comments and printed text differ, and with them those cells' checksums. Pairs of submissions with the same answers -- one made from each
release -- get the same score on every check through ``coursework autograde`` and through
plain ``nbgrader autograde``; the feedback page is in Korean.

Markdown cells that the translators have not reached yet get a stand-in Korean text
here, so this test is about grading, not about translation progress (the drift test in
test_i18n_notebooks.py is about that).
"""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

from class_fixtures import REPO, A, class_kinds, cli, make_course, page_text, solution_sources, submission, submit
from coursework.i18n.code import code_differences
from coursework.i18n.notebooks import record_translation, text_in
from nbgrader_course import nbgrader, scores

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]

KINDS = ("perfect", "blank", "partial", "raises", "wrongshape")
HANGUL = re.compile("[가-힣]")


def korean_course(tmp, assignments=(A,)):
    course = make_course(tmp, assignments)
    config = course / "nbgrader_config.py"
    text = config.read_text()
    assert 'c.Coursework.language = "en"' in text
    config.write_text(text.replace('c.Coursework.language = "en"', 'c.Coursework.language = "ko"'))
    for path in (course / "solutions" / A).glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown" and text_in(cell, "ko") is None:
                record_translation(cell, "ko", "(번역 대기) " + cell.source)
        nbformat.write(nb, path)
    return course


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("i18n")
    course = korean_course(tmp)
    cli("release", A, "--no-bundle", "--lang", "en", "--course", str(course))
    english = tmp / "en.ipynb"
    shutil.copy(course / "notebooks" / A / f"{A}.ipynb", english)
    cli("release", A, "--no-bundle", "--course", str(course))          # the course's language: Korean
    korean = course / "notebooks" / A / f"{A}.ipynb"
    right = solution_sources(course / "solutions" / A / f"{A}.ipynb")
    kinds = class_kinds(right)
    for kind in KINDS:
        answers = {**(right if kinds[kind].right else {}), **kinds[kind].answers}
        submit(course, f"{kind}_ko", A, submission(korean, answers))
        submit(course, f"{kind}_en", A, submission(english, answers))
    cli("autograde", A, "--course", str(course), "--jobs", "2", "--timeout", "10")
    ours = scores(course, A)
    cli("feedback", A, "--course", str(course))
    pages = {s: page_text(course / "feedback" / s / A / f"{A}.html")
             for s in ours}
    nbgrader(course, "autograde", A, "--force")
    plain = scores(course, A)
    return {"course": course, "english": nbformat.read(english, as_version=4),
            "korean": nbformat.read(korean, as_version=4), "kinds": kinds, "ours": ours, "plain": plain,
            "pages": pages}


def _nbg(cell):
    return cell.metadata.get("nbgrader", {})


def test_releases_differ_in_text_only(graded):
    """Markdown, comments and printed text differ; the code, grade ids and points do not. A
    cell's checksum follows its text (nbgrader hashes the source), so it is the same exactly
    where the text is."""
    en, ko = graded["english"], graded["korean"]
    assert len(en.cells) == len(ko.cells)
    assert ko.metadata["coursework"]["language"] == "ko"
    comments = 0
    for e, k in zip(en.cells, ko.cells):
        assert e.cell_type == k.cell_type
        assert _nbg(e).get("grade_id") == _nbg(k).get("grade_id") and _nbg(e).get("points") == _nbg(k).get("points")
        if e.cell_type == "code":
            assert code_differences(e.source, k.source, graded=bool(_nbg(e).get("grade") or _nbg(e).get("solution"))) == []
            drop = {"checksum"} if e.source != k.source else set()
            assert {x: v for x, v in _nbg(e).items() if x not in drop} == {x: v for x, v in _nbg(k).items() if x not in drop}
            comments += e.source != k.source
        else:
            assert HANGUL.search(k.source) and k.source != e.source
    assert comments >= 10
    assert any(c.source.startswith("# 2점: 무작위 이미지, 채점할 때 확인한다") for c in ko.cells)


@pytest.mark.parametrize("tool", ["ours", "plain"])
@pytest.mark.parametrize("kind", KINDS)
def test_same_answers_same_scores_in_either_language(graded, tool, kind):
    got = graded[tool]
    assert got[f"{kind}_ko"] == got[f"{kind}_en"], f"{tool}: {kind} scored differently by language"
    assert got[f"{kind}_ko"]["total"] == pytest.approx(graded["kinds"][kind].total, abs=1e-9)


def test_feedback_is_in_the_course_language_for_both_submissions(graded):
    first = next(c for c in graded["korean"].cells if c.cell_type == "markdown")
    heading = " ".join(first.source.splitlines()[0].lstrip("# ").split())
    for lang in ("ko", "en"):
        page = graded["pages"][f"blank_{lang}"]
        assert "문제별 점수" in page and "아직 구현하지 않았다" in page, page[:400]
        assert heading in page           # an English submission's markdown is put back in Korean
        assert "Your grade, exercise by exercise" not in page
        assert "채점할 때 확인한다" in page and "checked when your work is graded" not in page   # and its comments
        assert "수정되었다" not in page and "edited" not in page      # the other language is not an edit
    assert "작성한 함수가 RuntimeError 예외를 일으켰다. 메시지: not today" in graded["pages"]["raises_en"]
    assert "shape (8,)이어야 하는데 shape (2, 2, 2)이다" in graded["pages"]["wrongshape_ko"]


def test_korean_bundle_speaks_korean(tmp_path):
    """A Korean release's student bundle: Korean notebook and README, and its package
    knows its language without any course config (``course_language.txt``)."""
    import subprocess
    import sys
    import zipfile

    course = korean_course(tmp_path, sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir()))
    for name in ("coursework", "grader_tests"):
        shutil.copytree(REPO / name, course / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "environment.yml"):
        shutil.copy(REPO / name, course)
    cli("release", A, "--course", str(course))
    with zipfile.ZipFile(course / "dist" / f"nn-part1-{A}.zip") as zf:
        zf.extractall(tmp_path / "unpacked")
    top = tmp_path / "unpacked" / f"nn-part1-{A}"
    assert (top / "coursework" / "i18n" / "course_language.txt").read_text().strip() == "ko"
    assert "학생용 bundle" in (top / "README.md").read_text(encoding="utf-8")
    nb = nbformat.read(top / "notebooks" / A / f"{A}.ipynb", as_version=4)
    assert all(HANGUL.search(c.source) for c in nb.cells if c.cell_type == "markdown")
    env = {k: v for k, v in __import__("os").environ.items() if k != "COURSEWORK_LANG"}
    env["PYTHONPATH"] = str(top)
    said = subprocess.run([sys.executable, "-c", "from coursework.i18n import language, msg; "
                           "print(language(), msg('not_implemented', what='f(x)'))"],
                          cwd=top / "notebooks" / A, env=env, capture_output=True, text=True, timeout=120)
    assert said.stdout.strip() == "ko f(x): 아직 구현하지 않았다 (함수가 NotImplementedError를 일으켰다)", said.stderr
