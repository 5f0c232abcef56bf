"""The lecture demos in a real browser: JupyterLab and Voilà from the venv, headless Chromium.

For every topic, in each server: open the lecture notebook, move one control of every
demo, and assert that the figure's picture changed (its pixels, not only its URL) and
that no error output appeared; a screenshot of each demo goes to
``tmp/demo-screenshots/`` (or ``$COURSEWORK_ARTEFACTS/demo-screenshots``). A training
demo is also stopped with its Stop button and must stay stopped.

In Korean, as a lecturer projects it (``coursework present TOPIC --lang ko`` in a 1280x720
window): every figure is the page's width, its smallest text (its font size at the
figure's dpi, times the ratio of the shown to the PNG's width), the controls' labels and
the page's paragraphs are at least ``MIN_TEXT_PX`` CSS pixels, and the page's words (markdown, labels, options,
buttons) hold no English sentence; screenshots at 1280x720 and 1400 px wide.

Needs Debian's ``chromium`` (``.ci/run`` installs it) and Playwright for Python (a dev
dependency); without them every test here skips with the reason.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from coursework.demos import TOPICS, TrainingDemo, demo_classes
from coursework.demos import browser as B
from coursework.demos._base import FIGURE_WIDTH_PX, MIN_TEXT_PX, PAGE_WIDTH_AT_1280

REPO = Path(__file__).resolve().parents[2]
MISSING = B.browser_missing()
pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(MISSING is not None, reason=f"browser tests: {MISSING}")]


@pytest.fixture(scope="module")
def page():
    with B.chromium() as page:
        yield page


@pytest.fixture(scope="module", params=["voila", "lab"])
def served(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("server")
    lectures = folder / "lectures"  # a copy: JupyterLab saves what it runs
    shutil.copytree(REPO / "lectures", lectures)
    with B.server(request.param, lectures, log=folder / f"{request.param}.log") as base:
        yield request.param, base


def _errors(page) -> list[str]:
    return B.page_errors(page)


@pytest.mark.parametrize("topic", list(TOPICS))
def test_every_demo_redraws_when_a_control_moves(served, page, topic):
    kind, base = served
    classes = demo_classes(topic)
    (B.open_voila if kind == "voila" else B.open_lab)(page, base, topic, len(classes))
    assert _errors(page) == []
    demos = page.locator(".coursework-demo")
    assert demos.count() == len(classes)
    out = B.artefact_dir()
    for i, cls in enumerate(classes):
        demo = demos.nth(i)
        figure = demo.locator("img.coursework-demo-figure")
        before_src, before_png = B.figure_state(demo), figure.screenshot()
        moved = B.move_control(page, demo)
        B.wait_for_new_figure(page, i, before_src)
        if issubclass(cls, TrainingDemo):  # a new setting restarts training: let it draw a few epochs
            page.wait_for_function("e => /epoch ([3-9]|[1-9][0-9]+) \\//.test(e.innerText)",
                                   arg=demo.locator(".coursework-demo-info").element_handle(), timeout=120_000)
            demo.locator(".coursework-demo-stop").click()
            page.wait_for_function("e => !e.innerText.includes('training')",
                                   arg=demo.locator(".coursework-demo-info").element_handle(), timeout=30_000)
        after_png = figure.screenshot()
        demo.screenshot(path=str(out / f"{kind}-{topic}-{i}-{cls.__name__}.png"))
        assert after_png != before_png, f"{kind} {topic} {cls.__name__}: {moved} left the picture unchanged"
        assert _errors(page) == [], f"{kind} {topic} {cls.__name__}: error output after {moved}"


def test_a_training_demo_trains_on_and_its_stop_button_stops_it(served, page):
    kind, base = served
    (B.open_voila if kind == "voila" else B.open_lab)(page, base, "03_activations", 2)
    demo = page.locator(".coursework-demo").nth(1)
    info = demo.locator(".coursework-demo-info")
    demo.locator(".coursework-demo-train").click()
    page.wait_for_function("e => /epoch ([1-9][0-9]*) \\//.test(e.innerText)", arg=info.element_handle(),
                           timeout=60_000)  # it trains while the page stays live
    demo.locator(".coursework-demo-stop").click()
    page.wait_for_function("e => e.innerText.includes('stopped')", arg=info.element_handle(), timeout=30_000)
    stopped = info.inner_text()
    time.sleep(2.0)  # had Stop not worked, a few more chunks would land meanwhile
    assert info.inner_text() == stopped
    epoch = int(stopped.split()[1])
    assert 0 < epoch < 100
    assert _errors(page) == []


# -- in Korean, in a lecture hall -------------------------------------------------------------------

WORDS = (".jp-RenderedMarkdown, .coursework-demo .widget-label, .coursework-demo option, .coursework-demo button, "
         ".coursework-demo-info")
PAGE_WORDS = """() => [...document.querySelectorAll('""" + WORDS + """')].map(e => {
        const c = e.cloneNode(true);
        c.querySelectorAll('code, pre').forEach(x => x.remove());   // code is the same in every language
        return c.textContent;
    })"""


@pytest.fixture(scope="module")
def korean_voila(tmp_path_factory):
    folder = tmp_path_factory.mktemp("korean")
    root = B.lecture_folder(folder / "lectures", "ko")
    with B.server("voila", root, log=folder / "voila.log", lang="ko") as base:
        yield base


@pytest.mark.parametrize("topic", list(TOPICS))
def test_a_korean_lecture_page_reads_from_the_back_of_the_hall(korean_voila, page, topic, monkeypatch):
    from helpers.korean_text import latin_only

    monkeypatch.setenv("COURSEWORK_LANG", "ko")
    classes = demo_classes(topic)
    smallest = [cls().smallest_text_px() for cls in classes]   # the same figures, drawn here: PNG pixels
    out = B.artefact_dir()
    page.set_viewport_size({"width": 1280, "height": 720})
    try:
        B.open_voila(page, korean_voila, topic, len(classes))
        assert B.page_errors(page) == []
        for cls, text_px, layout in zip(classes, smallest, B.demo_layout(page)):
            assert layout["natural"] == FIGURE_WIDTH_PX and layout["box"] >= PAGE_WIDTH_AT_1280, layout
            assert layout["shown"] >= 0.99 * layout["box"], f"{cls.__name__}: the figure is not the page's width"
            shown_px = text_px * layout["shown"] / layout["natural"]
            assert shown_px >= MIN_TEXT_PX, f"{cls.__name__}: figure text of {shown_px:.1f} px at 1280x720"
            assert layout["label_px"] >= MIN_TEXT_PX, f"{cls.__name__}: control labels of {layout['label_px']} px"
            assert layout["prose_px"] >= MIN_TEXT_PX, f"{topic}: the page's text is {layout['prose_px']} px"
        words = [w for w in page.evaluate(PAGE_WORDS) if w.strip()]
        assert len(words) > len(classes) and sorted({s for w in words for s in latin_only(w)}) == []
        page.screenshot(path=str(out / f"voila-ko-{topic}-1280x720.png"))
        page.set_viewport_size({"width": 1400, "height": 900})
        page.wait_for_timeout(300)
        assert all(d["shown"] >= 0.99 * d["box"] > PAGE_WIDTH_AT_1280 for d in B.demo_layout(page))
        page.screenshot(path=str(out / f"voila-ko-{topic}-1400.png"), full_page=True)
    finally:
        page.set_viewport_size({"width": 1300, "height": 1000})
