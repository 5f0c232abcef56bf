"""The course's set-up around grading: the student lab shows no nbgrader, the instructor's
Formgrader finds no exchange to warn about, grading data is git-ignored, ``make help``
names every target, and ``make clean-grading`` asks before it deletes."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.class_fixtures import REPO, make_course
from coursework.grading.course import open_course


def test_student_lab_turns_off_every_nbgrader_extension():
    installed = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json"
    if not installed.exists():
        pytest.skip(f"nbgrader's server config is not at {installed}")
    shipped = json.loads(installed.read_text())["ServerApp"]["jpserver_extensions"]
    student = json.loads((REPO / "jupyter" / "student" / "jupyter_server_config.json").read_text())
    assert student["ServerApp"]["jpserver_extensions"] == {name: False for name in shipped}
    page = json.loads((REPO / "jupyter" / "student" / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"] == {"@jupyter/nbgrader": True}
    instructor = json.loads((REPO / "jupyter" / "instructor" / "jupyter_server_config.json").read_text())
    # Formgrader, and the course's safe submission view in front of it (issue 18)
    assert {k for k, v in instructor["ServerApp"]["jpserver_extensions"].items() if v} == {
        "nbgrader.server_extensions.formgrader", "coursework.grading.output.formgrader_pages"}


def test_formgrader_finds_no_exchange_to_warn_about_and_transfers_say_what_to_do(tmp_path, caplog):
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.exchange import ExchangeError, ExchangeFactory

    from coursework.grading.release.no_exchange import MESSAGE

    course = open_course(make_course(tmp_path))
    caplog.set_level(logging.WARNING)
    api = NbGraderAPI(coursedir=course.coursedir(), config=course.config)
    assert api.exchange_missing is False and api.exchange_root == ""
    assert not [r for r in caplog.records if "Unwritable" in r.getMessage()]
    release = ExchangeFactory(config=course.config).ReleaseAssignment(coursedir=course.coursedir("01_features"),
                                                                     config=course.config)
    with pytest.raises(ExchangeError, match="coursework collect"):
        release.start()
    assert "coursework release" in MESSAGE


def test_grading_data_is_git_ignored():
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    paths = ["grades.csv", "gradebook.db", "submitted/a/01_features/01_features.ipynb",
             "autograded/a/01_features/01_features.ipynb", "feedback/a/01_features/01_features.html",
             "reports/01_features/report.html", "dist/nn-part1-01_features.zip"]
    run = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=REPO, capture_output=True, text=True)
    assert sorted(run.stdout.split()) == sorted(paths)


def _make(*args: str, cwd: Path = REPO, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "-f", str(REPO / "Makefile"), *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_help_names_every_target():
    text = (REPO / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):(?!=)", text, re.M))
    assert {"lab", "lab-instructor", "release", "collect", "autograde", "clean-grading", "help"} <= targets
    shown = _make("help").stdout
    missing = [t for t in sorted(targets) if not re.search(rf"^make {re.escape(t)}\b", shown, re.M)]
    assert not missing, f"make help does not list {missing}"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_clean_grading_lists_what_it_deletes_and_asks(tmp_path):
    (tmp_path / "submitted" / "alice" / "01_features").mkdir(parents=True)
    (tmp_path / "submitted" / "alice" / "01_features" / "01_features.ipynb").write_text("{}")
    (tmp_path / "grades.csv").write_text("x")
    (tmp_path / "keep.txt").write_text("mine")
    no = _make("clean-grading", cwd=tmp_path, stdin="n\n")
    assert no.returncode != 0 and "submitted (1 files)" in no.stdout and "grades.csv" in no.stdout
    assert "nothing deleted" in no.stdout and (tmp_path / "submitted").exists()
    yes = _make("clean-grading", "YES=1", cwd=tmp_path)
    assert yes.returncode == 0 and not (tmp_path / "submitted").exists() and not (tmp_path / "grades.csv").exists()
    assert (tmp_path / "keep.txt").read_text() == "mine"
