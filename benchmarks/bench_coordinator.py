"""The coordinator's own time per submission, before and after a change, local and Dask.

    python benchmarks/bench_coordinator.py --n 200 --before <commit>

What is timed: a class run's own work (``coursework autograde``'s process, one thread):
planning (the fingerprints, what is current), preparing each submission (reading and
sanitizing its notebook, packing its files for Dask), finishing it (scoring, the
gradebook, the graded notebook, the record, the state) and failing it. What is not: the
kernels and the judge, the time the coordinator waits for a result (``next_done``, which
on Dask includes fetching the result from the worker), staging the bundle and starting or
stopping the executor (once per run, not per submission).

The kernels are stubbed, so that only the coordinator's work costs and 200 submissions
take seconds: first the real grader grades one submission of each kind (a right answer,
one right only for even inputs, one that raises, a blank one) of the tiny assignment of
``tests/helpers/class_fixtures.py`` (``double(x)``, a visible and a hidden check) and records what
running each notebook returned (the executed notebook, each cell's outcome, the judge's
statistics). In the timed runs the worker's ``_grade_notebook`` (one notebook in a kernel
room with the judge) is replaced by a replay of that record; everything else of the worker
and of the coordinator is the real code.

Each run is a child process whose ``coursework`` comes from ``PYTHONPATH``: "before" from
``git archive`` of ``--before`` (a commit of this repository), "after" from this checkout.
Local: ``LocalExecutor(--jobs)``; Dask: a ``LocalCluster`` of ``--workers`` processes of
``--threads`` threads each (the stub installed in every worker process). Before and after
grade identical copies of one course (same gradebook, same secret); the script checks
that they wrote the same: every gradebook row Formgrader shows (grades, comments, review
flags, timestamps, late penalties), every state entry, graded notebook and record; it exits
1 if not. It prints the coordinator's milliseconds per submission -- wall time, and the CPU
time of its thread (on a machine shared with the workers, as here, the wall time also counts
the coordinator waiting for a core that a worker holds) --, the ratio before / after,
and an estimate for 1,000 submissions on 10 machines of 16 cores. Timings only: no
assertion on speed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
KINDS = {
    "right": "def double(x):\n    return 2 * x\n",
    "even": "def double(x):\n    return 2 * x if x % 2 == 0 else 0\n",
    "raises": "def double(x):\n    raise ValueError('not yet')\n",
    "blank": None,
}
#: A real submission's kernel seconds on one worker core, for the workers' share of the estimate
#: only: issue 21 measured (bench_dask.py, the whole 01_features) about 2 minutes of worker time for
#: 1,000 submissions on 160 cores, i.e. 7 waves of about 17 s.
KERNEL_SECONDS = 17.0


def kind_of(student: str) -> str:
    """The kind in a student id: ``s0007-raises`` (tiny) or ``s07_blank`` (bench_autograde.py)."""
    return student.replace("_", "-").rsplit("-", 1)[1]


# -- the course -------------------------------------------------------------------------------------


def make_class(root: Path, n: int) -> Path:
    """A course with the tiny assignment released and ``n`` submissions cycling through KINDS."""
    sys.path.insert(0, str(REPO / "tests"))
    from helpers.class_fixtures import TINY, cli, make_course, submit_tiny, tiny_assignment
    from helpers.nbgrader_course import submission, submit

    root.mkdir(parents=True)
    course = make_course(root, assignments=())
    tiny_assignment(course)
    cli("release", TINY, "--no-bundle", "--course", str(course))
    kinds = list(KINDS)
    release = course / "notebooks" / TINY / f"{TINY}.ipynb"
    for i in range(n):
        kind = kinds[i % len(kinds)]
        student = f"s{i:04d}-{kind}"
        if KINDS[kind] is None:
            submit(course, student, TINY, submission(release, {}))
        else:
            submit_tiny(course, student, answer=KINDS[kind])
    return course


def make_features_class(root: Path, n: int) -> Path:
    """bench_autograde.py's class: ``n`` submissions of the whole 01_features, six kinds."""
    sys.path.insert(0, str(HERE))
    from bench_autograde import make_class as make_features

    return make_features(root, n)


def record_kernels(course: Path, assignment: str, out: Path) -> None:
    """Grade one submission of each kind for real and pickle what each notebook's run returned."""
    from coursework.grading.course import open_course
    from coursework.grading.run import classrun, worker

    real = worker._grade_notebook
    recorded: dict[str, tuple] = {}

    async def recording(job, nb, *args, **kwargs):
        outcome, notes, stats = await real(job, nb, *args, **kwargs)
        recorded[kind_of(job.student)] = (json.dumps(nb), outcome, notes, stats)
        return outcome, notes, stats

    firsts = {kind_of(s): s for s in sorted(os.listdir(course / "submitted"), reverse=True)}
    worker._grade_notebook = recording
    try:
        summary = classrun.autograde(
            open_course(course),
            assignment,
            classrun.Options(jobs=2, progress=False, students=sorted(firsts.values())),
        )
    finally:
        worker._grade_notebook = real
    if summary.failed or set(recorded) != set(firsts):
        raise SystemExit(f"recording failed: {summary.failed}, recorded {sorted(recorded)}")
    out.write_bytes(pickle.dumps(recorded))


