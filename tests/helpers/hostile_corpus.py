"""A corpus of hostile submissions, and the honest ones graded beside them.

Each :class:`Case` is one student's submission of one assignment: the answers it
starts from (right or blank), the code a hostile student adds, and what grading must
give it: the exact total, and for some checks the text their reason must contain.
``leaks`` are texts that must appear in no autograded notebook or feedback page
(hidden checks, solutions, the course secret). The attacks follow issue 13's list:
patching the checks (harness, check modules, ``sys.modules``, numpy's testing,
builtins, ``AssertionError``, IPython's traceback display), importing the reference,
reading and writing what the kernel must not reach, processes and threads that outlive
the kernel, a fork bomb, a disk fill, contacting other kernels and the grader, forged
nbgrader metadata, invalid / huge / missing notebooks, odd student ids, and attacks on
the judge's channel itself (a forged agent, garbage replies, an enormous result).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers.nbgrader_course import solution_sources, submission

#: (points of a whole assignment)
TOTALS = {"01_features": 16.0, "02_tensors": 13.0, "03_activations": 15.0, "04_backprop": 22.0,
          "06_regularization": 19.0, "07_overfitting": 13.0}
ASSIGNMENTS = tuple(TOTALS)
DISK_MB = 100
MAX_NOTEBOOK_MB = 5
MAX_CELLS = 500
#: a marker every process a submission starts carries in its command line or name
MARKER = "cw-hostile-marker"


@dataclass
class Case:
    assignment: str
    total: float
    right: bool = True                     # start from the right answers (else the blank release)
    add: dict = field(default_factory=dict)  # answer grade_id -> code appended to that cell
    replace: dict = field(default_factory=dict)  # answer grade_id -> the cell's whole code
    zero: dict = field(default_factory=dict)     # check grade_id -> text its reason must contain
    notes: tuple = ()                      # texts the record's notes must contain
    raw: bytes | None = None               # hand in these bytes as the notebook
    edit: object = None                    # a function (nb) -> None forging the notebook
    student: str | None = None             # the id (default: the case's name)


def _patch_all_checks(module: str) -> str:
    return f"""
import sys, builtins, importlib
import numpy as np
import grader_tests.harness as _h
_m = importlib.import_module({module!r})
for _n in dir(_m):
    if _n.startswith(("check_", "assert_")):
        setattr(_m, _n, lambda *a, **k: None)
for _n in ("call", "assert_close", "assert_shape", "as_result_array"):
    setattr(_h, _n, lambda *a, **k: None)
"""


PATCH_EVERYTHING = """
import sys, types, builtins
import numpy as np
from IPython import get_ipython
get_ipython().showtraceback = lambda *a, **k: None
get_ipython().showsyntaxerror = lambda *a, **k: None
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.allclose = lambda *a, **k: True
builtins.AssertionError = type("AssertionError", (Exception,), {})
_fake = types.ModuleType("grader_tests.features")
_fake.__getattr__ = lambda name: (lambda *a, **k: None)
sys.modules["grader_tests.features"] = _fake
sys.modules["grader_tests.hidden.features"] = _fake
"""


def _try(label: str, code: str) -> str:
    """``code`` in a try block that prints what happened (the printed text must never leak)."""
    body = "\n".join("    " + ln for ln in code.strip().splitlines())
    return f"""
try:
{body}
    print({label!r}, "WORKED")
except BaseException as _e:
    print({label!r}, "refused:", type(_e).__name__)
