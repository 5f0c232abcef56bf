"""Build an assignment's student bundle and run its notebook inside it, as a student would.

Two runs per assignment, each with ``python -m coursework.cli check --json`` from the
unpacked bundle (``PYTHONPATH`` = the bundle, so the stripped package and the public
checks are the ones imported, never this checkout's):

- ``blank``: the released notebook as handed out -- every cell up to the first answer
  cell must run;
- ``answered``: the released notebook with the source notebook's solutions filled in
  -- every cell must run and every visible check must pass, i.e. no demo or check
  needs a reference implementation the bundle does not ship.

Usable from the tests (:func:`build_bundles`, :func:`run_in_bundle`) and by hand while
marking reference regions::

    python tests/helpers/bundle_run.py 03_activations [05_sgd ...]     # prints the failing cells
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/: run as a script too
from helpers.class_fixtures import cli, make_course  # noqa: E402
from helpers.nbgrader_course import REPO, solution_sources, submission  # noqa: E402

__all__ = ["build_bundles", "unpack", "run_in_bundle", "bundle_env", "failures", "ALL"]

ALL = tuple(sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir() and not p.name.startswith(".")))


def build_bundles(tmp: Path, assignments=ALL) -> tuple[Path, subprocess.CompletedProcess]:
    """A course copy in ``tmp`` with every assignment, released; returns (dist folder, release process)."""
    course = make_course(tmp, assignments=ALL, package=True, drop=())
    dist = tmp / "dist"
    proc = cli("release", *assignments, "--course", str(course), "--dist", str(dist), cwd=tmp)
    return dist, proc


def unpack(dist: Path, assignment: str, dest: Path) -> Path:
    """Unzip ``assignment``'s bundle into ``dest``; returns the bundle's top folder."""
    zips = sorted(dist.glob(f"*-{assignment}.zip"))
    assert len(zips) == 1, f"expected one bundle of {assignment} in {dist}, found {zips}"
    with zipfile.ZipFile(zips[0]) as zf:
        zf.extractall(dest)
        top = {n.split("/", 1)[0] for n in zf.namelist()}
    assert len(top) == 1, top
    return dest / top.pop()


def bundle_env(project: Path | None) -> dict:
    """A student's environment: none of ours (no PYTHONPATH, no student id), one BLAS thread,
    no display; with ``project`` its packages come first on the path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COURSEWORK_STUDENT_ID")}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
    if project is not None:
        env["PYTHONPATH"] = str(project)
    return env


def run_in_bundle(project: Path, assignment: str, answered: bool, timeout: float = 900) -> dict:
    """``coursework check --json`` of the bundle's notebook (with the solutions when ``answered``)."""
    (notebook,) = sorted((project / "notebooks" / assignment).glob("*.ipynb"))
    if answered:
        source = REPO / "solutions" / assignment / notebook.name
        nb = submission(notebook, solution_sources(source))
        notebook = notebook.with_name("answered-" + notebook.name)
        nbformat.write(nb, notebook)
    probe = subprocess.run([sys.executable, "-c", "import coursework, grader_tests; "
                            "print(coursework.__file__); print(grader_tests.__file__)"],
                           cwd=project.parent, env=bundle_env(project), capture_output=True, text=True, check=True)
    for line in probe.stdout.split():
        assert line.startswith(str(project)), f"imported {line}, not the bundle's package"
    proc = subprocess.run([sys.executable, "-m", "coursework.cli", "check", str(notebook), "--json",
                           "--timeout", "300"],
                          cwd=project.parent, env=bundle_env(project), capture_output=True, text=True,
                          timeout=timeout)
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(f"coursework check gave no JSON:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def failures(result: dict) -> list[str]:
    """Cells that did not run, and visible checks that failed."""
    out = [f"cell {c['grade_id'] or c['index']}: {c['status']} {c['ename'] or ''}: {(c['evalue'] or '')[:300]}"
           for c in result["cells"] if c["status"] != "ok"]
    out += [f"check {c['grade_id']}: {c.get('message', '')[:300]}"
            for ex in result["exercises"] for c in ex["checks"] if c["status"] == "fail"]
    return out


def main(argv: list[str]) -> int:
    assignments = argv or list(ALL)
    with tempfile.TemporaryDirectory(prefix="bundle-run-") as tmp:
        tmp = Path(tmp)
        dist, proc = build_bundles(tmp, assignments)
        print(proc.stdout)
        bad = 0
        for assignment in assignments:
            project = unpack(dist, assignment, tmp / "unpacked" / assignment)
            result = run_in_bundle(project, assignment, answered=True)
            problems = failures(result)
            bad += bool(problems)
            print(f"== {assignment}: answered notebook in its bundle: {len(result['cells'])} cells, "
                  f"{result['seconds']} s, {len(problems)} problem(s)")
            for p in problems:
                print("   ", p)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
