"""The lecture's own terms, and the check that a Korean text writes them the lecture's way.

``glossary.csv`` (beside this module) has one row per concept:

- ``concept`` -- what it is, in English;
- ``lecture_form`` -- the form the lecture note uses most (English for most technical
  terms, Korean for the few the note writes in Korean: 뉴런, 기울기, 학습, 정확도, 채널...);
  for a course term the note lacks, the form its rule gives (technical terms stay English);
- ``also_in_lecture`` -- other forms the note itself uses (accepted); ``;``-separated;
- ``other_forms`` -- forms the note does not use (flagged); ``;``-separated;
- ``where`` -- where in the note (line numbers of ``lecture3-neural-networks-part1.ko.txt``
  and section titles), or "course term";
- ``reading`` -- how an English lecture form is read aloud in Korean, word by word
  (``셰이프``, ``에폭``): the particle after it follows this sound (:mod:`.particles`).

:func:`glossary_problems` flags each use of an ``other_forms`` form in a Korean text, except
at the concept's first mention in the notebook, where the other form may follow the
lecture's form in parentheses: ``overfitting(과적합)``. Code spans, code blocks, LaTeX and
links are not read. A space inside a form matches any run of spaces or none
(``경사 하강법`` = ``경사하강법``); ASCII forms match whole words, in any case.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Term", "Problem", "load", "glossary_problems", "prose"]

PATH = Path(__file__).with_name("glossary.csv")


@dataclass(frozen=True)
class Term:
    concept: str
    lecture_form: str
    also: tuple[str, ...]
    other: tuple[str, ...]
    where: str

    @property
    def allowed(self) -> tuple[str, ...]:
        return (self.lecture_form, *self.also)


@dataclass(frozen=True)
class Problem:
    """One use of a form the lecture does not use."""

    form: str
    concepts: tuple[str, ...]
    lecture_form: str
    context: str
    cell: int | None = None

    def __str__(self) -> str:
        where = f"cell {self.cell}: " if self.cell is not None else ""
        return (f"{where}{self.form!r} ({' / '.join(self.concepts)}): the lecture writes {self.lecture_form!r} "
                f"-- in {self.context!r}")


def _split(field: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in (field or "").split(";") if f.strip())


@functools.lru_cache(maxsize=4)
def load(path: str | None = None) -> tuple[Term, ...]:
    """The glossary's rows (``ValueError`` naming the row for a row without a concept or form)."""
    rows = []
    with open(path or PATH, encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            if not (row.get("concept") or "").strip() or not (row.get("lecture_form") or "").strip():
                raise ValueError(f"{path or PATH}, line {n}: a row needs a concept and a lecture_form")
            rows.append(Term(row["concept"].strip(), row["lecture_form"].strip(), _split(row.get("also_in_lecture")),
                             _split(row.get("other_forms")), (row.get("where") or "").strip()))
    return tuple(rows)


def _pattern(form: str) -> str:
    parts = [re.escape(p) for p in form.split()]
    body = r"\s*".join(parts)
    if form.isascii():
        return rf"(?<![A-Za-z0-9_]){body}(?![A-Za-z0-9_])"
    return body


@functools.lru_cache(maxsize=4)
def _forms(path: str | None = None):
    """[(form, compiled, allowed?, concepts)] longest first; a form allowed anywhere is allowed."""
    table: dict[str, dict] = {}
    for term in load(path):
        for form in term.allowed:
            e = table.setdefault(form.lower(), {"form": form, "allowed": False, "concepts": []})
            e["allowed"] = True
            e["concepts"].append(term)
        for form in term.other:
            e = table.setdefault(form.lower(), {"form": form, "allowed": False, "concepts": []})
            e["concepts"].append(term)
    out = []
    for e in sorted(table.values(), key=lambda e: -len(e["form"].replace(" ", ""))):
        out.append((e["form"], re.compile(_pattern(e["form"]), re.I), e["allowed"], tuple(e["concepts"])))
    return out


_SKIP = [re.compile(p, re.S) for p in (r"```.*?```", r"~~~.*?~~~", r"\$\$.*?\$\$", r"(?<!\\)\$(?:[^$\n]|\n(?!\s*\n))+?\$",
                                        r"`(?:[^`\n]|\n(?!\s*\n))*`", r"\]\([^)]*\)", r"https?://\S+", r"<[^>\n]+>")]


def prose(text: str) -> str:
    """``text`` with code, LaTeX, link targets and HTML tags blanked out (same length)."""
    for pat in _SKIP:
        text = pat.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _matches(text: str, path: str | None = None):
    """Non-overlapping term matches, longest forms first: [(start, end, form, allowed, concepts)]."""
    taken = bytearray(len(text))
    found = []
    for form, pat, allowed, concepts in _forms(path):
        for m in pat.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
            found.append((m.start(), m.end(), form, allowed, concepts))
    return sorted(found)


def glossary_problems(texts: list[str], *, path: str | None = None) -> list[Problem]:
    """The off-glossary uses in the Korean ``texts`` of one notebook, cell by cell in order.

    A use is accepted only at its concept's first mention in the notebook, inside the
    parentheses right after an accepted form of that concept.
    """
    first: dict[str, tuple[int, int]] = {}      # concept -> (cell, start) of its first mention
    problems = []
    for index, raw in enumerate(texts):
        text = prose(raw)
        matches = _matches(text, path)
        for k, (start, end, form, allowed, concepts) in enumerate(matches):
            for term in concepts:
                first.setdefault(term.concept, (index, start))
            if allowed:
                continue
            head = _parentheses_after(text, start, matches[:k], concepts)
            if head is None or not any(first.get(t.concept) == (index, head) for t in concepts):
                snippet = " ".join(raw[max(0, start - 25):end + 25].split())
                problems.append(Problem(form, tuple(t.concept for t in concepts), concepts[0].lecture_form,
                                        snippet, index))
    return problems


def _parentheses_after(text: str, start: int, before: list, concepts: tuple[Term, ...]) -> int | None:
    """Where the accepted form starts that ``( ... text[start:]`` directly follows, if it is a
    form of the same concept; else None."""
    opening = max(text.rfind("(", 0, start), text.rfind("（", 0, start))
    if opening < 0 or any(c in text[opening + 1:start] for c in ")）"):
        return None
    head = len(text[:opening].rstrip())
    names = {t.concept for t in concepts}
    for (s, end, _f, allowed, cs) in before:
        if allowed and end == head and names & {t.concept for t in cs}:
            return s
    return None
