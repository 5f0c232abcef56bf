"""The lecture's claims about activation functions (topic 5), as experiments.

- :func:`sigmoid_saturation` -- σ'(x) = (1 − σ(x)) σ(x) is at most 0.25 (at 0) and
  almost 0 for large |x|: a saturated sigmoid passes almost no gradient back.
- :func:`mean_outputs` -- on zero-mean inputs, sigmoid outputs average 0.5 (not
  zero-centred), tanh about 0; ReLU's outputs are all >= 0, ELU's mean is nearer 0.
- :func:`dead_units_experiment` and :func:`dead_fraction_vs_lr` -- with a large
  learning rate or a very negative bias, hidden ReLUs end up never active on the
  training set and their gradient is exactly 0 (dead ReLU); Leaky ReLU and ELU units
  in the same place still get a gradient.
- :func:`collapse_linear` and :func:`linear_vs_relu_spirals` -- Linear layers
  without activations in between are one Linear layer (W2 W1 x = W3 x), so a
  "deep" linear net cannot separate the spirals; a ReLU net can.

Saturation and centring are here; dead ReLUs in :mod:`.dead_units`, the collapse of
stacked linear layers in :mod:`.linear_collapse`, the shared pairs in
:mod:`.activation_pairs`; everything is importable from this module. Everything runs on
NumPy on the host, seeded by the ``rng`` argument.

Your own activations. Every experiment takes ``functions``: name -> ``(forward,
backward)``, the notebook's pairs ``f_forward(x)`` and ``f_backward(dout, x)`` (which
returns ``dout * f'(x)``). A name found there runs your pair (networks wrap it in
:class:`coursework.nn.Activation`); any other name runs the package's
:data:`FUNCTIONS`. In the student bundle of 03 the package's activations are not
shipped, so the notebook passes yours. With the package's own functions as the pairs
(:func:`package_pair`) every result is the same as with the default.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ..devices import on_cpu
from .activation_pairs import FUNCTIONS, Pair, _check_functions, _derivative, _pair, package_pair
from .dead_units import DEAD_SETTINGS, UnitStats, dead_fraction_vs_lr, dead_units_experiment, hidden_unit_stats
from .linear_collapse import collapse_linear, combine_linear, linear_vs_relu_spirals

__all__ = ["FUNCTIONS", "package_pair", "sigmoid_saturation", "mean_outputs", "hidden_unit_stats",
           "dead_units_experiment", "dead_fraction_vs_lr", "DEAD_SETTINGS", "combine_linear", "collapse_linear",
           "linear_vs_relu_spirals", "UnitStats"]


# -- saturation and centring -----------------------------------------------------------

@on_cpu
def sigmoid_saturation(far: float = 10.0, grid: Sequence[float] | None = None, *,
                       functions: Mapping[str, Pair] | None = None,
                       compare: Sequence[str] = ("tanh", "relu")) -> dict:
    """How much gradient a sigmoid passes back, near 0 and far from it.

    Parameters
    ----------
    far : float > 0
        The "large |x|" at which the derivative is read.
    grid : sequence of float, optional
        Points at which σ' is evaluated to find its maximum (default: 4,001
        points evenly spaced on [-far, far], which include 0).
    functions : dict name -> (forward, backward), optional
        Your activations (see the module's docstring); ``"sigmoid"`` and the names of
        ``compare`` are read from it when there.
    compare : sequence of names, default ("tanh", "relu")
        Activations whose derivative at ``far`` is reported next to the sigmoid's
        (``()`` for none: the notebook's first call, before tanh and ReLU are written).

    Returns
    -------
    dict with
        ``"grad_at_minus_far"``, ``"grad_at_plus_far"``: σ'(−far), σ'(far);
        ``"grad_max"``, ``"argmax"``: the largest σ' on the grid and where it is;
        ``"<name>_grad_at_far"`` for each name of ``compare``: f'(far), by default
        ``"tanh_grad_at_far"`` (tanh saturates too) and ``"relu_grad_at_far"`` = 1
        (ReLU does not saturate for x > 0).
    """
    func = "sigmoid_saturation"
    far = float(far)
    if not far > 0:
        raise ValueError(f"{func}: expected far > 0, got {far}")
    functions = _check_functions(functions, func)
    x = np.linspace(-far, far, 4001) if grid is None else np.asarray(grid, dtype=np.float64)
    sigmoid = _pair("sigmoid", functions, func)
    g = _derivative(sigmoid, x)
    ends = np.array([-far, far])
    at_ends = _derivative(sigmoid, ends)
    out = {
        "grad_at_minus_far": float(at_ends[0]),
        "grad_at_plus_far": float(at_ends[1]),
        "grad_max": float(g.max()),
        "argmax": float(x[int(np.argmax(g))]),
    }
    for name in compare:
        out[f"{name}_grad_at_far"] = float(_derivative(_pair(name, functions, func), ends)[1])
    return out


@on_cpu
def mean_outputs(n: int = 100_000, rng: Any = 0, names: Sequence[str] | None = None, *,
                 functions: Mapping[str, Pair] | None = None) -> dict[str, float]:
    """Mean output of each activation on ``n`` samples of a standard normal N(0, 1).

    On zero-mean inputs a zero-centred activation averages about 0. Exact values
    for comparison: sigmoid 0.5, tanh 0, ReLU 1/sqrt(2π) ≈ 0.399, Leaky ReLU
    0.99/sqrt(2π) ≈ 0.395, ELU 1/sqrt(2π) + e^(1/2) Φ(−1) − 1/2 ≈ 0.160.

    Parameters
    ----------
    names : sequence of str, optional
        Which activations (default: those of ``functions`` when given, else all of
        :data:`FUNCTIONS`).
    functions : dict name -> (forward, backward), optional
        Your activations (see the module's docstring).

    Returns
    -------
    dict: name -> mean output (float), in the order of ``names``.
    """
    functions = _check_functions(functions, "mean_outputs")
    names = tuple(functions or FUNCTIONS) if names is None else tuple(names)
    pairs = {name: _pair(name, functions, "mean_outputs") for name in names}
    x = np.random.default_rng(rng).standard_normal(int(n))
    return {name: float(np.mean(pair[0](x))) for name, pair in pairs.items()}
