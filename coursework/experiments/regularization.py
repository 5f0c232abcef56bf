"""The lecture's regularization claims (topic 10), as functions the 06_regularization
notebook calls and the tests assert.

- :func:`lecture_penalty_example` -- x = [1, 1, 1, 1], w1 = [1, 0, 0, 0], w2 = [0.25] * 4:
  the same score w·x = 1, but R_L2(w1) = 1 and R_L2(w2) = 0.25, while R_L1 = 1 for both.
  (Erratum: the note computes Σ (1 − w)² and Σ |1 − w| and prints 3 and 2.25 for L2, 3
  and 3 for L1.)
- :func:`zero_loss_is_not_unique` -- once a linear SVM classifies its training set with
  every margin met (loss 0), any larger multiple of W has loss 0 too; λ R(W) chooses.
- :func:`weight_decay_sweep` -- data loss + λ R(W) with growing λ: smaller weights,
  a larger data loss.
- :func:`dropout_statistics` -- inverted dropout keeps the expected activation, drops a
  share p, and is the identity in evaluation mode.
- :func:`batchnorm_statistics` and :func:`batchnorm_gradient_errors` -- batch norm
  normalises every feature of a batch; its backward pass agrees with finite differences
  (for a batch of more than one sample; a batch of one is refused).

Every experiment that runs an answer of the notebook's exercises takes it as an argument
(``penalties=``, ``penalty=``, ``forward=``, ``backward=``), the package's reference by
default: the student bundle does not ship those references, and the notebook passes the
student's functions.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import gradcheck, nn, optim, train
from ..regularization import PENALTIES, BatchNorm, Dropout, l2
from .sgd import digits_split
from ..devices import on_cpu

__all__ = ["LECTURE_X", "LECTURE_W1", "LECTURE_W2", "NOTE_PRINTED", "lecture_penalty_example",
           "zero_loss_is_not_unique", "weight_decay_sweep", "dropout_statistics", "batchnorm_statistics",
           "batchnorm_gradient_errors"]

#: The lecture's example: an input and two weight vectors with the same score w·x = 1.
LECTURE_X = np.array([1.0, 1.0, 1.0, 1.0])
LECTURE_W1 = np.array([1.0, 0.0, 0.0, 0.0])
LECTURE_W2 = np.array([0.25, 0.25, 0.25, 0.25])

#: What the note prints (wrong: it computes Σ (1 − w)² and Σ |1 − w|), for (w1, w2).
NOTE_PRINTED = {"l2": (3.0, 2.25), "l1": (3.0, 3.0)}


@on_cpu
def lecture_penalty_example(beta: float = 1.0, *, penalties: dict | None = None) -> dict:
    """The lecture's example with the package's penalties (or the given ones).

    Parameters
    ----------
    beta : float
        The elastic net's β.
    penalties : dict, optional
        ``{"l2": f, "l1": g, "elastic_net": h}`` with ``f(W) -> (R, dW)``, ``g`` alike
        and ``h(W, beta) -> (R, dW)``; default the package's
        :data:`coursework.regularization.PENALTIES`.

    Returns
    -------
    dict with
        ``"score"`` : {"w1": w1·x, "w2": w2·x} (both 1);
        ``"l2"``, ``"l1"``, ``"elastic_net"`` : {"w1": R(w1), "w2": R(w2)} as floats
        (elastic net with the given β);
        ``"note"`` : {"l2": {...}, "l1": {...}} -- the note's formulas Σ (1 − w)² and
        Σ |1 − w|, which reproduce its printed (wrong) numbers.
    """
    penalties = PENALTIES if penalties is None else penalties
    missing = [k for k in ("l2", "l1", "elastic_net") if not callable(penalties.get(k))]
    if missing:
        raise ValueError(f"lecture_penalty_example: expected penalties to map 'l2', 'l1' and 'elastic_net' to "
                         f"functions, got none for {missing}")
    ws = {"w1": LECTURE_W1, "w2": LECTURE_W2}
    return {
        "score": {k: float(w @ LECTURE_X) for k, w in ws.items()},
        "l2": {k: float(penalties["l2"](w)[0]) for k, w in ws.items()},
        "l1": {k: float(penalties["l1"](w)[0]) for k, w in ws.items()},
        "elastic_net": {k: float(penalties["elastic_net"](w, beta)[0]) for k, w in ws.items()},
        "note": {"l2": {k: float(np.sum((1 - w) ** 2)) for k, w in ws.items()},
                 "l1": {k: float(np.sum(np.abs(1 - w))) for k, w in ws.items()}},
    }


def _with_bias(X: np.ndarray) -> np.ndarray:
    return np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)


@on_cpu
def zero_loss_is_not_unique(scales=(0.25, 0.5, 1.0, 2.0, 5.0, 10.0), lam: float = 0.01, n_train: int = 40,
                            lr: float = 0.05, max_steps: int = 2000, rng: Any = 0, *,
                            penalty: Callable | None = l2) -> dict:
    """Train a linear SVM to zero training loss, then scale its weights.

    A linear classifier (bias trick, W of shape (65, 10)) is trained by full-batch
    gradient descent on the multiclass SVM loss of ``n_train`` digits until the loss
    is exactly 0 (with 40 samples in 65 dimensions a separating W exists). Then
    ``c W`` is evaluated for every ``c`` in ``scales``: every margin s_j − s_{y_i}
    scales with c, so for c >= 1 all margins still hold and the data loss stays 0.

    ``penalty`` is R, a function ``W -> (R, dR/dW)``: by default the package's L2
    (:func:`coursework.regularization.l2`); the notebook passes its own, or None
    before it has one (then the result has no ``"penalty"`` and ``"total"``).

    Returns
    -------
    dict with ``"scales"`` (list), ``"data_loss"`` (SVM loss of c W), ``"penalty"``
    (R(c W), for L2 c² R_L2(W)), ``"total"`` (data loss + λ R), ``"lam"``, ``"steps"``
    (gradient steps to zero loss) and ``"W"`` (the trained weights).
    """
    if penalty is not None and not callable(penalty):
        raise TypeError(f"zero_loss_is_not_unique: expected penalty to be a function W -> (R, dR/dW) or None, "
                        f"got {type(penalty).__name__}")
    train_set, _ = digits_split(rng=rng)
    X, y = _with_bias(train_set.X[:n_train]), train_set.y[:n_train]
    W = 0.001 * np.random.default_rng(rng).standard_normal((X.shape[1], 10))
    steps = 0
    for steps in range(1, max_steps + 1):
        loss, dscores = nn.svm_loss(X @ W, y)
        if float(loss) == 0.0:
            steps -= 1
            break
        W = W - lr * (X.T @ dscores)
    else:
        raise RuntimeError(f"zero_loss_is_not_unique: the SVM loss did not reach 0 in {max_steps} steps")
    data_loss = [float(nn.svm_loss(X @ (c * W), y)[0]) for c in scales]
    out = {"scales": [float(c) for c in scales], "data_loss": data_loss, "lam": float(lam), "steps": steps, "W": W}
    if penalty is not None:
        out["penalty"] = [float(penalty(c * W)[0]) for c in scales]
        out["total"] = [d + lam * r for d, r in zip(data_loss, out["penalty"])]
    return out


@on_cpu
def weight_decay_sweep(lams=(0.0, 1e-3, 1e-2, 1e-1), *, epochs: int = 15, batch_size: int = 64, lr: float = 0.3,
                       rng: Any = 0, progress: bool = False, penalty: Callable = l2) -> dict:
    """Train the same linear softmax classifier on the digits with L2 strength λ.

    Every run: :class:`coursework.nn.MLP` ``[64, 10]`` from the same start, SGD, the
    same minibatch order, ``fit(regularization=(penalty, λ))`` -- total loss = data
    loss + λ Σ W² (the bias is not penalised). ``penalty`` is a function
    ``W -> (R, dR/dW)``, by default the package's :func:`coursework.regularization.l2`;
    the notebook passes its own ``l2_penalty``.

    Returns
    -------
    dict: λ -> {"weight_norm2": Σ W², "data_loss": softmax loss on the training set
    without the penalty, "train_accuracy", "test_accuracy"}.
    """
    if not callable(penalty):
        raise TypeError(f"weight_decay_sweep: expected penalty to be a function W -> (R, dR/dW), "
                        f"got {type(penalty).__name__}")
    train_set, test_set = digits_split()
    out = {}
    for lam in lams:
        model = nn.MLP([64, 10], rng=rng)
        reg = (penalty, lam) if lam > 0 else None
        train.fit(model, train_set.X, train_set.y, optimizer=optim.SGD(lr), epochs=epochs, batch_size=batch_size,
                  rng=rng, regularization=reg, progress=progress)
        W = model.params["0.W"]
        out[float(lam)] = {
            "weight_norm2": float(np.sum(W * W)),
            "data_loss": float(nn.softmax_cross_entropy(model.forward(train_set.X), train_set.y)[0]),
            "train_accuracy": train.accuracy(model, train_set.X, train_set.y),
            "test_accuracy": train.accuracy(model, test_set.X, test_set.y),
        }
    return out


@on_cpu
def dropout_statistics(p: float = 0.5, x=(1.0, 2.0, -3.0, 0.5, 4.0), trials: int = 20000, rng: Any = 0, *,
                       forward: Callable | None = None) -> dict:
    """Run :class:`coursework.regularization.Dropout` on ``x`` with ``trials`` random masks.

    With ``forward`` -- a training-mode dropout ``forward(x, p, mask) -> out``, such as
    the notebook's ``dropout_forward`` -- that function runs instead, on the masks the
    layer would draw (``keep = u >= p`` for ``u`` uniform from ``rng``), so a correct one
    gives the same numbers. Evaluation mode of inverted dropout is the identity, which
    is then ``"eval_output"``.

    Returns
    -------
    dict with
        ``"x"`` : the input (D,);
        ``"mean_output"`` : the average training-mode output over the masks (D,) --
        close to ``x`` (inverted dropout keeps the expectation);
        ``"mean_without_scaling"`` : the average of ``x * keep`` without the 1 / (1 − p)
        scale, close to (1 − p) x -- what plain dropout would give;
        ``"dropped_fraction"`` : the share of units set to 0 (close to p);
        ``"kept_values"`` : the values a kept unit takes, x / (1 − p);
        ``"eval_output"`` : the output in evaluation mode (exactly ``x``).
    """
    x = np.asarray(x, dtype=np.float64)
    batch = np.tile(x, (trials, 1))                # one mask per row
    if forward is None:
        layer = Dropout(p, rng=rng)
        out = layer.forward(batch)
        layer.eval()
        eval_output = layer.forward(x[None, :])[0]
    else:
        _check_callable(forward, "forward", "dropout_statistics")
        keep = np.random.default_rng(rng).random(batch.shape) >= p      # as Dropout draws them
        out = np.asarray(forward(batch, p, keep), dtype=np.float64)
        eval_output = x.copy()
    kept = out != 0
    return {
        "x": x,
        "mean_output": out.mean(axis=0),
        "mean_without_scaling": (batch * kept).mean(axis=0),
        "dropped_fraction": float(1.0 - kept.mean()),
        "kept_values": x / (1.0 - p),
        "eval_output": eval_output,
    }


def _check_callable(value: Any, name: str, func: str) -> None:
    if not callable(value):
        raise TypeError(f"{func}: expected {name} to be a function, got {type(value).__name__}")


@on_cpu
def batchnorm_statistics(N: int = 64, means=(5.0, -3.0, 0.0), stds=(10.0, 0.1, 1.0), rng: Any = 0, *,
                         forward: Callable | None = None) -> dict:
    """Batch norm (training mode, gamma = 1, beta = 0) on features of very different scales.

    ``forward(x, gamma, beta) -> (out, cache)`` -- such as the notebook's
    ``batchnorm_forward`` -- replaces :class:`coursework.regularization.BatchNorm`.

    Returns
    -------
    dict with ``"x"`` (N, D) and ``"out"`` (N, D), and the per-feature ``"mean_in"``,
    ``"std_in"``, ``"mean_out"``, ``"std_out"`` (population standard deviation).
    """
    gen = np.random.default_rng(rng)
    x = np.asarray(means) + np.asarray(stds) * gen.standard_normal((N, len(means)))
    if forward is None:
        out = BatchNorm(len(means)).forward(x)
    else:
        _check_callable(forward, "forward", "batchnorm_statistics")
        out = np.asarray(forward(x, np.ones(len(means)), np.zeros(len(means)))[0], dtype=np.float64)
    return {"x": x, "out": out, "mean_in": x.mean(axis=0), "std_in": x.std(axis=0),
            "mean_out": out.mean(axis=0), "std_out": out.std(axis=0)}


@on_cpu
def batchnorm_gradient_errors(N: int = 8, D: int = 4, rng: Any = 0, *, forward: Callable | None = None,
                              backward: Callable | None = None) -> dict[str, float]:
    """Gradient check of :class:`coursework.regularization.BatchNorm` in training mode.

    Random x (N, D), gamma and beta (float64); ``N`` must be at least 2 (a batch of one
    has no variance: the layer raises ``ValueError``). Given both ``forward(x, gamma,
    beta) -> (out, cache)`` and ``backward(dout, cache) -> (dx, dgamma, dbeta)`` -- the
    notebook's ``batchnorm_forward`` and ``batchnorm_backward`` -- those are checked
    instead of the layer, on the same inputs.

    Returns
    -------
    dict: "x", "gamma", "beta" -> rel_error of the analytic gradient against centred
    differences (:func:`coursework.gradcheck.check_layer_gradients`).
    """
    if (forward is None) != (backward is None):
        raise ValueError("batchnorm_gradient_errors: expected both forward and backward or neither")
    gen = np.random.default_rng(rng)
    if forward is None:
        layer = BatchNorm(D)
    else:
        _check_callable(forward, "forward", "batchnorm_gradient_errors")
        _check_callable(backward, "backward", "batchnorm_gradient_errors")
        layer = _FunctionLayer(forward, backward, D)
    layer.params["gamma"] = 1.0 + gen.standard_normal(D)
    layer.params["beta"] = gen.standard_normal(D)
    x = 3.0 * gen.standard_normal((N, D)) + 1.0
    return gradcheck.check_layer_gradients(layer, x, rtol=1e-6, rng=gen)


class _FunctionLayer:
    """A batch-norm layer made of ``forward(x, gamma, beta) -> (out, cache)`` and
    ``backward(dout, cache) -> (dx, dgamma, dbeta)``, with the ``params`` / ``grads``
    that :func:`coursework.gradcheck.check_layer_gradients` needs."""

    def __init__(self, forward: Callable, backward: Callable, D: int) -> None:
        self._forward, self._backward = forward, backward
        self.params = {"gamma": np.ones(D), "beta": np.zeros(D)}
        self.grads: dict[str, np.ndarray] = {}
        self._cache = None

    def forward(self, x):
        out, self._cache = self._forward(x, self.params["gamma"], self.params["beta"])
        return np.asarray(out, dtype=np.float64)

    def backward(self, dout):
        dx, dgamma, dbeta = self._backward(dout, self._cache)
        self.grads = {"gamma": np.asarray(dgamma, dtype=np.float64), "beta": np.asarray(dbeta, dtype=np.float64)}
        return np.asarray(dx, dtype=np.float64)

    def __repr__(self) -> str:
        return f"batch norm of {getattr(self._forward, '__name__', 'forward')} / " \
               f"{getattr(self._backward, '__name__', 'backward')}"
