"""One answer cell as canonical Python: what a copying student changes, undone.

:func:`canonical` parses the cell and writes it back with :func:`ast.unparse`, one
statement per line, after these rewrites (each undoes a disguise; both sides of a
comparison get the same, so an honest difference survives and a cosmetic one does not):

- **comments, whitespace, blank lines, parentheses, quotes**: gone with the parse;
- **string literals** (f-strings too) become ``"s"``; docstrings, bare constants (``...``)
  and ``pass`` next to other statements are dropped;
- **dead code**: ``if False:`` / ``if 0:`` / ``while False:`` blocks, statements after a
  ``return`` / ``raise`` / ``break`` / ``continue``, and assignments in a function to a
  local name that the function never reads (repeated until none is left);
- **a loop turned into a comprehension** (or back): ``out = []`` followed by
  ``for ...: out.append(e)`` (nested loops and one ``if`` too) becomes
  ``out = [e for ...]``; the same for ``set()`` / ``.add`` and ``{}`` / ``d[k] = v``;
  ``list(e for ...)`` becomes ``[e for ...]``;
- ``x += y`` becomes ``x = x + y``; ``x = e`` then ``return x`` becomes ``return e``;
- **reordered functions and statements**: every run of consecutive ``def`` / ``class``
  statements (in the cell and inside a class) is sorted by its shape with the names left
  out, and every run of simple statements (assignments, calls) is put in one order that
  keeps what depends on what (a topological order, ties broken by shape).

Renamed identifiers are left to the tokenizer that follows (:mod:`.fingerprint`: every
name becomes one symbol); statements moved across a loop or a block are left to the
fingerprints (a set: order only matters at the edges of a moved piece).

Every canonical line remembers the lines of the original cell it came from
(:attr:`Canonical.origin`), so a match found in canonical code is shown on the student's
own text. A cell that is not Python (a syntax error, IPython magics we cannot drop) is
kept as it is, line for line: the tokenizer still reads it.
"""

from __future__ import annotations

import ast
import copy
import heapq
import re
from dataclasses import dataclass

__all__ = ["Canonical", "canonical", "MAX_CELL_CHARS"]

#: A cell is cut to this many characters before anything reads it (a hostile cell of
#: megabytes must not make a comparison slow); :attr:`Canonical.cut` says so.
MAX_CELL_CHARS = 20_000

_MAGIC = re.compile(r"^[ \t]*[%!]", re.M)   # IPython magics and shell lines: linear, anchored
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STMT_LISTS = ("body", "orelse", "finalbody")
_END_BLOCK = (ast.Return, ast.Raise, ast.Break, ast.Continue)


@dataclass(frozen=True)
class Canonical:
    """A cell in canonical form.

    Attributes
    ----------
    text : str
        The canonical source, one statement (or block header) per line.
    origin : tuple of (int, int)
        For line ``i`` of ``text`` (0-based), the first and last line (1-based, inclusive)
        of the original cell it came from.
    source : str
        The original cell (cut to :data:`MAX_CELL_CHARS`), as shown in the report.
    parsed : bool
        False when the cell was not Python and ``text`` is the source itself.
    cut : bool
        True when the original was longer than :data:`MAX_CELL_CHARS`.
    """

    text: str
    origin: tuple[tuple[int, int], ...]
    source: str
    parsed: bool = True
    cut: bool = False


def canonical(source: str) -> Canonical:
    """The canonical form of one cell's ``source`` (see the module docstring)."""
    if not isinstance(source, str):
        raise TypeError(f"canonical: expected the cell's source as str, got {type(source).__name__}")
    cut = len(source) > MAX_CELL_CHARS
    if cut:
        source = source[:MAX_CELL_CHARS]
    code = _MAGIC.sub(lambda m: " " * (m.end() - m.start() - 1) + "#", source)
    try:
        tree = ast.parse(code)
        tree = _Rewrite().visit(tree)
        ast.fix_missing_locations(tree)
        lines: list[tuple[str, tuple[int, int]]] = []
        _emit(tree.body, 0, lines)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raw = source.split("\n")
        return Canonical(source, tuple((i, i) for i in range(1, len(raw) + 1)), source, parsed=False, cut=cut)
    return Canonical("\n".join(t for t, _ in lines), tuple(o for _, o in lines), source, True, cut)


