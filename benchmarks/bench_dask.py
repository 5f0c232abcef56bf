"""Grading on Dask vs local grading, same machine, one run; and an estimate for a large class.

    python benchmarks/bench_dask.py --n 8

Builds the class of ``bench_autograde.py`` (``--n`` submissions of the whole ``01_features``,
six kinds) and grades four identical copies from scratch, in this process, with the judge
and the sandbox on:

- local ``--jobs 1`` and ``--jobs 2``;
- ``--cluster local:1`` and ``local:2`` (a Dask LocalCluster of 1 / 2 single-threaded worker
  processes; starting it is timed apart).

It prints submissions per minute for each, the ratio Dask / local at the same parallelism
(the overhead of going through Dask: packing, scheduling, the results' trip back), the
coordinator's own seconds per submission (preparing it and finishing it: the gradebook, the
graded notebook, the state; it finishes results in batches), whether the four gradebooks
agree check by check (exits 1 if not), and from these an estimate of the wall time for
1,000 submissions on 10 machines of 16 cores. Timings only: no assertion on speed.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from bench_autograde import A, env_for, make_class  # noqa: E402
from helpers.nbgrader_course import scores  # noqa: E402


def grade(course: Path, jobs: int, cluster: int = 0) -> dict:
    """Grade ``course``; returns seconds (the run), startup (the cluster's), coordinator (its own work)."""
    from coursework.grading.run import classrun as ag
    from coursework.grading.course import open_course

    course_obj = open_course(course)
    options = ag.Options(jobs=jobs, progress=False)
    spent = {"coordinator": 0.0}
    prepare, finish = ag.ClassRun.prepare, ag.ClassRun.finish_batch

    def timed(fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent["coordinator"] += time.perf_counter() - t0
        return wrapper

    ag.ClassRun.prepare, ag.ClassRun.finish_batch = timed(prepare), timed(finish)
    try:
        if cluster:
            from coursework.grading.run.cluster import cluster_client

            t0 = time.perf_counter()
            with cluster_client(cluster=f"local:{cluster}") as client:
                client.wait_for_workers(cluster)
                startup = time.perf_counter() - t0
                t1 = time.perf_counter()
                summary = ag.autograde(course_obj, A, options, client)
                seconds = time.perf_counter() - t1
        else:
            startup = 0.0
            t1 = time.perf_counter()
            summary = ag.autograde(course_obj, A, options)
            seconds = time.perf_counter() - t1
    finally:
        ag.ClassRun.prepare, ag.ClassRun.finish_batch = prepare, finish
    if summary.failed:
        raise SystemExit(f"grading failed for {summary.failed}")
    return {"seconds": seconds, "startup": startup, "coordinator": spent["coordinator"], "n": len(summary.graded)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8, help="submissions (default 8)")
    args = parser.parse_args(argv)
    os.environ.update({k: v for k, v in env_for().items() if k in ("PATH", "MPLBACKEND")})
    os.environ.pop("COURSEWORK_STUDENT_ID", None)
    import shutil
    import subprocess

    runs = [("local --jobs 1", 1, 0), ("local --jobs 2", 2, 0), ("dask local:1", 1, 1), ("dask local:2", 2, 2)]
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        first = make_class(Path(tmp) / "c0", args.n)
        subprocess.run([sys.executable, "-m", "coursework.cli", "release", A, "--no-bundle", "--course", str(first)],
                       check=True, capture_output=True)
        courses = [first]
        for i in range(1, len(runs)):  # the same gradebook and course secret: the same hidden inputs
            copy = Path(tmp) / f"c{i}" / "course"
            shutil.copytree(first, copy)
            courses.append(copy)
        results = {}
        for (label, jobs, cluster), course in zip(runs, courses):
            results[label] = grade(course, jobs, cluster)
            r = results[label]
            print(f"{label:16s} {r['n']} submissions in {r['seconds']:6.1f} s "
                  f"({60 * r['n'] / r['seconds']:5.2f} / min)"
                  + (f", cluster start {r['startup']:.1f} s" if cluster else "")
                  + f"; coordinator's own work {r['coordinator'] / r['n']:.2f} s / submission", flush=True)
        same = all(scores(c, A) == scores(courses[0], A) for c in courses[1:])
    print()
    for k in (1, 2):
        local, dask = results[f"local --jobs {k}"], results[f"dask local:{k}"]
        print(f"{k} at once: Dask / local wall time = {dask['seconds'] / local['seconds']:.2f} "
              f"(Dask's overhead {100 * (dask['seconds'] / local['seconds'] - 1):+.0f} %)")
    print(f"every check's score the same in the four gradebooks: {same}")
    one = results["local --jobs 1"]
    per_sub = one["seconds"] / one["n"]                       # one core, one submission after another
    overhead = results["dask local:1"]["seconds"] / one["seconds"]
    coord = max(r["coordinator"] / r["n"] for r in results.values())
    slots, total = 10 * 16, 1000
    waves = math.ceil(total / slots)
    workers_bound = waves * per_sub * overhead
    coordinator_bound = total * coord
    estimate = max(workers_bound, coordinator_bound)
    print(f"\nestimate, 1,000 submissions on 10 machines x 16 cores (160 kernels at once): measured "
          f"{per_sub:.1f} s per submission on one core here, x{overhead:.2f} through Dask -> {waves} waves = "
          f"{workers_bound / 60:.1f} min of worker time; the coordinator prepares and finishes them at "
          f"{coord:.2f} s each = {coordinator_bound / 60:.1f} min. Wall time ~ the larger: {estimate / 60:.1f} min "
          "(plus the cluster's start; assumes a worker core as fast as this one and kernels that fit in memory)")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
