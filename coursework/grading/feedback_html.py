"""``coursework feedback``: one HTML page per student that explains every lost point
and never shows a hidden check.

nbgrader's ``GenerateFeedback`` renders the autograded notebook, in this process and
with the course's configured preprocessors, plus two of ours:

- :class:`ExplainGrading` (after ``GetGrades``) puts a summary at the top (score
  per exercise, and why an exercise scored 0: an answer cell that raised or timed
  out, a dead kernel) and a sentence under each check that was restored because the
  student deleted or edited it;
- :class:`RedactHiddenChecks` (before ``ClearHiddenTests``) reduces the outputs of
  every cell with hidden tests to ``Name: message`` of its error: no traceback lines
  (they quote hidden code), no printed output (a student's function could print the
  hidden inputs it was called with), no warnings, and not the text of an exception
  the student's function raised (only its type).

Each page is then audited: if any line of any hidden-test region of the source
notebook appears in its text, the page is deleted and the command fails.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Integer

from ..i18n import msg
from ..i18n.messages import student_exception_pattern
from .exercises import hidden_regions, is_check, is_hidden

__all__ = ["ExplainGrading", "RedactHiddenChecks", "generate_feedback", "page_text", "hidden_lines"]

_NOTE = {"coursework": "note"}


def _note(text: str) -> Any:
    """A grading note, as an output that the feedback page shows highlighted."""
    from nbformat.v4 import new_output

    return new_output("display_data", data={"text/plain": text, "text/html": _note_html(text)}, metadata=dict(_NOTE))


def _note_html(text: str) -> str:
    return (f'<div class="alert alert-warning" style="margin:4px 0"><strong>{html.escape(msg("fb_grading_note"))}'
            f'</strong> {html.escape(text)}</div>')


class ExplainGrading(Preprocessor):
    """A summary of the grade at the top, and a note under each restored or zeroed cell."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        info = nb.metadata.get("coursework") or {}
        exercises = info.get("exercises") or []
        if isinstance(exercises, dict):
            exercises = [{"name": k, **v} for k, v in exercises.items()]
        notes = list(info.get("notes") or [])
        for cell in nb.cells:
            extra = cell.metadata.get("coursework") or {}
            if cell.cell_type != "code":
                continue
            if extra.get("restored") and is_check(cell):
                how = extra["restored"]
                how = msg("fb_how_" + how) if how in ("deleted", "edited") else how
                cell.outputs.insert(0, _note(msg("fb_restored", how=how)))
        if exercises or notes:
            nb.cells.insert(0, self._summary(exercises, notes))
        return nb, resources

    @staticmethod
    def _summary(exercises: list[dict], notes: list[str]) -> Any:
        from nbformat.v4 import new_markdown_cell

        rows = [f"| {msg('fb_col_exercise')} | {msg('fb_col_points')} | |", "| --- | --- | --- |"]
        for ex in exercises:
            name = ex.get("name", "?")
            why = ex.get("reason") or ("" if ex.get("score") == ex.get("points") else msg("fb_see_below"))
            rows.append(f"| `{name}` | {ex.get('score', 0):g} / {ex.get('points', 0):g} | {_md(why)} |")
        text = f"## {msg('fb_title')}\n\n" + "\n".join(rows)
        if notes:
            text += f"\n\n**{msg('fb_notes')}**\n\n" + "\n".join(f"- {_md(n)}" for n in notes)
        text += "\n\n" + msg("fb_explain")
        return new_markdown_cell(text)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


# The student's own exception text, quoted by grader_tests.harness.call: it could spell out
# the hidden inputs the function was called with.
_STUDENT_MESSAGE = student_exception_pattern()   # "(your function raised Name): text", in every language


class RedactHiddenChecks(Preprocessor):
    """Cells with hidden tests keep only ``Name: message`` of their error (and our notes)."""

    enabled = Bool(True).tag(config=True)
    max_message = Integer(600, help="longest message kept from a hidden check").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not is_hidden(cell):
            return cell, resources
        kept = []
        for out in cell.get("outputs", []):
            if out.get("metadata", {}).get("coursework") == "note":
                kept.append(out)
            elif out.get("output_type") == "error":
                value = _STUDENT_MESSAGE.sub(lambda m: f"{m.group(1)} {msg('fb_hidden_message')}",
                                             str(out.get("evalue", "")))
                if len(value) > self.max_message:
                    value = value[: self.max_message] + " ..."
                out["evalue"] = value
                out["traceback"] = [f"{out.get('ename', 'Error')}: {value}"]
                kept.append(out)
        cell["outputs"] = kept
        return cell, resources


