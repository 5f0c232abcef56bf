"""The Korean style guide (docs/korean-style.md), checked: the particle rule after English
words, code spans, numbers and Greek letters; the style rules (dashes, 여러분, "…다:", the fixed
terms); the real notebooks and the message catalog pass; planted errors fail; the Korean keeps
every code span and formula of the English."""

from __future__ import annotations

import copy
import csv
import runpy

import nbformat
import pytest

from coursework.i18n.glossary import load
from coursework.i18n.messages import CATALOG
from coursework.i18n.notebooks import text_in
from coursework.i18n.particles import GLOSSARY, READINGS, particle_problems, reading_of
from coursework.i18n.style import code_and_math, korean_problems, style_problems
from helpers.nbgrader_course import REPO

SOURCES = sorted(REPO.glob("solutions/[0-9]*/*.ipynb"))
IDS = [p.parent.name for p in SOURCES]


def flagged(text: str) -> list[str]:
    return [f.found for f in particle_problems(text)]


# -- the particle rule ----------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, right", [
    ("`shape`은 같다.", "`shape`는 같다."),                       # 셰이프
    ("shape을 읽는다.", "shape를 읽는다."),
    ("이름과 shape이 같다.", "이름과 shape가 같다."),
    ("transpose는 **reshape**이 아니다.", "transpose는 **reshape**가 아니다."),
    ("epoch가 끝나면", "epoch이 끝나면"),                          # 에폭, as the lecture writes it
    ("가장 좋은 epoch를 남긴다.", "가장 좋은 epoch을 남긴다."),
    ("`batch`을 쓴다.", "`batch`를 쓴다."),                         # 배치
    ("`ε`는 나눗셈을 지킨다.", "`ε`은 나눗셈을 지킨다."),              # 엡실론
    ("Python 3로 쓴다.", "Python 3으로 쓴다."),                     # 삼
    ("pixel으로 나눈다.", "pixel로 나눈다."),                       # 픽셀: ㄹ takes 로
    ("1,000는 크다.", "1,000은 크다."),                            # 천
    ("`color_histogram(image, bins=8)`를 작성하자.", "`color_histogram(image, bins=8)`을 작성하자."),
    ("stack(Python list)를 둔다.", "stack(Python list)을 둔다."),   # the word before the parenthesis
    ("λ R(W)은 밝힌다.", "λ R(W)는 밝힌다."),                       # function notation: 알 더블유
    ("너무 큰 λ(0.1)은", "너무 큰 λ(0.1)는"),                       # λ and its value: 람다
    ("σ²가 움직인다.", "σ²이 움직인다."),                           # 시그마 제곱
    ("`node.rule(g)`를 부른다.", "`node.rule(g)`을 부른다."),        # 룰
    ("`(M,)`를 더한다.", "`(M,)`을 더한다."),                       # 엠
    ("$f_2$은 직선이다.", "$f_2$는 직선이다."),                     # 에프 이 / 에프 투
    ("**semantic gap**라고 한다.", "**semantic gap**이라고 한다."),   # 갭
    ("`randn`였다면", "`randn`이었다면"),                          # 랜드엔
])
def test_a_wrong_particle_is_flagged_and_the_right_one_passes(wrong, right):
    assert flagged(wrong), wrong
    assert not flagged(right), right


@pytest.mark.parametrize("text", [
    "`W1`으로 계산한다.", "`W1`로 계산한다.",                      # 더블유 원 / 더블유 일: both
    "`1e-4`로", "`1e-4`으로",                                       # the rule cannot decide
    "`hypot(g_row, g_col)`와", "`hypot(g_row, g_col)`과",          # readings.csv: '?'
    "frobnicate은", "frobnicate는",                                 # an unknown word is never guessed
    "`x`이다", "`W`인 array", "`(N, D)`이고", "`x`의 shape",        # the copula and 의 follow any sound
    "magnitude(크기)를", "하나(rank 3)다",
])
def test_what_the_rule_cannot_decide_or_any_sound_allows_passes(text):
    assert flagged(text) == []


def test_readings_come_from_the_glossary_the_table_and_rules():
    assert reading_of("shape") == {"V"} and reading_of("epoch") == {"C"} and reading_of("pixel") == {"L"}
    assert reading_of("overfitting") == {"C"}                       # glossary.csv: 오버피팅
    assert reading_of("ReLUs") == {"V"}                            # a plural of a known word
    assert reading_of("SGD") == {"V"} and reading_of("M") == {"C"}  # letter names
    assert reading_of("10") == {"C"} and reading_of("0.5") == {"V"} and reading_of("7") == {"L"}
    assert reading_of("exp") == frozenset() and reading_of("frobnicate") is None


