"""Full-batch gradient descent, and the training step it shares with :func:`fit`.

Lecture topic 7/8: "follow the slope". One step computes the loss on the data
(total loss = data loss + λ R(W)), backpropagates, and moves every parameter
against its gradient. Full-batch gradient descent takes every step on the whole
training set -- accurate directions, expensive steps; :func:`coursework.train.fit`
takes them on minibatches (stochastic gradient descent).
"""

from __future__ import annotations

import numbers
from typing import Any, Callable

import array_api_compat
from tqdm.auto import tqdm

from .. import backend
from ..deferred_checks import deferred
from ..nn.losses import softmax_cross_entropy, svm_loss
from ..optim import SGD
from ..regularization.penalties import PENALTIES, is_weight, penalty
from ..validation import check_positive_int, shape_str
from .batches import check_pair

__all__ = ["gradient_descent", "training_step", "LOSSES"]

#: Loss names accepted by ``loss=``; a callable ``loss(scores, y) -> (loss, dscores)`` works too.
LOSSES: dict[str, Callable] = {"softmax": softmax_cross_entropy, "svm": svm_loss}


def resolve_loss(loss: Any, func: str) -> Callable:
    """The loss function for ``loss`` (a name of :data:`LOSSES` or a callable)."""
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"{func}: expected loss to be one of {sorted(LOSSES)} or a callable "
                             f"loss(scores, y) -> (loss, dscores), got {loss!r}")
        return LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"{func}: expected loss to be a name or a callable loss(scores, y) -> (loss, dscores), "
                        f"got {type(loss).__name__}")
    return loss


def check_regularization(regularization: Any, func: str):
    """``None`` or a tuple ``(kind, lam)`` / ``("elastic_net", lam, beta)``, checked; returns it as a tuple."""
    if regularization is None:
        return None
    usage = ("None, (kind, lam) with kind in " + str(sorted(PENALTIES)) + " or a function W -> (R, dR/dW), "
             "or ('elastic_net', lam, beta)")
    if not isinstance(regularization, (tuple, list)) or len(regularization) not in (2, 3):
        raise ValueError(f"{func}: expected regularization to be {usage}, got {regularization!r}")
    if len(regularization) == 3 and regularization[0] != "elastic_net":
        raise ValueError(f"{func}: expected regularization to be {usage}, got {regularization!r} "
                         f"(only the elastic net takes a beta)")
    penalty({}, *regularization)   # checks kind, lam and beta with penalty's own messages
    return tuple(regularization)


def check_model(model: Any, func: str) -> None:
    """Raise TypeError unless ``model`` has the Layer API (forward, backward, params, grads, train, eval)."""
    missing = [a for a in ("forward", "backward", "params", "grads", "train", "eval") if not hasattr(model, a)]
    if missing:
        raise TypeError(f"{func}: expected a model with the Layer API (e.g. coursework.nn.MLP), got "
                        f"{type(model).__name__} without {', '.join(missing)}")


def check_data(X: Any, y: Any, func: str, names: tuple[str, str] = ("X", "y"), labels: bool = True):
    """Check samples ``X`` (N, ...) floating and ``y`` (N,); integer ``y`` if ``labels``. Returns (X, y)."""
    X, y = check_pair(X, y, func, names)
    xp = backend.namespace(X)
    if not xp.isdtype(X.dtype, "real floating"):
        raise TypeError(f"{func}: expected floating-point samples {names[0]}, got dtype {X.dtype} "
                        f"(cast images to float first)")
    if X.shape[0] == 0:
        raise ValueError(f"{func}: expected at least one sample, got {names[0]} of shape {shape_str(X.shape)}")
    if labels:
        if not xp.isdtype(y.dtype, "integral"):
            raise TypeError(f"{func}: expected integer class labels {names[1]}, got dtype {y.dtype}")
        if y.ndim != 1:
            raise ValueError(f"{func}: expected labels {names[1]} of shape ({X.shape[0]},), "
                             f"got shape {shape_str(y.shape)}")
    return X, y


