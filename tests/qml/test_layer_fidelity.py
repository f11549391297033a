"""Layer fidelity and EPLG through qiskit-experiments' LayerFidelity: against the value a known
noise model implies, on a fake device, the chain, the result file, the CLI, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qml.backends import fake_backend
from qml.errors import CircuitTooWideError, ConfigurationError, ResultFileError
from qml.layer_fidelity import (
    LayerFidelityResult,
    chain_layers,
    measure_layer_fidelity,
    select_chain,
)

P = 0.02  # two-qubit depolarizing probability of the known noise model


@pytest.fixture(scope="module")
def depolarizing_line():
    """A 4-qubit line whose only error is a two-qubit depolarizing channel of probability P
    after every CX: each link's process fidelity is 1 - 15 P / 16 (the channel keeps the
    state with probability 1 - P + P/16), so EPLG = 15 P / 16 exactly."""
    from qiskit.transpiler import CouplingMap
    from qiskit_aer import AerSimulator
    from qiskit_aer.noise import NoiseModel, depolarizing_error

    noise = NoiseModel(basis_gates=["cx", "rz", "sx", "x"])
    noise.add_all_qubit_quantum_error(depolarizing_error(P, 2), ["cx"])
    simulator = AerSimulator(noise_model=noise, coupling_map=CouplingMap.from_line(4))
    return measure_layer_fidelity(simulator, qubits=[0, 1, 2, 3], lengths=[2, 8, 16, 32, 60],
                                  num_samples=4, shots=500, seed=1)


def test_eplg_of_a_known_noise_model_is_the_value_its_gate_error_implies(depolarizing_line):
    res = depolarizing_line
    assert res.eplg == pytest.approx(15 * P / 16, rel=0.05)
    assert res.layer_fidelity == pytest.approx((1 - 15 * P / 16) ** 3, rel=0.01)
    assert [p["qubits"] for p in res.pairs] == [[0, 1], [1, 2], [2, 3]]
    for pair in res.pairs:
        assert pair["process_fidelity"] == pytest.approx(1 - 15 * P / 16, abs=0.004)
    assert res.layers == [[[0, 1], [2, 3]], [[1, 2]]] and res.expected_eplg is None


def test_the_same_seed_gives_the_same_measurement(depolarizing_line):
    from qiskit.transpiler import CouplingMap
    from qiskit_aer import AerSimulator
    from qiskit_aer.noise import NoiseModel, depolarizing_error

    noise = NoiseModel(basis_gates=["cx", "rz", "sx", "x"])
    noise.add_all_qubit_quantum_error(depolarizing_error(P, 2), ["cx"])
    again = measure_layer_fidelity(
        AerSimulator(noise_model=noise, coupling_map=CouplingMap.from_line(4)),
        qubits=[0, 1, 2, 3], lengths=[2, 8, 16, 32, 60], num_samples=4, shots=500, seed=1)
    assert again.eplg == depolarizing_line.eplg and again.pairs == depolarizing_line.pairs


def test_the_same_seed_gives_the_same_measurement_on_a_fake_device():
    """The device's noise model through Aer: qiskit-experiments' own sampler dropped the seed
    there (0.2 gave another EPLG on every run); the seeded sampler keeps it."""
    runs = [measure_layer_fidelity("aer:fake_lima", n_qubits=3, lengths=[2, 4, 8],
                                   num_samples=2, shots=128, seed=4) for _ in range(2)]
    first, second = ({k: v for k, v in r.to_dict().items() if k != "seconds"} for r in runs)
    assert first == second


def test_a_fake_device_measures_above_what_its_two_qubit_errors_alone_imply():
    target = fake_backend("fake_lima").target
    res = measure_layer_fidelity("aer:fake_lima", n_qubits=4, lengths=[2, 8, 16, 32, 64],
                                 num_samples=6, shots=512, seed=2)
    assert len(res.chain) == 4 and len(res.pairs) == 3
    errors = [min(target[g][q].error for g in ("cx",) for q in ((a, b), (b, a))
                  if q in target[g]) for a, b in zip(res.chain[:-1], res.chain[1:])]
    by_hand = 1 - np.prod([1 - 1.25 * e for e in errors]) ** (1 / 3)
    assert res.expected_eplg == pytest.approx(by_hand, rel=1e-12)
    margin = 2 * (res.eplg_stderr or 0.005)  # None: an idle qubit's fit gave no error bar
    assert res.eplg > by_hand - margin  # single-qubit and idle errors only add
    assert res.eplg < 5 * by_hand


def test_chains_are_paths_of_linked_qubits():
    target = fake_backend("fake_kolkata").target
    chain = select_chain(target, 8)
    assert len(set(chain)) == 8
    for a, b in zip(chain[:-1], chain[1:]):
        assert (a, b) in target["cx"] or (b, a) in target["cx"]
    assert chain_layers([5, 6, 7]) == [[(5, 6)], [(6, 7)]]
    with pytest.raises(CircuitTooWideError, match="no chain of 5"):
        select_chain(fake_backend("fake_lima").target, 5)  # a T of 5 qubits


def test_result_round_trip_and_bad_files(tmp_path, depolarizing_line):
    path = depolarizing_line.save(tmp_path / "eplg.json")
    assert LayerFidelityResult.load(path) == depolarizing_line
    doc = json.loads(path.read_text())
    doc["eplg_stderr"] = -1
    path.write_text(json.dumps(doc))
    with pytest.raises(ResultFileError, match="eplg_stderr"):
        LayerFidelityResult.load(path)


@pytest.mark.parametrize("kwargs, message", [
    (dict(backend="statevector"), "aer:<fake device>"),
    (dict(backend="fake:fake_lima", n_qubits=6), "fake:fake_lima has 5"),
    (dict(backend="aer:fake_lima", n_qubits=6), "exceeds the device's 5"),
    (dict(backend="aer:fake_lima", qubits=[0, 4]), "not linked"),
    (dict(backend="aer:fake_lima", qubits=[0, 1], n_qubits=2), "not both"),
    (dict(backend="aer:fake_lima", n_qubits=3, lengths=[2, 4]), "must hold 3 to 100 different"),
    (dict(backend="aer:fake_lima", n_qubits=3, lengths=[2, 4, 10**8]), "from 1 to 5000"),
    (dict(backend="aer:fake_lima", n_qubits=3, shots=0), "shots must be a positive"),
])
def test_bad_input_is_refused_before_any_run(kwargs, message):
    backend = kwargs.pop("backend")
    with pytest.raises((ConfigurationError, CircuitTooWideError), match=message):
        measure_layer_fidelity(backend, **kwargs)


def test_cli_writes_json_table_and_plot(tmp_path, capsys):
    from qml.cli import main

    code = main(["eplg", "measure", "--backend", "aer:fake_lima", "--chain-length", "3",
                 "--lengths", "2,8,24", "--samples", "2", "--shots", "128", "--out",
                 str(tmp_path)])
    assert code == 0
    res = LayerFidelityResult.load(tmp_path / "eplg.json")
    text = capsys.readouterr().out
    assert f"EPLG {res.eplg:.4f}" in text and "reported two-qubit errors alone" in text
    assert (tmp_path / "eplg.png").stat().st_size > 1000
    assert main(["eplg", "measure", "--backend", "aer", "--out", str(tmp_path / "x")]) == 1


def test_fake_backend_runs_through_the_ledger_and_a_rerun_submits_nothing():
    """fake: (and ibm:) run the experiment's circuits as one sampler job recorded in the
    ledger, and qiskit-experiments analyses the counts; the per-link fidelities agree with the
    aer: path (the same noise model, simulated directly)."""
    from qml.hardware.ledger import Ledger

    settings = dict(n_qubits=3, lengths=[2, 8, 16, 32], num_samples=4, shots=256, seed=3)
    ledger = measure_layer_fidelity("fake:fake_lima", **settings)
    direct = measure_layer_fidelity("aer:fake_lima", **settings)
    assert ledger.backend == "fake:fake_lima" and ledger.chain == direct.chain
    for a, b in zip(ledger.pairs, direct.pairs):
        assert a["qubits"] == b["qubits"]
        sigma = np.hypot(a["stderr"] or 0.01, b["stderr"] or 0.01)  # independent samples
        assert abs(a["process_fidelity"] - b["process_fidelity"]) < 3 * sigma, (a, b)
    rows = Ledger().list()
    assert [(r.kind, r.status) for r in rows] == [("layer_fidelity", "done")]
    again = measure_layer_fidelity("fake:fake_lima", **settings)
    assert again.eplg == ledger.eplg and len(Ledger().list()) == 1  # read back, not rerun


def test_ibm_backend_without_credentials_fails_before_any_work(monkeypatch, tmp_path):
    from qml.errors import CredentialsError
    from qml.hardware.ledger import Ledger

    monkeypatch.delenv("QISKIT_IBM_TOKEN", raising=False)
    monkeypatch.setenv("QISKIT_IBM_CONFIG_DIR", str(tmp_path))  # no saved account either
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(CredentialsError, match="credentials"):
        measure_layer_fidelity("ibm:ibm_torino", n_qubits=4)
    assert Ledger().list() == []


def test_aer_fake_devices_run_on_the_engine_with_aers_probabilities(caplog):
    """aer:<fake> sequences run on the engine: each circuit's exact noisy distribution equals
    Aer's density-matrix simulation under the device's noise model (1e-8), and a log line
    says the engine ran (the fake: test above holds the engine's fits to Aer's sampler)."""
    import logging

    from qiskit import transpile
    from qiskit_experiments.library.randomized_benchmarking import LayerFidelity

    from qml.backends.device_noise import noisy_circuit
    from qml.layer_fidelity import _measured_bits_only
    from tests.helpers import aer_noisy_probabilities

    device = fake_backend("fake_lima")
    chain = select_chain(device.target, 3)
    experiment = LayerFidelity(physical_qubits=chain, two_qubit_layers=chain_layers(chain),
                               lengths=[2, 8], backend=device, num_samples=1, seed=5)
    circuits = experiment.circuits()  # on qubits 0 .. the chain's highest
    circuits = transpile(circuits, device, optimization_level=0,
                         initial_layout=list(range(circuits[0].num_qubits)), seed_transpiler=5)
    for circuit in circuits[::2]:
        measured, bits = _measured_bits_only(circuit)
        assert bits == [0, 1, 2] and measured.num_clbits == 3
        ours = noisy_circuit(measured, device, []).probabilities()[0, 0]
        np.testing.assert_allclose(ours, aer_noisy_probabilities(measured, device, {}),
                                   rtol=0, atol=1e-8)
    with caplog.at_level(logging.INFO, logger="qml.layer_fidelity"):
        measure_layer_fidelity("aer:fake_lima", n_qubits=3, lengths=[2, 4, 8], num_samples=2,
                               shots=128, seed=4)
    assert "the engine's exact noisy distributions" in caplog.text


def test_a_chain_on_high_qubits_counts_only_its_measured_bits(caplog):
    """Sequences on a device's high qubits span every qubit below them, with a classical bit
    each, but measure only the chain's: the engine simulates those and the counts keep the
    experiment's bit positions (qiskit-experiments marginalises them as on hardware)."""
    import logging

    target = fake_backend("fake_kolkata").target
    a, b = max((p for p in target["cx"] if p[0] < p[1]), key=min)  # the highest link
    with caplog.at_level(logging.INFO, logger="qml.layer_fidelity"):
        res = measure_layer_fidelity("aer:fake_kolkata", qubits=[a, b], lengths=[2, 8, 32],
                                     num_samples=2, shots=256, seed=1)
    assert "the engine's exact noisy distributions" in caplog.text
    assert min(a, b) > 20 and 0.8 < res.pairs[0]["process_fidelity"] <= 1.0
