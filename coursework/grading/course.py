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

import datetime as dt
import logging
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

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
    """An nbgrader course: its root folder and its configuration (a traitlets Config).

    It answers the questions every command asks of a course: where its folders are, which
    students submitted an assignment or were graded in it, where a submission's grading
    record and logs are, the assignment's due date and the late penalty.
    """

    root: Path
    config: Config

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
    def state_file(self) -> Path:
        """What a class run has graded (:mod:`coursework.grading.run.state`)."""
        return self.state_dir / "state.json"

    def record_path(self, assignment: str, student: str) -> Path:
        """The record of a submission's grading: every check's score and reason, the notes."""
        return self.state_dir / assignment / f"{student}.json"

    def records(self, assignment: str) -> list[Path]:
        """The grading records of ``assignment``, by student id."""
        return sorted((self.state_dir / assignment).glob("*.json"))

    def log_path(self, assignment: str, student: str) -> Path:
        """What grading a submission logged (why it failed, what a check raised in the judge)."""
        return self.state_dir / "logs" / assignment / f"{student}.log"

    def kernel_log_path(self, assignment: str, student: str) -> Path:
        """What the submission's kernels wrote to their own stdout and stderr."""
        return self.state_dir / "logs" / assignment / f"{student}.kernel.log"

    def autograded_folder(self, assignment: str, student: str) -> Path:
        """``autograded/<student>/<assignment>``: the graded notebook."""
        return self.autograded_dir / student / assignment

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
            raise CourseError(
                f"no assignment {assignment!r}: {folder} does not exist "
                f"(assignments: {', '.join(self.assignments()) or 'none'})"
            )
        return {p.stem: p for p in sorted(folder.glob("*.ipynb"))}

    def release_notebook(self, assignment: str, notebook: str) -> Path:
        return self.release_dir / assignment / f"{notebook}.ipynb"

    def submissions(self, assignment: str) -> dict[str, Path]:
        """Student id -> ``submitted/<student>/<assignment>``, sorted by id: real folders only
        (no symbolic link, no dot folder)."""
        return _student_folders(self.submitted_dir, assignment)

    def graded(self, assignment: str) -> list[str]:
        """The students with a graded notebook folder ``autograded/<student>/<assignment>``, sorted."""
        return list(_student_folders(self.autograded_dir, assignment))

    def submitters(self) -> set[str]:
        """The students with a folder in ``submitted/`` for any assignment."""
        if not self.submitted_dir.is_dir():
            return set()
        return {
            p.parent.name for p in self.submitted_dir.glob("*/*") if p.is_dir() and not p.parent.name.startswith(".")
        }

    # -- deadlines ---------------------------------------------------------------------
    def due_date(self, assignment: str) -> dt.datetime | None:
        """The configured due date of ``assignment`` (``c.Coursework.due_dates``) as naive UTC, or None."""
        from nbgrader.utils import parse_utc  # here: nbgrader costs 4 s to import; `coursework check` never does

        dates = dict(self.config.Coursework.get("due_dates", {}) or {}) if "Coursework" in self.config else {}
        if assignment not in dates:
            return None
        try:
            return parse_utc(str(dates[assignment]))
        except Exception:  # noqa: BLE001 - whatever dateutil raises, the instructor reads one line
            raise CourseError(
                f"c.Coursework.due_dates[{assignment!r}] = {dates[assignment]!r} is not a date; "
                f"write e.g. '2026-12-07 23:59 Europe/Berlin' or '2026-12-07 23:59 UTC'"
            ) from None

    @property
    def late_penalty(self) -> str:
        """``c.LateSubmissionPlugin.penalty_method`` (``none``: late hand-ins are only reported)."""
        section = self.config.LateSubmissionPlugin if "LateSubmissionPlugin" in self.config else {}
        return str(section.get("penalty_method", "none"))

    # -- nbgrader objects ------------------------------------------------------------
    def coursedir(self, assignment_id: str = "", student_id: str = "*") -> Any:
        """An ``nbgrader.coursedir.CourseDirectory`` configured from this course."""
        from nbgrader.coursedir import CourseDirectory  # here: nbgrader costs 4 s to import

        cd = CourseDirectory(config=self.config)
        cd.root = str(self.root)
        if assignment_id:
            cd.assignment_id = assignment_id
        cd.student_id = student_id
        return cd

    def gradebook(self) -> Any:
        """An open ``nbgrader.api.Gradebook`` on this course's database (use ``with``)."""
        from nbgrader.api import Gradebook  # here: nbgrader costs 4 s to import

        return Gradebook(self.db_url, self.course_id)


def open_course(root: str | os.PathLike | None = None, *, verbose: bool = False) -> Course:
    """Load ``ROOT/nbgrader_config.py`` (ROOT found by :func:`find_course_root` if None).

    Also puts this Python's ``bin/`` on ``PATH``: nbgrader runs ``alembic`` by name when
    it creates a gradebook.
    """
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


def _student_folders(root: Path, assignment: str) -> dict[str, Path]:
    """Student id -> ``root/<student>/<assignment>`` for the real folders (no links, no dot folders)."""
    if not root.is_dir():
        return {}
    return {
        p.parent.name: p
        for p in sorted(root.glob(f"*/{assignment}"))
        if p.is_dir() and not p.is_symlink() and not p.parent.is_symlink() and not p.parent.name.startswith(".")
    }
