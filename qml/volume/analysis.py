"""Quantum-volume analysis: pure functions of ideal distributions, counts and HOPs.

No circuit, backend or file in sight: each function takes arrays and returns numbers, and is
tested on hand-made values (and against qiskit-experiments' ``QuantumVolumeAnalysis``).

A width ``n`` passes when the mean heavy-output probability (HOP) over at least
``MIN_TRIALS`` trials exceeds ``HOP_THRESHOLD`` = 2/3 by ``Z`` = 2 standard errors (one-sided
confidence ``CONFIDENCE`` = 0.97725), with the binomial standard error
``sqrt(h (1 - h) / trials)`` that qiskit-experiments uses (Cross et al., Phys. Rev. A 100,
032328, 2019).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["HOP_THRESHOLD", "Z", "CONFIDENCE", "MIN_TRIALS", "IDEAL_HOP_LIMIT",
           "heavy_outputs", "heavy_output_probabilities", "hop_statistics", "hop_confidence",
           "trials_needed", "bootstrap_lower_bound"]

HOP_THRESHOLD = 2 / 3
Z = 2.0
CONFIDENCE = 0.5 * (1 + math.erf(Z / math.sqrt(2)))  # 0.97725
MIN_TRIALS = 100
IDEAL_HOP_LIMIT = (1 + math.log(2)) / 2  # mean HOP of ideal random circuits as n grows


def heavy_outputs(probabilities: np.ndarray) -> np.ndarray:
    """Boolean mask of heavy outputs per trial: probability strictly above the median of its
    distribution (as qiskit-experiments computes them).

    Examples
    --------
    >>> heavy_outputs(np.array([[0.1, 0.2, 0.3, 0.4]]))
    array([[False, False,  True,  True]])
    """
    probabilities = np.atleast_2d(probabilities)
    return probabilities > np.median(probabilities, axis=1, keepdims=True)


def heavy_output_probabilities(counts: np.ndarray, heavy: np.ndarray) -> np.ndarray:
    """Per-trial fraction of shots that landed in the heavy set.

    ``counts`` (trials, 2**n) holds shot counts, or exact probabilities for an ideal run.

    Examples
    --------
    >>> heavy_output_probabilities(np.array([[10, 30, 40, 20]]), np.array([[0, 1, 1, 0]], bool))
    array([0.7])
    """
    counts = np.asarray(counts, dtype=float)
    return (counts * heavy).sum(axis=1) / counts.sum(axis=1)


def hop_statistics(hops: Sequence[float]) -> tuple[float, float, float]:
    """Mean HOP, its binomial standard error, and the one-sided two-sigma lower bound.

    Examples
    --------
    >>> [round(v, 4) for v in hop_statistics([0.8] * 100)]
    [0.8, 0.04, 0.72]
    """
    hops = np.asarray(hops, dtype=float)
    mean = float(hops.mean())
    sigma = math.sqrt(mean * (1 - mean) / len(hops))
    return mean, sigma, mean - Z * sigma


def hop_confidence(mean: float, sigma: float) -> float:
    """One-sided confidence that the true mean HOP exceeds 2/3, from the normal
    approximation (qiskit-experiments' ``confidence``); a zero ``sigma`` counts as 1e-10.

    Examples
    --------
    >>> round(hop_confidence(0.75, 0.025), 4)
    0.9996
    """
    z = (mean - HOP_THRESHOLD) / max(sigma, 1e-10)
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def trials_needed(mean_hop: float) -> int | None:
    """Fewest trials for which ``mean_hop`` would pass (at least ``MIN_TRIALS``); None if it
    can never pass (mean HOP at or below 2/3).

    Examples
    --------
    >>> trials_needed(0.70), trials_needed(0.85), trials_needed(0.6)
    (757, 100, None)
    """
    if mean_hop <= HOP_THRESHOLD:
        return None
    n = Z**2 * mean_hop * (1 - mean_hop) / (mean_hop - HOP_THRESHOLD) ** 2
    return max(MIN_TRIALS, math.floor(n) + 1)


def bootstrap_lower_bound(hops, shots: int | None, resamples: int = 2000,
                          seed: int | None = 0) -> float:
    """One-sided 97.725% lower bound on the mean HOP by the bootstrap of Baldwin et al.,
    Quantum 6, 707 (2022): resample the circuits with replacement and, within each, the shots
    (binomially, from that circuit's observed HOP); take the 2.275% quantile of the mean.
    ``shots=None`` (exact HOPs) resamples the circuits only.

    Examples
    --------
    >>> hops = np.linspace(0.7, 0.9, 100)
    >>> lb = bootstrap_lower_bound(hops, shots=1000, seed=1)
    >>> 0.76 < lb < hop_statistics(hops)[0]
    True
    """
    hops = np.asarray(hops, dtype=float)
    rng = np.random.default_rng(seed)
    picks = hops[rng.integers(len(hops), size=(resamples, len(hops)))]
    if shots:
        picks = rng.binomial(shots, picks) / shots
    return float(np.quantile(picks.mean(axis=1), 1 - CONFIDENCE))
