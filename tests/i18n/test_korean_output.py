"""What a Korean student reads besides the checks' messages, in Korean (fast): the text of
``coursework check``, the feedback page's fixed words and its error lines, and the tables and
texts that package code prints in the notebooks. Each is checked with ``latin_only`` (no
sentence left in English outside code and the course's terms) and ``korean_problems`` (the
style guide); the English stays as it was."""

from __future__ import annotations

import io

import nbformat
import numpy as np
import pytest

from coursework.experiments import backprop as bp
from coursework.experiments.tensors import broadcast_steps, format_rank_table, rank_table
from coursework.grading import selfcheck
from coursework.grading.output.feedback_html import StudentErrors, page_text, tidy_page, timeout_in_language
from coursework.grading.judge.rules import check_error
from coursework.i18n.columns import ljust, rjust, width
from coursework.i18n.style import korean_problems
from helpers.korean_text import latin_only


@pytest.fixture
def korean(monkeypatch):
    monkeypatch.setenv("COURSEWORK_LANG", "ko")


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("COURSEWORK_LANG", "en")


def korean_text_ok(text: str) -> None:
    assert latin_only(text) == [], latin_only(text)
    found = [p for line in text.splitlines() for p in korean_problems(line)]
    assert found == [], found


# -- coursework check --------------------------------------------------------------------------------

RESULT = {
    "notebook": "/somewhere/01_features.ipynb", "seconds": 12.34, "stopped": "", "failed": 2, "passed": False,
    "errors": [{"cell": "#7", "message": "cell #7에서 예외가 발생했다. 예외: NameError: name 'x' is not defined"}],
    "exercises": [
        {"name": "color_histogram", "score": 1.0, "points": 4.0, "pending_points": 2.0, "reason": None, "checks": [
            {"grade_id": "hist_shape", "status": "pass", "points": 1.0, "score": 1.0, "message": None},
            {"grade_id": "hist_values", "status": "fail", "points": 2.0, "score": 0.0,
             "message": "color_histogram(shape가 (6, 5, 3)인 hist_image, bins=2): shape (8,)이어야 하는데 "
                        "shape (2, 2, 2)이다"},
            {"grade_id": "hist_hidden", "status": "pending", "points": 2.0, "score": None, "message": None}]},
        {"name": "image_gradients", "score": 0.0, "points": 1.0, "pending_points": 0.0,
         "reason": "연습 문제 'image_gradients'의 점수는 0점이다. 이유: cell 'image_gradients'에서 10초 제한 시간을 넘겼다",
         "checks": [{"grade_id": "grad_visible", "status": "fail", "points": 1.0, "score": 0.0,
                     "message": "연습 문제 'image_gradients'의 점수는 0점이다. 이유: ..."}]}],
}


def _printed() -> str:
    out = io.StringIO()
    selfcheck._print(RESULT, out)
    return out.getvalue()


def test_coursework_check_prints_korean_in_a_korean_course(korean):
    text = _printed()
    korean_text_ok(text)
    assert "01_features.ipynb: 12.3초 동안 실행했다" in text
    assert "color_histogram: 1 / 4점   (+2점은 채점할 때 확인한다)" in text
    assert "채점할 때 확인한다 (2점)" in text and "오류가 난 다른 cell:" in text
    assert text.rstrip().endswith("공개된 check: 1 / 5점, check 2개를 통과하지 못했다. 나머지 2점은 채점할 때 확인한다.")
    rows = [line for line in text.splitlines() if "hist_" in line or "grad_visible" in line]
    assert [line.split()[0] for line in rows] == ["통과", "실패", "....", "실패"]
    # the grade ids start in the same column of a terminal: 통과 and 실패 take PASS's four
    assert len({width(line[:line.index(gid)]) for line, gid in
                zip(rows, ("hist_shape", "hist_values", "hist_hidden", "grad_visible"))}) == 1


def test_coursework_check_in_english_is_unchanged(english):
    text = _printed()
    assert "01_features.ipynb: ran in 12.3 s" in text and "    PASS  hist_shape" in text
    assert "checked when graded (2 point(s))" in text
    assert text.rstrip().endswith("visible checks: 1 / 5 points, 2 check(s) failed; 2 more point(s) are checked "
                                  "when your work is graded.")


