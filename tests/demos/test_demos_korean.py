"""The lecture demos in Korean and sized for a lecture hall (no browser here).

Every demo is built with the course in Korean: its controls' labels and options, its
buttons, the line under them and every text of its figure must be Korean (no sentence
without Hangul but for code, symbols and the lecture's terms), use the lecture's terms,
and draw every glyph. Every figure, in either language, is the page's width and its
smallest text is at least ``MIN_TEXT_PX`` CSS pixels where a 1280-px window shows it
(at ``PAGE_WIDTH_AT_1280``, the page's width that ``tests/demos/test_demos_browser.py`` measures).
"""

from __future__ import annotations

import re
import string
import warnings

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import pytest  # noqa: E402

from coursework.demos import TOPICS, TrainingDemo, demo_classes  # noqa: E402
from coursework.demos._base import FIGURE_WIDTH_PX, MIN_TEXT_PX, PAGE_WIDTH_AT_1280, figure_texts  # noqa: E402
from coursework.i18n import settings  # noqa: E402
from coursework.i18n.demos import DEMO_TEXT, say  # noqa: E402
from coursework.i18n.glossary import glossary_problems  # noqa: E402
from helpers.demo_controls import other_value  # noqa: E402
from helpers.korean_text import latin_only  # noqa: E402

ALL = [cls for topic in TOPICS for cls in demo_classes(topic)]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", list(DEMO_TEXT))
def test_every_demo_text_has_both_languages_with_the_same_fields(key):
    entry = DEMO_TEXT[key]
    assert set(entry) == {"en", "ko"} and entry["ko"].strip()
    assert fields(entry["en"]) == fields(entry["ko"]), key


def test_the_demo_catalog_is_korean_and_uses_the_lectures_terms():
    korean = [re.sub(r"\{[a-z_]*\}", "", entry["ko"]) for entry in DEMO_TEXT.values()]   # without {fields}
    assert [t for t in korean if latin_only(t)] == []
    assert glossary_problems(korean) == []
    # the checks can fail: an English sentence, a term the lecture does not use
    assert latin_only("epoch {epoch}: accuracy {accuracy}") == ["epoch : accuracy"]
    assert latin_only("epoch {epoch}: 정확도 {accuracy}") == []
    assert [p.form for p in glossary_problems(korean + ["학습률을 줄인다"])] == ["학습률"]
    with pytest.raises(KeyError, match="no message 'nope' in the catalog coursework.i18n.demos"):
        say("nope")
    with pytest.raises(KeyError, match="needs the field 'epoch'"):
        say("progress", "ko", epochs=3, state="x")


def shown_texts(demo) -> list[str]:
    """What a demo shows in words: control labels and options, buttons, the info line, the figure."""
    words = []
    for control in demo.widget.children[1].children:
        words.append(control.description)
        if isinstance(control, (widgets.Dropdown, widgets.SelectMultiple)):
            words += [str(label) for label in control._options_labels]
    words.append(re.sub(r"<[^>]+>", " ", demo.info.value))
    words += [t.get_text() for t in figure_texts(demo.figure)]
    return [w for w in words if w.strip()]


@pytest.fixture(scope="module")
def korean_demos():
    """Every demo built and moved once with the course in Korean: {class name: [texts]}."""
    mp = pytest.MonkeyPatch()
    mp.setenv(settings.ENV, "ko")
    shown = {}
    try:
        for cls in ALL:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # "Glyph ... missing from font(s)" fails
                demo = cls()
                if isinstance(demo, TrainingDemo):
                    demo.advance()
                texts = shown_texts(demo)
                for control in demo.controls.values():  # each control once: other titles, other captions
                    control.value = other_value(control)
                    texts += shown_texts(demo)
            assert demo.error.value == "", (cls.__name__, demo.error.value)
            shown[cls.__name__] = texts
    finally:
        mp.undo()
    return shown


@pytest.mark.parametrize("cls", ALL, ids=[c.__name__ for c in ALL])
def test_a_korean_demo_shows_no_english_sentence(korean_demos, cls):
    texts = korean_demos[cls.__name__]
    assert any(re.search("[가-힣]", t) for t in texts), texts
    assert sorted({s for t in texts for s in latin_only(t)}) == []
    assert glossary_problems(texts) == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_figure_fills_the_page_and_its_text_is_readable_at_1280(lang, monkeypatch):
    monkeypatch.setenv(settings.ENV, lang)
    for cls in ALL:
        demo = cls()
        for control in [None, *demo.controls.values()]:
            if control is not None:
                control.value = other_value(control)
            assert demo.png_width() == FIGURE_WIDTH_PX and demo.image.layout.width == "100%", cls.__name__
            shown = demo.smallest_text_px() * PAGE_WIDTH_AT_1280 / demo.png_width()
            assert shown >= MIN_TEXT_PX, f"{cls.__name__} ({lang}): text of {shown:.1f} px at 1280 px"


def test_the_demos_korean_follows_the_style_guide_checker(korean_demos):
    """The style guide's checker (coursework.i18n.style, from the i20-nb branch): until that
    branch is merged this test skips, saying so; with it, every Korean text of the demos (the
    catalog and what the demos show) and of the lecture notebooks must pass."""
    style = pytest.importorskip("coursework.i18n.style", reason="coursework.i18n.style (branch i20-nb) not merged")
    import nbformat

    from coursework.demos.lectures import find_lecture
    from coursework.i18n.notebooks import text_in

    texts = [entry["ko"] for entry in DEMO_TEXT.values()] + [t for shown in korean_demos.values() for t in shown]
    for topic in TOPICS:
        nb = nbformat.read(find_lecture(topic), as_version=4)
        texts += [text_in(c, "ko") for c in nb.cells if c.cell_type == "markdown"]
    found = sorted({str(p) for t in texts for p in style.korean_problems(t)})
    assert found == []
