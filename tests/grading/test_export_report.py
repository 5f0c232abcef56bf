"""``coursework export`` and ``report`` on a gradebook made directly (fast): formulas in ids
and names are neutralised, the CSV is quoted, only assignments with submissions are
exported unless asked, exercise columns are named as the notebook names them, and one
student's unreadable row is reported while the others are written."""

from __future__ import annotations

import csv

import pytest

from helpers.class_fixtures import make_course
from coursework.grading.course import open_course
from coursework.grading.output.export import export_csv, exercise_titles, neutralise

A = "03_activations"


@pytest.mark.parametrize("raw, written", [
    ("=1+1", "'=1+1"), ("+SUM(A1:A9)", "'+SUM(A1:A9)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
    ("\t=x", "'\t=x"), ("alice", "alice"), ("-1.5", "-1.5"), ("15.0", "15.0"), ("", ""), (None, ""),
])
def test_neutralise(raw, written):
    assert neutralise(raw) == written


def test_exercise_columns_are_named_as_the_notebook_names_them(tmp_path):
    course = open_course(make_course(tmp_path, assignments=("04_backprop", A)))
    titles = exercise_titles(course, "04_backprop")
    assert titles["myvalue"] == "MyValue" and titles["my_linear"] == "MyLinear"
    assert titles["topological_order"] == "topological_order"
    assert exercise_titles(course, A)["sigmoid"] == "sigmoid"  # defines sigmoid_forward / _backward


@pytest.fixture()
def gradebook_course(tmp_path):
    course = open_course(make_course(tmp_path, assignments=(A, "01_features")))
    with course.gradebook() as gb:
        gb.add_assignment(A)
        gb.add_assignment("01_features")  # released, nobody submitted
        for student, first in (("=1+1", "@SUM(A1)"), ("alice", "Alice, Jr."), ("broken", "B")):
            gb.add_student(student, first_name=first)
            gb.add_submission(A, student)
    return course


def _rows(path):
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


def test_export_neutralises_quotes_and_keeps_to_submitted_assignments(gradebook_course):
    result = export_csv(gradebook_course)
    assert result.assignments == [A] and result.rows == 3 and result.problems == []
    fields, rows = _rows(result.path)
    assert fields[-6:] == ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "maxout"]
    by_id = {r["student_id"]: r for r in rows}
    assert set(by_id) == {"'=1+1", "alice", "broken"}
    assert by_id["'=1+1"]["first_name"] == "'@SUM(A1)" and by_id["alice"]["first_name"] == "Alice, Jr."
    assert {r["assignment"] for r in rows} == {A}
    raw = result.path.read_text()
    assert "\n=" not in raw and ",=" not in raw and ",@" not in raw
    every = export_csv(gradebook_course, every=True)
    assert sorted(every.assignments) == sorted([A, "01_features"]) and every.rows == 6


def test_one_unreadable_row_is_reported_and_the_others_written(gradebook_course, monkeypatch):
    from nbgrader.api import Gradebook

    real = Gradebook.find_submission

    def find(self, assignment, student):
        if student == "broken":
            raise RuntimeError("database row damaged")
        return real(self, assignment, student)

    monkeypatch.setattr(Gradebook, "find_submission", find)
    result = export_csv(gradebook_course)
    assert result.problems == [f"{A} broken: RuntimeError: database row damaged; scores left empty"]
    _, rows = _rows(result.path)
    by_id = {r["student_id"]: r for r in rows}
    assert by_id["broken"]["score"] == "" and by_id["broken"]["sigmoid"] == ""
    assert by_id["alice"]["score"] == "0.0" and by_id["alice"]["sigmoid"] == "0"


def test_report_names_who_did_not_submit_and_ticks_whole_points(gradebook_course, monkeypatch):
    import matplotlib.figure

    from coursework.grading.output.feedback_html import page_text
    from coursework.grading.output.report import class_results, write_report

    with gradebook_course.gradebook() as gb:
        gb.add_student("dave")  # registered, no submission
    (gradebook_course.submitted_dir / "erin" / "01_features").mkdir(parents=True)  # handed in another one
    results = class_results(gradebook_course, A)
    assert results["missing"] == ["dave", "erin"] and sorted(results["totals"]) == ["=1+1", "alice", "broken"]
    ticks = []
    real = matplotlib.figure.Figure.savefig

    def savefig(fig, *args, **kwargs):
        ticks.extend(fig.axes[1].get_xticks())
        return real(fig, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    page = write_report(gradebook_course, A)
    assert ticks and all(float(t).is_integer() for t in ticks)
    raw = page.read_text()
    assert "<h2>Did not submit (2)</h2><ul><li>dave</li><li>erin</li></ul>" in raw
    assert "3 submissions" in page_text(raw)


def test_report_leaves_out_an_unreadable_submission_and_names_it(gradebook_course, monkeypatch):
    import coursework.grading.output.report as report

    real = report.exercise_scores

    def scores(course, assignment, gb, problems=None):
        out = real(course, assignment, gb, problems)
        out["broken"] = {name: None for name in out["broken"]}
        return out

    monkeypatch.setattr(report, "exercise_scores", scores)
    results = report.class_results(gradebook_course, A)
    assert sorted(results["totals"]) == ["=1+1", "alice"] and list(results["unreadable"]) == ["broken"]
    raw = report.write_report(gradebook_course, A).read_text()
    assert "<h2>Could not be read (left out above) (1)</h2><ul><li>broken: its scores could not be read</li>" in raw


def test_feedback_goes_on_when_one_students_page_fails(gradebook_course, monkeypatch):
    import coursework.grading.output.feedback_html as fb

    for student in ("alice", "bob", "carol"):
        (gradebook_course.autograded_dir / student / A).mkdir(parents=True)

    def one(course, config, assignment, student, secrets):
        if student == "bob":
            raise ValueError("nbconvert choked on bob's notebook")
        page = course.feedback_dir / student / assignment / f"{assignment}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("ok")
        return [page]

    monkeypatch.setattr(fb, "_one_student", one)
    problems: dict[str, str] = {}
    pages = fb.generate_feedback(gradebook_course, A, problems=problems)
    assert sorted(p.parts[-3] for p in pages) == ["alice", "carol"]
    assert problems == {"bob": "ValueError: nbconvert choked on bob's notebook"}
    with pytest.raises(Exception, match="feedback for bob failed"):
        fb.generate_feedback(gradebook_course, A)