"""


def cases(course: Path) -> dict[str, Case]:
    c = str(course)
    hidden = f"{c}/solutions/01_features/01_features.ipynb"
    blank01 = dict(right=False, zero={"hist_shape": "not implemented yet"})
    return {
        # -- patching the checks (answers left blank / wrong) ------------------------------------
        "patch-checks-01": Case("01_features", 0.0, **blank01, add={"color_histogram": _patch_all_checks(
            "grader_tests.features")}),
        "patch-everything-01": Case("01_features", 0.0, **blank01, add={"color_histogram": PATCH_EVERYTHING}),
        "patch-checks-04": Case("04_backprop", 0.0, right=False, add={"myvalue": _patch_all_checks(
            "grader_tests.backprop")}, zero={"ops_visible": ""}),
        "patch-checks-06": Case("06_regularization", 0.0, right=False, add={"l2_penalty": _patch_all_checks(
            "grader_tests.regularization") + PATCH_EVERYTHING}, zero={"l2_lecture": "not implemented yet"}),
        "patch-checks-03": Case("03_activations", 0.0, right=False, add={"sigmoid": _patch_all_checks(
            "grader_tests.activations")}, zero={"sigmoid_forward": "not implemented yet"}),
        # -- the reference -----------------------------------------------------------------------
        "import-reference-01": Case("01_features", 10.0, replace={
            "color_histogram": "from coursework.features import color_histogram"},
            zero={"hist_shape": "not implemented yet", "hist_hidden": "not implemented yet"}),
        "read-reference-file-01": Case("01_features", 10.0, replace={"color_histogram": (
            f"exec(open({c + '/coursework/features/color_histogram.py'!r}).read())")},
            zero={"hist_shape": "PermissionError"}),
        "import-reference-07": Case("07_overfitting", 6.0, add={
            "polynomial_features": "from coursework.experiments.polynomials import polynomial_features"},
            zero={"poly_shape": "not implemented yet"}),
        # -- reading what the kernel must not reach; the printed text must leak nowhere ------------
        "read-hidden-and-solutions-01": Case("01_features", 16.0, add={"extract_features": _try(
            "hidden", f"print(open({c + '/grader_tests/hidden/features.py'!r}).read())") + _try(
            "solutions", f"print(open({hidden!r}).read())") + _try(
            "secret", f"print(open({c + '/.coursework-secret'!r}).read())") + _try(
            "listdir", f"print(__import__('os').listdir({c!r}))")}),
        "read-gradebook-01": Case("01_features", 16.0, add={"extract_features": _try("gradebook", f"""
import sqlite3
con = sqlite3.connect({c + '/gradebook.db'!r})
print(con.execute('select * from grade').fetchall())""")}),
        "copy-into-folder-01": Case("01_features", 16.0, add={"extract_features": _try("copy", f"""
import shutil
shutil.copy({hidden!r}, 'leak.ipynb')""") + _try("symlink (allowed, in its own folder)", f"""
import os
os.symlink({c + '/grader_tests/hidden'!r}, 'hidden-link')
os.symlink({c + '/gradebook.db'!r}, 'gradebook-link.db')""") + _try("base64", f"""
import base64
print(base64.b64encode(open({hidden!r}, 'rb').read()).decode())""")}),
        "env-and-proc-01": Case("01_features", 16.0, add={"extract_features": _try("environ (allowed)", """
import os
print(sorted(os.environ))
print(os.environ.get('COURSEWORK_SECRET_FILE'), os.environ.get('COURSEWORK_STUDENT_ID'))""") + _try(
            "parent environ", "print(open(f'/proc/{__import__(\"os\").getppid()}/environ').read())") + _try(
            "tmp", "print(__import__('os').listdir('/tmp'))")}),
        # -- writing the gradebook and the course ---------------------------------------------------
        "write-gradebook-01": Case("01_features", 16.0, add={"extract_features": _try("sql", f"""
import sqlite3
con = sqlite3.connect({c + '/gradebook.db'!r})
con.execute("update grade set manual_score = 1000, extra_credit = 100")
con.execute("delete from grade where id in (select id from grade limit 11)")
con.commit()""")}),
        "delete-course-01": Case("01_features", 16.0, add={"extract_features": _try("rm submitted", f"""
import shutil
shutil.rmtree({c + '/submitted/honest-01'!r})""") + _try("rm autograded", f"""
import shutil
shutil.rmtree({c + '/autograded'!r})""") + _try("overwrite hidden", f"""
open({c + '/grader_tests/hidden/features.py'!r}, 'w').write('def check_histogram_random(f): pass')""") + _try(
            "overwrite solutions", f"open({hidden!r}, 'w').write('{{}}')") + _try(
            "overwrite release", f"open({c + '/notebooks/01_features/01_features.ipynb'!r}, 'w').write('{{}}')")}),
        "config-injection-01": Case("01_features", 16.0, add={"extract_features": _try("config", f"""
open({c + '/nbgrader_config.py'!r}, 'a').write('\\nimport os; os.system("touch /tmp/{MARKER}-pwned")\\n')""")}),
        # -- processes, threads, resources ----------------------------------------------------------
        "daemons-01": Case("01_features", 16.0, add={"extract_features": _try("fork", """
import os
if os.fork() == 0:
    os.setsid()
    import time
    while True: time.sleep(1)""") + _try("popen", f"""
