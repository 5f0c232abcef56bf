"""Batched features vs the per-image library calls, on the same random images.

    python benchmarks/bench_features.py --n 1000 --repeat 3

Times (best of ``--repeat``) our batched :func:`coursework.features.hog` against
``skimage.feature.hog`` called once per image, and our batched
:func:`coursework.features.color_histogram` against ``np.histogramdd`` called once per
image, checks that the results agree (HoG within 1e-6, histograms equal), and prints
a table with the speed ratios and the goals (HoG >= 6x, histogram >= 15x).

Our first call on uint8 images also builds the per-process look-up tables of the uint8
fast paths (about 35 ms for HoG); its time is shown separately ("first call", after
a warm-up on a float image that only loads the modules) and is not part of the
best-of figure.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from skimage.feature import hog as skimage_hog

from coursework.features import color_histogram, hog

HOG_PARAMS = dict(orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys")
HOG_GOAL, HIST_GOAL = 6.0, 15.0


def best_time(func, repeat: int):
    """(best seconds over ``repeat`` calls, last result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def first_time(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of images (default 1000)")
    parser.add_argument("--size", type=int, default=32, help="image side in pixels (default 32)")
    parser.add_argument("--bins", type=int, default=8, help="colour histogram bins per channel (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per method; the best counts (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    images = rng.integers(0, 256, (args.n, args.size, args.size, 3), dtype=np.uint8)
    n_pixels = args.size * args.size
    value_range = [(0, 256)] * 3

    def ours_hog():
        return hog(images, **HOG_PARAMS, channel_axis=-1)

    def reference_hog():
        return np.stack([skimage_hog(img, channel_axis=-1, feature_vector=True, **HOG_PARAMS) for img in images])

    def ours_hist():
        return color_histogram(images, bins=args.bins)

    def reference_hist():
        return np.stack([np.histogramdd(img.reshape(-1, 3), bins=args.bins, range=value_range)[0].ravel() / n_pixels
                         for img in images])

    hog(np.zeros((16, 16)), channel_axis=None)     # load modules (generic path: no tables)
    color_histogram(np.zeros((1, 1, 3)))
    rows = []
    for name, ours, reference, goal, check in (
        ("hog", ours_hog, reference_hog, HOG_GOAL, "max |diff| <= 1e-6"),
        ("color_histogram", ours_hist, reference_hist, HIST_GOAL, "equal"),
    ):
        first = first_time(ours)
        t_ours, got = best_time(ours, args.repeat)
        t_ref, expected = best_time(reference, args.repeat)
        diff = float(np.max(np.abs(got - expected)))
        if name == "hog":
            assert got.shape == expected.shape and diff <= 1e-6, f"hog differs from skimage by {diff:.3g}"
        else:
            np.testing.assert_array_equal(got, expected, err_msg="color_histogram differs from np.histogramdd")
        rows.append((name, first, t_ours, t_ref, t_ref / t_ours, goal, check, diff))

    print(f"{args.n} random uint8 images of {args.size}x{args.size}x3 (seed {args.seed}), best of {args.repeat}; "
          f"hog {HOG_PARAMS}, color_histogram bins={args.bins}")
    header = (f"{'feature':<16} {'ours batched':>13} {'(first call)':>13} {'per image':>11} "
              f"{'speed-up':>9} {'goal':>6}  agreement")
    print(header)
    print("-" * len(header))
    for name, first, t_ours, t_ref, ratio, goal, check, diff in rows:
        status = "met" if ratio >= goal else "NOT met"
        print(f"{name:<16} {t_ours * 1e3:10.1f} ms {first * 1e3:10.1f} ms {t_ref * 1e3:8.1f} ms "
              f"{ratio:8.1f}x {goal:4.0f}x {status:>7}  {check} (max diff {diff:.1e})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
