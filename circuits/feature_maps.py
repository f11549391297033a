"""Feature maps: circuits that load a data vector into qubits.

Every builder returns a ``QuantumCircuit`` whose data inputs form one ``ParameterVector`` named
``"x"``; a feature map with trainable parts (data re-uploading) keeps those in a second vector
named ``"u"``. Nothing here runs a circuit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.circuit.library import pauli_feature_map, zz_feature_map

from qml.errors import ConfigurationError

INPUT_PREFIX = "x"
FEATURE_WEIGHT_PREFIX = "u"
_ROTATIONS = ("rx", "ry", "rz")

__all__ = ["zz", "pauli", "angle", "reuploading", "FEATURE_MAPS", "build_feature_map",
           "INPUT_PREFIX", "FEATURE_WEIGHT_PREFIX"]


def zz(n_features: int, reps: int = 2, entanglement: str = "full") -> QuantumCircuit:
    """Second-order ZZ feature map of Havlicek et al. (qiskit's ``zz_feature_map``). On one
    feature there is no pair to entangle: the map is its first-order part (``Z`` only).

    Examples
    --------
    >>> zz(3, reps=1).num_parameters, zz(1).num_qubits
    (3, 1)
    """
    if n_features == 1:
        return pauli_feature_map(1, reps=reps, paulis=["Z"], parameter_prefix=INPUT_PREFIX)
    return zz_feature_map(n_features, reps=reps, entanglement=entanglement,
                          parameter_prefix=INPUT_PREFIX)


def pauli(n_features: int, reps: int = 2, paulis: Sequence[str] = ("Z", "ZZ"),
          entanglement: str = "full") -> QuantumCircuit:
    """Pauli feature map (qiskit's ``pauli_feature_map``) with the given Pauli strings; on
    one feature, the one-qubit strings among them.

    Examples
    --------
    >>> pauli(2, reps=1, paulis=["X", "ZY"]).num_parameters
    2
    """
    if n_features == 1:
        paulis = [p for p in paulis if len(p) == 1] or ["Z"]
    return pauli_feature_map(n_features, reps=reps, paulis=list(paulis),
                             entanglement=entanglement, parameter_prefix=INPUT_PREFIX)


def _check_rotation(rotation: str) -> None:
    if rotation not in _ROTATIONS:
        raise ConfigurationError(
            f"rotation must be one of {', '.join(_ROTATIONS)}; got {rotation!r}"
        )


def _encode(qc: QuantumCircuit, x: ParameterVector, rotation: str) -> None:
    for i, xi in enumerate(x):
        getattr(qc, rotation)(xi, i)


def angle(n_features: int, reps: int = 1, rotation: str = "ry") -> QuantumCircuit:
    """Angle encoding: one rotation ``R(x_i)`` per qubit, repeated ``reps`` times.

    ``rotation`` is ``"rx"``, ``"ry"`` or ``"rz"``; an RZ encoding starts with a Hadamard
    layer so that it is not lost on ``|0>``.

    Examples
    --------
    >>> angle(2, rotation="rx").count_ops()["rx"]
    2
    """
    _check_rotation(rotation)
    x = ParameterVector(INPUT_PREFIX, n_features)
    qc = QuantumCircuit(n_features, name="angle")
    if rotation == "rz":
        qc.h(range(n_features))
    for _ in range(reps):
        _encode(qc, x, rotation)
    return qc


def reuploading(n_features: int, reps: int = 2, rotation: str = "ry") -> QuantumCircuit:
    """Data re-uploading (Perez-Salinas et al. 2020): encoding layers interleaved with
    trainable RY-RZ layers and a ring of CZ gates.

    The inputs are the vector ``"x"``; the trainable angles are the vector ``"u"``
    (``2 * n_features * reps`` of them).

    Examples
    --------
    >>> qc = reuploading(2, reps=2)
    >>> sorted({p.vector.name for p in qc.parameters})
    ['u', 'x']
    """
    _check_rotation(rotation)
    x = ParameterVector(INPUT_PREFIX, n_features)
    u = ParameterVector(FEATURE_WEIGHT_PREFIX, 2 * n_features * reps)
    qc = QuantumCircuit(n_features, name="reuploading")
    k = 0
    for _ in range(reps):
        _encode(qc, x, rotation)
        for q in range(n_features):
            qc.ry(u[k], q)
            qc.rz(u[k + 1], q)
            k += 2
        if n_features > 1:
            for q in range(n_features if n_features > 2 else 1):
                qc.cz(q, (q + 1) % n_features)
    return qc


FEATURE_MAPS: dict[str, Callable[..., QuantumCircuit]] = {
    "zz": zz,
    "pauli": pauli,
    "angle": angle,
    "reuploading": reuploading,
}


def build_feature_map(name: str, n_features: int, reps: int) -> QuantumCircuit:
    """Build a feature map by name (one of ``FEATURE_MAPS``).

    Examples
    --------
    >>> build_feature_map("angle", 3, reps=1).num_qubits
    3
    """
    try:
        builder = FEATURE_MAPS[name]
    except KeyError:
        raise ConfigurationError(
            f"unknown feature map {name!r}; valid: {', '.join(FEATURE_MAPS)} or a QuantumCircuit"
        ) from None
    return builder(n_features, reps=reps)
