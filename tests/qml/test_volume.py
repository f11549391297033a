"""Quantum volume: analysis against qiskit-experiments, simulations, results, errors."""

import json

import numpy as np
import pytest

from qml.errors import CircuitTooWideError, ConfigurationError, UnknownBackendError
from qml.volume import (
    CONFIDENCE,
    QuantumVolumeResult,
    WidthResult,
    heavy_output_probabilities,
    hop_statistics,
    measure_quantum_volume,
    select_qubits,
    trials_needed,
)


def _qiskit_experiments_analysis(circuits, counts):
    """Their QuantumVolumeAnalysis on given circuits (with metadata) and counts."""
    from qiskit_experiments.framework import ExperimentData
    from qiskit_experiments.library.quantum_volume import QuantumVolumeAnalysis

    data = ExperimentData()
    width = circuits[0].num_qubits
    data.add_data([{"counts": {format(k, f"0{width}b"): int(v) for k, v in enumerate(row) if v},
                    "metadata": c.metadata, "shots": int(row.sum())}
                   for c, row in zip(circuits, counts)])
    analysis = QuantumVolumeAnalysis()
    analysis.set_options(plot=False)
    analysis.run(data).block_for_results()
    table = data.analysis_results(dataframe=True)
    hop = table[table.name == "mean_HOP"].iloc[0]
    qv = table[table.name == "quantum_volume"].iloc[0]
    return hop, qv


@pytest.mark.parametrize("mix", [0.0, 0.8])
def test_analysis_equals_qiskit_experiments(mix):
    from qiskit_experiments.library import QuantumVolume

    from circuits.quantum_volume import heavy_outputs, ideal_probabilities, model_circuits

    width, trials = 3, 100
    theirs = QuantumVolume(range(width), trials=trials, seed=5).circuits()
    ideal = ideal_probabilities(model_circuits(width, trials, seed=5))
    # counts from the ideal distribution mixed with white noise: a pass, then a fail
    rng = np.random.default_rng(0)
    noisy = (1 - mix) * ideal + mix / 2**width
    counts = np.array([rng.multinomial(500, p) for p in noisy])
    hop, qv = _qiskit_experiments_analysis(theirs, counts)
    ours = WidthResult.from_hops(width, heavy_output_probabilities(counts, heavy_outputs(ideal)),
                                 shots=500)
    np.testing.assert_allclose(ours.hops, hop["HOPs"], atol=1e-15)
    assert ours.mean_hop == pytest.approx(hop.value.nominal_value, abs=1e-15)
    assert ours.sigma == pytest.approx(hop.value.std_dev, abs=1e-15)
    assert 2 * ours.sigma == pytest.approx(hop["two_sigma"], abs=1e-15)
    assert ours.passed == bool(qv["success"])
    assert ours.confidence == pytest.approx(qv["confidence"], abs=1e-12)
    assert ours.passed == (mix == 0.0)


def test_statistics_by_hand():
    mean, sigma, lower = hop_statistics([0.7, 0.9])
    assert mean == pytest.approx(0.8)
    assert sigma == pytest.approx(np.sqrt(0.8 * 0.2 / 2))
    assert lower == pytest.approx(0.8 - 2 * sigma)
    assert CONFIDENCE == pytest.approx(0.97725, abs=1e-5)
    n = trials_needed(0.72)
    assert 0.72 - 2 * np.sqrt(0.72 * 0.28 / n) > 2 / 3
    assert 0.72 - 2 * np.sqrt(0.72 * 0.28 / (n - 1)) <= 2 / 3
    assert trials_needed(0.5) is None
    few = WidthResult.from_hops(2, [0.9] * 20, shots=10)
    assert not few.passed and not few.certified and "no verdict" in few.verdict


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


