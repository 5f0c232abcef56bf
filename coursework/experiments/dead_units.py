"""Dead ReLUs (lecture topic 5): with a large learning rate or a very negative bias,
hidden ReLUs end up never active on the training set and their gradient is exactly 0;
Leaky ReLU and ELU units in the same place still get a gradient. ``functions=`` as in
:mod:`coursework.experiments.activations`, from which all of this is importable too.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence

import numpy as np
from tqdm.auto import tqdm

from .. import nn, optim, train
from ..data import spirals
from ..devices import on_cpu
from .activation_pairs import Pair, _check_functions, _check_name, _derivative, _layer_factory, _pair

__all__ = ["UnitStats", "hidden_unit_stats", "dead_units_experiment", "dead_fraction_vs_lr", "DEAD_SETTINGS"]

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
