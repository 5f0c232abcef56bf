"""The grader's own peak memory for one honest and one flooding submission (issue 18).

    python benchmarks/bench_grader_memory.py [--cells 200] [--mb 1]

Builds a course with ``01_features`` (the class copy: without the lecture's 8-second
experiment) and grades, each in its own ``coursework autograde --student ID`` process:

- ``honest``: the right answers;
- ``flood-cells``: the right answers plus ``--cells`` new cells, each printing ``--mb`` MB;
- ``flood-mixed``: the right answers plus one line of 50 MB, 50 PNG images of 1 MB,
  2,000 updates of one display and 20 MB to stderr;
- ``flood-frames``: the right answers plus one message of 300 frames of 1 MB, sent
  through the kernel's own session (ZeroMQ bounds a frame, not a message).

For each it prints the grader's peak resident memory (``ru_maxrss`` of the grading
process, its kernels not included), the graded notebook's size on disk and the score.
The kernels' limits are the defaults of ``coursework autograde``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))

from helpers.class_fixtures import A, cli, make_course, measured_cli, solution_sources, submission, submit  # noqa: E402


def flood_cells(cells: int, mb: float) -> list[str]:
    n = int(mb * (1 << 20))
    return [f"print('x' * {n})" for _ in range(cells)]


MIXED = [
    "print('y' * (50 << 20))",
    "from IPython.display import Image, display\nimport os\n"
    "for _ in range(50):\n    display(Image(data=b'\\x89PNG\\r\\n\\x1a\\n' + os.urandom(1 << 20)))",
    "from IPython.display import display, update_display\n"
    "display('start', display_id='d')\nfor i in range(2000):\n    update_display('z' * 10000 + str(i), display_id='d')",
    "import sys\nfor _ in range(20):\n    sys.stderr.write('e' * (1 << 20))",
]


FRAMES = ["_k = get_ipython().kernel\n_k.session.send(_k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'x'}, "
          "parent=_k.get_parent(), buffers=[b'x' * (1 << 20)] * 300)"]


def build(course: Path, student: str, extra: list[str]) -> None:
    from nbformat.v4 import new_code_cell

    release = course / "notebooks" / A / f"{A}.ipynb"
    nb = submission(release, solution_sources(course / "solutions" / A / f"{A}.ipynb"))
    nb.cells += [new_code_cell(code) for code in extra]
    submit(course, student, A, nb)


def grade(course: Path, student: str) -> dict:
    start = time.perf_counter()
    done, rss = measured_cli("autograde", A, "--course", str(course), "--student", student, "--force",
                             "--no-progress", "--json", "--jobs", "1", cwd=course)
    seconds = time.perf_counter() - start
    summary = json.loads(done.stdout)
    graded = course / "autograded" / student / A / f"{A}.ipynb"
    return {"rss_mb": rss, "notebook_mb": graded.stat().st_size / 2 ** 20,
            "score": summary["scores"][student][0], "seconds": seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=200, help="flooding cells (default 200)")
    parser.add_argument("--mb", type=float, default=1.0, help="MB printed by each flooding cell (default 1)")
    parser.add_argument("--only", nargs="*", help="grade only these (honest, flood-cells, flood-mixed, flood-frames)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        course = make_course(Path(tmp), (A,))
        cli("release", A, "--no-bundle", "--course", str(course))
        students = {"honest": [], "flood-cells": flood_cells(args.cells, args.mb), "flood-mixed": MIXED,
                    "flood-frames": FRAMES}
        students = {k: v for k, v in students.items() if not args.only or k in args.only}
        for student, extra in students.items():
            build(course, student, extra)
        print(f"{'submission':<14}{'grader peak MB':>16}{'graded notebook MB':>20}{'score':>8}{'s':>7}")
        for student in students:
            row = grade(course, student)
            print(f"{student:<14}{row['rss_mb']:>16.0f}{row['notebook_mb']:>20.1f}{row['score']:>8g}"
                  f"{row['seconds']:>7.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