def test_same_seed_same_everything_and_json_round_trip(tmp_path):
    a = measure_quantum_volume("aer:fake_lima", [2, 3], trials=12, shots=100, seed=4)
    b = measure_quantum_volume("aer:fake_lima", [2, 3], trials=12, shots=100, seed=4)
    assert [w.hops for w in a.widths] == [w.hops for w in b.widths]
    assert a.widths[0].physical_qubits == b.widths[0].physical_qubits
    again = QuantumVolumeResult.load(a.save(tmp_path / "qv.json"))
    assert again.to_dict() == a.to_dict()
    doc = json.loads((tmp_path / "qv.json").read_text())
    assert {"quantum_volume", "backend", "seed"} <= set(doc)
    assert {"width", "trials", "mean_hop", "sigma", "lower_bound", "passed", "hops"} <= set(
        doc["widths"][0])
    assert not a.widths[0].certified  # 12 trials cannot certify


def test_statevector_backend_gives_exact_hops():
    res = measure_quantum_volume("statevector", [2, 4], trials=100, seed=0)
    assert res.shots is None and res.quantum_volume == 16


def test_early_stop():
    from qiskit_aer import AerSimulator

    res = measure_quantum_volume(AerSimulator(noise_model=_depolarizing()), [2, 3, 4], trials=100,
                                 shots=50, seed=1, early_stop=True)
    assert [w.width for w in res.widths] == [2]


def test_qubit_selection_is_connected_and_explicit_lists_are_used():
    from qml.backends import fake_backend

    target = fake_backend("fake_kolkata").target
    chosen = select_qubits(target, 5)
    edges = {tuple(sorted(q)) for q in target["cx"]}
    assert len(set(chosen)) == 5
    # connected: every chosen qubit after the first touches an earlier one
    assert all(any(tuple(sorted((q, p))) in edges for p in chosen[:i])
               for i, q in enumerate(chosen) if i)
    res = measure_quantum_volume("aer:fake_kolkata", [2], trials=3, shots=10, seed=0,
                                 qubits=[12, 13])
    assert res.widths[0].physical_qubits == [12, 13]


def test_bad_input():
    with pytest.raises(ConfigurationError, match=">= 2"):
        measure_quantum_volume("aer", [1], trials=5)
    with pytest.raises(ConfigurationError, match="shots"):
        measure_quantum_volume("aer", [2], trials=5, shots=0)
    with pytest.raises(ConfigurationError, match="trials"):
        measure_quantum_volume("aer", [2], trials=0)
    with pytest.raises(CircuitTooWideError, match="5 qubits"):
        measure_quantum_volume("aer:fake_lima", [6], trials=5)
    with pytest.raises(UnknownBackendError, match="statevector"):
        measure_quantum_volume("quantum_computer", [2], trials=5)
    with pytest.raises(ConfigurationError, match="valid: auto, aer"):
        measure_quantum_volume("aer:fake_lima", [2], trials=5, method="exact")


def test_trials_that_leave_a_qubit_idle_are_scored_on_all_qubits():
    """Width 3, seed 0: trials 0, 4, 20, ... never touch one qubit. qiskit-experiments then
    measures two qubits and scores those trials 0; here every qubit is measured."""
    from circuits.quantum_volume import model_circuits

    idle = [i for i, c in enumerate(model_circuits(3, 100, seed=0))
            if len({q for inst in c.data for q in inst.qubits}) < 3]
    assert idle[:2] == [0, 4]
    exact = measure_quantum_volume("statevector", [3], trials=100, seed=0).widths[0]
    sampled = measure_quantum_volume("aer", [3], trials=100, shots=2000, seed=0).widths[0]
    for i in idle:
        assert exact.hops[i] > 0.5 and abs(sampled.hops[i] - exact.hops[i]) < 0.05


def test_too_wide_for_memory_is_refused_before_allocating(monkeypatch):
    import qml.exact
    from qml.errors import StateTooLargeError

    monkeypatch.setattr(qml.exact, "_available_memory", lambda: 2**20)  # 1 MiB free
    with pytest.raises(StateTooLargeError, match="ideal distribution.*smaller widths"):
        measure_quantum_volume("statevector", [3, 16], trials=100, seed=0)