# -- the feedback page -----------------------------------------------------------------------------------

TEMPLATE = ('<head></head><div class="panel-heading">\n<h4>01_features (Score: 3.0 / 16.0)</h4>'
            '<div id="toc"><ol><li><a href="#c1">Test cell</a></li></ol></div>'
            '<span class="nbgrader-label">Student\'s answer</span><span class="pull-right"><a href="#top">(Top)</a>'
            '</span><span class="nbgrader-label">Grade cell: <code>c1</code></span>'
            '<span class="pull-right">\n      Score: 1.0 / 1.0 <a href="#top">(Top)</a>\n</span>'
            '<div><b>Comments:</b> good</div>'
            '<p>a student wrote: Score: (Top) Student\'s answer</p>')


def test_the_template_words_are_korean_in_a_korean_course(korean):
    text = page_text(tidy_page(TEMPLATE))
    assert text.startswith("01_features (점수: 3.0 / 16.0)")
    for said in ("작성한 답안", "check 이름: c1", "점수: 1.0 / 1.0 (맨 위로)", "채점자 의견: good"):
        assert said in text
    assert "a student wrote: Score: (Top) Student's answer" in text     # a student's own text stays as it was
    assert "Test cell" not in text and "Grade cell" not in text


def test_the_template_words_stay_english_in_an_english_course(english):
    text = page_text(tidy_page(TEMPLATE))
    assert text.startswith("01_features (Score: 3.0 / 16.0)")
    assert "Student's answer(Top)Check: c1 Score: 1.0 / 1.0 (Top) Comments: good" in text


def _check_cell(ename: str, evalue: str):
    cell = nbformat.v4.new_code_cell("checks.check_x(f)", metadata={
        "nbgrader": {"grade_id": "x_check", "grade": True, "points": 1, "solution": False, "score": 0}})
    cell.outputs = [nbformat.from_dict({"output_type": "error", "ename": ename, "evalue": evalue,
                                        "traceback": [f"{ename}: {evalue}"]})]
    return cell


def _what_to_fix(cells) -> tuple[str, list]:
    nb = nbformat.v4.new_notebook()
    summary = nbformat.v4.new_markdown_cell("## summary", metadata={"coursework": "summary"})
    nb.cells = [summary, *cells]
    nb, _ = StudentErrors().preprocess(nb, {})
    return nb.cells[0].source, [c.outputs[0].traceback for c in nb.cells[1:]]


def test_a_checks_verdict_is_its_message_alone_in_korean(korean):
    message = "f(shape가 (3,)인 x): shape (3,)이어야 하는데 shape (1, 3)이다"
    summary, tracebacks = _what_to_fix([_check_cell("AssertionError", message),
                                        _check_cell("NameError", "name 'f' is not defined")])
    assert tracebacks == [[message], ["NameError: name 'f' is not defined"]]
    assert f"(0 / 1): {message}" in summary and "AssertionError" not in summary
    assert "**고칠 것**" in summary and "What to fix" not in summary


def test_a_checks_verdict_keeps_its_python_name_in_english(english):
    summary, tracebacks = _what_to_fix([_check_cell("AssertionError", "f(x): expected 1, got 2")])
    assert tracebacks == [["AssertionError: f(x): expected 1, got 2"]]
    assert "(0 / 1): AssertionError: f(x): expected 1, got 2" in summary


def test_check_error_and_the_timeout_of_a_cell_follow_the_language(monkeypatch):
    for lang, verdict, timeout in (("en", "AssertionError: wrong", "timed out after 10 s"),
                                   ("ko", "wrong", "10초 제한 시간을 넘겼다")):
        monkeypatch.setenv("COURSEWORK_LANG", lang)
        assert check_error("AssertionError", "wrong") == verdict
        assert check_error("NotRun", "") == "NotRun" and check_error("KeyError", "'a'") == "KeyError: 'a'"
        assert timeout_in_language("CellTimeoutError", "timed out after 10 s") == timeout
        assert timeout_in_language("ValueError", "timed out after 10 s") == "timed out after 10 s"


# -- what package code prints in the notebooks -------------------------------------------------------------

