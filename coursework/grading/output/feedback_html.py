"""``coursework feedback``: one HTML page per student that explains every lost point
and never shows a hidden check.

nbgrader's ``GenerateFeedback`` renders the autograded notebook, in this process and
with the course's configured preprocessors, plus ours:

- :class:`.after_hidden.AfterHiddenInputs` (right after ``GetGrades``) hides what cells
  that ran after the first hidden check printed or raised;

- :class:`ExplainGrading` (after ``GetGrades``) puts a summary at the top (score
  per exercise, and why an exercise scored 0: an answer cell that raised or timed
  out, a dead kernel) and a sentence under each check that was restored because the
  student deleted or edited it;
- :class:`RedactHiddenChecks` (before ``ClearHiddenTests``) reduces the outputs of
  every cell with hidden tests to ``Name: message`` of its error: no traceback lines
  (they quote hidden code), no printed output (a student's function could print the
  hidden inputs it was called with), no warnings, and not the text of an exception
  the student's function raised (only its type);
- :class:`StudentErrors` (after it) rewrites every error a student sees to its message
  and the student's own line where it came from: the innermost ``Cell In[N], line L``
  frame of the traceback that lies in one of the student's answer cells (any cell, for a
  cell that is not a check), or ``cell.metadata['coursework']['where']`` when grading put
  it there. Frames in the package, the checks or the grading code, and this machine's
  paths, are not shown. It also lists, under the summary, every check that lost points
  with its message, and says "full marks" rather than talk of failed checks on a
  perfect page. nbgrader's "Comments: No response." is dropped; after rendering, the
  header's list of anonymous "Test cell" links is removed (the summary names each
  exercise and failed check) and "Grade cell:" reads "Check:";
- :class:`.feedback.ClearHiddenRegions` instead of nbgrader's ``ClearHiddenTests``.

Pages are rendered by :class:`.safe_export.SafeHTMLExporter`: everything the student wrote
or their kernel produced is escaped or sanitised, and the page carries a
Content-Security-Policy that runs only the template's scripts (:mod:`.safe_html`). Student
text that this module puts into markdown (messages, reasons, source lines) goes through
:func:`.safe_html.escape_md`. The summary sits in a box (``coursework-summary``) and grading
notes in ``alert`` boxes: classes no student content can carry, so nothing a student
writes looks like them.

One student's page that cannot be made is reported for that student (``problems``),
and the others are made. Each page is then audited: if any line of any hidden-test region of the source
notebook appears in its text, the page is deleted and the command fails.
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_markdown_cell, new_output
from traitlets import Bool, Integer, List, Unicode

from ...i18n import msg
from ...i18n.messages import student_exception_pattern
from ..course import Course, CourseError
from ..exercises import hidden_regions, is_answer, is_check, is_hidden
from ..judge.rules import check_error
from .safe_export import is_ours, ours
from .safe_html import escape_md, meta_tag, new_nonce, policy

__all__ = [
    "ExplainGrading",
    "RedactHiddenChecks",
    "StudentErrors",
    "generate_feedback",
    "page_text",
    "hidden_lines",
    "tidy_page",
    "student_frames",
    "note",
    "scrub_site_paths",
]

_SUMMARY_OPEN, _SUMMARY_CLOSE = '<div class="coursework-summary">\n\n', "\n\n</div>"


def note(text: str, resources: dict) -> Any:
    """A grading note, as an output that the feedback page shows highlighted (marked as the grader's)."""
    return new_output(
        "display_data", data={"text/plain": text, "text/html": _note_html(text)}, metadata=ours(resources)
    )


def _note_html(text: str) -> str:
    return (
        f'<div class="alert alert-warning" style="margin:4px 0"><strong>{html.escape(msg("fb_grading_note"))}'
        f"</strong> {html.escape(text)}</div>"
    )


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
                cell.outputs.insert(0, note(msg("fb_restored", how=how), resources))
            grading = cell.metadata.get("nbgrader") or {}
            if str(grading.get("comment") or "").strip() == "No response.":  # nbgrader's automatic comment
                grading["comment"] = ""
        if exercises or notes:
            summary = self._summary(exercises, notes)
            summary.source = _SUMMARY_OPEN + summary.source + _SUMMARY_CLOSE  # the grader's box
            summary.metadata = ours(resources)
            summary.metadata["coursework"]["summary"] = True
            nb.cells.insert(0, summary)
        return nb, resources

    @staticmethod
    def _summary(exercises: list[dict], notes: list[str]) -> Any:
        rows = [f"| {msg('fb_col_exercise')} | {msg('fb_col_points')} | |", "| --- | --- | --- |"]
        for ex in exercises:
            name = ex.get("name", "?")
            why = ex.get("reason") or ("" if ex.get("score") == ex.get("points") else msg("fb_see_below"))
            rows.append(f"| `{name}` | {ex.get('score', 0):g} / {ex.get('points', 0):g} | {_md(why)} |")
        text = f"## {msg('fb_title')}\n\n" + "\n".join(rows)
        if notes:
            text += f"\n\n**{msg('fb_notes')}**\n\n" + "\n".join(f"- {_md(n)}" for n in notes)
        perfect = all(ex.get("score") == ex.get("points") for ex in exercises)
        if perfect:
            text += "\n\n" + msg("fb_full_marks")
        else:
            text += "\n\n" + msg("fb_explain")
        return new_markdown_cell(text, metadata={"coursework": "summary"})


def _md(text: str) -> str:
    return escape_md(text)


def _in_code(text: object) -> str:
    """``text`` for the inside of a markdown code span (which shows everything else literally)."""
    return " ".join(str(text).replace("`", "'").split())


# The student's own exception text, quoted by grader_tests.harness.call: it could spell out
# the hidden inputs the function was called with.
_STUDENT_MESSAGE = student_exception_pattern()  # "(your function raised Name): text", in every language


class RedactHiddenChecks(Preprocessor):
    """Cells with hidden tests keep only ``Name: message`` of their error (and our notes)."""

    enabled = Bool(True).tag(config=True)
    max_message = Integer(600, help="longest message kept from a hidden check").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if not (is_check(cell) and is_hidden(cell)):
            return cell, resources
        kept = []
        for out in cell.get("outputs", []):
            if out.get("metadata", {}).get("coursework") == "note":
                kept.append(out)
            elif out.get("output_type") == "error":
                value = _STUDENT_MESSAGE.sub(
                    lambda m: f"{m.group(1)} {msg('fb_hidden_message')}", str(out.get("evalue", ""))
                )
                if len(value) > self.max_message:
                    value = value[: self.max_message] + " ..."
                out["evalue"] = value
                out["traceback"] = [f"{out.get('ename', 'Error')}: {value}"]
                kept.append(out)
        cell["outputs"] = kept
        return cell, resources


# Linear-time patterns only (a student controls the text): no nested or adjacent quantifiers
# that can match the same characters; the path scrubbing below is plain string code.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_TIMEOUT = re.compile(r"timed out after ([0-9.]+) s")  # nbclient's error in a cell that ran too long (execute.py)


def timeout_in_language(ename: str, evalue: str) -> str:
    """A cell's ``CellTimeoutError: timed out after N s`` (the grader's words, in English) in the
    course's language; any other error unchanged."""
    found = _CELL_TIMEOUT.fullmatch(evalue) if ename == "CellTimeoutError" else None
    return msg("check_timed_out", timeout=found.group(1)) if found else evalue


_FRAME = re.compile(r"^\s*Cell In\[(\d+)\], line (\d+)")
_PATH_STOP = frozenset(" \t\n\r\x0b\x0c'\"():")
_SITES = ("/site-packages/", "/dist-packages/")


def scrub_site_paths(text: str) -> str:
    """Each path that runs into ``site-packages/`` or ``dist-packages/`` shown from there on as
    ``.../``. One pass over ``text``: a path is a run of characters other than white space,
    quotes, parentheses and ``:``; it is cut after its last such folder."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] in _PATH_STOP:
            j = i
            while j < n and text[j] in _PATH_STOP:
                j += 1
            out.append(text[i:j])
            i = j
            continue
        j = i
        while j < n and text[j] not in _PATH_STOP:
            j += 1
        run = text[i:j]
        slash = run.find("/")
        cut = max(run.rfind(site) for site in _SITES)
        if slash >= 0 and cut > slash:
            end = cut + len("/site-packages/")  # both names have the same length
            run = run[:slash] + ".../" + run[end:]
        out.append(run)
        i = j
    return "".join(out)


def student_frames(traceback: list[str]) -> list[tuple[int, int]]:
    """(execution count, line) of each ``Cell In[N], line L`` frame of an IPython traceback, outermost first."""
    out = []
    for entry in traceback or []:
        found = _FRAME.match(_ANSI.sub("", str(entry)))
        if found:
            out.append((int(found.group(1)), int(found.group(2))))
    return out


class StudentErrors(Preprocessor):
    """Errors as the student can act on them: the message and the student's own line."""

    enabled = Bool(True).tag(config=True)
    hide_paths = List(Unicode(), help="folders shown as '...' (the course, Python's prefixes)").tag(config=True)

    def scrub(self, text: str) -> str:
        text = scrub_site_paths(str(text))
        for folder in sorted(set(self.hide_paths) | {sys.prefix, sys.base_prefix}, key=len, reverse=True):
            if folder and len(folder) > 1:
                text = text.replace(folder.rstrip("/") + "/", "").replace(folder.rstrip("/"), "...")
        return text

    def preprocess(self, nb, resources):
        by_count = {c.get("execution_count"): c for c in nb.cells if c.cell_type == "code" and c.get("execution_count")}
        failed = []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            check = is_check(cell)
            message, where = "", None
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream":
                    out["text"] = self.scrub(out.get("text", ""))
                if out.get("output_type") != "error":
                    continue
                value = self.scrub(_ANSI.sub("", str(out.get("evalue", ""))))
                name = str(out.get("ename", "Error"))
                value = timeout_in_language(name, value)
                where = self._where(cell, out, by_count, check)
                out["evalue"] = value
                shown = self._plain(where)
                message = check_error(name, value) if check else f"{name}: {value}"
                out["traceback"] = [message] + (["    " + msg("fb_where", where=shown)] if shown else [])
            grading = cell.metadata.get("nbgrader") or {}
            if check and float(grading.get("score", 0) or 0) < float(grading.get("points", 0) or 0):
                failed.append(
                    (str(grading.get("grade_id")), grading.get("score", 0), grading.get("points", 0), message, where)
                )
        summary = next(
            (
                c
                for c in nb.cells
                if c.cell_type == "markdown" and is_ours(c, resources) and c.metadata["coursework"].get("summary")
            ),
            None,
        ) or next(
            (c for c in nb.cells if c.cell_type == "markdown" and c.metadata.get("coursework") == "summary"), None
        )
        if summary is not None and failed:
            lines = ["", "", msg("fb_what_to_fix"), ""]
            for gid, score, points, message, where in failed:
                said = _md(message) or msg("fb_no_message")
                item = f"- [`{gid}`](#{gid}) ({float(score):g} / {float(points):g}): {said}"
                if where:
                    label, text = where
                    item += msg("fb_fix_where", where=label + (f": <code>{_md(text)}</code>" if text else ""))
                lines.append(item)
            boxed = summary.source.endswith(_SUMMARY_CLOSE)
            body = summary.source[: -len(_SUMMARY_CLOSE)] if boxed else summary.source
            summary.source = body + "\n".join(lines) + (_SUMMARY_CLOSE if boxed else "")
        return nb, resources

    @staticmethod
    def _plain(where: tuple[str, str] | None) -> str | None:
        if where is None:
            return None
        label, text = where
        return label + (f": `{text}`" if text else "")

    def _where(self, cell, out, by_count, check: bool) -> tuple[str, str] | None:
        """(where, the student's line) of an error: the label names the cell and line."""
        given = (
            (cell.metadata.get("coursework") or {}).get("where")
            if isinstance(cell.metadata.get("coursework"), dict)
            else None
        )
        if isinstance(given, dict) and given.get("cell"):
            text = " ".join(str(given.get("text", "")).split())
            line = int(given.get("line") or 0)
            return msg("fb_answer_line", cell=_in_code(given["cell"]), line=line), text
        for count, line in reversed(student_frames(out.get("traceback", []))):
            source_cell = by_count.get(count)
            if source_cell is None or (check and not is_answer(source_cell)):
                continue
            if is_check(source_cell) and is_hidden(source_cell):
                continue
            lines = source_cell.source.splitlines()
            text = " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""
            gid = (source_cell.metadata.get("nbgrader") or {}).get("grade_id")
            label = (
                msg("fb_answer_line", cell=_in_code(gid), line=line)
                if is_answer(source_cell) and gid
                else msg("fb_cell_line", count=count, line=line)
            )
            return label, text
        return None


def _preprocessor_list(config: Any) -> list:
    """The course's feedback preprocessors with ours in place."""
    names = list(
        config.GenerateFeedback.get("preprocessors", [])
        or ["nbgrader.preprocessors.GetGrades", "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
    )
    names = [n if isinstance(n, str) else f"{n.__module__}.{n.__name__}" for n in names]
    explain, redact = f"{__name__}.ExplainGrading", f"{__name__}.RedactHiddenChecks"
    errors, after = f"{__name__}.StudentErrors", "coursework.grading.output.after_hidden.AfterHiddenInputs"
    clear = "coursework.grading.output.feedback.ClearHiddenRegions"
    names = [
        clear if n == "nbgrader.preprocessors.ClearHiddenTests" else n
        for n in names
        if n not in (explain, redact, errors, after)
    ]
    if clear not in names:
        css = [i for i, n in enumerate(names) if n.endswith("CSSHTMLHeaderPreprocessor")]
        names.insert(css[0] if css else len(names), clear)
    names.insert(names.index(clear), redact)
    names.insert(names.index(clear), errors)
    grades = [i for i, n in enumerate(names) if n.endswith("GetGrades")]
    names.insert(grades[0] + 1 if grades else 0, explain)
    names.insert(names.index(explain), after)
    return names


def hidden_lines(course: Course, assignment: str) -> list[str]:
    """Every non-trivial line of every hidden-test region of the assignment's sources."""
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
    (nbconvert splits code into highlighting spans, so search the text, not the HTML.)
    One pass with ``str.find`` (linear in the page's length): a tag runs from ``<`` to the
    next ``>``, and ``<script>`` / ``<style>`` elements are left out whole."""
    lower = raw_html.lower()
    parts, i, n = [], 0, len(raw_html)
    while i < n:
        lt = raw_html.find("<", i)
        if lt < 0:
            parts.append(raw_html[i:])
            break
        parts.append(raw_html[i:lt])
        gt = raw_html.find(">", lt)
        if gt < 0:
            parts.append(raw_html[lt:])
            break
        name = lower[lt + 1 : gt].split(None, 1)[0] if gt > lt + 1 else ""
        i = gt + 1
        if name in ("script", "style"):
            close = lower.find(f"</{name}", i)
            i = n if close < 0 else (lower.find(">", close) + 1 or n)
            parts.append(" ")
    return " ".join(html.unescape("".join(parts)).split())


def _page_without_notebook(course: Course, student: str, assignment: str) -> Path:
    """A page for a submission without a gradable notebook: its score and why."""
    record_path = course.record_path(assignment, student)
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    notes = sorted({n for nb in record.get("notebooks", {}).values() for n in nb.get("notes", [])})
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes) or f"<li>{html.escape(msg('fb_no_notebook'))}</li>"
    score = msg(
        "fb_score", score=format(record.get("score_in_gradebook", 0), "g"), points=format(record.get("points", 0), "g")
    )
    heading = msg("fb_page_heading", assignment=assignment, student=student)
    page = course.feedback_dir / student / assignment / f"{assignment}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        f"<!DOCTYPE html><html><head>{meta_tag(policy(new_nonce()))}<meta charset='utf-8'>"
        f"<title>{html.escape(assignment)}</title>"
        f"</head><body><h1>{html.escape(heading)}</h1>"
        f"<p>{html.escape(score)}</p>"
        f"<p>{html.escape(msg('fb_not_graded'))}</p><ul>{items}</ul></body></html>",
        encoding="utf-8",
    )
    return page


_TOC_OPEN, _TOC_CLOSE = '<div id="toc">', "</div>"

_WRAP = (
    "<style>.output_error pre, .output_stderr pre { white-space: pre-wrap; }\n"
    ".coursework-summary { border: 2px solid #337ab7; border-radius: 6px; padding: 0.2em 1em 0.6em; "
    "background: #f4f8fc; }\n.coursework-summary th, .coursework-summary td { padding: 2px 1.2em 2px 0; }"
    "</style>"
)


_HEADING = '<div class="panel-heading">\n<h4>'  # the template's heading: "<notebook> (Score: x / y)"


def _template_text() -> list[tuple[str, str]]:
    """(nbgrader's template text, in its HTML, -> the same in the course's language)."""
    label = '<span class="nbgrader-label">'
    return [
        (f"{label}Grade cell: <code>", f"{label}{msg('fb_tpl_check')} <code>"),
        (f"{label}Student's answer</span>", f"{label}{msg('fb_tpl_answer')}</span>"),
        ('<span class="pull-right">\n      Score: ', f'<span class="pull-right">\n      {msg("fb_tpl_score")} '),
        ('<a href="#top">(Top)</a>', f'<a href="#top">({msg("fb_tpl_top")})</a>'),
        ("<b>Comments:</b>", f"<b>{msg('fb_tpl_comments')}</b>"),
    ]


def tidy_page(raw_html: str) -> str:
    """nbgrader's page without its list of anonymous "Test cell" links; the template's words
    ("Grade cell:", "Score:", "(Top)", "Student's answer", "Comments:") in the course's language
    ("Grade cell:" reads "Check:" in English); error messages wrap instead of running off the
    page; the summary's box is drawn. (The template's own table of contents and heading, found
    with ``str.find``: the student's text is escaped or sanitised by then and cannot hold a
    ``<div id=...>``; the heading comes before any of it.)"""
    start = raw_html.find(_TOC_OPEN)
    end = raw_html.find(_TOC_CLOSE, start) if start >= 0 else -1
    page = raw_html[:start] + raw_html[end + len(_TOC_CLOSE) :] if end >= 0 else raw_html
    for english, translated in _template_text():
        page = page.replace(english, translated)
    head = page.find(_HEADING)
    close = page.find("</h4>", head) if head >= 0 else -1
    if close >= 0:
        heading = page[head:close].replace(" (Score: ", f" ({msg('fb_tpl_score')} ", 1)
        page = page[:head] + heading + page[close:]
    return page.replace("</head>", _WRAP + "</head>", 1) if _WRAP not in page else page


def generate_feedback(
    course: Course, assignment: str, students: list[str] | None = None, problems: dict[str, str] | None = None
) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/*.html`` for every autograded student; return the pages.

    A student whose page cannot be made (or fails the audit) gets no page and an entry in
    ``problems`` (student -> why); without ``problems`` the first such student stops the run
    with :class:`CourseError`, after the others are done.
    """
    autograded = course.graded(assignment)
    if students:
        autograded = [s for s in autograded if s in set(students)]
    if not autograded:
        raise CourseError(
            f"nothing autograded for {assignment!r} in {course.autograded_dir}; "
            f"run `coursework autograde {assignment}` first"
        )
    config = copy.deepcopy(course.config)
    config.GenerateFeedback.preprocessors = _preprocessor_list(course.config)
    config.GenerateFeedback.exporter_class = "coursework.grading.output.safe_export.SafeHTMLExporter"
    config.StudentErrors.hide_paths = [str(course.root), str(Path(course.root).resolve())]
    secrets = hidden_lines(course, assignment)
    pages: list[Path] = []
    cwd = os.getcwd()
    failed: dict[str, str] = {}
    try:
        for student in autograded:
            try:
                pages += _one_student(course, config, assignment, student, secrets)
            except Exception as exc:  # noqa: BLE001 - this student's only: no page, reported, the class goes on
                failed[student] = str(exc) if isinstance(exc, CourseError) else f"{type(exc).__name__}: {exc}"
                for page in (course.feedback_dir / student / assignment).glob("*.html"):
                    page.unlink()
            finally:
                os.chdir(cwd)
    finally:
        os.chdir(cwd)
    if problems is not None:
        problems.update(failed)
    elif failed:
        student, why = next(iter(failed.items()))
        raise CourseError(
            f"feedback for {student} failed: {why}" + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else "")
        )
    return pages


def _one_student(course: Course, config: Any, assignment: str, student: str, secrets: list[str]) -> list[Path]:
    from nbgrader.converters import GenerateFeedback  # here: nbgrader costs 4 s; tests read pages without it

    if not any(course.autograded_folder(assignment, student).glob("*.ipynb")):
        return [_page_without_notebook(course, student, assignment)]
    converter = GenerateFeedback(coursedir=course.coursedir(assignment, student_id=student), config=config)
    converter.force = True
    converter.start()
    pages = []
    for page in sorted((course.feedback_dir / student / assignment).glob("*.html")):
        raw = tidy_page(page.read_text(encoding="utf-8"))
        leaks = [s for s in secrets if s in page_text(raw)]
        if leaks:
            page.unlink()
            raise CourseError(f"the page would show hidden-check text ({leaks[0]!r}); page removed")
        page.write_text(raw, encoding="utf-8")
        pages.append(page)
    return pages