def test_exact_noisy_simulation_agrees_with_aer_trial_by_trial():
    """method="auto" (qml.density, then shots) and method="aer" sample the same exact
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


def test_falls_back_to_aer_beyond_the_exact_engine(monkeypatch):
    import qml.density
    from qml.errors import FallbackWarning

    monkeypatch.setattr(qml.density, "MAX_QUBITS", 2)
    with pytest.warns(FallbackWarning, match="using Aer"):
        res = measure_quantum_volume("aer:fake_lima", [2, 3], trials=4, shots=50, seed=0)
    assert [len(w.hops) for w in res.widths] == [4, 4]


def test_restricted_noise_model_is_the_device_model_on_those_qubits():
    from qiskit_aer.noise import NoiseModel

    from qml.backends import fake_backend
    from qml.volume import restricted_noise_model

    device = fake_backend("fake_lima")
    qubits = [3, 1]  # physical 3 -> 0, physical 1 -> 1
    full = NoiseModel.from_backend(device).to_dict()["errors"]
    small = restricted_noise_model(device, qubits).to_dict()["errors"]

    def table(errors, relabel):
        out = {}
        for e in errors:
            for qs in e["gate_qubits"]:
                mapped = tuple(relabel.get(q) for q in qs)
                if None not in mapped:
                    out[(tuple(e["operations"]), mapped)] = (str(e.get("instructions")),
                                                            str(e["probabilities"]))
        return out

    expected = table(full, {3: 0, 1: 1})
    got = table(small, {0: 0, 1: 1})
    assert got == expected and len(got) >= 4  # sx, x, cx both ways, readout...


def test_device_errors_on_some_qubits_are_those_of_the_whole_device():
    from qml.backends import fake_backend
    from qml.volume import device_errors

    device = fake_backend("fake_kolkata")
    qubits = {21, 23, 24}
    gates, readout = device_errors(device)
    some_gates, some_readout = device_errors(device, sorted(qubits))
    expected = [(n, list(qs), e) for n, qs, e in gates if set(qs) <= qubits]
    assert [(n, list(qs)) for n, qs, _ in some_gates] == [(n, qs) for n, qs, _ in expected]
    assert all(a == b for (_, _, a), (_, _, b) in zip(some_gates, expected, strict=True))
    assert [qs for qs, _ in some_readout] == [[21], [23], [24]]
    assert [e for qs, e in readout if qs[0] in qubits] == [e for _, e in some_readout]
    assert {n for n, qs, _ in some_gates if len(qs) == 2} == {"cx"}


def test_bootstrap_lower_bound():
    from qml.volume import bootstrap_lower_bound

    rng = np.random.default_rng(0)
    hops = np.clip(rng.normal(0.75, 0.05, 200), 0, 1)
    lb = bootstrap_lower_bound(hops, shots=None, resamples=4000, seed=2)
    # circuits only: close to the normal-theory bound on the mean of the observed HOPs
    normal = hops.mean() - 2 * hops.std(ddof=1) / np.sqrt(len(hops))
    assert lb == pytest.approx(normal, abs=0.003)
    assert bootstrap_lower_bound(hops, shots=50, seed=2) < lb  # shot noise widens it
    assert bootstrap_lower_bound(hops, shots=50, seed=2) == bootstrap_lower_bound(hops, 50, seed=2)
    res = measure_quantum_volume("statevector", [3], trials=100, seed=0, bootstrap=True)
    w = res.widths[0]
    assert w.bootstrap_lower_bound is not None and w.bootstrap_lower_bound < w.mean_hop
    assert QuantumVolumeResult.from_json(res.to_json()).widths[0].bootstrap_lower_bound == \
        w.bootstrap_lower_bound
