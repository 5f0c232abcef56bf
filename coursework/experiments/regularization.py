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
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import gradcheck, nn, optim, train
from ..regularization import BatchNorm, Dropout, elastic_net, l1, l2
from .sgd import digits_split

__all__ = ["LECTURE_X", "LECTURE_W1", "LECTURE_W2", "NOTE_PRINTED", "lecture_penalty_example",
           "zero_loss_is_not_unique", "weight_decay_sweep", "dropout_statistics", "batchnorm_statistics",
           "batchnorm_gradient_errors"]

#: The lecture's example: an input and two weight vectors with the same score w·x = 1.
LECTURE_X = np.array([1.0, 1.0, 1.0, 1.0])
LECTURE_W1 = np.array([1.0, 0.0, 0.0, 0.0])
LECTURE_W2 = np.array([0.25, 0.25, 0.25, 0.25])

#: What the note prints (wrong: it computes Σ (1 − w)² and Σ |1 − w|), for (w1, w2).
NOTE_PRINTED = {"l2": (3.0, 2.25), "l1": (3.0, 3.0)}


def lecture_penalty_example(beta: float = 1.0) -> dict:
    """The lecture's example with the package's penalties.

    Returns
    -------
    dict with
        ``"score"`` : {"w1": w1·x, "w2": w2·x} (both 1);
        ``"l2"``, ``"l1"``, ``"elastic_net"`` : {"w1": R(w1), "w2": R(w2)} as floats
        (elastic net with the given β);
        ``"note"`` : {"l2": {...}, "l1": {...}} -- the note's formulas Σ (1 − w)² and
        Σ |1 − w|, which reproduce its printed (wrong) numbers.
    """
    ws = {"w1": LECTURE_W1, "w2": LECTURE_W2}
    return {
        "score": {k: float(w @ LECTURE_X) for k, w in ws.items()},
        "l2": {k: float(l2(w)[0]) for k, w in ws.items()},
        "l1": {k: float(l1(w)[0]) for k, w in ws.items()},
        "elastic_net": {k: float(elastic_net(w, beta)[0]) for k, w in ws.items()},
        "note": {"l2": {k: float(np.sum((1 - w) ** 2)) for k, w in ws.items()},
                 "l1": {k: float(np.sum(np.abs(1 - w))) for k, w in ws.items()}},
    }


def _with_bias(X: np.ndarray) -> np.ndarray:
    return np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)


def zero_loss_is_not_unique(scales=(0.25, 0.5, 1.0, 2.0, 5.0, 10.0), lam: float = 0.01, n_train: int = 40,
                            lr: float = 0.05, max_steps: int = 2000, rng: Any = 0) -> dict:
    """Train a linear SVM to zero training loss, then scale its weights.

    A linear classifier (bias trick, W of shape (65, 10)) is trained by full-batch
    gradient descent on the multiclass SVM loss of ``n_train`` digits until the loss
    is exactly 0 (with 40 samples in 65 dimensions a separating W exists). Then
    ``c W`` is evaluated for every ``c`` in ``scales``: every margin s_j − s_{y_i}
    scales with c, so for c >= 1 all margins still hold and the data loss stays 0.

    Returns
    -------
    dict with ``"scales"`` (list), ``"data_loss"`` (SVM loss of c W), ``"penalty"``
    (R_L2(c W) = c² R_L2(W)), ``"total"`` (data loss + λ R), ``"lam"``, ``"steps"``
    (gradient steps to zero loss) and ``"W"`` (the trained weights).
    """
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
    penalty = [float(l2(c * W)[0]) for c in scales]
    return {"scales": [float(c) for c in scales], "data_loss": data_loss, "penalty": penalty,
            "total": [d + lam * r for d, r in zip(data_loss, penalty)], "lam": float(lam), "steps": steps, "W": W}


def weight_decay_sweep(lams=(0.0, 1e-3, 1e-2, 1e-1), *, epochs: int = 15, batch_size: int = 64, lr: float = 0.3,
                       rng: Any = 0, progress: bool = False) -> dict:
    """Train the same linear softmax classifier on the digits with L2 strength λ.

    Every run: :class:`coursework.nn.MLP` ``[64, 10]`` from the same start, SGD, the
    same minibatch order, ``fit(regularization=("l2", λ))`` -- total loss = data loss
    + λ Σ W² (the bias is not penalised).

    Returns
    -------
    dict: λ -> {"weight_norm2": Σ W², "data_loss": softmax loss on the training set
    without the penalty, "train_accuracy", "test_accuracy"}.
    """
    train_set, test_set = digits_split()
    out = {}
    for lam in lams:
        model = nn.MLP([64, 10], rng=rng)
        reg = ("l2", lam) if lam > 0 else None
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


def dropout_statistics(p: float = 0.5, x=(1.0, 2.0, -3.0, 0.5, 4.0), trials: int = 20000, rng: Any = 0) -> dict:
    """Run :class:`coursework.regularization.Dropout` on ``x`` with ``trials`` random masks.

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
    layer = Dropout(p, rng=rng)
    batch = np.tile(x, (trials, 1))                # one mask per row
    out = layer.forward(batch)
    kept = out != 0
    layer.eval()
    return {
        "x": x,
        "mean_output": out.mean(axis=0),
        "mean_without_scaling": (batch * kept).mean(axis=0),
        "dropped_fraction": float(1.0 - kept.mean()),
        "kept_values": x / (1.0 - p),
        "eval_output": layer.forward(x[None, :])[0],
    }


def batchnorm_statistics(N: int = 64, means=(5.0, -3.0, 0.0), stds=(10.0, 0.1, 1.0), rng: Any = 0) -> dict:
    """Batch norm (training mode, gamma = 1, beta = 0) on features of very different scales.

    Returns
    -------
    dict with ``"x"`` (N, D) and ``"out"`` (N, D), and the per-feature ``"mean_in"``,
    ``"std_in"``, ``"mean_out"``, ``"std_out"`` (population standard deviation).
    """
    gen = np.random.default_rng(rng)
    x = np.asarray(means) + np.asarray(stds) * gen.standard_normal((N, len(means)))
    out = BatchNorm(len(means)).forward(x)
    return {"x": x, "out": out, "mean_in": x.mean(axis=0), "std_in": x.std(axis=0),
            "mean_out": out.mean(axis=0), "std_out": out.std(axis=0)}


def batchnorm_gradient_errors(N: int = 8, D: int = 4, rng: Any = 0) -> dict[str, float]:
    """Gradient check of :class:`coursework.regularization.BatchNorm` in training mode.

    Random x (N, D), gamma and beta (float64); ``N`` must be at least 2 (a batch of one
    has no variance: the layer raises ``ValueError``).

    Returns
    -------
    dict: "x", "gamma", "beta" -> rel_error of the analytic gradient against centred
    differences (:func:`coursework.gradcheck.check_layer_gradients`).
    """
    gen = np.random.default_rng(rng)
    layer = BatchNorm(D)
    layer.params["gamma"] = 1.0 + gen.standard_normal(D)
    layer.params["beta"] = gen.standard_normal(D)
    x = 3.0 * gen.standard_normal((N, D)) + 1.0
    return gradcheck.check_layer_gradients(layer, x, rtol=1e-6, rng=gen)
