"""The similarity report: an HTML page for a person, and a CSV of every pair.

The page lists the flagged pairs, most similar first, then each of them with the two
answer cells of every exercise that matches side by side, the matched lines marked. It
is in the course's language (:func:`coursework.i18n.msg`), works offline (one file, no
fonts, images or links to fetch), and treats everything a student wrote as text: ids,
code and names are escaped, and a Content-Security-Policy allows no script at all and
only the page's own stylesheet (by its hash). It says on top that it is evidence for a
person to judge, not a verdict; nothing in the gradebook changes.

The CSV (``similarity.csv``) has one row per pair, flagged or not: the score, the
matched length, the number of exercises that match, and the similarity per exercise.
Text a spreadsheet would run as a formula (a student id like ``=1+1``) gets a leading
``'`` (:func:`coursework.grading.output.export.neutralise`).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
from pathlib import Path

from coursework.grading.output.export import neutralise
from coursework.i18n import language, msg

from .answers import REFERENCE
from .pairs import Comparison, Pair, Repeat, matched_lines

__all__ = ["write_report", "write_csv", "write_repeats", "page_policy", "MAX_LINES_SHOWN"]

#: A cell longer than this shows its first lines and says how many more there are.
MAX_LINES_SHOWN = 300

_CSS = (
    "body{font-family:sans-serif;max-width:110em;margin:1.5em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .7em;text-align:right}"
    "td.who,th.who{text-align:left}.note{background:#fff6d6;border:1px solid #e0c060;padding:.6em 1em}"
    ".side{display:grid;grid-template-columns:1fr 1fr;gap:1em;margin:.3em 0 1.2em}"
    ".side>div{min-width:0}.name{font-weight:bold;margin:.2em 0}"
    "pre{background:#f7f7f7;border:1px solid #ddd;padding:.5em;overflow-x:auto;font-size:85%;margin:0}"
    "pre span.l{display:block;white-space:pre}pre span.m{background:#ffd27a}"
    "pre span.n{color:#999;display:inline-block;width:3em;user-select:none}"
    "section.pair{border-top:2px solid #888;margin-top:1.5em}h4{margin:.8em 0 .2em}.muted{color:#777}"
)


def page_policy(css: str = _CSS) -> str:
    """The page's Content-Security-Policy: nothing but its own stylesheet."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'sha256-{digest}'; script-src 'none'; img-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _who(student: str) -> str:
    return msg("sim_reference_name") if student == REFERENCE else student


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _head(title: str) -> str:
    return ("<!DOCTYPE html>"
            f"<html lang='{language()}'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{page_policy()}\">"
            "<meta name='referrer' content='no-referrer'>"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>")


def _cell(student: str, source: str, lines: set[int], cut: bool) -> str:
    rows = source.split("\n")
    shown = rows[:MAX_LINES_SHOWN]
    body = "".join(
        f"<span class='l{' m' if i in lines else ''}'><span class='n'>{i}</span>{_e(text)}</span>"
        for i, text in enumerate(shown, start=1))
    more = len(rows) - len(shown)
    tail = f"<div class='muted'>{_e(msg('sim_more_lines', lines=more))}</div>" if more > 0 else ""
    if cut:
        tail += f"<div class='muted'>{_e(msg('sim_cut'))}</div>"
    return f"<div><div class='name'>{_e(_who(student))}</div><pre>{body}</pre>{tail}</div>"


def _pair_section(comp: Comparison, pair: Pair, rank: int) -> str:
    titles = comp.submissions.titles
    out = [f"<section class='pair' id='pair-{rank}'>"
           f"<h3>{_e(msg('sim_pair_heading', rank=rank, a=_who(pair.a), b=_who(pair.b), score=_pct(pair.score)))}</h3>"]
    for m in sorted(pair.matches.values(), key=lambda m: -m.similarity):
        fa = comp.fingerprints[pair.a][m.exercise]
        fb = comp.fingerprints[pair.b][m.exercise]
        slices_a, slices_b = comp.regions(pair, m.exercise)
        title = titles.get(m.exercise, m.exercise)
        heading = msg("sim_exercise_heading", exercise=title, similarity=_pct(m.similarity))
        out.append(f"<h4>{_e(heading)}</h4><div class='side'>"
                   + _cell(pair.a, fa.canonical.source, matched_lines(fa, slices_a), fa.canonical.cut)
                   + _cell(pair.b, fb.canonical.source, matched_lines(fb, slices_b), fb.canonical.cut)
                   + "</div>")
    out.append("</section>")
    return "".join(out)


def _lines_matched(comp: Comparison, pair: Pair) -> tuple[int, int]:
    a = b = 0
    for ex in pair.matches:
        slices_a, slices_b = comp.regions(pair, ex)
        a += len(matched_lines(comp.fingerprints[pair.a][ex], slices_a))
        b += len(matched_lines(comp.fingerprints[pair.b][ex], slices_b))
    return a, b


def write_report(comp: Comparison, folder: Path, max_shown: int = 50, csv_name: str = "similarity.csv") -> Path:
    """Write ``similarity.html`` into ``folder``; return its path."""
    subs, opts = comp.submissions, comp.options
    assignment = subs.assignment
    flagged = comp.flagged
    title = msg("sim_title", assignment=assignment)
    n = len(subs.answers)
    summary = msg("sim_summary", n=n, pairs=len(comp.pairs), flagged=len(flagged), threshold=_pct(opts.threshold),
                  min_matched=opts.min_matched)
    parts = [_head(title), f"<h1>{_e(title)}</h1>",
             f"<p class='note'>{_e(msg('sim_evidence'))}</p>",
             f"<p>{_e(summary)}</p>",
             f"<p>{_e(msg('sim_method', common=_pct(opts.common)))}</p>"]
    if REFERENCE in subs.answers:
        parts.append(f"<p>{_e(msg('sim_reference_included', name=_who(REFERENCE)))}</p>")
    if subs.unreadable:
        items = "".join(f"<li>{_e(s)}: {_e(why)}</li>" for s, why in sorted(subs.unreadable.items()))
        parts.append(f"<h2>{_e(msg('sim_unreadable'))} ({len(subs.unreadable)})</h2><ul>{items}</ul>")
    parts.append(f"<h2>{_e(msg('sim_flagged_heading'))}</h2>")
    if not flagged:
        parts.append(f"<p>{_e(msg('sim_none_flagged'))}</p>")
    else:
        head = "".join(f"<th{c}>{_e(msg(k))}</th>" for k, c in (
            ("sim_col_rank", ""), ("sim_col_a", " class='who'"), ("sim_col_b", " class='who'"), ("sim_col_score", ""),
            ("sim_col_exercises", ""), ("sim_col_lines", "")))
        rows = []
        for rank, pair in enumerate(flagged, start=1):
            la, lb = _lines_matched(comp, pair) if rank <= max_shown else ("", "")
            link = f"<a href='#pair-{rank}'>{rank}</a>" if rank <= max_shown else str(rank)
            rows.append(f"<tr><td>{link}</td><td class='who'>{_e(_who(pair.a))}</td>"
                        f"<td class='who'>{_e(_who(pair.b))}</td><td>{_pct(pair.score)}</td>"
                        f"<td>{pair.exercises_matched(opts.threshold)} / {len(subs.exercises)}</td>"
                        f"<td>{la} / {lb}</td></tr>")
        parts.append(f"<table><tr>{head}</tr>{''.join(rows)}</table>")
        parts.append(f"<p class='muted'>{_e(msg('sim_marked'))}</p>")
        parts.extend(_pair_section(comp, pair, rank) for rank, pair in enumerate(flagged[:max_shown], start=1))
        if len(flagged) > max_shown:
            parts.append(f"<p>{_e(msg('sim_more_pairs', more=len(flagged) - max_shown))}</p>")
    parts.append(f"<p class='muted'>{_e(msg('sim_csv', csv=csv_name))}</p></body></html>")
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "similarity.html"
    page.write_text("".join(parts), encoding="utf-8")
    return page


def write_csv(comp: Comparison, path: Path) -> Path:
    """One row per pair (see the module docstring)."""
    exercises = comp.submissions.exercises
    threshold = comp.options.threshold
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["student_a", "student_b", "score", "flagged", "matched_chars", "exercises_matched"]
                     + [f"similarity:{ex}" for ex in exercises])
        for pair in comp.pairs:
            out.writerow([neutralise(pair.a), neutralise(pair.b), f"{pair.score:.4f}", int(pair.flagged), pair.matched,
                          pair.exercises_matched(threshold)]
                         + [f"{pair.matches[ex].similarity:.4f}" if ex in pair.matches else "0" for ex in exercises])
    return path