def training_step(model: Any, X: Any, y: Any, loss_fn: Callable, optimizer: Any,
                  regularization: tuple | None = None):
    """One update: forward, loss (+ λR), backward, optimizer step.

    Parameters
    ----------
    model : Layer
        Maps X (N, ...) to scores (N, C); its parameters are replaced by the step.
    X : array of shape (N, ...)
    y : array of shape (N,)
    loss_fn : callable
        ``loss_fn(scores, y) -> (loss, dscores)``.
    optimizer : object with ``step(params, grads)``
    regularization : None or tuple
        ``(kind, lam)`` or ``("elastic_net", lam, beta)``, see
        :func:`coursework.regularization.penalty`; applied to the weights only.

    Returns
    -------
    loss : 0-d array (or number)
        The total loss before the step, data loss + λ R(W) (still on the device).
    """
    scores = model.forward(X)
    data_loss, dscores = loss_fn(scores, y)
    if tuple(getattr(dscores, "shape", ())) != tuple(scores.shape):
        raise ValueError(f"loss: expected dscores of the scores' shape {shape_str(scores.shape)}, "
                         f"got {shape_str(getattr(dscores, 'shape', ()))}")
    if getattr(model, "can_skip_input_grad", False):
        model.backward(dscores, input_grad=False)  # nothing needs dL/dX
    else:
        model.backward(dscores)
    grads = model.grads
    total = data_loss
    if regularization is not None:
        value, reg_grads = penalty(model, *regularization)
        total = data_loss + value
        grads = {name: (g + reg_grads[name]) if is_weight(name) else g for name, g in grads.items()}
    optimizer.step(model.params, grads)
    return total


def losses_to_host(values: list) -> list[float]:
    """Python floats of a list of 0-d arrays (one transfer when they share a namespace)."""
    if values and all(array_api_compat.is_array_api_obj(v) for v in values):
        try:
            xp = backend.namespace(*values)
            return [float(v) for v in backend.to_host(xp.stack(values)).tolist()]
        except (TypeError, ValueError):
            pass
    return [float(backend.to_host(v)) if array_api_compat.is_array_api_obj(v) else float(v) for v in values]


def gradient_descent(model: Any, X: Any, y: Any, *, loss: Any = "softmax", lr: float, iterations: int,
                     regularization: tuple | None = None, progress: bool = False) -> list[float]:
    """Full-batch gradient descent: every step uses the whole training set.

    Parameters
    ----------
    model : Layer
        E.g. :class:`coursework.nn.MLP`; maps X (N, D) to scores (N, C). Trained in
        training mode, parameters replaced at every step.
    X : array of shape (N, ...), floating
    y : integer array of shape (N,)
        Class labels (for a callable ``loss``, any targets of shape (N, ...)).
    loss : "softmax", "svm" or callable, default "softmax"
        ``loss(scores, y) -> (loss, dscores)``, averaged over the samples.
    lr : float > 0
        Step size: ``W <- W - lr * dL/dW``.
    iterations : int >= 1
        Number of steps.
    regularization : None, (kind, lam) or ("elastic_net", lam, beta)
        Adds λ R(W) over the weight matrices to the loss.
    progress : bool, default False
        Show a tqdm progress bar.

    Returns
    -------
    list of float, length ``iterations``
        Total loss (data loss + λ R) before each step, on the host.
    """
    func = "gradient_descent"
    check_model(model, func)
    loss_fn = resolve_loss(loss, func)
    X, y = check_data(X, y, func, labels=isinstance(loss, str))
    optimizer = SGD(lr)
    iterations = check_positive_int(iterations, "iterations", func)
    regularization = check_regularization(regularization, func)
    if not isinstance(progress, (bool, numbers.Integral)):
        raise TypeError(f"{func}: expected progress to be True or False, got {progress!r}")
    model.train()
    values = []
    with deferred() as checks:          # device value checks read at the end, not at every step
        for i in tqdm(range(iterations), desc=func, disable=not progress):
            checks.where = f"iteration {i + 1}"
            values.append(training_step(model, X, y, loss_fn, optimizer, regularization))
    return losses_to_host(values)
