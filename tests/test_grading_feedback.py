"""The feedback preprocessors on hand-made cells (fast; the pages of a whole class are
checked in test_cli_autograde.py)."""

from __future__ import annotations

import nbformat

from class_fixtures import REPO
from coursework.grading.course import open_course
from coursework.grading.feedback_html import ExplainGrading, RedactHiddenChecks, _preprocessor_list, page_text

HIDDEN_SOURCE = "# 2 points\n### BEGIN HIDDEN TESTS\nhidden.check_secret(f)\n### END HIDDEN TESTS"


def _hidden_cell(outputs):
    cell = nbformat.v4.new_code_cell(HIDDEN_SOURCE, metadata={"nbgrader": {"grade_id": "h", "grade": True,
                                                                           "points": 2, "solution": False}})
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def test_hidden_cells_keep_only_the_message_of_their_error():
    cell = _hidden_cell([
        {"output_type": "stream", "name": "stdout", "text": "my input was [[1, 2], [3, 4]]\n"},
        {"output_type": "stream", "name": "stderr", "text": "File grader_tests/hidden/x.py, line 3\n"},
        {"output_type": "error", "ename": "AssertionError",
         "evalue": "f(random image #1 of shape (3, 4)): your function raised ValueError: bad [[1, 2], [3, 4]]",
         "traceback": ["Traceback", "hidden.check_secret(f)", "File grader_tests/hidden/x.py"]}])
    cell, _ = RedactHiddenChecks().preprocess_cell(cell, {}, 0)
    assert len(cell.outputs) == 1
    error = cell.outputs[0]
    assert error.evalue == ("f(random image #1 of shape (3, 4)): your function raised ValueError "
                            "(its message is not shown for a hidden check)")
    assert error.traceback == [f"AssertionError: {error.evalue}"]


def test_visible_cells_are_left_alone():
    cell = nbformat.v4.new_code_cell("checks.check_shape(f)")
    cell.outputs = [nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": "hello\n"})]
    assert RedactHiddenChecks().preprocess_cell(cell, {}, 0)[0].outputs == cell.outputs


def test_summary_and_restored_notes():
    nb = nbformat.v4.new_notebook()
    check = nbformat.v4.new_code_cell("checks.c(f)", metadata={
        "nbgrader": {"grade_id": "c", "grade": True, "points": 1, "solution": False},
        "coursework": {"restored": "deleted"}})
    nb.cells = [check]
    nb.metadata["coursework"] = {"notes": ["The test cell 'c' was deleted in your notebook; it was restored "
                                           "from the assignment before grading."],
                                 "exercises": [{"name": "f", "score": 0, "points": 3,
                                                "reason": "Exercise 'f' scores 0: timed out after 10 s in cell 'f'"}]}
    nb, _ = ExplainGrading().preprocess(nb, {})
    assert nb.cells[0].cell_type == "markdown"
    summary = nb.cells[0].source
    assert "| `f` | 0 / 3 | Exercise 'f' scores 0: timed out after 10 s in cell 'f' |" in summary
    assert "was deleted in your notebook" in summary
    note = nb.cells[1].outputs[0]
    assert "This check was deleted in your notebook" in note.data["text/plain"]


def test_preprocessors_keep_the_course_config_and_add_ours_once(tmp_path):
    course = open_course(REPO)
    names = _preprocessor_list(course.config)
    assert names == ["nbgrader.preprocessors.GetGrades", "coursework.grading.feedback_html.ExplainGrading",
                     "coursework.grading.feedback.HideHiddenTracebacks",
                     "coursework.grading.feedback_html.RedactHiddenChecks", "nbgrader.preprocessors.ClearHiddenTests",
                     "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
    course.config.GenerateFeedback.preprocessors = names
    assert _preprocessor_list(course.config) == names


def test_page_text_joins_highlighted_code():
    html = '<style>.x{}</style><span class="n">hidden</span><span class="o">.</span><span>check</span> &amp;'
    assert page_text(html) == "hidden.check &"
