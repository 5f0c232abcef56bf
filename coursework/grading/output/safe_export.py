"""nbconvert's HTML exporter with every piece of a submission made safe to show.

:class:`SafeHTMLExporter` is the exporter of the course's feedback pages
(``GenerateFeedback.exporter_class``) and of Formgrader's submission view
(:mod:`.formgrader_pages`). After the configured preprocessors it runs
:func:`make_safe` -- always, last, whatever the configuration -- and then renders:

- markdown and raw cells are rendered here (nbconvert's own markdown renderer, no local
  files embedded) and sanitised (:func:`.safe_html.clean`); the template only sees a
  placeholder token in their place;
- outputs keep plain text, streams and errors (the template escapes them), PNG / JPEG /
  GIF images whose data is base64, and LaTeX (escaped; MathJax typesets it); HTML and
  markdown outputs are sanitised and go through placeholders as well; SVG is shown as
  an ``<img>`` (an SVG image runs no script); JavaScript, widgets and every other type
  are dropped, with a line saying so. Image sizes are kept only when they are numbers;
- what the templates print unescaped is made plain: cell tags and ids, grade ids that
  are not identifiers, the notebook's widget state, student names (Formgrader's header);
- the libraries' parsers see bounded student text, because some are not linear
  (measured here: mistune on a line of 100,000 spaces, 164 s; pygments' IPython lexer on
  32,000 dots, 31 s): runs of more than 16 spaces in a student's markdown are cut to 16,
  a student's markdown cell over :data:`MARKDOWN_CELL` characters, or beyond
  :data:`MARKDOWN_PAGE` on one page, is shown as plain text; code is highlighted with
  pygments' Python lexer (linear; the IPython lexer is not), a student's cell only up to
  :data:`CODE_CELL` characters and :data:`CODE_PAGE` per page (the rest in plain
  monospace); ANSI colour codes are dropped from what the kernel printed. The
  instructor's locked cells are rendered whole.

The rendered template then gets its scripts' nonce and the page's policy, and only then
the sanitised fragments (:func:`.safe_html.finish_page`). Content the grader wrote (the
summary, grading notes) is marked with a token that lives only in ``resources``
(:func:`ours`); it may use the course's box classes, and is sanitised too.
"""

from __future__ import annotations

import base64
import html
import re
import string
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbformat.v4 import new_output

from ...i18n import msg
from .safe_html import clean, finish_page, new_nonce, placeholder, policy

__all__ = ["SafeHTMLExporter", "make_safe", "ours", "is_ours"]

#: Student text handed to markdown / syntax highlighting, per cell and per page (characters).
#: (mistune and pygments' Python lexer take about 20 microseconds a character on crafted text.)
MARKDOWN_CELL, MARKDOWN_PAGE, CODE_CELL, CODE_PAGE = 8_000, 32_000, 8_000, 32_000

_B64 = set(string.ascii_letters + string.digits + "+/=\n\r ")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # linear: one class, then one character
_SPACES = re.compile(" {17,}")  # linear: a run is consumed once
_IMAGES = ("image/png", "image/jpeg", "image/gif")
_ID_CHARS = set(string.ascii_letters + string.digits + "_-.")


def ours(resources: dict) -> dict:
    """Metadata that marks a cell or output as written by the grader on this page."""
    token = resources.setdefault("coursework_ours", new_nonce())
    return {"coursework": {"ours": token}}


def is_ours(node: Any, resources: dict) -> bool:
    token = resources.get("coursework_ours")
    mark = (node.get("metadata") or {}).get("coursework")
    return bool(token) and isinstance(mark, dict) and mark.get("ours") == token


_TEXT_CELL = (
    '<div class="cell border-box-sizing text_cell rendered"><div class="prompt input_prompt"></div>'
    '<div class="inner_cell"><div class="text_cell_render border-box-sizing rendered_html">{}</div>'
    "</div></div>"
)


def _plain(text: str) -> str:
    return f"<pre>{html.escape(text)}</pre>"


