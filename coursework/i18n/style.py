"""The style guide's checkable rules for any Korean text: ``korean_problems(text)``.

``docs/korean-style.md`` is the guide; this module checks what a program can check, in one
Korean text (a notebook cell, a catalog message, a figure label, a demo's label):

- ``dash``: an em-dash or en-dash (the lecture note has none);
- ``yeoreobun``: 여러분 (the course says 우리, or "작성한 …");
- ``colon``: a sentence ending in 다 followed by a colon (Korean ends it with a period);
- ``semicolon``: a semicolon in prose;
- ``imperative``: …하라, …보라, …말라, …할 것 (the course writes "…하자" or a plain statement);
- ``formal``: 합쇼체 / 해요체 endings (the course writes 한다체);
- ``term``: a form the guide's section 7 replaces (연습문제, 검사, 돌려준다, section N, 기억할 점,
  기대값, accuracy outside code, "step만에");
- ``particle``: a particle that does not follow the sound of the word before it
  (:mod:`.particles`).

Code spans, code blocks, LaTeX, link targets and HTML tags are not read (a code comment or
a string is checked by passing it alone).
"""

from __future__ import annotations

import collections
import re

from .glossary import prose
from .particles import Finding, particle_problems

__all__ = ["Finding", "RULES", "style_problems", "korean_problems", "code_and_math"]

_BIEUP = "".join(chr(0xAC00 + 28 * i + 17) for i in range(399))    # 합, 입, 됩 ...: syllables ending in ㅂ

# (rule, pattern over prose, what the guide wants)
RULES: tuple[tuple[str, re.Pattern, str], ...] = tuple((rule, re.compile(pattern), why) for rule, pattern, why in (
    ("dash", r"[—–]", "no dashes: use parentheses or a comma, or split the sentence"),
    ("yeoreobun", r"여러분", "not 여러분: 우리, or '작성한 …', or no subject"),
    ("colon", r"다[*_]*\s*:", "a sentence ends with a period, not '…다:'"),
    ("semicolon", r";", "no semicolon in Korean prose: a period or a comma"),
    ("imperative", r"(?:하|보|말|쓰|두|으|읽|넣)라(?![가-힣])|(?:할|말|볼|쓸|둘) 것(?=\s*[.:)*\]]|\s*$)",
     "not an imperative: '…하자' or a plain statement"),
    ("formal", rf"(?:[{_BIEUP}]니다|니까\?|세요|[아어여해]요|에요|예요)(?![가-힣])", "한다체, not 합쇼체 or 해요체"),
    ("term", r"연습문제", "연습 문제 (two words)"),
    ("term", r"검사", "check (the graded unit) or 확인한다 (to verify), not 검사"),
    ("term", r"(?<!되)돌려(?:주|준|줄|받)", "반환한다, not 돌려준다"),
    ("term", r"(?i)(?<![A-Za-z_])section\s*\d|섹션", "N절, not section N"),
    ("term", r"기억할 점", "정리, not 기억할 점"),
    ("term", r"기대값", "기댓값"),
    ("term", r"(?i)(?<![A-Za-z_])accuracy(?![A-Za-z_])", "정확도 (the glossary's form), not accuracy"),
    ("term", r"(?<=[A-Za-z0-9])만에|(?<=번)만에", "'만에' after a quantity is written apart: 'step 만에'"),
))


def style_problems(text: str) -> list[Finding]:
    """Every break of a style rule other than particles in the Korean ``text``."""
    plain = prose(text)
    found = []
    for rule, pattern, why in RULES:
        for m in pattern.finditer(plain):
            context = " ".join(text[max(0, m.start() - 30):m.end() + 20].split())
            found.append(Finding(rule, m.group(0), why, context, m.start()))
    return sorted(found, key=lambda f: f.at)


def korean_problems(text: str) -> list[Finding]:
    """Every break of a checkable rule of ``docs/korean-style.md`` in the Korean ``text``."""
    return sorted(style_problems(text) + particle_problems(text), key=lambda f: f.at)


_SPAN = re.compile(r"```.*?```|`(?:[^`\n]|\n(?!\s*\n))+`|\$\$.*?\$\$|(?<![\\$])\$(?!\$)[^$]+?\$", re.S)
_TEXT = re.compile(r"\\text\{[^{}]*\}")


def code_and_math(text: str) -> collections.Counter:
    """The code spans, code blocks and formulas of a markdown text (a multiset; spaces and line
    breaks inside one count as one space), with the words inside LaTeX's ``\\text{…}`` left
    out: a translation keeps every one of them."""
    return collections.Counter(" ".join(_TEXT.sub(r"\\text{}", m.group(0)).split()) for m in _SPAN.finditer(text))
