"""Quantum-volume analysis: pure functions against hand computation and qiskit-experiments."""

import numpy as np
import pytest

from circuits.quantum_volume import model_circuits
from qml.volume.analysis import (
    CONFIDENCE,
    HOP_THRESHOLD,
    bootstrap_lower_bound,
    heavy_output_probabilities,
    heavy_outputs,
    hop_confidence,
    hop_statistics,
    trials_needed,
)
from qml.volume.ideal import ideal_probabilities
from qml.volume.results import WidthResult


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
    assert trials_needed(0.5) is None and trials_needed(HOP_THRESHOLD) is None
    # two sigma above the threshold is the 97.725% one-sided confidence of the protocol
    assert hop_confidence(HOP_THRESHOLD + 2 * 0.01, 0.01) == pytest.approx(CONFIDENCE)
    assert hop_confidence(HOP_THRESHOLD, 0.0) == pytest.approx(0.5)


def test_heavy_outputs_are_above_the_median():
    assert heavy_outputs(np.array([[0.4, 0.1, 0.3, 0.2]])).tolist() == [[True, False, True,
                                                                          False]]
    probs = ideal_probabilities(model_circuits(3, 5, seed=0))
    heavy = heavy_outputs(probs)
    assert heavy.shape == (5, 8) and (heavy.sum(axis=1) == 4).all()
    for p, h in zip(probs, heavy):
        assert p[h].min() > np.median(p) >= p[~h].max()
    counts = np.array([[5, 0, 15, 0], [1, 1, 1, 1]])
    mask = np.array([[True, False, True, False], [False, False, False, True]])
    np.testing.assert_allclose(heavy_output_probabilities(counts, mask), [1.0, 0.25])


def test_bootstrap_lower_bound():
    rng = np.random.default_rng(0)
    hops = np.clip(rng.normal(0.75, 0.05, 200), 0, 1)
    lb = bootstrap_lower_bound(hops, shots=None, resamples=4000, seed=2)
    # circuits only: close to the normal-theory bound on the mean of the observed HOPs
    normal = hops.mean() - 2 * hops.std(ddof=1) / np.sqrt(len(hops))
    assert lb == pytest.approx(normal, abs=0.003)
    assert bootstrap_lower_bound(hops, shots=50, seed=2) < lb  # shot noise widens it
    assert bootstrap_lower_bound(hops, shots=50, seed=2) == bootstrap_lower_bound(hops, 50, seed=2)
