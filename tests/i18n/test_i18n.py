"""coursework.i18n: the fingerprint, which language is in force, the message catalog,
the drift and glossary checks (on made-up cells that must fail and pass), and Hangul in
figures. The checks on the real notebooks are in test_i18n_notebooks.py."""

from __future__ import annotations

import re
import string
import warnings

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursework.i18n import fingerprint, language, msg, normal
from coursework.i18n import settings
from coursework.i18n.glossary import glossary_problems, load, prose
from coursework.i18n.messages import CATALOG, student_exception_pattern
from coursework.i18n.notebooks import drift, localize, record_translation, text_in


@pytest.fixture(autouse=True)
def _no_language_settings(monkeypatch, tmp_path):
    """Each test starts with no language chosen: no env var, no course opened, a folder
    without nbgrader_config.py."""
    monkeypatch.delenv(settings.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    settings.use_course_language(None)
    settings._config_file_language.cache_clear()
    yield
    settings.use_course_language(None)


# -- fingerprint ----------------------------------------------------------------------------

def test_fingerprint_is_the_formats_sha256_of_the_normalised_text():
    import hashlib

    text = "\n\n## Title  \nline one\t\nline two\n\n"
    assert normal(text) == "## Title\nline one\nline two"
    assert fingerprint(text) == hashlib.sha256(b"## Title\nline one\nline two").hexdigest()[:16]
    assert fingerprint("## Title\nline one\nline two") == fingerprint(text)
    assert fingerprint("## Title\nline one\nline 2") != fingerprint(text)
    with pytest.raises(TypeError, match="expected a str, got list"):
        fingerprint(["a"])


# -- which language -----------------------------------------------------------------------------

def test_language_defaults_to_english():
    assert language() == "en"


def test_language_from_the_nearest_course_config(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.Coursework.language = "ko"\n')
    deep = tmp_path / "autograded" / "alice" / "01_features"
    deep.mkdir(parents=True)
    import os
    os.chdir(deep)
    assert language() == "ko"


def test_env_var_wins_over_the_course_and_a_typo_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "nbgrader_config.py").write_text('c.Coursework.language = "ko"\n')
    settings.use_course_language("ko")
    monkeypatch.setenv(settings.ENV, "en")
    assert language() == "en"
    monkeypatch.setenv(settings.ENV, "kr")
    with pytest.raises(ValueError, match=r"COURSEWORK_LANG: expected one of en, ko, got 'kr'"):
        language()


def test_a_command_uses_its_course_language(tmp_path):
    from traitlets.config import Config

    config = Config()
    config.Coursework.language = "ko"
    settings.use_course_language(settings.course_language(config))
    assert language() == "ko"
    assert settings.course_language(Config()) == "en"
    config.Coursework.language = "korean"
    with pytest.raises(ValueError, match="expected one of en, ko, got 'korean'"):
        settings.course_language(config)


# -- the catalog ---------------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_has_both_languages_with_the_same_fields(key):
    fields = {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f} for lang, text in CATALOG[key].items()}
    assert set(fields) == {"en", "ko"}, key
    assert fields["en"] == fields["ko"], f"{key}: fields differ {fields}"
    assert re.search("[가-힣]", CATALOG[key]["ko"]), f"{key}: the Korean text has no Hangul"


def test_unknown_message_or_missing_field_is_an_error():
    with pytest.raises(KeyError, match="no message 'nope'"):
        msg("nope")
    with pytest.raises(KeyError, match="needs the field 'what'"):
        msg("not_implemented")


def test_checks_speak_the_course_language_with_the_same_numbers(monkeypatch):
    from grader_tests.harness import assert_close, call

    got = np.array([[0.0, 1.0], [2.0, 3.5]])
    want = np.array([[0.0, 1.0], [2.0, 3.0]])
    said = {}
    for lang in ("en", "ko"):
        monkeypatch.setenv(settings.ENV, lang)
        with pytest.raises(AssertionError) as err:
            assert_close(got, want, "f(x)")
        said[lang] = str(err.value)
        with pytest.raises(AssertionError) as err:
            assert_close(got[0], want, "f(x)")
        said[lang + "-shape"] = str(err.value)
        with pytest.raises(AssertionError) as err:
            call(lambda: (_ for _ in ()).throw(NotImplementedError()), what="g()")
        said[lang + "-todo"] = str(err.value)
    assert said["en"] == ("f(x): 1 of 4 element(s) differ by more than 1e-06; the worst at index (1, 1): "
                          "expected 3, got 3.5")
    assert said["ko"] == ("f(x): 원소 4개 가운데 1개가 1e-06보다 크게 다르다. 가장 크게 다른 곳은 index (1, 1)이고, "
                         "기댓값 3, 실제 값 3.5이다")
    assert said["ko-shape"] == "f(x): shape (2, 2)이어야 하는데 shape (2,)이다"
    assert said["en-shape"] == "f(x): expected shape (2, 2), got shape (2,)"
    assert said["ko-todo"].startswith("g(): 아직 구현하지 않았다")
    for key in ("", "-shape"):   # the same numbers and names in both
        assert re.findall(r"[\d.e()+-]+|f\(x\)", said["en" + key]).count("(1, 1)") == \
            re.findall(r"[\d.e()+-]+|f\(x\)", said["ko" + key]).count("(1, 1)")
        assert sorted(re.findall(r"\d+(?:\.\d+)?", said["en" + key])) == \
            sorted(re.findall(r"\d+(?:\.\d+)?", said["ko" + key]))


