"""Ideal output distributions: qiskit-experiments' (Aer) and qiskit's Statevector agree."""

import numpy as np
import pytest
from qiskit.quantum_info import Statevector

from circuits.quantum_volume import model_circuits
from qml.volume.analysis import IDEAL_HOP_LIMIT, heavy_outputs
from qml.volume.ideal import ideal_probabilities


def test_same_distributions_as_qiskit_experiments():
    from qiskit_experiments.library import QuantumVolume

    theirs = QuantumVolume(range(3), trials=4, seed=11).circuits()
    ours = model_circuits(3, 4, seed=11)
    for a, b in zip(ideal_probabilities(ours), theirs, strict=True):  # theirs: an Aer run
        np.testing.assert_allclose(a, b.metadata["ideal_probabilities"], atol=1e-12)


def test_ideal_probabilities_equal_statevector():
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import QFTGate

    other = QuantumCircuit(4)
    other.h(0), other.ccx(0, 2, 3), other.append(QFTGate(3), [3, 1, 0]), other.rzz(0.3, 1, 2)
    fallback = other.copy()
    fallback.barrier()  # not a gate: the whole circuit goes through Statevector
    for c in [*model_circuits(5, 3, seed=4), other, fallback]:
        np.testing.assert_allclose(ideal_probabilities([c])[0], Statevector(c).probabilities(),
                                   atol=1e-12)


@pytest.mark.parametrize("width", [2, 5])
def test_ideal_hop_near_the_asymptote(width):
    probs = ideal_probabilities(model_circuits(width, 50, seed=1))
    hop = (probs * heavy_outputs(probs)).sum(axis=1).mean()
    assert 0.75 < hop < 0.92 and IDEAL_HOP_LIMIT == pytest.approx(0.8466, abs=1e-4)
