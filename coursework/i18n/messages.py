"""The catalog of what students read, in each language: ``msg(key, **fields)``.

Each entry is a format string per language; the fields (names, numbers, shapes, indices)
are filled in the same way in both, so a message says the same thing with the same numbers
in either language. A key missing from the catalog, or a field a text needs and did not get,
raises ``KeyError`` naming it: a typo must not reach a student as a half-filled sentence.

Korean follows the lecture note's style: plain ``…다`` sentences, technical terms as the
note writes them (see ``glossary.csv``), code names in English.
"""

from __future__ import annotations

import re

from .settings import check_language, language

__all__ = ["CATALOG", "msg", "student_exception_pattern"]

CATALOG: dict[str, dict[str, str]] = {
    # -- grader_tests.harness: what a failed check says ---------------------------------
    "expected_function": {
        "en": "{what}: expected a function, got {got}",
        "ko": "{what}: 함수가 와야 하는데 {got}이(가) 왔다",
    },
    "not_implemented": {
        "en": "{what}: not implemented yet (the function raised NotImplementedError)",
        "ko": "{what}: 아직 구현하지 않았다 (함수가 NotImplementedError를 일으켰다)",
    },
    "raised": {
        "en": "{what}: your function raised {ename}: {evalue}",
        "ko": "{what}: 작성한 함수가 {ename} 예외를 일으켰다: {evalue}",
    },
    "modified_input": {
        "en": "{what}: your function modified its input array in place; compute a new array instead",
        "ko": "{what}: 작성한 함수가 입력 array를 그 자리에서 바꾸었다(in place); 새 array를 만들어 계산해야 한다",
    },
    "got_none": {
        "en": "{what}: expected an array, got None (did you forget `return`?)",
        "ko": "{what}: array가 와야 하는데 None이 왔다 (`return`을 빠뜨리지 않았는가?)",
    },
    "got_tuple": {
        "en": "{what}: expected one array, got a tuple of {n} items",
        "ko": "{what}: array 하나가 와야 하는데 원소 {n}개의 tuple이 왔다",
    },
    "not_numbers": {
        "en": "{what}: expected an array of numbers, got {got} ({detail})",
        "ko": "{what}: 숫자 array가 와야 하는데 {got}이(가) 왔다 ({detail})",
    },
    "shape_mismatch": {
        "en": "{what}: expected shape {expected}, got shape {got}",
        "ko": "{what}: shape {expected}이어야 하는데 shape {got}이다",
    },
    "not_finite": {
        "en": "{what}: {count} element(s) are NaN or infinite, the first at index {index}",
        "ko": "{what}: 원소 {count}개가 NaN 또는 무한대이다. 첫 번째는 index {index}에 있다",
    },
    "worst_element": {
        "en": "{what}: {off} of {size} element(s) differ by more than {atol}; the worst at index {index}: "
              "expected {expected}, got {got}",
        "ko": "{what}: 원소 {size}개 중 {off}개가 {atol}보다 크게 다르다. 가장 큰 차이는 index {index}: "
              "기대값 {expected}, 실제값 {got}",
    },
    "expected_number": {
        "en": "{what}: expected a number, got {got}",
        "ko": "{what}: 숫자가 와야 하는데 {got}이(가) 왔다",
    },
    "not_finite_number": {
        "en": "{what}: expected a finite number, got {got}",
        "ko": "{what}: 유한한 숫자가 와야 하는데 {got}이(가) 왔다",
    },
    "gradient_flat": {
        "en": "{what}: your forward pass does not change when {name} changes (its numerical gradient is 0 "
              "everywhere), so the gradient check cannot test your backward pass; compute the forward pass first",
        "ko": "{what}: {name}이(가) 바뀌어도 forward pass의 결과가 바뀌지 않는다(numerical gradient가 모든 곳에서 "
              "0이다). 그래서 gradient check로 backward pass를 확인할 수 없다. forward pass부터 계산해야 한다",
    },
    # -- coursework.grading.execute: how a cell ended -----------------------------------
    "timed_out": {
        "en": "timed out after {timeout} s in cell {cell}",
        "ko": "cell {cell}에서 {timeout}초 제한 시간을 넘겼다",
    },
    "unresponsive": {
        "en": "timed out after {timeout} s in cell {cell} and ignored the interrupt; the kernel was stopped",
        "ko": "cell {cell}에서 {timeout}초 제한 시간을 넘기고 중단 요청도 무시해 kernel을 멈추었다",
    },
    "kernel_died": {
        "en": "the kernel died in cell {cell} ({detail})",
        "ko": "cell {cell}에서 kernel이 죽었다 ({detail})",
    },
    "not_run": {
        "en": "not run: {detail}",
        "ko": "실행되지 않았다: {detail}",
    },
    "cell_raised": {
        "en": "cell {cell} raised {error}",
        "ko": "cell {cell}에서 예외가 발생했다: {error}",
    },
    "check_timed_out": {
        "en": "timed out after {timeout} s",
        "ko": "{timeout}초 제한 시간을 넘겼다",
    },
    "in_your_cell": {
        "en": "in your cell {cell}, line {line}: {text}",
        "ko": "작성한 cell {cell}의 {line}번째 줄: {text}",
    },
    # -- coursework.grading.rules: why an exercise lost its points ----------------------
    "exercise_zero": {
        "en": "Exercise {name} scores 0: {why}",
        "ko": "문제 {name}은(는) 0점이다: {why}",
    },
    "must_run_to_end": {
        "en": " (the answer cell must run to its end without error)",
        "ko": " (답안 cell은 오류 없이 끝까지 실행되어야 한다)",
    },
    "answer_missing": {
        "en": "The answer cell {cell} is missing from the notebook.",
        "ko": "답안 cell {cell}이(가) notebook에 없다.",
    },
    "output_cut": {
        "en": "The output of cell {cell} was cut: {bytes} bytes over the limit were dropped.",
        "ko": "cell {cell}의 출력이 잘렸다: 한도를 넘은 {bytes} bytes를 버렸다.",
    },
    "wrote_stderr": {
        "en": "wrote to stderr (a check must not warn): {first}",
        "ko": "stderr에 출력했다 (check는 경고를 내면 안 된다): {first}",
    },
    "no_points": {
        "en": "no points (no error output)",
        "ko": "점수 없음 (오류 출력 없음)",
    },
    # -- coursework.grading.feedback_html: the page's fixed text -------------------------
    "fb_title": {
        "en": "Your grade, exercise by exercise",
        "ko": "문제별 점수",
    },
    "fb_col_exercise": {"en": "exercise", "ko": "문제"},
    "fb_col_points": {"en": "points", "ko": "점수"},
    "fb_see_below": {
        "en": "see What to fix below",
        "ko": "아래의 '고칠 것'을 보라",
    },
    "fb_notes": {"en": "Notes from the grader", "ko": "채점 메모"},
    "fb_explain": {
        "en": "Each check that lost points is listed below with what was wrong; checks marked as checked when "
              "graded ran on inputs you do not see, so only their message is shown.",
        "ko": "점수를 잃은 check마다 무엇이 틀렸는지 아래에 적혀 있다. 채점 때 실행되는 check는 보이지 않는 입력으로 "
              "실행되므로 그 메시지만 보여 준다.",
    },
    "fb_full_marks": {
        "en": "Full marks: every check passed.",
        "ko": "만점: 모든 check를 통과했다.",
    },
    "fb_grading_note": {"en": "Grading note:", "ko": "채점 메모:"},
    "fb_what_to_fix": {"en": "**What to fix** (each check that lost points, in notebook order)",
                       "ko": "**고칠 것** (점수를 잃은 check, notebook 순서대로)"},
    "fb_no_message": {"en": "no message", "ko": "메시지 없음"},
    "fb_where": {"en": "where: {where}", "ko": "위치: {where}"},
    "fb_answer_line": {"en": "your answer cell `{cell}`, line {line}", "ko": "답안 cell `{cell}`, {line}번째 줄"},
    "fb_cell_line": {"en": "cell In[{count}], line {line}", "ko": "cell In[{count}], {line}번째 줄"},
    "fb_restored": {
        "en": "This check was {how} in your notebook; it was restored from the assignment before grading.",
        "ko": "이 check는 제출한 notebook에서 {how}. 채점 전에 과제의 원래 cell로 되돌렸다.",
    },
    "fb_how_deleted": {"en": "deleted", "ko": "삭제되었다"},
    "fb_how_edited": {"en": "edited", "ko": "수정되었다"},
    "fb_hidden_message": {
        "en": "(its message is not shown for a hidden check)",
        "ko": "(숨겨진 check에서는 그 메시지를 보여 주지 않는다)",
    },
    "fb_page_heading": {"en": "{assignment}: feedback for {student}", "ko": "{assignment}: {student}의 피드백"},
    "fb_score": {"en": "Score: {score} / {points}", "ko": "점수: {score} / {points}"},
    "fb_not_graded": {"en": "Your submission could not be graded:", "ko": "제출물을 채점할 수 없었다:"},
    "fb_no_notebook": {"en": "no notebook was found", "ko": "notebook을 찾지 못했다"},
}

# "your function raised <Name>" in every language, for redacting a hidden check's message.
_RAISED_HEAD = {"en": "your function raised {ename}", "ko": "작성한 함수가 {ename} 예외를 일으켰다"}


def msg(key: str, lang: str | None = None, **fields: object) -> str:
    """The catalog's text ``key`` in ``lang`` (default: :func:`language`), filled with ``fields``."""
    try:
        texts = CATALOG[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in the catalog coursework.i18n.messages") from None
    code = check_language(lang, "lang") if lang else language()
    text = texts.get(code) or texts["en"]
    try:
        return text.format(**fields)
    except KeyError as exc:
        raise KeyError(f"message {key!r} needs the field {exc.args[0]!r}") from None


def student_exception_pattern() -> re.Pattern:
    """Matches ``<your function raised Name>: <the student's text>`` in any language; group 1
    is the part before the student's text."""
    heads = "|".join(re.escape(h).replace(re.escape("{ename}"), r"[A-Za-z_][\w.]*") for h in _RAISED_HEAD.values())
    return re.compile(rf"((?:{heads})): .*", re.S)
