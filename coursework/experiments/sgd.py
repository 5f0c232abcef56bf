"""The lecture's optimisation experiments (topics 7 and 8), as functions the 05_sgd
notebook calls and the tests assert. This module holds random search and GD vs SGD; the
numerical gradient (:mod:`.numerical_gradients`) and the lecture's 2-layer net
(:mod:`.two_layer_net`) have their own modules, and everything is importable from here.

- :func:`random_search_vs_gradient` -- "strategy #1" (best of 1,000 random W) against
  "strategy #2" (follow the slope) on one linear classifier. The lecture quotes about
  15.5% test accuracy for random search on CIFAR-10; :func:`digits_split` is the offline
  stand-in (10 classes too, chance 10%), and CIFAR-10 works when you have a local copy
  (:func:`image_features` flattens any images).
- :func:`gradient_check_speed` -- numerical vs analytic gradient of a linear softmax
  classifier: how well they agree (``rel_error``), how many loss evaluations and how much
  time each needs.

- :func:`finite_difference_errors` -- the one-sided difference of the lecture's formula
  against the centred one, as the step ``h`` shrinks.
- :func:`gd_vs_sgd` -- full-batch gradient descent and minibatch SGD trained to the same
  training loss; compute counted in *samples processed*, not wall time.
- :func:`lecture_two_layer_net` -- the lecture's 20-line 2-layer training loop, corrected
  (``randn``, not ``rand``; Python 3); :func:`lecture_net_with_package` trains the same
  network with :func:`coursework.train.gradient_descent`.
- :func:`digits_mlp` -- a 2-layer ReLU net on digits with :func:`coursework.train.fit`.

Where an experiment runs an answer of the notebook's exercises it takes it as an
argument (``numerical_gradient=``, ``batches=``), the package's reference by default:
the student bundle does not ship those references, and the notebook passes the
student's functions.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import nn, optim, train
from ..data import Dataset, digits, train_test_split
from ..devices import on_cpu
from .numerical_gradients import finite_difference_errors, gradient_check_speed, linear_softmax_loss
from .two_layer_net import lecture_net_with_package, lecture_two_layer_data, lecture_two_layer_net, squared_error

__all__ = ["LECTURE_RANDOM_SEARCH_ACCURACY", "digits_split", "image_features", "random_search_vs_gradient",
           "linear_softmax_loss", "gradient_check_speed", "finite_difference_errors", "gd_vs_sgd",
           "lecture_two_layer_data", "lecture_two_layer_net", "squared_error", "lecture_net_with_package",
           "digits_mlp", "iterations_table"]

#: Test accuracy the lecture reports for the best of 1,000 random linear classifiers on CIFAR-10.
LECTURE_RANDOM_SEARCH_ACCURACY = 0.155


@on_cpu
def image_features(X: np.ndarray) -> np.ndarray:
    """Images (or any samples) as float64 rows: (N, ...) -> (N, D).

    ``uint8`` images are divided by 255 so that pixels lie in [0, 1]; other dtypes are
    only cast.
    """
    X = np.asarray(X)
    scale = 255.0 if X.dtype == np.uint8 else 1.0
    return X.reshape(X.shape[0], -1).astype(np.float64) / scale


@on_cpu
def digits_split(test_fraction: float = 0.2, rng: Any = 0) -> tuple[Dataset, Dataset]:
    """The 8x8 digits as 64 features in [0, 1], split into (train, test), stratified.

    1,438 training and 359 test samples with the default ``test_fraction``.
    """
    return train_test_split(digits(flat=True), test_fraction, rng=rng)


def _with_bias(X: np.ndarray) -> np.ndarray:
    """The bias trick: a column of ones, so that scores = X @ W holds the bias in W's last row."""
    return np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)


def _linear_accuracy(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(_with_bias(X) @ W, axis=1) == y))


@on_cpu
def random_search_vs_gradient(train_set: Dataset, test_set: Dataset, *, tries: int = 1000, scale: float = 0.1,
                              loss: str = "svm", lr: float = 0.1, iterations: int = 100, rng: Any = 0,
                              progress: bool = False) -> dict:
    """Random search and gradient descent on the same linear classifier and loss.

    Parameters
    ----------
    train_set, test_set : Dataset
        Samples (N, ...) as floats or uint8 images (flattened by :func:`image_features`),
        labels (N,).
    tries : int
        Random weight matrices tried (the lecture: 1,000).
    scale : float
        Standard deviation of the random weights. The lecture's 1e-4 suits CIFAR-10's raw
        0..255 pixels; for features in [0, 1] a larger one gives scores of a similar size.
    loss : "svm" or "softmax"
        Data loss both strategies minimise on the whole training set (the lecture: SVM).
    lr, iterations : float, int
        Step size and number of steps of full-batch gradient descent.
    rng : int or numpy.random.Generator
        Seed of the random weights and of the initial weights of gradient descent.
    progress : bool
        Progress bars.

    Returns
    -------
    dict with
        ``"random_accuracy"``, ``"gradient_accuracy"`` : test accuracies (float);
        ``"random_losses"`` : loss of every random try (list, length ``tries``);
        ``"gradient_losses"`` : training loss before every gradient step (list);
        ``"random_best_loss"`` : the lowest random loss;
        ``"chance"`` : 1 / number of classes;
        ``"loss_evaluations"`` : {"random": tries, "gradient": iterations} -- both
        strategies evaluate the loss on the whole training set once per try / step.
    """
    gen = np.random.default_rng(rng)
    X_train, X_test = image_features(train_set.X), image_features(test_set.X)
    y_train, y_test = np.asarray(train_set.y), np.asarray(test_set.y)
    n_classes = len(train_set.class_names)
    loss_fn = train.LOSSES[loss]
    Xb = _with_bias(X_train)

    def data_loss(W):
        return loss_fn(Xb @ W, y_train)[0]

    best_W, best_loss, losses = train.random_search(data_loss, (Xb.shape[1], n_classes), tries, gen, scale,
                                                    progress=progress)
    model = nn.MLP([X_train.shape[1], n_classes], rng=gen, init=scale)
    gd_losses = train.gradient_descent(model, X_train, y_train, loss=loss, lr=lr, iterations=iterations,
                                       progress=progress)
    return {
        "random_accuracy": _linear_accuracy(best_W, X_test, y_test),
        "gradient_accuracy": train.accuracy(model, X_test, y_test),
        "random_losses": losses,
        "gradient_losses": gd_losses,
        "random_best_loss": best_loss,
        "chance": 1.0 / n_classes,
        "loss_evaluations": {"random": tries, "gradient": iterations},
    }


