"""``coursework collect``: hand-ins in the shapes students and an LMS produce are filed under
``submitted/<student>/<assignment>/`` with nbgrader's timestamp; unsafe ids and foreign files
are refused one by one while the others are filed; due dates come from the course's config."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile

import nbformat
import pytest

from helpers.class_fixtures import REPO, cli, make_course
from coursework.grading.release.collect import Refused, check_student_id, collect
from coursework.grading.course import open_course

A = "03_activations"


@pytest.fixture()
def course(tmp_path):
    root = make_course(tmp_path, assignments=(A,))
    return open_course(root)


def release_bytes(marker: str = "") -> bytes:
    nb = nbformat.read(REPO / "notebooks" / A / f"{A}.ipynb", as_version=4)
    nb.cells[0].source += marker  # a different hand-in per student
    return nbformat.writes(nb).encode()


def put(path, data: bytes, when: dt.datetime | None = None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if when:
        stamp = when.replace(tzinfo=dt.timezone.utc).timestamp()
        os.utime(path, (stamp, stamp))
    return path


def filed(course, student):
    folder = course.submitted_dir / student / A
    return (folder / f"{A}.ipynb").read_bytes(), (folder / "timestamp.txt").read_text().strip()


def test_every_shape_of_hand_in_is_filed_with_its_timestamp(course, tmp_path):
    hand = tmp_path / "handins"
    t0 = dt.datetime(2026, 12, 6, 10, 30)
    put(hand / "alice" / f"nn-part1-{A}" / "notebooks" / A / f"{A}.ipynb", release_bytes("alice"), t0)
    put(hand / "alice" / f"nn-part1-{A}" / "notebooks" / A / ".ipynb_checkpoints" / f"{A}-checkpoint.ipynb",
        release_bytes("old"), t0)
    put(hand / "bob" / f"{A}.ipynb", release_bytes("bob"), t0 + dt.timedelta(hours=1))
    put(hand / f"carol_{A}.ipynb", release_bytes("carol"), t0)
    with zipfile.ZipFile(hand / "dave.zip", "w") as zf:  # a student's whole bundle, zipped
        zf.writestr(zipfile.ZipInfo(f"nn-part1-{A}/notebooks/{A}/{A}.ipynb", (2026, 12, 6, 9, 0, 0)),
                    release_bytes("dave"))
        zf.writestr(f"nn-part1-{A}/README.md", "not a notebook")
    result = collect(course, A, [hand])
    assert {o.student: o.status for o in result.outcomes} == {s: "collected" for s in ("alice", "bob", "carol", "dave")}
    for student in ("alice", "bob", "carol", "dave"):
        data, stamp = filed(course, student)
        assert data == release_bytes(student)
    assert filed(course, "bob")[1] == "2026-12-06 11:30:00.000000 UTC"
    # dave's entry says 09:00; what counts is when the zip was written on this disk
    zipped = dt.datetime.fromtimestamp((hand / "dave.zip").stat().st_mtime, dt.timezone.utc)
    assert filed(course, "dave")[1] == zipped.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    assert sorted(p.name for p in course.submitted_dir.iterdir()) == ["alice", "bob", "carol", "dave"]


def test_an_lms_zip_of_renamed_files_and_a_pattern(course, tmp_path):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"smithjane_LATE_1234_5678_{A}.ipynb", release_bytes("jane"))
        zf.writestr(f"doejohn_1111_2222_{A}-1.ipynb", release_bytes("john"))
    result = collect(course, A, [archive])
    assert {o.student for o in result.outcomes if o.status == "collected"} == {"smithjane", "doejohn"}
    other = tmp_path / "moodle"
    put(other / "Jane Smith_4711_assignsubmission_file_" / f"{A}.ipynb", release_bytes("js"))
    result = collect(course, A, [other], pattern=r"_(?P<student>\d+)_assignsubmission")
    assert [(o.student, o.status) for o in result.outcomes] == [("4711", "collected")]


@pytest.mark.parametrize("name, why", [
    (f"../evil/{A}.ipynb", "starts with a dot"),
    (f"/etc/{A}.ipynb", "path separator"),
    (f"bell\x07_{A}.ipynb", "control characters"),
    (f".hidden/{A}.ipynb", "starts with a dot"),
    (f"{A}.ipynb", "no student id in the name"),
])
def test_unsafe_ids_are_refused_with_a_reason_and_the_class_goes_on(course, tmp_path, name, why):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(name, release_bytes("evil"))
        zf.writestr(f"honest/{A}.ipynb", release_bytes("honest"))
    result = collect(course, A, [archive])
    assert [o.student for o in result.outcomes if o.status == "collected"] == ["honest"]
    (refused,) = result.refused
    assert why in refused.reason and name in refused.where
    assert sorted(p.name for p in course.submitted_dir.iterdir()) == ["honest"]
    assert not (course.root / "evil").exists() and not (course.root.parent / "evil").exists()
    assert any(line.startswith("  REFUSED ") and why in line for line in result.lines())


def test_student_id_rules():
    for good in ("alice", "Jane Smith_4711", "müller", "s12345"):
        assert check_student_id(good) == good
    for bad in ("", " alice", "a/b", "a\\b", "..", ".", ".git", "x\ny", "x\x00", "a" * 101):
        with pytest.raises(Refused):
            check_student_id(bad)


def test_foreign_broken_and_ambiguous_files_are_refused_alone(course, tmp_path):
    hand = tmp_path / "handins"
    put(hand / "ok" / f"{A}.ipynb", release_bytes("ok"))
    put(hand / "garbage" / f"{A}.ipynb", b"{not json")
    other = nbformat.read(REPO / "notebooks" / "01_features" / "01_features.ipynb", as_version=4)
    put(hand / "wrong" / "01_features.ipynb", nbformat.writes(other).encode())
    put(hand / "twice" / "draft.ipynb", release_bytes("a"))
    put(hand / "twice" / "final.ipynb", release_bytes("b"))
    os.symlink(REPO / "nbgrader_config.py", hand / "ok" / "link.ipynb")
    result = collect(course, A, [hand])
    reasons = {o.student if o.student != "?" else o.where: o.reason for o in result.refused}
    assert "not a readable notebook" in reasons["garbage"]
    assert f"not a notebook of {A}" in reasons["wrong"]
    assert "several notebooks" in reasons["twice"]
    assert "symbolic link" in reasons["ok/link.ipynb"]
    assert [o.student for o in result.outcomes if o.status == "collected"] == ["ok"]


def test_a_collected_notebook_is_replaced_only_when_asked(course, tmp_path):
    hand = tmp_path / "handins"
    put(hand / "alice" / f"{A}.ipynb", release_bytes("v1"))
    assert collect(course, A, [hand]).outcomes[0].status == "collected"
    assert collect(course, A, [hand]).outcomes[0].status == "unchanged"
    put(hand / "alice" / f"{A}.ipynb", release_bytes("v2"))
    again = collect(course, A, [hand])
    assert again.outcomes[0].status == "refused" and "--yes" in again.outcomes[0].reason
    assert filed(course, "alice")[0] == release_bytes("v1")
    assert collect(course, A, [hand], replace=True).outcomes[0].status == "replaced"
    assert filed(course, "alice")[0] == release_bytes("v2")


def test_due_date_from_the_config_marks_late_hand_ins(course, tmp_path):
    with open(course.root / "nbgrader_config.py", "a") as fh:
        fh.write(f"\nc.Coursework.due_dates = {{{A!r}: '2026-12-07 23:59 Europe/Berlin'}}\n"
                 "c.LateSubmissionPlugin.penalty_method = 'zero'\n")
    course = open_course(course.root)
    hand = tmp_path / "handins"
    put(hand / "early" / f"{A}.ipynb", release_bytes("e"), dt.datetime(2026, 12, 7, 22, 0))  # 23:00 Berlin
    put(hand / "late" / f"{A}.ipynb", release_bytes("l"), dt.datetime(2026, 12, 8, 1, 4))  # 2 h 5 min late
    result = collect(course, A, [hand])
    late = {o.student: o.late_by for o in result.outcomes}
    assert late == {"early": None, "late": dt.timedelta(hours=2, minutes=5)}
    text = "\n".join(result.lines())
    assert "due 2026-12-07 22:59 UTC; late penalty: zero" in text and "LATE by 2 h 5 min" in text


def test_cli_collect_and_autograde_without_an_assignment(course, tmp_path):
    hand = tmp_path / "handins"
    put(hand / "alice" / f"{A}.ipynb", release_bytes("a"))
    put(hand / "../evil" / "x.ipynb", b"")  # outside the folder: never seen
    run = cli("collect", A, str(hand), "--course", str(course.root), check=False)
    assert run.returncode == 0, run.stderr
    assert "collected 1, replaced 0, unchanged 0, refused 0" in run.stdout
    run = cli("autograde", "--course", str(course.root), check=False)
    assert run.returncode == 2
    assert "name the assignment" in run.stderr and f"{A} (1 submission)" in run.stderr


# -- received times come from the instructor's side ------------------------------------------------

DUE = "c.Coursework.due_dates = {'03_activations': '2026-12-07 23:59 UTC'}\nc.LateSubmissionPlugin.penalty_method = 'zero'\n"


def with_due_date(course):
    with open(course.root / "nbgrader_config.py", "a") as fh:
        fh.write("\n" + DUE)
    return open_course(course.root)


def zip_with_dates(path, entries: dict[str, tuple[bytes, tuple]], written: dt.datetime):
    """A zip whose entries carry the dates its maker chose, written on this disk at ``written``."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, (data, date) in entries.items():
            zf.writestr(zipfile.ZipInfo(name, date), data)
    stamp = written.replace(tzinfo=dt.timezone.utc).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_a_zip_dated_before_the_deadline_is_still_late(course, tmp_path):
    """The student's zip says 1 December; it reached this disk on 9 December: late, with a warning."""
    course = with_due_date(course)
    hand = tmp_path / "handins"
    hand.mkdir()
    zip_with_dates(hand / "mallory.zip", {f"mallory_{A}.ipynb": (release_bytes("m"), (2026, 12, 1, 12, 0, 0))},
                   dt.datetime(2026, 12, 9, 8, 0))
    put(hand / "honest" / f"{A}.ipynb", release_bytes("h"), dt.datetime(2026, 12, 7, 20, 0))
    result = collect(course, A, [hand])
    late = {o.student: o.late_by for o in result.outcomes}
    assert late == {"honest": None, "mallory": dt.timedelta(days=1, hours=8, minutes=1)}
    text = "\n".join(result.lines())
    assert "dates stored inside zips are never used" in text
    assert "WARNING the 1 hand-in(s) in mallory.zip count as received when the zip was written" in text
    assert filed(course, "mallory")[1].startswith("2026-12-09 08:00")


