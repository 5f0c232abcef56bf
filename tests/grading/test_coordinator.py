"""The coordinator's batches (coursework.grading.run.classrun.ClassRun.finish_batch): the same
gradebook, records and state as finishing one submission at a time, one gradebook commit per
batch, a failure that costs only its own submission, and a run SIGKILLed in the middle of a
batch that loses at most that batch and resumes.

A class of the tiny assignment (four kinds of answer) is graded once for real (kernels and
judge); the tests then grade copies of the course with an executor that replays those
results (every job's result ready at once, so that batches are as large as allowed and the
same in every run): only the coordinator's work is repeated.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from helpers.class_fixtures import TINY, cli, make_course, submit_tiny, tiny_assignment
from helpers import nbgrader_course
from helpers.nbgrader_course import submission, submit


ANSWERS = {
    "right": "def double(x):\n    return 2 * x\n",
    "even": "def double(x):\n    return 2 * x if x % 2 == 0 else 0\n",
    "raises": "def double(x):\n    raise ValueError('not yet')\n",
    "blank": None,
}
STUDENTS = [f"c{i:02d}-{kind}" for i, kind in zip(range(12), list(ANSWERS) * 3)]
EXECUTED: dict = {}  # student -> notebook -> the executed notebook (JSON) the real run's worker graded


def _course(root: Path) -> Path:
    course = make_course(root, assignments=())
    tiny_assignment(course)
    cli("release", TINY, "--no-bundle", "--course", str(course))
    release = course / "notebooks" / TINY / f"{TINY}.ipynb"
    for student in STUDENTS:
        answer = ANSWERS[student.split("-")[1]]
        if answer is None:
            submit(course, student, TINY, submission(release, {}))
        else:
            submit_tiny(course, student, answer=answer)
    return course


class Replay:
    """An executor (the protocol of classrun.Executor) whose every submitted job is done at once,
    with the result the real grader gave that student."""

    packed = False

    def __init__(self, results: dict, slots: int = 64):
        self.results, self.slots, self.workers_down = results, slots, {}
        self.done: list = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def submit(self, job):
        self.done.append(job)

    def next_done(self, wait=True):
        if not self.done:
            assert not wait, "waited for a job that was never submitted"
            return None
        job = self.done.pop(0)
        return job, self.results[job.student]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(a course not graded yet, the real results of each student, the real run's course)."""
    from coursework.grading.course import open_course
    from coursework.grading.run import classrun, local, worker

    seed = _course(tmp_path_factory.mktemp("coordinator"))
    real = tmp_path_factory.mktemp("real") / "course"
    shutil.copytree(seed, real)
    results: dict = {}
    original = local.LocalExecutor.next_done

    def keep(self, wait=True):
        done = original(self, wait)
        if done is not None:
            results[done[0].student] = done[1]
        return done

    graded_there = worker._graded

    def executed(job, name, nb, *args):
        EXECUTED.setdefault(job.student, {})[name] = worker.nb_to_json(nb)
        return graded_there(job, name, nb, *args)

    local.LocalExecutor.next_done, worker._graded = keep, executed
    try:
        summary = classrun.autograde(open_course(real), TINY, classrun.Options(jobs=2, progress=False))
    finally:
        local.LocalExecutor.next_done, worker._graded = original, graded_there
    assert sorted(summary.graded) == sorted(STUDENTS) and not summary.failed
    return seed, results, real


def _replayed(seed: Path, results: dict, folder: Path, monkeypatch, **options):
    """A copy of ``seed`` graded with the replayed results; (course, summary)."""
    from coursework.grading.course import open_course
    from coursework.grading.run import classrun

    course = folder / "course"
    if not course.exists():
        shutil.copytree(seed, course)
    monkeypatch.setattr(classrun, "LocalExecutor", lambda jobs: Replay(results))
    summary = classrun.autograde(open_course(course), TINY, classrun.Options(progress=False, **options))
    return course, summary


def gradebook_rows(course: Path) -> dict:
    return nbgrader_course.gradebook_rows(course, TINY)


def state_entries(course: Path) -> dict:
    state = json.loads((course / "autograded" / ".coursework" / "state.json").read_text())["submissions"]
    return {k: {f: v[f] for f in ("hash", "score", "points", "penalty", "seconds_late")} for k, v in state.items()}


