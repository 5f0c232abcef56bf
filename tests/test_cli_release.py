"""``coursework release``: the student bundle holds no solution, no hidden check and no
reference implementation, installs into a fresh environment, and its notebook runs up
to the first exercise the student has to write.

The package sources do not carry ``# BEGIN REFERENCE`` markers yet, so the test
copies the course and marks the graded functions of 01_features in the copy.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import zipfile

import nbformat
import pytest

from class_fixtures import A, cli, make_course
from coursework.grading.exercises import hidden_regions
from coursework.grading.strip import STUB

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]

MARKED = {"coursework/features/color_histogram.py": ("color_histogram",),
          "coursework/features/hog_steps.py": ("image_gradients", "orientation_histograms"),
          "coursework/features/extract.py": ("extract_features",)}
SOLUTION = re.compile(r"### BEGIN SOLUTION\s*\n(.*?)\n[ \t]*### END SOLUTION", re.S)


def add_markers(path, names) -> list[str]:
    """Wrap the bodies (after the docstring) of the module-level functions ``names`` in
    reference markers; return the bodies' source."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    spans = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            body = node.body
            has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant)
            first = body[1] if has_doc else body[0]
            spans.append((first.lineno, node.end_lineno, " " * first.col_offset))
    assert len(spans) == len(names), (path, names)
    bodies = []
    for start, end, indent in sorted(spans, reverse=True):
        bodies.append("".join(lines[start - 1:end]))
        lines[end:end] = [f"{indent}# END REFERENCE\n"]
        lines[start - 1:start - 1] = [f"{indent}# BEGIN REFERENCE\n"]
    path.write_text("".join(lines))
    return bodies


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("release")
    course = make_course(tmp, package=True)
    bodies = []
    for rel, names in MARKED.items():
        bodies += add_markers(course / rel, names)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    proc = cli("release", A, "--course", str(course), cwd=elsewhere)
    bundle = course / "dist" / "nn-part1-student.zip"
    return course, bundle, bodies, proc


def test_release_regenerates_the_notebooks(released):
    course, _, _, proc = released
    assert "4 reference region(s) stripped from 3 file(s)" in proc.stdout
    nb = nbformat.read(course / "notebooks" / A / f"{A}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN HIDDEN TESTS" not in text and "### BEGIN SOLUTION" not in text
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert code.count("raise NotImplementedError()") == 4


def test_bundle_holds_what_a_student_needs_and_nothing_else(released):
    _, bundle, _, _ = released
    names = {n.split("/", 1)[1] for n in zipfile.ZipFile(bundle).namelist()}
    for needed in ("README.md", "environment.yml", "pyproject.toml", f"notebooks/{A}/{A}.ipynb",
                   "coursework/features/color_histogram.py", "grader_tests/features.py", "grader_tests/harness.py",
                   "grader_tests/expected/01_features.npz", "coursework/cli.py"):
        assert needed in names, needed
    for name in names:
        assert not name.startswith(("solutions/", "grader_tests/hidden/", "grader_tests/builders/", "tests/")), name
        assert name not in ("grader_tests/make_expected.py", "nbgrader_config.py", "gradebook.db"), name
        assert "__pycache__" not in name


def test_bundle_has_no_solution_hidden_check_or_reference_body(released):
    course, bundle, bodies, _ = released
    source = nbformat.read(course / "solutions" / A / f"{A}.ipynb", as_version=4)
    solutions = [_norm(b) for c in source.cells for b in SOLUTION.findall(c.source)]
    hidden = [_norm(ln) for c in source.cells for r in hidden_regions(c.source) for ln in r.splitlines()
              if len(ln.strip()) >= 8]
    assert len(solutions) == 4 and len(hidden) >= 8 and len(bodies) == 4
    with zipfile.ZipFile(bundle) as zf:
        texts = {n: zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if not n.endswith(".npz")}
    everything = {n: _norm(t) for n, t in texts.items()}
    for name, text in everything.items():
        if name.endswith(".ipynb"):
            nb = nbformat.reads(texts[name], as_version=4)
            text = _norm("\n".join(c.source for c in nb.cells))
        for secret in solutions + hidden + [_norm(b) for b in bodies]:
            assert secret not in text, f"{name} holds {secret[:60]!r}"
    stub = next(t for n, t in texts.items() if n.endswith("features/color_histogram.py"))
    assert STUB in stub and '"""Joint RGB histogram' in stub  # body gone, docstring kept


def test_bundle_installs_and_runs_up_to_the_first_exercise(released, tmp_path):
    _, bundle, _, _ = released
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(tmp_path / "student")
    project = tmp_path / "student" / "nn-part1-student"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # the course's dependencies come from this environment; the bundle itself is installed
    ours = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (venv / "lib").joinpath(os.path.relpath(site, venv / "lib"), "_course_deps.pth").write_text(ours + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet",
                              "--ignore-installed", "--no-deps", "--no-build-isolation", "-e", str(project)],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COURSEWORK_STUDENT_ID")}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
    probe = subprocess.run([str(py), "-c",
                            "import importlib, numpy as np\n"
                            "m = importlib.import_module('coursework.features.color_histogram')\n"
                            "print(m.__file__)\n"
                            "try:\n    m.color_histogram(np.zeros((2, 2, 3), np.uint8))\n"
                            "except NotImplementedError as e:\n    print('NotImplementedError:', e)\n"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.splitlines()[0].startswith(str(project))
    assert "NotImplementedError: reference implementation not shipped to students" in probe.stdout

    notebook = project / "notebooks" / A / f"{A}.ipynb"
    check = subprocess.run([str(py), "-m", "coursework.cli", "check", str(notebook), "--json"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=600)
    assert check.returncode == 1, check.stdout + check.stderr
    result = json.loads(check.stdout)
    cells = result["cells"]
    first_check = next(i for i, c in enumerate(cells) if c["grade_id"] == "hist_shape")
    assert first_check >= 4  # setup, the two semantic-gap cells, the answer cell
    for cell in cells[:first_check]:
        assert cell["status"] == "ok", cell
    first = result["exercises"][0]
    assert first["name"] == "color_histogram" and first["checks"][0]["status"] == "fail"
    assert "not implemented yet (the function raised NotImplementedError)" in first["checks"][0]["message"]
    assert first["checks"][-1]["status"] == "pending"  # the hidden check is not in the student's copy
