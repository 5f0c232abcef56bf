"""One SGD training step of a 2-layer MLP: coursework vs PyTorch (CPU), one thread each.

    python benchmarks/bench_training.py                 # both, each in its own process
    python benchmarks/bench_training.py --repeat 500    # more timed steps
    python benchmarks/bench_training.py --library coursework --json   # one side only (used internally)

The model is the lecture's 2-layer net on CIFAR-sized inputs: scores = W2 max(0, W1 x + b1) + b2
with N = 128 samples, D = 3072 inputs, H = 100 hidden units, C = 10 classes, float32.
One step is forward, softmax cross-entropy, backward and a plain SGD update:

- coursework: :func:`coursework.train.training_step` on an ``MLP([D, H, C], dtype="float32")``
  with :func:`coursework.nn.softmax_cross_entropy` and :class:`coursework.optim.SGD`;
- torch: ``nn.Sequential(nn.Linear, nn.ReLU, nn.Linear)``, ``F.cross_entropy``,
  ``loss.backward()``, ``torch.optim.SGD.step()`` (gradients set to None before each step,
  as ``zero_grad()`` does by default).

Fairness: each library runs in a fresh subprocess of this script (``--library``), with
``OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = 1`` in its environment before
NumPy / torch are imported, and ``torch.set_num_threads(1)``. Both start from the same
weights and data (drawn with NumPy from ``--seed``; torch stores W transposed), do the same
warm-up steps, and time ``--repeat`` single steps. On a shared machine the load changes from one
moment to the next, so the two libraries take turns: ``--rounds`` fresh processes each,
alternating (coursework, torch, coursework, torch, ...); the median over all timed steps of a
library counts, and the table also shows the best per-round median. Both report the loss of their
first step, which must agree (same model, same data).

Each process also measures its library's float32 matrix-multiply throughput on one thread
(a ``--matmul``-sized square product, best of 5), and the step's FLOP count gives the
share of it a step reaches: forward ``F = 2 N D H + 2 N H C``, backward about ``2 F``,
and both libraries skip the gradient of the input ``X`` (nothing needs it: torch because ``X``
does not require grad, coursework because ``training_step`` calls ``backward(dout,
input_grad=False)``), so a step is about ``3 F`` FLOPs less ``2 N D H``.
"""

from __future__ import annotations

import os

# One thread, fixed before NumPy or torch is imported (they read these at import).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

N, D, H, C = 128, 3072, 100, 10
LR = 1e-3
GOAL = 1.3        # ours should be at least this many times faster than torch
LIBRARIES = ("coursework", "torch")


def step_flops(n: int = N, d: int = D, h: int = H, c: int = C) -> float:
    """FLOPs of one step: forward 2NDH + 2NHC, backward twice that less dX (2NDH)."""
    forward = 2.0 * n * d * h + 2.0 * n * h * c
    return 3.0 * forward - 2.0 * n * d * h


