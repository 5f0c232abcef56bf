"""The similarity report in headless Chromium: it renders offline, runs no script, and
shows a flagged pair's two answers side by side with the matched lines marked.

A screenshot goes to ``tmp/similarity-screenshots/`` (or ``$COURSEWORK_ARTEFACTS/...``).
Needs Debian's ``chromium`` and Playwright (as the demos' browser tests); skips saying why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import similarity_corpus as corpus
from coursework.demos import browser as B
from coursework.grading.course import open_course
from coursework.integrity.run import similarity

MISSING = B.browser_missing()
pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(MISSING is not None, reason=f"browser tests: {MISSING}")]


def test_a_flagged_pair_side_by_side_in_a_browser(tmp_path):
    root = corpus.build_course(tmp_path, ("04_backprop",))
    page_path = similarity(open_course(root), ["04_backprop"]).pages["04_backprop"]
    shots = Path(os.environ.get("COURSEWORK_ARTEFACTS", Path(__file__).resolve().parents[2] / "tmp"))
    shots = shots / "similarity-screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with B.chromium(width=1500, height=1100) as page:
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:")) else problems.append(r.url))
        page.goto(page_path.as_uri())
        assert page.evaluate("document.scripts.length") == 0
        assert page.locator("table tr").count() == 1 + 25
        page.click("a[href='#pair-18']")
        pair = page.locator("#pair-18")
        side = pair.locator("div.side").first
        left, right = side.locator("pre").nth(0).bounding_box(), side.locator("pre").nth(1).bounding_box()
        assert abs(left["y"] - right["y"]) < 2 and right["x"] > left["x"] + left["width"], (left, right)
        assert side.locator("span.m").count() >= 2
        marked = side.locator("span.m").first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert marked not in ("rgba(0, 0, 0, 0)", "transparent")      # the stylesheet applied under the CSP
        page.screenshot(path=str(shots / "04_backprop-pair-18.png"))
    assert problems == [], problems
