"""Device noise on the engine: exact noisy distributions equal to Aer's density-matrix
simulation (to 1e-8, readout applied by hand), and what the compiler refuses."""

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from circuits import build_classifier
from qml.backends import fake_backend
from qml.backends.device_noise import device_errors
from qml.engine.noisy_circuit import NoisyCircuit
from qml.errors import UnsupportedCircuitError
from tests.helpers import aer_noisy_probabilities


def _transpiled(cc, device):
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    measured = cc.circuit.copy()
    measured.measure_all()
    return transpile(measured, AerSimulator.from_backend(device), optimization_level=1,
                     seed_transpiler=0)


@pytest.mark.parametrize("device_name, n", [("fake_lima", 4), ("fake_kolkata", 6)])
def test_noisy_probabilities_equal_aers_density_matrix(device_name, n):
    device = fake_backend(device_name)
    cc = build_classifier("zz", "real_amplitudes", n_features=n, feature_map_reps=1,
                          ansatz_reps=2)
    circuit = _transpiled(cc, device)
    used = sorted({circuit.find_bit(q).index for i in circuit.data if i.name != "barrier"
                   for q in i.qubits})
    noisy = NoisyCircuit(circuit, cc.inputs, cc.weights, *device_errors(device, used))
    assert noisy.k == n and sorted(noisy.physical) == used
    rng = np.random.default_rng(0)
    X, W = rng.uniform(0, np.pi, (2, n)), rng.uniform(-np.pi, np.pi, (2, len(cc.weights)))
    ours = noisy.probabilities(X, W)
    for p, b in ((0, 0), (1, 1)):  # two circuits: other inputs, other weights
        values = {**dict(zip(cc.inputs, X[b])), **dict(zip(cc.weights, W[p]))}
        aer = aer_noisy_probabilities(circuit, device, values)
        np.testing.assert_allclose(ours[p, b], aer, rtol=0, atol=1e-8)
    from qml.engine.statevector import compile_circuit

    ideal = compile_circuit(cc.circuit, cc.inputs, cc.weights, []).probabilities(X, W)
    assert np.abs(ours - ideal).max() > 1e-3  # the noise is there


def test_the_compiler_refuses_what_it_cannot_simulate():
    x = Parameter("x")
    qc = QuantumCircuit(2, 2)
    qc.ry(x, 0)  # a parametrised gate other than rz
    qc.measure([0, 1], [0, 1])
    with pytest.raises(UnsupportedCircuitError, match="parametrised 'ry'"):
        NoisyCircuit(qc, [x], [])
    qc = QuantumCircuit(2, 2)
    qc.reset(0)
    qc.measure([0, 1], [0, 1])
    with pytest.raises(UnsupportedCircuitError, match="'reset'"):
        NoisyCircuit(qc, [], [])
    qc = QuantumCircuit(2, 2)
    qc.measure(0, 0)
    qc.x(0)
    with pytest.raises(UnsupportedCircuitError, match="after a measurement"):
        NoisyCircuit(qc, [], [])
    qc = QuantumCircuit(2, 2)
    qc.measure(0, 0)
    with pytest.raises(UnsupportedCircuitError, match="measured exactly once"):
        NoisyCircuit(qc, [], [])
    qc = QuantumCircuit(13, 13)
    qc.h(range(13))
    qc.measure(range(13), range(13))
    with pytest.raises(UnsupportedCircuitError, match="13 active qubits"):
        NoisyCircuit(qc, [], [])
