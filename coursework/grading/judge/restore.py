"""Put back the test cells a student deleted or edited, before anything runs.

nbgrader's ``OverwriteCells`` restores the source of *edited* locked cells, but a
deleted test cell scores 0 without a word, and its opt-in ``add_missing_cells``
fails with a ``KeyError`` when the cell before the deleted one is a locked cell
that is neither a test nor an answer (here: ``my_hog`` before ``hog_pipeline``).
So we restore first, from the source notebook, and record what we did:

- a test cell or other locked cell missing from the submission is inserted after the
  nearest cell that precedes it in the source and is still in the submission;
- a locked cell whose source differs from the student's copy (the release: hidden
  regions removed) is *edited*; ``OverwriteCells`` then puts the source back. The cell's
  text in the course's other language (its comments translated, ``coursework.i18n.code``)
  is not an edit: a submission made from the other release is put back without a note.

Each restored cell gets ``metadata.coursework.restored = "deleted" | "edited"``, which
the feedback turns into a sentence. Answer cells are never restored: they are the
student's work.

Before that, forged grading metadata is undone (:func:`normalize_metadata`): a cell
that claims a ``grade_id`` the assignment does not have, or one another cell already
has, loses its nbgrader metadata (it becomes an ordinary cell); a cell with a known
``grade_id`` gets the source's metadata back (points, flags, checksum), and a test or
locked cell whose type was changed is put back whole. So a forged notebook is graded
like the honest one it came from, never with more points. Marks only the grader writes
(``metadata.coursework``: restored, where, reason, a page's summary) are removed from every
submitted cell first.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ...i18n import msg
from ...i18n.code import every_language
from ..exercises import is_answer, is_check, meta, same_source, strip_hidden

__all__ = ["Restored", "restore_cells"]


@dataclass(frozen=True)
class Restored:
    grade_id: str
    how: str  # "deleted" or "edited"
    is_check: bool

    def sentence(self) -> str:
        """What was done, for the page's notes, in the course's language."""
        if self.how == "forged":
            return msg("restored_forged", grade_id=self.grade_id)
        return msg(
            "restored_cell",
            what=msg("cell_test" if self.is_check else "cell_locked"),
            grade_id=self.grade_id,
            how=msg(f"fb_how_{self.how}"),
        )


#: keys of ``metadata.coursework`` that only grading and feedback write
GRADER_KEYS = ("restored", "where", "reason", "judged", "ours", "summary")


def drop_grader_marks(cell: Any) -> None:
    """Remove what a submission cannot have written itself: the grader's ``coursework`` marks
    (a forged "restored" note, a "where" line, a page's "summary" box) on the cell and its outputs."""
    extra = cell.get("metadata", {}).get("coursework")
    if isinstance(extra, dict):
        for key in GRADER_KEYS:
            extra.pop(key, None)
    elif extra is not None:
        del cell.metadata["coursework"]
    for out in cell.get("outputs", []) or []:
        if isinstance(out.get("metadata"), dict):
            out["metadata"].pop("coursework", None)


def normalize_metadata(nb: Any, source: Any) -> list[Restored]:
    """Undo forged nbgrader metadata in ``nb`` (in place); see the module docstring."""
    known = {meta(c).get("grade_id"): c for c in source.cells if meta(c).get("grade_id")}
    seen: set = set()
    done: list[Restored] = []
    for cell in nb.cells:
        drop_grader_marks(cell)
    for i, cell in enumerate(nb.cells):
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        gid = meta(cell).get("grade_id")
        if not isinstance(gid, str) or gid not in known or gid in seen:
            claimed = bool(meta(cell).get("grade") or meta(cell).get("solution") or meta(cell).get("locked"))
            del cell.metadata["nbgrader"]
            if claimed or gid:
                done.append(Restored(str(gid), "forged", False))
            continue
        seen.add(gid)
        ref = known[gid]
        if cell.get("cell_type") != ref.cell_type and (is_check(ref) or meta(ref).get("locked")):
            new = copy.deepcopy(ref)
            if new.cell_type == "code":
                new.outputs, new.execution_count = [], None
            new.source = cell.source
            new.metadata.setdefault("coursework", {})["restored"] = "edited"
            nb.cells[i] = new
            done.append(Restored(gid, "edited", is_check(ref)))
        elif meta(cell) != meta(ref):
            cell.metadata["nbgrader"] = copy.deepcopy(ref.metadata["nbgrader"])
    return done


def _locked_or_check(cell: Any) -> bool:
    m = meta(cell)
    return bool(m.get("grade_id")) and not is_answer(cell) and (is_check(cell) or bool(m.get("locked")))


def restore_cells(nb: Any, source: Any, release: Any | None = None) -> list[Restored]:
    """Restore, in ``nb`` (in place), the locked and test cells of ``source`` that are
    missing; flag those that were edited. Returns what was restored (forged metadata first)."""
    forged = normalize_metadata(nb, source)
    present = {meta(c).get("grade_id"): i for i, c in enumerate(nb.cells) if meta(c).get("grade_id")}
    released = {
        meta(c).get("grade_id"): c for c in (release.cells if release is not None else []) if meta(c).get("grade_id")
    }
    done: list[Restored] = []
    previous_present: str | None = None
    for cell in source.cells:
        gid = meta(cell).get("grade_id")
        if not gid:
            continue
        if gid in present:
            if _locked_or_check(cell):
                theirs = nb.cells[present[gid]]
                expected = released[gid].source if gid in released else strip_hidden(cell.source)
                known = [expected, *every_language(cell), *map(strip_hidden, every_language(cell))]
                if not any(same_source(theirs.source, text) for text in known):
                    theirs.metadata.setdefault("coursework", {})["restored"] = "edited"
                    done.append(Restored(gid, "edited", is_check(cell)))
            previous_present = gid
            continue
        if not _locked_or_check(cell):
            continue  # a deleted answer cell stays deleted
        new = copy.deepcopy(cell)
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
        new.metadata.setdefault("coursework", {})["restored"] = "deleted"
        at = present[previous_present] + 1 if previous_present is not None else 0
        nb.cells.insert(at, new)
        present = {meta(c).get("grade_id"): i for i, c in enumerate(nb.cells) if meta(c).get("grade_id")}
        previous_present = gid
        done.append(Restored(gid, "deleted", is_check(cell)))
    return forged + [r for r in done if r.grade_id not in {f.grade_id for f in forged if f.how == "edited"}]
