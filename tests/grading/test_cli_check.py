"""``coursework check NOTEBOOK``: the student's self-check on the released 01_features
notebook (the lecture's 8-second experiment cell left out to keep the test short)."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from helpers.class_fixtures import A, REPO, cli, solution_sources, submission

pytestmark = pytest.mark.slow

RELEASE = REPO / "notebooks" / A / f"{A}.ipynb"
RIGHT = solution_sources(REPO / "solutions" / A / f"{A}.ipynb")


def _student_notebook(folder, answers):
    nb = submission(RELEASE, answers)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "exp_run"]
    path = folder / f"{A}.ipynb"
    nbformat.write(nb, path)
    return path


ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def _env():
    import os

    env = dict(os.environ, **ENV)
    env.pop("COURSEWORK_STUDENT_ID", None)
    return env


def test_all_visible_checks_pass(tmp_path):
    path = _student_notebook(tmp_path, RIGHT)
    before = path.read_bytes()
    proc = cli("check", str(path), cwd=tmp_path, env=_env())
    out = proc.stdout
    assert "PASS  hist_shape" in out and "....  hist_hidden" in out and "FAIL" not in out
    assert "visible checks: 10 / 10 points, all visible checks pass; 6 more point(s) are checked when your " \
           "work is graded." in out
    assert path.read_bytes() == before  # the student's file is not touched


def test_failures_exit_non_zero_with_the_reason(tmp_path):
    answers = {"color_histogram": RIGHT["color_histogram"],
               "image_gradients": RIGHT["image_gradients"] + "\nwhile True:\n    pass"}
    path = _student_notebook(tmp_path, answers)
    proc = cli("check", str(path), "--timeout", "5", "--json", cwd=tmp_path, env=_env(), check=False)
    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    ex = {e["name"]: e for e in result["exercises"]}
    assert ex["color_histogram"]["score"] == 4 and ex["color_histogram"]["pending_points"] == 2
    assert ex["image_gradients"]["score"] == 0
    assert ex["image_gradients"]["reason"].startswith(
        "Exercise 'image_gradients' scores 0: timed out after 5 s in cell 'image_gradients'")
    failing = ex["cell_histograms"]["checks"][0]
    assert failing["status"] == "fail" and "not implemented yet" in failing["message"]
    assert result["failed"] == 4 and result["passed"] is False


def test_check_never_imports_nbgrader(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def f():\n    return 1", metadata={"nbgrader": {
                    "grade_id": "f", "solution": True, "grade": False, "locked": False, "schema_version": 3}}),
                nbformat.v4.new_code_cell("assert f() == 2, 'f() should be 2'", metadata={"nbgrader": {
                    "grade_id": "f_check", "solution": False, "grade": True, "points": 1, "locked": True,
                    "schema_version": 3}})]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    code = ("import sys\nfrom coursework.cli import main\nrc = main(['check', sys.argv[1]])\n"
            "assert 'nbgrader' not in sys.modules\nsys.exit(rc)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                          env=_env())
    assert proc.returncode == 1, proc.stderr
    assert "FAIL  f_check" in proc.stdout and "AssertionError: f() should be 2" in proc.stdout
