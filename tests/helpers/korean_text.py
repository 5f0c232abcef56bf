"""Latin-only sentences in Korean text: what a Korean student would still read in English.

A Korean text may hold English where the course writes it so: code (spans, blocks,
identifiers such as ``leaky_relu`` or ``w0``), formulas, symbols and single letters,
numbers, and the lecture's English terms (``coursework/i18n/glossary.csv``: a concept the
note writes in English, in any form the note uses; not the English of a concept it writes
in Korean, such as "accuracy" for 정확도). :func:`latin_only` returns every sentence that has no Hangul and
still holds an English word outside those: a sentence the translation missed.

:data:`COURSE_TERMS` lists the few technical terms the glossary does not hold (yet) that
the course writes in English, by the glossary's rule for course terms (technical terms
stay English); :data:`CODE_WORDS` the code names that appear in figures without
backquotes (a graph node's ``data`` and ``grad``, an operation's name); a name written as
a call (``reshape(N, C, H, W)``) is code too.
"""

from __future__ import annotations

import re

from coursework.i18n.glossary import load, prose

__all__ = ["latin_only", "COURSE_TERMS", "CODE_WORDS"]

COURSE_TERMS = ("momentum", "penalty", "patience", "early stopping", "MLP", "GD", "SVM", "digits", "He",
                "shape", "video")     # shape는, video의 batch: the notebooks' Korean writes both in English
CODE_WORDS = ("data", "grad", "exp", "max", "mul", "add", "copy", "uint8", "dout", "randn", "out")

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_TOKEN = re.compile(r"[A-Za-z0-9_'’]+(?:-[A-Za-z0-9_'’]+)*")
_FIELD = re.compile(r"\{[a-z_]*\}")            # a catalog entry's unfilled {field}
_MATHTEXT = re.compile(r"\$[^$\n]*\$")
_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\(")      # reshape(, np.sum(: code written as a call
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _terms() -> list[re.Pattern]:
    # a term the lecture writes in English, in any form the note uses (not "accuracy": the lecture writes 정확도)
    forms = {f for term in load() if term.lecture_form.isascii() for f in term.allowed}
    forms |= set(COURSE_TERMS) | set(CODE_WORDS)
    ascii_forms = sorted((f for f in forms if f.isascii()), key=len, reverse=True)
    return [re.compile(rf"(?<![A-Za-z0-9_]){re.escape(f)}(?![A-Za-z0-9_])", re.I) for f in ascii_forms]


_TERMS = _terms()


def _english_word(token: str) -> bool:
    """A token of two letters or more with no digit or underscore (``w0``, ``y_pred``, ``x``, ``f'`` are
    code), and not a product of symbols (``cW``, ``dX``)."""
    bare = token.replace("'", "").replace("’", "")
    return (not re.search(r"[0-9_]", bare) and not re.search(r"[a-z][A-Z]", bare)
            and sum(c.isalpha() for c in bare) >= 2)


def latin_only(text: str) -> list[str]:
    """The sentences of ``text`` with no Hangul and an English word that is not code, a symbol or a term."""
    found = []
    text = text.replace("\xa0", " ")   # a page's option labels keep their spaces as no-break spaces
    cleaned = _CALL.sub("(", _MATHTEXT.sub(" ", _FIELD.sub(" ", prose(text))))
    for sentence in _SENTENCE.split(cleaned):
        if not sentence.strip() or _HANGUL.search(sentence):
            continue
        rest = sentence
        for pattern in _TERMS:
            rest = pattern.sub(" ", rest)
        if any(_english_word(token) for token in _TOKEN.findall(rest)):
            found.append(" ".join(sentence.split()))
    return found


# -- the figures a notebook shows ---------------------------------------------------------------
#: A first code cell for a notebook run by a test: records the texts of every figure the
#: notebook shows (after it is drawn, so tick labels are current) in ``_figure_texts``.
FIGURE_CAPTURE = '''\
import matplotlib.backend_bases as _cw_backend_bases
from matplotlib.text import Text as _cw_Text
_figure_texts = []
_cw_print_figure = _cw_backend_bases.FigureCanvasBase.print_figure
def _cw_capture(self, *args, **kwargs):
    out = _cw_print_figure(self, *args, **kwargs)
    _figure_texts.extend(t.get_text() for t in self.figure.findobj(_cw_Text)
                         if t.get_visible() and t.get_text().strip())
    return out
_cw_backend_bases.FigureCanvasBase.print_figure = _cw_capture
'''
#: A last code cell: writes what :data:`FIGURE_CAPTURE` recorded to ``figure_texts.json``.
FIGURE_DUMP = 'import json as _cw_json; open("figure_texts.json", "w").write(_cw_json.dumps(_figure_texts))'
