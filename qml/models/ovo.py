"""One-vs-one decisions of a support-vector machine in scikit-learn's layout.

``SVC`` with ``c`` classes trains one machine per pair of classes (0-1, 0-2, ..., 1-2, ...)
and stores their dual coefficients packed in ``dual_coef_`` (``c - 1`` rows, one column per
support vector, grouped by class). ``ovo_weights`` unpacks them into one matrix, so that every
pair's decision is one product: ``kernel(X, support) @ ovo_weights(...) + intercept_``;
``ovo_votes`` turns the decisions into votes as ``SVC.predict`` counts them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ovo_weights", "ovo_votes"]


def ovo_weights(dual_coef: np.ndarray, n_support: np.ndarray) -> np.ndarray:
    """The (n_support_vectors, n_pairs) matrix of every pair's dual coefficients: column
    ``p`` holds, for the pair (i, j), class i's support vectors' coefficients against j
    (``dual_coef[j - 1]``) and class j's against i (``dual_coef[i]``); zero elsewhere.

    Examples
    --------
    >>> ovo_weights(np.array([[0.5, -0.5]]), np.array([1, 1])).tolist()  # two classes
    [[0.5], [-0.5]]
    """
    c = len(n_support)
    starts = np.concatenate([[0], np.cumsum(n_support)])
    W = np.zeros((int(starts[-1]), c * (c - 1) // 2))
    p = 0
    for i in range(c):
        for j in range(i + 1, c):
            si, sj = slice(starts[i], starts[i + 1]), slice(starts[j], starts[j + 1])
            W[si, p] = dual_coef[j - 1, si]
            W[sj, p] = dual_coef[i, sj]
            p += 1
    return W


def ovo_votes(decisions: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Votes and summed confidences per class, each (n_samples, n_classes), from one-vs-one
    decisions (n_samples, n_pairs): a positive decision votes for the pair's first class.

    Examples
    --------
    >>> votes, confidence = ovo_votes(np.array([[1.0, 1.0, -1.0]]), 3)
    >>> votes.tolist(), confidence.tolist()
    ([[2.0, 0.0, 1.0]], [[2.0, -2.0, 0.0]])
    """
    votes = np.zeros((len(decisions), n_classes))
    confidence = np.zeros((len(decisions), n_classes))
    p = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            votes[:, i] += decisions[:, p] > 0
            votes[:, j] += decisions[:, p] <= 0
            confidence[:, i] += decisions[:, p]
            confidence[:, j] -= decisions[:, p]
            p += 1
    return votes, confidence
