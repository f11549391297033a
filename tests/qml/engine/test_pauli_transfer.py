"""Pauli-transfer noisy simulation against Aer's density-matrix method."""

import numpy as np
import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.library import quantum_volume
from qiskit.quantum_info import Kraus, Statevector, random_unitary
from qiskit_aer import AerSimulator
from qiskit_aer.noise import (
    NoiseModel,
    ReadoutError,
    amplitude_damping_error,
    depolarizing_error,
    thermal_relaxation_error,
)

from qml.engine.pauli_transfer import MAX_QUBITS, PauliTransferSimulator, channel_ptm, unitary_ptm
from qml.errors import UnsupportedCircuitError


def _aer_probabilities(circuit, noise, readout=()):
    """Aer density-matrix probabilities of the measured clbits, readout included exactly:
    a readout confusion matrix A is the channel with Kraus operators sqrt(A[t, m]) |m><t|,
    applied just before the measurement. ``noise``: a NoiseModel or (name, qubits, error)s."""
    if not isinstance(noise, NoiseModel):
        errors, noise = noise, NoiseModel()
        for name, qubits, error in errors:
            noise.add_quantum_error(error, name, qubits)
    readout = dict(readout)
    ref = QuantumCircuit(*circuit.qregs)
    measured = {}
    for inst in circuit.data:
        if inst.name == "measure":
            qubit, clbit = circuit.find_bit(inst.qubits[0]), circuit.find_bit(inst.clbits[0])
            measured[qubit.index] = clbit.index
        else:
            ref.append(inst.operation, inst.qubits)
    for q, a in readout.items():
        kraus = [np.sqrt(a[t, m]) * np.outer(np.eye(2)[m], np.eye(2)[t])
                 for t in range(2) for m in range(2)]
        ref.append(Kraus(kraus).to_instruction(), [q])
    order = sorted(measured, key=measured.get)
    ref.save_probabilities(order)
    sim = AerSimulator(method="density_matrix", noise_model=noise)
    return sim.run(ref).result().data()["probabilities"]  # as built: nothing decomposed


def _noisy_gates(n, seed):
    """Random errors on some gates and qubit pairs, both orientations, of several kinds."""
    rng = np.random.default_rng(seed)
    errors = []
    for q in range(n):
        t1 = rng.uniform(30e-6, 120e-6)
        relax = thermal_relaxation_error(t1, rng.uniform(0.5, 1.5) * t1, 60e-9)
        errors.append(("sx", (q,), relax.compose(depolarizing_error(rng.uniform(0, 0.01), 1))))
        errors.append(("x", (q,), amplitude_damping_error(rng.uniform(0, 0.05))))
    for a in range(n - 1):
        errors.append(("cx", (a, a + 1), depolarizing_error(rng.uniform(0, 0.05), 2)))
        relax = thermal_relaxation_error(80e-6, 60e-6, 400e-9)
        errors.append(("cx", (a + 1, a), relax.expand(amplitude_damping_error(0.02))))
    return errors


def _random_circuit(n, seed, depth=12):
    rng = np.random.default_rng(seed)
    qc = QuantumCircuit(n, n)
    for _ in range(depth):
        kind = rng.integers(6)
        a = int(rng.integers(n))
        b = int((a + 1 + rng.integers(n - 1)) % n)
        if kind == 0:
            qc.sx(a)
        elif kind == 1:
            qc.rz(rng.uniform(-np.pi, np.pi), a)
        elif kind == 2:
            qc.x(a)
        elif kind == 3:
            qc.cx(a, b)
        elif kind == 4:
            qc.unitary(random_unitary(4, seed=int(rng.integers(1e6))), [a, b])
        else:
            qc.ecr(a, b)
    qc.barrier()
    return qc


