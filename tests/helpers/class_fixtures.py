"""A generated class for the grading tools' end-to-end tests.

``make_course`` copies the course's nbgrader inputs (and, for the bundle, the package)
into a temporary folder. ``class_kinds`` describes one submission of ``01_features`` per
kind -- perfect, blank, partial, raising, timing out at top level after a correct
``def``, deleted and edited test cells, a kernel that dies, huge output, a memory hog,
a kernel that ignores the interrupt, a missing notebook -- with the exact score and
the reasons each must get. ``tiny_assignment`` is a two-check assignment that runs in
about a second, for the tests that grade many times (determinism, kill and resume).

To keep the suite short, the class copy of ``01_features`` leaves out the one cell
that is neither graded nor needed by a check (``exp_run``, the lecture's 8-second
experiment); the benchmark grades the notebook whole.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers.nbgrader_course import REPO, solution_sources, submission, submit

__all__ = ["REPO", "A", "TOTAL", "cell_metadata", "python_notebook", "class_kinds", "Kind", "demo_cells", "make_course", "cli", "measured_cli", "build_class",
           "tiny_assignment", "TINY", "submit_tiny", "solution_sources", "submission", "submit", "secret_texts",
           "page_text", "CLASS_HOSTILE", "grade_class", "snapshot"]

A = "01_features"
TOTAL = 16.0
TIMEOUT = 10
SLOW_UNGRADED = ("exp_run",)
PER_CELL = {"hist_shape": 1, "hist_values": 2, "hist_properties": 1, "hist_hidden": 2, "grad_visible": 1,
            "grad_hidden": 1, "cells_visible": 2, "cells_hidden": 2, "hog_pipeline": 2, "concat_visible": 1,
            "concat_hidden": 1}
EXERCISES = {"color_histogram": ("hist_shape", "hist_values", "hist_properties", "hist_hidden"),
             "image_gradients": ("grad_visible", "grad_hidden"),
             "cell_histograms": ("cells_visible", "cells_hidden", "hog_pipeline"),
             "extract_features": ("concat_visible", "concat_hidden")}


def demo_cells(assignment: str) -> set[str]:
    """The grade ids of an assignment's demo cells: locked code that neither a check nor an answer
    needs. A class graded only for its scores may leave them out (``make_course(drop=...)``): the
    scores come from the answers and the checks alone."""
    from coursework.grading.exercises import is_answer, is_check, meta

    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return {meta(c).get("grade_id") for c in nb.cells if c.cell_type == "code" and not is_answer(c)
            and not is_check(c) and meta(c).get("grade_id") not in ("setup", "my_hog")}


def make_course(tmp: Path, assignments=(A,), *, package: bool = False, drop=SLOW_UNGRADED) -> Path:
    """A course folder in ``tmp``: config, the assignments' sources (without the ``drop``
    cells), and with ``package`` the package sources, pyproject.toml and environment.yml."""
    course = tmp / "course"
    course.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", course)
    for assignment in assignments:
        src = REPO / "solutions" / assignment
        if not src.is_dir():
            continue
        shutil.copytree(src, course / "solutions" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for path in (course / "solutions" / assignment).glob("*.ipynb"):
            nb = nbformat.read(path, as_version=4)
            nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in drop]
            nbformat.write(nb, path)
    if package:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
        for name in ("coursework", "grader_tests"):
            shutil.copytree(REPO / name, course / name, ignore=ignore)
        for name in ("pyproject.toml", "environment.yml"):
            shutil.copy(REPO / name, course)
    return course


def cli(*args: str, cwd: Path | None = None, timeout: float = 600, check: bool = True,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m coursework.cli ARGS`` (the console script's code) and return it."""
    full_env = dict(os.environ if env is None else env)
    full_env.setdefault("MPLBACKEND", "Agg")
    full_env.pop("COURSEWORK_STUDENT_ID", None)
    proc = subprocess.run([sys.executable, "-m", "coursework.cli", *args], cwd=cwd or REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"coursework {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


# Runs `coursework ARGS` in this process and writes its peak resident memory (KiB; its
# kernels, other processes, not included) to the file named by $COURSEWORK_RSS_OUT.
_MEASURED = """
import os, resource, sys
from coursework.cli import main
try:
    code = main(sys.argv[1:])
finally:
    with open(os.environ["COURSEWORK_RSS_OUT"], "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
sys.exit(code)
"""


def measured_cli(*args: str, cwd: Path | None = None, timeout: float = 1800,
                 check: bool = True) -> tuple[subprocess.CompletedProcess, float]:
    """:func:`cli`, and the command's peak resident memory in MB (the grading process alone)."""
    import tempfile

    fd, out = tempfile.mkstemp(prefix="cw-rss-")
    os.close(fd)
    env = dict(os.environ, COURSEWORK_RSS_OUT=out, MPLBACKEND="Agg")
    env.pop("COURSEWORK_STUDENT_ID", None)
    try:
        proc = subprocess.run([sys.executable, "-c", _MEASURED, *args], cwd=cwd or REPO, env=env,
                              capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"coursework {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
        return proc, int(Path(out).read_text() or 0) / 1024
    finally:
        os.unlink(out)


# -- the class of 01_features ------------------------------------------------------------

RAISES = '''
def color_histogram(image, bins=8):
    raise RuntimeError("not today")
'''
WRONG_SHAPE = '''
def color_histogram(image, bins=8):
    pixels = image.reshape(-1, 3).astype(np.int64) * bins // 256
    hist, _ = np.histogramdd(pixels, bins=bins, range=[(0, bins)] * 3)
    return hist / len(pixels)          # forgot to flatten: (bins, bins, bins)
'''
MUTATES = '''
def extract_features(images, extractors):
    images[0] = 0.0                    # changes the caller's array
    return np.concatenate([np.asarray(f(images)).reshape(len(images), -1) for f in extractors], axis=1)
'''


@dataclass
class Kind:
    """One submission: how it is built, its exact total, and what must be said about it.

    ``zero``: check -> a text its reason must contain (the check scores 0);
    ``notes``: texts the record's notes must contain; ``feedback``: texts its feedback
    page must show.
    """

    total: float
    answers: dict = field(default_factory=dict)       # grade_id -> code (added to the right answers)
    right: bool = True                                # start from the right answers?
    delete: tuple = ()
    edit: dict = field(default_factory=dict)          # grade_id -> new source of a test cell
    zero: dict = field(default_factory=dict)
    notes: tuple = ()
    feedback: tuple = ()
    missing: bool = False                             # hand in the notebook under another name


def _with(right: dict, grade_id: str, tail: str) -> dict:
    return {grade_id: right[grade_id] + "\n" + tail}


def _zero(cells, text):
    return {c: text for c in cells}


def class_kinds(right: dict) -> dict[str, Kind]:
    hist, grad, cells, concat = (EXERCISES[k] for k in EXERCISES)
    timed = "timed out after 10 s in cell 'image_gradients'"
    died = "the kernel died in cell 'cell_histograms' (exit code 1)"
    stubborn = "timed out after 10 s in cell 'extract_features' and ignored the interrupt; the kernel was stopped"
    return {
        "perfect": Kind(TOTAL),
        "blank": Kind(0.0, right=False,
                      zero=_zero(PER_CELL, "not implemented yet (the function raised NotImplementedError)"),
                      feedback=("not implemented yet",)),
        "partial": Kind(8.0, right=False, answers={k: right[k] for k in ("color_histogram", "image_gradients")},
                        zero={**_zero(cells, "not implemented yet (the function raised NotImplementedError)"),
                              **_zero(concat, "not implemented yet (the function raised NotImplementedError)")}),
        "raises": Kind(10.0, answers={"color_histogram": RAISES},
                       zero=_zero(hist, "your function raised RuntimeError: not today"),
                       feedback=("your function raised RuntimeError: not today",)),
        "raises_top": Kind(10.0, answers=_with(right, "color_histogram", 'raise ValueError("oops at top level")'),
                           zero=_zero(hist, "Exercise 'color_histogram' scores 0: cell 'color_histogram' raised "
                                            "ValueError: oops at top level"),
                           feedback=("cell 'color_histogram' raised ValueError: oops at top level",)),
        "loops": Kind(14.0, answers=_with(right, "image_gradients", "while True:\n    pass"),
                      zero=_zero(grad, timed), feedback=(timed,)),
        "deleted": Kind(TOTAL, delete=("hist_values", "hog_pipeline", "concat_hidden"),
                        notes=("The test cell 'hist_values' was deleted", "The test cell 'hog_pipeline' was deleted",
                               "The test cell 'concat_hidden' was deleted"),
                        feedback=("This check was deleted in your notebook; it was restored",)),
        "edited": Kind(10.0, answers={"color_histogram": WRONG_SHAPE},
                       edit={"hist_shape": "pass", "hist_values": "assert True", "hist_hidden": "pass"},
                       zero={**_zero(hist, "expected shape ("),
                             "hist_shape": "expected shape (8,), got shape (2, 2, 2)"},
                       notes=("The test cell 'hist_shape' was edited", "The test cell 'hist_hidden' was edited"),
                       feedback=("This check was edited in your notebook; it was restored",)),
        "dies": Kind(8.0, answers=_with(right, "cell_histograms", "import os\nos._exit(1)"),
                     zero={**_zero(cells, died), **_zero(concat, died)}, notes=(died,), feedback=(died,)),
        "huge": Kind(TOTAL, answers=_with(right, "extract_features", 'print("spam " * 6_000_000)'),
                     notes=("The output of cell 'extract_features' was cut",)),
        "memory": Kind(14.0, answers=_with(right, "extract_features", "hog = bytearray(64 * 2**30)"),
                       zero=_zero(concat, "cell 'extract_features' raised MemoryError")),
        "wrongshape": Kind(10.0, answers={"color_histogram": WRONG_SHAPE},
                           zero={**_zero(hist, "expected shape ("),
                                 "hist_shape": "expected shape (8,), got shape (2, 2, 2)"},
                           feedback=("expected shape (8,), got shape (2, 2, 2)",)),
        "mutates": Kind(14.0, answers={"extract_features": MUTATES},
                        zero=_zero(concat, "modified its input array in place")),
        "stubborn": Kind(14.0, answers=_with(right, "extract_features",
                                             "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                             "while True:\n    pass"),
                         zero=_zero(concat, stubborn), notes=(stubborn,)),
        "missing": Kind(0.0, missing=True, zero=_zero(PER_CELL, "01_features.ipynb is missing from the submission")),
    }


def build_class(course: Path) -> dict[str, Kind]:
    """Submit one notebook per kind into ``course/submitted``; return student -> Kind."""
    release = course / "notebooks" / A / f"{A}.ipynb"
    source = course / "solutions" / A / f"{A}.ipynb"
    right = solution_sources(source)
    kinds = class_kinds(right)
    for student, kind in kinds.items():
        answers = {**(right if kind.right else {}), **kind.answers}
        nb = submission(release, answers)
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in kind.delete]
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in kind.edit:
                cell.source = kind.edit[gid]
        if kind.missing:
            folder = course / "submitted" / student / A
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / "my_homework.ipynb")
        else:
            submit(course, student, A, nb)
    return kinds


#: hostile_corpus's submissions graded in the class beside class_kinds' fifteen kinds
CLASS_HOSTILE = ("patch-checks-01", "patch-everything-01", "read-hidden-and-solutions-01", "read-gradebook-01")


def grade_class(tmp: Path) -> dict:
    """The class of 01_features, graded as a lecturer grades it, from a folder outside the course:
    release, ``class_kinds``' fifteen kinds and :data:`CLASS_HOSTILE`'s submissions, ``coursework
    autograde --jobs 2 --timeout 10``, then feedback, export and report.

    Returns course, outside (the folder the commands ran in), kinds, cases (the hostile ones), run
    (the autograde process: its JSON on stdout, its progress bar on stderr), summary (that JSON),
    expected (student -> exact total) and before (:func:`snapshot` right after grading).
    """
    from helpers import hostile_corpus

    course = make_course(tmp)
    outside = tmp / "somewhere-else"
    outside.mkdir()
    cli("release", A, "--no-bundle", "--course", str(course), cwd=outside)
    kinds = build_class(course)
    cases = hostile_corpus.build(course, CLASS_HOSTILE)
    run = cli("autograde", A, "--course", str(course), "--jobs", "2", "--timeout", "10", "--json", cwd=outside)
    before = snapshot(course, A)
    cli("feedback", A, "--course", str(course), cwd=outside)
    cli("export", "--course", str(course), cwd=outside)
    cli("report", A, "--course", str(course), cwd=outside)
    return {"course": course, "outside": outside, "kinds": kinds, "cases": cases, "run": run,
            "summary": json.loads(run.stdout), "before": before,
            "expected": {**{s: k.total for s, k in kinds.items()}, **{s: c.total for s, c in cases.items()}}}


def snapshot(course: Path, assignment: str) -> dict:
    """Per student: the record (timings left out) and the judged cells' outputs."""
    out = {}
    for path in sorted((course / "autograded" / ".coursework" / assignment).glob("*.json")):
        record = _untimed(json.loads(path.read_text()))
        student = record["student"]
        cells = {}
        graded = course / "autograded" / student / assignment / f"{assignment}.ipynb"
        if graded.exists():
            nb = nbformat.read(graded, as_version=4)
            cells = {c.metadata["nbgrader"]["grade_id"]: c.outputs for c in nb.cells
                     if c.metadata.get("coursework", {}).get("judged")}
        out[student] = {"record": record, "judged": cells}
    return out


def _untimed(data):
    if isinstance(data, dict):
        return {k: _untimed(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_untimed(v) for v in data]
    return data


# -- a tiny assignment ----------------------------------------------------------------------

TINY = "99_tiny"


def cell_metadata(grade_id: str, **kw) -> dict:
    """A cell's nbgrader metadata: locked, not a solution, not graded, unless ``kw`` says otherwise."""
    return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "locked": True, "solution": False,
                         "grade": False, **kw}}


