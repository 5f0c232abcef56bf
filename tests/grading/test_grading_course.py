"""The course's own nbgrader_config.py is loaded wherever a command runs."""

from __future__ import annotations

import os
import sys

import pytest

from helpers.class_fixtures import make_course
from coursework.grading.course import CourseError, find_course_root, open_course


def test_config_is_read_from_the_course_not_the_current_directory(tmp_path, monkeypatch):
    course_dir = make_course(tmp_path)
    monkeypatch.chdir(tmp_path)  # not the course
    course = open_course(course_dir)
    assert course.root == course_dir.resolve()
    assert course.timeout == 120  # the course's, not nbgrader's default 30
    assert course.source_dir == course_dir.resolve() / "solutions"
    assert course.release_dir == course_dir.resolve() / "notebooks"
    assert course.db_url == f"sqlite:///{course_dir.resolve() / 'gradebook.db'}"
    assert course.config.OverwriteCells.add_missing_cells is True
    assert str(os.path.dirname(sys.executable)) in os.environ["PATH"].split(os.pathsep)  # alembic is found


def test_the_course_is_found_from_a_folder_inside_it(tmp_path):
    course_dir = make_course(tmp_path)
    inner = course_dir / "submitted" / "alice"
    inner.mkdir(parents=True)
    assert find_course_root(inner) == course_dir.resolve()
    with pytest.raises(CourseError, match="no nbgrader_config.py"):
        find_course_root(tmp_path)
    with pytest.raises(CourseError, match="no assignment '99_nothing'"):
        open_course(course_dir).source_notebooks("99_nothing")