def _preprocessor_list(config: Any) -> list:
    """The course's feedback preprocessors with ours in place."""
    names = list(config.GenerateFeedback.get("preprocessors", []) or
                 ["nbgrader.preprocessors.GetGrades", "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"])
    names = [n if isinstance(n, str) else f"{n.__module__}.{n.__name__}" for n in names]
    explain, redact = f"{__name__}.ExplainGrading", f"{__name__}.RedactHiddenChecks"
    names = [n for n in names if n not in (explain, redact)]
    clear = "nbgrader.preprocessors.ClearHiddenTests"
    if clear not in names:
        css = [i for i, n in enumerate(names) if n.endswith("CSSHTMLHeaderPreprocessor")]
        names.insert(css[0] if css else len(names), clear)
    names.insert(names.index(clear), redact)
    grades = [i for i, n in enumerate(names) if n.endswith("GetGrades")]
    names.insert(grades[0] + 1 if grades else 0, explain)
    return names


def hidden_lines(course: Any, assignment: str) -> list[str]:
    """Every non-trivial line of every hidden-test region of the assignment's sources."""
    import nbformat

    lines = set()
    for path in course.source_notebooks(assignment).values():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for region in hidden_regions(cell.source):
                for line in region.splitlines():
                    line = " ".join(line.split())
                    if len(line) >= 8 and not line.startswith("#"):
                        lines.add(line)
                    elif line.startswith("#") and len(line) >= 20:
                        lines.add(line)
    return sorted(lines)


def page_text(raw_html: str) -> str:
    """What a reader of the page sees: tags stripped, entities undone, whitespace collapsed.
    (nbconvert splits code into highlighting spans, so search the text, not the HTML.)"""
    no_style = re.sub(r"<(script|style)\b.*?</\1>", " ", raw_html, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", no_style)).split())


def _page_without_notebook(course: Any, student: str, assignment: str) -> Path:
    """A page for a submission without a gradable notebook: its score and why."""
    import json

    record_path = course.state_dir / assignment / f"{student}.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    notes = sorted({n for nb in record.get("notebooks", {}).values() for n in nb.get("notes", [])})
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes) or f"<li>{html.escape(msg('fb_no_notebook'))}</li>"
    score = msg("fb_score", score=format(record.get("score_in_gradebook", 0), "g"),
                points=format(record.get("points", 0), "g"))
    heading = msg("fb_page_heading", assignment=assignment, student=student)
    page = course.feedback_dir / student / assignment / f"{assignment}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(assignment)}</title>"
                    f"</head><body><h1>{html.escape(heading)}</h1>"
                    f"<p>{html.escape(score)}</p>"
                    f"<p>{html.escape(msg('fb_not_graded'))}</p><ul>{items}</ul></body></html>", encoding="utf-8")
    return page


def generate_feedback(course: Any, assignment: str, students: list[str] | None = None) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/*.html`` for every autograded student; return the pages."""
    import copy

    from nbgrader.converters import GenerateFeedback

    from .course import CourseError

    autograded = sorted(p.parent.name for p in course.autograded_dir.glob(f"*/{assignment}")
                        if p.is_dir() and not p.parent.name.startswith("."))
    if students:
        autograded = [s for s in autograded if s in set(students)]
    if not autograded:
        raise CourseError(f"nothing autograded for {assignment!r} in {course.autograded_dir}; "
                          f"run `coursework autograde {assignment}` first")
    config = copy.deepcopy(course.config)
    config.GenerateFeedback.preprocessors = _preprocessor_list(course.config)
    secrets = hidden_lines(course, assignment)
    pages: list[Path] = []
    import os

    cwd = os.getcwd()
    try:
        for student in autograded:
            if not any((course.autograded_dir / student / assignment).glob("*.ipynb")):
                pages.append(_page_without_notebook(course, student, assignment))
                continue
            converter = GenerateFeedback(coursedir=course.coursedir(assignment, student_id=student), config=config)
            converter.force = True
            try:
                converter.start()
            except Exception as exc:
                raise CourseError(f"feedback for {student} failed: {exc}") from exc
            for page in sorted((course.feedback_dir / student / assignment).glob("*.html")):
                leaks = [s for s in secrets if s in page_text(page.read_text(encoding="utf-8"))]
                if leaks:
                    page.unlink()
                    raise CourseError(f"feedback for {student} would show hidden-check text ({leaks[0]!r}); "
                                      f"page removed")
                pages.append(page)
    finally:
        os.chdir(cwd)
    return pages
