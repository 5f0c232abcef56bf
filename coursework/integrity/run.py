"""``coursework similarity``: compare an assignment's submissions and write the report.

For each assignment: read the answer cells (:mod:`.answers`), compare every pair
(:mod:`.pairs`), write ``<out>/<assignment>/similarity.html`` and ``similarity.csv``
(:mod:`.report`); with two or more assignments, also ``<out>/similarity-repeats.html``
and ``.csv``, the pairs flagged again and again. ``out`` defaults to the course's
``reports/``. Nothing in the gradebook or the submissions changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .answers import NoSubmissions, read_submissions
from .pairs import Comparison, Options, Repeat, compare, repeats
from .report import write_csv, write_repeats, write_report

__all__ = ["similarity", "Result"]


@dataclass
class Result:
    """What :func:`similarity` compared and wrote."""

    comparisons: list[Comparison] = field(default_factory=list)
    pages: dict[str, Path] = field(default_factory=dict)
    tables: dict[str, Path] = field(default_factory=dict)
    repeats: list[Repeat] = field(default_factory=list)
    repeats_page: Path | None = None

    def lines(self, top: int = 10) -> list[str]:
        """A summary for the terminal: per assignment the counts, the first flagged pairs, where the files are."""
        out = []
        for comp in self.comparisons:
            a = comp.submissions.assignment
            opts = comp.options
            out.append(f"{a}: {len(comp.submissions.answers)} submissions, {len(comp.pairs)} pairs, "
                       f"{len(comp.flagged)} flagged (score >= {opts.threshold:.0%}, "
                       f">= {opts.min_matched} matched characters)")
            for pair in comp.flagged[:top]:
                out.append(f"  {pair.score:4.0%}  {pair.a}  {pair.b}  "
                           f"({pair.exercises_matched(opts.threshold)} of {len(comp.submissions.exercises)} exercises)")
            if len(comp.flagged) > top:
                out.append(f"  ... {len(comp.flagged) - top} more in the report")
            for student, why in sorted(comp.submissions.unreadable.items()):
                out.append(f"  NOT COMPARED {student}: {why}")
            out.append(f"  report: {self.pages[a]}")
            out.append(f"  all pairs: {self.tables[a]}")
        if self.repeats_page is not None:
            out.append(f"{len(self.repeats)} pair(s) flagged in two or more assignments: {self.repeats_page}")
        out.append("Evidence for a person to judge, not a verdict; no score was changed.")
        return out


def similarity(course: Any, assignments: list[str], options: Options = Options(), out: str | Path | None = None,
               include_reference: bool = False, max_shown: int = 50) -> Result:
    """Compare and write the reports of ``assignments`` (see the module docstring).

    Raises ``LookupError`` (an unknown assignment) or :class:`.answers.NoSubmissions`
    (no release, fewer than two readable submissions), naming what is missing.
    """
    if not assignments:
        raise NoSubmissions("name at least one assignment")
    folder = Path(out) if out else course.root / "reports"
    result = Result()
    for assignment in assignments:
        subs = read_submissions(course, assignment, include_reference=include_reference)
        comp = compare(subs, options)
        result.comparisons.append(comp)
        here = folder / assignment
        result.tables[assignment] = write_csv(comp, here / "similarity.csv")
        result.pages[assignment] = write_report(comp, here, max_shown=max_shown)
    if len(assignments) > 1:
        result.repeats = repeats(result.comparisons)
        result.repeats_page, _ = write_repeats(result.repeats, list(assignments), folder)
    return result
