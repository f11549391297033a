"""Quantum kernels against qiskit-machine-learning's FidelityStatevectorKernel, shots against
the exact values, blocks against one block, the ledger on fake:, concentration, bad input."""

import numpy as np
import pytest
from qiskit_machine_learning.kernels import FidelityStatevectorKernel
from sklearn.svm import SVC

import qml.models.exact_gram as exact_gram
import qml.models.quantum_kernel as kernels
from circuits.feature_maps import build_feature_map
from qml.errors import ConfigurationError, InvalidInputError, StateTooLargeError
from qml.hardware.ledger import Ledger
from qml.models.kernel_metrics import (
    KernelConcentration,
    kernel_concentration,
    kernel_target_alignment,
)
from qml.models.quantum_kernel import QuantumKernel


@pytest.fixture
def data(rng):
    return rng.uniform(0, np.pi, (12, 3)), rng.uniform(0, np.pi, (5, 3))


@pytest.mark.parametrize("feature_map, reps, n", [("zz", 2, 2), ("zz", 2, 5), ("pauli", 2, 3),
                                                  ("angle", 1, 4), ("angle", 3, 3)])
def test_exact_kernel_equals_qiskit_machine_learning(rng, feature_map, reps, n):
    X, Y = rng.uniform(0, np.pi, (15, n)), rng.uniform(0, np.pi, (6, n))
    reference = FidelityStatevectorKernel(feature_map=build_feature_map(feature_map, n, reps))
    kernel = QuantumKernel(feature_map, reps, bandwidth=1.0)
    np.testing.assert_allclose(kernel.evaluate(X), reference.evaluate(X), atol=1e-10)
    np.testing.assert_allclose(kernel.evaluate(X, Y), reference.evaluate(X, Y), atol=1e-10)
    assert kernel.n_circuits_ == 15 + 15 + 6  # one feature state per sample and call


def test_a_circuit_of_your_own_is_a_feature_map(data):
    X, Y = data
    circuit = build_feature_map("zz", 3, 1)
    np.testing.assert_allclose(QuantumKernel(circuit, bandwidth=1.0).evaluate(X, Y),
                               FidelityStatevectorKernel(feature_map=circuit).evaluate(X, Y),
                               atol=1e-10)


def test_the_symmetric_gram_matrix_is_exactly_symmetric_with_a_unit_diagonal(data):
    K = QuantumKernel(bandwidth=1.0).evaluate(data[0])
    assert (K == K.T).all() and (np.diag(K) == 1.0).all() and K.min() >= 0


def test_states_held_within_the_budget_give_the_same_matrix(monkeypatch, data):
    X, Y = data
    whole = QuantumKernel(bandwidth=1.0).evaluate(X)
    cross = QuantumKernel(bandwidth=1.0).evaluate(X, Y)
    monkeypatch.setattr(exact_gram, "STATE_MEMORY", 5 * 16 * 2**3)  # five 3-qubit states
    kernel = QuantumKernel(bandwidth=1.0)
    assert kernel._block_rows(3) == 4  # and one streamed past them
    np.testing.assert_allclose(kernel.evaluate(X), whole, atol=1e-14)
    # 12 rows in blocks of 4 (0-3, 4-7, 8-11): the 8 and 4 columns after the first two blocks
    # are computed again
    assert kernel.n_circuits_ == 12 + 8 + 4
    np.testing.assert_allclose(kernel.evaluate(X, Y), cross, atol=1e-14)


def test_bandwidth_scales_the_inputs(data):
    X, Y = data
    np.testing.assert_allclose(QuantumKernel(bandwidth=0.3).evaluate(X, Y),
                               QuantumKernel(bandwidth=1.0).evaluate(0.3 * X, 0.3 * Y),
                               atol=1e-14)


def test_shots_estimate_the_exact_kernel_without_running_the_diagonal(data):
    X, _ = data
    kernel = QuantumKernel(feature_map_reps=1, backend="aer", shots=20000, seed=3, bandwidth=1.0)
    K = kernel.evaluate(X)
    exact = QuantumKernel(feature_map_reps=1, bandwidth=1.0).evaluate(X)
    sigma = np.sqrt(exact * (1 - exact) / 20000) + 1e-4
    assert (np.abs(K - exact) < 5 * sigma).all()
    assert (np.diag(K) == 1.0).all() and (K == K.T).all()
    assert kernel.n_circuits_ == 12 * 11 // 2  # pairs above the diagonal only
    again = QuantumKernel(feature_map_reps=1, backend="aer", shots=20000, seed=3,
                          bandwidth=1.0).evaluate(X)
    np.testing.assert_array_equal(again, K)  # the seed fixes the shots


