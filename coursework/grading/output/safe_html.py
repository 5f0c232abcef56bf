"""What the course's pages show of a submission: sanitised HTML, escaped text, and a
Content-Security-Policy under which no script runs that the course did not write.

A submission is hostile input to every page that shows it (the feedback page, the class
report, Formgrader's submission view). Three layers, each enough on its own against a
``<script>`` a student wrote:

- **escape** what is text (:func:`escape_md` for text put into markdown we render:
  HTML characters become entities, markdown's punctuation is backslash-escaped, so a
  student's exception message never becomes a tag, a link or a heading);
- **sanitise** what is HTML (:func:`clean`, Ammonia through ``nh3``): formatting, lists,
  tables, images (``data:`` images only) and ``http(s)``/``mailto`` links survive;
  scripts, styles, event handlers, ``class``/``id``/``style`` attributes, forms,
  frames, SVG and ``javascript:`` URLs do not. A student cannot borrow the page's
  classes, so nothing they write looks like the course's own boxes and notes
  (:data:`OURS_CLASSES`, allowed only in content the grader wrote);
- **forbid** the rest: every page carries a policy (:func:`policy`) whose ``script-src``
  allows only scripts that carry the page's nonce (``'strict-dynamic'`` lets those load
  theirs, e.g. MathJax's extensions); the nonce is put on the template's scripts
  *before* any student content is filled in (:func:`finish_page`), so a script that got
  past the sanitiser still does not run.

The page's math keeps working: MathJax 2.7.7 (Safe mode, as nbconvert loads it) carries
the nonce; its styles and fonts come from the one CDN folder the policy names.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Iterable

import nh3

__all__ = ["clean", "escape_md", "policy", "meta_tag", "finish_page", "new_nonce", "OURS_CLASSES", "MATHJAX"]

#: where nbconvert's MathJax (2.7.7, HTMLExporter.mathjax_url) loads its styles and fonts from.
MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"

#: Classes that only content written by the grader may carry (its summary box and notes).
OURS_CLASSES = {"div": {"coursework-summary", "alert", "alert-warning", "alert-info"}}

_DATA_IMAGES = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;", "data:image/svg+xml;")
_MD_SPECIAL = set("\\`*_[]|!~$<>&{}#")


def _tags() -> set[str]:
    return set(nh3.ALLOWED_TAGS) - {"map", "area"}  # image maps: links without a visible anchor


def _attributes() -> dict[str, set[str]]:
    attrs = {tag: set(values) for tag, values in nh3.ALLOWED_ATTRIBUTES.items() if tag not in ("map", "area")}
    attrs.setdefault("*", set()).update({"title", "lang", "dir"})
    for cell in ("td", "th"):
        attrs.setdefault(cell, set()).add("style")  # markdown tables align columns with style; only text-align stays
    return attrs


def _keep_url(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: images only from ``data:`` URLs (a page loads nothing a student
    names), and a ``data:`` URL nowhere else."""
    data = value.lstrip().lower().startswith("data:")
    if element == "img" and attribute == "src":
        return value if value.lstrip().lower().startswith(_DATA_IMAGES) else None
    if attribute in ("src", "href", "cite") and data:
        return None
    return value


def clean(fragment: str, *, ours: bool = False) -> str:
    """``fragment`` (HTML) with only harmless markup left; see the module docstring.
    ``ours``: the grader's own HTML, which may also use :data:`OURS_CLASSES`."""
    return nh3.clean(
        str(fragment),
        tags=_tags(),
        clean_content_tags={"script", "style"},
        attributes=_attributes(),
        attribute_filter=_keep_url,
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
        url_schemes={"http", "https", "mailto", "data"},
        filter_style_properties={"text-align"},
        allowed_classes=OURS_CLASSES if ours else {},
    )


_MD_TABLE = str.maketrans(
    {
        **{ch: "\\" + ch for ch in _MD_SPECIAL},
        **{ch: html.escape(ch) for ch in '<>&"'},
        **{ch: " " for ch in "\r\n\t\v\f"},
    }
)


def escape_md(text: object) -> str:
    """``text`` as literal text inside markdown: one line, no tag, link (nor autolink),
    emphasis, table cell or code span can start in it (HTML characters as entities,
    markdown's as ``\\x``)."""
    # and no autolink: "http://..." and "www." become links in nbconvert's markdown otherwise
    return str(text).translate(_MD_TABLE).replace("://", "\\://").replace("www.", "www\\.")


def new_nonce() -> str:
    """A fresh value for one page's script nonce and placeholders (unguessable)."""
    return secrets.token_hex(16)


