"""Trainable ansatze. Every builder returns a circuit whose weights form one
``ParameterVector`` named ``"w"``. Nothing here runs a circuit.
"""

from __future__ import annotations

from collections.abc import Callable

from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.circuit.library import efficient_su2 as _efficient_su2
from qiskit.circuit.library import real_amplitudes as _real_amplitudes

from qml.errors import ConfigurationError

WEIGHT_PREFIX = "w"

__all__ = ["real_amplitudes", "efficient_su2", "hardware_efficient", "ANSATZE", "build_ansatz",
           "WEIGHT_PREFIX"]


def real_amplitudes(n_qubits: int, reps: int = 3, entanglement: str = "reverse_linear"
                    ) -> QuantumCircuit:
    """RY layers and CX entanglers (qiskit's ``real_amplitudes``): ``n * (reps + 1)`` weights.

    Examples
    --------
    >>> real_amplitudes(4, reps=3).num_parameters
    16
    """
    return _real_amplitudes(n_qubits, reps=reps, entanglement=entanglement,
                            parameter_prefix=WEIGHT_PREFIX)


def efficient_su2(n_qubits: int, reps: int = 3, entanglement: str = "reverse_linear"
                  ) -> QuantumCircuit:
    """RY-RZ layers and CX entanglers (qiskit's ``efficient_su2``): ``2n * (reps + 1)`` weights.

    Examples
    --------
    >>> efficient_su2(2, reps=1).num_parameters
    8
    """
    return _efficient_su2(n_qubits, reps=reps, entanglement=entanglement,
                          parameter_prefix=WEIGHT_PREFIX)


def hardware_efficient(n_qubits: int, reps: int = 3) -> QuantumCircuit:
    """Hardware-efficient layers: RY and RZ on every qubit, then CZ on neighbouring pairs
    (linear chain, native on heavy-hex devices); a final rotation layer.
    ``2n * (reps + 1)`` weights.

    Examples
    --------
    >>> hardware_efficient(3, reps=2).num_parameters
    18
    """
    w = ParameterVector(WEIGHT_PREFIX, 2 * n_qubits * (reps + 1))
    qc = QuantumCircuit(n_qubits, name="hardware_efficient")
    k = 0
    for layer in range(reps + 1):
        for q in range(n_qubits):
            qc.ry(w[k], q)
            qc.rz(w[k + 1], q)
            k += 2
        if layer < reps:
            for q in range(n_qubits - 1):
                qc.cz(q, q + 1)
    return qc


ANSATZE: dict[str, Callable[..., QuantumCircuit]] = {
    "real_amplitudes": real_amplitudes,
    "efficient_su2": efficient_su2,
    "hardware_efficient": hardware_efficient,
}


def build_ansatz(name: str, n_qubits: int, reps: int) -> QuantumCircuit:
    """Build an ansatz by name (one of ``ANSATZE``).

    Examples
    --------
    >>> build_ansatz("real_amplitudes", 2, reps=1).num_parameters
    4
    """
    try:
        builder = ANSATZE[name]
    except KeyError:
        raise ConfigurationError(
            f"unknown ansatz {name!r}; valid: {', '.join(ANSATZE)} or a QuantumCircuit"
        ) from None
    return builder(n_qubits, reps=reps)
