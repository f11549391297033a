"""Readout mitigation with M3: hand-computed inverses, calibration matrices against mthree's
own calibration of the same device, corrected expectations equal to mthree's correction of
the same counts, the calibration reused from the ledger, and the error paths."""

import mthree
import numpy as np
import pytest
from qiskit_aer import AerSimulator
from sklearn.metrics import log_loss

import qml.hardware.runtime as runtime
from qml import VQC
from qml.backends import fake_backend
from qml.datasets import load_dataset
from qml.errors import ConfigurationError
from qml.hardware.ledger import Ledger
from qml.hardware.mitigation import (
    ReadoutMitigator,
    calibration_circuits,
    check_mitigation,
    measured_qubits,
    single_qubit_matrices,
)

REAL_SAMPLER = runtime._make_sampler


@pytest.fixture(scope="module")
def trained():
    ds = load_dataset("breast_cancer", n_features=4, seed=0)
    clf = VQC(seed=0, optimizer="lbfgs", maxiter=60).fit(ds.X_train, ds.y_train)
    return clf, ds.X_test[:60], ds.y_test[:60]


def test_two_qubit_correction_is_the_tensored_inverse_by_hand():
    a0 = np.array([[0.95, 0.08], [0.05, 0.92]])
    a1 = np.array([[0.90, 0.10], [0.10, 0.90]])
    counts = {"00": 500, "01": 200, "10": 100, "11": 200}  # bit 0 last
    quasi = ReadoutMitigator([a0, a1]).quasi(counts, [0, 1])
    measured = np.array([counts[k] for k in ("00", "01", "10", "11")]) / 1000
    by_hand = np.linalg.solve(np.kron(a1, a0), measured)  # qubit 1 is the left bit
    assert np.allclose([quasi[k] for k in ("00", "01", "10", "11")], by_hand, atol=1e-6)


def test_calibration_circuits_and_matrices_by_hand():
    zeros, ones = calibration_circuits([4, 2], 5)
    assert measured_qubits(zeros) == measured_qubits(ones) == [4, 2]
    assert zeros.count_ops() == {"measure": 2} and ones.count_ops()["x"] == 2
    # bit 0 (qubit 4) misreads 0 as 1 in 30 of 1000, bit 1 (qubit 2) 1 as 0 in 50 of 1000
    m = single_qubit_matrices({"00": 970, "01": 30}, {"11": 950, "01": 50}, [4, 2], 5)
    assert np.allclose(m[4], [[0.97, 0.0], [0.03, 1.0]])
    assert np.allclose(m[2], [[1.0, 0.05], [0.0, 0.95]])
    assert m[0] is None and m[1] is None and m[3] is None
    with pytest.raises(ConfigurationError, match="cannot be corrected"):
        single_qubit_matrices({"0": 40, "1": 60}, {"1": 30, "0": 70}, [0], 1)


def test_the_correction_is_mthrees_own_on_the_same_counts_and_device(trained):
    clf, X, _ = trained
    model = clf.on_backend("fake:fake_lima", shots=1024, seed=1, mitigation="m3")
    corrected = model.predict_proba(X)
    evaluator = model._evaluator  # the test inspects what the model used
    qubits = measured_qubits(evaluator.circuit)
    # the calibration went through the ledger as one job of two circuits
    rows = [r for r in Ledger().list() if r.kind == "m3_calibration"]
    assert len(rows) == 1 and rows[0].status == "done"
    # its matrices agree with mthree calibrating the same simulated device itself (10^4
    # shots each). Local testing mode simulates the device with AerSimulator.from_backend,
    # whose readout errors are symmetric (the target's average); mthree handed the fake
    # backend object itself reads the asymmetric P(1|0), P(0|1) of its properties instead.
    theirs = mthree.M3Mitigation(AerSimulator.from_backend(fake_backend("fake_lima")))
    theirs.cals_from_system(qubits, shots=10_000, method="marginal", async_cal=False)
    for q in qubits:
        assert np.abs(evaluator.mitigator.matrices[q] - theirs.single_qubit_cals[q]).max() < 0.01
    # the corrected expectations are mthree's correction of the very same counts
    values = evaluator._values(evaluator.circuit, model._angles(X), model.weights_[None, :])
    bits = evaluator.runner.run([evaluator.circuit], [values], 1024, "prediction",
                                evaluator._seeds("prediction", model._angles(X),
                                                 model.weights_[None, :]))[0]
    reference = mthree.M3Mitigation()
    reference.cals_from_matrices(evaluator.mitigator.matrices)
    mine = evaluator.mitigator.expectations(bits, evaluator.observables, qubits)
    for row in range(0, len(X), 7):
        quasi = reference.apply_correction(bits[row].get_counts(), qubits)
        for k, op in enumerate(evaluator.observables):
            expected = sum(c.real * quasi.expval(label) for label, c in op.to_list())
            assert mine[row, k] == pytest.approx(expected, abs=1e-6)
    assert corrected.shape == (len(X), 2) and np.allclose(corrected.sum(axis=1), 1)


