"""Quantum-volume model circuits (Cross et al., Phys. Rev. A 100, 032328, 2019), their ideal
output distributions and heavy-output sets. Pure construction: nothing here runs on a backend.

Trial circuits are qiskit's ``quantum_volume(n, n, seed=s_t)``, the trial seeds ``s_t`` drawn
from ``numpy.random.default_rng(seed)`` exactly as qiskit-experiments' ``QuantumVolume`` draws
them, so the same seed gives the same circuits in both.
"""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Gate
from qiskit.circuit.library import quantum_volume
from qiskit.quantum_info import Statevector

__all__ = ["model_circuits", "ideal_probabilities", "heavy_outputs"]


def model_circuits(width: int, trials: int, seed: int | None = None) -> list[QuantumCircuit]:
    """``trials`` square QV model circuits of ``width`` qubits (no measurements).

    Examples
    --------
    >>> circs = model_circuits(3, trials=2, seed=7)
    >>> [c.num_qubits for c in circs], circs[0] == model_circuits(3, 2, seed=7)[0]
    ([3, 3], True)
    """
    rng = np.random.default_rng(seed)
    top = np.iinfo(np.int64).max
    circuits = []
    for trial in range(trials):
        qc = quantum_volume(width, width, seed=rng.integers(top, dtype=np.int64))
        qc.metadata = {"width": width, "trial": trial}
        circuits.append(qc)
    return circuits


def ideal_probabilities(circuits: list[QuantumCircuit]) -> np.ndarray:
    """Exact output distributions, shape (trials, 2**width); index = measured integer
    (qubit ``q`` is bit ``q``).

    Examples
    --------
    >>> p = ideal_probabilities(model_circuits(2, 3, seed=0))
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
    ((3, 4), True)
    """
    return np.array([_probabilities(c) for c in circuits])


def _probabilities(circuit: QuantumCircuit) -> np.ndarray:
    """|amplitudes|^2, applying each gate's matrix to the state tensor (qubit ``q`` on axis
    ``n - 1 - q``); ``Statevector`` for anything that is not a plain gate."""
    n = circuit.num_qubits
    state = np.zeros((2,) * n, dtype=complex)
    state[(0,) * n] = 1.0
    for inst in circuit.data:
        if not isinstance(inst.operation, Gate) or inst.operation.num_qubits > 3:
            return Statevector(circuit).probabilities()
        k = inst.operation.num_qubits
        axes = [n - 1 - circuit.find_bit(q).index for q in reversed(inst.qubits)]
        matrix = inst.operation.to_matrix().reshape((2,) * (2 * k))
        state = np.tensordot(matrix, state, axes=(list(range(k, 2 * k)), axes))
        state = np.moveaxis(state, list(range(k)), axes)
    return (np.abs(state) ** 2).reshape(-1)


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
