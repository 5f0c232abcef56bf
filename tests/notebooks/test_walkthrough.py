"""The README's instructor walkthrough, command by command, on a fresh course copy.

The commands are read from the README's ``<!-- walkthrough ... -->`` block and run as
written, from the course root, for three students who hand in three ways: ``untouched``
(the bundle's notebook path, nothing answered), ``partial`` (a folder of their own; sigmoid
and tanh right, a ReLU that raises, the rest not done) and ``complete`` (a file renamed by an LMS).
The test asserts what a person reads -- the score table, the CSV's rows and columns, the
feedback pages' text, the report -- and that nothing outside the folders the README
documents changed.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shlex
from pathlib import Path

import nbformat
import pytest

from helpers.class_fixtures import REPO, cli, make_course, page_text, secret_texts, solution_sources, submission

pytestmark = pytest.mark.slow

A = "03_activations"
# line 3 of the answer cell raises whenever relu_forward runs
WRONG_RELU = ("def relu_forward(x):\n    y = x * 1\n    return y.missing\n\n\n"
              "def relu_backward(dout, x):\n    return dout * (x > 0)\n")
DOCUMENTED = (f"notebooks/{A}/", "dist/", "submitted/", "autograded/", "feedback/", "gradebook.db", "grades.csv",
              f"reports/{A}/", ".coursework-secret")
NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]
EXERCISES = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "maxout"]


def readme_commands() -> list[list[str]]:
    text = (REPO / "README.md").read_text()
    block = re.search(r"<!-- walkthrough:.*?-->\s*```bash\n(.*?)```", text, re.S)
    assert block, "the README has no walkthrough block"
    lines = [ln.split("#", 1)[0].strip() for ln in block.group(1).splitlines()]
    return [shlex.split(ln) for ln in lines if ln]


def snapshot(root: Path) -> dict[str, str]:
    """path -> sha256 of every file (Python's own byte-code caches left out)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("week")
    every = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir() and p.name[:2].isdigit())
    course = make_course(tmp, assignments=every, package=True)  # the bundle audit needs every assignment
    commands = readme_commands()
    assert [c[:2] for c in commands] == [["coursework", "release"], ["coursework", "collect"],
                                         ["coursework", "autograde"], ["coursework", "feedback"],
                                         ["coursework", "export"], ["coursework", "report"]]
    before = snapshot(course)
    runs = {}
    for argv in commands:
        if argv[1] == "collect":  # the hand-ins arrive between release and collect
            make_handins(course, course / argv[3])
            before.update({k: v for k, v in snapshot(course).items() if k.startswith(argv[3].rstrip("/") + "/")})
        runs[argv[1]] = cli(*argv[1:], cwd=course)
    return {"course": course, "runs": runs, "before": before, "after": snapshot(course)}


def make_handins(course: Path, folder: Path) -> None:
    release = course / "notebooks" / A / f"{A}.ipynb"
    right = solution_sources(course / "solutions" / A / f"{A}.ipynb")
    untouched = folder / "untouched" / f"nn-part1-{A}" / "notebooks" / A / f"{A}.ipynb"
    partial = folder / "partial" / f"{A}.ipynb"
    complete = folder / f"complete_{A}.ipynb"
    answers = {untouched: {}, partial: {"sigmoid": right["sigmoid"], "tanh": right["tanh"], "relu": WRONG_RELU},
               complete: right}
    for path, given in answers.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(submission(release, given), path)


def test_collect_files_each_hand_in(week):
    out = week["runs"]["collect"].stdout
    for student in ("complete", "partial", "untouched"):
        assert re.search(rf"^  {student}\s+collected\s+\d{{4}}-\d\d-\d\d \d\d:\d\d UTC$", out, re.M), out
        folder = week["course"] / "submitted" / student / A
        assert sorted(p.name for p in folder.iterdir()) == [f"{A}.ipynb", "timestamp.txt"]
    assert "collected 3, replaced 0, unchanged 0, refused 0" in out


