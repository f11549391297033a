"""A device's errors as qiskit-aer derives them: gate error channels and readout errors, for
the whole device or for some of its qubits only (deriving them for a whole 127-qubit device
costs more than the runs that need a few of its qubits).

Both of qlimits' noisy simulations read them: the noisy engine of the classifiers
(``qml.engine.noisy_circuit``) and the quantum-volume sweeps (``qml.volume``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

__all__ = ["device_errors", "noisy_circuit"]


class _TargetView:
    """The part of a ``Target`` on some qubits: what qiskit-aer's device-noise functions read
    (``items``, ``get``, ``operation_from_name``, ``qubit_properties``, ``num_qubits``)."""

    def __init__(self, target, qubits: Sequence[int]):
        self._target, self._qubits = target, {int(q) for q in qubits}
        self.num_qubits = target.num_qubits
        self.qubit_properties = target.qubit_properties
        self.operation_from_name = target.operation_from_name

    def _restrict(self, props):
        if props is None:
            return None
        return {qargs: p for qargs, p in props.items()
                if qargs is not None and set(qargs) <= self._qubits}

    def items(self):
        return [(name, self._restrict(props)) for name, props in self._target.items()]

    def get(self, name, default=None):
        return self._restrict(self._target[name]) if name in self._target else default


def device_errors(backend, qubits: Sequence[int] | None = None) -> tuple[list, list]:
    """A device's gate errors ``(name, qubits, QuantumError)`` and readout errors
    ``(qubits, ReadoutError)``, as qiskit-aer's ``NoiseModel.from_backend`` derives them;
    with ``qubits``, only those on these physical qubits (computed for them alone).

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> gates, readout = device_errors(fake_backend("fake_lima"), [0, 1])
    >>> sorted({name for name, _, _ in gates}), [qs for qs, _ in readout]
    (['cx', 'id', 'reset', 'sx', 'x'], [[0], [1]])
    """
    from qiskit_aer.noise.device import basic_device_gate_errors, basic_device_readout_errors

    target = backend.target if qubits is None else _TargetView(backend.target, qubits)
    with warnings.catch_warnings():  # "warnings are ignored when target is supplied"
        warnings.filterwarnings("ignore", message="When `target` is supplied", category=UserWarning)
        gate_errors = basic_device_gate_errors(target=target)
    return gate_errors, basic_device_readout_errors(target=target)


def noisy_circuit(circuit, device, inputs, weights=()):
    """The engine's ``NoisyCircuit`` of a circuit transpiled to ``device``: the device's errors
    on the qubits the circuit uses; ``UnsupportedCircuitError`` where the engine cannot run it
    (then Aer does).

    Examples
    --------
    >>> from qiskit import QuantumCircuit, transpile
    >>> from qml.backends import build_simulator, fake_backend, parse_backend
    >>> qc = QuantumCircuit(2); _ = qc.h(0); _ = qc.cx(0, 1); _ = qc.measure_all()
    >>> device = fake_backend("fake_lima")
    >>> isa = transpile(qc, build_simulator(parse_backend("aer:fake_lima")), seed_transpiler=0)
    >>> p = noisy_circuit(isa, device, []).probabilities()[0, 0]
    >>> bool(p[0] + p[3] > 0.9), bool(p[1] + p[2] > 0)  # mostly 00 and 11, some noise
    (True, True)
    """
    from qml.engine.noisy_circuit import NoisyCircuit

    used = sorted({circuit.find_bit(q).index for inst in circuit.data
                   if inst.name != "barrier" for q in inst.qubits})
    return NoisyCircuit(circuit, inputs, weights, *device_errors(device, used))