# -- the child: one timed run -----------------------------------------------------------------------


def install_stub(record_file: str) -> str:
    """Replace the worker's kernel part by the replay of ``record_file`` (in this process)."""
    import copy as _copy
    import json as _json
    import pickle as _pickle

    import nbformat as _nbformat

    from coursework.grading.run import worker as _worker

    recorded = _pickle.loads(open(record_file, "rb").read())

    async def replay(job, nb, *args, **kwargs):
        text, outcome, notes, stats = recorded[job.student.replace("_", "-").rsplit("-", 1)[1]]
        executed = _nbformat.from_dict(_json.loads(text))
        nb.cells, nb.metadata = executed.cells, executed.metadata
        return _copy.deepcopy(outcome), list(notes), _copy.deepcopy(stats)

    _worker._grade_notebook = replay
    return _worker.__file__


def child(args: argparse.Namespace) -> None:
    import coursework
    from coursework.grading.course import open_course
    from coursework.grading.run import classrun

    code = Path(coursework.__file__).resolve().parent.parent
    assert code == Path(args.code).resolve(), (code, args.code)
    install_stub(args.record)
    waited = {"seconds": 0.0, "cpu": 0.0, "calls": 0}
    once = {"seconds": 0.0, "cpu": 0.0}

    def timed(owner, name, bucket):
        fn = getattr(owner, name)

        def wrapper(*a, **kw):
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return fn(*a, **kw)
            finally:
                bucket["seconds"] += time.perf_counter() - t0
                bucket["cpu"] += time.thread_time() - c0
                bucket["calls"] = bucket.get("calls", 0) + 1

        setattr(owner, name, wrapper)

    from coursework.grading.run import cluster, local

    for executor in (local.LocalExecutor, cluster.DaskExecutor):
        timed(executor, "next_done", waited)
        timed(executor, "__enter__", once)
        timed(executor, "__exit__", once)
    timed(classrun, "stage_packages", once)
    options = classrun.Options(jobs=args.jobs, progress=False)
    course = open_course(args.course)
    if args.executor == "dask":
        import dask
        import distributed

        with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
            with (
                distributed.LocalCluster(
                    n_workers=args.workers,
                    threads_per_worker=args.threads,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                    silence_logs=40,
                ) as cl,
                distributed.Client(cl) as client,
            ):
                client.wait_for_workers(args.workers)
                files = client.run(install_stub, args.record)
                assert all(Path(f).resolve().is_relative_to(code) for f in files.values()), files
                t0, c0 = time.perf_counter(), time.thread_time()
                summary = classrun.autograde(course, args.assignment, options, client)
                total, cpu = time.perf_counter() - t0, time.thread_time() - c0
    else:
        t0, c0 = time.perf_counter(), time.thread_time()
        summary = classrun.autograde(course, args.assignment, options)
        total, cpu = time.perf_counter() - t0, time.thread_time() - c0
    n = len(summary.graded)
    own = total - waited["seconds"] - once["seconds"]
    own_cpu = cpu - waited["cpu"] - once["cpu"]
    print(
        json.dumps(
            {
                "n": n,
                "failed": summary.failed,
                "total": total,
                "waited": waited["seconds"],
                "once": once["seconds"],
                "own": own,
                "ms_per_submission": 1000 * own / max(n, 1),
                "cpu_ms_per_submission": 1000 * own_cpu / max(n, 1),
            }
        )
    )


# -- the parent -------------------------------------------------------------------------------------


