"""A Gram matrix estimated from shots is not positive semi-definite: every entry carries its
own binomial error, and an SVM on an indefinite matrix has no guarantee of convergence or of
a meaningful margin. ``regularize`` makes it a kernel again, by one of the three spectral
repairs of Hubregtsen et al. (Phys. Rev. A 106, 042431, 2022; PennyLane's ``qml.kernels``):

==========  =================================================================================
method      what it does to the eigenvalues ``s`` of the symmetric matrix
==========  =================================================================================
``clip``    negative ones set to 0: the nearest positive semi-definite matrix in Frobenius
            norm (PennyLane's ``threshold_matrix``)
``shift``   all raised by ``-min(s)`` when it is negative: a Tikhonov shift of the diagonal,
            which keeps the eigenvectors and the order of the off-diagonal values
            (``displace_matrix``)
``flip``    replaced by their absolute values (``flip_matrix``)
==========  =================================================================================
"""

from __future__ import annotations

import numpy as np

from qml.errors import ConfigurationError, InvalidInputError

__all__ = ["REGULARIZATIONS", "regularize"]

REGULARIZATIONS = ("clip", "shift", "flip")


def regularize(K: np.ndarray, method: str) -> np.ndarray:
    """``K`` (square, symmetric) made positive semi-definite by ``method``.

    Examples
    --------
    >>> K = np.array([[1.0, 0.9, 0.2], [0.9, 1.0, 0.9], [0.2, 0.9, 1.0]])  # indefinite
    >>> bool(np.linalg.eigvalsh(K).min() < 0)
    True
    >>> bool(np.linalg.eigvalsh(regularize(K, "clip")).min() > -1e-12)
    True
    """
    if method not in REGULARIZATIONS:
        raise ConfigurationError(f"regularization must be one of {', '.join(REGULARIZATIONS)} "
                                 f"or None; got {method!r}")
    K = np.asarray(K, dtype=float)
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        raise InvalidInputError(f"a Gram matrix is square; got shape {K.shape}")
    K = (K + K.T) / 2
    values, vectors = np.linalg.eigh(K)
    if method == "shift":
        low = values.min()
        return K + (-low) * np.eye(len(K)) if low < 0 else K
    values = np.maximum(values, 0.0) if method == "clip" else np.abs(values)
    repaired = (vectors * values) @ vectors.T
    return (repaired + repaired.T) / 2
