"""Quantum-volume model circuits (Cross et al., Phys. Rev. A 100, 032328, 2019). Pure
construction: nothing here runs a circuit (their ideal distributions are
``qml.volume.ideal``, their heavy outputs ``qml.volume.analysis``).

Trial circuits are qiskit's ``quantum_volume(n, n, seed=s_t)``, the trial seeds ``s_t`` drawn
from ``numpy.random.default_rng(seed)`` exactly as qiskit-experiments' ``QuantumVolume`` draws
them, so the same seed gives the same circuits in both.
"""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import quantum_volume

__all__ = ["model_circuits"]


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
