"""Write the stored inputs and expected outputs of the visible checks.

    python -m grader_tests.make_expected            # every assignment
    python -m grader_tests.make_expected 01_features

The visible checks ship to students without the reference implementation, so they
compare with values stored in ``expected/<assignment>.npz``, made here from the
reference by the builders in :mod:`grader_tests.builders`. A test recomputes them and
fails if they drift.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import numpy as np

from . import builders as _builders

OUT = Path(__file__).with_name("expected")


def builders() -> dict:
    """assignment -> its ``build`` function, for every module in :mod:`grader_tests.builders`."""
    out = {}
    for info in pkgutil.iter_modules(_builders.__path__):
        module = importlib.import_module(f"{_builders.__name__}.{info.name}")
        out[module.ASSIGNMENT] = module.build
    return out


def main(argv: list[str]) -> None:
    known = builders()
    wanted = argv or sorted(known)
    unknown = [a for a in wanted if a not in known]
    if unknown:
        raise SystemExit(f"make_expected: expected assignments among {sorted(known)}, got {unknown}")
    OUT.mkdir(exist_ok=True)
    for assignment in wanted:
        np.savez_compressed(OUT / f"{assignment}.npz", **known[assignment]())
        print(f"wrote {OUT / assignment}.npz")


if __name__ == "__main__":
    main(sys.argv[1:])
