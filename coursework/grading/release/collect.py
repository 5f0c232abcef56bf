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
``timestamp.txt``, the time the hand-in was *received*, which nbgrader compares with the
assignment's due date (configured once in ``nbgrader_config.py``, ``c.Coursework.due_dates``,
copied into the gradebook here) to apply ``c.LateSubmissionPlugin.penalty_method``. The
received time comes from the instructor's side only, never from the hand-in (a student sets
the dates inside a zip and the file times inside any archive they make), in this order:

1. ``--timestamp TIME``: one time for every hand-in of this run;
2. ``--received FILE.csv``: a time per student, e.g. an LMS's export of its submission times
   (a column of student ids and one of times; a student missing from it is refused);
3. otherwise the time the file was written on this disk: a notebook's own modification
   time, and for everything inside a zip the zip file's (its download). Tools that carry a
   sender's times (``unzip``, ``cp -p``, ``rsync -t``) make that the sender's time: extract
   students' own archives with ``--received`` or ``--timestamp``, or collect the zips as they
   are.

Hand-ins are untrusted: a student id that could leave ``submitted/`` (``..``, ``/``, an
absolute path, control characters, a leading dot) or an unreadable, oversized or foreign
notebook is refused with its reason, and the others are filed. A submission already
collected with other content is replaced only with ``replace=True`` (``--yes``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import nbformat
import re2
from nbgrader.api import MissingEntry
from nbgrader.utils import parse_utc

from ..course import Course, CourseError

__all__ = [
    "Handin",
    "Outcome",
    "CollectResult",
    "collect",
    "find_handins",
    "check_student_id",
    "read_received",
    "duration",
    "MAX_NOTEBOOK_BYTES",
]

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
    mtime: dt.datetime  # UTC, naive: when its file (for a zip entry, the zip) was written on this disk
    archive: str = ""  # the zip it came from (its own dates are never used)


@dataclass
class Outcome:
    student: str
    where: str
    status: str  # collected, replaced, unchanged, retimed, refused
    reason: str = ""
    timestamp: dt.datetime | None = None
    late_by: dt.timedelta | None = None


@dataclass
class CollectResult:
    assignment: str
    due: dt.datetime | None
    penalty: str
    outcomes: list[Outcome] = field(default_factory=list)
    times: str = ""  # where the received times come from
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        due = f"due {_show(self.due)}" if self.due else "no due date (set c.Coursework.due_dates)"
        out = [f"{self.assignment}: {due}; late penalty: {self.penalty} (c.LateSubmissionPlugin.penalty_method)"]
        if self.times:
            out.append(f"  received times: {self.times}")
        out += [f"  WARNING {w}" for w in self.warnings]
        width = max([len(o.student) for o in self.outcomes] + [8])
        for o in sorted(self.outcomes, key=lambda o: (o.status == "refused", o.student, o.where)):
            if o.status == "refused":
                out.append(f"  REFUSED {o.where}: {o.reason}")
                continue
            late = f"  LATE by {duration(o.late_by)}" if o.late_by else ""
            note = f"  ({o.reason})" if o.reason else ""
            out.append(f"  {o.student:<{width}}  {o.status:<9}  {_show(o.timestamp)}{late}{note}")
        counts = {
            s: sum(1 for o in self.outcomes if o.status == s)
            for s in ("collected", "replaced", "unchanged", "retimed", "refused")
        }
        if not counts["retimed"]:
            del counts["retimed"]
        out.append(", ".join(f"{k} {v}" for k, v in counts.items()) + f" -> submitted/<student>/{self.assignment}/")
        return out

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "refused"]