# -- rewriting ------------------------------------------------------------------------------

def _constant_truth(test: ast.AST) -> bool | None:
    if isinstance(test, ast.Constant) and not isinstance(test.value, (str, bytes)):
        return bool(test.value)
    return None


class _Rewrite(ast.NodeTransformer):
    """The rewrites of the module docstring, bottom-up."""

    def generic_visit(self, node):
        super().generic_visit(node)
        for field in _STMT_LISTS:
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                keep_pass = field == "body" and not isinstance(node, ast.Module)
                setattr(node, field, self._block(stmts, keep_pass))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = _drop_unread(node)
        if isinstance(node, (ast.Module, ast.ClassDef)):
            node.body = _sort_definitions(node.body)
        return node

    def _block(self, stmts: list, keep_pass: bool) -> list:
        out: list[ast.stmt] = []
        for stmt in stmts:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue                                   # docstring, `...`, a bare number
            if isinstance(stmt, ast.Pass):
                continue
            if isinstance(stmt, (ast.If, ast.While)) and _constant_truth(stmt.test) is not None:
                if isinstance(stmt, ast.If):
                    out.extend(stmt.body if _constant_truth(stmt.test) else stmt.orelse)
                    continue
                if not _constant_truth(stmt.test):
                    out.extend(stmt.orelse)
                    continue
            out.append(stmt)
            if isinstance(stmt, _END_BLOCK):
                break                                      # the rest is unreachable
        out = _loops_to_comprehensions(out)
        if (len(out) >= 2 and isinstance(out[-1], ast.Return) and isinstance(out[-1].value, ast.Name)
                and isinstance(out[-2], ast.Assign) and len(out[-2].targets) == 1
                and isinstance(out[-2].targets[0], ast.Name) and out[-2].targets[0].id == out[-1].value.id):
            ret = ast.Return(out[-2].value)                # `x = e; return x` is `return e`
            ast.copy_location(ret, out[-2])
            ret.end_lineno = out[-1].end_lineno
            out[-2:] = [ret]
        out = _sort_statements(out)
        if not out and keep_pass:
            out = [ast.Pass()]
        return out

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            return ast.copy_location(ast.Constant("s"), node)
        if isinstance(node.value, bytes):
            return ast.copy_location(ast.Constant(b"s"), node)
        return node

    def visit_JoinedStr(self, node):
        return ast.copy_location(ast.Constant("s"), node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        load = copy.deepcopy(node.target)
        for sub in ast.walk(load):
            if hasattr(sub, "ctx"):
                sub.ctx = ast.Load()
        load.ctx = ast.Load()
        new = ast.Assign([node.target], ast.BinOp(load, node.op, node.value))
        return ast.copy_location(new, node)

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if (isinstance(func, ast.Name) and func.id in ("list", "set") and len(node.args) == 1
                and not node.keywords and isinstance(node.args[0], ast.GeneratorExp)):
            gen = node.args[0]
            kind = ast.ListComp if func.id == "list" else ast.SetComp
            return ast.copy_location(kind(gen.elt, gen.generators), node)
        return node


def _empty_container(value: ast.AST) -> str | None:
    """'list' / 'set' / 'dict' when ``value`` builds an empty one."""
    if isinstance(value, ast.List) and not value.elts:
        return "list"
    if isinstance(value, ast.Dict) and not value.keys:
        return "dict"
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and not value.args and not value.keywords:
        if value.func.id in ("list", "set", "dict"):
            return value.func.id
    return None


def _filled_by(loop: ast.stmt, name: str, kind: str):
    """For ``for`` loops that only fill ``name``: (generators, element or (key, value)), else None."""
    generators = []
    stmt = loop
    while True:
        if isinstance(stmt, ast.For) and not stmt.orelse and len(stmt.body) == 1:
            generators.append(ast.comprehension(stmt.target, stmt.iter, [], 0))
            stmt = stmt.body[0]
        elif (isinstance(stmt, ast.If) and generators and not stmt.orelse and len(stmt.body) == 1):
            generators[-1].ifs.append(stmt.test)
            stmt = stmt.body[0]
        else:
            break
    if not generators:
        return None
    if kind in ("list", "set") and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        method = "append" if kind == "list" else "add"
        if (isinstance(call.func, ast.Attribute) and call.func.attr == method and isinstance(call.func.value, ast.Name)
                and call.func.value.id == name and len(call.args) == 1 and not call.keywords):
            if not _mentions(call.args[0], name):
                return generators, call.args[0]
    if kind == "dict" and isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == name
                and not _mentions(stmt.value, name) and not _mentions(target.slice, name)):
            return generators, (target.slice, stmt.value)
    return None


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