def test_autograde_prints_a_score_table_and_names_each_student_in_the_progress(week):
    run = week["runs"]["autograde"]
    assert re.search(r"^  student\s+score$", run.stdout, re.M)
    table = dict(re.findall(r"^  (complete|partial|untouched)\s+(\d+ / \d+)\s*$", run.stdout, re.M))
    assert table == {"complete": "15 / 15", "partial": "5 / 15", "untouched": "0 / 15"}, run.stdout
    named = dict(re.findall(r"(\d)/3 \[[^\]]*, (\w+)\]", run.stderr))
    assert sorted(named.values()) == ["complete", "partial", "untouched"], run.stderr


def test_the_csv_has_one_row_per_student_and_one_column_per_exercise(week):
    with open(week["course"] / "grades.csv", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = {r["student_id"]: r for r in reader}
        assert reader.fieldnames == NBGRADER_COLUMNS + EXERCISES
    assert {s: (r["assignment"], r["score"], r["max_score"]) for s, r in rows.items()} == {
        "complete": (A, "15.0", "15.0"), "partial": (A, "5.0", "15.0"), "untouched": (A, "0.0", "15.0")}
    assert [rows["partial"][e] for e in EXERCISES] == ["3", "2", "0", "0", "0", "0"]
    assert [rows["complete"][e] for e in EXERCISES] == ["3", "2", "2", "2", "2", "4"]
    assert all(rows["untouched"][e] == "0" for e in EXERCISES)
    assert all(r["timestamp"] for r in rows.values())


def _summary(text: str) -> str:
    return text[text.index("Your grade, exercise by exercise"):text.index("03 · Activation functions")]


def test_feedback_pages_speak_to_the_student(week):
    course = week["course"]
    pages = {s: page_text(course / "feedback" / s / A / f"{A}.html") for s in ("complete", "partial", "untouched")}
    secrets = secret_texts(course / "solutions" / A / f"{A}.ipynb")
    for student, text in pages.items():
        for unwanted in ("Traceback", str(course), "grader_tests/harness.py", "site-packages", "Test cell",
                         "No response", *secrets):
            assert unwanted not in text, (student, unwanted)
    full = _summary(pages["complete"])
    assert "Full marks: every check passed." in full and "fail" not in full.lower()
    partial = _summary(pages["partial"])
    assert "relu 0 / 2" in partial and "sigmoid 3 / 3" in partial
    # a failed check: its message and the student's own line
    # relu comes after sigmoid's hidden check: the text of the student's exception is not shown (it could
    # carry the hidden inputs the function kept), its type and line are
    assert ("What to fix (each check that lost points, in notebook order) relu_visible (0 / 1): AssertionError: "
            "relu_forward(x of shape (4, 6)): your function raised AttributeError (message not shown: this cell ran "
            "after a hidden check's inputs reached your kernel) — your answer cell relu, line 3: return y.missing"
            ) in partial
    assert ("relu_hidden (0 / 1): AssertionError: relu_forward(random input #1 of shape") in partial
    assert "your function raised AttributeError (its message is not shown for a hidden check)" in partial
    assert ("leaky_visible (0 / 1): AssertionError: leaky_relu_forward(x of shape (4, 6)): "
            "not implemented yet") in partial
    assert "where: your answer cell `relu`, line 3: `return y.missing`" in pages["partial"]
    assert "Check: relu_visible" in pages["partial"]


def test_the_report_lists_the_class(week):
    page = week["course"] / "reports" / A / "report.html"
    text = page_text(page)
    assert "3 submissions; total score: mean 6.67, median 5, of 15." in text
    assert "Did not submit" not in text  # all three handed in
    assert (page.parent / "report.png").read_bytes()[:4] == b"\x89PNG"


def test_nothing_outside_the_documented_folders_changed(week):
    before, after = week["before"], week["after"]
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    stray = sorted(p for p in changed if not p.startswith(DOCUMENTED))
    assert stray == [], stray
    assert any(p.startswith(f"dist/nn-part1-{A}") for p in changed) and "gradebook.db" in changed
    readme = (REPO / "README.md").read_text()
    for documented in DOCUMENTED:  # the README names each place
        assert f"`{documented.split('/')[0]}" in readme, documented
