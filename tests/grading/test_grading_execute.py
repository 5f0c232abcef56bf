"""The grading kernel's limits on a small notebook: timeout, output truncation, memory,
a dead kernel, and a kernel that cannot start."""

from __future__ import annotations

import nbformat
import pytest

from coursework.grading.execute.notebook import kernel_env, run_notebook_sync
from coursework.grading.execute.outcome import KernelStartError

pytestmark = pytest.mark.slow

C = nbformat.v4.new_code_cell


def test_limits_and_a_dead_kernel(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [C("import os\nprint(os.environ['COURSEWORK_STUDENT_ID'], os.environ['OMP_NUM_THREADS'])"),
                C("def f():\n    return 1\nwhile True:\n    pass"),
                C("print(f())"),
                C("print('x' * 300_000)"),
                C("block = bytearray(8 * 2**30)"),
                C("raise ValueError('bad')"),
                C("os._exit(3)"),
                C("print('never')")]
    out = run_notebook_sync(nb, cwd=tmp_path, env=kernel_env(student="alice", memory_mb=2048), timeout=3,
                            max_output_bytes=100_000)
    status = [out.cells[i].status for i in range(len(nb.cells))]
    assert status == ["ok", "timeout", "ok", "ok", "error", "error", "died", "not-run"]
    assert nb.cells[0].outputs[0].text == "alice 1\n"
    assert nb.cells[1].outputs[-1].ename == "CellTimeoutError"
    assert nb.cells[2].outputs[0].text == "1\n"  # the kernel went on after the interrupt
    assert out.cells[3].truncated_bytes == 200_001
    assert len(nb.cells[3].outputs[0].text) == 100_000 and "output truncated" in nb.cells[3].outputs[1].text
    assert out.cells[4].ename == "MemoryError"
    assert out.cells[6].detail == "exit code 3"
    assert out.stopped == "the kernel died in cell '#6' (exit code 3)"
    assert nb.cells[7].outputs[0].ename == "NotRun"


def test_a_kernel_that_cannot_start_is_not_the_students_fault(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [C("print(1)")]
    with pytest.raises(KernelStartError, match="the kernel did not start"):
        run_notebook_sync(nb, cwd=tmp_path, env=kernel_env(memory_mb=16), timeout=5, startup_timeout=20)


def test_grading_kernels_compute_on_the_cpu(monkeypatch):
    """The visible checks' stored values are NumPy's: a lecturer's COURSEWORK_DEVICE=gpu must not reach grading."""
    monkeypatch.setenv("COURSEWORK_DEVICE", "gpu")
    assert kernel_env(student="alice")["COURSEWORK_DEVICE"] == "cpu"
