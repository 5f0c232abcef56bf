"""The course directory and its nbgrader configuration, loaded from wherever we run.

``nbgrader`` reads ``nbgrader_config.py`` only from the current directory and
silently falls back to its defaults elsewhere. Every ``coursework`` command instead
loads the course's own file explicitly: :func:`open_course` takes the course root
(``--course DIR``, default: the first folder upwards from the current directory
that holds an ``nbgrader_config.py``), reads that file with traitlets, and pins
``CourseDirectory.root`` to it.

nbgrader is imported here, once per process (about 4 s), and only by the commands
that need it; the student's ``coursework check`` never does.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Course", "CourseError", "find_course_root", "open_course", "quiet_nbgrader"]

CONFIG_NAME = "nbgrader_config.py"


class CourseError(RuntimeError):
    """Something about the course directory is wrong; the message says what."""


def find_course_root(start: str | os.PathLike | None = None) -> Path:
    """The nearest folder, ``start`` or above, that holds ``nbgrader_config.py``."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise CourseError(f"no {CONFIG_NAME} in {here} or any folder above it; pass --course DIR")


def quiet_nbgrader(verbose: bool = False) -> None:
    """Silence nbgrader's per-cell INFO / WARNING chatter and SQLAlchemy's SAWarnings.

    The warnings are known noise here (``checksum has changed`` on every hidden-test
    cell, nbgrader issue #1961; ``SAWarning ... not in session``).
    """
    level = logging.INFO if verbose else logging.ERROR
    for name in ("traitlets", "nbgrader", "NbGrader", "nbconvert", "alembic"):
        logging.getLogger(name).setLevel(level)
    if not verbose:
        warnings.filterwarnings("ignore", message=".*not in session.*")
        warnings.filterwarnings("ignore", module="sqlalchemy")
        warnings.filterwarnings("ignore", category=DeprecationWarning)


@dataclass
class Course:
    """An nbgrader course: its root folder and its configuration (a traitlets Config)."""

    root: Path
    config: Any

    # -- folders ---------------------------------------------------------------------
    def _dir(self, trait: str, default: str) -> Path:
        value = self.config.CourseDirectory.get(trait, default)
        return self.root / value

    @property
    def source_dir(self) -> Path:
        return self._dir("source_directory", "source")

    @property
    def release_dir(self) -> Path:
        return self._dir("release_directory", "release")

    @property
    def submitted_dir(self) -> Path:
        return self._dir("submitted_directory", "submitted")

    @property
    def autograded_dir(self) -> Path:
        return self._dir("autograded_directory", "autograded")

    @property
    def feedback_dir(self) -> Path:
        return self._dir("feedback_directory", "feedback")

    @property
    def state_dir(self) -> Path:
        """``autograded/.coursework``: the resumable state and the per-submission grading records.

        A dot folder, so nbgrader's ``autograded/*/<assignment>`` globs never see it, and
        outside every ``autograded/<student>/<assignment>`` folder, so nothing of it is
        copied into a student's feedback.
        """
        return self.autograded_dir / ".coursework"

    @property
    def db_url(self) -> str:
        return self.config.CourseDirectory.get("db_url", f"sqlite:///{self.root / 'gradebook.db'}")

    @property
    def course_id(self) -> str:
        return self.config.CourseDirectory.get("course_id", "default_course")

    @property
    def timeout(self) -> int:
        """Seconds per cell: ``Execute.timeout``, else ``ExecutePreprocessor.timeout``, else 30."""
        for section in ("Execute", "ExecutePreprocessor"):
            value = self.config[section].get("timeout") if section in self.config else None
            if value:
                return int(value)
        return 30

    # -- assignments -----------------------------------------------------------------
    def assignments(self) -> list[str]:
        """Assignments with a source folder, sorted."""
        if not self.source_dir.is_dir():
            return []
        return sorted(p.name for p in self.source_dir.iterdir() if p.is_dir() and not p.name.startswith("."))

    def source_notebooks(self, assignment: str) -> dict[str, Path]:
        """Notebook name (without ``.ipynb``) -> source notebook path."""
        folder = self.source_dir / assignment
        if not folder.is_dir():
            raise CourseError(f"no assignment {assignment!r}: {folder} does not exist "
                              f"(assignments: {', '.join(self.assignments()) or 'none'})")
        return {p.stem: p for p in sorted(folder.glob("*.ipynb"))}

    def release_notebook(self, assignment: str, notebook: str) -> Path:
        return self.release_dir / assignment / f"{notebook}.ipynb"

    # -- nbgrader objects ------------------------------------------------------------
    def coursedir(self, assignment_id: str = "", student_id: str = "*"):
        """An ``nbgrader.coursedir.CourseDirectory`` configured from this course."""
        from nbgrader.coursedir import CourseDirectory

        cd = CourseDirectory(config=self.config)
        cd.root = str(self.root)
        if assignment_id:
            cd.assignment_id = assignment_id
        cd.student_id = student_id
        return cd

    def gradebook(self):
        """An open ``nbgrader.api.Gradebook`` on this course's database (use ``with``)."""
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url, self.course_id)


def open_course(root: str | os.PathLike | None = None, *, verbose: bool = False) -> Course:
    """Load ``ROOT/nbgrader_config.py`` (ROOT found by :func:`find_course_root` if None).

    Also puts this Python's ``bin/`` on ``PATH``: nbgrader runs ``alembic`` by name when
    it creates a gradebook.
    """
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve() if root else find_course_root()
    path = root / CONFIG_NAME
    if not path.is_file():
        raise CourseError(f"{root} is not a course directory: it has no {CONFIG_NAME}")
    config = PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    quiet_nbgrader(verbose)
    return Course(root=root, config=config)
