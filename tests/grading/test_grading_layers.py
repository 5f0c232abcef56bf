"""The layout of coursework/grading holds (coursework.grading.LAYERS): read from the code's own
imports, so that a new import that breaks it fails here.

- no import from a lower part into a higher one, nor between two parts of one floor;
- no circle of imports between modules (function-local imports included);
- no private name (``_x``) of one module used in another;
- code that runs in the student's kernel (kernel/) imports the standard library and numpy
  only (and, inside the functions that run there, the kernel's own IPython): checked on
  its imports, and by loading it as the kernel does with every other import refused;
- a function-local import says why it is one (``# here: ...``).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import coursework.grading as grading
from coursework.grading.kernel import agent
from coursework.grading.kernel.launcher import LAUNCHER

ROOT = Path(grading.__file__).parent
PACKAGE = "coursework.grading"
GROUND = ("course", "settings", "secret", "exercises")
STDLIB = set(sys.stdlib_module_names)


@dataclass(frozen=True)
class Import:
    module: str          # the importing module (dotted)
    target: str          # the imported module (dotted; for "from X import name", X.name when that is a module)
    names: tuple         # the names taken ("from X import a, b"), () for "import X"
    line: int
    local: bool          # inside a function
    text: str            # the source line


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


def _is_module(dotted: str) -> bool:
    if not dotted.startswith(PACKAGE):
        return False
    rel = dotted[len(PACKAGE):].lstrip(".").replace(".", "/")
    return (ROOT / f"{rel}.py").is_file() or (ROOT / rel / "__init__.py").is_file()


def _imports(path: Path) -> list[Import]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            text = lines[child.lineno - 1] if hasattr(child, "lineno") else ""
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(module, alias.name, (), child.lineno, local, text))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    if _is_module(sub):
                        found.append(Import(module, sub, (), child.lineno, local, text))
                    else:
                        found.append(Import(module, target, (alias.name,), child.lineno, local, text))
            visit(child, inner)

    visit(tree, False)
    return found


MODULES = sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)
IMPORTS = {_module_name(p): _imports(p) for p in MODULES}


def part(dotted: str) -> str:
    rest = dotted[len(PACKAGE):].lstrip(".")
    first = rest.split(".")[0]
    if first in GROUND:
        return "ground"
    return first


def floor(name: str) -> int:
    for number, parts in enumerate(reversed(grading.LAYERS), start=1):
        if name in parts:
            return number
    raise AssertionError(f"part {name!r} is on no floor of coursework.grading.LAYERS")


def test_every_part_is_on_a_floor():
    parts = {part(m) for m in IMPORTS if m != PACKAGE}
    assert parts == {p for floor_ in grading.LAYERS for p in floor_}
    for name in parts:
        floor(name)


def test_no_import_up_or_across_a_floor():
    wrong = []
    for module, imports in IMPORTS.items():
        if module == PACKAGE:
            continue
        mine = part(module)
        for imp in imports:
            if not imp.target.startswith(PACKAGE):
                continue
            if imp.target == PACKAGE:
                wrong.append(f"{module}:{imp.line} imports the package itself")
                continue
            theirs = part(imp.target)
            if theirs != mine and floor(theirs) >= floor(mine):
                wrong.append(f"{module}:{imp.line} ({mine}, floor {floor(mine)}) imports {imp.target} "
                             f"({theirs}, floor {floor(theirs)})")
    assert not wrong, "\n".join(wrong)


def test_no_circle_between_modules():
    graph = {m: sorted({i.target for i in imps if i.target.startswith(PACKAGE) and i.target in IMPORTS
                        and i.target != m}) for m, imps in IMPORTS.items()}
    state: dict[str, int] = {}
    circles = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                circles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            walk(node, [node])
    assert not circles, "\n".join(circles)


def test_no_private_name_used_across_modules():
    wrong = []
    for module, imports in IMPORTS.items():
        aliases = {}
        for imp in imports:
            if imp.target.startswith(PACKAGE) and imp.target != module:
                wrong += [f"{module}:{imp.line} imports {imp.target}.{n}" for n in imp.names
                          if n.startswith("_") and not n.startswith("__")]
                if not imp.names:
                    aliases[imp.target.rpartition(".")[2]] = imp.target
        path = next(p for p in MODULES if _module_name(p) == module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                wrong.append(f"{module}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    assert not wrong, "\n".join(wrong)


def test_a_function_local_import_says_why():
    unexplained = [f"{m}:{i.line}: {i.text.strip()}" for m, imps in IMPORTS.items() for i in imps
                   if i.local and "# here:" not in i.text]
    assert not unexplained, "function-local imports without '# here: <why>':\n" + "\n".join(unexplained)


# -- the kernel's part ---------------------------------------------------------------------------

KERNEL = f"{PACKAGE}.kernel"


def test_kernel_code_imports_the_standard_library_and_numpy_only():
    wrong = []
    for module, imports in IMPORTS.items():
        if not module.startswith(KERNEL):
            continue
        for imp in imports:
            top = imp.target.split(".")[0]
            if imp.target.startswith(KERNEL) or top in STDLIB or top == "numpy" or top == "__future__":
                continue
            if imp.local and top == "IPython":      # the kernel's own, where the agent serves
                continue
            wrong.append(f"{module}:{imp.line} imports {imp.target}")
    assert not wrong, "\n".join(wrong)


def test_the_launcher_imports_the_standard_library_and_the_kernel_only():
    tops = set()
    for node in ast.walk(ast.parse(LAUNCHER)):
        if isinstance(node, ast.Import):
            tops |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            tops.add((node.module or "").split(".")[0])
    assert tops - STDLIB == {"zmq", "ipykernel"}


REFUSE = r"""
import importlib.abc, json, os, runpy, sys, sysconfig
ALLOWED = set(sys.stdlib_module_names) | {"numpy"}
STDLIB_DIR = os.path.realpath(sysconfig.get_paths()["stdlib"])
refused = []
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ALLOWED:
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith("<frozen"):
            frame = frame.f_back
        if frame is not None and os.path.realpath(frame.f_code.co_filename).startswith(STDLIB_DIR):
            return None            # the standard library's own probe (copy.py tries Jython's org.python)
        refused.append(name)
        raise ImportError(f"refused: {name}")
