"""Every regular expression and parser that the grader applies to text a student controls,
fed 2 MB of input built to make it backtrack, under a time bound.

The bound is generous and relative to the machine's load: ``max(2 s, 25 x`` the time of a
plain linear pass over the same 2 MB in Python``)``; a quadratic or exponential pattern
takes hours on these inputs (the old ``[ \\t]+$`` of ``same_source``: 17 s for 40,000
spaces; the old path pattern of the feedback page doubled its time per ``a/``). All cases
run in one child process with a hard timeout, so a regression fails instead of hanging;
the child reports each case as it finishes, and a timeout names the case that hung.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MB2 = 2 * 2**20
HERE = Path(__file__).resolve().parent


def _cases() -> dict:
    """name -> (function, adversarial input of about 2 MB)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from coursework.grading.release import collect
    from coursework.grading import exercises
    from coursework.grading.output import feedback
    from coursework.grading.output import feedback_html
    from coursework.grading.output import safe_html
    from coursework.grading.output.after_hidden import AfterHiddenInputs
    from coursework.grading.output.safe_export import SafeHTMLExporter
    from coursework.i18n.messages import student_exception_pattern

    n = MB2
    pattern = student_exception_pattern()
    errors = feedback_html.StudentErrors(hide_paths=["/srv/course"])
    exploding = collect.compile_pattern(r"(?P<student>(a+)+)b")   # exponential on Python's re

    def export(cells):
        nb = new_notebook()
        nb.cells = cells
        SafeHTMLExporter().from_notebook_node(nbformat.from_dict(nb))

    def clear(text):
        cell = new_code_cell(text, metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "c",
                                                           "points": 1}})
        feedback.ClearHiddenRegions().preprocess_cell(cell, {}, 0)

    stream = new_code_cell("x", outputs=[new_output("stream", name="stdout", text="\x1b[31m" * (n // 5))])
    return {
        "same_source: spaces, then not a line end": (lambda s: exercises.same_source(s, "x"), "x" + " " * n + "y"),
        "same_source: trailing spaces": (lambda s: exercises.same_source(s, "x"), "x" + " " * n),
        "same_source: lines of spaces": (lambda s: exercises.same_source(s, s + "\n"), ("a" + " " * 1000 + "\n") * (n // 1002)),
        "site paths: a/a/a/... ": (feedback_html.scrub_site_paths, "/" + "a/" * (n // 2) + " "),
        "site paths: repeated site-packages": (feedback_html.scrub_site_paths, "/x" + "/site-packages" * (n // 14)),
        "scrub: paths and folders": (errors.scrub, ("/srv/course/" + "b/" * 50 + " ") * (n // 113)),
        "ANSI codes without an end": (lambda s: feedback_html._ANSI.sub("", s), "\x1b[" + "1;" * (n // 2)),
        "ANSI starts": (lambda s: feedback_html._ANSI.sub("", s), "\x1b[" * (n // 2)),
        "traceback frames": (feedback_html.student_frames, ["Cell In[" + "1" * n, " " * n + "x"]),
        "student message: long name": (lambda s: pattern.sub("", s), "your function raised " + "a" * n),
        "student message: many heads": (lambda s: pattern.sub("", s), "your function raised A." * (n // 23)),
        "student message: Korean": (lambda s: pattern.sub("", s), "작성한 함수가 " + "A" * n),
        "check message after hidden inputs": (AfterHiddenInputs._check_message, "your function raised " + "a" * n),
        "page text: '<' without '>'": (feedback_html.page_text, "<" * n),
        "page text: unclosed scripts": (feedback_html.page_text, "<script>" * (n // 8)),
        "page text: one long tag": (feedback_html.page_text, "<a" + " x" * (n // 2)),
        "tidy page: unclosed table of contents": (feedback_html.tidy_page, '<head></head><div id="toc">' + "x" * n),
        "escape_md": (safe_html.escape_md, "*_[<&`|" * (n // 7)),
        "sanitiser: '<'": (safe_html.clean, "<" * n),
        "sanitiser: nested tags": (safe_html.clean, "<b><i>" * (n // 6)),
        "sanitiser: one tag, many attributes": (safe_html.clean, "<a " + "x=1 " * (n // 4) + ">"),
        "clear hidden regions: markers": (clear, "### BEGIN HIDDEN TESTS\n" * (n // 23)),
        "collect --pattern (RE2)": (lambda s: exploding.search(s), "a" * n),
        "page: a code cell of dots": (export, [new_code_cell("." * n)]),
        "page: markdown, one line of spaces": (export, [new_markdown_cell("a" + " " * n + "b")]),
        "page: markdown emphasis": (export, [new_markdown_cell("*a" * (n // 2))]),
        "page: many small markdown cells": (export, [new_markdown_cell("*a" * 1000) for _ in range(n // 2000)]),
        "page: an ANSI-coloured stream": (export, [stream]),
    }


def _baseline(n: int = MB2) -> float:
    text = "ab " * (n // 3)
    start = time.perf_counter()
    sum(1 for ch in text if ch == " ")
    return time.perf_counter() - start


def run_all() -> None:
    """In the child: each case once small (imports, caches), then timed; one JSON line each."""
    cases = _cases()
    for name, (func, value) in cases.items():
        small = value[:1000] if isinstance(value, (str, list)) else value
        func(small)
        base = _baseline()
        start = time.perf_counter()
        func(value)
        took = time.perf_counter() - start
        print(json.dumps({"case": name, "seconds": took, "baseline": base}), flush=True)


def test_every_parser_of_student_text_is_linear_on_2_mb():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-c", "import test_linear_time as t; t.run_all()"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        done = [json.loads(line)["case"] for line in out.splitlines() if line.startswith("{")]
        pending = [c for c in _case_names() if c not in done]
        pytest.fail(f"timed out (600 s) in case {pending[0] if pending else '?'}; done: {done}")
    assert proc.returncode == 0, err[-3000:]
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [r["case"] for r in results] == _case_names()
    slow = [f"{r['case']}: {r['seconds']:.2f} s (bound {max(2.0, 25 * r['baseline']):.2f} s)" for r in results
            if r["seconds"] > max(2.0, 25 * r["baseline"])]
    assert not slow, "\n".join(slow)


def _case_names() -> list[str]:
    return list(_cases())
