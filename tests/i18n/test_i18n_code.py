"""Code cells in Korean: comments and printed text only, never the code (coursework.i18n.code).
The rule can fail (a changed key, title, field or marker is refused); the release refuses a
Korean cell that breaks it; the drift check names a code cell whose English changed; and in
the real notebooks every code cell a student reads is Korean once released in Korean."""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from coursework.grading.judge.restore import restore_cells
from coursework.i18n.code import code_differences, english_only, every_language, is_graded, student_text
from coursework.i18n.notebooks import drift, localize, record_translation, text_in
from coursework.i18n.style import korean_problems
from helpers.nbgrader_course import REPO

SOURCES = sorted(REPO.glob("solutions/[0-9]*/*.ipynb"))
IDS = [p.parent.name for p in SOURCES]

DEMO = '''%matplotlib inline
rows = {"pixels": 1}                                   # the four representations
plot(rows, title="your histogram, 4 bins per channel")
print("largest difference:", abs(a - b), f"{name:>18}: {acc:.1%}", collapse["stack"])
print(f"{'setting':>20} {x['key']:>9}" + ", ".join(f"batch {b}: {n} iterations" for b in bs))
'''
CHECK = '''# 2 points: random images, checked when your work is graded
### BEGIN HIDDEN TESTS
from grader_tests.hidden import features as hidden
hidden.check_histogram_random(color_histogram)
### END HIDDEN TESTS
'''


@pytest.mark.parametrize("korean", [
    DEMO.replace("# the four representations", "# 네 가지 표현"),
    DEMO.replace('"largest difference:"', '"가장 큰 차이:"'),
    DEMO.replace("{name:>18}: {acc:.1%}", "{name:>16} 정확도: {acc:.1%}"),               # text and width
    DEMO.replace("{'setting':>20}", "{'설정':>18}").replace("batch {b}: {n} iterations", "batch {b}: iteration {n}번"),
])
def test_a_demo_cell_may_change_its_comments_and_printed_text(korean):
    assert code_differences(DEMO, korean, graded=False) == []


@pytest.mark.parametrize("korean", [
    DEMO.replace('collapse["stack"]', 'collapse["스택"]'),                  # a key, not text
    DEMO.replace('title="your histogram', 'title="작성한 histogram'),        # figures translate their own text
    DEMO.replace('"pixels"', '"픽셀"'),                                     # a data key
    DEMO.replace("{acc:.1%}", "{acc * 100:.1f}"),                            # a field's expression
    DEMO.replace("{name:>18}: {acc:.1%}", "{acc:.1%}: {name:>18}"),          # the fields' order
    DEMO.replace("abs(a - b)", "abs(b - a)"),
    DEMO.replace("x['key']", "x['열쇠']"),
])
def test_a_demo_cell_may_not_change_its_code(korean):
    assert code_differences(DEMO, korean, graded=False), korean


def test_a_graded_cell_may_change_its_comments_only():
    assert code_differences(CHECK, CHECK.replace("# 2 points: random images, checked when your work is graded",
                                                 "# 2점: 무작위 이미지, 채점할 때 확인한다"), graded=True) == []
    assert code_differences(CHECK, CHECK.replace("color_histogram)", "color_histogram)  # 작성한 함수"), graded=True) == []
    assert code_differences(CHECK, CHECK.replace("### END HIDDEN TESTS", "### 끝"), graded=True)
    assert code_differences(CHECK, CHECK.replace("(color_histogram)", "(color_histogram, )"), graded=False) == []
    printing = 'print("largest difference:", d)\n'
    assert code_differences(printing, printing.replace("largest difference", "가장 큰 차이"), graded=False) == []
    assert code_differences(printing, printing.replace("largest difference", "가장 큰 차이"), graded=True)
    assert code_differences("x = 1\n", "x = (\n", graded=False)[0].startswith("not valid Python")


def _notebook():
    check = new_code_cell(CHECK, metadata={"nbgrader": {"grade": True, "grade_id": "hist_hidden", "locked": True,
                                                        "points": 2, "solution": False, "schema_version": 3}})
    nb = new_notebook(cells=[new_code_cell(DEMO), check])
    record_translation(nb.cells[0], "ko", DEMO.replace("# the four representations", "# 네 가지 표현"))
    record_translation(nb.cells[1], "ko", CHECK.replace("# 2 points: random images, checked when your work is graded",
                                                        "# 2점: 무작위 이미지, 채점할 때 확인한다"))
    return nb


