"""Ideal output distributions of quantum-volume model circuits: the exact, noiseless
simulation that defines each trial's heavy outputs, and whose cost is the classical cost of
verifying a quantum volume (``qml.volume.verification``).
"""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Gate
from qiskit.quantum_info import Statevector

__all__ = ["ideal_probabilities"]


def ideal_probabilities(circuits: list[QuantumCircuit]) -> np.ndarray:
    """Exact output distributions, shape (trials, 2**width); index = measured integer
    (qubit ``q`` is bit ``q``).

    Examples
    --------
    >>> from circuits.quantum_volume import model_circuits
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
