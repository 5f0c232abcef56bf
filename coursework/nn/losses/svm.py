"""Multiclass SVM (hinge) loss: L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + margin).

This is the lecture's SVM loss (topic 7/9, margin 1), averaged over the batch.

Relation to PyTorch: ``torch.nn.functional.multi_margin_loss(s, y, p=1,
margin=m)`` divides each L_i by the number of classes C as well, so
``svm_loss(s, y, m)[0] == C * multi_margin_loss(s, y, margin=m)`` (tested).
"""

from __future__ import annotations

import math

from ._labels import check_scores_labels

__all__ = ["svm_loss"]


def svm_loss(scores, y, *, margin: float = 1.0):
    """Mean multiclass hinge loss and its gradient.

    Parameters
    ----------
    scores : array of shape (N, C), floating
    y : integer array of shape (N,)
        Correct class of every row, in [0, C).
    margin : float, default 1.0
        Δ >= 0, how far the correct score must beat every other score. Keyword-only
        (as in ``multi_margin_loss``, whose third parameter is ``p``).

    Returns
    -------
    loss : 0-d array (dtype and device of ``scores``)
        (1/N) Σ_i Σ_{j≠y_i} max(0, s_ij − s_i,y_i + Δ).
    dscores : array of shape (N, C)
        dL/dscores: for j ≠ y_i, 1/N where the margin is violated (term > 0) and 0
        elsewhere; for j = y_i, −1/N times the number of violations in row i.
        At a term exactly 0 (the kink) the gradient taken is 0.
    """
    try:
        margin = float(margin)
    except (TypeError, ValueError):
        raise TypeError(f"svm_loss: expected margin to be a real number, got {margin!r}") from None
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"svm_loss: expected margin >= 0, got {margin}")
    xp, y, onehot = check_scores_labels(scores, y, "svm_loss")
    n = scores.shape[0]
    correct = xp.sum(scores * onehot, axis=1, keepdims=True)           # s_{y_i}, (N, 1)
    margins = xp.maximum(scores - correct + margin, 0.0) * (1.0 - onehot)
    loss = xp.asarray(xp.sum(margins) / n)   # a 0-d array, not a NumPy scalar
    violated = xp.astype(margins > 0, scores.dtype)
    dscores = (violated - onehot * xp.sum(violated, axis=1, keepdims=True)) / n
    return loss, dscores
