"""Nothing a student wrote is ever active content, and feedback shows only what the student
may see (issue 18: defects 1, 2 and the first two parts of 10).

Fast tests drive the sanitiser, the exporter and the feedback preprocessors on hand-made
cells. The slow ones grade one small class -- an honest student and a hostile one whose
notebook carries ``<script>``, ``<img onerror>``, ``<svg onload>``, ``javascript:`` links,
iframes, ``display(HTML(...))``, ``display(Javascript(...))``, an exception message
carrying HTML, forged grading marks, a quoted hidden-test marker, a student id that is
HTML, and a later cell that prints the hidden check's inputs it kept -- and check the
feedback pages and the report as HTML. The browser tests open the feedback page, the
report and Formgrader's submission view (served as ``make lab-instructor`` serves it) in
headless Chromium with a probe: every payload would set ``window.__pwned``, write
``localStorage`` and fetch a URL on a local server this test runs; none may happen.
Screenshots go to ``$COURSEWORK_ARTEFACTS/hostile-pages`` (default ``tmp/hostile-pages``).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.class_fixtures import REPO, cell_metadata, cli, make_course, python_notebook
from coursework.grading.output.after_hidden import AfterHiddenInputs
from coursework.grading.output.feedback import ClearHiddenRegions
from coursework.grading.judge.restore import drop_grader_marks
from coursework.grading.output.safe_export import SafeHTMLExporter, make_safe
from coursework.grading.output.safe_html import clean, escape_md, finish_page, policy
from helpers.nbgrader_course import scores, submission, submit

# -- what a page may hold ------------------------------------------------------------------


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the scripts' nonces."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v or "") for k, v in attrs}))

    def named(self, name: str) -> list[dict]:
        return [a for t, a in self.tags if t == name]


def active_content(page: str, allowed_handlers: tuple[str, ...] = ()) -> list[str]:
    """What in ``page`` could run or load something: event handlers (except ``allowed_handlers``),
    ``javascript:`` / ``data:text`` URLs, frames, objects, SVG, forms, base and refresh tags,
    scripts without the page's nonce. Empty for a safe page."""
    found = []
    tags = Tags(page)
    nonces = {a.get("nonce") for a in tags.named("script")}
    if len(nonces) != 1 or None in nonces or "" in nonces:
        found.append(f"scripts with nonces {sorted(map(str, nonces))}")
    for tag, attrs in tags.tags:
        if tag in ("iframe", "frame", "object", "embed", "svg", "form", "base", "applet", "math"):
            found.append(f"<{tag}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append("<meta refresh>")
        for name, value in attrs.items():
            if name.startswith("on") and value not in allowed_handlers:
                found.append(f"<{tag} {name}={value[:40]!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcdoc"):
                v = "".join(value.split()).lower()
                if v.startswith("javascript:") or v.startswith("data:text") or name == "srcdoc":
                    found.append(f"<{tag} {name}={value[:40]!r}>")
    return found


def csp_first(page: str) -> str:
    """The page's policy; fails unless it is the first tag in <head>."""
    head = page.index("<head>") + len("<head>")
    rest = page[head:].lstrip()
    assert rest.startswith('<meta http-equiv="Content-Security-Policy"'), rest[:200]
    return html.unescape(rest.split('content="', 1)[1].split('"', 1)[0])


# -- fast: the sanitiser, the exporter, the preprocessors -----------------------------------

PAYLOADS = {
    "script": "<script>window.__pwned = 1</script>",
    "img": '<img src="x" onerror="window.__pwned = 1">',
    "svg": '<svg onload="window.__pwned = 1"><circle r="1"/></svg>',
    "link": '<a href="javascript:window.__pwned = 1">click</a>',
    "data link": '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">click</a>',
    "iframe": '<iframe src="javascript:parent.__pwned = 1"></iframe><iframe srcdoc="<script>1</script>"></iframe>',
    "style": "<style>body { display: none }</style>",
    "class": '<div class="alert alert-warning coursework-summary" id="top" style="position:fixed">Full marks</div>',
    "form": '<form action="http://example.org"><input name="x"></form>',
    "meta": '<meta http-equiv="refresh" content="0;url=http://example.org">',
    "object": '<object data="x.swf"></object><embed src="x.swf">',
}


@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_the_sanitiser_leaves_nothing_that_runs_or_imitates(kind):
    out = clean(PAYLOADS[kind])
    assert active_content(f"<p>{out}</p>") == [] or active_content(f"<p>{out}</p>") == ["scripts with nonces []"]
    assert "<script" not in out and "style" not in out and "class=" not in out and "id=" not in out
    assert "javascript" not in out.lower() or kind in ("script",)  # text of a removed script element is gone too


def test_the_sanitiser_keeps_what_a_page_needs():
    keep = ('<h2>Title</h2><p><b>bold</b> <em>em</em> <code>x &lt; y</code></p><ul><li>one</li></ul>'
            '<table><tr><td style="text-align: right">1</td></tr></table>'
            '<img src="data:image/png;base64,iVBORw0KGgo=" alt="a plot"><a href="https://example.org">a link</a>')
    out = clean(keep)
    for piece in ("<h2>Title</h2>", "<b>bold</b>", "<code>x &lt; y</code>", "<li>one</li>", "text-align:right",
                  'src="data:image/png;base64,iVBORw0KGgo="', 'href="https://example.org"'):
        assert piece in out.replace("text-align: right", "text-align:right"), piece
    assert 'src="x"' not in clean('<img src="x">')            # no image a student names is loaded
    assert clean('<div class="coursework-summary">x</div>', ours=True) == '<div class="coursework-summary">x</div>'


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "[a](javascript:alert(1))", "**bold** `code` | cell",
                                  "see http://127.0.0.1:9/hit and www.example.org",
                                  "![x](data:image/png;base64,AAAA)", "a\nb\n## heading", "&lt;script&gt; \\` $x$"])
