"""Stacked linear layers collapse (lecture topic 5): Linear layers without activations in
between are one Linear layer (W2 W1 x = W3 x), so a "deep" linear net cannot separate the
spirals; a ReLU net can. ``functions=`` as in :mod:`coursework.experiments.activations`,
from which all of this is importable too.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from tqdm.auto import tqdm

from .. import nn, optim, train
from ..data import spirals
from ..devices import on_cpu
from .activation_pairs import Pair, _check_functions, _layer_factory

__all__ = ["combine_linear", "collapse_linear", "linear_vs_relu_spirals"]

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
