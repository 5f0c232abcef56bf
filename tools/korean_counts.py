"""Count, per notebook, what docs/korean-style.md fixes in the Korean texts.

    python tools/korean_counts.py                  # the working tree
    python tools/korean_counts.py --before main    # "before → after" against a git revision

One row per source notebook (its Korean markdown cells and, where they have one, what a student
reads in the Korean of its code cells: comments and printed text) and one per message catalog
(Korean texts): coursework/i18n/messages.py, and the checks' grader_tests/messages.py and
grader_tests/hidden/messages.py.
The columns count, in prose (code spans, code blocks, LaTeX and link targets are not read):

- ``—``: em-dashes and en-dashes (EN: the same in the English, for comparison);
- ``다:``: a sentence ending in 다 followed by a colon;
- ``여러분``;
- ``연습문제`` / ``연습 문제``; ``검사`` / ``check``; ``돌려준다`` / ``반환한다`` (every form);
- ``section N`` / ``N절``; ``기억할 점`` / ``정리``; ``accuracy`` / ``정확도``;
- ``imperative``: …하라, …보라, …할 것;
- ``particle``: wrong particles after English words, code spans, numbers, Greek letters
  (coursework.i18n.particles);
- ``spans≠``: code spans and formulas of a cell that differ from its English (a multiset).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursework.i18n.code import fill_regions, student_text  # noqa: E402
from coursework.i18n.glossary import prose  # noqa: E402
from coursework.i18n.particles import particle_problems  # noqa: E402
from coursework.i18n.style import code_and_math  # noqa: E402

COLUMNS = {
    "— (EN)": None,
    "—": r"[—–]",
    "다:": r"다[*_]*\s*:",
    "여러분": r"여러분",
    "연습문제": r"연습문제",
    "연습 문제": r"연습 문제",
    "검사": r"검사",
    "check": r"(?i)(?<![A-Za-z_])check(?![A-Za-z_])",
    "돌려준다": r"(?<!되)돌려(?:주|준|줄|받)",
    "반환": r"반환",
    "section N": r"(?i)(?<![A-Za-z_])section\s*\d|섹션",
    "N절": r"\d절",
    "기억할 점": r"기억할 점",
    "정리": r"정리",
    "accuracy": r"(?i)(?<![A-Za-z_])accuracy(?![A-Za-z_])",
    "정확도": r"정확도",
    "imperative": r"(?:하|보|말|쓰|두|으|읽|넣)라(?![가-힣])|(?:할|말|볼|쓸|둘) 것(?=\s*[.:)*\]]|\s*$)",
    "particle": None,
    "spans≠": None,
}


def _git(rev: str, path: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], check=True, capture_output=True,
                          text=True).stdout


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else (source or "")


def notebook_pairs(raw: str) -> list[tuple[str, str, str]]:
    """(cell type, English, Korean) of every cell with a Korean text."""
    out = []
    for cell in json.loads(raw)["cells"]:
        ko = cell.get("metadata", {}).get("coursework", {}).get("i18n", {}).get("ko", {}).get("source")
        if ko:
            en, ko = _text(cell["source"]), _text(ko)
            if cell["cell_type"] == "code":
                try:
                    ko = fill_regions(ko, en)
                except ValueError:
                    pass
            out.append((cell["cell_type"], en, ko))
    return out


#: row name -> a message catalog (a module with a literal ``CATALOG`` dict)
CATALOGS = {"messages.py": "coursework/i18n/messages.py", "checks": "grader_tests/messages.py",
            "hidden checks": "grader_tests/hidden/messages.py"}


def catalog_pairs(raw: str) -> list[tuple[str, str, str]]:
    """(\"message\", English, Korean) of every entry of a catalog module's CATALOG."""
    for node in ast.parse(raw).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if getattr(target, "id", None) == "CATALOG":
                catalog = ast.literal_eval(node.value)
                return [("message", v.get("en", ""), v.get("ko", "")) for v in catalog.values() if v.get("ko")]
    return []


def _comments(code: str) -> str:
    """What a student reads in a code cell (its comments and printed text), one per line."""
    return "\n".join(student_text(code))


def counts(pairs: list[tuple[str, str, str]]) -> dict[str, int]:
    row = dict.fromkeys(COLUMNS, 0)
    for kind, en, ko in pairs:
        if kind == "code":
            en, ko = _comments(en), _comments(ko)
        row["— (EN)"] += len(re.findall(r"[—–]", prose(en)))
        plain = prose(ko)
        for name, pattern in COLUMNS.items():
            if pattern:
                row[name] += len(re.findall(pattern, plain))
        row["particle"] += len(particle_problems(ko))
        if kind == "markdown":
            row["spans≠"] += sum((code_and_math(en) - code_and_math(ko)).values())
    return row


def table(rev: str | None) -> dict[str, dict[str, int]]:
    rows = {}
    names = sorted(p.parent.name for p in (ROOT / "solutions").glob("[0-9]*/*.ipynb"))
    for name in names:
        path = f"solutions/{name}/{name}.ipynb"
        try:
            raw = _git(rev, path) if rev else (ROOT / path).read_text(encoding="utf-8")
        except subprocess.CalledProcessError:
            continue
        rows[name] = counts(notebook_pairs(raw))
    for name, path in CATALOGS.items():
        try:
            raw = _git(rev, path) if rev else (ROOT / path).read_text(encoding="utf-8")
        except subprocess.CalledProcessError:    # not in that revision yet
            continue
        rows[name] = counts(catalog_pairs(raw))
    rows["total"] = {c: sum(r[c] for r in rows.values()) for c in COLUMNS}
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV", help="show 'before → after' against this git revision")
    args = parser.parse_args(argv)
    after = table(None)
    before = table(args.before) if args.before else None
    print("| notebook | " + " | ".join(COLUMNS) + " |")
    print("| --- |" + " ---: |" * len(COLUMNS))
    for name, row in after.items():
        cells = [f"{before[name][c]} → {row[c]}" if before and name in before else str(row[c]) for c in COLUMNS]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