def _full_loss(model, X, y) -> float:
    model.eval()
    return float(nn.softmax_cross_entropy(model.forward(X), y)[0])


@on_cpu
def gd_vs_sgd(X: np.ndarray, y: np.ndarray, n_classes: int, *, target_loss: float = 0.3, lr: float = 1.0,
              batch_size: int = 64, max_epochs: int = 200, rng: Any = 0, batches: Callable | None = None) -> dict:
    """Full-batch gradient descent and minibatch SGD, both run until the training loss
    reaches ``target_loss``.

    The model is a linear softmax classifier (:class:`coursework.nn.MLP` ``[D, C]``,
    small random start, the same for both), the step size ``lr`` is the same. Each
    strategy stops at the first update after which the softmax loss on the *whole*
    training set is at most ``target_loss`` (that evaluation is bookkeeping, not
    training, and is not counted).

    Parameters
    ----------
    X : array of shape (N, D); y : int array of shape (N,)
    n_classes : int
    target_loss : float
    lr : float
    batch_size : int
        SGD's minibatch size (true epochs: :func:`coursework.train.minibatches`).
    max_epochs : int
        Give up after this many passes' worth of samples (each GD step is one pass).
    rng : int or Generator
        Seed of the initial weights and of SGD's minibatch order.
    batches : callable ``(n, batch_size, rng) -> list of index arrays``, optional
        How SGD cuts an epoch into batches; default
        :func:`coursework.train.minibatch_indices` (the notebook passes its own).

    Returns
    -------
    dict with, for ``"gd"`` and ``"sgd"``: ``{"samples": [...], "loss": [...],
    "updates": int, "samples_to_target": int or None}`` -- samples processed (the sum
    of the batch sizes of the gradients computed so far) and the full training loss
    after each update, starting with (0, initial loss). Also ``"target_loss"`` and
    ``"ratio"`` (GD samples / SGD samples to reach the target, or None).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    n = X.shape[0]
    seeds = np.random.default_rng(rng).integers(2**32, size=2)
    out: dict[str, Any] = {"target_loss": float(target_loss)}
    for name in ("gd", "sgd"):
        model = nn.MLP([X.shape[1], n_classes], rng=int(seeds[0]), init=0.01)
        opt = optim.SGD(lr)
        order = np.random.default_rng(int(seeds[1]))
        samples, losses = [0], [_full_loss(model, X, y)]
        reached = None
        for _ in range(max_epochs):
            steps = [(X, y)] if name == "gd" else train.minibatches(X, y, batch_size, order, batches=batches)
            for X_batch, y_batch in steps:
                model.train()
                train.training_step(model, X_batch, y_batch, nn.softmax_cross_entropy, opt)
                samples.append(samples[-1] + X_batch.shape[0])
                losses.append(_full_loss(model, X, y))
                if losses[-1] <= target_loss:
                    reached = samples[-1]
                    break
            if reached is not None:
                break
        out[name] = {"samples": samples, "loss": losses, "updates": len(samples) - 1, "samples_to_target": reached}
    gd_n, sgd_n = out["gd"]["samples_to_target"], out["sgd"]["samples_to_target"]
    out["ratio"] = gd_n / sgd_n if gd_n and sgd_n else None
    out["n"] = n
    return out


@on_cpu
def digits_mlp(hidden: int = 100, *, epochs: int = 10, batch_size: int = 64, lr: float = 0.3, rng: Any = 0,
               progress: bool = False, batches: Callable | None = None):
    """A 2-layer ReLU net on the digits, trained with :func:`coursework.train.fit` (SGD).

    ``batches`` (``(n, batch_size, rng) -> list of index arrays``) cuts every epoch
    into minibatches; default :func:`coursework.train.minibatch_indices` (the
    notebook passes its own).

    Returns ``(model, history, test_accuracy)``; the history holds the loss of every
    minibatch and the training / test accuracy after every epoch.
    """
    train_set, test_set = digits_split(rng=0)
    model = nn.MLP([train_set.X.shape[1], hidden, len(train_set.class_names)], rng=rng)
    history = train.fit(model, train_set.X, train_set.y, optimizer=optim.SGD(lr), epochs=epochs,
                        batch_size=batch_size, rng=rng, X_val=test_set.X, y_val=test_set.y, progress=progress,
                        batches=batches)
    return model, history, train.accuracy(model, test_set.X, test_set.y)


@on_cpu
def iterations_table(n: int, batch_sizes=(32, 64, 128)) -> dict[int, int]:
    """batch size -> iterations per epoch for ``n`` samples (⌈n / batch size⌉)."""
    return {b: train.iterations_per_epoch(n, b) for b in batch_sizes}
