import numpy as np
import pytest
from qiskit.quantum_info import Statevector

from circuits.quantum_volume import heavy_outputs, ideal_probabilities, model_circuits


def test_same_circuits_as_qiskit_experiments():
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


def test_seed_reproducibility_and_distinct_trials():
    a, b = model_circuits(4, 3, seed=2), model_circuits(4, 3, seed=2)
    assert all(x == y for x, y in zip(a, b))
    assert a[0] != a[1]
    assert model_circuits(4, 1, seed=3)[0] != a[0]


def test_heavy_outputs_are_above_the_median():
    probs = ideal_probabilities(model_circuits(3, 5, seed=0))
    heavy = heavy_outputs(probs)
    assert heavy.shape == (5, 8) and (heavy.sum(axis=1) == 4).all()
    for p, h in zip(probs, heavy):
        assert p[h].min() > np.median(p) >= p[~h].max()


@pytest.mark.parametrize("width", [2, 5])
def test_ideal_hop_near_the_asymptote(width):
    probs = ideal_probabilities(model_circuits(width, 50, seed=1))
    hop = (probs * heavy_outputs(probs)).sum(axis=1).mean()
    assert 0.75 < hop < 0.92  # (1 + ln 2) / 2 = 0.847 as width grows