def _markdown(source: str, attachments: Any) -> str:
    safe_attachments = {}
    for name, bundle in (attachments or {}).items() if isinstance(attachments, dict) else ():
        images = {k: v for k, v in (bundle or {}).items() if k in _IMAGES and _is_base64(v)}
        if images:
            safe_attachments[str(name)] = images
    try:
        renderer = IPythonRenderer(escape=False, attachments=safe_attachments, embed_images=False)
        return MarkdownWithMath(renderer=renderer).render(str(source))
    except Exception:  # noqa: BLE001 - e.g. a missing attachment: show the text rather than no page
        return _plain(str(source))


def _is_base64(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and set(value) <= _B64


def _text(value: Any) -> str:
    return "".join(map(str, value)) if isinstance(value, list) else str(value)


class _Page:
    """The fragments of one page (sanitised HTML, by placeholder number) and what its parsers
    may still take."""

    def __init__(self, nonce: str):
        self.nonce, self.fragments = nonce, list[str]()
        self.markdown_left, self.code_left = MARKDOWN_PAGE, CODE_PAGE

    def put(self, fragment: str) -> str:
        self.fragments.append(fragment)
        return placeholder(self.nonce, len(self.fragments) - 1)

    def student_markdown(self, source: str, attachments: Any = None) -> str:
        """A student's markdown as HTML: rendered within the limits, else as plain text."""
        source = _SPACES.sub(" " * 16, str(source))
        if len(source) > min(MARKDOWN_CELL, self.markdown_left):
            return _plain(source)
        self.markdown_left -= len(source)
        return _markdown(source, attachments)

    def highlight(self, cell: Any, *, whole: bool = False) -> None:
        """Choose the lexer the template highlights ``cell`` with (``magics_language``, which
        nbconvert honours under the notebook's ``ipython3``): Python within the limits (or
        ``whole``, for the instructor's cells), plain text beyond them."""
        size = len(str(cell.source))
        if whole or size <= min(CODE_CELL, self.code_left):
            cell.metadata["magics_language"] = "python"
            self.code_left -= 0 if whole else size
        else:
            cell.metadata["magics_language"] = "text"


def _instructors(cell: Any) -> bool:
    """A locked cell that is not an answer: grading restored its source from the assignment."""
    grading = cell.metadata.get("nbgrader")
    return isinstance(grading, dict) and bool(grading.get("locked")) and not grading.get("solution")


def _output(out: Any, page: _Page, mine: bool) -> Any:
    kind = out.get("output_type")
    if kind == "stream":
        name = "stderr" if out.get("name") == "stderr" else "stdout"
        return new_output("stream", name=name, text=_ANSI.sub("", _text(out.get("text", ""))))
    if kind == "error":
        return new_output(
            "error",
            ename=str(out.get("ename", "")),
            evalue=str(out.get("evalue", "")),
            traceback=[_ANSI.sub("", str(line)) for line in out.get("traceback", []) or []],
        )
    if kind not in ("display_data", "execute_result"):
        return new_output("stream", name="stdout", text=_dropped([str(kind)]))
    data, meta, dropped = {}, {}, []
    for mime, value in (out.get("data") or {}).items():
        if mime == "text/plain" or mime == "text/latex":
            data[mime] = _text(value)
        elif mime in _IMAGES and _is_base64(value):
            data[mime] = value
            size = (out.get("metadata") or {}).get(mime) or {}
            kept = {
                k: size[k]
                for k in ("width", "height")
                if isinstance(size, dict)
                and isinstance(size.get(k), (int, float))
                and not isinstance(size.get(k), bool)
            }
            if kept:
                meta[mime] = kept
        elif mime == "text/html":
            data["text/html"] = page.put(clean(_text(value), ours=mine))
        elif mime == "text/markdown" and "text/html" not in (out.get("data") or {}):
            data["text/html"] = page.put(clean(page.student_markdown(_text(value))))
        elif mime == "image/svg+xml" and "text/html" not in (out.get("data") or {}):
            encoded = base64.b64encode(_text(value).encode("utf-8")).decode("ascii")
            data["text/html"] = page.put(f'<img src="data:image/svg+xml;base64,{encoded}" alt="">')
        else:
            dropped.append(str(mime))
    if dropped and "text/plain" not in data and "text/html" not in data and not any(m in data for m in _IMAGES):
        data["text/plain"] = _dropped(dropped)
    made = new_output(kind, data=data, metadata=meta)
    if kind == "execute_result":
        count = out.get("execution_count")
        made["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
    if mine:
        made.metadata.update(out.get("metadata", {}))
    return made


def _dropped(kinds: list[str]) -> str:
    return msg("page_output_dropped", kinds=", ".join(sorted(set(kinds)))[:200])


def make_safe(nb: Any, resources: dict, nonce: str) -> tuple[Any, dict]:
    """Make ``nb`` safe for the template (in place); ``resources['coursework_fragments']``
    gets the sanitised HTML of each placeholder (a list). See the module docstring."""
    page = _Page(nonce)
    meta = nb.metadata
    for key in list(meta):
        if key not in ("kernelspec", "language_info", "nbgrader", "coursework"):
            del meta[key]
    meta["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}  # the lexer is ours to choose
    for cell in nb.cells:
        mine = is_ours(cell, resources)
        cell_id = str(cell.get("id", ""))
        if "id" in cell and not (0 < len(cell_id) <= 64 and set(cell_id) <= _ID_CHARS):
            cell["id"] = f"cell-{nb.cells.index(cell)}"
        cell.metadata.pop("tags", None)
        grading = cell.metadata.get("nbgrader")
        if isinstance(grading, dict):
            gid, comment = grading.get("grade_id"), grading.get("comment")
            if gid is not None and not set(str(gid)) <= _ID_CHARS:
                grading["grade_id"] = html.escape(str(gid))
            if isinstance(comment, str):  # the template renders it as markdown, unsanitised
                grading["comment"] = html.escape(comment)
        if cell.cell_type == "markdown" and (mine or isinstance(grading, dict)):
            rendered = (
                _markdown(cell.source, cell.get("attachments"))
                if mine or _instructors(cell)
                else page.student_markdown(cell.source, cell.get("attachments"))
            )
            cell.source = page.put(clean(rendered, ours=mine))
            cell.pop("attachments", None)
        elif cell.cell_type in ("markdown", "raw"):
            # a student's own markdown (or raw) cell: a raw HTML cell that looks like a markdown
            # cell, so that the template does not run its markdown parser on the placeholder
            text = (
                page.student_markdown(cell.source, cell.get("attachments"))
                if cell.cell_type == "markdown"
                else _plain(str(cell.source))
            )
            cell.cell_type, cell.source = "raw", page.put(_TEXT_CELL.format(clean(text)))
            cell.metadata["raw_mimetype"] = "text/html"
            cell.pop("attachments", None)
        elif cell.cell_type == "code":
            page.highlight(cell, whole=_instructors(cell))
            cell.outputs = [_output(out, page, is_ours(out, resources)) for out in cell.get("outputs", [])]
    for key in ("student", "first_name", "last_name"):  # Formgrader's header prints these unescaped
        if isinstance(resources.get(key), str):
            resources[key] = html.escape(resources[key])
    resources["coursework_fragments"] = page.fragments
    return nb, resources


class SafeHTMLExporter(HTMLExporter):
    """``HTMLExporter`` whose pages show a submission safely (see the module docstring).
    ``resources['coursework_csp']`` is the page's policy; ``resources['coursework_nonce']``,
    if given, the nonce to use (Formgrader's handler sends the same policy as a header)."""

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        resources.setdefault("coursework_nonce", new_nonce())
        return resources

    def _preprocess(self, nb, resources):
        self.embed_images = False  # never read local files into a page
        nb, resources = super()._preprocess(nb, resources)
        return make_safe(nb, resources, resources["coursework_nonce"])

    def from_notebook_node(self, nb, resources=None, **kw):
        output, resources = super().from_notebook_node(nb, resources, **kw)
        nonce = resources["coursework_nonce"]
        csp = resources.get("coursework_csp") or policy(nonce)
        resources["coursework_csp"] = csp
        return finish_page(output, resources.pop("coursework_fragments", []), nonce, csp), resources
