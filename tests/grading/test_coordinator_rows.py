"""The coordinator's gradebook writing in few statements (coursework.grading.run.gradebook) against
nbgrader's own, object by object: the same rows. And the pieces a worker uses instead of the
gradebook (SourceTable, GradeSheet), the language a worker speaks, the schema check's blocks.

Fast: a gradebook made with nbgrader's API in a temporary folder, no kernel.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

ASSIGNMENT = "a1"
DUE = datetime(2026, 3, 1, 12, 0, 0)


@pytest.fixture
def gb(tmp_path, monkeypatch):
    """A gradebook with an assignment of two notebooks: grade, solution, task and source cells."""
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")  # alembic

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as book:
        book.add_assignment(ASSIGNMENT, duedate=DUE)
        for nb in ("nb1", "nb2"):
            book.add_notebook(nb, ASSIGNMENT, kernelspec='{"name": "python3"}')
            book.add_grade_cell("g1", nb, ASSIGNMENT, max_score=2, cell_type="code")
            book.add_grade_cell("g2", nb, ASSIGNMENT, max_score=1, cell_type="markdown")
            book.add_solution_cell("g2", nb, ASSIGNMENT)  # a manually graded answer: grade and solution
            book.add_solution_cell("s1", nb, ASSIGNMENT)
            book.add_task_cell("t1", nb, ASSIGNMENT, max_score=3, cell_type="markdown")
            for name, kind, locked in (("g1", "code", True), ("g2", "markdown", False), ("s1", "code", False),
                                       ("t1", "markdown", True)):
                book.add_source_cell(name, nb, ASSIGNMENT, cell_type=kind, locked=locked,
                                     source=f"# {name}", checksum=f"sum-{name}")
        yield book


def rows(gb, student: str) -> dict:
    """Every row of ``student``'s submission but the ids."""
    sub = gb.find_submission(ASSIGNMENT, student)
    return {
        "submission": (str(sub.timestamp), sub.extension, sub.score, sub.late_submission_penalty,
                       sub.needs_manual_grade),
        "notebooks": sorted((nb.name, nb.flagged, nb.late_submission_penalty, nb.score) for nb in sub.notebooks),
        "grades": sorted((nb.name, g.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade)
                         for nb in sub.notebooks for g in nb.grades),
        "comments": sorted((nb.name, c.name, c.auto_comment, c.manual_comment)
                           for nb in sub.notebooks for c in nb.comments),
    }


GRADES = {"g1": (2.0, False), "g2": (None, True), "t1": (None, True)}
COMMENTS = {"g2": "No response.", "s1": None, "t1": None}


def nbgrader_way(gb, student, stamp, grades, comments, notebook="nb1"):
    """What the coordinator did before: nbgrader's update_or_create_*, manual scores cleared,
    then SaveAutoGrades' find_grade / find_comment, cell by cell."""
    gb.update_or_create_student(student)
    if stamp:
        gb.update_or_create_submission(ASSIGNMENT, student, timestamp=stamp)
    else:
        gb.update_or_create_submission(ASSIGNMENT, student)
    for grade in gb.find_submission_notebook(notebook, ASSIGNMENT, student).grades:
        grade.manual_score, grade.extra_credit = None, None
    for name, (auto, review) in grades.items():
        row = gb.find_grade(name, notebook, ASSIGNMENT, student)
        row.auto_score, row.needs_manual_grade = auto, review
    for name, text in comments.items():
        gb.find_comment(name, notebook, ASSIGNMENT, student).auto_comment = text
    gb.db.commit()


def our_way(gb, students_stamps, grades, comments, notebook="nb1"):
    from coursework.grading.run.gradebook import Skeleton, one_commit, save_grades, submissions_in

    with one_commit(gb):
        for student in students_stamps:
            gb.update_or_create_student(student)
        submissions_in(gb, Skeleton(gb, ASSIGNMENT), students_stamps)
        for student in students_stamps:
            save_grades(gb, ASSIGNMENT, student, notebook, grades, comments)


