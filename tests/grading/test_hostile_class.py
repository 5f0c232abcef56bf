"""A class of hostile submissions graded together with honest ones (issue 13's proof).

One course with six assignments (their demo cells left out: every score comes from the answers
and the checks); the honest submissions are graded alone first, then
the whole class (tests/helpers/hostile_corpus.py) in one ``coursework autograde`` run per
assignment, then feedback, export and report. Asserted: every case's exact total and
reasons; the honest scores equal those graded alone; every course file outside the
grading outputs is byte-for-byte unchanged; no attempt that must be refused worked;
nothing the kernel could not read reaches any graded notebook or feedback page; only
the graded notebook comes back; no process a submission started outlives the run.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from helpers import hostile_corpus as hc
from helpers.class_fixtures import cli, demo_cells, make_course, page_text, secret_texts
from helpers.nbgrader_course import scores

pytestmark = pytest.mark.slow

OUTPUTS = ("autograded", "feedback", "reports", "gradebook.db", "grades.csv", "dist")
ARGS = ("--jobs", "2", "--timeout", "20", "--disk", str(hc.DISK_MB), "--max-notebook", str(hc.MAX_NOTEBOOK_MB),
        "--max-cells", str(hc.MAX_CELLS), "--json", "--no-progress")


def _checksums(course: Path) -> dict[str, str]:
    out = {}
    for path in sorted(course.rglob("*")):
        rel = path.relative_to(course)
        if rel.parts[0] in OUTPUTS or "__pycache__" in rel.parts or not path.is_file():
            continue
        out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _grade(course: Path, students: list[str] | None = None, force: bool = False) -> dict:
    summaries = {}
    for assignment in hc.ASSIGNMENTS:
        extra = [a for s in students or [] for a in ("--student", s)]
        run = cli("autograde", assignment, "--course", str(course), *ARGS, *extra, *(["--force"] if force else []),
                  check=False, timeout=1800)
        assert run.returncode == 0, run.stdout + run.stderr
        summaries[assignment] = json.loads(run.stdout)
    return summaries


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("hostile"), hc.ASSIGNMENTS, package=True,
                         drop=set().union(*(demo_cells(a) for a in hc.ASSIGNMENTS)))
    cli("release", *hc.ASSIGNMENTS, "--no-bundle", "--course", str(course))
    chosen = hc.build(course, hc.HONEST)
    alone = _grade(course, [c.student or n for n, c in chosen.items()])
    alone_scores = {a: scores(course, a) for a in hc.ASSIGNMENTS}
    cases = hc.build(course)
    before = _checksums(course)
    summaries = _grade(course, force=True)
    for assignment in hc.ASSIGNMENTS:
        cli("feedback", assignment, "--course", str(course))
        cli("report", assignment, "--course", str(course))
    cli("export", "--course", str(course))
    after = _checksums(course)
    return {"course": course, "cases": cases, "alone": alone_scores, "summaries": summaries, "before": before,
            "after": after, "scores": {a: scores(course, a) for a in hc.ASSIGNMENTS}, "alone_summaries": alone}


def _student(name, case):
    return case.student or name


def _record(course, case, student):
    path = course / "autograded" / ".coursework" / case.assignment / f"{student}.json"
    return json.loads(path.read_text())


def test_the_corpus_is_large_enough():
    cases = hc.cases(Path("/nonexistent"))
    hostile = [n for n in cases if n not in hc.HONEST]
    assert len(hostile) >= 30 and len(hc.HONEST) >= 5
    assert len({c.assignment for n, c in cases.items() if n in hostile}) >= 4


def test_every_submission_graded_with_its_exact_total(graded):
    wrong = {}
    for name, case in graded["cases"].items():
        student = _student(name, case)
        got = graded["scores"][case.assignment].get(student, {}).get("total")
        if got != case.total:
            wrong[name] = (got, case.total)
    assert wrong == {}
    for assignment, summary in graded["summaries"].items():
        assert summary["failed"] == {}, (assignment, summary["failed"])
        assert summary["sandbox"] is True


def test_each_lost_point_has_its_reason(graded):
    course = graded["course"]
    problems = []
    for name, case in graded["cases"].items():
        record = _record(course, case, _student(name, case))
        checks = {gid: c for ex in record["notebooks"][case.assignment]["exercises"].values()
                  for gid, c in ex["checks"].items()}
        for gid, text in case.zero.items():
            if checks[gid]["score"] != 0 or text not in (checks[gid]["reason"] or ""):
                problems.append((name, gid, checks[gid]))
        for text in case.notes:
            if not any(text in n for n in record["notebooks"][case.assignment]["notes"]):
                problems.append((name, "notes", text))
    assert problems == []


def test_honest_scores_equal_their_scores_graded_alone(graded):
    for name in hc.HONEST:
        case = graded["cases"][name]
        student = _student(name, case)
        assert graded["scores"][case.assignment][student] == graded["alone"][case.assignment][student], name
        assert graded["scores"][case.assignment][student]["total"] == hc.TOTALS[case.assignment] or \
            name == "honest-partial-01"


def test_no_course_file_changed(graded):
    before, after = graded["before"], graded["after"]
    assert set(before) == set(after)
    assert [k for k in before if before[k] != after[k]] == []
    assert not Path(f"/tmp/{hc.MARKER}-pwned").exists()


def _graded_texts(course: Path) -> dict[str, str]:
    out = {}
    for path in (course / "autograded").rglob("*.ipynb"):
        out[str(path)] = path.read_text(encoding="utf-8")
    for path in (course / "feedback").rglob("*.html"):
        out[str(path)] = page_text(path)
    return out


def test_no_refused_attempt_worked_and_nothing_leaked(graded):
    course = graded["course"]
    texts = _graded_texts(course)
    worked = [(p, ln) for p, t in texts.items() for ln in t.replace("\\n", "\n").splitlines()
              if ln.rstrip("\", ").endswith("WORKED") and "(allowed" not in ln]
    assert worked == []
    secret = (course / ".coursework-secret").read_text().strip()
    leaks = []
    for assignment in hc.ASSIGNMENTS:
        for needle in secret_texts(course / "solutions" / assignment / f"{assignment}.ipynb"):
            if needle in ("HIDDEN TESTS", "grader_tests.hidden", "grader_tests/hidden", "student_rng("):
                continue  # the attempts' own code names these paths
            leaks += [(p, needle) for p, t in texts.items() if needle in t and "feedback" in p]
    leaks += [(p, "secret") for p, t in texts.items() if secret in t]
    assert leaks == []
    refused = [t for t in texts.values() if "refused: PermissionError" in t]
    assert refused, "the reading attempts should have been refused with PermissionError"


def test_only_the_graded_notebook_comes_back(graded):
    course = graded["course"]
    for name, case in graded["cases"].items():
        folder = course / "autograded" / _student(name, case) / case.assignment
        if folder.exists():  # a notebook that could not be read has no graded copy
            assert {p.name for p in folder.iterdir()} <= {f"{case.assignment}.ipynb"}, name


def test_no_process_outlives_the_run(graded):
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    assert hc.MARKER not in ps
    assert "ipykernel" not in ps or "coursework grading" not in ps


def test_the_fork_bomb_started_nothing(graded):
    course = graded["course"]
    text = (course / "autograded" / "fork-bomb-01" / "01_features" / "01_features.ipynb").read_text()
    assert "processes started: 0" in text


def test_the_environment_is_scrubbed(graded):
    course = graded["course"]
    text = (course / "autograded" / "env-and-proc-01" / "01_features" / "01_features.ipynb").read_text()
    assert "environ (allowed) WORKED" in text
    assert "None None" in text  # neither the secret's file nor the student id reaches the kernel
    assert "COURSEWORK_SANDBOX" not in text


def test_export_neutralises_formulas(graded):
    rows = list(csv.DictReader(open(graded["course"] / "grades.csv", newline="", encoding="utf-8")))
    ids = {r["student_id"] for r in rows}
    assert "=1+1" not in ids and any(i.endswith("=1+1") for i in ids)