def python_notebook() -> nbformat.NotebookNode:
    """An empty notebook for the course's Python 3 kernel."""
    return new_notebook(metadata={"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                                 "name": "python3"}, "language_info": {"name": "python"}})


def tiny_assignment(course: Path, *, answer_sleep: float = 0.0) -> Path:
    """``solutions/99_tiny/99_tiny.ipynb``: ``double(x)`` with a visible check (1 point) and a
    hidden check on a random integer drawn per student (2 points) that prints its input."""
    nb = python_notebook()
    nb.cells = [
        new_markdown_cell("# Tiny\nWrite `double(x)`.", metadata=cell_metadata("intro")),
        new_code_cell("import time\nfrom grader_tests.harness import student_rng", metadata=cell_metadata("setup")),
        new_code_cell(f"def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
                      f"time.sleep({answer_sleep})",
                      metadata=cell_metadata("double", locked=False, solution=True)),
        new_code_cell("# 1 point\nassert double(4) == 8, 'double(4) should be 8'",
                      metadata=cell_metadata("double_visible", grade=True, points=1)),
        new_code_cell("# 2 points: a random integer, checked when your work is graded\n"
                      "### BEGIN HIDDEN TESTS\n"
                      "secret_x = int(student_rng('99_tiny', 'double').integers(0, 10**6))\n"
                      "print('hidden input', secret_x)\n"
                      "assert double(secret_x) == 2 * secret_x, 'double(a random integer) is wrong'\n"
                      "### END HIDDEN TESTS",
                      metadata=cell_metadata("double_hidden", grade=True, points=2)),
    ]
    folder = course / "solutions" / TINY
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{TINY}.ipynb"
    nbformat.write(nb, path)
    return path


EVEN_ONLY = "def double(x):\n    return 2 * x if x % 2 == 0 else 0\n"


def submit_tiny(course: Path, student: str, answer: str = EVEN_ONLY, sleep: float = 0.0) -> None:
    release = course / "notebooks" / TINY / f"{TINY}.ipynb"
    code = answer + (f"\nimport time\ntime.sleep({sleep})\n" if sleep else "")
    submit(course, student, TINY, submission(release, {"double": code}))


# -- what feedback must never show --------------------------------------------------------

def secret_texts(source_nb: Path) -> list[str]:
    """Hidden-check text: the marker, the hidden module, and every line of every hidden region."""
    from coursework.grading.exercises import hidden_regions

    nb = nbformat.read(source_nb, as_version=4)
    out = {"HIDDEN TESTS", "grader_tests.hidden", "grader_tests/hidden", "student_rng("}
    for cell in nb.cells:
        for region in hidden_regions(cell.source):
            out.update(" ".join(ln.split()) for ln in region.splitlines() if len(ln.strip()) >= 8)
    return sorted(out)


def page_text(path: Path) -> str:
    from coursework.grading.output.feedback_html import page_text as text

    return text(path.read_text(encoding="utf-8"))