def initial_values(seed: int):
    """Data and weights shared by both libraries, as float32 NumPy arrays (He init)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D)).astype(np.float32)
    y = rng.integers(0, C, size=N).astype(np.int64)
    W1 = (np.sqrt(2.0 / D) * rng.standard_normal((D, H))).astype(np.float32)
    W2 = (np.sqrt(2.0 / H) * rng.standard_normal((H, C))).astype(np.float32)
    return X, y, W1, np.zeros(H, np.float32), W2, np.zeros(C, np.float32)


def time_steps(step, warmup: int, repeat: int) -> list[float]:
    """Seconds of ``repeat`` single calls of ``step`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def matmul_gflops(matmul, size: int) -> float:
    """Best-of-8 GFLOP/s of one ``size`` x ``size`` float32 product (after one warm-up)."""
    matmul()
    best = float("inf")
    for _ in range(8):
        start = time.perf_counter()
        matmul()
        best = min(best, time.perf_counter() - start)
    return 2.0 * size ** 3 / best / 1e9


def run_coursework(args) -> dict:
    import numpy as np

    from coursework.nn import MLP, softmax_cross_entropy
    from coursework.optim import SGD
    from coursework.train import training_step

    X, y, W1, b1, W2, b2 = initial_values(args.seed)
    model = MLP([D, H, C], rng=0, dtype="float32")
    for name, value in (("0.W", W1), ("0.b", b1), ("2.W", W2), ("2.b", b2)):
        model.params[name] = value.copy()
    optimizer = SGD(LR)
    model.train()
    first_loss = float(training_step(model, X, y, softmax_cross_entropy, optimizer))
    times = time_steps(lambda: training_step(model, X, y, softmax_cross_entropy, optimizer), args.warmup, args.repeat)

    A = np.random.default_rng(1).standard_normal((args.matmul, args.matmul)).astype(np.float32)
    B = np.random.default_rng(2).standard_normal((args.matmul, args.matmul)).astype(np.float32)
    gflops = matmul_gflops(lambda: A @ B, args.matmul)
    return {"library": "coursework", "version": f"numpy {np.__version__}", "first_loss": first_loss,
            "times": times, "matmul_gflops": gflops, "dtype": str(model.params["0.W"].dtype)}


def run_torch(args) -> dict:
    try:
        import torch
    except ImportError as exc:
        return {"library": "torch", "error": f"torch is not importable ({exc})"}
    import torch.nn.functional as F

    torch.set_num_threads(1)
    X, y, W1, b1, W2, b2 = initial_values(args.seed)
    model = torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.ReLU(), torch.nn.Linear(H, C))
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(W1.T.copy()))
        model[0].bias.copy_(torch.from_numpy(b1))
        model[2].weight.copy_(torch.from_numpy(W2.T.copy()))
        model[2].bias.copy_(torch.from_numpy(b2))
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        return loss

    first_loss = float(step().detach())
    times = time_steps(step, args.warmup, args.repeat)
    gen = torch.Generator().manual_seed(1)
    A = torch.randn(args.matmul, args.matmul, generator=gen, dtype=torch.float32)
    B = torch.randn(args.matmul, args.matmul, generator=gen, dtype=torch.float32)
    gflops = matmul_gflops(lambda: A @ B, args.matmul)
    return {"library": "torch", "version": f"torch {torch.__version__}", "first_loss": first_loss,
            "times": times, "matmul_gflops": gflops, "dtype": str(model[0].weight.dtype),
            "threads": torch.get_num_threads()}


def child(library: str, args) -> dict:
    """Run one library in a fresh process of this script; its JSON result (or an error)."""
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    cmd = [sys.executable, os.path.abspath(__file__), "--library", library, "--json",
           "--repeat", str(args.repeat), "--warmup", str(args.warmup), "--seed", str(args.seed),
           "--matmul", str(args.matmul)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"library": library, "error": f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else 0.5 * (values[mid - 1] + values[mid])


def quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def pool(rounds: list[dict]) -> dict:
    """One library's rounds as one result: every timed step, the best matmul rate, round medians."""
    good = [r for r in rounds if "error" not in r]
    if not good:
        return rounds[0]
    out = dict(good[0])
    out["times"] = [t for r in good for t in r["times"]]
    out["matmul_gflops"] = max(r["matmul_gflops"] for r in good)
    out["round_medians"] = [median(r["times"]) for r in good]
    return out


def report(results: dict, args) -> None:
    flops = step_flops()
    rounds = args.rounds if not args.library else 1
    print(f"One training step of a 2-layer MLP, N={N} D={D} H={H} C={C}, float32, one thread per process; "
          f"{args.warmup} warm-up steps, then {args.repeat} timed steps in each of {rounds} process(es) per library")
    print(f"step FLOPs ~ 3 x forward - dX = {flops / 1e6:.1f} MFLOP; "
          f"matmul peak: {args.matmul}^3 float32 product, best run")
    header = (f"{'library':<11} {'version':<17} {'median':>10} {'best round':>11} {'p10':>9} {'p90':>9} "
              f"{'GFLOP/s':>8} {'matmul GFLOP/s':>15} {'of matmul':>10} {'first loss':>11}")
    print(header)
    print("-" * len(header))
    for lib in LIBRARIES:
        r = results.get(lib)
        if r is None:
            continue
        if "error" in r:
            print(f"{lib:<11} {r['error']}")
            continue
        t = median(r["times"])
        best = min(r.get("round_medians", [t]))
        rate = flops / t / 1e9
        p10, p90 = quantile(r["times"], 0.1), quantile(r["times"], 0.9)
        print(f"{lib:<11} {r['version']:<17} {t * 1e3:7.3f} ms {best * 1e3:8.3f} ms {p10 * 1e3:6.3f} ms "
              f"{p90 * 1e3:6.3f} ms {rate:8.1f} {r['matmul_gflops']:15.1f} "
              f"{rate / r['matmul_gflops']:9.1%} {r['first_loss']:11.6f}")
    ours, torch_r = results.get("coursework"), results.get("torch")
    if ours and torch_r and "error" not in ours and "error" not in torch_r:
        ratio = median(torch_r["times"]) / median(ours["times"])
        best_ratio = min(torch_r.get("round_medians", [0])) / min(ours.get("round_medians", [1]))
        verdict = "met" if ratio >= GOAL else "NOT met"
        word = "faster" if ratio >= 1 else "slower"
        shown = ratio if ratio >= 1 else 1 / ratio
        print(f"\ncoursework is {shown:.2f}x {word} than torch (torch median / ours = {ratio:.2f}; "
              f"best rounds: {best_ratio:.2f}; goal >= {GOAL}x: {verdict})")
        diff = abs(ours["first_loss"] - torch_r["first_loss"])
        print(f"first-step losses agree within {diff:.1e} (same weights and data)")
        if diff > 1e-4:
            print("WARNING: the two libraries do not compute the same step")
    elif torch_r and "error" in torch_r:
        print(f"\n{torch_r['error']}: only coursework was timed")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", choices=LIBRARIES, help="time one library in this process (internal)")
    parser.add_argument("--json", action="store_true", help="print the raw result as JSON (with --library)")
    parser.add_argument("--repeat", type=int, default=200,
                        help="timed steps per process; the median over all counts (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps first (default 20)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="fresh processes per library, alternating between the libraries (default 3)")
    parser.add_argument("--matmul", type=int, default=2048,
                        help="side of the square matmul that measures the peak (default 2048)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    if args.library:
        result = (run_coursework if args.library == "coursework" else run_torch)(args)
        if args.json:
            print(json.dumps(result))
        else:
            report({args.library: result}, args)
        return 0 if "error" not in result or args.library == "torch" else 1
    runs: dict[str, list[dict]] = {lib: [] for lib in LIBRARIES}
    for _ in range(max(1, args.rounds)):
        for lib in LIBRARIES:
            if runs[lib] and "error" in runs[lib][-1]:
                continue                          # e.g. torch not installed: say so once
            runs[lib].append(child(lib, args))
    results = {lib: pool(rs) for lib, rs in runs.items()}
    report(results, args)
    return 0 if "error" not in results["coursework"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
