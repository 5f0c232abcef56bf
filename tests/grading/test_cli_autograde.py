"""``coursework autograde`` / ``feedback`` / ``export`` / ``report`` on a generated class of
01_features: fifteen submissions of different kinds (helpers.class_fixtures.class_kinds) and four
hostile ones, graded two kernels at a time with a 10 s cell timeout, run from outside the course
directory (tests/conftest.py's ``graded_class``, which the Dask test grades again on a cluster).
Every score is asserted exactly, and every lost point's reason."""

from __future__ import annotations

import csv
import json

import nbformat
import pytest

from helpers.class_fixtures import A, EXERCISES, PER_CELL, TOTAL, cli, page_text, secret_texts
from helpers.nbgrader_course import scores

pytestmark = pytest.mark.slow

NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]


@pytest.fixture(scope="module")
def graded(graded_class):
    return {**graded_class, "students": set(graded_class["expected"])}


def _record(course, student):
    return json.loads((course / "autograded" / ".coursework" / A / f"{student}.json").read_text())["notebooks"][A]


def test_every_student_graded_once_with_a_progress_bar(graded):
    summary, kinds, students = graded["summary"], graded["kinds"], graded["students"]
    assert sorted(summary["graded"]) == sorted(students) and summary["failed"] == {} and summary["skipped"] == []
    assert len(kinds) >= 12 and set(kinds) < students
    assert f"autograde {A}" in graded["run"].stderr and f"{len(students)}/{len(students)}" in graded["run"].stderr


def test_exact_scores(graded):
    got = scores(graded["course"], A)
    want = graded["expected"]
    assert {s: v["total"] for s, v in got.items()} == want
    assert {s: v[0] for s, v in graded["summary"]["scores"].items()} == want


@pytest.mark.parametrize("student", ["blank", "partial", "raises", "raises_top", "loops", "edited", "dies",
                                     "memory", "wrongshape", "mutates", "stubborn", "missing"])
def test_each_lost_point_has_its_reason(graded, student):
    kind = graded["kinds"][student]
    got = scores(graded["course"], A)[student]
    record = _record(graded["course"], student)
    reasons = {cid: c["reason"] for ex in record["exercises"].values() for cid, c in ex["checks"].items()}
    for check, text in kind.zero.items():
        assert got[check] == 0.0, (student, check)
        assert text in reasons[check], (student, check, reasons[check])
    lost = {c for c in PER_CELL if got[c] < PER_CELL[c]}
    assert lost == set(kind.zero), student


def test_answer_that_loops_after_a_correct_def_scores_zero_for_its_exercise(graded):
    got = scores(graded["course"], A)["loops"]
    assert got["grad_visible"] == 0.0 and got["grad_hidden"] == 0.0  # the def existed: nbgrader gave 2 points
    assert got["total"] == TOTAL - 2
    record = _record(graded["course"], "loops")
    assert record["exercises"]["image_gradients"]["reason"] == (
        "Exercise 'image_gradients' scores 0: timed out after 10 s in cell 'image_gradients' "
        "(the answer cell must run to its end without error)")


def test_deleted_and_edited_test_cells_are_restored_and_said_so(graded):
    for student in ("deleted", "edited"):
        kind = graded["kinds"][student]
        notes = " ".join(_record(graded["course"], student)["notes"])
        for text in kind.notes:
            assert text in notes, (student, text)
        nb = nbformat.read(graded["course"] / "autograded" / student / A / f"{A}.ipynb", as_version=4)
        ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
        assert all(check in ids for check in PER_CELL)
    assert scores(graded["course"], A)["deleted"]["hog_pipeline"] == 2.0  # restored and run


def test_dead_kernel_and_huge_output_cost_only_that_submission(graded):
    notes = _record(graded["course"], "dies")["notes"]
    assert "the kernel died in cell 'cell_histograms' (exit code 1)" in notes
    path = graded["course"] / "autograded" / "huge" / A / f"{A}.ipynb"
    assert path.stat().st_size < 3_000_000  # 36 MB were printed
    assert any("output of cell 'extract_features' was cut" in n for n in _record(graded["course"], "huge")["notes"])


def test_feedback_never_shows_hidden_checks(graded):
    course = graded["course"]
    secrets = secret_texts(course / "solutions" / A / f"{A}.ipynb")
    assert "hidden.check_histogram_random(color_histogram)" in secrets
    pages = sorted(course.glob(f"feedback/*/{A}/*.html"))
    assert {p.parts[-3] for p in pages} == graded["students"]
    for page in (p for p in pages if p.parts[-3] in graded["kinds"]):  # the hostile ones' own code names these
        text = page_text(page)
        for secret in secrets:
            assert secret not in text, (page.parts[-3], secret)


def test_feedback_explains_failures(graded):
    course = graded["course"]
    for student, kind in graded["kinds"].items():
        text = page_text(course / "feedback" / student / A / f"{A}.html")
        for expected in kind.feedback:
            assert expected in text, (student, expected)
    summary = page_text(course / "feedback" / "loops" / A / f"{A}.html")
    assert "Your grade, exercise by exercise" in summary and "image_gradients 0 / 2" in summary


def test_export_has_nbgrader_columns_and_one_per_exercise(graded):
    with open(graded["course"] / "grades.csv", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = {r["student_id"]: r for r in reader}
        assert reader.fieldnames == NBGRADER_COLUMNS + list(EXERCISES)
    assert set(rows) == graded["students"]
    for student, row in rows.items():
        exercises = _record(graded["course"], student)["exercises"]
        for name in EXERCISES:
            assert float(row[name]) == exercises[name]["score"], (student, name)
        assert float(row["score"]) == graded["expected"][student]
    assert (rows["loops"]["image_gradients"], rows["dies"]["cell_histograms"], rows["perfect"]["max_score"]) == \
        ("0", "0", "16.0")


def test_report_has_a_plot_and_a_page(graded):
    folder = graded["course"] / "reports" / A
    assert (folder / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    raw = (folder / "report.html").read_text()
    n = len(graded["students"])
    assert f"{n} submissions" in page_text(folder / "report.html")
    got = scores(graded["course"], A)
    full = sum(1 for s in graded["students"] if got[s]["grad_visible"] == 1.0 and got[s]["grad_hidden"] == 1.0)
    assert f"<td><code>image_gradients</code></td><td>2</td><td>{100 * full / n:.0f}%</td>" in raw


def test_second_run_skips_unchanged_and_regrades_a_changed_submission(graded):
    course, outside, students = graded["course"], graded["outside"], graded["students"]
    again = json.loads(cli("autograde", A, "--course", str(course), "--jobs", "2", "--timeout", "10", "--json",
                           "--no-progress", cwd=outside).stdout)
    assert again["graded"] == [] and sorted(again["skipped"]) == sorted(students)
    # the partial student hands in the rest: only that submission is graded again
    path = course / "submitted" / "partial" / A / f"{A}.ipynb"
    handed_in = path.read_bytes()
    right = nbformat.read(course / "submitted" / "perfect" / A / f"{A}.ipynb", as_version=4)
    try:
        nbformat.write(right, path)
        third = json.loads(cli("autograde", A, "--course", str(course), "--jobs", "2", "--timeout", "10", "--json",
                               "--no-progress", cwd=outside).stdout)
    finally:
        path.write_bytes(handed_in)  # the class is shared (the Dask test grades it again): put it back
    assert third["graded"] == ["partial"] and len(third["skipped"]) == len(students) - 1
    assert scores(course, A)["partial"]["total"] == TOTAL