def run_child(code: Path, course: Path, record: Path, executor: str, args: argparse.Namespace) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code), MPLBACKEND="Agg")
    env.pop("COURSEWORK_STUDENT_ID", None)
    cmd = [
        sys.executable,
        str(HERE / "bench_coordinator.py"),
        "--child",
        "--code",
        str(code),
        "--course",
        str(course),
        "--record",
        str(record),
        "--executor",
        executor,
        "--jobs",
        str(args.jobs),
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--assignment",
        args.assignment,
    ]
    proc = subprocess.run(cmd, env=env, cwd=str(course), capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{executor} run of {code} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["failed"]:
        raise SystemExit(f"{executor} run of {code}: failed submissions {result['failed']}")
    return result


def gradebook_rows(course: Path, assignment: str) -> dict:
    sys.path.insert(0, str(REPO / "tests"))
    from helpers.nbgrader_course import gradebook_rows as rows

    return rows(course, assignment)


def written_files(course: Path, assignment: str) -> dict:
    """Every graded notebook's text and every record (``autograded/``), by path."""
    root = course / "autograded"
    paths = [*root.glob(f"*/{assignment}/*.ipynb"), *(root / ".coursework" / assignment).glob("*.json")]
    return {str(p.relative_to(root)): p.read_text() for p in sorted(paths)}


def state_scores(course: Path) -> dict:
    state = json.loads((course / "autograded" / ".coursework" / "state.json").read_text())["submissions"]
    return {k: (v["hash"], v["score"], v["points"]) for k, v in state.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="submissions (default 200)")
    parser.add_argument("--before", default="", help="the commit to compare with (git archive of it); none: after only")
    parser.add_argument("--jobs", type=int, default=8, help="local: jobs at once (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="Dask: worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="Dask: threads per worker (default 4)")
    parser.add_argument("--only", choices=("local", "dask"), help="one executor only")
    parser.add_argument("--kernel-seconds", type=float, default=KERNEL_SECONDS,
                        help="a real submission's kernel seconds on one core, for the estimate")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--course", help=argparse.SUPPRESS)
    parser.add_argument("--record", help=argparse.SUPPRESS)
    parser.add_argument("--executor", help=argparse.SUPPRESS)
    parser.add_argument("--assignment", default="99_tiny", choices=("99_tiny", "01_features"),
                        help="the tiny assignment (default) or bench_autograde.py's class of the whole 01_features")
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0
    os.environ.pop("COURSEWORK_STUDENT_ID", None)
    os.environ.setdefault("MPLBACKEND", "Agg")
    executors = [args.only] if args.only else ["local", "dask"]
    with tempfile.TemporaryDirectory(prefix="bench-coordinator-") as tmp_name:
        tmp = Path(tmp_name)
        tiny = args.assignment == "99_tiny"
        first = make_class(tmp / "c0", args.n) if tiny else make_features_class(tmp / "c0", args.n)
        record = tmp / "kernels.pickle"
        seed = tmp / "seed" / "course"  # recording grades some students: the timed copies start from before it
        shutil.copytree(first, seed)
        t0 = time.perf_counter()
        record_kernels(first, args.assignment, record)
        print(f"{args.assignment}: recorded the kernels of each kind in {time.perf_counter() - t0:.1f} s", flush=True)
        codes = {"after": REPO}
        if args.before:
            before = tmp / "before"
            before.mkdir()
            archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before, "coursework", "grader_tests"],
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
            codes = {"before": before, "after": REPO}
        results: dict[tuple[str, str], dict] = {}
        courses: dict[tuple[str, str], Path] = {}
        for executor in executors:
            for label, code in codes.items():
                course = tmp / f"{label}-{executor}" / "course"
                shutil.copytree(seed, course)
                results[label, executor] = run_child(code, course, record, executor, args)
                courses[label, executor] = course
                r = results[label, executor]
                print(f"{label:6s} {executor:5s}: {r['n']} submissions, coordinator's own {r['own']:6.2f} s = "
                      f"{r['ms_per_submission']:7.1f} ms / submission, CPU {r['cpu_ms_per_submission']:7.1f} ms "
                      f"(waited {r['waited']:.1f} s, executor start/stop and bundle {r['once']:.1f} s)", flush=True)
        first = next(iter(courses.values()))
        reference = gradebook_rows(first, args.assignment), state_scores(first), written_files(first, args.assignment)
        same = True
        for key, course in courses.items():
            found = (gradebook_rows(course, args.assignment), state_scores(course),
                     written_files(course, args.assignment))
            for what, mine, theirs in zip(("gradebook rows", "state entries", "graded notebooks and records"),
                                          found, reference, strict=True):
                if mine != theirs:
                    same = False
                    print(f"the {what} of {key} differ from the first run's")
        print()
        print(f"every gradebook row (grades, comments, flags, timestamps, late penalties), state entry, graded "
              f"notebook and record the same in all {len(courses)} runs: {same}")
        if args.before:
            for executor in executors:
                b, a = results["before", executor], results["after", executor]
                print(f"{executor:5s}: before {b['ms_per_submission']:.1f} ms, after {a['ms_per_submission']:.1f} ms "
                      f"per submission: {b['ms_per_submission'] / a['ms_per_submission']:.1f}x less (CPU "
                      f"{b['cpu_ms_per_submission']:.1f} -> {a['cpu_ms_per_submission']:.1f} ms)")
        executor = "dask" if "dask" in executors else executors[0]
        for label in codes:
            coord = results[label, executor]["ms_per_submission"] / 1000
            total, slots = 1000, 10 * 16
            workers = math.ceil(total / slots) * args.kernel_seconds
            print(f"estimate ({label}, {executor}), 1,000 submissions on 10 machines x 16 cores: workers' share "
                  f"{math.ceil(total / slots)} waves x {args.kernel_seconds:g} s = {workers / 60:.1f} min; "
                  f"coordinator's share 1,000 x {1000 * coord:.1f} ms = {total * coord / 60:.1f} min; wall time ~ "
                  f"{max(workers, total * coord) / 60:.1f} min")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
