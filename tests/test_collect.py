"""``coursework collect``: hand-ins in the shapes students and an LMS produce are filed under
``submitted/<student>/<assignment>/`` with nbgrader's timestamp; unsafe ids and foreign files
are refused one by one while the others are filed; due dates come from the course's config."""

from __future__ import annotations

import datetime as dt
import os
import zipfile

import nbformat
import pytest

from class_fixtures import REPO, cli, make_course
from coursework.grading.collect import Refused, check_student_id, collect
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
    from nbgrader.utils import parse_utc

    want = dt.datetime(2026, 12, 6, 9, 0).astimezone(dt.timezone.utc).replace(tzinfo=None)  # zip: local time
    assert parse_utc(filed(course, "dave")[1]) == want
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
