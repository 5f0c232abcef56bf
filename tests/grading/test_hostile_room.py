"""The kernel's room under attack (issue 18): bounded outputs, nothing inherited, no socket
outside the room, any install, and what the kernel says about itself.

One class of ``01_features`` (without its demo cells) is graded once for the module, with small output limits
(256 KB per cell, 2 MB per notebook): honest students, then the whole class with
submissions that flood (many cells of 1 MB, one 50 MB line, 1 MB images, thousands of
display updates, a 20 MB error, one message of 300 MB in frames of 1 MB), look at their
descriptors and write into them, try unix sockets outside the room (a pathname server,
an abstract one, a datagram socket) and make the kernel answer "ok" for a cell that
raised. Asserted: each exact total and note; the honest scores equal those graded alone;
what is kept is bounded; the grader's peak memory stays within a bound of the honest
run's; no server outside heard anything. A second, smaller setup grades with the course
installed non-editably (``pip install .`` into a temporary venv).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from helpers.class_fixtures import (A, REPO, TINY, cli, demo_cells, make_course, measured_cli, solution_sources,
                                    submission, submit, submit_tiny, tiny_assignment)
from helpers.nbgrader_course import scores

pytestmark = pytest.mark.slow

PER_CELL_KB, PER_NOTEBOOK_MB = 256, 2
ARGS = ("--jobs", "2", "--timeout", "30", "--max-output", str(PER_CELL_KB), "--max-output-total",
        str(PER_NOTEBOOK_MB), "--json", "--no-progress")
MARKER = "cw-room-marker"
HONEST = ("honest", "honest-partial")

FLOOD_CELLS = [f"print('x' * (1 << 20))  # {i}" for i in range(40)]
FLOOD_LINE = ["print('y' * (50 << 20))"]
FLOOD_IMAGES = ["from IPython.display import Image, display\nimport os\n"
                "for _ in range(20):\n    display(Image(data=b'\\x89PNG\\r\\n\\x1a\\n' + os.urandom(1 << 20)))"]
FLOOD_UPDATES = ["from IPython.display import display, update_display\ndisplay('start', display_id='d')\n"
                 "for i in range(3000):\n    update_display('z' * 10_000 + str(i), display_id='d')"]
FLOOD_ERROR = ["raise ValueError('e' * 20_000_000)"]
MULTIPART = """
_k = get_ipython().kernel
_k.session.send(_k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'x'}, parent=_k.get_parent(),
                buffers=[b'x' * (1 << 20)] * 300)
"""
INHERIT = f"""
import json as _json, os as _os
_fds = {{}}
for _name in _os.listdir('/proc/self/fd'):
    try:
        _fds[int(_name)] = _os.readlink(f'/proc/self/fd/{{_name}}')
    except OSError:
        pass
print('FDS', _json.dumps(_fds, sort_keys=True))
for _fd, _target in _fds.items():
    if _fd in (1, 2) or (_target.startswith('/') and _target != '/dev/null'):
        try:
            _os.write(_fd, b'\\n{MARKER}\\n')
        except OSError:
            pass
"""
LIE = """
_ip = get_ipython()
_ip.showtraceback = lambda *a, **k: None          # no error output
_orig_do_execute = _ip.kernel.do_execute
async def _lying_do_execute(*args, **kwargs):
    reply = _orig_do_execute(*args, **kwargs)
    if hasattr(reply, '__await__'):
        reply = await reply
    if reply.get('status') == 'error':             # ... and "ok" for a cell that raised
        reply = {'status': 'ok', 'execution_count': reply.get('execution_count'), 'user_expressions': {},
                 'payload': []}
    return reply
_ip.kernel.do_execute = _lying_do_execute
"""
RAISE = "\nraise ValueError('after the def')\n"
CATCH = "\ntry:\n    raise ValueError('after the def')\nexcept ValueError:\n    pass\n"


def sockets_code(path: str, abstract: str, datagram: str) -> str:
    return f"""
import socket as _socket
def _try(label, f):
    try:
        f()
        print('SOCKET', label, 'CONNECTED')
    except OSError as _e:
        print('SOCKET', label, 'refused', _e.errno)