@pytest.mark.parametrize("stamp", ["2026-03-02 10:00:00.000000 UTC", None])
def test_new_submissions_have_the_rows_nbgrader_makes(gb, stamp):
    nbgrader_way(gb, "old", stamp, GRADES, COMMENTS)
    our_way(gb, {"new1": stamp, "new2": stamp}, GRADES, COMMENTS)
    assert rows(gb, "new1") == rows(gb, "old") == rows(gb, "new2")
    got = rows(gb, "new1")
    assert ("nb1", "g1", 2.0, None, None, False) in got["grades"]
    assert ("nb2", "g1", None, None, None, True) in got["grades"]  # not graded: nbgrader's defaults
    assert len(got["grades"]) == 2 * 3 and len(got["comments"]) == 2 * 3  # g1 g2 t1; g2 s1 t1
    assert got["submission"][0] == (str(datetime(2026, 3, 2, 10)) if stamp else "None")


def test_a_regrade_clears_manual_scores_and_keeps_the_rest(gb):
    for student in ("old", "new"):
        nbgrader_way(gb, student, "2026-02-01 10:00:00 UTC", GRADES, COMMENTS)
        for nb in ("nb1", "nb2"):  # an instructor's work since the last autograde
            for grade in gb.find_submission_notebook(nb, ASSIGNMENT, student).grades:
                grade.manual_score, grade.extra_credit = 1.0, 0.5
            gb.find_comment("s1", nb, ASSIGNMENT, student).manual_comment = "see me"
        gb.find_submission_notebook("nb1", ASSIGNMENT, student).flagged = True
        gb.db.commit()
    again = {"g1": (0.0, False), "g2": (1.0, False), "t1": (None, True)}
    nbgrader_way(gb, "old", "2026-03-05 09:00:00 UTC", again, {"g2": None, "s1": "No response.", "t1": None})
    our_way(gb, {"new": "2026-03-05 09:00:00 UTC"}, again, {"g2": None, "s1": "No response.", "t1": None})
    assert rows(gb, "new") == rows(gb, "old")
    got = rows(gb, "new")
    assert ("nb1", "g1", 0.0, None, None, False) in got["grades"]
    assert ("nb2", "g1", None, 1.0, 0.5, True) in got["grades"]  # the other notebook: untouched
    assert ("nb1", "s1", "No response.", "see me") in got["comments"]
    assert got["submission"][0] == str(datetime(2026, 3, 5, 9))


def test_a_grade_the_gradebook_lacks_writes_nothing(gb):
    from nbgrader.api import MissingEntry

    from coursework.grading.run.gradebook import one_commit, save_grades

    nbgrader_way(gb, "s", None, GRADES, COMMENTS)
    before = rows(gb, "s")
    with pytest.raises(MissingEntry, match="forged"), one_commit(gb):
        save_grades(gb, ASSIGNMENT, "s", "nb1", {**GRADES, "forged": (9.0, False)}, {})
    assert rows(gb, "s") == before


def test_the_late_penalty_of_a_late_and_an_on_time_submission(gb, tmp_path):
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets.config import Config

    from coursework.grading.run.gradebook import assign_late_penalty, late_penalties, one_commit

    config = Config()
    config.LateSubmissionPlugin.penalty_method = "zero"
    pp = AssignLatePenalties(config=config)
    for student, stamp in (("late", "2026-03-09 00:00:00 UTC"), ("ontime", "2026-02-09 00:00:00 UTC")):
        for way in ("old", "new"):
            nbgrader_way(gb, f"{student}-{way}", stamp, GRADES, COMMENTS)
            for nb in ("nb1", "nb2"):
                gb.find_submission_notebook(nb, ASSIGNMENT, f"{student}-{way}").late_submission_penalty = 7.0
            gb.db.commit()
        assign_late_penalty(pp, gb, f"{student}-old", ASSIGNMENT, "nb1")
        gb.db.commit()
        with one_commit(gb):
            late_penalties(pp, gb, f"{student}-new", ASSIGNMENT, ["nb1"])
        assert rows(gb, f"{student}-new") == rows(gb, f"{student}-old")
    assert ("nb1", False, 2.0, 2.0) in rows(gb, "late-new")["notebooks"]  # "zero": the notebook's score
    assert ("nb1", False, None, 2.0) in rows(gb, "ontime-new")["notebooks"]
    assert ("nb2", False, 7.0, 0.0) in rows(gb, "ontime-new")["notebooks"]  # not scored this time: untouched


