"""One runner per backend kind: chosen from the backend string, exact against Aer, and
refusing options the backend would not use."""

import numpy as np
import pytest

from circuits.quantum_volume import model_circuits
from qml.errors import ConfigurationError, FallbackWarning, UnknownBackendError
from qml.volume import measure_quantum_volume
from qml.volume.ideal import ideal_probabilities
from qml.volume.runners import AerRunner, DeviceRunner, HardwareRunner, IdealRunner, make_runner


def test_each_backend_kind_gets_its_runner():
    from qiskit_aer import AerSimulator

    assert isinstance(make_runner("statevector"), IdealRunner)
    assert make_runner("statevector").shots is None
    aer = make_runner("aer", seed=0)
    assert isinstance(aer, AerRunner) and aer.shots == 1024 and not aer.transpile
    custom = make_runner(AerSimulator(), shots=10)
    assert isinstance(custom, AerRunner) and custom.transpile and custom.shots == 10
    device = make_runner("aer:fake_lima", shots=5, qubits=[0, 1], method="aer")
    assert isinstance(device, DeviceRunner) and device.max_width == 5
    assert device.name == "aer:fake_lima" and device.method == "aer"
    runtime = make_runner("fake:fake_lima")
    assert isinstance(runtime, HardwareRunner) and runtime.max_width == 5
    with pytest.raises(UnknownBackendError, match="valid backends"):
        make_runner("quantum_computer")


@pytest.mark.parametrize("backend, kwargs, match", [
    ("statevector", {"shots": 1024}, "exact HOPs without shots"),
    ("aer", {"qubits": [0, 1]}, "physical qubits on a device"),
    ("statevector", {"method": "aer"}, "method='aer'"),
    ("aer:fake_lima", {"method": "exact"}, "valid: auto, aer"),
    ("aer", {"optimization_level": 1}, "without transpiling"),
    ("aer:fake_lima", {"optimization_level": 4}, "0, 1, 2 or 3"),
])
def test_options_a_backend_would_not_use_are_refused(backend, kwargs, match):
    with pytest.raises(ConfigurationError, match=match):
        make_runner(backend, **kwargs)


def test_ideal_runner_returns_the_ideal_distributions():
    circuits = model_circuits(2, 3, seed=0)
    ideal = ideal_probabilities(circuits)
    run = IdealRunner().run(circuits, ideal, 2)
    assert run.counts is ideal and run.physical_qubits is None


def test_trials_that_leave_a_qubit_idle_are_scored_on_all_qubits():
    """Width 3, seed 0: trials 0, 4, 20, ... never touch one qubit. qiskit-experiments then
    measures two qubits and scores those trials 0; here every qubit is measured."""
    idle = [i for i, c in enumerate(model_circuits(3, 100, seed=0))
            if len({q for inst in c.data for q in inst.qubits}) < 3]
    assert idle[:2] == [0, 4]
    exact = measure_quantum_volume("statevector", [3], trials=100, seed=0).widths[0]
    sampled = measure_quantum_volume("aer", [3], trials=100, shots=2000, seed=0).widths[0]
    for i in idle:
        assert exact.hops[i] > 0.5 and abs(sampled.hops[i] - exact.hops[i]) < 0.05


def test_explicit_qubits_are_used():
    res = measure_quantum_volume("aer:fake_kolkata", [2], trials=3, shots=10, seed=0,
                                 qubits=[12, 13])
    assert res.widths[0].physical_qubits == [12, 13]


def test_exact_noisy_simulation_agrees_with_aer_trial_by_trial():
    """method="auto" (qml.engine.pauli_transfer, then shots) and method="aer" sample the same exact
    distributions: per-trial HOPs differ only by shot noise."""
    kw = dict(trials=30, shots=4000, seed=2)
    auto = measure_quantum_volume("aer:fake_lima", [3], method="auto", **kw).widths[0]
    aer = measure_quantum_volume("aer:fake_lima", [3], method="aer", **kw).widths[0]
    assert auto.physical_qubits == aer.physical_qubits
    diff = np.subtract(auto.hops, aer.hops)
    # each HOP has shot noise sd <= 0.5 / sqrt(4000) = 0.008; the difference sqrt(2) more
    assert np.abs(diff).max() < 5 * 0.008 * np.sqrt(2)
    assert abs(diff.mean()) < 3 * 0.008 * np.sqrt(2) / np.sqrt(30)
    assert 0.6 < auto.mean_hop < 0.85  # noisy: below the ideal ~0.85


@pytest.mark.parametrize("device", ["fake_sherbrooke", "fake_torino"])
def test_devices_with_ecr_or_cz_and_control_flow_in_their_target(device):
    """127/133-qubit devices whose targets list control flow; ECR and CZ two-qubit gates."""
    kw = dict(trials=5, shots=4000, seed=1)
    auto = measure_quantum_volume(f"aer:{device}", [2], **kw).widths[0]
    aer = measure_quantum_volume(f"aer:{device}", [2], method="aer", **kw).widths[0]
    assert auto.physical_qubits == aer.physical_qubits
    assert np.abs(np.subtract(auto.hops, aer.hops)).max() < 5 * 0.008 * np.sqrt(2)


def test_falls_back_to_aer_beyond_the_exact_engine_and_says_so(monkeypatch, caplog):
    import qml.engine.pauli_transfer

    monkeypatch.setattr(qml.engine.pauli_transfer, "MAX_QUBITS", 2)
    with caplog.at_level("INFO", logger="qml.volume.runners"):
        with pytest.warns(FallbackWarning, match="using Aer"):
            res = measure_quantum_volume("aer:fake_lima", [2, 3], trials=4, shots=50, seed=0)
    assert [len(w.hops) for w in res.widths] == [4, 4]
    assert any("width 3: qml.engine.pauli_transfer cannot run" in r.message for r in caplog.records)