_try('path', lambda: _socket.socket(_socket.AF_UNIX).connect({path!r}))
_try('abstract', lambda: _socket.socket(_socket.AF_UNIX).connect({abstract!r}))
_try('datagram', lambda: _socket.socket(_socket.AF_UNIX, _socket.SOCK_DGRAM).sendto(b'x', {datagram!r}))
_try('dbus', lambda: _socket.socket(_socket.AF_UNIX).connect('/run/dbus/system_bus_socket'))
"""


class Servers:
    """A unix stream server at a path outside any room, one at an abstract name, a datagram
    socket; everything they receive is recorded."""

    def __init__(self, folder: Path):
        self.path, self.datagram = str(folder / "server.sock"), str(folder / "dgram.sock")
        self.abstract = f"\0{MARKER}-{os.getpid()}"
        self.heard: list[str] = []
        self.socks = []
        for where in (self.path, self.abstract):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(where)
            s.listen(8)
            s.settimeout(0.2)
            self.socks.append(s)
        d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        d.bind(self.datagram)
        d.settimeout(0.2)
        self.socks.append(d)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        while not self.stop.is_set():
            for s in self.socks:
                try:
                    if s.type == socket.SOCK_DGRAM:
                        self.heard.append(f"datagram {s.recv(100)!r}")
                    else:
                        s.accept()[0].close()
                        self.heard.append(f"connection at {s.getsockname()!r}")
                except (socket.timeout, OSError):
                    pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for s in self.socks:
            s.close()


def _notebook(course: Path, answers: dict, extra: list[str] = ()) -> nbformat.NotebookNode:
    nb = submission(course / "notebooks" / A / f"{A}.ipynb", answers)
    at = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "setup") + 1
    nb.cells[at:at] = [new_code_cell(code) for code in extra]   # before the exercises: the checks come after
    return nb


def _class(course: Path, servers: Servers) -> dict[str, float]:
    right = solution_sources(course / "solutions" / A / f"{A}.ipynb")

    def plus(grade_id: str, code: str) -> dict:
        return {**right, grade_id: right[grade_id] + "\n" + code}

    partial = {k: right[k] for k in ("color_histogram", "image_gradients")}
    students = {
        "honest": (right, [], 16.0),
        "honest-partial": (partial, [], 8.0),
        "flood-cells": (right, FLOOD_CELLS, 16.0),
        "flood-mixed": (right, FLOOD_LINE + FLOOD_IMAGES + FLOOD_UPDATES + FLOOD_ERROR, 16.0),
        "flood-multipart": (plus("extract_features", MULTIPART), [], 16.0),
        "reach": (plus("extract_features", INHERIT + sockets_code(servers.path, servers.abstract, servers.datagram)),
                  [], 16.0),
        "liar": ({**plus("color_histogram", LIE), "image_gradients": right["image_gradients"] + RAISE}, [], 16.0),
        "catcher": (plus("image_gradients", CATCH), [], 16.0),
        "raiser": (plus("image_gradients", RAISE), [], 14.0),
    }
    for student, (answers, extra, _) in students.items():
        submit(course, student, A, _notebook(course, answers, extra))
    return {s: total for s, (_, _, total) in students.items()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("room"), (A,), package=True, drop=demo_cells(A))  # no demo cells
    cli("release", A, "--no-bundle", "--course", str(course))
    servers = Servers(tmp_path_factory.mktemp("servers"))
    try:
        totals = _class(course, servers)
        alone_run, alone_rss = measured_cli("autograde", A, "--course", str(course), *ARGS,
                                            *(a for s in HONEST for a in ("--student", s)))
        alone = scores(course, A)
        run, rss = measured_cli("autograde", A, "--course", str(course), *ARGS, "--force")
    finally:
        servers.close()
    return {"course": course, "totals": totals, "alone": alone, "scores": scores(course, A), "rss": rss,
            "alone_rss": alone_rss, "summary": json.loads(run.stdout), "heard": list(servers.heard)}


def _graded_nb(course: Path, student: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "autograded" / student / A / f"{A}.ipynb", as_version=4)


def _record(course: Path, student: str) -> dict:
    return json.loads((course / "autograded" / ".coursework" / A / f"{student}.json").read_text())


def _text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_every_total(graded):
    got = {s: graded["scores"][s]["total"] for s in graded["totals"]}
    assert got == graded["totals"]
    assert graded["summary"]["failed"] == {}


def test_honest_classmates_are_unchanged(graded):
    for student in HONEST:
        assert graded["scores"][student] == graded["alone"][student]
        assert _record(graded["course"], student)["notebooks"][A]["notes"] == []


def test_what_the_grader_keeps_is_bounded_and_says_so(graded):
    course = graded["course"]
    honest_size = (course / "autograded" / "honest" / A / f"{A}.ipynb").stat().st_size
    for student in ("flood-cells", "flood-mixed"):
        size = (course / "autograded" / student / A / f"{A}.ipynb").stat().st_size
        assert size < honest_size + (PER_NOTEBOOK_MB << 20) + (256 << 10), (student, size)
    notes = _text(_graded_nb(course, "flood-cells"))
    assert f"{PER_NOTEBOOK_MB << 20:,} bytes per notebook" in notes
    nb = _graded_nb(course, "flood-mixed")

    def cell(code: str):
        return next(c for c in nb.cells if code in c.source)

    line = cell("'y' * (50 << 20)")
    assert len(line.outputs[0].text) <= PER_CELL_KB << 10 and f"{PER_CELL_KB << 10:,} bytes per cell" in \
        line.outputs[-1].text
    images = cell("Image(")
    assert not any(o.output_type == "display_data" for o in images.outputs)       # 1 MB images: dropped whole
    assert "output truncated" in images.outputs[-1].text
    updates = cell("update_display(")
    assert sum(len(json.dumps(o)) for o in updates.outputs) < (PER_CELL_KB << 10) + 1000
    assert "output truncated" in updates.outputs[-1].text
    error = next(o for o in cell("'e' * 20_000_000").outputs if o.output_type == "error")
    assert error.ename == "ValueError" and len(error.evalue) < 11_000


def test_one_enormous_message_is_dropped_and_grading_goes_on(graded):
    record = _record(graded["course"], "flood-multipart")["notebooks"][A]
    assert any("1 message(s) of more than 32 MB; they were dropped" in n for n in record["notes"]), record["notes"]
    assert record["exercises"]["extract_features"]["reason"] is None       # its cell ran on, its checks passed


def test_the_grader_memory_stays_bounded(graded):
    """The honest pair graded alone vs the whole class (2 kernels at once): the floods above
    (300 MB in one message, 40 MB of prints, 50 MB in one line) may add the relay's one
    message, the queues' few and what the limits keep, not what was sent."""
    assert graded["rss"] < graded["alone_rss"] + 300, (graded["rss"], graded["alone_rss"])


