"""What a kernel matrix says: its alignment with the labels (plain and centered), and the
concentration of a fidelity kernel's values with width."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qml.errors import ConfigurationError
from qml.models.quantum_kernel import QuantumKernel
from qml.result_file import ResultFile, document_schema

__all__ = ["kernel_target_alignment", "centered_alignment", "KernelConcentration",
           "kernel_concentration"]

logger = logging.getLogger(__name__)


def kernel_target_alignment(K: np.ndarray, y) -> float:
    """Kernel-target alignment (Cristianini et al. 2001) ``<K, T>_F / (|K|_F |T|_F)`` with
    ``T[i, j] = 1`` for samples of the same class and ``-1`` otherwise: 1 when the kernel
    separates the classes perfectly, near 0 when it ignores them.

    Examples
    --------
    >>> round(kernel_target_alignment(np.array([[1.0, 0.0], [0.0, 1.0]]), [0, 1]), 4)
    0.7071
    """
    y = np.asarray(y)
    T = np.where(y[:, None] == y[None, :], 1.0, -1.0)
    return float(np.sum(K * T) / (np.linalg.norm(K) * np.linalg.norm(T)))


@dataclass
class KernelConcentration(ResultFile):
    """Variance of the off-diagonal kernel values against width, per bandwidth.

    ``variance[b][w]`` is the variance of ``k(x, y)``, ``x != y``, over ``n_samples`` random
    inputs uniform in ``[0, pi]^n`` (the range of min-max scaled data) at ``widths[w]`` with
    ``bandwidths[b]``; ``mean`` likewise. Exponential decay of the variance with width is
    the concentration of Thanasilp et al. (2022): a kernel that flat needs exponentially many
    shots to tell two samples apart.

    Examples
    --------
    >>> c = KernelConcentration("zz", 2, [2, 4, 6], [1.0], [[0.1, 0.025, 0.00625]],
    ...                         [[0.3, 0.1, 0.05]], 20)
    >>> round(c.decay_per_qubit[0], 6)  # the variance falls 2x per qubit
    2.0
    """

    FORMAT = "qlimits.kernel_concentration"
    SCHEMA = document_schema({
        "feature_map": {"type": "string"}, "feature_map_reps": {"type": "integer"},
        "widths": {"type": "array", "items": {"type": "integer"}},
        "bandwidths": {"type": "array", "items": {"type": "number"}},
        "variance": {"type": "array", "items": {"type": "array"}},
        "mean": {"type": "array", "items": {"type": "array"}},
        "n_samples": {"type": "integer"}, "seed": {"type": ["integer", "null"]},
    }, required=["widths", "bandwidths", "variance", "mean"])

    feature_map: str
    feature_map_reps: int
    widths: list[int]
    bandwidths: list[float]
    variance: list[list[float]]
    mean: list[list[float]]
    n_samples: int
    seed: int | None = None
    decay_per_qubit: list[float] = field(default_factory=list)

    def __post_init__(self):
        if not self.decay_per_qubit:
            self.decay_per_qubit = [_decay(self.widths, v) for v in self.variance]

    def _to_body(self) -> dict:
        return {k: getattr(self, k) for k in ("feature_map", "feature_map_reps", "widths",
                                              "bandwidths", "variance", "mean", "n_samples",
                                              "seed", "decay_per_qubit")}

    @classmethod
    def _from_body(cls, doc: dict) -> KernelConcentration:
        return cls(doc["feature_map"], doc["feature_map_reps"], doc["widths"],
                   doc["bandwidths"], doc["variance"], doc["mean"], doc["n_samples"],
                   doc.get("seed"), doc.get("decay_per_qubit", []))


def _decay(widths, variance) -> float:
    """Fitted factor by which the variance shrinks per added qubit (``2**-slope``)."""
    v = np.asarray(variance, dtype=float)
    ok = v > 0
    if ok.sum() < 2:
        return float("nan")
    slope = np.polyfit(np.asarray(widths)[ok], np.log2(v[ok]), 1)[0]
    return float(2.0**-slope)


def kernel_concentration(widths: Sequence[int] = (2, 4, 6, 8, 10, 12),
                         bandwidths: Sequence[float] = (1.0, 0.1), n_samples: int = 50,
                         feature_map: str = "zz", feature_map_reps: int = 2,
                         seed: int | None = 0) -> KernelConcentration:
    """Measure how the exact kernel's off-diagonal values concentrate as the width grows.

    Examples
    --------
    >>> c = kernel_concentration([2, 4], [1.0, 0.1], n_samples=10, seed=0)
    >>> c.variance[1][1] > c.variance[0][1]  # a small bandwidth keeps the variance up
    True
    """
    if n_samples < 2:
        raise ConfigurationError(f"n_samples must be at least 2; got {n_samples!r}")
    rng = np.random.default_rng(seed)
    inputs = {w: rng.uniform(0, np.pi, size=(n_samples, w)) for w in widths}
    variance, mean = [], []
    off = ~np.eye(n_samples, dtype=bool)
    for bw in bandwidths:
        v_row, m_row = [], []
        for w in widths:
            K = QuantumKernel(feature_map, feature_map_reps, bandwidth=bw).evaluate(inputs[w])
            v_row.append(float(K[off].var()))
            m_row.append(float(K[off].mean()))
        variance.append(v_row)
        mean.append(m_row)
    logger.info("kernel concentration: widths %s, bandwidths %s", list(widths),
                list(bandwidths))
    return KernelConcentration(feature_map, int(feature_map_reps), [int(w) for w in widths],
                               [float(b) for b in bandwidths], variance, mean, int(n_samples),
                               seed)


def centered_alignment(K: np.ndarray, y) -> float:
    """Centered kernel-target alignment (Cortes et al. 2012): the alignment of the centered
    kernel with the centered ideal kernel ``Y Y^T`` of the one-hot labels.

    Examples
    --------
    >>> round(centered_alignment(np.array([[1.0, 0.0], [0.0, 1.0]]), [0, 1]), 4)
    1.0
    """
    y = np.asarray(y)
    Y = (y[:, None] == np.unique(y)[None, :]).astype(float)
    Kc, Tc = _centered(np.asarray(K, dtype=float)), _centered(Y @ Y.T)
    norm = np.linalg.norm(Kc) * np.linalg.norm(Tc)
    return float(np.sum(Kc * Tc) / norm) if norm > 0 else 0.0


def _centered(K: np.ndarray) -> np.ndarray:
    """``H K H`` with ``H = I - 1/n``, in O(n^2)."""
    return K - K.mean(axis=0) - K.mean(axis=1)[:, None] + K.mean()
