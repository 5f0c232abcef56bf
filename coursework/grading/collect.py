"""``coursework collect``: file the students' hand-ins under ``submitted/<student>/<assignment>/``.

The hand-ins come as a folder or a zip (an LMS download), in any of these shapes::

    handins/alice/nn-part1-03_activations/notebooks/03_activations/03_activations.ipynb   (the bundle's path)
    handins/bob/03_activations.ipynb                                                     (one folder per student)
    handins/carol_03_activations.ipynb   (a renamed file: the student id is the name up to the first "_")
    submissions.zip                      (any of the above, zipped; a zip inside the folder is read too)

The student id is the first folder below the given root, or, for a file directly in the
root, its name up to the first ``_`` (``--pattern REGEX`` with a group ``(?P<student>...)``,
matched against the path below the root, overrides both). The paths come from the
students' side (folder and zip entry names), so ``--pattern`` runs on RE2
(``google-re2``), whose matching time is linear in the path's length whatever the pattern;
RE2 has no backreferences or lookaround, and says so when a pattern uses them. Per student, the notebook is
the only ``.ipynb`` file, or the one whose name ends in ``<assignment>.ipynb``; it must be
a notebook of this assignment (it holds at least one of the assignment's graded cells).

Each is written to ``submitted/<student>/<assignment>/<assignment>.ipynb`` with nbgrader's
``timestamp.txt``: the file's modification time (a zip entry's stored time, read in this
machine's time zone) or ``--timestamp``. nbgrader compares it with the assignment's due
date, configured once in ``nbgrader_config.py`` (``c.Coursework.due_dates``, copied into the
gradebook here), and applies ``c.LateSubmissionPlugin.penalty_method`` when grading.

Hand-ins are untrusted: a student id that could leave ``submitted/`` (``..``, ``/``, an
absolute path, control characters, a leading dot) or an unreadable, oversized or foreign
notebook is refused with its reason, and the others are filed. A submission already
collected with other content is replaced only with ``replace=True`` (``--yes``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable

__all__ = ["Handin", "Outcome", "CollectResult", "collect", "find_handins", "check_student_id", "due_date",
           "penalty_method", "MAX_NOTEBOOK_BYTES"]

MAX_NOTEBOOK_BYTES = 50 * 2**20
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's
_SKIP_PARTS = (".ipynb_checkpoints", "__MACOSX")


class Refused(ValueError):
    """A hand-in that is not filed; the message says why."""


@dataclass
class Handin:
    """One ``.ipynb`` found in the hand-ins: where (for messages), its path below the root, its bytes."""

    where: str
    rel: str
    read: Callable[[], bytes]
    size: int
    mtime: dt.datetime  # UTC, naive


@dataclass
class Outcome:
    student: str
    where: str
    status: str  # collected, replaced, unchanged, refused
    reason: str = ""
    timestamp: dt.datetime | None = None
    late_by: dt.timedelta | None = None


@dataclass
class CollectResult:
    assignment: str
    due: dt.datetime | None
    penalty: str
    outcomes: list[Outcome] = field(default_factory=list)

    def lines(self) -> list[str]:
        due = f"due {_show(self.due)}" if self.due else "no due date (set c.Coursework.due_dates)"
        out = [f"{self.assignment}: {due}; late penalty: {self.penalty} (c.LateSubmissionPlugin.penalty_method)"]
        width = max([len(o.student) for o in self.outcomes] + [8])
        for o in sorted(self.outcomes, key=lambda o: (o.status == "refused", o.student, o.where)):
            if o.status == "refused":
                out.append(f"  REFUSED {o.where}: {o.reason}")
                continue
            late = f"  LATE by {_duration(o.late_by)}" if o.late_by else ""
            note = f"  ({o.reason})" if o.reason else ""
            out.append(f"  {o.student:<{width}}  {o.status:<9}  {_show(o.timestamp)}{late}{note}")
        counts = {s: sum(1 for o in self.outcomes if o.status == s) for s in
                  ("collected", "replaced", "unchanged", "refused")}
        out.append(", ".join(f"{k} {v}" for k, v in counts.items())
                   + f" -> submitted/<student>/{self.assignment}/")
        return out

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "refused"]


def _show(when: dt.datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC") if when else "-"


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours) + [f"{mins} min"]
    return " ".join(parts)


# -- student ids -------------------------------------------------------------------------------

def check_student_id(student: str) -> str:
    """``student`` if it is safe as one folder name under ``submitted/``; else :class:`Refused`."""
    if not student or not student.strip():
        raise Refused("no student id could be read from the path")
    shown = json.dumps(student, ensure_ascii=False)
    if student != student.strip():
        raise Refused(f"the student id {shown} starts or ends with white space")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in student):
        raise Refused(f"the student id {shown} holds control characters")
    if "/" in student or "\\" in student or os.path.isabs(student):
        raise Refused(f"the student id {shown} holds a path separator")
    if student.startswith(".") or student in (".", ".."):
        raise Refused(f"the student id {shown} starts with a dot ('..' or a hidden folder)")
    if len(student.encode()) > 100:
        raise Refused(f"the student id {shown[:40]}... is longer than 100 bytes")
    return student


def compile_pattern(pattern: str) -> Any:
    """``--pattern`` compiled by RE2 (linear-time matching); ``ValueError`` says why it cannot be."""
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options=options)
    except re2.error as exc:
        why = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(f"{why} (patterns run on RE2, in linear time: no backreferences or lookaround)") from None


def _student_of(rel: str, assignment: str, pattern: Any | None) -> str:
    parts = PurePosixPath(rel).parts
    if pattern is not None:
        found = pattern.search(rel)
        if not found or not found.groupdict().get("student"):
            raise Refused(f"the path does not match --pattern {pattern.pattern!r}")
        return check_student_id(found.group("student"))
    if len(parts) > 1:
        return check_student_id(parts[0])
    stem = parts[0][: -len(".ipynb")]
    if stem == assignment or "_" not in stem and stem.lower() == assignment.lower():
        raise Refused("no student id in the name: put each student's files in a folder named after them, "
                      "name the file <student>_<assignment>.ipynb, or pass --pattern")
    return check_student_id(stem.split("_", 1)[0])


# -- finding the hand-ins ----------------------------------------------------------------------

def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).replace(tzinfo=None)


def _zip_handins(data: Any, where: str, prefix: str = "") -> list[Handin]:
    out = []
    with zipfile.ZipFile(data) as zf:
        for info in zf.infolist():
            name = info.filename.replace("\\", "/")
            if info.is_dir() or not name.endswith(".ipynb") or any(p in name for p in _SKIP_PARTS):
                continue
            rel = prefix + (name[2:] if name.startswith("./") else name)  # "/x" and "../x" stay as they are
            stamp = _utc(dt.datetime(*info.date_time).timestamp())
            out.append(Handin(f"{where}:{name}", rel, _zip_reader(data, info), info.file_size, stamp))
    return out


def _zip_reader(data: Any, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        if info.file_size > MAX_NOTEBOOK_BYTES:
            raise Refused(f"the notebook is {info.file_size / 2**20:.0f} MB (at most "
                          f"{MAX_NOTEBOOK_BYTES // 2**20} MB)")
        with zipfile.ZipFile(data) as zf, zf.open(info) as fh:
            return fh.read(MAX_NOTEBOOK_BYTES + 1)
    return read


def find_handins(source: str | os.PathLike) -> tuple[list[Handin], list[Outcome]]:
    """Every ``.ipynb`` in a folder or zip (and in zips inside the folder), and what could not be read."""
    source = Path(source)
    problems: list[Outcome] = []
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise Refused(f"{source} is neither a folder nor a zip file")
        return _zip_handins(source, source.name), problems
    if not source.is_dir():
        raise Refused(f"{source} does not exist")
    found: list[Handin] = []
    for folder, dirs, files in os.walk(source, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_PARTS)
        for name in sorted(files):
            path = Path(folder) / name
            rel = path.relative_to(source).as_posix()
            if not (name.endswith(".ipynb") or name.endswith(".zip")):
                continue
            if path.is_symlink():
                problems.append(Outcome("?", rel, "refused", "a symbolic link (not followed)"))
                continue
            if name.endswith(".zip"):
                # alice.zip in the root holds alice's files; alice/x.zip too
                base = rel[: -len(".zip")] + "/" if "/" not in rel else rel.rsplit("/", 1)[0] + "/"
                try:
                    found += _zip_handins(path, rel, prefix=base)
                except (zipfile.BadZipFile, OSError) as exc:
                    problems.append(Outcome("?", rel, "refused", f"not a readable zip file ({exc})"))
                continue
            found.append(Handin(rel, rel, _file_reader(path), path.stat().st_size, _utc(path.stat().st_mtime)))
    return found, problems


def _file_reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise Refused(f"the notebook is {size / 2**20:.0f} MB (at most {MAX_NOTEBOOK_BYTES // 2**20} MB)")
        return path.read_bytes()
    return read


# -- due dates ----------------------------------------------------------------------------------

def due_date(course: Any, assignment: str) -> dt.datetime | None:
    """The configured due date of ``assignment`` (``c.Coursework.due_dates``) as naive UTC, or None."""
    from nbgrader.utils import parse_utc

    from .course import CourseError

    dates = dict(course.config.Coursework.get("due_dates", {}) or {}) if "Coursework" in course.config else {}
    if assignment not in dates:
        return None
    try:
        return parse_utc(str(dates[assignment]))
    except Exception:
        raise CourseError(f"c.Coursework.due_dates[{assignment!r}] = {dates[assignment]!r} is not a date; "
                          f"write e.g. '2026-12-07 23:59 Europe/Berlin' or '2026-12-07 23:59 UTC'") from None


def penalty_method(course: Any) -> str:
    section = course.config.LateSubmissionPlugin if "LateSubmissionPlugin" in course.config else {}
    return str(section.get("penalty_method", "none"))


def _record_due_date(course: Any, assignment: str, due: dt.datetime | None) -> None:
    """Put the configured due date into the gradebook, where nbgrader's late penalty reads it."""
    if due is None:
        return
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return  # `coursework release` creates it; the next collect records the date
        gb.update_or_create_assignment(assignment, duedate=due)


