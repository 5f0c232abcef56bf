"""The same reference code on NumPy (CPU) and CuPy (GPU): MLP epochs and batched features.

    python benchmarks/bench_backends.py                  # numpy, then cupy, each in its own process
    python benchmarks/bench_backends.py --quick          # smaller sizes (a smoke test, seconds)
    python benchmarks/bench_backends.py --baseline benchmarks/baseline_numpy_cpu.json   # also vs stored CPU numbers
    python benchmarks/bench_backends.py --backend cupy --json   # one backend in this process (used internally)

Rows (float32 training, uint8 images; all inputs drawn with NumPy from ``--seed`` and
moved to the backend, so both backends see the same numbers):

- **MLP epoch, digits-sized**: N = 1,797 samples of 64 features, ``MLP([64, 128, 10])``,
  batch 64 (29 updates);
- **MLP epoch, CIFAR-sized, large batch**: N = 10,240 samples of 3,072 features,
  ``MLP([3072, 1024, 1024, 10])``, batch 1,024 (10 updates, 19.4 GFLOP each);
- **HoG** and **colour histogram** (8 bins) of 1,000 RGB images of 32x32, uint8, batched.

An epoch is what :func:`coursework.train.fit` does for its updates: :func:`minibatches`
(a permutation drawn on the host), one :func:`training_step` (forward, softmax
cross-entropy, backward, SGD) per batch, and the epoch's losses copied to the host at
the end. The first epoch, from the initial weights, is the check epoch (it also warms
up: CuPy compiles its kernels then); the median of ``--repeat`` further epochs is timed.
Times end with the device synchronised.

Equality: each backend saves its check epoch's weights and losses and its features;
the weights and losses of CuPy must equal NumPy's under the float32 rule of
:mod:`coursework.tolerances`, the histograms exactly, the HoG features within 1e-10.

Threads: NumPy uses its BLAS's default number of threads (all cores); the header shows it.
Without CuPy or a GPU the table has the NumPy rows and one line saying why the GPU
column is skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

BACKENDS = ("numpy", "cupy")
GOAL = 20.0     # CuPy's CIFAR-sized epoch should be at least this many times faster than NumPy's

SIZES = {
    "full": {"digits": (1797, [64, 128, 10], 64), "cifar": (10240, [3072, 1024, 1024, 10], 1024), "images": 1000},
    "quick": {"digits": (1797, [64, 128, 10], 64), "cifar": (1024, [3072, 256, 256, 10], 256), "images": 100},
}
ROWS = (("mlp_digits", "MLP epoch, digits-sized"), ("mlp_cifar", "MLP epoch, CIFAR-sized, large batch"),
        ("hog", "HoG, batched"), ("color_histogram", "colour histogram, batched"))


def epoch_flops(n: int, sizes: list[int]) -> float:
    """FLOPs of one epoch of updates: forward 2 N Σ d_i d_(i+1), backward twice that less the first layer's dX."""
    forward = 2.0 * n * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return 3.0 * forward - 2.0 * n * sizes[0] * sizes[1]


