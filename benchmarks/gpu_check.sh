#!/usr/bin/env bash
# The GPU check, as one prepared script for a machine with an NVIDIA GPU: the CuPy tests
# (pytest -m cupy: every backend-parametrised test on CuPy, the pipeline on the GPU, the
# float32 comparisons with NumPy) and benchmarks/bench_backends.py (NumPy vs CuPy on the
# same machine, and vs the stored CPU baseline of the development machine).
#
#   bash benchmarks/gpu_check.sh            # from anywhere; results in $OUT or ./gpu-check/
#
# It installs nothing. It needs, importable by $PYTHON (default python3): numpy, cupy
# (cupy-cuda12x or cupy-cuda13x, matching the driver), array_api_compat, array_api_strict,
# pytest, hypothesis, scikit-image, scikit-learn, tqdm, threadpoolctl -- the course package
# itself is used from this checkout (PYTHONPATH), not installed. Missing ones are listed and
# the script stops (exit 2); a GPU CuPy cannot use stops it too (exit 3), with CuPy's reason.
# NVIDIA_TF32_OVERRIDE=0 keeps float32 products in float32 (see coursework/tolerances.py).
# Exit status: 0 when the tests pass and the benchmark's CuPy results equal NumPy's.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
OUT_DIR=${OUT:-gpu-check}
mkdir -p "$OUT_DIR"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 NVIDIA_TF32_OVERRIDE=0 MPLBACKEND=Agg

missing=$("$PY" - <<'EOF'
import importlib.util
need = ["numpy", "cupy", "array_api_compat", "array_api_strict", "pytest", "hypothesis", "skimage", "sklearn",
        "tqdm", "threadpoolctl"]
print(" ".join(name for name in need if importlib.util.find_spec(name) is None))
EOF
)
if [ -n "$missing" ]; then
    echo "gpu_check: missing Python packages: $missing (this script installs nothing; carry them as wheels)"
    exit 2
fi

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | tee "$OUT_DIR/gpu.txt"
"$PY" -c "import cupy, numpy; print('numpy', numpy.__version__, '| cupy', cupy.__version__, \
'| CUDA runtime', cupy.cuda.runtime.runtimeGetVersion())" 2>&1 | tee -a "$OUT_DIR/gpu.txt"
if ! "$PY" -c "from coursework import devices; d = devices.use('gpu'); print(d.describe()); raise SystemExit(d.name != 'gpu')" \
        2>&1 | tee -a "$OUT_DIR/gpu.txt"; then
    echo "gpu_check: CuPy cannot use a GPU here (the line above says why)"
    exit 3
fi

# The test files with CuPy tests (the backend matrix and the GPU pipeline); none of them needs nbgrader.
files=$(grep -l -e "(backend" -e "mark.cupy" tests/*/test_*.py)
"$PY" -m pytest -q -p no:cacheprovider -m cupy $files 2>&1 | tee "$OUT_DIR/pytest_cupy.log"
tests=${PIPESTATUS[0]}

"$PY" benchmarks/bench_backends.py --baseline benchmarks/baseline_numpy_cpu.json \
    --json-out "$OUT_DIR/bench_backends.json" 2>&1 | tee "$OUT_DIR/bench_backends.log"
bench=${PIPESTATUS[0]}

echo "gpu_check: CuPy tests exit $tests, benchmark exit $bench (results in $OUT_DIR/)"
[ "$tests" -eq 0 ] && [ "$bench" -eq 0 ]