import subprocess
subprocess.Popen(['sleep', '1000', '{MARKER}'], start_new_session=True)""") + _try("thread (allowed)", f"""
import threading, time
def _spin():
    while True:
        time.sleep(0.05)
threading.Thread(target=_spin, name='{MARKER}', daemon=False).start()""")}),
        "fork-bomb-01": Case("01_features", 16.0, add={"extract_features": """
import os
_made = 0
for _ in range(200):
    try:
        if os.fork() == 0:
            os._exit(0)
        _made += 1
    except OSError:
        pass
print("processes started:", _made)
"""}),
        "disk-fill-01": Case("01_features", 14.0, add={"extract_features": """
import os
_i = 0
while True:
    with open(f"fill-{_i}.bin", "wb") as _f:
        _f.write(os.urandom(8 << 20))
    _i += 1
"""}, zero={"concat_visible": "wrote more than"}),
        "big-file-01": Case("01_features", 16.0, add={"extract_features": _try("big file", """
with open("big.bin", "wb") as _f:
    for _ in range(100):
        _f.write(b"x" * (1 << 20))""")}),
        "network-and-kernels-01": Case("01_features", 16.0, add={"extract_features": _try("tcp", """
import socket
socket.create_connection(("127.0.0.1", 22), timeout=1)""") + _try("udp", """
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9))""") + _try("kernels", """
import glob, json, os
paths = [p for d in os.listdir('/tmp') for p in glob.glob(f'/tmp/{d}/run/kernel.json')]
assert paths, 'no other kernel found'
for path in paths:
    print(json.load(open(path))['key'])""") + _try("signal grader", """
import os, signal
os.kill(os.getppid(), signal.SIGTERM)""") + _try("signal init", """
import os, signal
os.kill(1, signal.SIGTERM)""")}),
        # -- the judge's channel ---------------------------------------------------------------------
        "forged-agent-01": Case("01_features", 0.0, right=False, add={"color_histogram": """
import json, sys, types
from IPython.display import publish_display_data
_MIME = "application/x-coursework-judge+json"
def _serve(text):
    publish_display_data({_MIME: json.dumps({"ok": {"$a": ["float64", [512], "AAAA"]}})})
_orig_exec = exec
import builtins
builtins.exec = lambda *a, **k: None      # the judge's bootstrap does nothing
sys.modules["_coursework_agent"] = types.SimpleNamespace(serve=_serve)
"""}, zero={"hist_shape": "did not answer the judge"}),
        "garbage-replies-01": Case("01_features", 0.0, right=False, add={"color_histogram": """
from IPython.core.interactiveshell import InteractiveShell
import IPython.display as _d
_orig = _d.publish_display_data
def _garbage(data, *a, **k):
    data = {key: '{"ok": {"$pickle": "gASVAAAA"}}' for key in data}
    return _orig(data, *a, **k)
_d.publish_display_data = _garbage
"""}),
        "enormous-result-01": Case("01_features", 10.0, replace={"color_histogram": """
import numpy as np
def color_histogram(image, bins=8):
    return np.zeros(20_000_000)
"""}, zero={"hist_shape": "cannot be checked (an array of 20000000 elements"}),
        "object-result-01": Case("01_features", 10.0, replace={"color_histogram": """
import numpy as np
class Sneaky(np.ndarray):
    def __eq__(self, other):
        return True
def color_histogram(image, bins=8):
    return np.array([object()] * (bins ** 3), dtype=object)
"""}, zero={"hist_shape": "expected an array of numbers"}),
        "endless-call-01": Case("01_features", 12.0, replace={"image_gradients": """
def image_gradients(image):
    while True:
        pass