def _show(when: dt.datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC") if when else "-"


def duration(delta: dt.timedelta | float) -> str:
    """``2 d 3 h 5 min`` for a timedelta or a number of seconds (whole minutes, rounded down)."""
    seconds = delta.total_seconds() if isinstance(delta, dt.timedelta) else float(delta)
    minutes = int(seconds // 60)
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
    if stem == assignment or ("_" not in stem and stem.lower() == assignment.lower()):
        raise Refused(
            "no student id in the name: put each student's files in a folder named after them, "
            "name the file <student>_<assignment>.ipynb, or pass --pattern"
        )
    return check_student_id(stem.split("_", 1)[0])


# -- finding the hand-ins ----------------------------------------------------------------------


def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).replace(tzinfo=None)


def _zip_handins(data: Path, where: str, prefix: str = "") -> list[Handin]:
    """The notebooks in the zip ``data``, each received when the zip was written on this disk
    (an entry's own date is whatever the zip's maker set: never used)."""
    out = []
    received = _utc(data.stat().st_mtime)
    with zipfile.ZipFile(data) as zf:
        for info in zf.infolist():
            name = info.filename.replace("\\", "/")
            if info.is_dir() or not name.endswith(".ipynb") or any(p in name for p in _SKIP_PARTS):
                continue
            rel = prefix + (name[2:] if name.startswith("./") else name)  # "/x" and "../x" stay as they are
            out.append(Handin(f"{where}:{name}", rel, _zip_reader(data, info), info.file_size, received, where))
    return out


def _zip_reader(data: Any, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        if info.file_size > MAX_NOTEBOOK_BYTES:
            raise Refused(f"the notebook is {info.file_size / 2**20:.0f} MB (at most {MAX_NOTEBOOK_BYTES // 2**20} MB)")
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


# -- received times ---------------------------------------------------------------------------

#: Header names ``read_received`` looks for (case and spaces ignored), in this order.
STUDENT_COLUMNS = ("student", "student_id", "studentid", "id", "username", "login", "user")
TIME_COLUMNS = ("received", "timestamp", "submitted", "submitted_at", "submission_time", "time", "date")
_MAX_RECEIVED_BYTES = 20 * 2**20


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def read_received(path: str | os.PathLike, columns: str | None = None) -> dict[str, dt.datetime]:
    """Student id -> received time (naive UTC) from a CSV file with a header row.

    ``columns`` is ``"STUDENT,TIME"`` (the two header names); without it the first header
    found among :data:`STUDENT_COLUMNS` and among :data:`TIME_COLUMNS`. A time without a zone
    is UTC; write e.g. ``2026-12-07 23:10 Europe/Berlin`` or ``2026-12-07T22:10:00+00:00``.
    Raises ``CourseError`` naming the file, the row and what was wrong.
    """
    path = Path(path)
    try:
        if path.stat().st_size > _MAX_RECEIVED_BYTES:
            raise CourseError(f"--received {path}: larger than {_MAX_RECEIVED_BYTES // 2**20} MB")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"--received {path}: cannot be read ({exc})") from None
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if not header:
        raise CourseError(f"--received {path}: empty (expected a header row, e.g. 'student,received')")
    keys = [_header_key(h) for h in header]
    if columns:
        wanted = [_header_key(c) for c in columns.split(",")]
        if len(wanted) != 2:
            raise CourseError(f"--received-columns {columns!r}: expected two header names, STUDENT,TIME")
        missing = [c for c in wanted if c not in keys]
        if missing:
            raise CourseError(f"--received {path}: no column {', '.join(missing)} (its columns: {', '.join(header)})")
        who, when = keys.index(wanted[0]), keys.index(wanted[1])
    else:
        found = [next((keys.index(k) for k in names if k in keys), None) for names in (STUDENT_COLUMNS, TIME_COLUMNS)]
        if None in found:
            raise CourseError(
                f"--received {path}: expected a column of student ids ({', '.join(STUDENT_COLUMNS)}) "
                f"and one of times ({', '.join(TIME_COLUMNS)}); its columns: {', '.join(header)}. "
                "Name yours with --received-columns STUDENT,TIME"
            )
        who, when = (int(i) for i in found if i is not None)
    out: dict[str, dt.datetime] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(who, when):
            raise CourseError(f"--received {path}, line {line}: {len(row)} fields, expected {len(header)}")
        student, stamp = row[who].strip(), row[when].strip()
        try:
            received = parse_utc(stamp)
        except Exception:  # noqa: BLE001 - whatever dateutil raises, the instructor reads one line
            raise CourseError(
                f"--received {path}, line {line}: {stamp[:60]!r} is not a time (e.g. '2026-12-07 23:10 Europe/Berlin')"
            ) from None
        if student in out and out[student] != received:
            raise CourseError(f"--received {path}, line {line}: a second, different time for {student!r}")
        out[student] = received
    return out


# -- due dates ----------------------------------------------------------------------------------


def _record_due_date(course: Course, assignment: str, due: dt.datetime | None) -> None:
    """Put the configured due date into the gradebook, where nbgrader's late penalty reads it."""
    if due is None:
        return
    with course.gradebook() as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return  # `coursework release` creates it; the next collect records the date
        gb.update_or_create_assignment(assignment, duedate=due)


# -- filing -------------------------------------------------------------------------------------


def _grade_ids(nb: Any) -> set[str]:
    return {
        str(c.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
        for c in nb.get("cells", [])
        if (c.get("metadata", {}).get("nbgrader", {}) or {}).get("grade")
    }


def _pick(handins: list[Handin], assignment: str) -> Handin:
    if len(handins) == 1:
        return handins[0]
    named = [h for h in handins if PurePosixPath(h.rel).name.endswith(f"{assignment}.ipynb")]
    if len(named) == 1:
        return named[0]
    shown = ", ".join(h.where for h in (named or handins))
    raise Refused(f"several notebooks, none clearly this assignment's ({shown}); keep one or pass --pattern")


def collect(
    course: Course,
    assignment: str,
    sources: list[str | os.PathLike],
    *,
    pattern: str | None = None,
    timestamp: str | None = None,
    received: str | os.PathLike | None = None,
    received_columns: str | None = None,
    replace: bool = False,
) -> CollectResult:
    """File the hand-ins in ``sources`` (folders or zips) under ``submitted/``; see the module docstring.

    ``timestamp`` (one time for all) or ``received`` (a CSV of times per student, see
    :func:`read_received`) set the received times; otherwise each file's time on this disk.
    """
    sources_nbs = course.source_notebooks(assignment)
    if not sources_nbs:
        raise CourseError(f"{assignment!r} has no notebook in {course.source_dir / assignment}")
    wanted: set[str] = set()
    for path in sources_nbs.values():
        wanted |= _grade_ids(nbformat.read(path, as_version=4))
    regex = _pattern(pattern)
    if timestamp and received:
        raise CourseError("give either --timestamp (one time for all) or --received (a time per student), not both")
    try:
        fixed = parse_utc(timestamp) if timestamp else None
    except Exception:  # noqa: BLE001 - whatever dateutil raises, the instructor reads one line
        raise CourseError(f"--timestamp {timestamp!r} is not a time (e.g. '2026-12-07 23:10 Europe/Berlin')") from None
    per_student = read_received(received, received_columns) if received else None
    due = course.due_date(assignment)
    result = CollectResult(assignment, due, course.late_penalty)
    result.times = (
        f"--timestamp {_show(fixed)}"
        if fixed
        else f"--received {received}"
        if received
        else "each file's time on this disk (for a zip's contents, the zip file's); dates stored inside "
        "zips are never used"
    )
    by_student = _by_student(sources, assignment, regex, result)
    for student, handins in sorted(by_student.items()):
        try:
            h, data = _read(handins, assignment, wanted)
            if per_student is not None and student not in per_student:
                raise Refused(f"{student} has no row in --received {received}: when it came in is unknown")
            when = fixed or (per_student[student] if per_student is not None else h.mtime)
            outcome = _file(course, assignment, student, data, when, replace, explicit=bool(fixed or per_student))
            outcome.where = h.where
            if due and outcome.timestamp and outcome.timestamp > due:
                outcome.late_by = outcome.timestamp - due
            result.outcomes.append(outcome)
        except Refused as exc:
            result.outcomes.append(Outcome(student, ", ".join(x.where for x in handins), "refused", str(exc)))
    if due and not (fixed or per_student is not None):
        result.warnings += _late_archives(result.outcomes, by_student, due)
    _record_due_date(course, assignment, due)
    return result


def _pattern(pattern: str | None) -> Any:
    """``--pattern`` compiled (None without one); ``CourseError`` for one that cannot be used."""
    if not pattern:
        return None
    try:
        regex = compile_pattern(pattern)
    except ValueError as exc:
        raise CourseError(f"--pattern {pattern!r} is not a regular expression: {exc}") from None
    if "student" not in regex.groupindex:
        raise CourseError(f"--pattern {pattern!r} has no group (?P<student>...)")
    return regex


def _by_student(
    sources: list[str | os.PathLike], assignment: str, regex: Any, result: CollectResult
) -> dict[str, list[Handin]]:
    """Every hand-in found in ``sources``, by student id; what cannot be read or named goes into
    ``result`` as refused."""
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
    return by_student


def _read(handins: list[Handin], assignment: str, wanted: set[str]) -> tuple[Handin, bytes]:
    """The student's notebook among ``handins`` and its bytes: bounded, readable, of this
    assignment (it holds one of the ``wanted`` graded cells); else :class:`Refused`."""
    h = _pick(handins, assignment)
    data = h.read()
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise Refused(f"the notebook is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:  # noqa: BLE001 - whatever a student's file breaks in the reader
        raise Refused(f"not a readable notebook ({type(exc).__name__})") from None
    if not _grade_ids(nb) & wanted:
        raise Refused(f"not a notebook of {assignment} (none of its graded cells)")
    return h, data


def _late_archives(outcomes: list[Outcome], by_student: dict[str, list[Handin]], due: dt.datetime) -> list[str]:
    """A warning per zip whose hand-ins are all late only because the zip was written here after
    the due date (an LMS download made after the deadline): the instructor must say when they came."""
    late: dict[str, list[str]] = {}
    for o in outcomes:
        if o.late_by and o.status != "refused":
            for h in by_student.get(o.student, []):
                if h.archive and h.where == o.where:
                    late.setdefault(h.archive, []).append(o.student)
    out = []
    for archive, students in sorted(late.items()):
        out.append(
            f"the {len(students)} hand-in(s) in {archive} count as received when the zip was written on this "
            f"disk, after the due date; a zip's own dates are set by whoever made it and are not used. If they "
            f"came in time, say when: --received FILE.csv (your LMS's submission times) or --timestamp TIME"
        )
    return out


def _file(
    course: Course, assignment: str, student: str, data: bytes, when: dt.datetime, replace: bool, explicit: bool = False
) -> Outcome:
    """File one notebook received at ``when``. The same notebook again keeps its first received
    time, unless the time is ``explicit`` (``--timestamp`` / ``--received``): then it is retimed."""
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
            stamp_file = folder / "timestamp.txt"
            kept = parse_utc(stamp_file.read_text().strip()) if stamp_file.is_file() else None
            if not explicit or kept == when:
                return Outcome(student, "", "unchanged", "", kept)  # first received: a later download changes nothing
            stamp_file.write_text(stamp + "\n")  # the instructor said when it came
            return Outcome(student, "", "retimed", f"was {_show(kept)}", when)
        if not replace:
            raise Refused(
                f"{student} already has a different notebook in submitted/{student}/{assignment}/; "
                f"rerun with --yes to replace it (the collected notebook is deleted)"
            )
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
