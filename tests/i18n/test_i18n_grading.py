"""Grading does not depend on the language (slow: nbgrader end to end).

A course whose language is Korean releases 01_features in English (``--lang en``) and in
Korean (its default). The two releases have the same code, grade ids and points; markdown,
comments and printed text differ, and with them those cells' checksums. Pairs of submissions with the same answers -- one made from each
release -- get the same score on every check through ``coursework autograde`` and through
plain ``nbgrader autograde``; the feedback page is in Korean.

Every failing check's message a Korean student reads -- on the feedback page (the What-to-fix
list, the summary's reasons, the checks' error text) and in ``coursework check`` -- is Korean:
no sentence left in English outside code and the course's terms (``latin_only``), and each
passes the style guide's checker (``korean_problems``). A submission with several wrong
answers ("mixed") makes the visible and hidden checks of 01 say more than "not implemented".

Markdown cells that the translators have not reached yet get a stand-in Korean text
here, so this test is about grading, not about translation progress (the drift test in
test_i18n_notebooks.py is about that).
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil

import nbformat
import pytest

from helpers.class_fixtures import (MUTATES, PER_CELL, REPO, A, Kind, class_kinds, cli, make_course, page_text,
                            solution_sources, submission, submit)
from coursework.i18n.code import code_differences
from coursework.i18n.notebooks import record_translation, text_in
from coursework.i18n.style import korean_problems
from helpers.korean_text import latin_only
from helpers.nbgrader_course import nbgrader, scores

pytestmark = pytest.mark.slow

KINDS = ("perfect", "blank", "partial", "raises", "wrongshape", "mixed")
HANGUL = re.compile("[가-힣]")


def mixed(right: dict) -> Kind:
    """Wrong in four ways: counts not divided by the number of pixels, the gradients stacked in one
    array, cell histograms summed instead of averaged (HoG's block normalisation undoes that: the
    pipeline check passes), and extract_features changes its input."""
    return Kind(3.0, answers={
        "color_histogram": right["color_histogram"].replace(" / len(index)", ""),
        "image_gradients": right["image_gradients"].replace("return g_row, g_col", "return np.stack([g_row, g_col])"),
        "cell_histograms": right["cell_histograms"].replace(" / (p * p)", ""),
        "extract_features": MUTATES})


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
    kinds = {**class_kinds(right), "mixed": mixed(right)}
    for kind in KINDS:
        answers = {**(right if kinds[kind].right else {}), **kinds[kind].answers}
        submit(course, f"{kind}_ko", A, submission(korean, answers))
        submit(course, f"{kind}_en", A, submission(english, answers))
    cli("autograde", A, "--course", str(course), "--jobs", "2", "--timeout", "10")
    ours = scores(course, A)
    cli("feedback", A, "--course", str(course))
    html = {s: (course / "feedback" / s / A / f"{A}.html").read_text(encoding="utf-8") for s in ours}
    pages = {s: page_text(course / "feedback" / s / A / f"{A}.html") for s in ours}
    work = tmp / "check"                           # a student's self-check of the Korean release
    work.mkdir()
    shutil.copy(course / "submitted" / "mixed_ko" / A / f"{A}.ipynb", work)
    env = {**os.environ, "COURSEWORK_LANG": "ko", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    checked = cli("check", str(work / f"{A}.ipynb"), "--timeout", "60", cwd=work, env=env, check=False)
    nbgrader(course, "autograde", A, "--force")
    plain = scores(course, A)
    return {"course": course, "english": nbformat.read(english, as_version=4),
            "korean": nbformat.read(korean, as_version=4), "kinds": kinds, "ours": ours, "plain": plain,
            "pages": pages, "html": html, "checked": checked}


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


# -- every failing check's message, in Korean ------------------------------------------------------------

class _Shown(html.parser.HTMLParser):
    """What a page says about lost points: the What-to-fix items and the summary's reasons (the
    box ``coursework-summary``), and the error text under each check (``output_error`` in a cell
    whose anchor is a check's grade id); code elements (grade ids, the student's own line) left out."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.found: dict[str, list[str]] = {"fix": [], "reason": [], "error": []}
        self.current: list[str] | None = None
        self.in_check = False

    def _inside(self, cls: str) -> bool:
        return any(cls in c for _, c in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.stack.append((tag, attrs.get("class") or ""))
        if tag == "div" and re.search(r"\b(code|text)_cell\b", attrs.get("class") or ""):
            self.in_check = False                     # a new cell
        if tag == "a" and attrs.get("name") in PER_CELL:
            self.in_check = True                      # the template's anchor of a check
        kind = ("fix" if tag == "li" and self._inside("coursework-summary") else
                "reason" if tag == "td" and self._inside("coursework-summary") else
                "error" if tag == "pre" and self.in_check and self._inside("output_error") else None)
        if kind:
            self.found[kind].append("")
            self.current = self.found[kind]

    def handle_endtag(self, tag):
        while self.stack:
            name, _ = self.stack.pop()
            if name == tag:
                break
        if tag in ("li", "td", "pre"):
            self.current = None

    def handle_data(self, data):
        if self.current is not None and not any(name == "code" for name, _ in self.stack):
            self.current[-1] += data


def shown(page_html: str) -> dict[str, list[str]]:
    parser = _Shown()
    parser.feed(page_html)
    return {k: [" ".join(t.split()) for t in v if t.strip()] for k, v in parser.found.items()}


def ours(text: str) -> str:
    """``text`` without what the student's code said (an exception's text, quoted after '메시지: '
    up to where the grader speaks again)."""
    head, sep, tail = text.partition("메시지: ")
    return head + (tail[tail.find(" (위치:"):] if sep and " (위치:" in tail else "")


def test_every_failing_checks_message_on_a_page_is_korean(graded):
    failing = {s: [g for g, points in PER_CELL.items() if graded["ours"][s][g] < points] for s in graded["ours"]}
    told = 0
    for student, page in graded["html"].items():
        said = shown(page)
        assert len(said["fix"]) == len(failing[student]), (student, said["fix"])
        for text in said["fix"] + said["error"] + said["reason"]:
            assert HANGUL.search(text) or not re.search("[A-Za-z]{2}", text), (student, text)
            assert latin_only(ours(text)) == [], (student, text)
            assert korean_problems(ours(text)) == [], (student, text, korean_problems(ours(text)))
            told += 1
    assert told >= 60 and sum(len(f) for f in failing.values()) >= 30
    page = graded["pages"]["mixed_ko"]
    for said in ("histogram의 합이 1이어야 하는데 30이다", "(g_row, g_col) 꼴의 tuple이 와야 하는데 ndarray 객체가 왔다",
                 "image_gradients(shape가 (5, 6)인 image)", "인 무작위 grey image #1)",                  # visible, hidden
                 "작성한 함수가 입력 array를 그 자리에서(in place) 바꾸었다", "extractor", "점수: 3.0 / 16.0"):
        assert said in page, said
    for english in ("expected", "got ", "your function", "of shape", "Score:", "(Top)", "Student's answer",
                    "AssertionError", " — "):
        assert english not in page, english


def test_coursework_check_speaks_korean(graded):
    proc = graded["checked"]
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert latin_only(out) == [], latin_only(out)
    assert [p for line in out.splitlines() for p in korean_problems(line)] == []
    failed = [line for line in out.splitlines() if line.strip().startswith("실패")]
    assert len(failed) == 5 and all(HANGUL.search(line.split(None, 4)[-1]) for line in failed), failed
    assert "공개된 check: 3 / 10점, check 5개를 통과하지 못했다. 나머지 6점은 채점할 때 확인한다." in out
    assert "histogram의 합이 1이어야 하는데 30이다" in out and "AssertionError" not in out