"""}, zero={"grad_visible": "timed out"}),
        # -- forged metadata ---------------------------------------------------------------------------
        "forged-points-01": Case("01_features", 16.0, edit=lambda nb: _set_meta(nb, "hist_shape", points=1000)),
        "forged-new-check-01": Case("01_features", 16.0, edit=_add_bonus_check,
                                    notes=("claimed to be the graded cell 'bonus'",)),
        "forged-duplicate-ids-01": Case("01_features", 16.0, edit=_duplicate_check,
                                        notes=("claimed to be the graded cell 'hist_shape'",)),
        "forged-kernelspec-01": Case("01_features", 16.0, edit=_bash_kernel),
        "forged-cell-type-01": Case("01_features", 16.0, edit=_check_to_markdown,
                                    notes=("'hist_values' was edited",)),
        "forged-answer-locked-01": Case("01_features", 16.0, edit=lambda nb: _set_meta(
            nb, "hist_values", solution=True, grade=False)),
        # -- notebooks that cannot be graded ---------------------------------------------------------------
        "invalid-json-01": Case("01_features", 0.0, raw=b"{\"cells\": [ this is not json",
                                zero={"hist_shape": "could not be graded"}),
        "huge-notebook-01": Case("01_features", 0.0, edit=_huge, zero={"hist_shape": "over the limit"}),
        "many-cells-01": Case("01_features", 0.0, edit=_many_cells, zero={"hist_shape": "over the limit"}),
        "missing-01": Case("01_features", 0.0, raw=b"", zero={"hist_shape": "missing"}),
        # -- odd student ids ------------------------------------------------------------------------------
        "odd-space": Case("01_features", 16.0, student="jane doe"),
        "odd-unicode": Case("01_features", 16.0, student="학생-01"),
        "odd-formula": Case("01_features", 16.0, student="=1+1"),
        # -- honest submissions ---------------------------------------------------------------------------
        "honest-01": Case("01_features", 16.0),
        "honest-partial-01": Case("01_features", 8.0, right=False, add={}, replace={}),
        "honest-02": Case("02_tensors", 13.0),
        "honest-03": Case("03_activations", 15.0),
        "honest-04": Case("04_backprop", 22.0),
        "honest-06": Case("06_regularization", 19.0),
        "honest-07": Case("07_overfitting", 13.0),
    }


HONEST = ("honest-01", "honest-partial-01", "honest-02", "honest-03", "honest-04", "honest-06", "honest-07")


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _set_meta(nb, grade_id, **values):
    _cell(nb, grade_id).metadata["nbgrader"].update(values)


def _add_bonus_check(nb):
    from nbformat.v4 import new_code_cell

    nb.cells.insert(9, new_code_cell("pass", metadata={"nbgrader": {
        "grade": True, "grade_id": "bonus", "points": 100, "locked": True, "solution": False, "schema_version": 3}}))


def _duplicate_check(nb):
    import copy

    cell = copy.deepcopy(_cell(nb, "hist_shape"))
    cell.source = "pass"
    cell.metadata["nbgrader"]["points"] = 50
    cell.pop("id", None)
    nb.cells.insert(9, cell)


def _bash_kernel(nb):
    nb.metadata["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}


def _check_to_markdown(nb):
    cell = _cell(nb, "hist_values")
    cell.cell_type = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)


def _huge(nb):
    from nbformat.v4 import new_markdown_cell

    nb.cells.append(new_markdown_cell("x" * ((MAX_NOTEBOOK_MB + 1) << 20)))


def _many_cells(nb):
    from nbformat.v4 import new_code_cell

    nb.cells += [new_code_cell("") for _ in range(MAX_CELLS + 100)]


def build(course: Path, names: tuple[str, ...] | None = None) -> dict[str, Case]:
    """Write the submissions of ``names`` (default: all) into ``course/submitted``."""
    found = cases(course)
    chosen = {k: v for k, v in found.items() if names is None or k in names}
    for name, case in chosen.items():
        student = case.student or name
        folder = course / "submitted" / student / case.assignment
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{case.assignment}.ipynb"
        if case.raw is not None:
            if case.raw:
                target.write_bytes(case.raw)
            else:
                (folder / "homework-final.ipynb").write_text("{}")  # handed in under another name
            continue
        release = course / "notebooks" / case.assignment / f"{case.assignment}.ipynb"
        right = solution_sources(course / "solutions" / case.assignment / f"{case.assignment}.ipynb")
        answers = dict(right) if case.right else {}
        if name == "honest-partial-01":
            answers = {k: right[k] for k in ("color_histogram", "image_gradients")}
        for grade_id, code in case.add.items():
            answers[grade_id] = answers.get(grade_id, _stub(release, grade_id)) + "\n" + code
        answers.update(case.replace)
        nb = submission(release, answers)
        if case.edit is not None:
            case.edit(nb)
        nbformat.write(nb, target)
    return chosen


def _stub(release: Path, grade_id: str) -> str:
    nb = nbformat.read(release, as_version=4)
    return _cell(nb, grade_id).source


def json_dump(data) -> str:
    return json.dumps(data, indent=1, sort_keys=True, default=str)
