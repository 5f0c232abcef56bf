"""benchmarks/bench_backends.py on the CPU: it runs, says why the GPU column is missing, and its
CuPy-vs-NumPy comparison (which only a GPU machine reaches) passes equal results and fails others."""

from __future__ import annotations

import argparse
import importlib.util
import os

import numpy as np
import pytest

from coursework import devices

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(os.path.dirname(os.path.dirname(HERE)), "benchmarks", "bench_backends.py")


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_backends", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def numpy_run(bench, tmp_path_factory):
    save = tmp_path_factory.mktemp("bench")
    args = argparse.Namespace(backend="numpy", quick=True, repeat=1, seed=0, save=str(save))
    return bench.run_backend(args), save


def test_one_backend_times_every_row_and_saves_its_check_results(bench, numpy_run):
    result, save = numpy_run
    assert set(result["rows"]) == {key for key, _ in bench.ROWS}
    assert all(len(row["times"]) == 1 and row["times"][0] > 0 for row in result["rows"].values())
    saved = np.load(save / "numpy.npz")
    assert {"mlp_digits.loss", "mlp_cifar.0.W", "hog", "color_histogram"} <= set(saved.files)


def _fake_cupy(save, change: float):
    """A 'CuPy' result: NumPy's, with every weight of the CIFAR-sized net moved by ``change`` x its max."""
    ref = np.load(save / "numpy.npz")
    fake = {k: ref[k] + change * np.max(np.abs(ref[k])) if k.startswith("mlp_cifar.") else ref[k] for k in ref.files}
    np.savez(save / "cupy.npz", **fake)


def test_the_comparison_accepts_rounding_differences(bench, numpy_run):
    _, save = numpy_run
    _fake_cupy(save, 1e-6)
    lines = bench.compare(str(save))
    assert not any("FAIL" in line for line in lines), lines
    assert "mlp_cifar: check epoch" in lines[2] and lines[2].endswith("-> equal")


def test_the_comparison_fails_beyond_the_float32_tolerance(bench, numpy_run):
    _, save = numpy_run
    _fake_cupy(save, 1e-3)
    lines = bench.compare(str(save))
    assert lines[2].endswith("-> FAIL") and not lines[1].endswith("FAIL")


@pytest.mark.skipif(devices.cupy_or_reason()[0] is not None,
                    reason="a GPU is usable here: the GPU column is not skipped")
def test_without_a_gpu_the_table_says_why(bench, capsys):
    assert bench.main(["--quick", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "CuPy: not available (" in out and "GPU column skipped" in out
    assert "MLP epoch, CIFAR-sized, large batch (1,024x3072" in out and " numpy " in out


def test_epoch_flops_counts_forward_backward_without_the_first_dx(bench):
    assert bench.epoch_flops(1, [2, 3]) == 3 * (2 * 6) - 2 * 6
