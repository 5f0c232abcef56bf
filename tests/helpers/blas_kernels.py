"""Which BLAS the tests run on, for ``make test-blas``.

``make test-blas`` runs the fast tests once per OpenBLAS kernel
(``OPENBLAS_CORETYPE=Sandybridge``, then ``Haswell``) with 2 BLAS threads: a test or a
check that compares floating results bit for bit fails there. Before each run it calls
this script with that environment::

    OPENBLAS_CORETYPE=Haswell OPENBLAS_NUM_THREADS=2 python tests/helpers/blas_kernels.py

It prints one line saying what the tests will run on and exits with 0 when the
requested kernel is the one in use, 1 when it is not (another BLAS than OpenBLAS, an
OpenBLAS without that kernel, a CPU that lacks its instructions): the line then says
what stands in, and the Makefile runs the fast tests once on that instead.
"""

from __future__ import annotations

import os
import sys


def describe(pools: list[dict], coretype: str) -> tuple[bool, str]:
    """(whether the BLAS in ``pools`` runs the OpenBLAS kernel ``coretype``, one line saying so).

    ``pools`` is ``threadpoolctl.threadpool_info()``: dicts with ``user_api``,
    ``internal_api``, ``architecture``, ``num_threads``, ``version``, ``filepath``.
    """
    blas = [p for p in pools if p.get("user_api") == "blas"]
    if not blas:
        return False, "test-blas: threadpoolctl finds no BLAS library loaded by NumPy; nothing stands in"
    first = blas[0]
    name = first.get("internal_api", "?")
    version = first.get("version") or "?"
    arch = first.get("architecture") or "?"
    threads = first.get("num_threads", "?")
    what = f"{name} {version} (kernel {arch}, {threads} threads, {os.path.basename(first.get('filepath', '?'))})"
    if name != "openblas":
        return False, f"test-blas: the BLAS is {what}, not OpenBLAS: OPENBLAS_CORETYPE={coretype} does not apply; " \
                      f"it stands in for that kernel"
    if arch.lower() != coretype.lower():
        return False, f"test-blas: OpenBLAS runs kernel {arch}, not {coretype} (unknown kernel or missing CPU " \
                      f"support); {what} stands in"
    return True, f"test-blas: {what}"


def main() -> int:
    from threadpoolctl import threadpool_info

    import numpy  # noqa: F401  (loads the BLAS that threadpoolctl inspects)

    ok, line = describe(threadpool_info(), os.environ.get("OPENBLAS_CORETYPE", ""))
    print(line, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