def policy(nonce: str, *, server: bool = False, header: bool = False, handler_hashes: Iterable[str] = ()) -> str:
    """The Content-Security-Policy of a page whose scripts carry ``nonce``.

    A static page (feedback, report) loads nothing but MathJax and ``data:`` images; a page
    ``server``-ed by Jupyter (Formgrader) also its own origin's styles, images, fonts and API
    calls (``connect-src``), and runs the inline event handlers whose sha256 (base64) are in
    ``handler_hashes``. ``header``: for an HTTP header, which (unlike a meta tag) may also say
    who may frame the page.
    """
    script = [f"'nonce-{nonce}'", "'strict-dynamic'"]
    if handler_hashes:
        script += ["'unsafe-hashes'", *(f"'sha256-{h}'" for h in handler_hashes)]
    own = ["'self'"] if server else []
    parts = {
        "default-src": ["'none'"],
        "script-src": script,
        "style-src": [*own, "'unsafe-inline'", MATHJAX],
        "img-src": [*own, "data:"],
        "font-src": [*own, "data:", MATHJAX],
        "connect-src": own or ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": own or ["'none'"],
    }
    if header:
        parts["frame-ancestors"] = ["'self'"]
    return "; ".join(f"{k} {' '.join(v)}" for k, v in parts.items())


def meta_tag(csp: str) -> str:
    """``csp`` as the ``<meta>`` tag a static page carries first in its ``<head>``."""
    return f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">'


# nbconvert configures MathJax in a <script type="text/x-mathjax-config">, which MathJax runs
# with eval: the policy allows no eval (MathJax would eval such a block wherever it stood in
# the page), so the same settings go into window.MathJax before MathJax loads.
_MATHJAX_CONFIG = (
    "<script>window.MathJax = {TeX: {equationNumbers: {autoNumber: 'AMS', useLabelIds: true}}, "
    "tex2jax: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], "
    "['\\\\[', '\\\\]']], processEscapes: true, processEnvironments: true}, displayAlign: 'center', "
    "messageStyle: 'none', CommonHTML: {linebreaks: {automatic: true}}};</script>\n"
)
_MATHJAX_BLOCK = ('<script type="text/x-mathjax-config">', "</script>")


def _mathjax_config(page: str) -> str:
    start = page.find(_MATHJAX_BLOCK[0])
    end = page.find(_MATHJAX_BLOCK[1], start) if start >= 0 else -1
    if end >= 0:
        page = page[:start] + page[end + len(_MATHJAX_BLOCK[1]) :]
    loader = page.find(f'<script src="{MATHJAX}')
    return page[:loader] + _MATHJAX_CONFIG + page[loader:] if loader >= 0 else page


def placeholder(nonce: str, index: int) -> str:
    """The token that stands for fragment ``index`` of a page until :func:`finish_page`."""
    return f"cwsafe{nonce}n{index}x"  # closed by "x": n1x is no prefix of n10x


def finish_page(page: str, fragments: list[str], nonce: str, csp: str) -> str:
    """The page ready to show: ``page`` is the template's output, in which every piece of
    student content is still a :func:`placeholder`; its ``<script`` tags get ``nonce``, the
    policy ``csp`` goes first into ``<head>``, and only then each placeholder is replaced by
    its sanitised fragment (a markdown cell's ``<p>`` around it goes too). One pass over the
    page. Raises ``ValueError`` when the page has no ``<head>`` or a placeholder appears twice."""
    head = page.find("<head>")
    if head < 0:
        raise ValueError("the page has no <head>: cannot put its Content-Security-Policy first")
    page = _mathjax_config(page)
    page = page.replace("<script", f'<script nonce="{nonce}"')
    at = page.find("<head>") + len("<head>")
    page = page[:at] + "\n" + meta_tag(csp) + page[at:]
    prefix = placeholder(nonce, 0)[:-2]
    pieces = page.split(prefix)
    out, seen = [pieces[0]], set()
    for piece in pieces[1:]:
        digits, x, rest = piece.partition("x")
        if not (x and digits.isdigit() and int(digits) < len(fragments)):
            out.append(prefix + piece)  # not one of ours (cannot happen: the nonce is fresh)
            continue
        index = int(digits)
        if index in seen:
            raise ValueError(f"placeholder {index} appears more than once in the page")
        seen.add(index)
        if out[-1].endswith("<p>") and rest.startswith("</p>"):
            out[-1], rest = out[-1][:-3], rest[4:]
        out.append(fragments[index])
        out.append(rest)
    return "".join(out)
