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

Everything runs on NumPy on the host, seeded by the ``rng`` argument.

Your own activations. Every experiment takes ``functions``: name -> ``(forward,
backward)``, the notebook's pairs ``f_forward(x)`` and ``f_backward(dout, x)`` (which
returns ``dout * f'(x)``). A name found there runs your pair (networks wrap it in
:class:`coursework.nn.Activation`); any other name runs the package's
:data:`FUNCTIONS`. In the student bundle of 03 the package's activations are not
shipped, so the notebook passes yours. With the package's own functions as the pairs
(:func:`package_pair`) every result is the same as with the default.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from tqdm.auto import tqdm

from .. import nn, optim, train
from ..data import spirals
from ..nn import functional as F
from ..devices import on_cpu

__all__ = ["FUNCTIONS", "package_pair", "sigmoid_saturation", "mean_outputs", "hidden_unit_stats",
           "dead_units_experiment", "dead_fraction_vs_lr", "DEAD_SETTINGS", "combine_linear", "collapse_linear",
           "linear_vs_relu_spirals"]

#: name -> (f, f'), the element-wise activations of :mod:`coursework.nn.functional`
#: with the lecture's parameters (Leaky ReLU α = 0.01, ELU α = 1).
FUNCTIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (F.sigmoid, F.sigmoid_grad),
    "tanh": (F.tanh, F.tanh_grad),
    "relu": (F.relu, F.relu_grad),
    "leaky_relu": (F.leaky_relu, F.leaky_relu_grad),
    "elu": (F.elu, F.elu_grad),
}


#: (forward(x), backward(dout, x)), the form of the notebook's functions.
Pair = tuple[Callable, Callable]


@on_cpu
def package_pair(name: str) -> Pair:
    """The package's activation ``name`` as the notebook's pair: ``(f, lambda dout, x: dout * f'(x))``."""
    _check_name(name, "package_pair")
    f, df = FUNCTIONS[name]
    return f, lambda dout, x: dout * df(x)


def _check_functions(functions: Mapping[str, Pair] | None, func: str) -> dict[str, Pair]:
    """``functions`` as a dict name -> (forward, backward), or a clear error."""
    if functions is None:
        return {}
    if not isinstance(functions, Mapping):
        raise TypeError(f"{func}: expected functions to be a dict name -> (forward, backward), "
                        f"got {type(functions).__name__}")
    for name, pair in functions.items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(callable(f) for f in pair)):
            raise TypeError(f"{func}: expected functions[{name!r}] to be a pair (forward, backward) of functions, "
                            f"got {pair!r}")
    return dict(functions)


def _check_name(name: str, func: str, functions: Mapping[str, Pair] | None = None) -> None:
    if name not in FUNCTIONS and name not in (functions or {}):
        raise ValueError(f"{func}: expected an activation among {sorted(set(FUNCTIONS) | set(functions or {}))}, "
                         f"got {name!r}")


def _pair(name: str, functions: Mapping[str, Pair], func: str) -> Pair:
    """Your pair for ``name`` if given, else the package's."""
    _check_name(name, func, functions)
    return functions[name] if name in functions else package_pair(name)


def _derivative(pair: Pair, x: np.ndarray) -> np.ndarray:
    """f'(x) from a pair: its backward with an upstream gradient of ones."""
    return np.asarray(pair[1](np.ones_like(x), x), dtype=np.float64)


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


# -- dead ReLUs --------------------------------------------------------------------------

@dataclasses.dataclass
class UnitStats:
    """What happened to the hidden units of a one-hidden-layer net.

    Attributes
    ----------
    inactive_at_init : float
        Fraction of hidden units whose pre-activation is <= 0 on every training
        sample, before training.
    inactive : float
        The same fraction after training ("never active on the training set").
    dead : float
        Fraction of hidden units whose local gradient f'(z) is 0 on every training
        sample after training: their incoming weights never change again.
    train_accuracy : float
        Accuracy on the training set after training.
    """

    inactive_at_init: float
    inactive: float
    dead: float
    train_accuracy: float


@on_cpu
def hidden_unit_stats(model: nn.MLP, X: np.ndarray, activation: str, *,
                      functions: Mapping[str, Pair] | None = None) -> tuple[float, float]:
    """(inactive, dead) fractions of the first hidden layer of ``model`` on ``X``.

    A unit is *inactive* when its pre-activation z = x @ W + b is <= 0 for every
    row of ``X``, and *dead* when the activation's derivative f'(z) is 0 for every
    row (for ReLU the two are the same; for Leaky ReLU and ELU f' is never 0).
    f'(z) is ``backward(ones, z)`` of ``functions[activation]`` when given, else of the
    package's activation.
    """
    functions = _check_functions(functions, "hidden_unit_stats")
    pair = _pair(activation, functions, "hidden_unit_stats")
    z = X @ model.params["0.W"] + model.params["0.b"]
    inactive = np.all(z <= 0, axis=0)
    dead = np.all(_derivative(pair, z) == 0, axis=0)
    return float(inactive.mean()), float(dead.mean())


