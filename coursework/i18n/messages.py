"""The catalog of what students read, in each language: ``msg(key, **fields)``.

Each entry is a format string per language; the fields (names, numbers, shapes, indices)
are filled in the same way in both, so a message says the same thing with the same numbers
in either language. A key missing from the catalog, or a field a text needs and did not get,
raises ``KeyError`` naming it: a typo must not reach a student as a half-filled sentence.

Korean follows the course's style guide, ``docs/korean-style.md``: the lecture note's plain
``…다`` sentences, technical terms as the note writes them (``glossary.csv``), code names in
English, no particle right after a field whose value's sound is unknown (``{got} 객체가``,
not ``{got}이(가)``), and no "…다:" (``… 일으켰다. 메시지: {evalue}``);
``tests/i18n/test_korean_style.py`` checks every Korean text here.
"""

from __future__ import annotations

import re
from typing import Callable

from .settings import check_language, language

__all__ = ["CATALOG", "msg", "fill", "speaker", "student_exception_pattern"]

CATALOG: dict[str, dict[str, str]] = {
    # -- grader_tests.harness: what a failed check says ---------------------------------
    "expected_function": {
        "en": "{what}: expected a function, got {got}",
        "ko": "{what}: 함수가 와야 하는데 {got} 객체가 왔다",
    },
    "not_implemented": {
        "en": "{what}: not implemented yet (the function raised NotImplementedError)",
        "ko": "{what}: 아직 구현하지 않았다 (함수가 NotImplementedError를 일으켰다)",
    },
    "raised": {
        "en": "{what}: your function raised {ename}: {evalue}",
        "ko": "{what}: 작성한 함수가 {ename} 예외를 일으켰다. 메시지: {evalue}",
    },
    "modified_input": {
        "en": "{what}: your function modified its input array in place; compute a new array instead",
        "ko": "{what}: 작성한 함수가 입력 array를 그 자리에서(in place) 바꾸었다. 새 array를 만들어 계산해야 한다",
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
        "ko": "{what}: 수로 된 array가 와야 하는데 {got} 객체가 왔다 ({detail})",
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
        "ko": "{what}: 원소 {size}개 가운데 {off}개가 {atol}보다 크게 다르다. 가장 크게 다른 곳은 index {index}이고, "
              "기댓값 {expected}, 실제 값 {got}이다",
    },
    "expected_number": {
        "en": "{what}: expected a number, got {got}",
        "ko": "{what}: 수가 와야 하는데 {got}이다",
    },
    "not_finite_number": {
        "en": "{what}: expected a finite number, got {got}",
        "ko": "{what}: 유한한 수가 와야 하는데 {got}이다",
    },
    "expected_value": {
        "en": "{what}: expected {want:.6g}, got {got:.6g}{hint}",
        "ko": "{what}: {want:.6g}이어야 하는데 {got:.6g}이다{hint}",
    },
    "an_object": {"en": "an object of type {type}", "ko": "{type} 형식의 객체"},
    "an_array": {"en": "an array of shape {shape}", "ko": "shape가 {shape}인 array"},
    "gradient_of": {"en": "{what}: the numerical gradient of {name}", "ko": "{what}: {name}의 numerical gradient"},
    "gradient_flat": {
        "en": "{what}: your forward pass does not change when {name} changes (its numerical gradient is 0 "
              "everywhere), so the gradient check cannot test your backward pass; compute the forward pass first",
        "ko": "{what}: {name}의 값이 바뀌어도 forward pass의 결과가 바뀌지 않는다(numerical gradient가 모든 곳에서 "
              "0이다). 그래서 gradient check로 backward pass를 확인할 수 없다. forward pass부터 계산해야 한다",
    },
    # -- coursework.grading.execute.notebook: how a cell ended -----------------------------------
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
        "ko": "실행하지 않았다. 이유: {detail}",
    },
    "cell_raised": {
        "en": "cell {cell} raised {error}",
        "ko": "cell {cell}에서 예외가 발생했다. 예외: {error}",
    },
    "check_timed_out": {
        "en": "timed out after {timeout} s",
        "ko": "{timeout}초 제한 시간을 넘겼다",
    },
    "in_your_cell": {
        "en": "in your cell {cell}, line {line}: {text}",
        "ko": "작성한 cell {cell}의 {line}번째 줄: {text}",
    },
    # -- coursework.grading.judge.judge: when the student's kernel does not play along ---------
    "judge_bad_data": {
        "en": "the kernel answered with data that cannot be checked ({why})",
        "ko": "kernel이 확인할 수 없는 데이터로 답했다 ({why})",
    },
    "judge_no_answer": {
        "en": "the kernel did not answer the judge ({why}); did your code change or remove the grader's agent?",
        "ko": "kernel이 채점기에 답하지 않았다 ({why}). 작성한 코드가 채점기의 agent를 바꾸거나 지우지 않았는가?",
    },
    "judge_no_reply": {"en": "no reply", "ko": "응답 없음"},
    "judge_kernel_died": {"en": "the kernel died", "ko": "kernel이 죽었다"},
    "judge_kernel_stopped": {
        "en": "the kernel did not stop after the time limit and was stopped",
        "ko": "제한 시간이 지나도 kernel이 멈추지 않아 강제로 멈추었다",
    },
    # -- coursework.grading.judge.rules: why an exercise lost its points ----------------------
    "exercise_zero": {
        "en": "Exercise {name} scores 0: {why}",
        "ko": "연습 문제 {name}의 점수는 0점이다. 이유: {why}",
    },
    "must_run_to_end": {
        "en": " (the answer cell must run to its end without error)",
        "ko": " (답안 cell은 오류 없이 끝까지 실행되어야 한다)",
    },
    "answer_missing": {
        "en": "The answer cell {cell} is missing from the notebook.",
        "ko": "notebook에 답안 cell {cell} 자체가 없다.",
    },
    "output_cut": {
        "en": "The output of cell {cell} was cut: {bytes} bytes over the limit were dropped.",
        "ko": "cell {cell}의 출력이 잘렸다. 한도를 넘은 {bytes} byte를 버렸다.",
    },
    "wrote_stderr": {
        "en": "wrote to stderr (a check must not warn): {first}",
        "ko": "stderr에 출력했다(check는 경고를 내면 안 된다). 출력: {first}",
    },
    "check_missing": {"en": "this check is missing from the notebook", "ko": "notebook에 이 check가 없다"},
    "no_points": {
        "en": "no points (no error output)",
        "ko": "점수 없음 (오류 출력 없음)",
    },
    # -- coursework.grading.selfcheck: what `coursework check` prints --------------------
    "sc_no_notebook": {"en": "no such notebook: {path}", "ko": "그런 notebook이 없다. 경로: {path}"},
    "sc_ran": {"en": "{name}: ran in {seconds:.1f} s", "ko": "{name}: {seconds:.1f}초 동안 실행했다"},
    "sc_stopped": {"en": "the run stopped early: {why}", "ko": "실행이 중간에 멈추었다. 이유: {why}"},
    "sc_exercise": {"en": "{name}: {score:g} / {points:g} points{later}",
                    "ko": "{name}: {score:g} / {points:g}점{later}"},
    "sc_exercise_later": {"en": "   (+{points:g} checked when graded)", "ko": "   (+{points:g}점은 채점할 때 확인한다)"},
    "sc_pending": {"en": "checked when graded ({points:g} point(s))", "ko": "채점할 때 확인한다 ({points:g}점)"},
    "sc_pass": {"en": "PASS", "ko": "통과"},
    "sc_fail": {"en": "FAIL", "ko": "실패"},
    "sc_other_cells": {"en": "other cells that failed:", "ko": "오류가 난 다른 cell:"},
    "sc_all_pass": {"en": "all visible checks pass", "ko": "공개된 check를 모두 통과했다"},
    "sc_failed": {"en": "{n} check(s) failed", "ko": "check {n}개를 통과하지 못했다"},
    "sc_later": {"en": "; {points:g} more point(s) are checked when your work is graded",
                 "ko": ". 나머지 {points:g}점은 채점할 때 확인한다"},
    "sc_total": {"en": "visible checks: {have:g} / {total:g} points, {verdict}{later}.",
                 "ko": "공개된 check: {have:g} / {total:g}점, {verdict}{later}."},
    # -- coursework.grading.output.feedback_html: the page's fixed text -------------------------
    "fb_title": {
        "en": "Your grade, exercise by exercise",
        "ko": "문제별 점수",
    },
    "fb_col_exercise": {"en": "exercise", "ko": "문제"},
    "fb_col_points": {"en": "points", "ko": "점수"},
    "fb_see_below": {
        "en": "see What to fix below",
        "ko": "아래 '고칠 것' 참고",
    },
    "fb_notes": {"en": "Notes from the grader", "ko": "채점 메모"},
    "fb_explain": {
        "en": "Each check that lost points is listed below with what was wrong; checks marked as checked when "
              "graded ran on inputs you do not see, so only their message is shown.",
        "ko": "점수를 잃은 check마다 무엇이 틀렸는지 아래에 적었다. '채점할 때 확인한다'고 적힌 check(공개되지 않은 "
              "check)는 공개되지 않은 입력으로 실행했으므로 메시지만 보여 준다.",
    },
    "fb_full_marks": {
        "en": "Full marks: every check passed.",
        "ko": "만점이다. 모든 check를 통과했다.",
    },
    "fb_grading_note": {"en": "Grading note:", "ko": "채점 메모:"},
    "fb_what_to_fix": {"en": "**What to fix** (each check that lost points, in notebook order)",
                       "ko": "**고칠 것** (점수를 잃은 check, notebook 순서대로)"},
    "fb_no_message": {"en": "no message", "ko": "메시지 없음"},
    "fb_where": {"en": "where: {where}", "ko": "위치: {where}"},
    "fb_fix_where": {"en": " — {where}", "ko": " (위치: {where})"},
    # nbgrader's feedback template (its English is replaced in the rendered page)
    "fb_tpl_check": {"en": "Check:", "ko": "check 이름:"},
    "fb_tpl_answer": {"en": "Student's answer", "ko": "작성한 답안"},
    "fb_tpl_score": {"en": "Score:", "ko": "점수:"},
    "fb_tpl_top": {"en": "Top", "ko": "맨 위로"},
    "fb_tpl_comments": {"en": "Comments:", "ko": "채점자 의견:"},
    "fb_answer_line": {"en": "your answer cell `{cell}`, line {line}", "ko": "답안 cell `{cell}`, {line}번째 줄"},
    "fb_cell_line": {"en": "cell In[{count}], line {line}", "ko": "cell In[{count}], {line}번째 줄"},
    "fb_restored": {
        "en": "This check was {how} in your notebook; it was restored from the assignment before grading.",
        "ko": "이 check는 제출한 notebook에서 {how}. 채점 전에 과제의 원래 cell로 되돌렸다.",
    },
    "restored_cell": {
        "en": "The {what} {grade_id!r} was {how} in your notebook; it was restored from the assignment before grading.",
        "ko": "제출한 notebook에서 {what}({grade_id!r})이 {how}. 채점 전에 과제의 원래 cell로 되돌렸다.",
    },
    "restored_forged": {
        "en": "A cell of your notebook claimed to be the graded cell {grade_id!r}, which the assignment has once or "
              "not at all; it was graded as an ordinary cell.",
        "ko": "제출한 notebook의 cell 하나가 자신을 채점 cell({grade_id!r})로 표시했지만, 과제에서 그 cell은 한 번만 "
              "있거나 아예 없다. 그래서 보통 cell로 채점했다.",
    },
    "cell_test": {"en": "test cell", "ko": "채점 cell"},
    "cell_locked": {"en": "locked cell", "ko": "잠긴 cell"},
    "fb_how_deleted": {"en": "deleted", "ko": "삭제되었다"},
    "fb_how_edited": {"en": "edited", "ko": "수정되었다"},
    "fb_hidden_message": {
        "en": "(its message is not shown for a hidden check)",
        "ko": "(공개되지 않은 check는 메시지를 보여 주지 않는다)",
    },
    "fb_after_hidden": {
        "en": "What this cell printed or displayed is not shown, nor the text of its errors: it ran after a "
              "hidden check had sent its inputs to your kernel.",
        "ko": "이 cell이 출력하거나 표시한 내용과 오류 메시지는 보여 주지 않는다. 공개되지 않은 check가 입력을 "
              "kernel에 보낸 뒤에 실행되었기 때문이다.",
    },
    "fb_after_hidden_message": {
        "en": "(message not shown: this cell ran after a hidden check's inputs reached your kernel)",
        "ko": "(메시지는 보여 주지 않는다. 이 cell은 공개되지 않은 check의 입력이 kernel에 들어간 뒤에 실행되었다)",
    },
    "page_output_dropped": {
        "en": "(an output of type {kinds} is not shown: the course's pages show no scripts, widgets or "
              "malformed data from a submission)",
        "ko": "({kinds} 형식의 출력은 보여 주지 않는다. 강의 페이지는 제출물의 script, widget, 잘못된 데이터를 "
              "보여 주지 않는다)",
    },
    "fb_page_heading": {"en": "{assignment}: feedback for {student}", "ko": "{assignment}: {student}의 피드백"},
    "fb_score": {"en": "Score: {score} / {points}", "ko": "점수: {score} / {points}"},
    "fb_not_graded": {"en": "Your submission could not be graded:", "ko": "제출물을 채점하지 못한 이유:"},
    "fb_no_notebook": {"en": "no notebook was found", "ko": "notebook을 찾지 못했다"},
    # -- what package code prints in the notebooks -------------------------------------------
    "rank_columns": {"en": "name|rank|shape|size|dtype", "ko": "이름|rank|shape|원소 수|dtype"},
    "broadcast_mismatch": {
        "en": "broadcast_steps: shapes {a} and {b} do not broadcast: axis {i} of the padded shapes {pa} and {pb} "
              "has lengths {m} and {n}, neither is 1",
        "ko": "broadcast_steps: 두 shape {a}, {b}에는 broadcasting을 쓸 수 없다. 앞을 1로 채운 shape {pa}, {pb}에서 "
              "axis {i}의 길이가 {m}, {n}이고, 어느 쪽도 1이 아니다",
    },
    "edges_columns": {"en": "node|op|input|upstream|local|downstream", "ko": "node|연산|입력|upstream|local|downstream"},
    "gate_add": {"en": "add distributes: every input gets the upstream gradient",
                 "ko": "add gate는 똑같이 나눠 준다. 모든 입력이 upstream gradient를 그대로 받는다"},
    "gate_mul": {"en": "mul swaps: each input gets upstream × the other input",
                 "ko": "mul gate는 서로 맞바꾼다. 각 입력이 upstream × 다른 입력을 받는다"},
    "gate_max": {"en": "max routes: the larger input gets the upstream gradient, the other 0",
                 "ko": "max gate는 큰 쪽으로만 보낸다. 큰 입력이 upstream gradient를, 다른 입력이 0을 받는다"},
    "gate_copy": {"en": "copy adds: a value used twice gets the sum of both branches' gradients",
                  "ko": "copy gate는 더한다. 두 번 쓰인 값은 두 branch의 gradient를 더한 값을 받는다"},
    # -- coursework.integrity: the similarity report (coursework similarity) --------------
    "sim_title": {"en": "{assignment}: similarity of the answers", "ko": "{assignment}: 답안 유사도"},
    "sim_evidence": {
        "en": "This report is evidence for a person to judge, not a verdict. Similar code can have innocent causes: "
              "the lecture's examples, the usual way to write a short answer, work together that was allowed. "
              "No score was changed.",
        "ko": "이 보고서는 사람이 판단할 근거이며 판정이 아니다. 비슷한 코드에는 정당한 이유가 있을 수 있다. "
              "강의의 예제, 짧은 답을 쓰는 흔한 방법, 허용된 공동 작업이 그렇다. 점수는 바뀌지 않았다.",
    },
    "sim_summary": {
        "en": "{n} submissions, {pairs} pairs compared; {flagged} pairs flagged (score at least {threshold} and at "
              "least {min_matched} matched characters of code).",
        "ko": "제출물 {n}개, 비교한 쌍 {pairs}개. 표시한 쌍은 {flagged}개이다 (점수 {threshold} 이상, 일치한 코드 "
              "{min_matched}자 이상).",
    },
    "sim_method": {
        "en": "Compared: the answer cells only, exercise by exercise, with renamed names, comments, whitespace, "
              "string literals, dead code, loops written as comprehensions and the order of functions undone. "
              "Not counted: the release's own code (starter code, the notebook's cells) and code found in more than "
              "{common} of the answers to an exercise. Score: the share of one student's code that is found in the "
              "other's.",
        "ko": "답안 cell만 문제별로 비교했다. 이름 바꾸기, 주석, 공백, 문자열, 실행되지 않는 코드, comprehension으로 "
              "바꾼 반복문, 함수 순서는 되돌린 뒤에 비교했다. 배포한 notebook의 코드(시작 코드, notebook 자체의 "
              "cell)와 한 문제의 답안 중 {common}보다 많은 답안에 있는 코드는 세지 않았다. 점수는 한 학생의 코드 중 "
              "다른 학생의 코드에서도 발견된 비율이다.",
    },
    "sim_reference_included": {
        "en": "The reference solution is compared as one more submission, named {name}.",
        "ko": "모범 답안도 제출물 하나로 비교했다. 이름은 {name}이다.",
    },
    "sim_reference_name": {"en": "(reference solution)", "ko": "(모범 답안)"},
    "sim_unreadable": {"en": "Not compared: could not be read", "ko": "읽을 수 없어 비교하지 않은 제출물"},
    "sim_flagged_heading": {"en": "Flagged pairs, most similar first", "ko": "표시한 쌍 (유사도가 높은 순)"},
    "sim_none_flagged": {"en": "No pair reaches the threshold.", "ko": "기준에 이른 쌍이 없다."},
    "sim_col_rank": {"en": "#", "ko": "순위"},
    "sim_col_a": {"en": "student A", "ko": "학생 A"},
    "sim_col_b": {"en": "student B", "ko": "학생 B"},
    "sim_col_score": {"en": "score", "ko": "점수"},
    "sim_col_exercises": {"en": "exercises that match", "ko": "일치한 문제"},
    "sim_col_lines": {"en": "matched lines (A / B)", "ko": "일치한 줄 (A / B)"},
    "sim_col_times": {"en": "flagged in", "ko": "표시된 과제 수"},
    "sim_marked": {"en": "Marked lines: code found in both answers.", "ko": "색칠한 줄은 두 답안에 모두 있는 코드이다."},
    "sim_pair_heading": {"en": "{rank}. {a} and {b}: {score}", "ko": "{rank}. {a}, {b}: 점수 {score}"},
    "sim_exercise_heading": {"en": "{exercise}: {similarity} similar", "ko": "{exercise}: 유사도 {similarity}"},
    "sim_more_lines": {"en": "... {lines} more lines", "ko": "... 이하 {lines}줄 생략"},
    "sim_cut": {"en": "(the cell is longer; only its beginning was compared)",
                "ko": "(cell이 더 길다. 앞부분만 비교했다)"},
    "sim_more_pairs": {"en": "{more} more flagged pairs are listed in the table above and in the CSV.",
                       "ko": "표시한 쌍 {more}개가 더 있다. 위의 표와 CSV에 있다."},
    "sim_csv": {"en": "Every pair, with its similarity per exercise: {csv}", "ko": "모든 쌍과 문제별 유사도: {csv}"},
    "sim_repeats_title": {"en": "Pairs flagged in several assignments", "ko": "여러 과제에서 표시된 쌍"},
    "sim_repeats_explain": {
        "en": "Pairs flagged in at least two of the {n} assignments compared, with their score in each (bold: flagged).",
        "ko": "비교한 과제 {n}개 중 두 개 이상에서 표시된 쌍과 과제별 점수이다 (굵은 글씨: 표시됨).",
    },
    "sim_no_repeats": {"en": "No pair is flagged in more than one assignment.",
                       "ko": "두 개 이상의 과제에서 표시된 쌍은 없다."},
}