def write_repeats(found: list[Repeat], assignments: list[str], folder: Path) -> tuple[Path, Path]:
    """``similarity-repeats.html`` and ``.csv``: the pairs flagged in several assignments."""
    folder.mkdir(parents=True, exist_ok=True)
    title = msg("sim_repeats_title")
    head = "".join(f"<th class='who'>{_e(msg(k))}</th>" for k in ("sim_col_a", "sim_col_b"))
    head += f"<th>{_e(msg('sim_col_times'))}</th>" + "".join(f"<th>{_e(a)}</th>" for a in assignments)
    rows = []
    for rep in found:
        cells = "".join(f"<td>{'<b>' if a in rep.flagged_in else ''}{_pct(rep.scores.get(a, 0.0))}"
                        f"{'</b>' if a in rep.flagged_in else ''}</td>" for a in assignments)
        rows.append(f"<tr><td class='who'>{_e(_who(rep.a))}</td><td class='who'>{_e(_who(rep.b))}</td>"
                    f"<td>{len(rep.flagged_in)}</td>{cells}</tr>")
    body = (f"<table><tr>{head}</tr>{''.join(rows)}</table>" if rows else f"<p>{_e(msg('sim_no_repeats'))}</p>")
    page = folder / "similarity-repeats.html"
    page.write_text(_head(title) + f"<h1>{_e(title)}</h1><p class='note'>{_e(msg('sim_evidence'))}</p>"
                    f"<p>{_e(msg('sim_repeats_explain', n=len(assignments)))}</p>{body}</body></html>",
                    encoding="utf-8")
    table = folder / "similarity-repeats.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["student_a", "student_b", "flagged_in"] + [f"score:{a}" for a in assignments])
        for rep in found:
            out.writerow([neutralise(rep.a), neutralise(rep.b), len(rep.flagged_in)]
                         + [f"{rep.scores.get(a, 0.0):.4f}" for a in assignments])
    return page, table