def test_every_glossary_reading_matches_its_form_word_for_word():
    with open(GLOSSARY, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        form, reading = row["lecture_form"], row["reading"]
        if form.isascii():
            assert reading, f"{form}: an English lecture form needs its reading"
            assert len(form.split()) == len(reading.split()), f"{form} / {reading}"
        else:
            assert not reading, f"{form}: a Korean form needs no reading"
    assert len(rows) == len(load())
    with open(READINGS, encoding="utf-8", newline="") as fh:
        words = [r["word"].lower() for r in csv.DictReader(fh)]
    assert len(words) == len(set(words)), "a word twice in readings.csv"


# -- the style rules --------------------------------------------------------------------------------

@pytest.mark.parametrize("rule, wrong, right", [
    ("dash", "gradient가 죽는다 — 그래서 멈춘다.", "gradient가 죽는다. 그래서 멈춘다."),
    ("yeoreobun", "여러분의 함수를 쓴다.", "작성한 함수를 쓴다."),
    ("colon", "다음과 같다:", "다음과 같다."),
    ("semicolon", "0을 반환한다; 그리고", "0을 반환한다. 그리고"),
    ("imperative", "함수를 작성하라.", "함수를 작성하자."),
    ("imperative", "sigmoid는 사용하지 말 것.", "sigmoid는 쓰지 않는다."),
    ("formal", "학습합니다.", "학습한다. 이것은 shape가 아니다."),
    ("term", "**연습문제 1 (3점).**", "**연습 문제 1 (3점).**"),
    ("term", "답을 검사한다.", "답을 확인한다."),
    ("term", "gradient를 돌려준다.", "gradient를 반환한다. 원래 값으로 되돌려 놓는다."),
    ("term", "section 5에서 본다.", "5절에서 본다."),
    ("term", "**기억할 점.**", "**정리.**"),
    ("term", "기대값이 같다.", "기댓값이 같다."),
    ("term", "validation accuracy가 오른다.", "validation 정확도가 오른다. `val_accuracy`를 본다."),
    ("term", "한 step만에", "한 step 만에"),
])
def test_each_style_rule_fires_on_its_error_only(rule, wrong, right):
    assert rule in [f.rule for f in style_problems(wrong)], wrong
    assert style_problems(right) == [], right


def test_code_and_formulas_are_not_read():
    text = "`x = a; b — c` 그리고 $a — b$\n```python\n# 여러분 — 검사하라:\n```\n"
    assert korean_problems(text) == []


# -- the real texts -----------------------------------------------------------------------------------

def _pairs(path):
    nb = nbformat.read(path, as_version=4)
    return nb, [(i, c.source, text_in(c, "ko")) for i, c in enumerate(nb.cells)
                if c.cell_type == "markdown" and text_in(c, "ko")]


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_the_korean_notebooks_follow_the_style_guide(path):
    _, pairs = _pairs(path)
    found = [f"cell {i}: {p}" for i, _, ko in pairs for p in korean_problems(ko)]
    assert not found, f"{path.parent.name}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_the_korean_keeps_every_code_span_and_formula_of_the_english(path):
    _, pairs = _pairs(path)
    for i, en, ko in pairs:
        assert code_and_math(ko) == code_and_math(en), (
            f"{path.parent.name}, cell {i}: only in English {dict(code_and_math(en) - code_and_math(ko))}, "
            f"only in Korean {dict(code_and_math(ko) - code_and_math(en))}")


def test_the_catalog_follows_the_style_guide():
    found = [f"{key}: {p}" for key, texts in CATALOG.items() if texts.get("ko") for p in korean_problems(texts["ko"])]
    assert not found, "\n".join(found)


def test_planted_errors_in_a_real_notebook_are_found():
    nb, pairs = _pairs(SOURCES[1])
    i, _, ko = pairs[1]
    planted = ko + "\n\n여러분은 `reshape`을 쓴다 — 그리고 epoch가 끝난다:\n\n**연습문제 9 (1점).** 답을 검사하라."
    rules = sorted(f.rule for f in korean_problems(planted))
    assert rules == sorted(["yeoreobun", "particle", "dash", "particle", "colon", "term", "term", "imperative"]), rules
    changed = copy.deepcopy(nb)
    changed.cells[i].metadata["coursework"]["i18n"]["ko"]["source"] = ko.replace("`(N, H, W, C)`", "`(N, W, H, C)`", 1)
    en = changed.cells[i].source
    assert code_and_math(text_in(changed.cells[i], "ko")) != code_and_math(en)


def test_the_counting_tool_reports_every_notebook_and_the_catalog(capsys):
    runpy.run_path(str(REPO / "tools" / "korean_counts.py"), run_name="not_main")["main"]([])
    out = capsys.readouterr().out
    assert all(f"| {name} |" in out for name in IDS) and "| messages.py |" in out
    total = next(line for line in out.splitlines() if line.startswith("| total |"))
    header = next(line for line in out.splitlines() if line.startswith("| notebook |"))
    cells = dict(zip([c.strip() for c in header.split("|")[2:-1]], [c.strip() for c in total.split("|")[2:-1]]))
    assert cells["—"] == "0" and cells["여러분"] == "0" and cells["particle"] == "0" and int(cells["— (EN)"]) > 50


def test_the_korean_readmes_follow_the_guide_and_name_real_commands():
    import re

    from coursework.cli import build_parser
    from coursework.i18n.glossary import glossary_problems
    from coursework.i18n.release import BUNDLE_README_KO

    guide = (REPO / "README.ko.md").read_text(encoding="utf-8")
    for text in (guide, BUNDLE_README_KO):
        assert korean_problems(text) == [] and glossary_problems([text]) == []
    assert "README.ko.md" in (REPO / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", (REPO / "Makefile").read_text(encoding="utf-8"), re.M))
    assert {"lab", "check"} <= set(re.findall(r"make (\w[\w-]*)", guide)) <= targets
    commands = set(build_parser()._subparsers._group_actions[0].choices)
    assert set(re.findall(r"coursework (\w+) ", guide)) <= commands and "check" in commands
    for name in IDS:                                   # every assignment, with its points as the notebook has them
        nb = nbformat.read(REPO / "solutions" / name / f"{name}.ipynb", as_version=4)
        points = sum(c.metadata.get("nbgrader", {}).get("points", 0) for c in nb.cells)
        assert re.search(rf"\| `{name}` \|.*\({points:g}\) \|", guide), name


def test_the_checker_is_fast_on_crafted_text():
    """Linear time: the checker may one day read texts with a student's words in them."""
    import time

    for text in ("(" * 20000 + ")가" * 20000, "`a\n" * 20000, "$a\n" * 20000, "shape은 " * 20000):
        start = time.perf_counter()
        korean_problems(text)
        assert time.perf_counter() - start < 10, text[:20]