def test_grading_reasons_in_korean(monkeypatch):
    from coursework.grading.execute.outcome import CellOutcome

    monkeypatch.setenv(settings.ENV, "ko")
    assert CellOutcome(3, "timeout").describe("image_gradients", 10) == \
        "cell 'image_gradients'에서 10초 제한 시간을 넘겼다"
    monkeypatch.setenv(settings.ENV, "en")
    assert CellOutcome(3, "timeout").describe("image_gradients", 10) == "timed out after 10 s in cell 'image_gradients'"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_hidden_check_redaction_finds_the_students_text_in_either_language(lang):
    text = msg("raised", lang, what="hidden check", ename="ValueError", evalue="x = [1, 2, 3] leaked")
    redacted = student_exception_pattern().sub(lambda m: m.group(1) + " [hidden]", text)
    assert "leaked" not in redacted and redacted.endswith("ValueError [hidden]" if lang == "en" else
                                                          "ValueError 예외를 일으켰다 [hidden]")


def test_feedback_summary_in_korean(monkeypatch):
    from coursework.grading.output.feedback_html import ExplainGrading

    monkeypatch.setenv(settings.ENV, "ko")
    cell = ExplainGrading._summary([{"name": "color_histogram", "score": 2, "points": 6, "reason": None}],
                                   ["The answer cell is missing"])
    assert cell.source.startswith("## 문제별 점수\n\n| 문제 | 점수 | |")
    assert "| `color_histogram` | 2 / 6 | 아래 '고칠 것' 참고 |" in cell.source
    assert cell.source.endswith(msg("fb_explain", "ko"))
    assert "**채점 메모**" in cell.source


def test_what_to_fix_and_the_students_line_in_korean(monkeypatch):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from coursework.grading.output.feedback_html import StudentErrors

    monkeypatch.setenv(settings.ENV, "ko")
    summary = new_markdown_cell("## 문제별 점수", metadata={"coursework": "summary"})
    check = new_code_cell("checks.check_relu(relu_forward, relu_backward)", metadata={
        "nbgrader": {"grade": True, "solution": False, "grade_id": "relu_visible", "points": 1, "score": 0},
        "coursework": {"where": {"cell": "relu", "line": 3, "text": "return y.missing"}}})
    check.outputs = [new_output("error", ename="AssertionError", evalue="relu_forward(x): 예외", traceback=[])]
    nb = nbformat.from_dict(new_notebook(cells=[summary, check]))
    StudentErrors().preprocess(nb, {})
    summary, check = nb.cells
    assert "**고칠 것** (점수를 잃은 check, notebook 순서대로)" in summary.source
    assert "답안 cell `relu`, 3번째 줄: <code>return y.missing</code>" in summary.source  # escaped, never a code span
    assert check.outputs[0].traceback[-1] == "    위치: 답안 cell `relu`, 3번째 줄: `return y.missing`"


# -- drift --------------------------------------------------------------------------------------

def _notebook(korean_first: bool = False):
    nb = new_notebook(cells=[new_markdown_cell("## Colour histograms\nCount each colour."),
                             new_code_cell("x = 1"),
                             new_markdown_cell("Divide by the number of pixels.")])
    nb.cells[0].metadata["nbgrader"] = {"grade_id": "hist_intro", "locked": True}
    record_translation(nb.cells[0], "ko", "## Color histogram\n각 color의 개수를 센다.")
    record_translation(nb.cells[2], "ko", "전체 pixel의 개수로 나눈다.")
    if korean_first:
        nb.cells[2].metadata["coursework"]["i18n"]["en"] = {"translates": fingerprint("전체 pixel의 개수로 나눈다.")}
        del nb.cells[2].metadata["coursework"]["i18n"]["ko"]["translates"]
    return nb