def test_localize_puts_the_korean_comments_in_and_refuses_changed_code():
    nb = _notebook()
    ko = localize(nb, "ko")
    assert "# 네 가지 표현" in ko.cells[0].source and ko.cells[1].source.startswith("# 2점:")
    assert "coursework" not in ko.cells[1].metadata and localize(nb, "en").cells[1].source == CHECK
    nb.cells[1].metadata["coursework"]["i18n"]["ko"]["source"] += "x = 1\n"
    with pytest.raises(ValueError, match=r"code cell\(s\) changes the code: cell 1 \('hist_hidden'"):
        localize(nb, "ko")


def test_drift_names_a_code_cell_whose_english_changed():
    nb = _notebook()
    assert drift(nb, "demo") == []
    nb.cells[0].source = nb.cells[0].source.replace("bins per channel", "bins")
    found = drift(nb, "demo")
    assert [d.index for d in found] == [0] and "its ko comments" in found[0].why


def test_a_submission_from_the_other_language_is_not_told_it_edited_a_check():
    source = _notebook()
    korean_release = localize(source, "ko")
    english_submission = localize(source, "en")
    assert restore_cells(english_submission, source, korean_release) == []
    edited = copy.deepcopy(english_submission)
    edited.cells[1].source = edited.cells[1].source.replace("color_histogram", "lambda x: 1")
    assert [r.how for r in restore_cells(edited, source, korean_release)] == ["edited"]
    assert every_language(source.cells[1])[1].startswith("# 2점")


# -- the real notebooks -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_every_korean_code_cell_is_the_same_program(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        ko = text_in(cell, "ko") if cell.cell_type == "code" else None
        if ko is not None:
            assert code_differences(cell.source, ko, is_graded(cell)) == [], f"{path.parent.name}, cell {i}"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_what_a_student_reads_in_the_korean_code_is_korean_and_follows_the_guide(path):
    ko = localize(nbformat.read(path, as_version=4), "ko")
    english, problems, points = [], [], 0
    for i, cell in enumerate(ko.cells):
        if cell.cell_type != "code":
            continue
        texts = student_text(cell.source)
        english += [f"cell {i}: {t!r}" for t in english_only(texts)]
        problems += [f"cell {i}: {p}" for t in texts if any("가" <= ch <= "힣" for ch in t) for p in korean_problems(t)]
        points += sum(t.startswith(("1점:", "2점:")) for t in texts)
        assert not any(t.startswith(("1 point", "2 points")) for t in texts), f"cell {i}: an English point comment"
    assert not english, "still English in the Korean release:\n  " + "\n  ".join(english)
    assert not problems, "\n  ".join(problems)
    assert points >= 9, f"{path.parent.name}: only {points} Korean point comments"


def test_english_left_in_a_code_cell_is_found():
    assert english_only(["largest difference to np.histogramdd:", "rank 1, shape (3,)", "가장 큰 차이:",
                         "f = 3 (sigmoid gate)", "the forward pass: values only", "x: (N, D) -> out: (N, M)"]) == \
        ["largest difference to np.histogramdd:", "the forward pass: values only"]


def test_a_record_never_holds_an_answer_or_a_hidden_check():
    """The release keeps a cell's metadata: a translation record must not carry what nbgrader
    removes from the source (answer and hidden-test regions). The Korean read back has them."""
    answer = "def f(x):\n    # the input: an array\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
    cell = new_code_cell(answer, metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "f",
                                                        "locked": False, "schema_version": 3}})
    record_translation(cell, "ko", answer.replace("# the input: an array", "# 입력: array"))
    stored = cell.metadata["coursework"]["i18n"]["ko"]["source"]
    assert "return 2 * x" not in stored and "BEGIN SOLUTION" not in stored and "    #@nbgrader-region" in stored
    assert text_in(cell, "ko") == answer.replace("# the input: an array", "# 입력: array")
    for path in SOURCES:
        nb = nbformat.read(path, as_version=4)
        for i, c in enumerate(nb.cells):
            record = c.metadata.get("coursework", {}).get("i18n", {}).get("ko", {}).get("source", "")
            if c.cell_type != "code" or not record:
                continue
            for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "grader_tests.hidden"):
                assert marker not in record, f"{path.parent.name}, cell {i}: {marker!r} in its Korean record"
