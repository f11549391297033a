"""The quantum-volume sweep end to end: verdicts, seeds, early stop, bad input, memory."""

import numpy as np
import pytest

from qml.errors import CircuitTooWideError, ConfigurationError, StateTooLargeError
from qml.volume import measure_quantum_volume


def test_noiseless_width_5_passes_near_the_asymptote():
    res = measure_quantum_volume("aer", [5], trials=100, shots=400, seed=3)
    w = res.widths[0]
    assert 0.8 < w.mean_hop < 0.9 and w.passed and res.quantum_volume == 32


def _depolarizing():
    """Every gate, and every qubit before readout, fully depolarized: uniform outputs, HOP 1/2.
    (The readout part matters: a QV circuit may leave a qubit without any gate.)"""
    from qiskit_aer.noise import NoiseModel, ReadoutError, depolarizing_error

    noise = NoiseModel(basis_gates=["cx", "u"])
    noise.add_all_qubit_quantum_error(depolarizing_error(1.0, 2), ["cx"])
    noise.add_all_qubit_quantum_error(depolarizing_error(1.0, 1), ["u"])
    noise.add_all_qubit_readout_error(ReadoutError([[0.5, 0.5], [0.5, 0.5]]))
    return noise


def test_fully_depolarizing_noise_fails():
    from qiskit_aer import AerSimulator

    res = measure_quantum_volume(AerSimulator(noise_model=_depolarizing()), [3], trials=100,
                                 shots=200, seed=1)
    w = res.widths[0]
    assert abs(w.mean_hop - 0.5) < 0.03 and not w.passed and res.quantum_volume == 1


def test_same_seed_same_everything():
    a = measure_quantum_volume("aer:fake_lima", [2, 3], trials=12, shots=100, seed=4)
    b = measure_quantum_volume("aer:fake_lima", [2, 3], trials=12, shots=100, seed=4)
    assert [w.hops for w in a.widths] == [w.hops for w in b.widths]
    assert a.widths[0].physical_qubits == b.widths[0].physical_qubits
    assert not a.widths[0].certified  # 12 trials cannot certify
    c = measure_quantum_volume("aer:fake_lima", [2, 3], trials=12, shots=100, seed=5)
    assert [w.hops for w in a.widths] != [w.hops for w in c.widths]


def test_statevector_backend_gives_exact_hops():
    res = measure_quantum_volume("statevector", [2, 4], trials=100, seed=0)
    assert res.shots is None and res.quantum_volume == 16
    assert all(w.shots is None for w in res.widths)


def test_early_stop_and_progress():
    from qiskit_aer import AerSimulator

    seen = []
    res = measure_quantum_volume(AerSimulator(noise_model=_depolarizing()), [2, 3, 4],
                                 trials=100, shots=50, seed=1, early_stop=True,
                                 progress=lambda w: seen.append(w.width))
    assert [w.width for w in res.widths] == [2] and seen == [2]


def test_bootstrap_bound_is_reported():
    res = measure_quantum_volume("statevector", [3], trials=100, seed=0, bootstrap=True)
    w = res.widths[0]
    assert w.bootstrap_lower_bound is not None and w.bootstrap_lower_bound < w.mean_hop
    assert measure_quantum_volume("statevector", [3], trials=100,
                                  seed=0).widths[0].bootstrap_lower_bound is None


def test_bad_input():
    with pytest.raises(ConfigurationError, match=">= 2"):
        measure_quantum_volume("aer", [1], trials=5)
    with pytest.raises(ConfigurationError, match="at least one width"):
        measure_quantum_volume("aer", [], trials=5)
    with pytest.raises(ConfigurationError, match="shots"):
        measure_quantum_volume("aer", [2], trials=5, shots=0)
    with pytest.raises(ConfigurationError, match="trials"):
        measure_quantum_volume("aer", [2], trials=0)
    with pytest.raises(CircuitTooWideError, match="5 qubits of aer:fake_lima"):
        measure_quantum_volume("aer:fake_lima", [6], trials=5)
    with pytest.raises(ConfigurationError, match="width 3 needs 3 qubits; 2 were given"):
        measure_quantum_volume("aer:fake_kolkata", [2, 3], trials=5, qubits=[0, 1])


def test_too_wide_for_memory_is_refused_before_allocating(monkeypatch):
    import qml.engine.memory

    monkeypatch.setattr(qml.engine.memory, "available_memory", lambda: 2**20)  # 1 MiB free
    with pytest.raises(StateTooLargeError, match="ideal distribution.*smaller widths"):
        measure_quantum_volume("statevector", [3, 16], trials=100, seed=0)


def test_progress_is_logged(caplog):
    with caplog.at_level("INFO", logger="qml.volume"):
        measure_quantum_volume("statevector", [2], trials=5, seed=0)
    text = caplog.text
    assert "quantum volume on statevector" in text and "width 2: mean HOP" in text
    assert np.isfinite(float(text.split("mean HOP ")[1].split()[0]))
