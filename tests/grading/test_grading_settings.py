"""One settings object (coursework.grading.settings.Settings): the command line takes its
defaults from it, a class run fills in the course's, and a submission graded under any other
value of any field is graded again (the fields are iterated: a new one is covered)."""

from __future__ import annotations

import dataclasses

import pytest

from helpers.class_fixtures import TINY, cli, make_course, submit_tiny, tiny_assignment
from coursework.cli import autograde_settings, build_parser
from coursework.grading.course import open_course
from coursework.grading.run.classrun import ClassRun, Options
from coursework.grading.settings import DEFAULTS, Settings


def _other(value):
    """A different value of the same type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    if isinstance(value, str):
        return value + "-other"
    raise AssertionError(f"no other value for {value!r}: give the new field's type a case here")


def test_the_command_line_defaults_are_the_settings_defaults():
    args = build_parser().parse_args(["autograde", "a1"])
    assert autograde_settings(args) == DEFAULTS


def test_each_option_sets_its_setting():
    args = build_parser().parse_args(["autograde", "a1", "--timeout", "7", "--memory", "100", "--max-output", "2",
                                      "--max-output-total", "3", "--disk", "9", "--max-notebook", "1.5",
                                      "--max-cells", "10", "--total-time", "60", "--no-sandbox"])
    assert autograde_settings(args) == Settings(timeout=7.0, memory_mb=100, max_output_bytes=2048,
                                                max_notebook_output_bytes=3 << 20, disk_mb=9, max_notebook_mb=1.5,
                                                max_cells=10, total_seconds=60.0, sandbox=False)


def test_settings_are_checked():
    with pytest.raises(TypeError, match="memory_mb: expected int, got str"):
        Settings(memory_mb="4096")
    with pytest.raises(TypeError, match="sandbox: expected bool"):
        Settings(sandbox=1)
    with pytest.raises(ValueError, match="disk_mb must not be negative"):
        Settings(disk_mb=-1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.memory_mb = 1
    assert Settings(timeout=3).timeout == 3.0 and not DEFAULTS.is_resolved


@pytest.fixture(scope="module")
def graded_once(tmp_path_factory):
    """A tiny course with one submission marked graded under the run's settings (no kernel runs)."""
    course_dir = make_course(tmp_path_factory.mktemp("settings"), ())
    tiny_assignment(course_dir)
    cli("release", TINY, "--no-bundle", "--course", str(course_dir))
    submit_tiny(course_dir, "ana")
    course = open_course(course_dir)
    run = ClassRun(course, TINY, Options(progress=False, settings=Settings(sandbox=False)))
    _, todo = run.plan()
    assert [t.student for t in todo] == ["ana"]
    with course.gradebook() as gb:
        gb.update_or_create_student("ana")
        gb.update_or_create_submission(TINY, "ana")
    course.autograded_folder(TINY, "ana").mkdir(parents=True)
    run.state.done(TINY, "ana", todo[0].digest, 3.0, 3.0)
    return course, run


def test_a_run_fills_in_the_course_s_settings(graded_once):
    course, run = graded_once
    assert run.settings.is_resolved
    assert run.settings.timeout == course.timeout and run.settings.late_penalty == course.late_penalty
    assert run.settings.due_date == "" and run.settings.lang in ("en", "ko")
    assert run.settings.sandbox is False


def test_unchanged_settings_skip_the_submission(graded_once):
    _, run = graded_once
    summary, todo = run.plan()
    assert todo == [] and summary.skipped == ["ana"]


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(Settings)])
def test_changing_any_setting_grades_again(graded_once, name):
    _, run = graded_once
    graded_under = run.settings
    try:
        run.settings = dataclasses.replace(graded_under, **{name: _other(getattr(graded_under, name))})
        summary, todo = run.plan()
    finally:
        run.settings = graded_under
    assert [t.student for t in todo] == ["ana"] and summary.skipped == [], name


def test_the_gradebook_s_due_date_is_a_setting(graded_once):
    import datetime as dt

    course, _ = graded_once
    with course.gradebook() as gb:
        gb.update_or_create_assignment(TINY, duedate=dt.datetime(2026, 12, 7, 23, 59))
    try:
        run = ClassRun(course, TINY, Options(progress=False, settings=Settings(sandbox=False)))
        assert run.settings.due_date == "2026-12-07 23:59:00"
        _, todo = run.plan()
        assert [t.student for t in todo] == ["ana"]        # graded before the due date was set
    finally:
        with course.gradebook() as gb:
            gb.update_or_create_assignment(TINY, duedate=None)