def test_an_lms_download_after_the_deadline_is_late_until_the_instructor_says_when(course, tmp_path):
    course = with_due_date(course)
    download = zip_with_dates(tmp_path / "download.zip", {
        f"ann_{A}.ipynb": (release_bytes("a"), (2026, 12, 7, 10, 0, 0)),
        f"ben_{A}.ipynb": (release_bytes("b"), (2026, 12, 7, 11, 0, 0))}, dt.datetime(2026, 12, 10, 9, 0))
    first = collect(course, A, [download])
    assert all(o.late_by for o in first.outcomes) and any("download.zip" in w for w in first.warnings)
    times = tmp_path / "lms.csv"
    times.write_text("Username,Full name,Submitted at\nann,Ann A,2026-12-07 23:10 UTC\n"
                     "ben,\"Ben, B\",2026-12-08 00:30 Europe/Berlin\n")
    second = collect(course, A, [download], received=times, received_columns="username,submitted at")
    status = {o.student: (o.status, o.late_by) for o in second.outcomes}
    assert status == {"ann": ("retimed", None), "ben": ("retimed", None)}  # 00:30 Berlin is 23:30 UTC
    assert filed(course, "ben")[1] == "2026-12-07 23:30:00.000000 UTC"
    assert not second.warnings and "received times: --received" in "\n".join(second.lines())
    # the same download again, without times: the recorded times stay (a re-download is not a hand-in)
    third = collect(course, A, [download])
    assert {o.status for o in third.outcomes} == {"unchanged"} and not any(o.late_by for o in third.outcomes)


