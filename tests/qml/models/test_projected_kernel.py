"""The projected quantum kernel against an independent computation: qiskit's statevector of
the same feature map, each qubit's reduced density matrix by ``partial_trace``, the Pauli
expectations from it, and the Gaussian by hand."""

import numpy as np
import pytest
from qiskit.quantum_info import Pauli, Statevector, partial_trace
from sklearn.svm import SVC

from circuits.feature_maps import build_feature_map
from qml.datasets import load_dataset
from qml.errors import ConfigurationError
from qml.models.projected import auto_gamma
from qml.models.qsvc import QSVC
from qml.models.quantum_kernel import QuantumKernel


def _projections_by_qiskit(circuit, X):
    rows = []
    for x in X:
        state = Statevector(circuit.assign_parameters(x))
        n = circuit.num_qubits
        row = {}
        for q in range(n):
            rho = partial_trace(state, [k for k in range(n) if k != q])
            for label in "XYZ":
                row[(label, q)] = float(np.real(np.trace(rho.data @ Pauli(label).to_matrix())))
        rows.append([row[(label, q)] for label in "XYZ" for q in range(n)])
    return np.array(rows)


@pytest.mark.parametrize("feature_map, reps, n", [("zz", 2, 3), ("pauli", 1, 4), ("angle", 2, 2)])
def test_equals_reduced_density_matrices_from_qiskit(rng, feature_map, reps, n):
    X, Y = rng.uniform(0, np.pi, (7, n)), rng.uniform(0, np.pi, (4, n))
    circuit = build_feature_map(feature_map, n, reps)
    PX, PY = _projections_by_qiskit(circuit, X), _projections_by_qiskit(circuit, Y)
    gamma = 0.7
    by_hand = np.exp(-gamma * ((PX[:, None, :] - PY[None, :, :]) ** 2).sum(-1))
    kernel = QuantumKernel(feature_map, reps, bandwidth=1.0, kind="projected", gamma=gamma)
    np.testing.assert_allclose(kernel.evaluate(X, Y), by_hand, atol=1e-10)
    train = QuantumKernel(feature_map, reps, bandwidth=1.0, kind="projected")
    K = train.evaluate(X)  # gamma="auto" set by the training Gram matrix
    assert train.gamma_ == pytest.approx(1 / (3 * n * PX.var()), rel=1e-10)
    np.testing.assert_allclose(K, np.exp(-train.gamma_ * ((PX[:, None] - PX[None]) ** 2)
                                         .sum(-1)), atol=1e-10)
    np.testing.assert_allclose(train.evaluate(Y, X), np.exp(
        -train.gamma_ * ((PY[:, None] - PX[None]) ** 2).sum(-1)), atol=1e-10)


def test_auto_gamma_needs_the_training_set_first(rng):
    X = rng.uniform(0, np.pi, (5, 2))
    with pytest.raises(ConfigurationError, match="gamma='auto' is set on the training data"):
        QuantumKernel(bandwidth=1.0, kind="projected").evaluate(X[:2], X)
    assert auto_gamma(np.ones((3, 4))) == 1.0  # no spread: a neutral width


def test_a_qsvc_on_the_projected_kernel_is_an_svc_on_it(tmp_path):
    ds = load_dataset("breast_cancer", n_features=4, seed=0)
    clf = QSVC(kernel="projected", seed=0).fit(ds.X_train, ds.y_train)
    assert clf.gamma_ > 0 and clf.score(ds.X_test, ds.y_test) >= 0.9
    angles = lambda X: X @ clf.input_matrix_ + clf.input_offset_  # noqa: E731
    kernel = QuantumKernel(bandwidth=clf.bandwidth_, kind="projected", gamma=clf.gamma_)
    svc = SVC(kernel="precomputed").fit(kernel.evaluate(angles(ds.X_train)), ds.y_train)
    np.testing.assert_allclose(clf.decision_function(ds.X_test),
                               svc.decision_function(kernel.evaluate(angles(ds.X_test),
                                                                     angles(ds.X_train))),
                               atol=1e-10)
    again = QSVC.load(clf.save(tmp_path / "projected.json"))
    assert again.kernel == "projected" and again.gamma_ == clf.gamma_
    np.testing.assert_array_equal(again.predict(ds.X_test), clf.predict(ds.X_test))


