"""How long ``coursework similarity`` takes for 100, 200 and 300 submissions, and how it grows.

The class is made from the test corpus (``tests/helpers/similarity_corpus.py``, assignment
``05_sgd`` by default): each synthetic student takes every exercise from one of the five
honest students, at random, and disguises it with a random set of the corpus's
disguises. That is harder than a real class (every pair shares whole exercises with
one in five of the others, so most pairs must be compared), so the times are an upper
bound. Each size runs the whole command's work: reading the notebooks, comparing, and
writing the HTML report and the CSV, in one process (``python benchmarks/bench_similarity.py``;
``--sizes 100 200 300``, ``--assignment 04_backprop``).

The goal (issue 22): 300 submissions in under a minute on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers import similarity_corpus as corpus  # noqa: E402


def synthetic_class(assignment: str, n: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    honest = corpus.HONEST[assignment]
    out = {}
    for i in range(n):
        row = {}
        for ex in honest[corpus.HONEST_IDS[0]]:
            author = rng.choice(corpus.HONEST_IDS)
            names = tuple(d for d in corpus.DISGUISES if rng.random() < 0.5)
            row[ex] = corpus.disguise(honest[author][ex], names, rng)
        out[f"s{i:04d}"] = row
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 300])
    parser.add_argument("--assignment", default="05_sgd", choices=corpus.ASSIGNMENTS)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    import copydetect.detector  # noqa: F401  (imports matplotlib: once per command, not per size)

    from coursework.grading.course import open_course
    from coursework.integrity.run import similarity
    print(f"imports: {time.perf_counter() - start:.2f} s (once per command)")

    times = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = corpus.build_course(Path(tmp), (args.assignment,),
                                       students={args.assignment: synthetic_class(args.assignment, n)})
            course = open_course(root)
            start = time.perf_counter()
            result = similarity(course, [args.assignment], out=Path(tmp) / "out")
            took = time.perf_counter() - start
        comp = result.comparisons[0]
        times.append(took)
        print(f"{n:4d} submissions, {len(comp.pairs):6d} pairs, {len(comp.flagged):5d} flagged: {took:6.2f} s")
    if len(times) > 1:
        slope = math.log(times[-1] / times[0]) / math.log(args.sizes[-1] / args.sizes[0])
        print(f"growth: x{times[-1] / times[0]:.1f} from {args.sizes[0]} to {args.sizes[-1]} submissions, "
              f"about n^{slope:.2f} (pairs grow as n^2; reading and fingerprinting as n)")
    if 300 in args.sizes and times[args.sizes.index(300)] >= 60:
        print("SLOWER than the goal: 300 submissions in under a minute")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