ARRAYS = {"scalar": np.float64(0.5), "vector": np.ones(3), "matrix": np.eye(2, 3),
          "image (the cat)": np.zeros((300, 451, 3), np.uint8), "batch of images": np.zeros((16, 64, 64, 3)),
          "video": np.zeros((6, 150, 150, 3)), "batch of 1 video": np.zeros((1, 6, 150, 150, 3))}


def test_the_rank_table_is_korean_and_lines_up_on_a_terminal(korean):
    text = format_rank_table(rank_table(ARRAYS))
    korean_text_ok(text)
    lines = text.splitlines()
    assert lines[0].split() == ["이름", "rank", "shape", "원소", "수", "dtype"]
    assert [line.split("  ")[0].strip() for line in lines[2:]] == [
        "scalar", "vector", "matrix", "이미지 (고양이)", "이미지의 batch", "video", "video 하나짜리 batch"]
    # every column starts at the same display column: the separator line's dashes mark them
    starts = [i for i, ch in enumerate(lines[1]) if ch == "-" and (i == 0 or lines[1][i - 1] == " ")]
    for line, array in zip(lines[2:], ARRAYS.values()):
        assert width(line[:line.index(str(array.shape))]) == starts[2], line


def test_the_rank_table_in_english_is_unchanged(english):
    lines = format_rank_table(rank_table(ARRAYS)).splitlines()
    assert lines[0].split() == ["name", "rank", "shape", "size", "dtype"]
    assert lines[6].startswith("batch of images  ")


def test_broadcast_steps_says_why_in_korean(korean):
    with pytest.raises(ValueError) as info:
        broadcast_steps((8, 3, 32, 32), (3,))
    said = str(info.value)
    korean_text_ok(said)
    assert said == ("broadcast_steps: 두 shape (8, 3, 32, 32), (3,)에는 broadcasting을 쓸 수 없다. 앞을 1로 채운 "
                    "shape (8, 3, 32, 32), (1, 1, 1, 3)에서 axis 3의 길이가 32, 3이고, 어느 쪽도 1이 아니다")


def test_the_edge_table_and_the_gate_rules_are_korean(korean):
    from coursework.graph import Value

    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    table = bp.format_edges(bp.edge_gradients(f))
    korean_text_ok(table)
    head, rule, *rows = table.splitlines()
    assert head.split() == ["node", "연산", "입력", "|", "upstream", "x", "local", "=", "downstream"]
    assert width(head) == len(rule) == len(rows[0])
    patterns = bp.gate_patterns()
    rules = [p["rule"] for p in patterns.values()]
    korean_text_ok("\n".join(rules))
    assert [p["pattern"] for p in patterns.values()] == ["add distributes", "mul swaps", "max routes", "copy adds"]


def test_the_gate_figure_titles_stay_the_patterns(korean):
    import matplotlib.pyplot as plt

    fig = bp.draw_gate_patterns()
    assert [ax.get_title() for ax in fig.axes] == ["add gate: 똑같이 나눠 준다", "mul gate: 서로 맞바꾼다",
                                                    "max gate: 큰 쪽으로만 보낸다", "copy gate: 더한다"]
    plt.close(fig)


def test_columns_count_a_hangul_syllable_as_two():
    assert width("이름") == 4 and width("name") == 4 and width("e\u0301") == 1
    assert ljust("이름", 6) == "이름  " and rjust("입력", 6) == "  입력" and rjust("toolong", 3) == "toolong"


def test_the_notes_on_restored_cells_follow_the_language(monkeypatch):
    from coursework.grading.judge.restore import Restored

    cells = (Restored("hist_values", "deleted", True), Restored("setup", "edited", False),
             Restored("bonus", "forged", True))
    monkeypatch.setenv("COURSEWORK_LANG", "ko")
    said = [r.sentence() for r in cells]
    korean_text_ok("\n".join(said))
    assert said[0] == "제출한 notebook에서 채점 cell('hist_values')이 삭제되었다. 채점 전에 과제의 원래 cell로 되돌렸다."
    assert said[1].startswith("제출한 notebook에서 잠긴 cell('setup')이 수정되었다.") and "'bonus'" in said[2]
    monkeypatch.setenv("COURSEWORK_LANG", "en")
    assert [r.sentence() for r in cells][:2] == [
        "The test cell 'hist_values' was deleted in your notebook; it was restored from the assignment before grading.",
        "The locked cell 'setup' was edited in your notebook; it was restored from the assignment before grading."]
