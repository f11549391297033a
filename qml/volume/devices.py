"""What a device contributes to a quantum-volume run: a connected, low-error set of physical
qubits, its basis gates, and its errors on those qubits (as qiskit-aer derives them), as
Aer noise models or as the input of the exact noisy simulator ``qml.engine.pauli_transfer``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import rustworkx as rx

from qml.backends.device_noise import device_errors
from qml.errors import CircuitTooWideError, ConfigurationError

__all__ = ["check_layout", "select_qubits", "device_basis", "device_errors",
           "restricted_noise_model", "two_qubit_errors"]

logger = logging.getLogger(__name__)


def two_qubit_errors(target) -> dict[tuple[int, int], float]:
    """The lowest reported error of any two-qubit gate on every linked pair (sorted), 0.01
    where none is reported.

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> sorted(two_qubit_errors(fake_backend("fake_lima").target))
    [(0, 1), (1, 2), (1, 3), (3, 4)]
    """
    errors: dict[tuple[int, int], float] = {}
    for name in target.operation_names:
        if target.operation_from_name(name).num_qubits != 2:
            continue
        for qargs, props in target[name].items():
            if qargs is None:
                continue
            err = getattr(props, "error", None) if props is not None else None
            key = tuple(sorted(qargs))
            errors[key] = min(errors.get(key, 1.0), 0.01 if err is None else err)
    return errors


def _readout_errors(target) -> dict[int, float]:
    out = {}
    if "measure" in target.operation_names:
        for qargs, props in target["measure"].items():
            if qargs is not None:
                err = getattr(props, "error", None) if props is not None else None
                out[qargs[0]] = 0.02 if err is None else err
    return out


def check_layout(target, qubits: Sequence[int], width: int) -> list[int]:
    """The first ``width`` of the chosen physical ``qubits``, checked against a device
    ``target``: every qubit exists and the set is connected by the device's two-qubit gates
    (the transpiler cannot route a QV circuit inside a disconnected set).

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> check_layout(fake_backend("fake_lima").target, [0, 1, 2], 3)
    [0, 1, 2]
    >>> try:
    ...     check_layout(fake_backend("fake_lima").target, [0, 4], 2)
    ... except ConfigurationError as exc:
    ...     print(str(exc)[:63])
    qubits [0, 4] are not connected by the device's two-qubit gates
    """
    layout = [int(q) for q in qubits[:width]]
    if len(layout) < width:
        raise ConfigurationError(f"width {width} needs {width} qubits; {len(qubits)} were given")
    off = [q for q in layout if not 0 <= q < target.num_qubits]
    if off:
        raise ConfigurationError(f"qubits {off} are not on the device (qubits 0 to "
                                 f"{target.num_qubits - 1})")
    edges = [e for e in two_qubit_errors(target) if e[0] in layout and e[1] in layout]
    graph = rx.PyGraph()
    index = dict(zip(layout, graph.add_nodes_from(layout)))
    graph.add_edges_from_no_data([(index[a], index[b]) for a, b in edges])
    if not rx.is_connected(graph):
        joined = ", ".join(f"{a}-{b}" for a, b in sorted(edges)) or "none"
        raise ConfigurationError(f"qubits {layout} are not connected by the device's two-qubit "
                                 f"gates (links among them: {joined}); choose connected qubits "
                                 "or leave --qubits out")
    return layout


def select_qubits(target, width: int) -> list[int]:
    """A connected, low-error set of ``width`` physical qubits on a device ``target``.

    Grows a set from every qubit, each time adding the neighbour that brings the most
    connections and the smallest two-qubit and readout errors; keeps the best set by
    (connections inside, then total error).

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> len(set(select_qubits(fake_backend("fake_lima").target, 3)))
    3
    """
    edges = two_qubit_errors(target)
    readout = _readout_errors(target)
    neighbours: dict[int, set[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    if width > target.num_qubits:
        raise CircuitTooWideError(f"width {width} exceeds the backend's {target.num_qubits} qubits")

    def score(chosen: list[int]) -> tuple[int, float]:
        inside = [e for e in edges if e[0] in chosen and e[1] in chosen]
        error = sum(edges[e] for e in inside) / max(len(inside), 1)
        error += sum(readout.get(q, 0.0) for q in chosen) / len(chosen)
        return len(inside), -error

    best, best_score = None, None
    for start in sorted(neighbours) or range(target.num_qubits):
        chosen = [start]
        while len(chosen) < width:
            frontier = {b for q in chosen for b in neighbours.get(q, ()) if b not in chosen}
            if not frontier:
                break
            chosen.append(max(sorted(frontier), key=lambda b: score(chosen + [b])))
        if len(chosen) == width and (best_score is None or score(chosen) > best_score):
            best, best_score = chosen, score(chosen)
    if best is None:
        raise CircuitTooWideError(f"no connected set of {width} qubits on this backend")
    logger.info("width %d: physical qubits %s", width, best)
    return best


_ANY_ANGLE = ("rz", "rx", "ry", "u1", "u2", "u3", "u", "p")  # gates that take every angle


def device_basis(target) -> list[str]:
    """A device's one- and two-qubit gates: the fixed ones, the rotations rz, rx, ry, and the
    u1/u2/u3 of older devices (fractional gates with restricted angles, and control flow, are
    left out).

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> device_basis(fake_backend("fake_lima").target)
    ['cx', 'id', 'rz', 'sx', 'x']
    """
    from qiskit.circuit import Gate

    basis = []
    for name in target.operation_names:
        op = target.operation_from_name(name)  # control flow is listed as a class
        if isinstance(op, Gate) and op.num_qubits <= 2 and (
                not op.params or name in _ANY_ANGLE):
            basis.append(name)
    return sorted(basis)


def restricted_noise_model(backend, qubits: Sequence[int], errors=None):
    """The noise model of ``backend`` on ``qubits`` only, relabelled ``0..k-1`` in that order.

    Device noise models are local (gate, relaxation and readout errors on the qubits a gate
    or measurement touches), so circuits confined to ``qubits`` see the same noise as with
    ``NoiseModel.from_backend``, while the simulator no longer carries the rest of the device.
    ``errors`` is ``device_errors(backend)``, computed once and reused across widths.

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> sorted(restricted_noise_model(fake_backend("fake_lima"), [3, 4]).noise_qubits)
    [0, 1]
    """
    from qiskit_aer.noise import NoiseModel

    gate_errors, readout_errors = device_errors(backend) if errors is None else errors
    index = {q: i for i, q in enumerate(qubits)}
    noise = NoiseModel(basis_gates=backend.operation_names)
    for qargs, error in readout_errors:
        if all(q in index for q in qargs):
            noise.add_readout_error(error, [index[q] for q in qargs])
    for name, qargs, error in gate_errors:
        if all(q in index for q in qargs):
            noise.add_quantum_error(error, name, [index[q] for q in qargs])
    return noise
