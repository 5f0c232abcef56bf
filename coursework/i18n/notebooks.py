"""Source notebooks in two languages: the markdown of one language, and the drift check.

The format (stated once; the README's "Language" section points here). In a source
notebook (``solutions/<assignment>/<assignment>.ipynb``) every markdown cell keeps its
English text as its ``source`` -- nbgrader works on it -- and holds its Korean text in its
metadata::

    cell.metadata["coursework"]["i18n"]["ko"] = {"source": "<Korean markdown>",
                                                "translates": fingerprint(<English source>)}

``translates`` ties the Korean to the English it was made from: when the English changes,
the fingerprint no longer matches and :func:`drift` names the cell until someone revisits
the Korean and records the new fingerprint.

A cell **written in Korean first** says so by the reverse record: its English ``source`` is
the translation, and ::

    cell.metadata["coursework"]["i18n"]["en"] = {"translates": fingerprint(<Korean source>)}

(its ``ko`` entry then needs only ``source``). Changing that Korean without revisiting the
English fails :func:`drift` the same way.

A **code cell** keeps its code in every language; its comments and the text it prints may
have a Korean version, in the same record (``i18n.ko = {"source", "translates"}``), under the
rule of :mod:`.code` (a graded cell: comments only). Grade ids and points exist once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .code import blank_regions, code_differences, fill_regions, is_graded
from .settings import DEFAULT, check_language
from .text import fingerprint

__all__ = ["Drift", "i18n_of", "text_in", "localize", "drift", "record_translation", "strip_i18n", "cell_label"]


def i18n_of(cell: Any) -> dict:
    """The cell's ``metadata.coursework.i18n`` (an empty dict if it has none)."""
    found = (cell.get("metadata") or {}).get("coursework", {}).get("i18n", {})
    return found if isinstance(found, dict) else {}


def cell_label(nb: Any, index: int) -> str:
    """``cell 7 ('hog_intro', "## HoG ...")``: index, grade id and first line, to find it."""
    cell = nb.cells[index]
    gid = (cell.get("metadata") or {}).get("nbgrader", {}).get("grade_id")
    first = next((ln.strip() for ln in str(cell.source).splitlines() if ln.strip()), "")
    first = first if len(first) <= 60 else first[:57] + "..."
    return f"cell {index} ({gid!r}, {first!r})" if gid else f"cell {index} ({first!r})"


def text_in(cell: Any, lang: str) -> str | None:
    """The text of ``cell`` in ``lang`` (None where that language has no text); for a code cell,
    with its answer and hidden-test regions filled in from the cell (:func:`.code.fill_regions`)."""
    lang = check_language(lang)
    if lang == "en":
        return cell.source
    entry = i18n_of(cell).get(lang)
    if not isinstance(entry, dict) or not isinstance(entry.get("source"), str) or not entry["source"].strip():
        return None
    if cell.get("cell_type") == "code":
        try:
            return fill_regions(entry["source"], cell.source)
        except ValueError:
            return entry["source"]          # localize() then names the cell: its code differs
    return entry["source"]


def strip_i18n(cell: Any) -> None:
    """Remove ``metadata.coursework.i18n`` (and an emptied ``coursework``) from ``cell``, in place."""
    extra = cell.get("metadata", {}).get("coursework")
    if isinstance(extra, dict) and "i18n" in extra:
        del extra["i18n"]
        if not extra:
            del cell.metadata["coursework"]