def test_received_csv_columns_are_found_by_name_and_a_missing_student_is_refused(course, tmp_path):
    hand = tmp_path / "handins"
    put(hand / "ann" / f"{A}.ipynb", release_bytes("a"))
    put(hand / "cid" / f"{A}.ipynb", release_bytes("c"))
    times = tmp_path / "times.csv"
    times.write_text("\ufeffStudent ID,Received\nann,2026-12-07T22:00:00+00:00\n\n")
    result = collect(course, A, [hand], received=times)
    status = {o.student: (o.status, o.reason) for o in result.outcomes}
    assert status["ann"] == ("collected", "")
    assert status["cid"][0] == "refused" and "no row in --received" in status["cid"][1]
    assert filed(course, "ann")[1] == "2026-12-07 22:00:00.000000 UTC"


@pytest.mark.parametrize("text, columns, error", [
    ("", None, "empty"),
    ("name,when\nann,2026-12-07\n", None, "expected a column of student ids"),
    ("student,received\nann,yesterday-ish\n", None, "line 2: 'yesterday-ish' is not a time"),
    ("student,received\nann,2026-12-07\nann,2026-12-08\n", None, "a second, different time for 'ann'"),
    ("student,received\nann\n", None, "line 2: 1 fields, expected 2"),
    ("student,received\nann,2026-12-07\n", "student", "expected two header names"),
    ("student,received\nann,2026-12-07\n", "student,handed", "no column handed"),
])
def test_received_csv_errors_say_what_was_expected(course, tmp_path, text, columns, error):
    from coursework.grading.course import CourseError

    hand = tmp_path / "handins"
    put(hand / "ann" / f"{A}.ipynb", release_bytes("a"))
    times = tmp_path / "times.csv"
    times.write_text(text)
    with pytest.raises(CourseError, match=re.escape(error)):
        collect(course, A, [hand], received=times, received_columns=columns)
    assert not (course.submitted_dir / "ann").exists()


