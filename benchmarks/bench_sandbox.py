"""What the grading sandbox costs: ``apply()`` itself, a child start, a kernel start.

    python benchmarks/bench_sandbox.py --repeat 10

Three measurements, each the median (and min) of ``--repeat`` fresh processes:

- ``apply()`` inside a child, as its report measures it (rlimits to seccomp; Landlock
  rules for ``kernel_policy``'s paths, about 30 here);
- a child ``python -c`` that loads sandbox.py by path, without vs with ``apply()``
  (start to exit, the interpreter start included);
- an ipykernel started with ``--kernel`` (start to ``kernel_info`` reply, ipc transport),
  without vs with the sandbox;
- a grading kernel as ``coursework autograde`` starts it (``--room``): a room
  (:class:`coursework.grading.execute.room.KernelRoom`), its relay, the grading launcher (sandbox,
  then ``forbid_connect`` and the kernel's output cut once ipykernel is up) and one cell,
  ``print(1)``, run to the end.

Prints the numbers and the ratios; asserts nothing (timings vary with the machine's load).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SANDBOX = REPO / "coursework" / "grading" / "kernel" / "sandbox.py"


def _policy_json(scratch):
    code = ("import runpy, sys; sb = runpy.run_path(sys.argv[1]);"
            " print(sb['kernel_policy'](sys.argv[2], exclude=[sys.argv[3]], memory_mb=2048).to_json())")
    return subprocess.run([sys.executable, "-c", code, str(SANDBOX), scratch, str(REPO)], capture_output=True,
                          text=True, check=True).stdout.strip()


def child_times(policy, repeat):
    without, with_, apply_ms = [], [], []
    base = f"import os, runpy, json; sb = runpy.run_path({str(SANDBOX)!r})\n"
    confined = base + "r = sb['apply'](sb['Policy'].from_json(os.environ['P'])); print(json.dumps(r['ms']))\n"
    for _ in range(repeat):
        for code, bucket in ((base, without), (confined, with_)):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  env=dict(os.environ, P=policy))
            bucket.append(time.perf_counter() - start)
            if bucket is with_:
                apply_ms.append(float(done.stdout))
    return without, with_, apply_ms


def kernel_times(policy_for, repeat):
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    results = {False: [], True: []}
    for _ in range(repeat):
        for confined in (False, True):
            with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
                scratch, socks = os.path.join(tmp, "scratch"), os.path.join(tmp, "socks")
                os.makedirs(scratch)
                os.makedirs(socks)
                step = f"runpy.run_path({str(SANDBOX)!r})['apply_from_env']()\n" if confined else ""
                launcher = (f"import os, runpy, sys\n{step}del sys.path[0]\n"
                            "from ipykernel import kernelapp\nkernelapp.launch_new_instance()\n")

                class OneSpec(KernelSpecManager):
                    def get_kernel_spec(self, kernel_name, launcher=launcher):  # noqa: ARG002
                        return KernelSpec(argv=[sys.executable, "-c", launcher, "-f", "{connection_file}"],
                                          name="b", display_name="b", language="python")

                manager = KernelManager(kernel_name="b", kernel_spec_manager=OneSpec(), transport="ipc",
                                        ip=os.path.join(socks, "k"), connection_file=os.path.join(socks, "k.json"))
                env = {"PATH": "/usr/bin:/bin", "HOME": scratch, "IPYTHONDIR": os.path.join(scratch, ".ipython"),
                       "OPENBLAS_NUM_THREADS": "1"}
                if confined:
                    env["COURSEWORK_SANDBOX"] = policy_for(scratch, socks)
                start = time.perf_counter()
                manager.start_kernel(env=env, cwd=scratch)
                client = manager.client()
                client.start_channels()
                try:
                    client.wait_for_ready(timeout=120)
                    results[confined].append(time.perf_counter() - start)
                finally:
                    client.stop_channels()
                    manager.shutdown_kernel(now=True)
    return results[False], results[True]


def room_times(repeat):
    """Seconds from a new room to the end of a one-cell notebook, the kernel shut down."""
    import asyncio

    import nbformat

    from coursework.grading.execute.notebook import run_notebook
    from coursework.grading.execute.room import KernelRoom

    async def once(stage):
        start = time.perf_counter()
        room = KernelRoom(bundle_stage=stage, inputs=[], course_root=REPO)
        try:
            km = room.kernel_manager()
            if hasattr(room, "open_relay"):                      # older versions had no relay
                await room.open_relay(km)
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
            outcome = await run_notebook(nb, cwd=room.work, env=room.env(), timeout=60, kernel_manager=km)
            assert outcome.cells[0].status == "ok", outcome
        finally:
            await room.aclose() if hasattr(room, "aclose") else room.close()
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
        stage = Path(tmp) / "bundle"
        (stage / "empty").mkdir(parents=True)
        return [asyncio.run(once(stage)) for _ in range(repeat)]


def _fmt(xs, unit=1000.0):
    return f"median {statistics.median(xs) * unit:8.1f} ms  min {min(xs) * unit:8.1f} ms"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--no-kernel", action="store_true", help="skip the ipykernel start measurement")
    parser.add_argument("--room", action="store_true", help="also time a grading kernel in its room, relay included")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as scratch:
        policy = _policy_json(scratch)
        without, with_, apply_ms = child_times(policy, args.repeat)
    print(f"apply() in a child:       median {statistics.median(apply_ms):8.1f} ms  min {min(apply_ms):8.1f} ms")
    print(f"child start, no sandbox:  {_fmt(without)}")
    ratio = statistics.median(with_) / statistics.median(without)
    print(f"child start, sandbox:     {_fmt(with_)}   ratio {ratio:.2f}")
    if not args.no_kernel:
        def policy_for(scratch, socks):
            data = json.loads(_policy_json(scratch))
            data["read_only"].append(socks)
            data["socket_dirs"].append(socks)
            return json.dumps(data)
        k_without, k_with = kernel_times(policy_for, args.repeat)
        print(f"kernel ready, no sandbox: {_fmt(k_without)}")
        print(f"kernel ready, sandbox:    {_fmt(k_with)}   ratio "
              f"{statistics.median(k_with) / statistics.median(k_without):.2f}")
    if args.room:
        print(f"grading kernel, one cell: {_fmt(room_times(args.repeat))}")


if __name__ == "__main__":
    main()