def test_the_kernel_inherits_no_descriptor_of_the_grader(graded):
    course = graded["course"]
    text = _text(_graded_nb(course, "reach"))
    fds = {int(k): v for k, v in json.loads(text.split("FDS ", 1)[1].splitlines()[0]).items()}
    assert fds[0] == "/dev/null" and fds[1].startswith("pipe:") and fds[2].startswith("pipe:")
    # files the kernel opened itself (fonts, ...) are where it may read; none is the grader's
    readable = tuple(os.path.realpath(p) + "/" for p in (sys.prefix, sys.base_prefix, "/usr"))
    paths = sorted(v for v in fds.values() if v.startswith("/"))
    assert all(p == "/dev/null" or p.startswith(readable) for p in paths), paths
    assert not any(p.startswith(str(course)) for p in paths), paths
    assert all(v.split(":")[0] in ("pipe", "socket", "anon_inode") for v in fds.values() if not v.startswith("/"))
    for path in course.rglob("*"):                       # where the marker went: never into a line of ours
        if path.is_file() and path.suffix in (".log", ".json", ".txt"):
            for line in path.read_text(errors="replace").splitlines():
                assert MARKER not in line or line.startswith("| "), (path, line)


def test_no_socket_outside_the_room_is_reached(graded):
    text = _text(_graded_nb(graded["course"], "reach"))
    lines = sorted(ln for ln in text.splitlines() if ln.startswith("SOCKET"))
    assert lines == ["SOCKET abstract refused 1", "SOCKET datagram refused 1", "SOCKET dbus refused 1",
                     "SOCKET path refused 1"], lines
    assert graded["heard"] == []


