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

Device noise pulls a fidelity kernel's values towards ``2**-n``: under depolarising noise of
strength ``1 - lam``, a measured value is ``lam K + (1 - lam) / 2**n``. ``mitigate`` undoes it
(Hubregtsen et al. 2022, PennyLane's ``mitigate_depolarizing_noise``) from the kernel's own
diagonal, which noise-free is exactly 1, measured on the same device:
``lam_i = (2**n K_ii - 1) / (2**n - 1)``. ``"average"`` divides out one ``lam`` (the mean of
the diagonal's); ``"split"`` one per pair, ``sqrt(lam_i lam_j)``, each sample's circuit half
of the pair's noise.
"""

from __future__ import annotations

import numpy as np

from qml.errors import ConfigurationError, InvalidInputError

__all__ = ["REGULARIZATIONS", "regularize", "MITIGATIONS", "noise_levels", "mitigate"]

REGULARIZATIONS = ("clip", "shift", "flip")
MITIGATIONS = ("average", "split")


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


def noise_levels(diagonal: np.ndarray, n_qubits: int) -> np.ndarray:
    """``lam_i = (2**n K_ii - 1) / (2**n - 1)`` of measured diagonal values, kept in
    ``[1e-6, 1]`` (a value at or under ``2**-n`` is all noise).

    Examples
    --------
    >>> noise_levels(np.array([1.0, 0.625]), 2).tolist()
    [1.0, 0.5]
    """
    dim = 2.0 ** n_qubits
    return np.clip((dim * np.asarray(diagonal, dtype=float) - 1) / (dim - 1), 1e-6, 1.0)


def mitigate(K: np.ndarray, left: np.ndarray, right: np.ndarray, n_qubits: int,
             method: str) -> np.ndarray:
    """``K`` measured under depolarising noise, mitigated by ``method`` from the measured
    diagonal values ``left`` (of its rows' samples) and ``right`` (of its columns').

    Examples
    --------
    >>> lam, K = 0.5, np.array([[1.0, 0.3], [0.3, 1.0]])  # a noise-free kernel
    >>> noisy = lam * K + (1 - lam) / 4  # two qubits
    >>> mitigate(noisy, np.diag(noisy), np.diag(noisy), 2, "average").round(12).tolist()
    [[1.0, 0.3], [0.3, 1.0]]
    """
    if method not in MITIGATIONS:
        raise ConfigurationError(f"mitigation must be one of {', '.join(MITIGATIONS)} or None; "
                                 f"got {method!r}")
    lam_left, lam_right = noise_levels(left, n_qubits), noise_levels(right, n_qubits)
    if method == "average":
        lam = np.full(K.shape, np.mean(np.concatenate([lam_left, lam_right])))
    else:
        lam = np.sqrt(np.outer(lam_left, lam_right))
    return (np.asarray(K, dtype=float) - (1 - lam) / 2.0 ** n_qubits) / lam
