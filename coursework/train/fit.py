"""Minibatch stochastic gradient descent over true epochs (lecture topic 8).

``fit`` is the lecture's training loop::

    for epoch in range(epochs):
        for X_batch, y_batch in minibatches(X, y, batch_size, rng):   # every sample once
            loss = data_loss(model(X_batch), y_batch) + lam * R(W)
            backward; optimizer.step(model.params, grads)
        evaluate accuracy on the training (and validation) set

Mode switching: the model is put in training mode for the updates (dropout drops,
batch norm uses batch statistics) and in evaluation mode for every accuracy; it is
left in evaluation mode at the end.

Reproducibility: all the randomness of ``fit`` is the minibatch order, drawn from
``rng``. With a model built from a fixed seed (and dropout layers given seeds),
the same ``rng`` seed gives the identical history and weights.

Host copies: none inside an epoch. After each epoch, the epoch's losses (one copy),
the loss's value checks (one copy, :mod:`coursework.deferred_checks`) and each
accuracy (one number) come to the host -- on a GPU the training steps of an epoch
are queued without waiting for one another.
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any, Callable

from tqdm.auto import tqdm

from .. import backend
from ..deferred_checks import deferred
from ..nn.init import as_generator
from ..validation import check_positive_int
from .batches import resolve_batches, batches_of, epoch_batches
from .gradient_descent import (check_data, check_model, check_regularization, losses_to_host, resolve_loss,
                               training_step)

__all__ = ["fit", "History", "accuracy"]


@dataclasses.dataclass
class History:
    """What :func:`fit` records, as Python floats on the host.

    Attributes
    ----------
    loss : list of float, length epochs * iterations_per_epoch
        Total loss (data loss + λ R) of every minibatch, before its update.
    train_accuracy : list of float, length epochs
        Accuracy on the whole training set after every epoch (evaluation mode).
    val_accuracy : list of float, length epochs
        Accuracy on the validation set after every epoch; empty without one.
    iterations_per_epoch : int
        Number of updates per epoch (to place epochs on the loss curve).
    """

    loss: list[float] = dataclasses.field(default_factory=list)
    train_accuracy: list[float] = dataclasses.field(default_factory=list)
    val_accuracy: list[float] = dataclasses.field(default_factory=list)
    iterations_per_epoch: int = 0

    def epoch_loss(self) -> list[float]:
        """Mean of ``loss`` over each epoch, length epochs."""
        k = self.iterations_per_epoch
        if k < 1:
            return []
        return [sum(self.loss[i:i + k]) / len(self.loss[i:i + k]) for i in range(0, len(self.loss), k)]


def accuracy(model: Any, X: Any, y: Any, batch_size: int = 1024) -> float:
    """Share of samples whose highest score is the correct class, in evaluation mode.

    Parameters
    ----------
    model : Layer
        Maps X (N, ...) to scores (N, C).
    X : array of shape (N, ...), floating
    y : integer array of shape (N,)
    batch_size : int, default 1024
        Samples per forward pass (bounds the memory).

    Returns
    -------
    float in [0, 1]
        Counted on the device, one number copied to the host. The model's
        training flag is restored afterwards.
    """
    func = "accuracy"
    check_model(model, func)
    X, y = check_data(X, y, func)
    batch_size = check_positive_int(batch_size, "batch_size", func)
    xp = backend.namespace(X)
    was_training = bool(getattr(model, "training", False))
    model.eval()
    try:
        correct = None
        n = X.shape[0]
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)       # the array API leaves out-of-bounds stops unspecified
            scores = model.forward(X[start:stop, ...])
            hits = xp.sum(xp.astype(xp.argmax(scores, axis=1) == y[start:stop], xp.int64))
            correct = hits if correct is None else correct + hits
    finally:
        model.train(was_training)
    return int(backend.to_host(correct)) / n


def fit(model: Any, X: Any, y: Any, *, loss: Any = "softmax", optimizer: Any, epochs: int, batch_size: int,
        rng: Any, X_val: Any = None, y_val: Any = None, regularization: tuple | None = None,
        drop_last: bool = False, progress: bool = True, batches: Callable | None = None) -> History:
    """Train ``model`` with minibatch SGD (or any optimizer) for whole epochs.

    Parameters
    ----------
    model : Layer
        E.g. :class:`coursework.nn.MLP`; maps X (N, D) to scores (N, C).
    X : array of shape (N, ...), floating
        Training samples.
    y : integer array of shape (N,)
        Training labels in [0, C). A NumPy ``y`` is moved to the device of ``X``.
    loss : "softmax", "svm" or callable, default "softmax"
        Data loss ``loss(scores, y) -> (loss, dscores)``, averaged over the batch.
    optimizer : object with ``step(params, grads)``
        E.g. :class:`coursework.optim.SGD` or :class:`coursework.optim.Momentum`.
    epochs : int >= 1
        Passes over the training set.
    batch_size : int >= 1
        Samples per update (the last batch of an epoch may be smaller).
    rng : numpy.random.Generator or int
        Source of the minibatch order (a new permutation every epoch).
    X_val, y_val : arrays of shapes (M, ...) and (M,), optional
        Validation set; its accuracy is recorded after every epoch.
    regularization : None, (kind, lam) or ("elastic_net", lam, beta)
        Adds λ R(W) over every weight matrix to the loss, kind "l2", "l1",
        "elastic_net" or a function ``W -> (R, dR/dW)`` (see
        :func:`coursework.regularization.penalty`).
    drop_last : bool, default False
        Skip the smaller last batch of every epoch (useful with batch norm, which
        cannot train on a batch of one).
    progress : bool, default True
        Show a tqdm progress bar (``tqdm.auto``: a widget in Jupyter).
    batches : callable ``(n, batch_size, rng) -> list of index arrays``, optional
        How an epoch is cut into minibatches, called at the start of every epoch
        with the Generator made from ``rng``; default
        :func:`coursework.train.minibatch_indices` (shuffle, then slice). A
        notebook passes its own ``minibatch_indices`` here.

    Returns
    -------
    History
        Loss per iteration, training and validation accuracy per epoch.

    Raises
    ------
    TypeError
        Non-floating X, non-integer labels, a model or optimizer without the
        expected methods.
    ValueError
        X and y (or X_val and y_val) of different lengths, only one of X_val /
        y_val, epochs or batch_size < 1, an epoch without any batch, a malformed
        ``regularization``, ``batches`` giving epochs of different lengths.
    """
    func = "fit"
    check_model(model, func)
    loss_fn = resolve_loss(loss, func)
    X, y = check_data(X, y, func)
    if (X_val is None) != (y_val is None):
        raise ValueError(f"{func}: expected both X_val and y_val or neither, got only "
                         f"{'X_val' if y_val is None else 'y_val'}")
    if X_val is not None:
        X_val, y_val = check_data(X_val, y_val, func, names=("X_val", "y_val"))
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"{func}: expected an optimizer with step(params, grads) (e.g. coursework.optim.SGD), "
                        f"got {type(optimizer).__name__}")
    epochs = check_positive_int(epochs, "epochs", func)
    batch_size = check_positive_int(batch_size, "batch_size", func)
    regularization = check_regularization(regularization, func)
    if not isinstance(progress, (bool, numbers.Integral)):
        raise TypeError(f"{func}: expected progress to be True or False, got {progress!r}")
    if not isinstance(drop_last, bool):
        raise TypeError(f"{func}: expected drop_last to be True or False, got {drop_last!r}")
    rule = resolve_batches(batches, func)
    gen = as_generator(rng, func)
    n = int(X.shape[0])
    first = epoch_batches(rule, n, batch_size, gen, drop_last, func)   # the first epoch's batches
    per_epoch = len(first)
    if per_epoch == 0:
        if batches is None:
            got = f"N = {n} samples < batch_size = {batch_size} with drop_last=True"
        else:
            kept = " of batch_size samples (drop_last=True)" if drop_last else ""
            got = f"none{kept} from {getattr(rule, '__name__', 'batches')}(n={n}, batch_size={batch_size}, rng)"
        raise ValueError(f"{func}: expected at least one batch per epoch, got {got}")

    history = History(iterations_per_epoch=per_epoch)
    with tqdm(total=epochs * per_epoch, desc=func, unit="it", disable=not progress) as bar:
        for epoch in range(epochs):
            indices = first if epoch == 0 else epoch_batches(rule, n, batch_size, gen, drop_last, func)
            if len(indices) != per_epoch:
                raise ValueError(f"{func}: expected every epoch to have {per_epoch} batches like the first, got "
                                 f"{len(indices)} in epoch {epoch + 1}")
            model.train()
            values = []
            with deferred() as checks:
                for i, (X_batch, y_batch) in enumerate(batches_of(X, y, indices), 1):
                    checks.where = f"epoch {epoch + 1}, iteration {i}"
                    values.append(training_step(model, X_batch, y_batch, loss_fn, optimizer, regularization))
                    bar.update(1)
            epoch_losses = losses_to_host(values)
            history.loss.extend(epoch_losses)
            model.eval()
            history.train_accuracy.append(accuracy(model, X, y))
            status = {"epoch": epoch + 1, "loss": f"{sum(epoch_losses) / len(epoch_losses):.4f}",
                      "train_acc": f"{history.train_accuracy[-1]:.3f}"}
            if X_val is not None:
                history.val_accuracy.append(accuracy(model, X_val, y_val))
                status["val_acc"] = f"{history.val_accuracy[-1]:.3f}"
            bar.set_postfix(status)
    return history