def test_timestamp_and_received_together_are_refused(course, tmp_path):
    from coursework.grading.course import CourseError

    times = tmp_path / "t.csv"
    times.write_text("student,received\n")
    with pytest.raises(CourseError, match="either --timestamp"):
        collect(course, A, [tmp_path], timestamp="2026-12-07 10:00 UTC", received=times)
    with pytest.raises(CourseError, match="--timestamp 'soon' is not a time"):
        collect(course, A, [tmp_path], timestamp="soon")


def test_the_score_table_shows_late_penalties():
    from coursework.cli import score_table
    from coursework.grading.run.classrun import Summary
    from coursework.grading.run.state import StateEntry

    summary = Summary(A)
    summary.record("early", StateEntry("h1", score=13.0, points=13.0))
    summary.record("late", StateEntry("h2", score=13.0, points=13.0, penalty=13.0, seconds_late=3 * 3600 + 60))
    summary.record("lenient", StateEntry("h3", score=9.0, points=13.0, penalty=0.0, seconds_late=600))
    lines = "\n".join(score_table(summary))
    assert re.search(r"^  early\s+13 / 13$", lines, re.M), lines
    assert re.search(r"^  late\s+0 / 13  \(LATE by 3 h 1 min: 13 before the penalty of 13\)$", lines, re.M), lines
    assert re.search(r"^  lenient\s+9 / 13  \(LATE by 10 min \(no penalty\)\)$", lines, re.M), lines
    assert summary.as_dict()["late"] == {"late": {"penalty": 13.0, "seconds_late": 10860.0},
                                         "lenient": {"penalty": 0.0, "seconds_late": 600.0}}


@pytest.mark.slow
def test_a_forged_zip_date_does_not_escape_the_penalty_end_to_end(tmp_path):
    """collect + autograde on the CLI: the same right notebook, once on time in a folder and once
    late in a zip whose entry claims an early date; the late one scores 0 after its penalty, and
    the score table says so."""
    from helpers.class_fixtures import TINY, submission, tiny_assignment

    root = make_course(tmp_path, assignments=())
    tiny_assignment(root)
    with open(root / "nbgrader_config.py", "a") as fh:
        fh.write(f"\nc.Coursework.due_dates = {{{TINY!r}: '2026-12-07 23:59 UTC'}}\n"
                 "c.LateSubmissionPlugin.penalty_method = 'zero'\n")
    cli("release", TINY, "--no-bundle", "--course", str(root))
    right = nbformat.writes(submission(root / "notebooks" / TINY / f"{TINY}.ipynb",
                                       {"double": "def double(x):\n    return 2 * x\n"})).encode()
    hand = tmp_path / "handins"
    put(hand / "ontime" / f"{TINY}.ipynb", right, dt.datetime(2026, 12, 7, 21, 0))
    zip_with_dates(hand / "forger.zip", {f"forger_{TINY}.ipynb": (right, (2026, 12, 1, 9, 0, 0))},
                   dt.datetime(2026, 12, 8, 2, 0))
    run = cli("collect", TINY, str(hand), "--course", str(root))
    assert re.search(r"^  forger\s+collected\s+2026-12-08 02:00 UTC  LATE by 2 h 1 min$", run.stdout, re.M), run.stdout
    run = cli("autograde", TINY, "--course", str(root), "--jobs", "2", "--no-progress")
    assert re.search(r"^  ontime\s+3 / 3$", run.stdout, re.M), run.stdout
    assert re.search(r"^  forger\s+0 / 3  \(LATE by 2 h 1 min: 3 before the penalty of 3\)$", run.stdout, re.M), \
        run.stdout
    export = cli("export", "--assignment", TINY, "--course", str(root))
    import csv

    rows = {r["student_id"]: r for r in csv.DictReader((root / "grades.csv").open())}
    assert (float(rows["forger"]["score"]), float(rows["forger"]["late_submission_penalty"])) == (0.0, 3.0), export
    assert float(rows["ontime"]["score"]) == 3.0