def records(course: Path) -> dict:
    folder = course / "autograded" / ".coursework" / TINY
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def graded_notebooks(course: Path) -> dict:
    return {s: (course / "autograded" / s / TINY / f"{TINY}.ipynb").read_text() for s in STUDENTS}


EXPECTED = {"right": 3.0, "raises": 0.0, "blank": 0.0}  # "even": 3 or 1, the hidden input's parity


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_batches_write_what_one_at_a_time_writes(graded, tmp_path, monkeypatch):
    seed, results, real = graded
    one, s1 = _replayed(seed, results, tmp_path / "one", monkeypatch, batch=1)
    many, s64 = _replayed(seed, results, tmp_path / "many", monkeypatch, batch=64)
    for summary in (s1, s64):
        assert sorted(summary.graded) == sorted(STUDENTS) and not summary.failed
    rows = gradebook_rows(one)
    assert rows == gradebook_rows(many) == gradebook_rows(real)
    for student, row in rows.items():
        kind = student.split("-")[1]
        if kind in EXPECTED:
            assert row["score"] == EXPECTED[kind], student
        else:
            assert row["score"] in (1.0, 3.0), student
    assert state_entries(one) == state_entries(many) == state_entries(real)
    assert len(state_entries(one)) == len(STUDENTS)
    assert records(one) == records(many) == records(real)
    assert graded_notebooks(one) == graded_notebooks(many) == graded_notebooks(real)
    assert {s: sc for s, sc in s1.scores.items()} == {s: sc for s, sc in s64.scores.items()}


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_notebooks_graded_on_the_workers_or_here_write_the_same(graded, tmp_path, monkeypatch):
    """The real run's workers read, sanitized and graded each notebook (Options.on_workers); here
    the same kernels' results, the notebooks read, sanitized and graded by the coordinator."""
    from dataclasses import replace

    seed, results, real = graded
    assert all(r.graded and not r.notebooks for r in results.values())  # the real run: on the workers
    sent_back = {s: replace(r, graded={}, notebooks=EXECUTED[s]) for s, r in results.items()}
    course, summary = _replayed(seed, sent_back, tmp_path / "here", monkeypatch, batch=64, on_workers=False)
    assert sorted(summary.graded) == sorted(STUDENTS) and not summary.failed
    assert gradebook_rows(course) == gradebook_rows(real)
    assert state_entries(course) == state_entries(real)
    assert records(course) == records(real)
    assert graded_notebooks(course) == graded_notebooks(real)


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_a_batch_is_one_gradebook_commit_and_one_state_save(graded, tmp_path, monkeypatch):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from coursework.grading.run import state

    seed, results, _ = graded
    counts = {}
    for batch in (1, 4):
        commits, saves = [], []
        original = state.GradingState.save
        monkeypatch.setattr(state.GradingState, "save", lambda self: (saves.append(1), original(self))[1])
        listener = lambda *args: commits.append(1)  # noqa: E731
        event.listen(Engine, "commit", listener)
        try:
            _, summary = _replayed(seed, results, tmp_path / f"b{batch}", monkeypatch, batch=batch)
        finally:
            event.remove(Engine, "commit", listener)
            monkeypatch.setattr(state.GradingState, "save", original)
        assert sorted(summary.graded) == sorted(STUDENTS)
        assert len(saves) == -(-len(STUDENTS) // batch)  # one state save per batch
        counts[batch] = len(commits)
    # one gradebook commit per batch: 12 batches of 1 commit 9 times more than 3 batches of 4
    # (the rest, opening the gradebook, does not depend on the batches)
    assert counts[1] - counts[4] == len(STUDENTS) - len(STUDENTS) // 4, counts


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_a_submission_that_fails_to_finish_costs_only_itself(graded, tmp_path, monkeypatch):
    from coursework.grading.run import classrun

    seed, results, real = graded
    broken = STUDENTS[5]
    original = classrun.ClassRun._score

    def score(self, gb, student, *args, **kwargs):
        if student == broken:
            raise OSError("disk full (simulated)")
        return original(self, gb, student, *args, **kwargs)

    monkeypatch.setattr(classrun.ClassRun, "_score", score)
    course, summary = _replayed(seed, results, tmp_path / "fails", monkeypatch, batch=64)
    assert summary.failed == {broken: "OSError: disk full (simulated)"}
    assert sorted(summary.graded) == sorted(set(STUDENTS) - {broken})
    expected = {s: r for s, r in gradebook_rows(real).items() if s != broken}
    assert gradebook_rows(course) == expected  # nothing of the failed one: its batch was done again without it
    assert f"{TINY}/{broken}" not in state_entries(course)
    assert not (course / "autograded" / broken / TINY).exists()
    from coursework.grading.course import open_course

    assert "disk full (simulated)" in open_course(course).log_path(TINY, broken).read_text()


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and SIGKILL")
def test_killed_in_the_middle_of_a_batch_loses_only_that_batch_and_resumes(graded, tmp_path, monkeypatch):
    from coursework.grading.run import classrun

    seed, results, real = graded
    course = tmp_path / "killed" / "course"
    shutil.copytree(seed, course)
    swaps = []
    original = classrun.ClassRun._swap_in

    def swap_then_die(self, student, tmp):
        original(self, student, tmp)
        swaps.append(student)
        if len(swaps) == 6:  # the second of the second batch of 4: gradebook committed, state not yet saved
            os.kill(os.getpid(), signal.SIGKILL)

    pid = os.fork()
    if pid == 0:  # the coordinator, killed by itself mid-batch
        try:
            monkeypatch.setattr(classrun.ClassRun, "_swap_in", swap_then_die)
            _replayed(seed, results, tmp_path / "killed", monkeypatch, batch=4)
        finally:
            os._exit(3)  # not reached when the kill came
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

    first_batch = sorted(STUDENTS[:4])
    assert sorted(k.split("/", 1)[1] for k in state_entries(course)) == first_batch
    # the killed batch reached the gradebook (one commit) and two of its folders, but not the state
    assert sorted(gradebook_rows(course)) == sorted(STUDENTS[:8])

    monkeypatch.undo()
    _, again = _replayed(seed, results, tmp_path / "killed", monkeypatch, batch=4)
    assert sorted(again.skipped) == first_batch
    assert sorted(again.graded) == sorted(STUDENTS[4:]) and not again.failed
    assert gradebook_rows(course) == gradebook_rows(real)
    assert state_entries(course) == state_entries(real)
    assert records(course) == records(real)
    assert not list(course.glob(f"autograded/*/.{TINY}.coursework-*"))


# -- the pieces: nbgrader's metadata check, the source cells --------------------------------------

CELL_META = [
    {"grade": True, "grade_id": "a", "locked": True, "points": 1, "schema_version": 3, "solution": False},
    {"grade": True, "grade_id": "a", "locked": True, "points": "one", "schema_version": 3, "solution": False},
    {"grade": "yes", "grade_id": 7, "locked": True, "schema_version": 3, "solution": False},
    {"grade_id": "a", "schema_version": 3},
]


@pytest.mark.parametrize("meta", CELL_META)
def test_metadata_check_raises_what_jsonschema_raises(meta):
    import jsonschema
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    from coursework.grading.run.schema import validate

    schema = MetadataValidatorV3().schema

    def outcome(check):
        try:
            check(meta, schema)
        except jsonschema.ValidationError as exc:
            return type(exc), exc.message, list(exc.path), list(exc.schema_path)
        return None

    assert outcome(validate) == outcome(jsonschema.validate)
    assert outcome(validate) == outcome(validate)  # the second time, from the kept validator


def test_metadata_check_is_ours_only_inside_the_block():
    import nbformat
    from nbgrader.nbgraderformat import MetadataValidator, common

    from coursework.grading.run.schema import schema_checked_once

    before = common.jsonschema
    cell = nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": dict(CELL_META[1])})
    with schema_checked_once():
        assert common.jsonschema is not before
        with pytest.raises(Exception) as inside:  # nbgrader's own check, through ours: a bad cell still fails
            MetadataValidator().validate_cell(cell)
    assert common.jsonschema is before
    with pytest.raises(Exception) as outside:
        MetadataValidator().validate_cell(cell)
    assert type(inside.value) is type(outside.value) and str(inside.value) == str(outside.value)
    assert "'one'" in str(inside.value)  # the bad value of points is named