#: The settings of :func:`dead_units_experiment`: name -> (learning rate, initial bias of the hidden layer).
DEAD_SETTINGS: dict[str, tuple[float, float]] = {
    "good setting": (0.5, 0.0),
    "large learning rate": (4.0, 0.0),
    "negative bias init": (0.5, -1.5),
}


def _layer_factory(name: str, functions: Mapping[str, Pair]):
    """What :class:`~coursework.nn.MLP` takes: your pair as an Activation layer, else the package's name."""
    if name not in functions:
        return name
    forward, backward = functions[name]
    return lambda: nn.Activation(forward, backward, name)


def _train_one_hidden(activation: str, lr: float, bias: float, data, hidden: int, epochs: int,
                      batch_size: int, seed: int, functions: Mapping[str, Pair]) -> UnitStats:
    net = nn.MLP([data.X.shape[1], hidden, int(data.y.max()) + 1], _layer_factory(activation, functions), rng=seed)
    net.params["0.b"] = np.full(hidden, float(bias))
    before, _ = hidden_unit_stats(net, data.X, activation, functions=functions)
    with np.errstate(over="ignore", invalid="ignore"):
        history = train.fit(net, data.X, data.y, optimizer=optim.SGD(lr=lr), epochs=epochs, batch_size=batch_size,
                            rng=seed, progress=False)
    inactive, dead = hidden_unit_stats(net, data.X, activation, functions=functions)
    return UnitStats(before, inactive, dead, history.train_accuracy[-1])


@on_cpu
def dead_units_experiment(activations: Sequence[str] = ("relu", "leaky_relu", "elu"),
                          settings: Mapping[str, tuple[float, float]] = DEAD_SETTINGS, *, hidden: int = 100,
                          epochs: int = 50, batch_size: int = 32, n_per_class: int = 100, rng: int = 0,
                          progress: bool = False,
                          functions: Mapping[str, Pair] | None = None) -> dict[str, dict[str, UnitStats]]:
    """Train a one-hidden-layer net on the spirals under each setting and activation.

    The net is ``MLP([2, hidden, 3], activation)`` with He-initialised weights and
    every hidden bias set to the setting's initial bias; it is trained with plain
    minibatch SGD at the setting's learning rate. The same seed gives every run the
    same weights and minibatch order, so the runs differ only in the activation and
    the setting.

    Parameters
    ----------
    activations : names among ``"relu"``, ``"leaky_relu"``, ``"elu"``, ``"sigmoid"``, ``"tanh"``
    settings : name -> (learning rate, initial hidden bias), default :data:`DEAD_SETTINGS`
    hidden, epochs, batch_size : int
    n_per_class : int
        Spiral points per class (3 classes, noise 0.2).
    rng : int
        Seed of the data, the weights and the minibatch order.
    progress : bool
        Show a progress bar over the runs.
    functions : dict name -> (forward, backward), optional
        Your activations (see the module's docstring), used for the names found there.

    Returns
    -------
    dict: setting -> activation -> :class:`UnitStats`.
    """
    functions = _check_functions(functions, "dead_units_experiment")
    for name in activations:
        _check_name(name, "dead_units_experiment", functions)
    data = spirals(n_per_class, 3, noise=0.2, rng=rng)
    runs = [(s, a) for s in settings for a in activations]
    out: dict[str, dict[str, UnitStats]] = {s: {} for s in settings}
    for setting, activation in tqdm(runs, disable=not progress, desc="training"):
        lr, bias = settings[setting]
        out[setting][activation] = _train_one_hidden(activation, lr, bias, data, hidden, epochs, batch_size, rng,
                                                     functions)
    return out


@on_cpu
def dead_fraction_vs_lr(lrs: Sequence[float] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0), activation: str = "relu", *,
                        hidden: int = 100, epochs: int = 50, batch_size: int = 32, n_per_class: int = 100,
                        rng: int = 0, functions: Mapping[str, Pair] | None = None) -> dict[float, UnitStats]:
    """The hidden units of :func:`dead_units_experiment` after training at each learning rate
    (initial bias 0); ``functions`` as there.

    Returns
    -------
    dict: learning rate -> :class:`UnitStats`.
    """
    functions = _check_functions(functions, "dead_fraction_vs_lr")
    _check_name(activation, "dead_fraction_vs_lr", functions)
    data = spirals(n_per_class, 3, noise=0.2, rng=rng)
    return {float(lr): _train_one_hidden(activation, float(lr), 0.0, data, hidden, epochs, batch_size, rng,
                                         functions)
            for lr in lrs}


