"""``coursework release``: one student bundle per assignment that holds no solution, no
hidden check and no reference implementation of its own or a later exercise, installs
into a fresh environment, and whose notebook runs up to the first exercise the student
has to write. (The answered notebooks are run in their bundles in
test_bundle_answered.py.)

What must be stripped is computed here from the markers independently of
:func:`coursework.grading.release.bundle.stripped_from`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile

import nbformat
import pytest

from helpers.bundle_run import ALL, bundle_env, run_in_bundle, unpack
from helpers.class_fixtures import A, REPO
from coursework.grading.exercises import hidden_regions
from coursework.grading.release.strip import STUB, find_regions

pytestmark = pytest.mark.slow

SOLUTION = re.compile(r"### BEGIN SOLUTION\s*\n(.*?)\n[ \t]*### END SOLUTION", re.S)


def _norm(text: str) -> str:
    return " ".join(text.split())


def marked_regions() -> list[tuple[str, str | None, tuple[str, ...], str]]:
    """(file, tag, needed_by, body) of every reference region of the package sources."""
    return [(path.relative_to(REPO).as_posix(), r.tag, r.needed_by, r.body)
            for package in ("coursework", "grader_tests") for path in sorted((REPO / package).rglob("*.py"))
            for r in find_regions(path.read_text())]


def must_strip(assignment: str, tag: str | None, needed_by: tuple[str, ...]) -> bool:
    if tag is None or tag == assignment:
        return True
    return ALL.index(tag) > ALL.index(assignment) and assignment not in needed_by


@pytest.fixture(scope="module")
def released(bundles):
    """The bundles of every assignment (tests/conftest.py: built once, shared with
    tests/notebooks/test_bundle_answered.py)."""
    return bundles


def test_every_assignment_with_an_exercise_answered_in_the_package_is_marked():
    tags = {tag for _, tag, _, _ in marked_regions()}
    # 02_tensors' exercises are single array operations (transpose, reshape, broadcasting,
    # three matrix products) with no package function of their own to strip.
    assert tags == set(ALL) - {"02_tensors"}, tags


def test_release_builds_one_bundle_per_assignment_and_says_what_it_stripped(released):
    tmp, dist, proc = released
    assert sorted(p.name for p in dist.glob("*.zip")) == [f"nn-part1-{a}.zip" for a in ALL]
    regions = marked_regions()
    for assignment in ALL:
        expected = sum(must_strip(assignment, tag, needed) for _, tag, needed, _ in regions)
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("student bundle:") and assignment in ln)
        assert f"({expected} reference region(s) stripped" in line, line
        for path, tag, needed, _ in regions:
            if assignment in needed:
                assert f"note: {assignment}: ships {tag}'s reference in {path}" in proc.stdout
    assert "warning" not in proc.stdout
    nb = nbformat.read(tmp / "course" / "notebooks" / A / f"{A}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN HIDDEN TESTS" not in text and "### BEGIN SOLUTION" not in text


@pytest.mark.parametrize("assignment", ALL)
def test_bundle_holds_what_a_student_needs_and_nothing_else(released, assignment):
    _, dist, _ = released
    (path,) = dist.glob(f"*-{assignment}.zip")
    names = {n.split("/", 1)[1] for n in zipfile.ZipFile(path).namelist()}
    for needed in ("README.md", "environment.yml", "pyproject.toml", f"notebooks/{assignment}/{assignment}.ipynb",
                   "coursework/features/color_histogram.py", "grader_tests/harness.py", "grader_tests/messages.py",
                   f"grader_tests/expected/{assignment}.npz", "coursework/cli.py"):
        assert needed in names, needed
    assert not any(n.startswith("notebooks/") and not n.startswith(f"notebooks/{assignment}/") for n in names)
    for name in names:
        assert not name.startswith(("solutions/", "grader_tests/hidden/", "grader_tests/builders/", "tests/")), name
        assert name not in ("grader_tests/make_expected.py", "nbgrader_config.py", "gradebook.db"), name
        assert "__pycache__" not in name


@pytest.mark.parametrize("assignment", ALL)
def test_bundle_has_no_solution_hidden_check_or_unpublished_reference(released, assignment):
    _, dist, _ = released
    source = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    solutions = [_norm(b) for c in source.cells for b in SOLUTION.findall(c.source) if len(b.strip()) >= 12]
    hidden = [_norm(ln) for a in ALL for c in nbformat.read(REPO / "solutions" / a / f"{a}.ipynb", as_version=4).cells
              for r in hidden_regions(c.source) for ln in r.splitlines() if len(ln.strip()) >= 20]
    regions = marked_regions()
    secret = [_norm(body) for _, tag, needed, body in regions if must_strip(assignment, tag, needed) and body.strip()]
    kept = [_norm(body) for _, tag, needed, body in regions if not must_strip(assignment, tag, needed)]
    assert solutions and hidden and secret
    (path,) = dist.glob(f"*-{assignment}.zip")
    with zipfile.ZipFile(path) as zf:
        texts = {n: zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if not n.endswith(".npz")}
    for name, raw in texts.items():
        if name.endswith(".ipynb"):
            raw = "\n".join(c.source for c in nbformat.reads(raw, as_version=4).cells)
        text = _norm(raw)
        for body in solutions + hidden + secret:
            assert body not in text, f"{name} holds {body[:80]!r}"
    package = _norm("\n".join(t for n, t in texts.items() if n.endswith(".py")))
    for body in kept:   # published (earlier) and needed-by regions stay whole
        assert body in package, body[:80]


def test_bundle_installs_and_its_stubs_say_not_shipped(released, tmp_path):
    _, dist, _ = released
    project = unpack(dist, A, tmp_path / "student")
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

    env = bundle_env(None)   # the installed bundle, not a PYTHONPATH
    probe = subprocess.run([str(py), "-c",
                            "import importlib, numpy as np\n"
                            "m = importlib.import_module('coursework.features.color_histogram')\n"
                            "print(m.__file__)\n"
                            "try:\n    m.color_histogram(np.zeros((2, 2, 3), np.uint8))\n"
                            "except NotImplementedError as e:\n    print('NotImplementedError:', e)\n"
                            "try:\n    m.color_histogram(np.zeros((2, 2, 4), np.uint8))\n"
                            "except ValueError as e:\n    print('ValueError:', e)\n"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.splitlines()
    assert lines[0].startswith(str(project))
    assert "NotImplementedError: reference implementation not shipped to students" in lines
    assert any(ln.startswith("ValueError:") and "3" in ln for ln in lines)  # validation stays outside the region
    readme = (project / "README.md").read_text()
    assert f"notebooks/{A}/{A}.ipynb" in readme and "NotImplementedError" in readme
    stub = (project / "coursework" / "features" / "color_histogram.py").read_text()
    assert STUB in stub and '"""Joint RGB histogram' in stub  # body gone, docstring kept


@pytest.mark.parametrize("assignment", ALL)
def test_blank_notebook_runs_in_its_bundle_up_to_the_first_exercise(released, assignment, tmp_path):
    _, dist, _ = released
    project = unpack(dist, assignment, tmp_path)
    result = run_in_bundle(project, assignment, answered=False)
    nb = nbformat.read(project / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    first_answer = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    ran = {c["index"]: c for c in result["cells"]}
    before = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and i < first_answer]
    assert before, "no code before the first exercise"
    for index in before:
        assert ran[index]["status"] == "ok", ran[index]
    first = result["exercises"][0]
    assert first["checks"][0]["status"] == "fail"
    assert "not implemented yet" in json.dumps(first["checks"][0])