def test_the_source_table_answers_as_the_gradebook(gb):
    import pickle

    from nbgrader.api import MissingEntry

    from coursework.grading.run.gradebook import SourceTable

    table = pickle.loads(pickle.dumps(SourceTable.read(gb, ASSIGNMENT, ["nb1", "nb2"])))  # it travels to workers

    def answer(find, *args, fields):
        try:
            row = find(*args)
        except MissingEntry as exc:
            return "missing", str(exc)
        return tuple(getattr(row, f) for f in fields)

    for nb in ("nb1", "nb2", "nb3"):
        for name in ("g1", "g2", "s1", "t1", "nope"):
            for what, fields in (("find_source_cell", SourceTable.SOURCE), ("find_graded_cell", SourceTable.GRADED)):
                ours = answer(getattr(table, what), name, nb, ASSIGNMENT, fields=fields)
                assert ours == answer(getattr(gb, what), name, nb, ASSIGNMENT, fields=fields), (what, nb, name)
    assert answer(table.find_graded_cell, "s1", "nb1", ASSIGNMENT, fields=())[0] == "missing"
    source = gb.find_notebook("nb1", ASSIGNMENT)
    mine = table.find_notebook("nb1", ASSIGNMENT)
    assert [c.name for c in mine.source_cells] == [c.name for c in source.source_cells]
    assert [(c.name, c.max_score) for c in mine.task_cells] == [(c.name, c.max_score) for c in source.task_cells]
    assert [c.name for c in mine.solution_cells] == [c.name for c in source.solution_cells]
    with pytest.raises(MissingEntry, match="No such notebook"):
        table.find_notebook("nb3", ASSIGNMENT)


def test_the_grade_sheet_records_what_save_autogrades_writes():
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    from nbgrader.preprocessors import SaveAutoGrades
    from nbgrader.utils import compute_checksum

    from coursework.grading.run.graded import GradeSheet, nbgrader_resources
    from coursework.grading.run.gradebook import run_on

    def cell(make, source, outputs=None, **meta):
        c = make(source)
        if outputs is not None:
            c.outputs = outputs
        c.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "solution": False, "grade": False, **meta}
        return c

    passed = cell(new_code_cell, "assert True", [], grade=True, grade_id="ok", points=2)
    failed = cell(new_code_cell, "assert False", [new_output("error", ename="AssertionError", evalue="",
                                                               traceback=[])], grade=True, grade_id="bad", points=1)
    written = cell(new_markdown_cell, "my answer", grade=True, solution=True, grade_id="essay", points=3)
    blank = cell(new_code_cell, "# YOUR CODE HERE", [], solution=True, grade_id="code")
    blank.metadata["nbgrader"]["checksum"] = compute_checksum(blank)
    nb = nbformat.from_dict(new_notebook(cells=[passed, failed, written, blank]))
    sheet = GradeSheet()
    run_on(SaveAutoGrades(), sheet, nb, nbgrader_resources("s", "a", "n"))
    assert {k: (r.auto_score, r.needs_manual_grade) for k, r in sheet.grades.items()} == {
        "ok": (2.0, False), "bad": (0.0, False), "essay": (None, True)}
    assert {k: r.auto_comment for k, r in sheet.comments.items()} == {"essay": None, "code": "No response."}


def test_a_worker_speaks_the_language_it_is_given(monkeypatch):
    from coursework.i18n import language, msg
    from coursework.i18n.settings import ENV, speaking

    monkeypatch.setenv(ENV, "en")
    with speaking("ko"):
        assert language() == "ko"
        assert msg("no_points") == msg("no_points", lang="ko") != msg("no_points", lang="en")

        async def in_a_task():
            return language()

        assert asyncio.run(in_a_task()) == "ko"  # asyncio.run copies the context
        with speaking(None):
            assert language() == "ko"
    assert language() == "en"
    with pytest.raises(ValueError, match="expected one of"):
        with speaking("xx"):
            pass


def test_schema_blocks_may_overlap_across_threads():
    from nbgrader.nbgraderformat import common

    from coursework.grading.run.schema import schema_checked_once

    original = common.jsonschema
    inside, go = threading.Event(), threading.Event()
    seen = []

    def worker():
        with schema_checked_once():
            inside.set()
            go.wait(10)
            seen.append(common.jsonschema is not original)

    thread = threading.Thread(target=worker)
    with schema_checked_once():
        thread.start()
        inside.wait(10)
    assert common.jsonschema is not original  # the thread's block is still open
    go.set()
    thread.join(10)
    assert seen == [True]
    assert common.jsonschema is original
