"""Code cells in the course's language: their comments and printed text, never their code.

The format is the markdown's (:mod:`.notebooks`): a code cell whose comments or printed
labels a student reads holds its Korean version in its metadata::

    cell.metadata["coursework"]["i18n"]["ko"] = {"source": "<the cell in Korean>",
                                                "translates": fingerprint(<the English source>)}

with one difference: in the record each ``### BEGIN SOLUTION`` / ``### BEGIN HIDDEN TESTS``
region, markers and all, is one line ``#@nbgrader-region`` (:func:`blank_regions`), so no
answer, hidden check or marker is copied into metadata, which a release keeps; the regions
come from the cell itself when the Korean is read (:func:`fill_regions`,
:func:`~.notebooks.text_in`).
:func:`~.notebooks.localize` puts the Korean in the cell when it releases the course in Korean.
A code cell without a record is the same in both languages.

**The rule** (:func:`code_differences`): the Korean cell is the same program.

- A graded cell (an nbgrader test cell) or an answer cell (nbgrader ``solution``) may differ
  from the English **in its comments only**: the same Python, token for token, once comments
  are dropped (IPython's magics included). ``# 1 point: …`` becomes ``# 1점: …``.
- Any other code cell (setup, demos) may also differ in the **text printed by** ``print(...)``:
  the string literals inside a ``print`` call, the literal parts and format specs of its
  f-strings (a Korean header may need another width). Its fields, their order and every other
  string (data keys, figure titles, which :mod:`.figures` translates when it draws them) are the
  same.
- nbgrader's marker lines (``### BEGIN SOLUTION``, ``### END HIDDEN TESTS`` ...) are the same.

:func:`~.notebooks.localize` refuses a release whose Korean breaks the rule, naming the cell.

**Checksums and grading.** nbgrader checksums every locked and graded cell from its text, so a
test cell's checksum follows its comments' language, exactly as a locked markdown cell's does:
``coursework release`` generates the release *and* the gradebook from the same localized
copy, so the two agree. The judge (``coursework autograde``) runs each test cell's code as the
source notebook has it (English comments; the code is the same), and a submission made from the
other language's release has its locked cells put back (nbgrader's ``OverwriteCells``) and is
not told it "edited" them (:func:`every_language`); the scores are the same in both languages
(``tests/i18n/test_i18n_grading.py``).
"""

from __future__ import annotations

import ast
import functools
import re
from typing import Any

__all__ = ["code_differences", "every_language", "is_graded", "student_text", "english_only", "blank_regions",
           "fill_regions", "MARKER", "REGION", "PLACEHOLDER"]

MARKER = re.compile(r"^\s*###\s*(BEGIN|END)\s+(SOLUTION|HIDDEN TESTS)\b.*$", re.M)
REGION = re.compile(r"^([ \t]*)###[ \t]*BEGIN (SOLUTION|HIDDEN TESTS)[^\n]*\n.*?^[ \t]*###[ \t]*END \2[^\n]*", re.M | re.S)
PLACEHOLDER = "#@nbgrader-region"
_PLACEHOLDER = re.compile(rf"^[ \t]*{re.escape(PLACEHOLDER)}[ \t]*$", re.M)


def blank_regions(source: str) -> str:
    """``source`` with each answer and hidden-test region (markers and body) replaced by one
    line ``#@nbgrader-region`` at its indentation: what a translation record stores, so that
    no answer, hidden check or marker ever sits in a cell's metadata, which a release keeps."""
    return REGION.sub(lambda m: m.group(1) + PLACEHOLDER, source)


def fill_regions(korean: str, english: str) -> str:
    """The Korean record ``korean`` with each ``#@nbgrader-region`` line replaced by the
    cell's own region from ``english``, in order (``ValueError`` when the counts differ)."""
    korean = blank_regions(korean)
    regions = [m.group(0) for m in REGION.finditer(english)]
    spots = list(_PLACEHOLDER.finditer(korean))
    if len(spots) != len(regions):
        raise ValueError(f"the translation has {len(spots)} answer or hidden-test region(s), the cell {len(regions)}")
    out, last = [], 0
    for m, region in zip(spots, regions):
        out += [korean[last:m.start()], region]
        last = m.end()
    return "".join(out) + korean[last:]


def is_graded(cell: Any) -> bool:
    """An nbgrader test cell or answer cell: only its comments may be translated."""
    meta = (cell.get("metadata") or {}).get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("solution"))


@functools.lru_cache(maxsize=1)
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _python(source: str) -> str:
    """``source`` as plain Python (IPython's ``%magic`` lines become calls)."""
    return _transformer().transform_cell(source)


