"""What a class run has already graded, so that a run killed half-way can go on.

``autograded/.coursework/state.json`` maps ``<assignment>/<student>`` to the
fingerprint of what was graded (the submitted folder, the source notebooks and the
grading settings, :class:`~coursework.grading.settings.Settings` whole) and the score.
It is rewritten atomically (temporary file, then ``os.replace``) once per batch of
finished submissions, after the batch's grades are committed to the gradebook and its
graded folders are in place, so a SIGKILL at any moment leaves either the old or the new
file. A submission is skipped when its fingerprint is unchanged, its
autograded folder exists and the gradebook has it; anything in flight when the run
died is simply graded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from ..settings import Settings

__all__ = ["GradingState", "StateEntry", "fingerprint"]


def fingerprint(files: Iterable[tuple[str, Path]], settings: Settings) -> str:
    """SHA-256 over (label, file bytes) pairs, in the given order, and every field of ``settings``."""
    h = hashlib.sha256()
    for label, path in files:
        h.update(label.encode() + b"\0")
        h.update(Path(path).read_bytes())
        h.update(b"\0")
    h.update(json.dumps(settings.as_dict(), sort_keys=True).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class StateEntry:
    """One graded submission: its fingerprint, its ``score`` before the late ``penalty``
    (nbgrader's raw score, as in the gradebook), its ``points``, the seconds it was late
    and when it was graded (local time, ISO 8601)."""

    hash: str
    score: float = 0.0
    points: float = 0.0
    penalty: float = 0.0
    seconds_late: float = 0.0
    graded_at: str = ""

    @classmethod
    def from_json(cls, data: object) -> StateEntry | None:
        """The entry of a state file's JSON object; None for one that is not (a damaged file)."""
        if not isinstance(data, dict) or not isinstance(data.get("hash"), str):
            return None
        try:
            return cls(
                hash=data["hash"],
                score=float(data.get("score", 0.0)),
                points=float(data.get("points", 0.0)),
                penalty=float(data.get("penalty", 0.0)),
                seconds_late=float(data.get("seconds_late", 0.0)),
                graded_at=str(data.get("graded_at", "")),
            )
        except (TypeError, ValueError):
            return None


class GradingState:
    """The state file of one course (``path``), loaded once, saved after every change."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.entries: dict[str, StateEntry] = {}
        if self.path.exists():
            try:
                raw = json.loads(self.path.read_text()).get("submissions", {})
            except (OSError, ValueError, AttributeError):
                raw = {}  # a damaged state only costs re-grading
            for key, value in raw.items() if isinstance(raw, dict) else ():
                entry = StateEntry.from_json(value)
                if entry is not None:
                    self.entries[key] = entry

    @staticmethod
    def key(assignment: str, student: str) -> str:
        return f"{assignment}/{student}"

    def get(self, assignment: str, student: str) -> StateEntry | None:
        return self.entries.get(self.key(assignment, student))

    def done(
        self,
        assignment: str,
        student: str,
        digest: str,
        score: float,
        points: float,
        penalty: float = 0.0,
        seconds_late: float = 0.0,
        *,
        save: bool = True,
    ) -> StateEntry:
        """``score`` before the late ``penalty`` (nbgrader's raw score), as in the gradebook;
        without ``save``, the file is written by the next :meth:`save` (a batch's)."""
        entry = StateEntry(digest, score, points, penalty, seconds_late, time.strftime("%Y-%m-%dT%H:%M:%S"))
        self.entries[self.key(assignment, student)] = entry
        if save:
            self.save()
        return entry

    def forget(self, assignment: str, student: str) -> None:
        if self.entries.pop(self.key(assignment, student), None) is not None:
            self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-", suffix=".json")
        try:
            with os.fdopen(fd, "w") as fh:
                json.dump(
                    {"version": 1, "submissions": {k: asdict(v) for k, v in self.entries.items()}},
                    fh,
                    indent=1,
                    sort_keys=True,
                )
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
