"""Every check speaks the course's language (grader_tests/messages.py, grader_tests/hidden/messages.py).

- Each catalog entry has an English and a Korean text with the same fields, filled the same
  way (format specs and conversions too), and its Korean follows the style guide.
- Every wrong answer of the checks' own tests (the ``WRONG`` lists of tests/checks/test_grader_*.py,
  visible and hidden checks of all seven assignments) fails in both languages; its Korean
  message has no sentence left in English (``latin_only``), passes ``korean_problems``, and
  names the same numbers as the English one.
- The catalog's descriptions of the graphs and expressions of 04 are those of the checks.
"""

from __future__ import annotations

import re
import string

import pytest

import test_grader_activations
import test_grader_backprop
import test_grader_features
import test_grader_overfitting
import test_grader_regularization
import test_grader_sgd
import test_grader_tensors
from coursework.i18n.style import korean_problems
from grader_tests import backprop
from grader_tests.hidden.messages import CATALOG as HIDDEN
from grader_tests.messages import CATALOG as VISIBLE
from helpers.korean_text import latin_only

CATALOGS = {"visible": VISIBLE, "hidden": HIDDEN}
ENTRIES = [(name, key) for name, catalog in CATALOGS.items() for key in sorted(catalog)]


def _fields(text: str) -> set[tuple[str, str, str]]:
    return {(f, spec, conv or "") for _, f, spec, conv in string.Formatter().parse(text) if f is not None}


def _filled(text: str) -> str:
    """``text`` with every field filled by 1 (a number fits every format spec the catalogs use)."""
    return text.format(**{f: 1 for f, _, _ in _fields(text)})


@pytest.mark.parametrize("catalog, key", ENTRIES, ids=[f"{n}:{k}" for n, k in ENTRIES])
def test_each_entry_has_both_languages_with_the_same_fields(catalog, key):
    texts = CATALOGS[catalog][key]
    assert set(texts) == {"en", "ko"}, key
    assert _fields(texts["en"]) == _fields(texts["ko"]), key
    ko = texts["ko"]
    assert korean_problems(ko) == [], korean_problems(ko)
    assert latin_only(_filled(ko)) == [], key


def test_the_graphs_and_expressions_of_04_are_named_as_the_checks_define_them():
    assert [VISIBLE[f"b_graph_{k}"]["en"] for k in range(len(backprop.GRAPHS))] == list(backprop.GRAPHS)
    assert [VISIBLE[f"b_expr_{k}"]["en"] for k in range(len(backprop.EXPRESSIONS))] == \
        [desc for desc, *_ in backprop.EXPRESSIONS]
    assert f"b_graph_{len(backprop.GRAPHS)}" not in VISIBLE and f"b_expr_{len(backprop.EXPRESSIONS)}" not in VISIBLE


def _sources() -> str:
    from helpers.nbgrader_course import REPO

    return "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "grader_tests").rglob("*.py")
                     if p.name != "messages.py")


def test_every_entry_is_used():
    source = _sources()
    # looked up by a computed name: say(f"b_graph_{k}"), say("a_forward" + variant)
    dynamic = re.compile(r"b_(graph|expr)_\d+|a_(forward|backward)_alpha")
    unused = [k for _, k in ENTRIES if f'"{k}"' not in source and not dynamic.fullmatch(k)]
    assert unused == []


# -- every wrong answer of the checks' tests, in both languages ------------------------------------------

def _plain_cases():
    for module in (test_grader_features, test_grader_tensors, test_grader_activations, test_grader_sgd,
                   test_grader_regularization, test_grader_overfitting):
        spread = module is test_grader_activations          # its answers are tuples of functions
        for i, (check, answer, _) in enumerate(module.WRONG):
            def run(check=check, answer=answer, spread=spread):
                return check(*answer) if spread else check(answer)
            yield pytest.param(run, id=f"{module.__name__[12:]}-{check.__name__}-{i}")
    for i, (check, cell, change, names, _) in enumerate(test_grader_backprop.WRONG):
        def run(check=check, cell=cell, change=change, names=names):
            ns = test_grader_backprop.engine(**{cell: change})
            check(*(ns[n] for n in names))
        yield pytest.param(run, id=f"backprop-{check.__name__}-{i}")


CASES = list(_plain_cases())
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _message(run, lang: str, monkeypatch) -> str:
    monkeypatch.setenv("COURSEWORK_LANG", lang)
    with pytest.raises(AssertionError) as info:
        run()
    return str(info.value)


def ours(message: str) -> str:
    """The message without the text of an exception the student's code raised (quoted after
    '메시지: ', in Python's words)."""
    return message.split("메시지: ")[0]


@pytest.mark.parametrize("run", CASES)
def test_a_wrong_answer_is_told_in_korean_with_the_same_numbers(run, monkeypatch):
    """Every number of the English message is in the Korean one (which may say a few more in
    words of its own: '0으로 되돌리는 것')."""
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "alice")
    english = _message(run, "en", monkeypatch)
    korean = _message(run, "ko", monkeypatch)
    assert korean != english and re.search("[가-힣]", korean), korean
    assert latin_only(ours(korean)) == [], korean
    assert korean_problems(ours(korean)) == [], (korean, korean_problems(ours(korean)))
    assert set(_NUMBER.findall(english)) <= set(_NUMBER.findall(korean)), (english, korean)


def test_the_cases_cover_every_assignment_and_hidden_checks():
    names = [p.id for p in CASES]
    assert len(names) >= 100
    assert {n.split("-")[0] for n in names} == {"features", "tensors", "activations", "backprop", "sgd",
                                                 "regularization", "overfitting"}
    assert sum("random" in n for n in names) >= 10       # the hidden checks' check_*_random
