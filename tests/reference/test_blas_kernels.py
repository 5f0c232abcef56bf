"""tests/helpers/blas_kernels.py: `make test-blas` runs on the OpenBLAS kernel it asks for, or says what stands in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.blas_kernels import describe

SCRIPT = Path(__file__).resolve().parents[1] / "helpers" / "blas_kernels.py"


def openblas(arch="Haswell", threads=2):
    return {"user_api": "blas", "internal_api": "openblas", "version": "0.3.31", "architecture": arch,
            "num_threads": threads, "filepath": "/x/libopenblas.so"}


def test_the_requested_openblas_kernel_is_accepted_and_named():
    ok, line = describe([{"user_api": "openmp", "internal_api": "openmp"}, openblas("Haswell")], "haswell")
    assert ok and line == "test-blas: openblas 0.3.31 (kernel Haswell, 2 threads, libopenblas.so)"


@pytest.mark.parametrize("pools, coretype, says", [
    ([openblas("SkylakeX")], "Sandybridge", "OpenBLAS runs kernel SkylakeX, not Sandybridge"),
    ([{"user_api": "blas", "internal_api": "mkl", "version": "2024.1", "architecture": None, "num_threads": 2,
       "filepath": "/x/libmkl_rt.so"}], "Haswell", "the BLAS is mkl 2024.1 (kernel ?, 2 threads, libmkl_rt.so), "
     "not OpenBLAS: OPENBLAS_CORETYPE=Haswell does not apply"),
    ([], "Haswell", "finds no BLAS"),
])
def test_another_blas_or_kernel_is_refused_and_named(pools, coretype, says):
    ok, line = describe(pools, coretype)
    assert not ok and says in line and line.count("\n") == 0


def test_the_script_reports_the_kernel_actually_loaded():
    env = dict(os.environ, OPENBLAS_CORETYPE="Sandybridge", OPENBLAS_NUM_THREADS="2")
    run = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    line = run.stdout.strip()
    assert line.startswith("test-blas: ") and line.count("\n") == 0, run
    from threadpoolctl import threadpool_info
    if any(p.get("internal_api") == "openblas" for p in threadpool_info()):
        assert run.returncode == 0 and "kernel Sandybridge, 2 threads" in line, line
    else:
        assert run.returncode == 1 and "stands in" in line, line