#: How far after ``x = []`` the loop that fills ``x`` is looked for (statements).
LOOKAHEAD = 4


def _loops_to_comprehensions(stmts: list) -> list:
    """``x = []`` and, within :data:`LOOKAHEAD` statements, the next statement that mentions
    ``x`` a loop that only appends to it: one ``x = [... for ...]`` at the loop's place."""
    out = list(stmts)
    i = 0
    while i < len(out):
        stmt = out[i]
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and _empty_container(stmt.value)):
            name, kind = stmt.targets[0].id, _empty_container(stmt.value)
            j = next((j for j in range(i + 1, min(len(out), i + 1 + LOOKAHEAD)) if _mentions(out[j], name)), None)
            found = _filled_by(out[j], name, kind) if j is not None else None
            if found:
                generators, elt = found
                if kind == "list":
                    value = ast.ListComp(elt, generators)
                elif kind == "set":
                    value = ast.SetComp(elt, generators)
                else:
                    value = ast.DictComp(elt[0], elt[1], generators)
                new = ast.Assign([ast.Name(name, ast.Store())], value)
                ast.copy_location(new, stmt)
                new.end_lineno = out[j].end_lineno
                out[j] = new
                del out[i]
                continue
        i += 1
    return out


#: Each pass drops the assignments nobody reads, then what only they read: a chain of
#: dead assignments longer than this keeps its start (a crafted chain of thousands would
#: otherwise cost a pass per link).
MAX_DEAD_PASSES = 8


def _drop_unread(func: ast.AST) -> list:
    """The function's body without assignments to local names it never reads."""
    declared = {n for node in ast.walk(func) if isinstance(node, (ast.Global, ast.Nonlocal)) for n in node.names}
    body = func.body
    for _ in range(MAX_DEAD_PASSES):
        read = {n.id for n in ast.walk(ast.Module(body, [])) if isinstance(n, ast.Name)
                and not isinstance(n.ctx, ast.Store)}
        changed = [False]

        def unread(stmt) -> bool:
            if not isinstance(stmt, ast.Assign):
                return False
            names = [n for t in stmt.targets for n in ast.walk(t)]
            if not all(isinstance(n, (ast.Name, ast.Tuple, ast.List, ast.Store, ast.Starred)) for n in names):
                return False
            ids = {n.id for n in names if isinstance(n, ast.Name)}
            return bool(ids) and not (ids & read) and not (ids & declared)

        def prune(stmts: list) -> list:
            kept = []
            for stmt in stmts:
                if unread(stmt):
                    changed[0] = True
                    continue
                if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    for field in _STMT_LISTS:
                        inner = getattr(stmt, field, None)
                        if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                            setattr(stmt, field, prune(inner) or [ast.Pass()] * (field == "body"))
                    for handler in getattr(stmt, "handlers", []) or []:
                        handler.body = prune(handler.body) or [ast.Pass()]
                kept.append(stmt)
            return kept

        body = prune(body) or [ast.Pass()]
        if not changed[0]:
            break
    return body


def _shape(node: ast.AST) -> str:
    """A definition's text with every name replaced: the same for a renamed copy."""
    try:
        return _NAME.sub("v", ast.unparse(node))
    except (RecursionError, ValueError):
        return ""


_SIMPLE = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)


def _touches(stmt: ast.AST) -> tuple[set[str], set[str]]:
    """(names read, names written); a bare call (``x.sort()``) counts as writing every name in it."""
    read, written = set(), set()
    for n in ast.walk(stmt):
        if isinstance(n, ast.Name):
            (written if isinstance(n.ctx, (ast.Store, ast.Del)) else read).add(n.id)
    if isinstance(stmt, ast.Expr):
        written |= read
    return read, written


