"""Particles after English words, code spans, numbers and Greek letters: ``particle_problems(text)``.

A Korean particle follows the *sound* of the word before it (docs/korean-style.md, section 5):
after a final consonant 은/을/이/과/으로 and the copula 이다 (이고, 이며, 이라고 ...), after a
vowel 는/를/가/와/로 and 다 (고, 며, 라고 ...); after ㄹ, 로. So the particle after ``shape``
(셰이프) is 는/를/가, after epoch (에폭) 은/을/이, after ``ε`` (엡실론) 은, after 3 (삼) 으로.

How a word is read comes from

- the glossary (``glossary.csv``, column ``reading``: the lecture form's Korean reading, word by word),
- ``readings.csv`` beside this module (one English word per row; ``a|b`` where people read it
  both ways, ``?`` where the rule cannot decide: no particle after it is flagged),
- and rules for what has no entry: Sino-Korean numbers (3 삼, 10 십, 0.5 영점오), letter names
  for single letters and all-capital abbreviations (``x`` 엑스, ``SGD`` 에스지디), the names of
  Greek letters, and a name with digits at its end read either way (``W1``: 더블유 원 / 일).

What is read, in a text: inline code spans (a span that ends with a call is read by the
called name, ``color_histogram(image, bins=8)``; any other span by its last name or number),
inline LaTeX (its last symbol), and English words, numbers and Greek letters of the prose.
Emphasis markers and closing quotes between the word and the particle are skipped. After a
parenthesis the particle agrees with the word before it, as Korean orthography has it
(``magnitude(크기)를``, ``stack(Python list)을``, ``하나(rank 3)다``), except after function
notation, a single letter with an argument that is not a number (``R(W)는``: 알 더블유),
read as written (``λ(0.1)는`` is λ with its value: 람다).
Code blocks, display math and link targets are not read. A word whose reading is unknown is
skipped, never guessed.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Finding", "finals_of", "particle_problems", "reading_of", "READINGS"]

READINGS = Path(__file__).with_name("readings.csv")
GLOSSARY = Path(__file__).with_name("glossary.csv")

V, L, C = "V", "L", "C"          # the final sound: a vowel, ㄹ, another consonant


@dataclass(frozen=True)
class Finding:
    """One place where a Korean text breaks a rule of the style guide."""

    rule: str          # "particle", "dash", "yeoreobun", "colon", "term", ...
    found: str         # the text found
    why: str           # what the guide wants instead
    context: str       # the words around it
    at: int = 0        # its offset in the text

    def __str__(self) -> str:
        return f"{self.rule}: {self.found!r}: {self.why} -- in {self.context!r}"


# -- reading a word -------------------------------------------------------------------------------

def _final(syllable: str) -> str | None:
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return None
    jong = code % 28
    return V if jong == 0 else L if jong == 8 else C


def _final_of_reading(reading: str) -> str | None:
    hangul = [ch for ch in reading if "가" <= ch <= "힣"]
    return _final(hangul[-1]) if hangul else None


_DIGIT = {"0": C, "1": L, "2": V, "3": C, "4": V, "5": V, "6": C, "7": L, "8": L, "9": V}   # 영 일 이 삼 사 오 육 칠 팔 구
_DIGIT_EN = {"0": V, "1": C, "2": V, "3": V, "4": V, "5": V, "6": V, "7": C, "8": C, "9": C}  # 제로 원 투 쓰리 포 파이브 식스 세븐 에잇 나인
_LETTER = {"a": V, "b": V, "c": V, "d": V, "e": V, "f": V, "g": V, "h": V, "i": V, "j": V, "k": V, "l": L,
           "m": C, "n": C, "o": V, "p": V, "q": V, "r": L, "s": V, "t": V, "u": V, "v": V, "w": V, "x": V,
           "y": V, "z": V}   # 에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스 티 유 브이 더블유 엑스 와이 지
_GREEK = {"α": V, "β": V, "γ": V, "δ": V, "ε": C, "ϵ": C, "η": V, "θ": V, "λ": V, "μ": V, "π": V, "σ": V,
          "τ": V, "φ": V, "ϕ": V, "ω": V, "Σ": V, "Φ": V, "Δ": V, "∇": V, "Ω": V,
          "²": C, "³": C}   # 알파 베타 감마 델타 엡실론 ... 나블라; ² 제곱
_LATEX_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
                "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ",
                "phi": "φ", "varphi": "φ", "omega": "ω", "Sigma": "Σ", "Phi": "Φ", "Delta": "Δ", "nabla": "∇"}


def _number_finals(number: str) -> frozenset:
    """Sino-Korean reading of a written number: 3 삼, 10 십, 1,000 천, 0.5 영점오, 15.5% 퍼센트."""
    if number.endswith("%"):
        return frozenset({V})
    digits = number.replace(",", "")
    if "." in digits:
        frac = digits.split(".", 1)[1]
        return frozenset({_DIGIT[frac[-1]]}) if frac else frozenset()
    if digits.strip("0") == "" or digits[-1] != "0":
        return frozenset({_DIGIT[digits[-1]]})
    return frozenset({C})     # 십, 백, 천, 만, 십만 ...: every power of ten ends in a consonant, none in ㄹ


@functools.lru_cache(maxsize=4)
def _table(readings: str | None = None, glossary: str | None = None) -> dict[str, frozenset]:
    """English word (lower case) -> the set of its possible final sounds (empty: undecidable)."""
    table: dict[str, frozenset] = {}
    with open(glossary or GLOSSARY, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            form, reading = (row.get("lecture_form") or "").strip(), (row.get("reading") or "").strip()
            if not reading:
                continue
            words, sounds = form.split(), reading.split()
            if len(words) == len(sounds):
                for w, s in zip(words, sounds):
                    f = _final_of_reading(s)
                    if f:
                        table.setdefault(w.lower(), frozenset({f}))
    with open(readings or READINGS, encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            word, reading = (row.get("word") or "").strip(), (row.get("reading") or "").strip()
            if not word or not reading:
                raise ValueError(f"{readings or READINGS}, line {n}: a row needs a word and a reading")
            if reading == "?":
                table[word.lower()] = frozenset()
                continue
            finals = {_final_of_reading(r) for r in reading.split("|")}
            if None in finals:
                raise ValueError(f"{readings or READINGS}, line {n}: reading {reading!r} has no Hangul syllable")
            table[word.lower()] = frozenset(finals)
    return table


_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def reading_of(word: str) -> frozenset | None:
    """The possible final sounds (``"V"``, ``"L"``, ``"C"``) of one word, name or number as it is
    read aloud; None when its reading is unknown (an empty set: it may be read several ways)."""
    table = _table()
    w = word.strip()
    if not w:
        return None
    if w in _GREEK:
        return frozenset({_GREEK[w]})
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?%?", w):
        return _number_finals(w)
    if w.lower() in table:
        return table[w.lower()]
    for suffix in ("es", "s"):               # a plural of a known word ends in 스 / 즈: a vowel
        if w.lower().endswith(suffix) and w.lower()[: -len(suffix)] in table:
            return frozenset({V})
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", w)
    if m and (m.group(1).lower() in table or len(m.group(1)) <= 2):
        d = m.group(2)[-1]                    # W1, z1, x0, f2: "더블유 원" or "더블유 일"
        return frozenset({_DIGIT[d], _DIGIT_EN[d]})
    if len(w) == 1 and w.isascii() and w.isalpha():
        return frozenset({_LETTER[w.lower()]})
    if w.isascii() and w.isalpha() and w.isupper() and len(w) <= 5:
        return frozenset({_LETTER[w[-1].lower()]})      # SGD, NCHW, MLP: letter by letter
    parts = [p for p in re.split(r"[_.]", w) if p]
    if len(parts) > 1:
        return reading_of(parts[-1])
    camel = _PARTS.findall(w)
    if len(camel) > 1:
        return reading_of(camel[-1])
    return None


# -- what is read before a particle ---------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d[\d,]*(?:\.\d+)?%?|[α-ωΑ-Ω∇ϵϕ²³]")


def _top_level_operator(code: str) -> bool:
    """Whether ``code`` has an operator or ``=`` outside brackets (an expression, not one name)."""
    depth = 0
    for i, ch in enumerate(code):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch in "=+-*/@<>|&%" and not (ch == "-" and i and code[i - 1] in "eE"):
            return True
    return False


def _call_name(code: str) -> str | None:
    """``name`` if ``code`` is a call ``name(...)`` (or a chain ending in one), else None."""
    if not code.endswith(")") or _top_level_operator(code):
        return None
    depth = 0
    for i in range(len(code) - 1, -1, -1):
        if code[i] == ")":
            depth += 1
        elif code[i] == "(":
            depth -= 1
            if depth == 0:
                m = re.search(r"(?<![\\A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)$", code[:i])
                return m.group(1) if m else None
    return None


def finals_of(code: str, latex: bool = False) -> frozenset | None:
    """The final sounds of a code span (``latex``: an inline formula) as it is read (None: unknown)."""
    code = code.strip()
    name = None if latex else _call_name(code)
    if name:
        return reading_of(name)
    code = re.sub(r"\\([A-Za-z]+)", lambda m: " " + _LATEX_GREEK.get(m.group(1), "") + " ", code)
    code = re.sub(r"\^\{?2\}?$", "²", code.replace("{", " ").replace("}", " ").rstrip())
    if re.search(r"\*\*\s*\d+$", code):
        return None                          # w**2: "이" or "제곱"
    if re.search(r"\d[eE][-+]?\d+\W*$", code):
        return None                          # 1e-4: "일 이 마이너스 사" or "10의 -4승"
    tokens = _TOKEN.findall(code)
    if not tokens:
        return None
    tail = code[code.rfind(tokens[-1]) + len(tokens[-1]):].strip()
    if tail and not set(tail) <= set(")]}'\",. "):
        return None                          # ends in an operator or a symbol: not a word
    return reading_of(tokens[-1])


# -- the particle rule ----------------------------------------------------------------------------

# Hangul runs that begin like a particle but are words (only matter when written without a space).
_NOT_PARTICLES = ("가장", "가능", "가치", "가지", "가운데", "가정", "가중", "가까", "가로", "가벼", "과정", "과제", "과목",
                  "과적합", "과소", "이상", "이하", "이내", "이후", "이전", "이용", "이름", "이미", "이유", "이번", "이동",
                  "이웃", "이런", "이러", "이것", "이렇", "로그", "다음", "다른", "다시", "다만", "다섯", "고정", "면적",
                  "라벨", "나머지", "나누", "나란", "는지")
_COPULA_SHORT = ("다", "고", "며", "면", "므로", "지만", "라", "란", "나", "랑", "든지", "라도", "야")
_COPULA_SHORT_PREFIX = ("라고", "라는", "라면", "라서", "였", "여야", "다가")


def _judge(finals: frozenset, run: str) -> tuple[bool, str] | None:
    """(ok, the form the guide wants) for the particle that ``run`` starts with, or None when
    ``run`` does not start with a particle that depends on the sound before it."""
    if run.startswith(_NOT_PARTICLES):
        return None

    def need(ok_finals: set, good: str, bad: str):
        return (bool(finals & ok_finals), good if finals & ok_finals else bad)

    if run.startswith("으로"):
        return (C in finals, "으로" if C in finals else "로" + run[2:])
    if run.startswith("로"):
        return (bool(finals & {V, L}), run if finals & {V, L} else "으로" + run[1:])
    pairs = (("은", "는"), ("을", "를"), ("과", "와"))
    for cons, vow in pairs:
        if run.startswith(cons):
            return (bool(finals & {C, L}), run if finals & {C, L} else vow + run[1:])
        if run.startswith(vow):
            return (V in finals, run if V in finals else cons + run[1:])
    if run == "이":
        return (bool(finals & {C, L}), "이" if finals & {C, L} else "가")
    if run.startswith("가"):
        return (V in finals, run if V in finals else "이" + run[1:])
    if run.startswith(("이라", "이란")):
        return (bool(finals & {C, L}), run if finals & {C, L} else run[1:])
    if run in _COPULA_SHORT or run.startswith(_COPULA_SHORT_PREFIX):
        if run.startswith("였"):
            return (V in finals, run if V in finals else "이었" + run[1:])
        if run.startswith("여야"):
            return (V in finals, run if V in finals else "이어야" + run[2:])
        return (V in finals, run if V in finals else "이" + run)
    return None


_HIDE = [re.compile(p, re.S) for p in (r"```.*?```", r"~~~.*?~~~", r"\$\$.*?\$\$", r"\]\([^)]*\)",
                                         r"https?://\S+", r"<[^>\n]+>")]
_CODE = re.compile(r"`((?:[^`\n]|\n(?!\s*\n))+)`")
_MATH = re.compile(r"(?<![\\$])\$((?:[^$\n]|\n(?!\s*\n))+?)\$")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’][a-z]+)?|\d[\d,]*(?:\.\d+)?%?|[α-ωΑ-Ω∇ϵϕ²³]")
_SKIP_AFTER = set("*_\"'”’")
_GLOSS_MAX = 200          # the longest parenthesis the particle rule looks across, in characters
_HANGUL_RUN = re.compile(r"[가-힣]+")


def _blank(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _anchors(text: str) -> tuple[dict[int, tuple[frozenset | None, str]], str]:
    """end offset -> (final sounds, what was read) for every code span, inline formula, word,
    number and Greek letter of the prose of ``text``; and ``text`` with all of them blanked."""
    hidden = text
    for pat in _HIDE:
        hidden = _blank(hidden, pat)
    found: dict[int, tuple[frozenset | None, str]] = {}
    for m in _CODE.finditer(hidden):
        found[m.end()] = (finals_of(m.group(1)), m.group(0))
    hidden = _blank(hidden, _CODE)
    for m in _MATH.finditer(hidden):
        found[m.end()] = (finals_of(m.group(1), latex=True), m.group(0))
    hidden = _blank(hidden, _MATH)
    for m in _WORD.finditer(hidden):
        if m.start() > 0 and (hidden[m.start() - 1].isalnum() or hidden[m.start() - 1] in "_\\") \
                and m.group(0) not in "²³":
            continue
        token = m.group(0)
        if token.endswith(("'s", "’s")):
            continue
        found[m.end()] = (reading_of(token), token)
    return found, hidden


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 30):end + 15].split())


def particle_problems(text: str) -> list[Finding]:
    """Every particle in ``text`` that does not follow the sound of the word before it."""
    anchors, hidden = _anchors(text)
    found = []

    def check(end: int, finals: frozenset | None, what: str) -> None:
        i = end
        while i < len(text) and text[i] in _SKIP_AFTER:
            i += 1
        m = _HANGUL_RUN.match(text, i)
        if not m or not finals:
            return
        verdict = _judge(finals, m.group(0))
        if verdict and not verdict[0]:
            found.append(Finding("particle", f"{what}{text[end:m.end()]}",
                                 f"the particle follows how {what} is read: {what}{text[end:i]}{verdict[1]}",
                                 _context(text, end - len(what), m.end()), end))

    for end, (finals, what) in anchors.items():
        check(end, finals, what)
    for m in re.finditer(r"\)(?=[*_\"'”’]*[가-힣])", hidden):      # after ")": see the module docstring
        depth, i, stop = 0, m.start(), max(-1, m.start() - _GLOSS_MAX)
        while i > stop:                                  # a gloss is short: the scan is bounded
            depth += {")": 1, "(": -1}.get(hidden[i], 0)
            if depth == 0:
                break
            i -= 1
        if i <= stop or i <= 0:
            continue
        inside = text[i + 1:m.start()]
        if (i in anchors and len(anchors[i][1]) == 1 and not re.search("[가-힣]", inside)
                and not re.fullmatch(r"[\d.,\s%]+", inside)):
            check(m.end(), finals_of(inside, latex=True), text[i - 1:m.end()])   # R(W), f(x): notation
            continue
        j = i                                          # a gloss or a remark: the word before it
        while j > 0 and text[j - 1] in _SKIP_AFTER:
            j -= 1
        if j in anchors:
            finals, what = anchors[j]
        elif j > 0 and "가" <= text[j - 1] <= "힣":
            finals, what = frozenset({_final(text[j - 1])}), text[j - 1]
        else:
            continue
        check(m.end(), finals, what + text[j:m.end()])
    return sorted(found, key=lambda f: f.at)
