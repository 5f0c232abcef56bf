"""``coursework autograde`` vs plain sequential ``nbgrader autograde``, same machine, one run.

    python benchmarks/bench_autograde.py --n 30

Builds a course in a temporary folder with ``--n`` submissions of ``01_features`` (the
whole notebook, the lecture's experiment included), cycling through six kinds whose
scores differ (perfect, blank, partial, a function that raises, a wrong shape, a
function that changes its input), and releases it with ``nbgrader generate_assignment``.
Two identical copies are then graded from scratch:

- ``nbgrader autograde 01_features``, run as an instructor runs it (one process, one
  notebook after another, the environment as it is);
- ``coursework autograde 01_features --jobs J`` (one process, J kernels at once, one
  BLAS thread per kernel), as it grades: every check decided by the judge outside the
  kernel, every kernel in the sandbox;
- the same with ``--no-sandbox`` (the judge still on), to show what the sandbox costs.

Both wall times include starting the command. It prints the times, the time per
submission, the speed-up (goal: >= 3.5x), the judge's round trips to the kernels (per
check and their cost, from the grading records) and whether every test cell of every student
got the same score in the two gradebooks; it exits 1 when a score differs.
``--baseline-threads 1`` also runs nbgrader with one BLAS thread per kernel, to show
how much of the speed-up comes from that setting alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))

from helpers.class_fixtures import MUTATES, RAISES, WRONG_SHAPE  # noqa: E402
from helpers.nbgrader_course import scores, solution_sources, submission, submit  # noqa: E402

A = "01_features"
GOAL = 3.5
BIN = Path(sys.executable).parent


def kinds(right: dict) -> list[tuple[str, dict]]:
    partial = {k: v for k, v in right.items() if k in ("color_histogram", "image_gradients")}
    return [("perfect", right), ("blank", {}), ("partial", partial),
            ("raises", {**right, "color_histogram": RAISES}), ("wrongshape", {**right, "color_histogram": WRONG_SHAPE}),
            ("mutates", {**right, "extract_features": MUTATES})]


def env_for(threads: int | None = None) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader runs alembic by name
    env.setdefault("MPLBACKEND", "Agg")
    env.pop("COURSEWORK_STUDENT_ID", None)
    if threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
    return env


def run(cmd: list[str], cwd: Path, env: dict, log: Path | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if log is not None:
        log.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def make_class(root: Path, n: int) -> Path:
    course = root / "course"
    course.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", course)
    shutil.copytree(REPO / "solutions" / A, course / "solutions" / A,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    run([str(BIN / "nbgrader"), "generate_assignment", A, "--force", "--log-level=WARN"], course, env_for())
    release = course / "notebooks" / A / f"{A}.ipynb"
    right = solution_sources(course / "solutions" / A / f"{A}.ipynb")
    menu = kinds(right)
    for i in range(n):
        name, answers = menu[i % len(menu)]
        submit(course, f"s{i:02d}_{name}", A, submission(release, answers))
    return course


def judge_cost(course: Path) -> tuple[int, int, float]:
    """(checks judged, requests to the kernels, their seconds) summed over the grading records."""
    import json

    checks = requests = 0
    seconds = 0.0
    for path in (course / "autograded" / ".coursework" / A).glob("*.json"):
        for nb in json.loads(path.read_text())["notebooks"].values():
            stats = nb.get("judge") or {}
            checks += stats.get("checks", 0)
            requests += stats.get("requests", 0)
            seconds += stats.get("seconds", 0.0)
    return checks, requests, seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="submissions (default 30)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="coursework's kernels at once "
                        "(default: the number of cores)")
    parser.add_argument("--baseline-threads", type=int, default=0, metavar="T",
                        help="also time nbgrader with T BLAS threads per kernel (0: skip)")
    parser.add_argument("--keep", metavar="DIR", help="build the courses in DIR and keep them")
    args = parser.parse_args(argv)

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-autograde-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        print(f"building a class of {args.n} submissions of {A} in {root} ...", flush=True)
        base = make_class(root / "build", args.n)
        copies = {}
        for label in ("nbgrader", "coursework", "coursework-no-sandbox") + (
                ("nbgrader-1thread",) if args.baseline_threads else ()):
            copies[label] = root / label
            shutil.copytree(base, copies[label])

        times = {}
        print("nbgrader autograde (sequential) ...", flush=True)
        times["nbgrader"] = run([str(BIN / "nbgrader"), "autograde", A, "--log-level=WARN"], copies["nbgrader"],
                                env_for(), root / "nbgrader.log")
        if args.baseline_threads:
            print(f"nbgrader autograde, {args.baseline_threads} BLAS thread(s) per kernel ...", flush=True)
            times["nbgrader-1thread"] = run([str(BIN / "nbgrader"), "autograde", A, "--log-level=WARN"],
                                            copies["nbgrader-1thread"], env_for(args.baseline_threads),
                                            root / "nbgrader-1thread.log")
        print(f"coursework autograde --jobs {args.jobs} ...", flush=True)
        times["coursework"] = run([sys.executable, "-m", "coursework.cli", "autograde", A, "--course",
                                   str(copies["coursework"]), "--jobs", str(args.jobs), "--no-progress"],
                                  root, env_for(), root / "coursework.log")
        print(f"coursework autograde --jobs {args.jobs} --no-sandbox ...", flush=True)
        times["coursework-no-sandbox"] = run([sys.executable, "-m", "coursework.cli", "autograde", A, "--course",
                                              str(copies["coursework-no-sandbox"]), "--jobs", str(args.jobs),
                                              "--no-progress", "--no-sandbox"], root, env_for(),
                                             root / "coursework-no-sandbox.log")

        ours = scores(copies["coursework"], A)
        theirs = scores(copies["nbgrader"], A)
        differ = sorted(s for s in set(ours) | set(theirs) if ours.get(s) != theirs.get(s))
        ratio = times["nbgrader"] / times["coursework"]
        n = args.n
        print()
        print(f"{'grader':<34}{'wall s':>9}{'s / submission':>16}")
        print(f"{'nbgrader autograde (sequential)':<34}{times['nbgrader']:>9.1f}{times['nbgrader'] / n:>16.2f}")
        if "nbgrader-1thread" in times:
            label = f"nbgrader, {args.baseline_threads} BLAS thread(s)"
            print(f"{label:<34}{times['nbgrader-1thread']:>9.1f}{times['nbgrader-1thread'] / n:>16.2f}")
        label = f"coursework autograde --jobs {args.jobs}"
        print(f"{label:<34}{times['coursework']:>9.1f}{times['coursework'] / n:>16.2f}")
        label = "  the same, --no-sandbox"
        print(f"{label:<34}{times['coursework-no-sandbox']:>9.1f}{times['coursework-no-sandbox'] / n:>16.2f}")
        print()
        print(f"speed-up: {ratio:.2f}x (goal >= {GOAL:g}x: {'met' if ratio >= GOAL else 'NOT met'}) on "
              f"{os.cpu_count()} core(s)")
        print(f"speed-up without the sandbox: {times['nbgrader'] / times['coursework-no-sandbox']:.2f}x "
              f"(the sandbox costs {times['coursework'] / times['coursework-no-sandbox']:.2f}x)")
        checks, requests, seconds = judge_cost(copies["coursework"])
        if checks:
            print(f"judge: {requests / checks:.1f} round trips per check, {1000 * seconds / requests:.1f} ms each, "
                  f"{1000 * seconds / checks:.0f} ms per check ({seconds / n:.2f} s per submission)")
        if "nbgrader-1thread" in times:
            print(f"speed-up over nbgrader with {args.baseline_threads} BLAS thread(s): "
                  f"{times['nbgrader-1thread'] / times['coursework']:.2f}x")
        totals = sorted({v['total'] for v in ours.values()})
        print(f"scores: {'equal' if not differ else 'DIFFERENT'} for all {len(ours)} students and every test cell "
              f"(totals seen: {', '.join(f'{t:g}' for t in totals)})")
        if differ:
            for s in differ:
                print(f"  {s}: nbgrader {theirs.get(s)} vs coursework {ours.get(s)}")
        return 1 if differ else 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