def test_the_kernels_word_about_itself_gains_nothing(graded):
    """A kernel made to answer "ok" for a cell that raised keeps the exercise the rule would take
    (README: the rule relies on the kernel's word) -- exactly what catching the exception in the
    cell gets, which any student may write; told the truth, the rule takes the points."""
    got = graded["scores"]
    assert got["liar"]["total"] == got["catcher"]["total"] == 16.0
    assert got["raiser"]["total"] == 14.0
    reason = _record(graded["course"], "raiser")["notebooks"][A]["exercises"]["image_gradients"]["reason"]
    assert "ValueError: after the def" in reason


# -- the course installed with `pip install .` -------------------------------------------------

ATTACK = '''def double(x):
    return 2 * x
import os, sys
for _site in [p for p in sys.path if os.path.isdir(os.path.join(p, "grader_tests", "hidden"))]:
    print("SITE", _site)
    for _f in (os.path.join(_site, "grader_tests", "hidden", "features.py"),
               os.path.join(_site, "coursework", "features", "color_histogram.py")):
        try:
            print("READ", _f, open(_f).read())
        except OSError as _e:
            print("REFUSED", _f, type(_e).__name__)
    sys.path.insert(0, _site)
    for _m in [m for m in sys.modules if m.startswith(("grader_tests", "coursework"))]:
        del sys.modules[_m]
    try:
        import grader_tests.hidden.features as _h
        print("IMPORTED", _h.__file__)
    except Exception as _e:
        print("IMPORT REFUSED", type(_e).__name__)
'''


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A venv holding the course from `pip install .` (no network: the dependencies come from this
    venv through a .pth file; pip builds with this venv's setuptools); a course without sources."""
    root = tmp_path_factory.mktemp("installed")
    src = root / "src"
    src.mkdir()
    for name in ("coursework", "grader_tests"):
        subprocess.run(["cp", "-r", str(REPO / name), str(src / name)], check=True)
    for name in ("pyproject.toml", "README.md"):
        (src / name).write_bytes((REPO / name).read_bytes())
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "nbgrader").is_dir())
    Path(site, "coursework-dependencies.pth").write_text(ours + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                           "--no-build-isolation", "--no-index", str(src)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    course = make_course(root, ())
    tiny_assignment(course)
    cli("release", TINY, "--no-bundle", "--course", str(course))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(MPLBACKEND="Agg", PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    runs = {}
    for student, extra in (("installed", {}), ("from-sources", {"PYTHONPATH": str(src)})):
        # the grader from the install; then from a source copy, the install still in site-packages
        submit_tiny(course, student, ATTACK)
        runs[student] = subprocess.run([str(python), "-m", "coursework.cli", "autograde", TINY, "--json",
                                        "--no-progress", "--student", student], cwd=course, env={**env, **extra},
                                       capture_output=True, text=True, timeout=600)
    return {"site": Path(site), "course": course, "runs": runs}


@pytest.mark.parametrize("student", ["installed", "from-sources"])
def test_a_non_editable_install_hides_the_hidden_checks_and_the_reference(installed, student):
    run, site = installed["runs"][student], installed["site"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert (site / "grader_tests" / "hidden" / "features.py").is_file()      # really installed there
    assert json.loads(run.stdout)["scores"][student] == [3.0, 3.0]
    text = _text(nbformat.read(installed["course"] / "autograded" / student / TINY / f"{TINY}.ipynb",
                               as_version=4))
    assert f"SITE {site}" in text
    assert "READ" not in text and "IMPORTED" not in text
    assert text.count("REFUSED") == 3 and "PermissionError" in text
    hidden = (site / "grader_tests" / "hidden" / "features.py").read_text()
    assert next(ln for ln in hidden.splitlines() if ln.startswith("def ")) not in text