def test_ptms_of_known_gates_and_channels():
    from qiskit.quantum_info import PTM

    u = random_unitary(4, seed=3)
    np.testing.assert_allclose(unitary_ptm(u.data), PTM(u).data, atol=1e-14)
    error = thermal_relaxation_error(50e-6, 40e-6, 300e-9).expand(depolarizing_error(0.02, 1))
    np.testing.assert_allclose(channel_ptm(error), PTM(error.to_quantumchannel()).data,
                               atol=1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_probabilities_equal_aer_density_matrix(seed):
    n = 4
    qc = _random_circuit(n, seed, depth=30)
    clbits = np.random.default_rng(seed).permutation(n)
    measured = [0, 2, 3] if seed == 1 else list(range(n))  # qubit 1 unmeasured once
    for q in measured:
        qc.measure(q, int(clbits[q]))
    errors = _noisy_gates(n, seed)
    readout = {q: np.array([[0.95, 0.05], [0.1 + 0.02 * q, 0.9 - 0.02 * q]]) for q in range(n)}
    sim = PauliTransferSimulator(errors, [((q,), ReadoutError(a)) for q, a in readout.items()])
    ours = sim.probabilities(qc)
    ref = _aer_probabilities(qc, errors, {q: readout[q] for q in measured})
    # ours is over all clbits (unmeasured ones read 0); Aer's over the measured ones in order
    used = sorted(int(clbits[q]) for q in measured)
    marg = ours.reshape((2,) * n)
    marg = marg[tuple(slice(None) if c in used else 0 for c in reversed(range(n)))]
    np.testing.assert_allclose(marg.reshape(-1), ref, atol=1e-12)
    assert ours.sum() == pytest.approx(1.0, abs=1e-12)


def test_device_noise_on_transpiled_quantum_volume_equals_aer():
    """The run quantum volume makes: device errors on the chosen qubits, against Aer with
    the restricted device noise model (itself tested against NoiseModel.from_backend)."""
    from qml.backends import fake_backend
    from qml.volume import device_errors, restricted_noise_model

    device = fake_backend("fake_lima")
    qubits = [3, 1, 0]  # a line on lima, relabelled 0, 1, 2
    qc = quantum_volume(3, 3, seed=11)
    qc.measure_all()
    isa = transpile(qc, basis_gates=["cx", "id", "rz", "sx", "x"],
                    coupling_map=device.coupling_map.reduce(qubits),
                    initial_layout=[0, 1, 2], optimization_level=3, seed_transpiler=1)
    gate_errors, readout_errors = device_errors(device, qubits)
    index = {q: i for i, q in enumerate(qubits)}
    sim = PauliTransferSimulator(
        [(name, [index[q] for q in qs], e) for name, qs, e in gate_errors],
        [([index[q] for q in qs], e) for qs, e in readout_errors])
    readout = {index[qs[0]]: np.asarray(e.probabilities) for qs, e in readout_errors}
    ref = _aer_probabilities(isa, restricted_noise_model(device, qubits), readout)
    np.testing.assert_allclose(sim.probabilities(isa), ref, atol=1e-12)


def test_operations_on_a_pair_are_fused_into_few_blocks():
    """The point of the engine: a level-3 width-5 QV trial on a device has a couple of hundred
    noisy operations but touches the state in about twenty blocks."""
    from qiskit.transpiler import generate_preset_pass_manager

    from circuits.quantum_volume import model_circuits
    from qml.backends import fake_backend
    from qml.volume.devices import device_basis, device_errors, select_qubits

    device = fake_backend("fake_kolkata")
    layout = select_qubits(device.target, 5)
    manager = generate_preset_pass_manager(
        3, basis_gates=device_basis(device.target),
        coupling_map=device.coupling_map.reduce(layout), initial_layout=list(range(5)),
        seed_transpiler=0)
    circuits = model_circuits(5, 5, seed=0)
    for c in circuits:
        c.measure_all()
    index = {q: i for i, q in enumerate(layout)}
    gate_errors, readout_errors = device_errors(device, layout)
    sim = PauliTransferSimulator([(n, [index[q] for q in qs], e) for n, qs, e in gate_errors],
                                 [([index[q] for q in qs], e) for qs, e in readout_errors])
    for c in manager.run(circuits):
        ops = sum(inst.name not in ("barrier", "measure") for inst in c.data)
        blocks = sim._blocks(c)[0]
        assert ops >= 150 and len(blocks) <= 25
        assert all(len(qubits) <= 2 for qubits, _ in blocks)


def test_noiseless_equals_statevector_and_sampling_is_seeded():
    qc = _random_circuit(3, 7, depth=20)
    ideal = Statevector(qc).probabilities()
    qc.measure([0, 1, 2], [0, 1, 2])
    sim = PauliTransferSimulator()
    np.testing.assert_allclose(sim.probabilities(qc), ideal, atol=1e-13)
    a = sim.sample_counts([qc, qc], shots=4000, seed=5)
    assert a.shape == (2, 8) and (a.sum(axis=1) == 4000).all()
    np.testing.assert_array_equal(a, sim.sample_counts([qc, qc], shots=4000, seed=5))
    assert np.abs(a[0] / 4000 - ideal).max() < 0.03


@pytest.mark.parametrize("build, match", [
    (lambda qc: qc.ccx(0, 1, 2), "three|3 qubits"),
    (lambda qc: qc.reset(0), "reset"),
    (lambda qc: (qc.measure(0, 0), qc.x(0)), "after a measurement"),
    (lambda qc: (qc.measure(0, 0), qc.measure(1, 0)), "measured twice"),
])
def test_unsupported_circuits_are_refused(build, match):
    qc = QuantumCircuit(3, 3)
    build(qc)
    with pytest.raises(UnsupportedCircuitError, match=match):
        PauliTransferSimulator().probabilities(qc)


def test_custom_gates_are_not_confused_with_standard_ones():
    """A user gate named like a standard gate, or two different gates of one name."""
    from qiskit.circuit import Gate

    def custom(name, matrix):
        gate = Gate(name, 1, [])
        gate.__array__ = lambda dtype=None, copy=None: np.asarray(matrix, dtype=dtype)
        return gate

    qc = QuantumCircuit(2, 2)
    qc.sx(0)
    qc.append(custom("sx", [[0, 1], [1, 0]]), [0])  # really an X
    qc.append(custom("mine", [[0, 1], [1, 0]]), [1])
    qc.append(custom("mine", np.eye(2)), [1])
    ideal = Statevector(qc).probabilities()
    qc.measure([0, 1], [0, 1])
    np.testing.assert_allclose(PauliTransferSimulator().probabilities(qc), ideal, atol=1e-13)


def test_too_wide_is_refused_before_allocating():
    qc = QuantumCircuit(MAX_QUBITS + 1, 1)
    with pytest.raises(UnsupportedCircuitError, match="GiB"):
        PauliTransferSimulator().probabilities(qc)
