"""How close a float32 result on the GPU must come to the CPU reference -- stated once.

A float32 computation on CuPy and the same computation with NumPy do not agree bit
for bit: cuBLAS and OpenBLAS sum the products of a matrix product in different orders,
and the GPU's ``exp`` and ``log`` may differ from the CPU's in the last bit. These
differences are of the order of float32's machine epsilon (1.2e-7) times the square
root of the length of the sums (55 for 3,072 CIFAR pixels), and training compounds
them slowly. The rule for "equal":

    max |got - expected|  <=  FLOAT32_ATOL + FLOAT32_RTOL * max |expected|

over the whole array -- relative to the array's largest value, not element by element,
because an element near zero (a bias gradient summing positive and negative terms) has
an error of the size of its terms, not of itself.

Why these numbers: after one to five epochs of SGD on digits- and CIFAR-sized MLPs
(``tests/reference/test_tolerances.py``), float32 NumPy differs from float64 NumPy by at most
8e-7 of the largest weight and 1.5e-7 of the loss on this project's CPU. A float32 GPU
run differs from the float32 CPU run by rounding of the same size, so
``FLOAT32_RTOL = 1e-5`` leaves a margin of about 10x; ``FLOAT32_ATOL`` only matters for
arrays that are (almost) all zero.

These bounds assume float32 arithmetic throughout. NVIDIA's TF32 tensor-core mode rounds
the inputs of a product to 10 mantissa bits and does not meet them: the GPU check
(``benchmarks/gpu_check.sh``) runs with ``NVIDIA_TF32_OVERRIDE=0``. float64 results are
compared with the tolerances of their own tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import backend

__all__ = ["FLOAT32_RTOL", "FLOAT32_ATOL", "float32_difference", "assert_float32_close"]

#: Relative tolerance, as a share of the largest |expected| value of the array.
FLOAT32_RTOL = 1e-5
#: Absolute floor of the tolerance (for arrays that are all, or almost all, zero).
FLOAT32_ATOL = 1e-6


def float32_difference(got: Any, expected: Any) -> tuple[float, float, tuple[int, ...]]:
    """``(max |got - expected|, allowed, index of the worst element)`` under the float32 rule.

    Parameters
    ----------
    got, expected : arrays of one shape, any device (copied to the host here)
    """
    a = np.asarray(backend.to_host(got), dtype=np.float64)
    b = np.asarray(backend.to_host(expected), dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"float32_difference: expected arrays of one shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0, FLOAT32_ATOL, ()
    diff = np.abs(a - b)
    worst = np.unravel_index(int(np.argmax(diff)), diff.shape)
    allowed = FLOAT32_ATOL + FLOAT32_RTOL * float(np.max(np.abs(b)))
    return float(diff[worst]), allowed, tuple(int(i) for i in worst)


def assert_float32_close(got: Any, expected: Any, what: str = "result") -> None:
    """Raise ``AssertionError`` naming the worst element unless ``got`` equals ``expected`` under the float32 rule."""
    diff, allowed, worst = float32_difference(got, expected)
    if not diff <= allowed:
        a, b = backend.to_host(got), backend.to_host(expected)
        raise AssertionError(f"{what}: max |got - expected| = {diff:.3g} > {allowed:.3g} "
                             f"(= {FLOAT32_ATOL:g} + {FLOAT32_RTOL:g} * max |expected|); worst element {worst}: "
                             f"got {float(a[worst]):.9g}, expected {float(b[worst]):.9g}")