def test_escaped_text_stays_text_in_markdown(text):
    from coursework.grading.output.safe_export import _markdown
    from coursework.grading.output.feedback_html import page_text

    rendered = _markdown(escape_md(text), None)
    assert Tags(rendered).tags == [("p", {})], rendered
    assert page_text(rendered) == " ".join(text.split())


def _exported(cells, **meta) -> tuple[str, dict]:
    nb = new_notebook(metadata=meta)
    nb.cells = cells
    return SafeHTMLExporter().from_notebook_node(nbformat.from_dict(nb))


def test_the_exporter_shows_outputs_as_text_images_or_sanitised_html():
    outputs = [
        new_output("display_data", data={"text/html": PAYLOADS["script"] + "<b>kept</b>", "text/plain": "h"}),
        new_output("display_data", data={"application/javascript": "window.__pwned = 1", "text/plain": "js"}),
        new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"}}),
        new_output("display_data", data={"image/png": 'AAAA" onerror="window.__pwned=1'}),
        new_output("display_data", data={"image/png": "iVBORw0KGgo="},
                   metadata={"image/png": {"width": "1 onerror=window.__pwned=1", "height": 20}}),
        new_output("display_data", data={"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'}),
        new_output("display_data", data={"text/markdown": "[x](javascript:alert(1)) <img src=x onerror=alert(1)>"}),
        new_output("stream", name="stdout", text="\x1b[31m<script>window.__pwned=1</script>\x1b[0m"),
        new_output("error", ename="ValueError", evalue="<b>", traceback=["\x1b[31mValueError\x1b[0m: <img src=x>"]),
    ]
    cell = new_code_cell("x = 1", outputs=outputs, metadata={"tags": ['" onmouseover="x()'], "magics_language": "html"})
    page, res = _exported([cell], widgets={"application/vnd.jupyter.widget-state+json": {"x": "</script><script>1"}})
    assert active_content(page) == []
    assert "<b>kept</b>" in page and "window.__pwned" not in page.replace("&lt;script&gt;window.__pwned=1", "")
    assert 'height="20"' in page or "height=20" in page                     # a numeric size stays
    assert "data:image/svg+xml;base64," in page                             # SVG as an image, never inline
    assert "(an output of type application/vnd.jupyter.widget-view+json is not shown" in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page           # what was printed, as text
    assert "widget-state" not in page and "onmouseover" not in page
    assert csp_first(page) == res["coursework_csp"]


def test_the_policy_runs_only_nonced_scripts_and_no_eval():
    csp = policy("abc")
    assert "script-src 'nonce-abc' 'strict-dynamic'" in csp and "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "default-src 'none'" in csp and "base-uri 'none'" in csp and "form-action 'none'" in csp


def test_fragments_are_filled_in_after_the_template_scripts_get_their_nonce():
    from coursework.grading.output.safe_html import placeholder

    one, two = placeholder("n1", 1), placeholder("n1", 10)
    page = f"<html><head><script src='m.js'></script></head><body><p>{one}</p><div>{two}</div></body></html>"
    fragments = [""] + ["<script>evil()</script>"] + [""] * 8 + ["<b>y</b>"]
    out = finish_page(page, fragments, "n1", policy("n1"))
    assert out.count('<script nonce="n1"') == 1 and "<body><script>evil()</script><div>" in out  # no nonce, no <p>
    assert "<div><b>y</b></div>" in out
    with pytest.raises(ValueError, match="more than once"):
        finish_page(page.replace(two, one), fragments, "n1", policy("n1"))


def test_math_keeps_working_without_eval():
    page, _ = _exported([new_markdown_cell("$x^2$")])
    assert 'type="text/x-mathjax-config"' not in page                        # MathJax would eval it
    config = page.index("window.MathJax = {")
    assert config < page.index("cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js")
    assert "inlineMath: [['$', '$']" in page and "$x^2$" in page


def _check(gid: str, source: str, outputs=(), **extra):
    cell = new_code_cell(source, metadata={"nbgrader": {"grade_id": gid, "grade": True, "solution": False,
                                                        "points": 1}, **extra})
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def _answer(gid: str, source: str, outputs=()):
    cell = new_code_cell(source, metadata={"nbgrader": {"grade_id": gid, "solution": True, "grade": False}})
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def test_nothing_after_the_first_hidden_check_shows_what_the_kernel_said():
    reason = ("Exercise 'triple' scores 0: cell 'triple' raised ValueError: kept [123456789]"
              " (the answer cell must run to its end without error)")
    nb = new_notebook()
    nb.cells = [
        _answer("double", "def double(x): ...", [{"output_type": "stream", "name": "stdout", "text": "before\n"}]),
        _check("double_hidden", "### BEGIN HIDDEN TESTS\ncheck()\n### END HIDDEN TESTS"),
        _answer("triple", "print(KEPT)\nraise ValueError(str(KEPT))", [
            {"output_type": "stream", "name": "stdout", "text": "[123456789]\n"},
            {"output_type": "display_data", "data": {"text/plain": "[123456789]"}, "metadata": {}},
            {"output_type": "error", "ename": "ValueError", "evalue": "kept [123456789]",
             "traceback": ["\x1b[0;31mValueError\x1b[0m", "Cell \x1b[0;32mIn[3], line 2\x1b[0m", "ValueError: kept [123456789]"]}]),
        _check("triple_visible", "assert triple(5) == 15", [
            {"output_type": "stream", "name": "stdout", "text": "[123456789]\n"},
            {"output_type": "error", "ename": "NotGraded", "evalue": reason, "traceback": [reason]}]),
        _check("quad_visible", "check_quad(quad)", [
            {"output_type": "error", "ename": "AssertionError", "traceback": [],
             "evalue": "quad(2): your function raised KeyError: 123456789"}]),
        _check("warn_visible", "check(warn)", [
            {"output_type": "error", "ename": "Warning", "traceback": [],
             "evalue": "wrote to stderr (a check must not warn): 123456789"}]),
    ]
    nb.metadata["coursework"] = {"exercises": [{"name": "triple", "score": 0, "points": 1, "reason": reason}]}
    resources = {}
    nb, _ = AfterHiddenInputs().preprocess(nb, resources)
    text = json.dumps(nb)
    assert "123456789" not in text
    assert nb.cells[0].outputs[0]["text"] == "before\n"                        # before the hidden check: kept
    note, error = nb.cells[2].outputs
    assert "ran after a hidden check had sent its inputs" in note["data"]["text/plain"]
    assert error["ename"] == "ValueError" and error["traceback"] == ["Cell In[3], line 2"]
    assert "cell 'triple' raised ValueError: (message not shown" in nb.metadata["coursework"]["exercises"][0]["reason"]
    assert [o["output_type"] for o in nb.cells[3].outputs] == ["display_data", "error"]
    assert nb.cells[4].outputs[-1]["evalue"] == ("quad(2): your function raised KeyError (message not shown: this "
                                                 "cell ran after a hidden check's inputs reached your kernel)")


def test_a_quoted_hidden_test_marker_is_the_students_text():
    answer = _answer("f", "# ### BEGIN HIDDEN TESTS\ndef f(x):\n    return x  # ### END HIDDEN TESTS")
    markdown = new_markdown_cell("I read about `### BEGIN HIDDEN TESTS` in the docs")
    check = _check("c", "assert f(1) == 1\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\nprint('after')")
    unmatched = _check("d", "assert f(2) == 2\n### BEGIN HIDDEN TESTS\nsecret2()")
    pp = ClearHiddenRegions()
    for cell in (answer, markdown):
        before = cell.source
        assert pp.preprocess_cell(cell, {}, 0)[0].source == before
    assert pp.preprocess_cell(check, {}, 0)[0].source == "assert f(1) == 1\nprint('after')"
    assert pp.preprocess_cell(unmatched, {}, 0)[0].source == "assert f(2) == 2"


def test_forged_grading_marks_are_dropped_before_grading():
    cell = new_code_cell("x", metadata={"coursework": {"where": {"cell": "<b>", "line": 1, "text": "x"},
                                                       "restored": "deleted", "summary": True, "i18n": {"ko": {}}}})
    cell.outputs = [new_output("display_data", data={"text/plain": "n"}, metadata={"coursework": "note"})]
    md = new_markdown_cell("fake", metadata={"coursework": "summary"})
    drop_grader_marks(cell)
    drop_grader_marks(md)
    assert cell.metadata["coursework"] == {"i18n": {"ko": {}}} and "coursework" not in md.metadata
    assert "coursework" not in cell.outputs[0].metadata


def test_collect_patterns_run_on_a_linear_engine_and_say_what_it_lacks():
    from coursework.grading.release.collect import compile_pattern

    with pytest.raises(ValueError, match="no backreferences or lookaround"):
        compile_pattern(r"(?P<student>a)\1")
    assert compile_pattern(r"(?P<student>[^_/]+)_").search("bob_01.ipynb").group("student") == "bob"


def test_make_safe_escapes_names_formgrader_prints():
    nb = nbformat.from_dict(new_notebook())
    resources = {"student": "<img src=x onerror=1>", "first_name": "<b>", "last_name": "x"}
    make_safe(nb, resources, "n")
    assert resources["student"] == "&lt;img src=x onerror=1&gt;" and resources["first_name"] == "&lt;b&gt;"


# -- slow: one graded class -----------------------------------------------------------------

A = "98_pages"
HOSTILE = "<img src=x onerror=window.__pwned=1>"     # a student id that is HTML (no '/': collect files it)
ABSENT = "<svg onload=window.__pwned=2>"             # known to the gradebook, did not submit


def _assignment(course: Path) -> None:
    nb = python_notebook()
    nb.cells = [
        new_markdown_cell("# Pages\nWrite `double(x)`, then `triple(x)`. Math: $x^2$.", metadata=cell_metadata("intro")),
        new_code_cell("from grader_tests.harness import student_rng", metadata=cell_metadata("setup")),
        new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      metadata=cell_metadata("double", locked=False, solution=True)),
        new_code_cell("# 1 point\nassert double(4) == 8, 'double(4) should be 8'",
                      metadata=cell_metadata("double_visible", grade=True, points=1)),
        new_code_cell("# 2 points: a random integer, checked when your work is graded\n### BEGIN HIDDEN TESTS\n"
                      f"secret_x = int(student_rng('{A}', 'double').integers(10**8, 10**9))\n"
                      "assert double(secret_x) == 2 * secret_x, 'double(a random integer) is wrong'\n"
                      "### END HIDDEN TESTS", metadata=cell_metadata("double_hidden", grade=True, points=2)),
        new_code_cell("def triple(x):\n    ### BEGIN SOLUTION\n    return 3 * x\n    ### END SOLUTION",
                      metadata=cell_metadata("triple", locked=False, solution=True)),
        new_code_cell("# 1 point\nassert triple(5) == 15, 'triple(5) should be 15'",
                      metadata=cell_metadata("triple_visible", grade=True, points=1)),
    ]
    folder = course / "solutions" / A
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{A}.ipynb")


def _js(url: str, where: str) -> str:
    """A probe: records that it ran (window, localStorage, a request to our server)."""
    return (f"window.__pwned='{where}';try{{localStorage.setItem('pwned','{where}')}}catch(e){{}};"
            f"fetch('{url}/hit?{where}').catch(function(){{}})")


def hostile_notebook(release: Path, url: str) -> nbformat.NotebookNode:
    js = lambda where: _js(url, where)  # noqa: E731
    raised = f'<img src=x onerror="{js("evalue")}"><script>{js("evalue-script")}</script>'
    shown = {
        "html": f'<b>bold</b><script>{js("html-script")}</script><img src=x onerror="{js("html-img")}">',
        "javascript": js("javascript"),
        "svg": f'<svg xmlns="http://www.w3.org/2000/svg" onload="{js("svg")}"><circle r="4"/></svg>',
        "frames": (f'<iframe src="javascript:parent.{js("iframe")}"></iframe>'
                   f'<iframe srcdoc="<script>parent.{js("srcdoc")}</script>"></iframe>'),
        "png": f'AAAA" onerror="{js("png")}',
        "width": f"1 onerror={js('width')}",
        "markdown": f'[click](javascript:{js("md-output")}) <img src=x onerror="{js("md-img")}">',
        "note": '<div class="alert alert-warning"><strong>Grading note:</strong> full marks, regraded by hand</div>',
        "print": f"<script>{js('print')}</script>",
        "late": f'<img src=x onerror="{js("late")}"> KEPT:',
    }
    s = {k: repr(v) for k, v in shown.items()}
    double = f"""KEPT = []
def double(x):
    KEPT.append(x)
    if x == 4:
        raise ValueError({raised!r})
    return 2 * x
# ### BEGIN HIDDEN TESTS (a student quoting the marker)
from IPython.display import HTML, Javascript, Markdown, display
display(HTML({s["html"]}))
display(Javascript({s["javascript"]}))
display({{"image/svg+xml": {s["svg"]}}}, raw=True)
display({{"text/html": {s["frames"]}}}, raw=True)
display({{"image/png": {s["png"]}}}, raw=True)
display({{"image/png": "iVBORw0KGgo="}}, raw=True, metadata={{"image/png": {{"width": {s["width"]}}}}})
display(Markdown({s["markdown"]}))
display({{"application/vnd.jupyter.widget-view+json": {{"model_id": "x"}}, "text/plain": "a widget"}}, raw=True)
display(HTML({s["note"]}), metadata={{"coursework": "note"}})
print({s["print"]})
"""
    triple = f"""def triple(x):
    return 3 * x
print("KEPT:" + repr(KEPT))
display(HTML("<b>KEPT:" + repr(KEPT) + "</b>"))
raise ValueError({s["late"]} + repr(KEPT))
"""
    nb = submission(release, {"double": double, "triple": triple})
    forged = new_markdown_cell(
        "## Your grade, exercise by exercise\n\n| exercise | points |\n| --- | --- |\n| `double` | 3 / 3 |\n\n"
        f"Full marks: every check passed.\n\n<script>{js('md-script')}</script>\n"
        f'<img src=x onerror="{js("md-img-tag")}">\n<svg onload="{js("md-svg")}"></svg>\n'
        f"[click me](javascript:{js('md-link')})\n<iframe src=\"javascript:parent.{js('md-iframe')}\"></iframe>\n"
        f'<a href="data:text/html,<script>{js("md-data")}</script>">data</a>\n'
        '<meta http-equiv="refresh" content="0;url=https://example.org"><base href="https://example.org/">\n'
        "<style>.coursework-summary { display: none }</style>\n\n"
        "Quoting the marker: ### BEGIN HIDDEN TESTS", metadata={"coursework": "summary"})
    nb.cells.insert(1, forged)
    extra = new_code_cell("print('late', KEPT)", metadata={
        "tags": ['" onmouseover="window.__pwned=1'],   # nbformat allows no comma in a tag
        "coursework": {"restored": "deleted", "where": {"cell": f"<img src=x onerror={js('where')}>", "line": 1}}})
    nb.cells.append(extra)
    return nb


class Probe:
    """A local HTTP server that records every request (a payload that ran would call it)."""

    def __init__(self):
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                self.send_response(204)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _hidden_input(course: Path, student: str) -> int:
    code = f"from grader_tests.harness import student_rng; print(int(student_rng('{A}', 'double').integers(10**8, 10**9)))"
    env = dict(os.environ, COURSEWORK_SECRET_FILE=str(course / ".coursework-secret"), COURSEWORK_STUDENT_ID=student)
    return int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    probe = Probe()
    course = make_course(tmp_path_factory.mktemp("pages"), assignments=())
    _assignment(course)
    cli("release", A, "--no-bundle", "--course", str(course))
    release = course / "notebooks" / A / f"{A}.ipynb"
    right = {"double": "def double(x):\n    return 2 * x", "triple": "def triple(x):\n    return 3 * x"}
    submit(course, "honest", A, submission(release, right))
    submit(course, HOSTILE, A, hostile_notebook(release, probe.url))
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_student(ABSENT)
    run = cli("autograde", A, "--course", str(course), "--jobs", "2", "--timeout", "30", check=False)
    feedback = cli("feedback", A, "--course", str(course), check=False)
    report = cli("report", A, "--course", str(course), check=False)
    yield {"course": course, "probe": probe, "runs": (run, feedback, report)}
    probe.close()


def _page(course: Path, student: str) -> str:
    return (course / "feedback" / student / A / f"{A}.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_hostile_student_is_graded_and_gets_a_page_and_the_honest_one_is_unchanged(graded):
    run, feedback, report = graded["runs"]
    assert run.returncode == 0 and feedback.returncode == 0 and report.returncode == 0, \
        (run.stdout + run.stderr + feedback.stdout + feedback.stderr)[-3000:]
    got = scores(graded["course"], A)
    assert got["honest"]["total"] == 4.0
    # double(4) raised: its visible point is lost; the hidden check passes; triple's cell raised: 0
    assert got[HOSTILE]["total"] == 2.0 and got[HOSTILE]["double_hidden"] == 2.0
    for student in ("honest", HOSTILE):
        assert (graded["course"] / "feedback" / student / A / f"{A}.html").is_file()


@pytest.mark.slow
def test_no_page_holds_active_content_a_student_wrote(graded):
    course = graded["course"]
    honest, hostile = _page(course, "honest"), _page(course, HOSTILE)
    for page in (honest, hostile):
        assert active_content(page) == [], active_content(page)
        assert "script-src 'nonce-" in csp_first(page)
    # the hostile page has exactly the template's scripts: as many as the honest one's
    assert len(Tags(hostile).named("script")) == len(Tags(honest).named("script"))
    # nothing borrowed the grader's boxes: one summary box, and alert boxes only around the grader's notes
    classes = [a.get("class", "") for a in Tags(hostile).named("div")]
    assert sum("coursework-summary" in c for c in classes) == 1
    notes = [c for c in classes if "alert" in c]
    assert len(notes) == hostile.count("<strong>Grading note:</strong> What this cell printed") >= 1
    text = (course / "feedback" / HOSTILE / A / f"{A}.html").read_text()
    assert "&lt;img src=x onerror=" in text          # the exception message with HTML: shown, as text


@pytest.mark.slow
def test_the_page_never_shows_what_ran_after_the_hidden_inputs_reached_the_kernel(graded):
    from coursework.grading.output.feedback_html import page_text

    course = graded["course"]
    secret = _hidden_input(course, HOSTILE)
    text = page_text(_page(course, HOSTILE))
    assert str(secret) not in text and "KEPT:[" not in text and "late [" not in text
    assert "ran after a hidden check had sent its inputs to your kernel" in text
    assert "cell 'triple' raised ValueError: (message not shown" in text
    # before the hidden check, the student's own output is shown: sanitised HTML, printed text as text
    raw = _page(course, HOSTILE)
    assert "<b>bold</b>" in raw and "<script>window" not in raw and "&lt;script&gt;window.__pwned='print'" in raw
    # the graded notebook itself keeps everything, for the instructor
    graded_nb = (course / "autograded" / HOSTILE / A / f"{A}.ipynb").read_text()
    assert f"KEPT:[4, {secret}]" in graded_nb


@pytest.mark.slow
def test_the_report_escapes_ids_and_carries_a_policy(graded):
    page = (graded["course"] / "reports" / A / "report.html").read_text(encoding="utf-8")
    assert "script-src 'nonce-" in csp_first(page) and active_content(page.replace(
        "<head>", "<head><script nonce='x'></script>", 1)) == []
    assert html.escape(ABSENT) in page and ABSENT not in page
    assert "data:image/png;base64," in page


# -- browser: the probe in Chromium ---------------------------------------------------------

def _browser_missing() -> str | None:
    from coursework.demos.browser import browser_missing

    return browser_missing()


browser = pytest.mark.skipif(_browser_missing() is not None, reason=f"browser tests: {_browser_missing()}")
MATHJAX = Path("/usr/share/javascript/mathjax")   # Debian's libjs-mathjax: the CDN's files, offline


def _shots() -> Path:
    folder = Path(os.environ.get("COURSEWORK_ARTEFACTS", REPO / "tmp")) / "hostile-pages"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _serve_mathjax(route) -> None:
    """MathJax 2.7.7 from cdnjs, answered from Debian's copy (no network in tests)."""
    path = route.request.url.split("/mathjax/2.7.7/", 1)[1].split("?")[0]
    if path == "latest.js":   # what the CDN's latest.js does: load MathJax.js with the same query
        body = ("(function(){var s=document.currentScript,t=document.createElement('script');"
                "t.src=s.src.replace(/latest\\.js/,'MathJax.js');document.head.appendChild(t);})();")
        return route.fulfill(body=body, content_type="application/javascript")
    if path == "config/Safe.js":
        return route.fulfill(body='MathJax.Hub.Config({extensions: ["Safe.js"]});'
                                  'MathJax.Ajax.loadComplete("[MathJax]/config/Safe.js");',
                             content_type="application/javascript")
    file = MATHJAX / path
    if file.is_file():
        return route.fulfill(body=file.read_bytes(),
                             content_type="application/javascript" if path.endswith(".js") else "font/woff")
    return route.fulfill(status=404, body="")


@contextlib.contextmanager
def _chromium():
    from coursework.demos.browser import chromium

    with chromium() as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.coursework_errors = errors
        yield page


def _pwned(page) -> dict:
    return page.evaluate("() => ({pwned: window.__pwned === undefined ? null : String(window.__pwned), "
                         "stored: (() => { try { return localStorage.getItem('pwned') } catch (e) { return null } })()})")


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_chromium_runs_no_student_script_on_the_feedback_page_and_its_math_renders(graded):
    page_path = graded["course"] / "feedback" / HOSTILE / A / f"{A}.html"
    with _chromium() as page:
        if MATHJAX.is_dir():
            page.route("https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/**", _serve_mathjax)
        page.goto(page_path.as_uri())
        page.wait_for_timeout(4000)
        assert _pwned(page) == {"pwned": None, "stored": None}
        if MATHJAX.is_dir():   # the course's own script still runs under the policy
            assert page.locator(".MathJax_CHTML, .mjx-chtml").count() > 0
        page.screenshot(path=str(_shots() / "feedback-hostile.png"), full_page=True)
    assert graded["probe"].hits == []


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_chromium_runs_no_student_script_on_the_report(graded):
    with _chromium() as page:
        page.goto((graded["course"] / "reports" / A / "report.html").as_uri())
        page.wait_for_timeout(1500)
        assert _pwned(page) == {"pwned": None, "stored": None}
        assert page.evaluate("document.querySelector('img').naturalWidth") > 0   # the figure shows
        page.screenshot(path=str(_shots() / "report.png"), full_page=True)
    assert graded["probe"].hits == []


@contextlib.contextmanager
def _instructor_lab(course: Path):
    """JupyterLab with Formgrader, started as ``make lab-instructor`` starts it, on ``course``."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(REPO / "jupyter" / "instructor"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.root_dir=.",
           f"--LabApp.app_settings_dir={REPO / 'jupyter' / 'lab' / 'settings'}"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    log = open(course / "lab-instructor.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(base + "/api", timeout=2).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (course / "lab-instructor.log").read_text()
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
        log.close()


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_formgrader_shows_the_submission_under_a_policy_and_runs_no_student_script(graded):
    from nbgrader.api import Gradebook

    from coursework.grading.output.formgrader_pages import INLINE_HANDLERS

    course = graded["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission_id = gb.find_submission_notebook(A, A, HOSTILE).id
    with _instructor_lab(course) as base:
        url = f"{base}/formgrader/submissions/{submission_id}/"
        answer = urllib.request.urlopen(url, timeout=120)
        header = answer.headers.get("Content-Security-Policy", "")
        body = answer.read().decode("utf-8")
        assert "script-src 'nonce-" in header and "frame-ancestors 'self'" in header
        assert active_content(body, allowed_handlers=INLINE_HANDLERS) == []
        with _chromium() as page:
            page.goto(url)
            page.wait_for_function("() => window.jQuery && window.toggle_name", timeout=60_000)
            page.wait_for_timeout(3000)
            assert _pwned(page) == {"pwned": None, "stored": None}
            page.click("span.glyphicon.name-hidden")           # Formgrader's own inline handler still runs
            assert page.locator("a.name-shown").is_visible()
            assert page.locator("a.name-shown").inner_text().strip() == HOSTILE   # the id, as text
            assert page.locator("input.score").count() >= 3    # its grading form works (API on 'self')
            page.screenshot(path=str(_shots() / "formgrader-hostile.png"), full_page=True)
    assert graded["probe"].hits == []