@pytest.mark.parametrize("kind", ["fidelity", "projected"])
def test_shots_on_the_engine_are_drawn_from_the_exact_kernel_circuits(data, kind):
    """statevector with shots: the pair (or basis) circuits' exact distributions from the
    engine, then draws; within shot noise of the exact kernel, seeded per row, so a block
    of rows draws what the whole matrix drew for them."""
    X, _ = data
    common = dict(kind=kind, feature_map_reps=1, bandwidth=1.0)
    kernel = QuantumKernel(**common, shots=20000, seed=3)
    K = kernel.evaluate(X)
    exact = QuantumKernel(**common).evaluate(X)
    sigma = np.sqrt(exact * (1 - exact) / 20000) + 1e-4
    assert 0 < np.abs(K - exact).max() and (np.abs(K - exact) < 5 * sigma).all()
    assert (np.diag(K) == 1.0).all() and (K == K.T).all()
    if kind == "fidelity":
        assert kernel.n_circuits_ == 12 * 11 // 2  # the pairs, as on a sampler
        block = QuantumKernel(**common, shots=20000, seed=3).evaluate(X[:3], X[5:8])
        np.testing.assert_array_equal(block, K[:3, 5:8])


def test_hardware_backends_go_through_the_ledger(data):
    X, Y = data[0][:4], data[1][:2]
    kernel = QuantumKernel(feature_map_reps=1, backend="fake:fake_lima", shots=256, seed=0,
                           bandwidth=1.0)
    K = kernel.evaluate(X, Y)
    assert K.shape == (4, 2) and ((K >= 0) & (K <= 1)).all()
    (row,) = Ledger().list()
    assert row.kind == "kernel" and row.status == "done"  # 8 pairs, one job
    again = QuantumKernel(feature_map_reps=1, backend="fake:fake_lima", shots=256, seed=0,
                          bandwidth=1.0)
    np.testing.assert_array_equal(again.evaluate(X, Y), K)
    assert len(Ledger().list()) == 1  # the same work: read back, not resubmitted


def test_a_quantum_kernel_is_a_scikit_learn_callable_kernel(data):
    X, _ = data
    y = (X[:, 0] > np.pi / 2).astype(int)
    K = QuantumKernel(bandwidth=1.0).evaluate(X)
    precomputed = SVC(kernel="precomputed").fit(K, y)
    callable_ = SVC(kernel=QuantumKernel(bandwidth=1.0)).fit(X, y)  # sklearn calls it as k(X, X)
    np.testing.assert_allclose(QuantumKernel(bandwidth=1.0)(X, X), K, atol=1e-14)
    np.testing.assert_array_equal(callable_.predict(X), precomputed.predict(K))
    np.testing.assert_allclose(callable_.decision_function(X),
                               precomputed.decision_function(K), atol=1e-3)  # SMO's tol


def test_kernel_target_alignment_by_hand():
    K = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 1.0]])
    T = np.array([[1, 1, -1], [1, 1, -1], [-1, -1, 1]])
    expected = (K * T).sum() / (np.sqrt((K**2).sum()) * 3.0)
    assert kernel_target_alignment(K, ["a", "a", "b"]) == pytest.approx(expected)


def test_concentration_shrinks_with_width_and_bandwidth_restores_it(tmp_path):
    result = kernel_concentration([2, 4, 6], [1.0, 0.1], n_samples=20, seed=0)
    full, narrow = result.variance
    assert full[0] > full[1] > full[2]  # the variance of k(x, y) falls with every qubit
    assert narrow[2] > 10 * full[2]
    assert result.decay_per_qubit[0] > 1.5 and result.mean[1][2] > result.mean[0][2]
    assert KernelConcentration.load(result.save(tmp_path / "c.json")) == result


@pytest.mark.parametrize("kwargs, X, error, match", [
    ({"bandwidth": 0}, None, ConfigurationError, "bandwidth must be 'auto' or a number > 0"),
    ({"bandwidth": 1e300}, None, ConfigurationError, "at most 1000"),
    ({"bandwidth": np.nan}, None, ConfigurationError, "bandwidth"),
    ({"feature_map": "qaoa"}, None, ConfigurationError, "feature_map must be one of 'zz'"),
    ({"shots": 100, "scheduler": "local:1"}, None, ConfigurationError, "no shots"),
    ({"feature_map_reps": 0}, None, ConfigurationError, "feature_map_reps must be a positive"),
    ({"backend": "nowhere"}, None, ConfigurationError, "nowhere"),
    ({}, np.array([[np.nan, 1.0]]), InvalidInputError, "NaN or infinite"),
    ({}, np.zeros(3), InvalidInputError, "non-empty 2-D array"),
    ({"n_qubits": 3}, np.zeros((2, 2)), InvalidInputError, "has 2 features; the feature map "
                                                           "takes 3"),
])
def test_bad_input_is_one_clear_error(kwargs, X, error, match):
    with pytest.raises(error, match=match):
        QuantumKernel(**kwargs).evaluate(np.zeros((2, 2)) if X is None else X)


def test_too_wide_or_too_large_is_refused_before_allocating(monkeypatch):
    with pytest.raises(StateTooLargeError):
        QuantumKernel("angle", 1, bandwidth=1.0).evaluate(np.zeros((2, 45)))
    monkeypatch.setattr(kernels, "check_memory", _refuse_over(10**6))
    with pytest.raises(StateTooLargeError, match="kernel matrix"):
        QuantumKernel(bandwidth=1.0).evaluate(np.zeros((400, 2)))  # 1.3 MB of matrix against 1 MB


def _refuse_over(limit):
    from qml.engine.memory import check_memory

    return lambda need, what, advice: check_memory(need, what, advice, available=limit)