sys.meta_path.insert(0, Refuse())
request = json.loads(sys.stdin.read())
sandbox = runpy.run_path(request["sandbox"])
outputs = runpy.run_path(request["outputs"])
exec(compile(request["agent"], "<agent>", "exec"), {})
agent = sys.modules["_coursework_agent"]
made = agent.Agent({"double": lambda x: 2 * x})
reply = json.loads(made.handle(json.dumps({"op": "global", "name": "double"})))
print(json.dumps({"refused": refused, "policy": sorted(sandbox["Policy"]().__dict__),
                  "cut": outputs["bounded_error"]({"ename": "E" * 500})["ename"][:10],
                  "handle": "$h" in reply["ok"], "numpy": "numpy" in sys.modules}))
"""


def test_kernel_code_loads_with_every_other_import_refused():
    """As the kernel loads them: the sandbox and the output cut by path (the launcher's
    ``runpy.run_path``), the agent as the code the judge sends (wire's source and its own)."""
    request = {"sandbox": str(ROOT / "kernel" / "sandbox.py"), "outputs": str(ROOT / "kernel" / "outputs.py"),
               "agent": agent.bootstrap_code()}
    done = subprocess.run([sys.executable, "-I", "-c", REFUSE], input=json.dumps(request), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["refused"] == []
    assert report["handle"] and report["numpy"] and report["cut"] == "E" * 10
    assert "read_only" in report["policy"]


@pytest.mark.parametrize("name", ["sandbox.py", "outputs.py", "wire.py", "agent.py", "launcher.py"])
def test_kernel_part_holds_what_runs_in_the_kernel(name):
    assert (ROOT / "kernel" / name).is_file()