# -- stacked linear layers collapse --------------------------------------------------------

@on_cpu
def combine_linear(model: nn.Sequential) -> nn.Linear:
    """One :class:`~coursework.nn.Linear` layer equal to a chain of Linear layers.

    coursework's Linear computes ``x @ W + b`` (row vectors), so two layers give
    ``(x @ W1 + b1) @ W2 + b2 = x @ (W1 @ W2) + (b1 @ W2 + b2)``: the lecture's
    W3 = W2 W1 written for row vectors. Applied layer by layer for longer chains.

    Parameters
    ----------
    model : Sequential of Linear layers only (shapes (D, H1), (H1, H2), ..., (Hk, C))

    Returns
    -------
    Linear of shape (D, C) with ``params["W"]`` = W1 W2 ... and the combined bias.
    """
    layers = list(model)
    if not layers or not all(isinstance(layer, nn.Linear) for layer in layers):
        kinds = [type(layer).__name__ for layer in layers]
        raise TypeError(f"combine_linear: expected a Sequential of Linear layers only, got {kinds}")
    W, b = layers[0].params["W"], layers[0].params["b"]
    for layer in layers[1:]:
        W, b = W @ layer.params["W"], b @ layer.params["W"] + layer.params["b"]
    one = nn.Linear(W.shape[0], W.shape[1], rng=0)
    one.params["W"], one.params["b"] = W, b
    return one


def _random_biases(model: nn.Sequential, gen: np.random.Generator) -> None:
    for name in list(model.params):
        if name.endswith(".b"):
            model.params[name] = 0.1 * gen.standard_normal(model.params[name].shape)


@on_cpu
def collapse_linear(sizes: Sequence[int] = (2, 50, 50, 3), n: int = 200, rng: int = 0) -> dict:
    """A chain of Linear layers (random weights and biases) against its one-layer equivalent.

    Returns
    -------
    dict with
        ``"stack"``: the Sequential of ``len(sizes) - 1`` Linear layers;
        ``"single"``: the Linear layer of :func:`combine_linear`;
        ``"max_abs_diff"``: max |stack(x) − single(x)| over ``n`` random inputs;
        ``"scale"``: max |stack(x)| (to read the difference against);
        ``"product_shape"``: shape of W1 W2 ... = (sizes[0], sizes[-1]).
    """
    gen = np.random.default_rng(rng)
    stack = nn.Sequential(*[nn.Linear(a, b, gen) for a, b in zip(sizes[:-1], sizes[1:])])
    _random_biases(stack, gen)
    single = combine_linear(stack)
    x = gen.standard_normal((int(n), int(sizes[0])))
    out_stack, out_single = stack.forward(x), single.forward(x)
    return {"stack": stack, "single": single, "max_abs_diff": float(np.abs(out_stack - out_single).max()),
            "scale": float(np.abs(out_stack).max()), "product_shape": tuple(single.params["W"].shape)}


@on_cpu
def linear_vs_relu_spirals(hidden: int = 32, epochs: int = 150, n_per_class: int = 100, rng: int = 0,
                           progress: bool = False, functions: Mapping[str, Pair] | None = None) -> dict[str, dict]:
    """Train a 3-layer net without activations and the same net with ReLUs on the spirals.

    Both are ``[2, hidden, hidden, 3]`` with the same initial weights, trained
    full-batch with momentum SGD (lr 0.1 for the linear stack, which diverges
    with larger steps, 0.5 for the ReLU net) for ``epochs`` epochs. The ReLU is
    ``functions["relu"]`` when given (your pair, see the module's docstring), else the
    package's.

    Returns
    -------
    dict: ``"linear only"`` and ``"ReLU"`` -> ``{"model", "train_accuracy", "history"}``;
    plus ``"data"``: the spirals (a :class:`~coursework.data.Dataset`).
    """
    functions = _check_functions(functions, "linear_vs_relu_spirals")
    data = spirals(n_per_class, 3, noise=0.2, rng=rng)
    sizes = [2, hidden, hidden, 3]
    relu_net = nn.MLP(sizes, _layer_factory("relu", functions), rng=rng)
    linear_net = nn.Sequential(*[layer for layer in nn.MLP(sizes, "relu", rng=rng) if isinstance(layer, nn.Linear)])
    out: dict[str, Any] = {"data": data}
    for name, model, lr in tqdm([("linear only", linear_net, 0.1), ("ReLU", relu_net, 0.5)], disable=not progress,
                                desc="training"):
        history = train.fit(model, data.X, data.y, optimizer=optim.Momentum(lr=lr, beta=0.9), epochs=epochs,
                            batch_size=data.X.shape[0], rng=rng, progress=False)
        out[name] = {"model": model, "train_accuracy": history.train_accuracy[-1], "history": history}
    return out