# "your function raised <Name>" and what comes before the student's text, in every language, for
# redacting a hidden check's message (the "raised" entry above).
_RAISED_HEAD = {"en": ("your function raised {ename}", ": "), "ko": ("작성한 함수가 {ename} 예외를 일으켰다", ". 메시지: ")}


def msg(key: str, lang: str | None = None, **fields: object) -> str:
    """The catalog's text ``key`` in ``lang`` (default: :func:`language`), filled with ``fields``."""
    return fill(CATALOG, "coursework.i18n.messages", key, lang, fields)


def fill(catalog: dict[str, dict[str, str]], name: str, key: str, lang: str | None, fields: dict) -> str:
    """Text ``key`` of ``catalog`` (the module ``name``) in ``lang`` (default: :func:`language`),
    formatted with ``fields``; ``KeyError`` naming an unknown key or a missing field."""
    try:
        texts = catalog[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in the catalog {name}") from None
    code = check_language(lang, "lang") if lang else language()
    text = texts.get(code) or texts["en"]
    try:
        return text.format(**fields)
    except KeyError as exc:
        raise KeyError(f"message {key!r} needs the field {exc.args[0]!r}") from None


def speaker(catalog: dict[str, dict[str, str]], name: str) -> Callable[..., str]:
    """``say(entry, **fields)``: text ``entry`` of ``catalog`` (the module ``name``) in the language
    in force, filled with ``fields`` (:func:`fill`); for a catalog of its own, such as the checks'."""
    def say(entry: str, /, **fields: object) -> str:
        return fill(catalog, name, entry, None, fields)
    return say


def student_exception_pattern() -> re.Pattern:
    """Matches ``<your function raised Name>: <the student's text>`` in any language; group 1
    is "your function raised Name" (without the separator before the student's text)."""
    heads = "|".join(re.escape(h).replace(re.escape("{ename}"), r"[A-Za-z_][\w.]*") for h, _ in _RAISED_HEAD.values())
    seps = "|".join(re.escape(sep) for _, sep in _RAISED_HEAD.values())
    return re.compile(rf"((?:{heads}))(?:{seps}).*", re.S)