def _printed(node: ast.AST) -> ast.AST:
    """``node`` (an argument of ``print``) with the text it shows blanked: string literals, the
    literal parts and format specs of f-strings, a field that is only a literal
    (``{'setting':>20}``), both sides of ``+`` / ``%``, the separator and the items of
    ``"sep".join(...)``. Names, keys, calls and every other expression are kept as they are."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return ast.Constant(value="")
    if isinstance(node, ast.JoinedStr):
        fields = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                value = _printed(v.value) if isinstance(v.value, ast.Constant) else v.value
                fields.append(ast.FormattedValue(value=value, conversion=v.conversion, format_spec=None))
        return ast.JoinedStr(values=fields)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return ast.BinOp(left=_printed(node.left), op=node.op, right=_printed(node.right))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
            and isinstance(node.func.value, ast.Constant) and len(node.args) == 1):
        arg = node.args[0]
        if isinstance(arg, (ast.GeneratorExp, ast.ListComp)):
            arg = type(arg)(elt=_printed(arg.elt), generators=arg.generators)
        return ast.Call(func=ast.Attribute(value=ast.Constant(value=""), attr="join", ctx=ast.Load()),
                        args=[arg], keywords=node.keywords)
    return node


def _printed_text_free(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            node.args = [_printed(a) for a in node.args]
            for kw in node.keywords:
                if kw.arg in ("sep", "end"):
                    kw.value = _printed(kw.value)
    return tree


def _shape(source: str, printed_text_free: bool) -> str:
    tree = ast.parse(_python(source))
    if printed_text_free:
        tree = _printed_text_free(tree)
    return ast.dump(tree, include_attributes=False)


def code_differences(english: str, korean: str, graded: bool) -> list[str]:
    """Why ``korean`` is not the same program as ``english`` under the rule above (empty: it is).
    ``graded``: a test or answer cell (comments only)."""
    problems = []
    if [m.group(0).strip() for m in MARKER.finditer(english)] != [m.group(0).strip() for m in MARKER.finditer(korean)]:
        problems.append("nbgrader's marker lines (### BEGIN/END ...) differ")
    try:
        same = _shape(english, not graded) == _shape(korean, not graded)
    except SyntaxError as exc:
        return problems + [f"not valid Python: {exc.msg} (line {exc.lineno})"]
    if not same:
        problems.append("the code differs in more than comments" if graded else
                        "the code differs in more than comments and the text that print(...) shows")
    return problems


def every_language(cell: Any) -> list[str]:
    """The cell's source in every language it has (the cell's own first; a code cell's
    translation with its regions filled in)."""
    source = cell.get("source", "")
    texts = [source]
    i18n = (cell.get("metadata") or {}).get("coursework", {}).get("i18n", {})
    if isinstance(i18n, dict):
        for entry in i18n.values():
            if isinstance(entry, dict) and isinstance(entry.get("source"), str):
                try:
                    texts.append(fill_regions(entry["source"], source) if cell.get("cell_type") == "code"
                                 else entry["source"])
                except ValueError:
                    continue
    return texts


_SOLUTION = re.compile(r"^[ \t]*###\s*BEGIN SOLUTION.*?^[ \t]*###\s*END SOLUTION[^\n]*$", re.M | re.S)


def student_text(source: str) -> list[str]:
    """What a student reads in a code cell besides the code: every comment outside the answer's
    region (``### BEGIN SOLUTION`` ... ``### END SOLUTION``, which the release replaces) and
    nbgrader's marker lines, and the text that ``print(...)`` calls show (:func:`_printed`)."""
    import io
    import tokenize

    python = _python(_SOLUTION.sub("pass", source))
    out = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
        tree = ast.parse(python)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return out
    out += [t.string.lstrip("#").strip() for t in tokens if t.type == tokenize.COMMENT and not MARKER.match(t.string)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            for arg in node.args:
                kept = {id(n) for n in ast.walk(_printed(arg))}
                out += [n.value for n in ast.walk(arg) if id(n) not in kept and isinstance(n, ast.Constant)
                        and isinstance(n.value, str) and n.value.strip()]
    return out


_FUNCTION_WORDS = frozenset("the a an of to and or with for from by on in at as is are was were be not your yours "
                            "this that these those it its than then when each every".split())


def english_only(texts: list[str]) -> list[str]:
    """The texts among ``texts`` that are still English for a Korean student: no Hangul, and an
    English function word ("the", "of", "your" ...) or a plain lower-case word that is neither a
    course term (the glossary, ``readings.csv``) nor code (names with ``_`` or ``.``)."""
    from .particles import _table

    vocabulary = _table()
    found = []
    for text in texts:
        if re.search("[가-힣]", text):
            continue
        words = [w for w in re.findall(r"[A-Za-z_][\w.']*", text) if "_" not in w and "." not in w]
        plain = [w.lower() for w in words if re.fullmatch(r"[A-Za-z]{2,}", w)]
        unknown = [w for w in plain if w in _FUNCTION_WORDS or (w.islower() and len(w) >= 3 and w not in vocabulary
                   and not (w.endswith("s") and w[:-1] in vocabulary) and not (w.endswith("es") and w[:-2] in vocabulary))]
        if unknown:
            found.append(text)
    return found