def test_drift_passes_when_every_translation_is_current():
    assert drift(_notebook(), "01_features") == []
    assert drift(_notebook(korean_first=True), "01_features") == []


def test_drift_names_the_notebook_and_the_cell_whose_english_changed():
    nb = _notebook()
    nb.cells[0].source += "\nThen normalise."
    found = drift(nb, "01_features")
    assert len(found) == 1 and found[0].index == 0
    assert str(found[0]).startswith("01_features: cell 0 ('hist_intro', '## Colour histograms'): the English "
                                    "changed since the ko text was written")


def test_drift_of_a_cell_written_in_korean_first_when_the_korean_changed():
    nb = _notebook(korean_first=True)
    nb.cells[2].source = "Divide by the pixel count."   # the English may change: it is the translation
    assert drift(nb, "nb") == []
    nb.cells[2].metadata["coursework"]["i18n"]["ko"]["source"] = "전체 pixel 수로 나눈다."
    found = drift(nb, "nb")
    assert len(found) == 1 and found[0].index == 2 and "written in ko first" in found[0].why


def test_drift_flags_a_missing_translation():
    nb = _notebook()
    del nb.cells[2].metadata["coursework"]
    assert [d.index for d in drift(nb, "nb")] == [2]
    with pytest.raises(ValueError, match=r"no ko text for 1 markdown cell\(s\): cell 2"):
        localize(nb, "ko")


def test_localize_swaps_markdown_only():
    nb = _notebook()
    ko = localize(nb, "ko")
    assert ko.cells[0].source == text_in(nb.cells[0], "ko") and ko.cells[1] == nb.cells[1]
    assert ko.cells[0].metadata == {"nbgrader": {"grade_id": "hist_intro", "locked": True}}
    assert ko.metadata["coursework"]["language"] == "ko"
    assert localize(nb, "en").cells[0].source == nb.cells[0].source


# -- glossary -----------------------------------------------------------------------------------

def test_glossary_rows_are_complete_and_forms_do_not_contradict():
    terms = load()
    assert 40 <= len(terms) <= 100
    allowed = {f.lower() for t in terms for f in t.allowed}
    for t in terms:
        assert t.where, t.concept
        assert not {f.lower() for f in t.other} & allowed, f"{t.concept}: a flagged form is also accepted"
    assert {t.lecture_form for t in terms} >= {"뉴런", "기울기", "gradient", "backpropagation", "overfitting",
                                              "epoch", "batch", "iteration", "regularization", "semantic gap",
                                              "feature vector", "activation function"}


def test_lecture_forms_are_in_the_lecture_note():
    from pathlib import Path

    note = Path(__file__).resolve().parents[3] / "shared" / "lecture" / "lecture3-neural-networks-part1.ko.txt"
    if not note.exists():
        note = Path("/work/shared/lecture/lecture3-neural-networks-part1.ko.txt")
    if not note.exists():
        pytest.skip("the lecture note (shared/lecture) is not beside this checkout")
    def flat(s: str) -> str:   # "forward-pass", "nodes_topologically_sorted" are the note's spellings
        return " ".join(re.sub(r"[-_]", " ", s).split()).lower()

    text = flat(note.read_text(encoding="utf-8"))
    missing = [t.lecture_form for t in load() if "course term" not in t.where and flat(t.lecture_form) not in text]
    assert not missing, f"lecture forms not found in the note: {missing}"


def test_glossary_flags_a_form_the_lecture_does_not_use():
    problems = glossary_problems(["이 model은 과적합되었다."])
    assert [(p.form, p.lecture_form) for p in problems] == [("과적합", "overfitting")]
    assert "cell 0: '과적합' (overfitting): the lecture writes 'overfitting'" in str(problems[0])


def test_glossary_allows_the_other_form_in_parentheses_at_the_first_mention_only():
    assert glossary_problems(["overfitting(과적합)이 일어난다.", "overfitting을 막는다."]) == []
    assert glossary_problems(["activation function(활성화 함수)을 쓴다."]) == []
    late = glossary_problems(["overfitting이 일어난다.", "overfitting(과적합)을 막는다."])
    assert [(p.form, p.cell) for p in late] == [("과적합", 1)]
    reversed_ = glossary_problems(["과적합(overfitting)이 일어난다."])
    assert [p.form for p in reversed_] == ["과적합"]


