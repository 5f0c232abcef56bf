"""What a class run has already graded, so that a run killed half-way can go on.

``autograded/.coursework/state.json`` maps ``<assignment>/<student>`` to the
fingerprint of what was graded (the submitted folder, the source notebooks and the
grading settings) and the score. It is rewritten atomically (temporary file, then
``os.replace``) after each student's grades are committed to the gradebook, so a
SIGKILL at any moment leaves either the old or the new file. A submission is
skipped when its fingerprint is unchanged, its autograded folder exists and the
gradebook has it; anything in flight when the run died is simply graded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Iterable

__all__ = ["GradingState", "fingerprint"]


def fingerprint(files: Iterable[tuple[str, Path]], settings: dict) -> str:
    """SHA-256 over (label, file bytes) pairs, in the given order, and the settings."""
    h = hashlib.sha256()
    for label, path in files:
        h.update(label.encode() + b"\0")
        h.update(Path(path).read_bytes())
        h.update(b"\0")
    h.update(json.dumps(settings, sort_keys=True).encode())
    return h.hexdigest()


class GradingState:
    """The state file of one course (``path``), loaded once, saved after every change."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.entries: dict[str, dict] = {}
        if self.path.exists():
            try:
                self.entries = json.loads(self.path.read_text()).get("submissions", {})
            except (OSError, ValueError):
                self.entries = {}  # a damaged state only costs re-grading

    @staticmethod
    def key(assignment: str, student: str) -> str:
        return f"{assignment}/{student}"

    def get(self, assignment: str, student: str) -> dict | None:
        return self.entries.get(self.key(assignment, student))

    def done(self, assignment: str, student: str, digest: str, score: float, points: float,
             penalty: float = 0.0, seconds_late: float = 0.0) -> None:
        """``score`` before the late ``penalty`` (nbgrader's raw score), as in the gradebook."""
        self.entries[self.key(assignment, student)] = {"hash": digest, "score": score, "points": points,
                                                       "penalty": penalty, "seconds_late": seconds_late,
                                                       "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        self.save()

    def forget(self, assignment: str, student: str) -> None:
        if self.entries.pop(self.key(assignment, student), None) is not None:
            self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-", suffix=".json")
        try:
            with os.fdopen(fd, "w") as fh:
                json.dump({"version": 1, "submissions": self.entries}, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