#: Longer runs of simple statements keep their order (sorting is quadratic in the run).
MAX_RUN = 64


def _sort_statements(stmts: list) -> list:
    """Each run of simple statements in one order, whatever order they were written in:
    a topological order of what depends on what, ties broken by shape (names left out)."""
    out, run = [], []
    for stmt in stmts + [None]:
        if isinstance(stmt, _SIMPLE):
            run.append(stmt)
            continue
        if 1 < len(run) <= MAX_RUN:
            touch = [_touches(s) for s in run]
            waits = [sum(1 for i in range(j) if _depends(touch[i], touch[j])) for j in range(len(run))]
            keys = [_shape(s) for s in run]
            ready = [(keys[j], j) for j in range(len(run)) if not waits[j]]
            heapq.heapify(ready)
            order = []
            while ready:
                _, i = heapq.heappop(ready)
                order.append(run[i])
                for j in range(i + 1, len(run)):
                    if _depends(touch[i], touch[j]):
                        waits[j] -= 1
                        if not waits[j]:
                            heapq.heappush(ready, (keys[j], j))
            run = order
        out.extend(run)
        run = []
        if stmt is not None:
            out.append(stmt)
    return out


def _depends(first: tuple[set, set], later: tuple[set, set]) -> bool:
    return bool(first[1] & (later[0] | later[1]) or later[1] & first[0])


def _sort_definitions(stmts: list) -> list:
    out, run = [], []
    for stmt in stmts + [None]:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            run.append(stmt)
            continue
        out.extend(sorted(run, key=_shape) if len(run) > 1 else run)
        run = []
        if stmt is not None:
            out.append(stmt)
    return out


# -- writing, with the line map -------------------------------------------------------------

def _span(node: ast.AST) -> tuple[int, int]:
    first = getattr(node, "lineno", 1) or 1
    last = getattr(node, "end_lineno", first) or first
    return first, max(first, last)


def _header_end(stmt: ast.AST) -> int:
    """The last line of a block statement's header: its signature or condition, not its body."""
    end = _span(stmt)[0]
    for name, value in ast.iter_fields(stmt):
        if name in ("body", "orelse", "finalbody", "handlers", "decorator_list"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                for sub in ast.walk(item):
                    end = max(end, getattr(sub, "end_lineno", None) or end)
    return end


def _header(node: ast.AST, **empty) -> list[str]:
    """The block's header lines (decorators, ``def ...:``), without its body."""
    head = copy.copy(node)
    for field, value in empty.items():
        setattr(head, field, value)
    return ast.unparse(head).split("\n")


def _emit(stmts: list, depth: int, out: list) -> None:
    pad = "    " * depth
    for stmt in stmts:
        first, last = _span(stmt)
        head_span = (min([first] + [_span(d)[0] for d in getattr(stmt, "decorator_list", [])]), _header_end(stmt))
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith,
                             ast.For, ast.AsyncFor, ast.While, ast.If)):
            for line in _header(stmt, body=[], **({"orelse": []} if hasattr(stmt, "orelse") else {})):
                out.append((pad + line, head_span))
            _emit(stmt.body, depth + 1, out)
            if getattr(stmt, "orelse", None):
                out.append((pad + "else:", (_span(stmt.orelse[0])[0],) * 2))
                _emit(stmt.orelse, depth + 1, out)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            out.append((pad + "try:", (first, first)))
            _emit(stmt.body, depth + 1, out)
            for handler in stmt.handlers:
                for line in _header(handler, body=[]):
                    out.append((pad + line, (_span(handler)[0],) * 2))
                _emit(handler.body, depth + 1, out)
            for field, word in (("orelse", "else:"), ("finalbody", "finally:")):
                if getattr(stmt, field):
                    out.append((pad + word, (_span(getattr(stmt, field)[0])[0],) * 2))
                    _emit(getattr(stmt, field), depth + 1, out)
        else:
            for line in ast.unparse(stmt).split("\n"):
                out.append((pad + line, (first, last)))
