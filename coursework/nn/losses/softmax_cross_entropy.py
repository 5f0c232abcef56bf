"""Softmax cross-entropy loss: L = −(1/N) Σ_i log softmax(s_i)[y_i], with its gradient."""

from __future__ import annotations

from ._labels import check_scores_labels

__all__ = ["softmax_cross_entropy"]


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of the softmax of ``scores`` against labels ``y``.

    Parameters
    ----------
    scores : array of shape (N, C), floating
        Unnormalised class scores (logits).
    y : integer array of shape (N,)
        Correct class of every row, in [0, C).

    Returns
    -------
    loss : 0-d array (dtype and device of ``scores``)
        (1/N) Σ_i −log p_i[y_i] with p_i = softmax(s_i); ``float(loss)`` gives
        the number on the host.
    dscores : array of shape (N, C)
        dL/dscores = (p − onehot(y)) / N.

    Notes
    -----
    Numerically stable: the row maximum is subtracted before ``exp`` (softmax
    does not change) and log p is computed as ``shifted − log Σ exp(shifted)``,
    so neither ``exp`` overflows nor ``log(0)`` appears.
    """
    xp, y, onehot = check_scores_labels(scores, y, "softmax_cross_entropy")
    n = scores.shape[0]
    shifted = scores - xp.max(scores, axis=1, keepdims=True)
    log_p = shifted - xp.log(xp.sum(xp.exp(shifted), axis=1, keepdims=True))
    loss = xp.asarray(-xp.sum(onehot * log_p) / n)   # a 0-d array, not a NumPy scalar
    dscores = (xp.exp(log_p) - onehot) / n
    return loss, dscores