def test_projections_from_shots_in_three_bases_estimate_qiskits(rng):
    """Aer, three circuits per sample: every X, Y, Z expectation within 5 standard errors
    of the reduced density matrices' (``(1 - <P>**2) / shots`` each)."""
    shots = 20000
    circuit = build_feature_map("zz", 3, 2)
    X = rng.uniform(0, np.pi, (5, 3))
    kernel = QuantumKernel(kind="projected", bandwidth=1.0, backend="aer", shots=shots, seed=2)
    measured = kernel._sampled_projections(circuit, X)
    exact = _projections_by_qiskit(circuit, X)
    sigma = np.sqrt(np.maximum(1 - exact**2, 1e-3) / shots)
    assert (np.abs(measured - exact) < 5 * sigma).all()
    assert np.abs(measured - exact).max() > 0  # sampled, not copied
    assert kernel.n_circuits_ == 3 * len(X)


def test_a_projected_qsvc_on_a_fake_device_runs_three_circuits_per_sample(tmp_path):
    ds = load_dataset("iris", classes=[0, 1], n_features=2, seed=0)
    X, y = ds.X_train[:12], ds.y_train[:12]
    model = QSVC(kernel="projected", backend="fake:fake_lima", shots=256, bandwidth=0.5,
                 seed=0)
    estimate = model.estimate(X, y, predict_sizes=(4,))
    assert [g.kind for g in estimate.groups] == ["projections", "prediction"]
    assert sum(g.jobs * g.circuits for g in estimate.groups if g.kind == "projections") == 36
    model.fit(X, y)
    assert model.n_kernel_circuits_ == 36
    assert model.score(X, y) > 0.8
    from qml.hardware.ledger import Ledger

    assert {r.kind for r in Ledger().list()} == {"projections"}
    with pytest.raises(ConfigurationError, match="no diagonal"):
        QSVC(kernel="projected", backend="aer", mitigation="split").fit(X, y)
    with pytest.raises(ConfigurationError, match="kind must be one of"):
        QuantumKernel(kind="quantum").evaluate(X)


def test_the_bandwidth_choice_gives_each_candidate_its_own_gamma(rng, monkeypatch):
    """Batched, or one bandwidth at a time where memory is short: the same matrices."""
    import qml.models.quantum_kernel as kernels

    X = rng.uniform(0, np.pi, (12, 2))
    kernel = QuantumKernel(feature_map_reps=1, kind="projected")
    batched = kernel.exact_grams([0.1, 1.0], X)
    monkeypatch.setattr(kernels, "available_memory", lambda: 0)  # forces one at a time
    single = QuantumKernel(feature_map_reps=1, kind="projected").exact_grams([0.1, 1.0], X)
    for a, b in zip(batched, single):
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_measured_projections_are_kept_for_predictions(rng):
    """A prediction against training samples (the support vectors) reuses their measured
    projections: only the new samples' three circuits each are run."""
    X, Z = rng.uniform(0, np.pi, (8, 2)), rng.uniform(0, np.pi, (3, 2))
    kernel = QuantumKernel(kind="projected", bandwidth=1.0, gamma=0.5, backend="aer",
                           shots=256, seed=0)
    K = kernel.evaluate(X)
    assert kernel.n_circuits_ == 3 * 8
    cross = kernel.evaluate(Z, X[:5])
    assert kernel.n_circuits_ == 3 * 8 + 3 * 3
    np.testing.assert_allclose(kernel.evaluate(X[:5], X[:5]), K[:5, :5], atol=1e-12)  # same shots
    assert cross.shape == (3, 5)