def test_glossary_reads_prose_only_and_accepts_every_lecture_form():
    text = "`loss = 손실(x)` 그리고 $\\text{손실}$\n```python\n# 손실 함수\n```\n"
    assert prose(text).strip() == "그리고"
    assert glossary_problems([text]) == []
    ok = ("gradient descent(경사 하강법)로 model parameters를 update한다. 뉴런과 node, 기울기, 학습, 정확도, "
          "backpropagation, chain rule, upstream gradient, regularization, epoch, batch, iteration.")
    assert glossary_problems([ok]) == []
    assert [p.form for p in glossary_problems(["기울기 소실 문제"])] == ["기울기 소실"]


# -- Hangul in figures --------------------------------------------------------------------------

def test_korean_labels_render_with_every_glyph():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coursework.i18n.fonts import font_path, missing_glyphs, use_hangul_font

    label = "학습 곡선: epoch별 loss와 정확도"
    assert missing_glyphs(label, font_path()) == []
    dejavu = matplotlib.font_manager.findfont("DejaVu Sans")
    assert missing_glyphs("학습", dejavu) == ["습", "학"]          # the check can fail: DejaVu has no Hangul
    use_hangul_font()
    fig, ax = plt.subplots()
    try:
        ax.set_title(label)
        ax.set_xlabel("반복 (iteration)")
        ax.plot([0, 1], [1, 0])
        with warnings.catch_warnings():
            warnings.simplefilter("error")                     # "Glyph ... missing from font(s)" fails the test
            fig.canvas.draw()
    finally:
        plt.close(fig)


# -- figure text ---------------------------------------------------------------------------------

def test_figure_text_in_korean_keeps_numbers_and_passes_the_glossary(monkeypatch):
    from coursework.i18n.figures import FIGURE_PATTERNS, FIGURE_TEXT, tr

    assert tr("iteration (28 per epoch)", "ko") == "iteration (epoch당 28)"
    assert tr("ReLU: training accuracy 97%", "ko") == "ReLU: training 정확도 97%"
    assert tr("no dropout: validation", "ko") == "dropout 없음: validation 정확도"   # the label translated too
    assert tr("how far from zero-centred", "ko") == "출력의 중심이 원점에서 얼마나 먼가"
    assert tr("a video of shape (4, 8, 8, 3): T x H x W x C", "ko") == "shape (4, 8, 8, 3)의 video: T x H x W x C"
    assert tr("cat", "ko") == "고양이" and tr("my own label", "ko") == "my own label"
    assert tr("photo", "en") == "photo" and tr(None, "ko") is None
    monkeypatch.setenv(settings.ENV, "ko")
    assert tr("photo") == "사진"
    texts = list(FIGURE_TEXT.values()) + [ko for _, ko in FIGURE_PATTERNS] + [v["ko"] for v in CATALOG.values()]
    assert glossary_problems(texts) == []
    assert glossary_problems(texts + ["손실 곡선"]) != []


def test_the_notebooks_figures_come_in_korean_with_every_glyph(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coursework.plotting import plot_random_search, plot_values

    monkeypatch.setenv(settings.ENV, "ko")
    fig = plot_random_search(np.linspace(3.0, 1.0, 50), title="1,000 random linear classifiers (digits)")
    ax = fig.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == \
        ("random linear classifier 1,000개 (digits)", "시도", "training data의 loss")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["시도별 loss", "지금까지 최저"]
    fig2 = plot_values({"ReLU": 0.5, "tanh": 0.25}, ylabel="fraction of hidden units", title="my own title")
    assert fig2.axes[0].get_ylabel() == "hidden unit 비율" and fig2.axes[0].get_title() == "my own title"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.canvas.draw()
            fig2.canvas.draw()
    finally:
        plt.close(fig)
        plt.close(fig2)
    monkeypatch.setenv(settings.ENV, "en")
    fig = plot_random_search(np.linspace(3.0, 1.0, 50))
    assert fig.axes[0].get_xlabel() == "try"
    plt.close(fig)


def test_a_fresh_kernel_draws_korean_figures_with_every_glyph(tmp_path):
    """In a new process (no font registered yet), the first Korean figure has all its glyphs:
    the font must be registered before the Axes (and its title) exist."""
    import os
    import subprocess
    import sys

    code = ("import warnings, matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
            "from coursework.plotting import plot_function_and_derivative\nimport numpy as np\n"
            "warnings.simplefilter('error')\nfig, ax = plt.subplots()\nx = np.linspace(-1, 1, 5)\n"
            "plot_function_and_derivative(x, x, np.ones_like(x), 'your sigmoid: flat, and with a tiny gradient, "
            "for large |x|', ax=ax)\nassert ax.get_title().startswith('작성한 sigmoid'), ax.get_title()\n"
            "fig.canvas.draw()\nprint('drawn')\n")
    env = dict(os.environ, COURSEWORK_LANG="ko", MPLCONFIGDIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "drawn", proc.stderr[-2000:]