class CountingSampler:
    runs: list = []

    def __init__(self, mode, options=None):
        self.inner = REAL_SAMPLER(mode, options)

    def run(self, pubs, shots=None):
        CountingSampler.runs.append(len(pubs))
        return self.inner.run(pubs, shots=shots)


def test_the_calibration_is_reused_from_the_ledger_not_rerun(trained, monkeypatch):
    clf, X, _ = trained
    clf.on_backend("fake:fake_lima", shots=256, seed=2, mitigation="m3").predict(X[:5])
    CountingSampler.runs = []
    monkeypatch.setattr(runtime, "_make_sampler", CountingSampler)
    clf.on_backend("fake:fake_lima", shots=256, seed=2, mitigation="m3").predict(X[5:10])
    assert CountingSampler.runs == [1]  # the new predictions only; the calibration is reused
    assert [r.kind for r in Ledger().list()].count("m3_calibration") == 1


def test_m3_brings_the_noisy_log_loss_towards_the_exact_one(trained):
    """The issue's bar at test size (two seeds, 60 samples, fake_kolkata's noise model on
    the engine: M3 corrects the very counts of the unmitigated run);
    ``benchmarks/mitigation.py`` measures it in local testing mode over six seeds on the
    whole test set."""
    clf, X, y = trained
    exact = log_loss(y, clf.predict_proba(X))
    for seed in (1, 2):
        raw = log_loss(y, clf.on_backend("aer:fake_kolkata", seed=seed).predict_proba(X))
        m3 = log_loss(y, clf.on_backend("aer:fake_kolkata", seed=seed,
                                        mitigation="m3").predict_proba(X))
        assert abs(m3 - exact) < abs(raw - exact)


def test_mitigation_is_refused_where_there_is_no_readout_error(trained):
    clf, X, _ = trained
    with pytest.raises(ConfigurationError, match="backend 'statevector' has none"):
        clf.on_backend("statevector", mitigation="m3")
    with pytest.raises(ConfigurationError, match="mitigation='zne': one of m3 or None"):
        check_mitigation("zne", "fake:fake_lima")
    with pytest.raises(ConfigurationError, match="mitigation must be one of None, 'm3'"):
        VQC(mitigation="average").fit(X[:10], np.arange(10) % 2)


@pytest.mark.parametrize("backend", ["aer:fake_lima", "fake:fake_lima"])
def test_m3_brings_a_noisy_gram_matrix_towards_the_exact_one(backend):
    from qml.models.quantum_kernel import QuantumKernel

    X = np.random.default_rng(0).uniform(0, np.pi, (8, 2))
    exact = QuantumKernel(bandwidth=1.0).evaluate(X)

    def distance(mitigation):
        K = QuantumKernel(backend=backend, bandwidth=1.0, shots=4000, seed=0,
                          mitigation=mitigation).evaluate(X)
        return np.linalg.norm(K - exact)

    raw, m3 = distance(None), distance("m3")
    assert m3 < 0.75 * raw  # measured: 0.16 -> 0.09 (Aer), 0.20 -> 0.11 (local mode)
    if backend.startswith("fake:"):
        assert [r.kind for r in Ledger().list()].count("m3_calibration") == 1


def test_the_estimate_counts_the_calibration_job():
    from qml.models.qsvc import QSVC

    X = np.random.default_rng(1).uniform(0, 1, (20, 2))
    y = np.arange(20) % 2
    groups = QSVC(backend="fake:fake_lima", bandwidth=1.0, seed=0,
                  mitigation="m3").estimate(X, y).groups
    assert [(g.kind, g.jobs, g.circuits, g.shots) for g in groups][-1] == (
        "m3_calibration", 1, 2, 10_000)
    vqc = VQC(backend="fake:fake_lima", optimizer="spsa", maxiter=2, seed=0,
              mitigation="m3").estimate(X, y)
    assert [g.kind for g in vqc.groups].count("m3_calibration") == 1