def timed(run, sync, repeat: int) -> list[float]:
    """Seconds of ``repeat`` calls of ``run``, each ending with ``sync()``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        sync()
        times.append(time.perf_counter() - start)
    return times


def run_backend(args) -> dict:
    """Time every row on ``args.backend`` in this process; save the check results to ``args.save``."""
    from coursework import backend as B
    from coursework import devices
    from coursework.features import color_histogram, hog
    from coursework.nn import MLP, softmax_cross_entropy
    from coursework.optim import SGD
    from coursework.train import minibatches, training_step
    from coursework.train.gradient_descent import losses_to_host

    active = devices.use("cpu" if args.backend == "numpy" else "gpu")
    if args.backend == "cupy" and active.name != "gpu":
        return {"backend": "cupy", "error": active.fallback}
    sizes = SIZES["quick" if args.quick else "full"]
    out = {"backend": args.backend, "device": active.describe(), "rows": {}, "threads": _threads(),
           "cpu": _cpu(), "sizes": "quick" if args.quick else "full"}
    saved = {}

    for row in ("mlp_digits", "mlp_cifar"):
        n, layers, batch = sizes[row.split("_")[1]]
        rng = np.random.default_rng(args.seed)
        X = active.put(rng.standard_normal((n, layers[0])), "float32")
        y = active.put(rng.integers(0, layers[-1], n))
        model = MLP(layers, rng=args.seed, dtype="float32")
        optimizer, order = SGD(0.01), np.random.default_rng(args.seed + 1)

        def epoch():
            return losses_to_host([training_step(model, Xb, yb, softmax_cross_entropy, optimizer)
                                   for Xb, yb in minibatches(X, y, batch, order)])

        start = time.perf_counter()
        saved[f"{row}.loss"] = np.asarray(epoch())
        active.synchronize()
        first = time.perf_counter() - start
        for name, value in model.params.items():
            saved[f"{row}.{name}"] = B.to_host(value)
        times = timed(epoch, active.synchronize, args.repeat)
        out["rows"][row] = {"times": times, "first": first, "n": n, "sizes": layers, "batch": batch,
                            "flops": epoch_flops(n, layers)}

    images_host = np.random.default_rng(args.seed).integers(0, 256, (sizes["images"], 32, 32, 3), dtype=np.uint8)
    images = active.put(images_host)
    def hog_row():       # the lecture's HoG of RGB images (scikit-image's defaults are grey, 3 x 3 blocks)
        return hog(images, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys",
                   channel_axis=-1)

    for row, func in (("hog", hog_row), ("color_histogram", lambda: color_histogram(images, bins=8))):
        start = time.perf_counter()
        saved[row] = B.to_host(func())
        first = time.perf_counter() - start
        times = timed(func, active.synchronize, args.repeat)
        out["rows"][row] = {"times": times, "first": first, "n": sizes["images"]}
    if args.save:
        np.savez(os.path.join(args.save, f"{args.backend}.npz"), **saved)
    return out


def _threads() -> str:
    try:
        from threadpoolctl import threadpool_info

        blas = [f"{p.get('internal_api')} {p.get('num_threads')} threads" for p in threadpool_info()
                if p.get("user_api") == "blas"]
        return ", ".join(blas) or "unknown"
    except Exception:  # noqa: BLE001 -- only for the header
        return "unknown"


def _cpu() -> str:
    """The CPU's model name and the number of cores this process may use (Linux; else the platform's)."""
    import platform

    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            name = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), name)
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{name}, {cores} cores"


def child(backend: str, args, save: str) -> dict:
    """Run one backend in a fresh process of this script; its JSON result (or an error)."""
    cmd = [sys.executable, os.path.abspath(__file__), "--backend", backend, "--json", "--repeat", str(args.repeat),
           "--seed", str(args.seed), "--save", save] + (["--quick"] if args.quick else [])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_repo(), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return {"backend": backend, "error": f"exit {proc.returncode}: {proc.stderr.strip()[-800:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _repo() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median(values: list[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else 0.5 * (values[mid - 1] + values[mid])


def compare(save: str) -> list[str]:
    """Lines comparing CuPy's check results with NumPy's; a line with 'FAIL' for each failure."""
    sys.path.insert(0, _repo())
    from coursework.tolerances import FLOAT32_ATOL, FLOAT32_RTOL, float32_difference

    ref, got = np.load(os.path.join(save, "numpy.npz")), np.load(os.path.join(save, "cupy.npz"))
    lines = [f"CuPy vs NumPy (float32 rule: max|diff| <= {FLOAT32_ATOL:g} + {FLOAT32_RTOL:g} * max|NumPy|):"]
    for row in ("mlp_digits", "mlp_cifar"):
        worst = max((float32_difference(got[k], ref[k]) + (k,) for k in ref.files if k.startswith(row + ".")),
                    key=lambda t: t[0] / t[1])
        verdict = "equal" if worst[0] <= worst[1] else "FAIL"
        lines.append(f"  {row}: check epoch, worst of weights and losses: {worst[3]} max|diff| = {worst[0]:.2e} "
                     f"(allowed {worst[1]:.2e}) -> {verdict}")
    hist_equal = np.array_equal(got["color_histogram"], ref["color_histogram"])
    hog_diff = float(np.max(np.abs(got["hog"] - ref["hog"])))
    lines.append(f"  color_histogram: {'identical' if hist_equal else 'FAIL: differs'}; "
                 f"hog: max|diff| = {hog_diff:.1e} -> {'equal' if hog_diff <= 1e-10 else 'FAIL'} (<= 1e-10)")
    return lines


def report(results: dict, args, baseline: dict | None) -> list[str]:
    """Print the table; return the comparison lines (empty without CuPy)."""
    sizes = SIZES["quick" if args.quick else "full"]
    numpy_r, cupy_r = results.get("numpy"), results.get("cupy")
    print(f"Backends, {'quick' if args.quick else 'full'} sizes; median of {args.repeat} timed runs after a check run")
    for r in (numpy_r, cupy_r):
        if r and "error" not in r:
            where = f" ({r['threads']}; {r['cpu']})" if r["backend"] == "numpy" else ""
            print(f"  {r['backend']}: {r['device']}{where}")
    gpu = cupy_r is not None and "error" not in cupy_r
    if not gpu:
        why = cupy_r["error"] if cupy_r else "not run"
        print(f"  CuPy: not available ({why}) -- GPU column skipped")
    header = f"{'row':<38} {'backend':<8} {'median':>10} {'first run':>10} {'GFLOP/s':>8} {'NumPy/CuPy':>11}"
    print(header)
    print("-" * len(header))
    for key, label in ROWS:
        detail = ""
        if key.startswith("mlp"):
            n, layers, batch = sizes[key.split("_")[1]]
            detail = f" ({n:,}x{layers[0]}, {layers}, batch {batch})"
        else:
            detail = f" ({sizes['images']:,} x 32x32x3 uint8)"
        print(label + detail)
        for r in (numpy_r, cupy_r):
            if not r or "error" in r:
                continue
            row = r["rows"][key]
            t = median(row["times"])
            rate = f"{row['flops'] / t / 1e9:8.1f}" if "flops" in row else f"{'':8}"
            ratio = ""
            if r is cupy_r:
                ratio = f"{median(numpy_r['rows'][key]['times']) / t:10.1f}x"
            print(f"  {'':<36} {r['backend']:<8} {t * 1e3:7.2f} ms {row['first'] * 1e3:7.1f} ms {rate} {ratio:>11}")
    if numpy_r and "error" in numpy_r:
        print(f"numpy: {numpy_r['error']}")
    lines = []
    if gpu:
        cpu_t, gpu_t = (median(r["rows"]["mlp_cifar"]["times"]) for r in (numpy_r, cupy_r))
        verdict = "met" if cpu_t / gpu_t >= GOAL else "NOT met"
        print(f"\nCIFAR-sized epoch: CuPy is {cpu_t / gpu_t:.1f}x faster than NumPy on this machine's CPU "
              f"(goal >= {GOAL:g}x: {verdict})")
        if baseline and "mlp_cifar" in baseline.get("rows", {}) and baseline.get("sizes") == cupy_r.get("sizes"):
            base_t = median(baseline["rows"]["mlp_cifar"]["times"])
            print(f"CIFAR-sized epoch: CuPy is {base_t / gpu_t:.1f}x faster than the stored NumPy baseline "
                  f"({baseline.get('cpu', '?')}, {baseline.get('threads', '?')}: {base_t * 1e3:.0f} ms; "
                  f"goal >= {GOAL:g}x: {'met' if base_t / gpu_t >= GOAL else 'NOT met'})")
        lines = compare(args.save)
        print("\n".join(lines))
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=BACKENDS, help="time one backend in this process (internal)")
    parser.add_argument("--json", action="store_true", help="with --backend: print the raw result as JSON")
    parser.add_argument("--json-out", help="write all results (and the comparison) to this JSON file")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per row (default 3)")
    parser.add_argument("--quick", action="store_true", help="smaller CIFAR-sized net and 100 images")
    parser.add_argument("--baseline", help="a --json-out file of an earlier NumPy run (another machine's CPU)")
    parser.add_argument("--save", help="folder for the check results (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    if args.backend:
        result = run_backend(args)
        print(json.dumps(result) if args.json else result)
        return 0 if "error" not in result or args.backend == "cupy" else 1
    baseline = None
    if args.baseline:
        with open(args.baseline) as f:
            baseline = json.load(f).get("numpy")
    with tempfile.TemporaryDirectory() as tmp:
        args.save = args.save or tmp
        results = {b: child(b, args, args.save) for b in BACKENDS}
        lines = report(results, args, baseline)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(dict(results, comparison=lines), f, indent=1)
    failed = "error" in results["numpy"] or any("FAIL" in line for line in lines)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
