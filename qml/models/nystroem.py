"""Nyström approximation of a quantum kernel (Williams & Seeger 2001): ``N m`` kernel
entries instead of ``N (N - 1) / 2``.

``m`` training samples are chosen as landmarks; with ``K_ll`` their Gram matrix and ``K_nl``
every sample's kernel against them, ``K ~ K_nl K_ll^+ K_nl^T``: every sample gets ``m``
features ``phi = K_nl @ normalization.T`` (``normalization = K_ll^(-1/2)``) whose inner
products approximate the kernel, and a linear SVM on them approximates the kernel SVM. On
hardware that is ``N m`` compute-uncompute circuits (and ``m (m - 1) / 2`` for ``K_ll``)
instead of ``N (N - 1) / 2``: 25x fewer for 5,000 samples and 200 landmarks; a prediction
costs ``m`` circuits per sample.

The landmarks and the normalization follow scikit-learn's ``Nystroem`` exactly (its
``random_state`` permutation, its pseudo-inverse square root by SVD with singular values
floored at 1e-12), so the features equal ``Nystroem(kernel=..., random_state=seed)``'s.
"""

from __future__ import annotations

import numpy as np

__all__ = ["choose_landmarks", "nystroem_normalization", "landmark_features"]


def choose_landmarks(n_samples: int, n_landmarks: int, seed: int | None) -> np.ndarray:
    """Indices of ``n_landmarks`` of ``n_samples`` training samples, uniformly at random as
    scikit-learn's ``Nystroem`` picks its components (``RandomState(seed).permutation``).

    Examples
    --------
    >>> choose_landmarks(10, 3, seed=0).tolist()
    [2, 8, 4]
    """
    return np.random.RandomState(seed).permutation(n_samples)[:n_landmarks]


def nystroem_normalization(K_ll: np.ndarray) -> np.ndarray:
    """``K_ll^(-1/2)`` by SVD, singular values below 1e-12 raised to it (scikit-learn's
    ``Nystroem.normalization_``): features ``K_nl @ normalization.T``.

    Examples
    --------
    >>> nystroem_normalization(np.diag([4.0, 1.0])).tolist()
    [[0.5, 0.0], [0.0, 1.0]]
    """
    U, S, V = np.linalg.svd(K_ll)
    S = np.maximum(S, 1e-12)
    return np.dot(U / np.sqrt(S), V)


def landmark_features(kernel, angles: np.ndarray, n_landmarks: int, seed: int | None,
                      regularization: str | None = None):
    """``(landmarks, features, normalization)`` of a fitted quantum ``kernel`` on training
    ``angles``: the landmarks' Gram matrix (made positive semi-definite by
    ``regularization`` where shots left it otherwise), then every sample's kernel against
    them times ``nystroem_normalization``'s transpose. A model on the features predicts
    ``kernel(x, landmarks) @ normalization.T @ w``.
    """
    from qml.models.kernel_noise import regularize

    landmarks = angles[choose_landmarks(len(angles), int(n_landmarks), seed)]
    K_ll = kernel.evaluate(landmarks)  # the training Gram matrix of the landmarks
    if regularization is not None:
        K_ll = regularize(K_ll, regularization)
    normalization = nystroem_normalization(K_ll)
    return landmarks, kernel.evaluate(angles, landmarks) @ normalization.T, normalization