def localize(nb: Any, lang: str, *, strict: bool = True) -> Any:
    """A copy of the source notebook ``nb`` whose markdown, and the comments and printed text of
    whose code cells, are in ``lang``, without the translations' metadata; ids and nbgrader
    metadata untouched.

    ``strict``: a markdown cell without a text in ``lang`` is a ``ValueError`` naming it
    (else it keeps its English); a code cell without one keeps its English. A code cell whose
    translation is more than comments and printed text (:func:`.code.code_differences`) is
    always a ``ValueError`` naming it. The notebook's metadata records the language
    (``metadata.coursework.language``) for languages other than English.
    """
    lang = check_language(lang)
    out = copy.deepcopy(nb)
    missing, broken = [], []
    for i, cell in enumerate(out.cells):
        if cell.cell_type == "markdown":
            text = text_in(cell, lang)
            if text is None:
                missing.append(cell_label(nb, i))
            else:
                cell.source = text
        elif cell.cell_type == "code" and lang != DEFAULT and text_in(cell, lang) is not None:
            text = text_in(cell, lang)
            why = code_differences(cell.source, text, is_graded(cell))
            if why:
                broken.append(f"{cell_label(nb, i)}: {'; '.join(why)}")
            else:
                cell.source = text
        strip_i18n(cell)
    if broken:
        raise ValueError(f"the {lang} text of {len(broken)} code cell(s) changes the code: " + "; ".join(broken[:5])
                         + (" ..." if len(broken) > 5 else ""))
    if missing and strict:
        raise ValueError(f"no {lang} text for {len(missing)} markdown cell(s): " + "; ".join(missing[:5])
                         + (" ..." if len(missing) > 5 else ""))
    if lang != DEFAULT:
        out.metadata.setdefault("coursework", {})["language"] = lang
    return out


@dataclass(frozen=True)
class Drift:
    """One markdown cell whose translation is missing or stale."""

    notebook: str
    index: int
    label: str
    why: str

    def __str__(self) -> str:
        return f"{self.notebook}: {self.label}: {self.why}"


def drift(nb: Any, name: str = "notebook", lang: str = "ko") -> list[Drift]:
    """Every markdown cell of ``nb`` whose ``lang`` text is missing, unrecorded or stale, and
    every code cell whose ``lang`` text is stale (a code cell needs none).

    English first (the default): ``i18n[lang]["translates"]`` must equal the fingerprint of
    the cell's English source. Written in ``lang`` first (``i18n["en"]["translates"]``
    present): that must equal the fingerprint of the ``lang`` text.
    """
    lang = check_language(lang)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and isinstance(i18n_of(cell).get(lang), dict):
            recorded, now = i18n_of(cell)[lang].get("translates"), fingerprint(cell.source)
            if recorded != now:
                found.append(Drift(name, i, cell_label(nb, i), f"the code changed since its {lang} comments were "
                                   f"written (translates {recorded}, the code is now {now}): revisit them"))
            continue
        if cell.cell_type != "markdown":
            continue
        label = cell_label(nb, i)
        info = i18n_of(cell)
        text = text_in(cell, lang)
        if text is None:
            found.append(Drift(name, i, label, f"no {lang} text (metadata.coursework.i18n.{lang}.source)"))
            continue
        reverse = info.get("en") if isinstance(info.get("en"), dict) else None
        if reverse is not None and "translates" in reverse:
            if reverse["translates"] != fingerprint(text):
                found.append(Drift(name, i, label, f"written in {lang} first, and its {lang} text changed after "
                                   f"the English was made from it: revisit the English, then set "
                                   f"i18n.en.translates to {fingerprint(text)}"))
            continue
        recorded = info[lang].get("translates")
        now = fingerprint(cell.source)
        if recorded is None:
            found.append(Drift(name, i, label, f"the {lang} text records no 'translates' fingerprint"))
        elif recorded != now:
            found.append(Drift(name, i, label, f"the English changed since the {lang} text was written "
                               f"(translates {recorded}, English is now {now}): revisit the {lang} text"))
    return found


def record_translation(cell: Any, lang: str, text: str) -> None:
    """Store ``text`` as the cell's ``lang`` translation of its current English source (a code
    cell's with its answer and hidden-test regions left out: :func:`.code.blank_regions`)."""
    lang = check_language(lang)
    if lang == "en":
        raise ValueError("record_translation: English is the cell's source; set cell.source instead")
    if cell.get("cell_type") == "code":
        text = blank_regions(text)
    extra = cell.metadata.setdefault("coursework", {})
    extra.setdefault("i18n", {})[lang] = {"source": text, "translates": fingerprint(cell.source)}
