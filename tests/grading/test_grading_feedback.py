"""The feedback preprocessors on hand-made cells (fast; the pages of a whole class are
checked in test_cli_autograde.py)."""

from __future__ import annotations

import nbformat

from helpers.class_fixtures import REPO
from coursework.grading.course import open_course
from coursework.grading.output.feedback_html import (ExplainGrading, RedactHiddenChecks, StudentErrors, _preprocessor_list,
                                              page_text, student_frames, tidy_page)

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
    assert names == ["nbgrader.preprocessors.GetGrades", "coursework.grading.output.after_hidden.AfterHiddenInputs",
                     "coursework.grading.output.feedback_html.ExplainGrading",
                     "coursework.grading.output.feedback.HideHiddenTracebacks",
                     "coursework.grading.output.feedback_html.RedactHiddenChecks",
                     "coursework.grading.output.feedback_html.StudentErrors", "coursework.grading.output.feedback.ClearHiddenRegions",
                     "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
    course.config.GenerateFeedback.preprocessors = names
    assert _preprocessor_list(course.config) == names


def test_page_text_joins_highlighted_code():
    html = '<style>.x{}</style><span class="n">hidden</span><span class="o">.</span><span>check</span> &amp;'
    assert page_text(html) == "hidden.check &"


# -- errors as a student can act on them ---------------------------------------------------

ANSWER = "def relu(x):\n    y = x * 2\n    return y.missing\n"
GRADING = "/srv/course/grader_tests/harness.py"


def _graded_nb(where=None):
    """An answer cell (In[3]) and a visible check (In[4]) whose traceback goes through the
    grading code and ends in the student's line 3; the check lost its point."""
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell(ANSWER, execution_count=3, metadata={
        "nbgrader": {"grade_id": "relu", "solution": True, "grade": False}})
    check = nbformat.v4.new_code_cell("checks.check_relu(relu)", execution_count=4, metadata={
        "nbgrader": {"grade_id": "relu_visible", "grade": True, "solution": False, "points": 1, "score": 0.0},
        **({"coursework": {"where": where}} if where else {})})
    check.outputs = [nbformat.from_dict({
        "output_type": "error", "ename": "AttributeError",
        "evalue": f"'int' object has no attribute 'missing' (see {GRADING})",
        "traceback": ["\x1b[31m-----\x1b[39m",
                      "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[4]\x1b[39m\x1b[32m, line 1"
                      "\x1b[39m\n----> 1 checks.check_relu(relu)\n",
                      f"File {GRADING}:73, in call(func)\n---> 73 result = func(x)\n",
                      "Cell In[3], line 3, in relu(x)\n----> 3 return y.missing\n",
                      "AttributeError: 'int' object has no attribute 'missing'"]})]
    nb.cells = [answer, check]
    nb.metadata["coursework"] = {"exercises": [{"name": "relu", "score": 0, "points": 1}]}
    return nb


def test_student_frames_read_ipython_tracebacks():
    assert student_frames(_graded_nb().cells[1].outputs[0].traceback) == [(4, 1), (3, 3)]


def test_a_failed_check_shows_its_message_and_the_students_line_never_grading_paths():
    resources = {}  # one page's: the summary is found by the mark ExplainGrading left in it
    nb, _ = ExplainGrading().preprocess(_graded_nb(), resources)
    pp = StudentErrors(hide_paths=["/srv/course"])
    nb, _ = pp.preprocess(nb, resources)
    error = nb.cells[2].outputs[0]
    assert error.traceback == ["AttributeError: 'int' object has no attribute 'missing' (see grader_tests/harness.py)",
                               "    where: your answer cell `relu`, line 3: `return y.missing`"]
    summary = nb.cells[0].source
    assert "**What to fix**" in summary and "[`relu_visible`](#relu_visible) (0 / 1): AttributeError" in summary
    assert "line 3: <code>return y.missing</code>" in summary  # the student's line, escaped, never a code span
    assert "/srv/course" not in summary + str(error) and "in call(func)" not in str(error)


def test_the_judges_where_is_preferred():
    where = {"cell": "relu", "line": 2, "text": "y = x * 2"}
    resources = {}
    nb, _ = StudentErrors().preprocess(ExplainGrading().preprocess(_graded_nb(where), resources)[0], resources)
    assert nb.cells[2].outputs[0].traceback[-1] == "    where: your answer cell `relu`, line 2: `y = x * 2`"


def test_a_perfect_page_does_not_talk_of_failures_and_no_response_comments_go():
    nb = _graded_nb()
    nb.cells[1].metadata.nbgrader.update(score=1.0)
    nb.cells[1].outputs = []
    nb.cells[0].metadata.nbgrader["comment"] = "No response."
    nb.metadata["coursework"]["exercises"][0]["score"] = 1
    resources = {}
    nb, _ = StudentErrors().preprocess(ExplainGrading().preprocess(nb, resources)[0], resources)
    summary = nb.cells[0].source
    assert "Full marks: every check passed." in summary
    assert "fail" not in summary.lower() and "What to fix" not in summary
    assert nb.cells[1].metadata.nbgrader["comment"] == ""


def test_tidy_page_drops_anonymous_test_cell_links():
    raw = ('<h4>a (Score: 1.0 / 2.0)</h4><div id="toc"><ol><li><a href="#c1">Test cell</a> (Score: 1 / 1)</li>'
           '</ol></div><span class="nbgrader-label">Grade cell: <code>c1</code></span>')
    assert page_text(tidy_page(raw)) == "a (Score: 1.0 / 2.0)Check: c1"