# -- filing -------------------------------------------------------------------------------------

def _grade_ids(nb: Any) -> set[str]:
    return {str(c.get("metadata", {}).get("nbgrader", {}).get("grade_id")) for c in nb.get("cells", [])
            if (c.get("metadata", {}).get("nbgrader", {}) or {}).get("grade")}


def _pick(handins: list[Handin], assignment: str) -> Handin:
    if len(handins) == 1:
        return handins[0]
    named = [h for h in handins if PurePosixPath(h.rel).name.endswith(f"{assignment}.ipynb")]
    if len(named) == 1:
        return named[0]
    shown = ", ".join(h.where for h in (named or handins))
    raise Refused(f"several notebooks, none clearly this assignment's ({shown}); keep one or pass --pattern")


def collect(course: Any, assignment: str, sources: list[str | os.PathLike], *, pattern: str | None = None,
            timestamp: str | None = None, replace: bool = False) -> CollectResult:
    """File the hand-ins in ``sources`` (folders or zips) under ``submitted/``; see the module docstring."""
    import nbformat
    from nbgrader.utils import parse_utc

    from .course import CourseError

    sources_nbs = course.source_notebooks(assignment)
    if not sources_nbs:
        raise CourseError(f"{assignment!r} has no notebook in {course.source_dir / assignment}")
    wanted: set[str] = set()
    for path in sources_nbs.values():
        wanted |= _grade_ids(nbformat.read(path, as_version=4))
    try:
        regex = compile_pattern(pattern) if pattern else None
    except ValueError as exc:
        raise CourseError(f"--pattern {pattern!r} is not a regular expression: {exc}") from None
    if regex is not None and "student" not in regex.groupindex:
        raise CourseError(f"--pattern {pattern!r} has no group (?P<student>...)")
    fixed = parse_utc(timestamp) if timestamp else None
    due = due_date(course, assignment)
    result = CollectResult(assignment, due, penalty_method(course))

    by_student: dict[str, list[Handin]] = {}
    for source in sources:
        try:
            handins, problems = find_handins(source)
        except Refused as exc:
            raise CourseError(str(exc)) from None
        result.outcomes += problems
        for h in handins:
            try:
                student = _student_of(h.rel, assignment, regex)
            except Refused as exc:
                result.outcomes.append(Outcome("?", h.where, "refused", str(exc)))
                continue
            by_student.setdefault(student, []).append(h)

    for student, handins in sorted(by_student.items()):
        try:
            h = _pick(handins, assignment)
            data = h.read()
            if len(data) > MAX_NOTEBOOK_BYTES:
                raise Refused(f"the notebook is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
            try:
                nb = nbformat.reads(data.decode("utf-8"), as_version=4)
            except Exception as exc:
                raise Refused(f"not a readable notebook ({type(exc).__name__})") from None
            if not _grade_ids(nb) & wanted:
                raise Refused(f"not a notebook of {assignment} (none of its graded cells)")
            when = fixed or h.mtime
            outcome = _file(course, assignment, student, data, when, replace)
            outcome.where = h.where
            if due and outcome.timestamp and outcome.timestamp > due:
                outcome.late_by = outcome.timestamp - due
            result.outcomes.append(outcome)
        except Refused as exc:
            result.outcomes.append(Outcome(student, ", ".join(x.where for x in handins), "refused", str(exc)))
    _record_due_date(course, assignment, due)
    return result


def _file(course: Any, assignment: str, student: str, data: bytes, when: dt.datetime, replace: bool) -> Outcome:
    folder = course.submitted_dir / student / assignment
    # The id was checked; this makes sure, whatever the file system does with it.
    if folder.resolve().parent.parent != course.submitted_dir.resolve():
        raise Refused(f"the student id {student!r} does not name a folder directly under submitted/")
    target = folder / f"{assignment}.ipynb"
    stamp = when.replace(tzinfo=dt.timezone.utc).strftime(TIMESTAMP_FORMAT)
    status = "collected"
    if folder.exists():
        old = target.read_bytes() if target.is_file() else b""
        if hashlib.sha256(old).digest() == hashlib.sha256(data).digest():
            from nbgrader.utils import parse_utc

            stamp_file = folder / "timestamp.txt"
            kept = parse_utc(stamp_file.read_text().strip()) if stamp_file.is_file() else None
            return Outcome(student, "", "unchanged", "", kept)
        if not replace:
            raise Refused(f"{student} already has a different notebook in submitted/{student}/{assignment}/; "
                          f"rerun with --yes to replace it (the collected notebook is deleted)")
        status = "replaced"
    tmp = folder.parent / f".{assignment}.collect-tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / f"{assignment}.ipynb").write_bytes(data)
    (tmp / "timestamp.txt").write_text(stamp + "\n")
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)
    return Outcome(student, "", status, "", when)
