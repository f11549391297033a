"""Trainable kernels: the alignment's exact gradient against central differences, the
trained kernel equal to qiskit-machine-learning's TrainableFidelityStatevectorKernel with the
same parameters bound, training that raises the alignment, QSVC and GridSearchCV use, model
files, bad input."""

import numpy as np
import pytest
from qiskit.circuit import ParameterVector
from qiskit_machine_learning.kernels import TrainableFidelityStatevectorKernel
from sklearn.model_selection import GridSearchCV

from circuits.feature_maps import build_feature_map
from qml.datasets import load_dataset
from qml.engine.statevector import compile_circuit
from qml.errors import ConfigurationError
from qml.models.kernel_metrics import kernel_target_alignment
from qml.models.qsvc import QSVC
from qml.models.quantum_kernel import QuantumKernel
from qml.models.trainable_kernel import TrainableQuantumKernel, alignment_and_gradient


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(4)
    X = rng.uniform(0, np.pi, (30, 3))
    y = (np.sin(X[:, 0]) + 0.2 * X[:, 2] > 1.0).astype(int)  # feature 1 is noise
    return X, y


def test_the_alignment_gradient_equals_central_differences(problem):
    X, y = problem
    fm = build_feature_map("zz", 3, 2)
    engine = compile_circuit(fm, list(fm.parameters), [], [])
    w = np.array([0.4, 0.7, 0.2])
    a, g = alignment_and_gradient(engine, X, y, w)
    exact = QuantumKernel(feature_map_reps=2, bandwidth=1.0).evaluate(X * w)
    np.testing.assert_allclose(a, kernel_target_alignment(exact, y), atol=1e-12)
    h = 1e-6
    for k in range(3):
        e = np.eye(3)[k] * h
        numeric = (alignment_and_gradient(engine, X, y, w + e)[0]
                   - alignment_and_gradient(engine, X, y, w - e)[0]) / (2 * h)
        assert abs(g[k] - numeric) < 1e-7
    assert np.abs(g).max() > 1e-3


def test_training_raises_the_alignment_and_the_kernel_equals_qiskit_ml(problem):
    X, y = problem
    kernel = TrainableQuantumKernel(feature_map_reps=2, seed=0, maxiter=30).fit(X, y)
    assert kernel.bandwidths_.shape == (3,)
    assert kernel.alignment_ > kernel.alignment_before_ + 0.05
    K = kernel.evaluate(X)
    np.testing.assert_allclose(kernel.alignment_, kernel_target_alignment(K, y), atol=1e-10)
    start = QuantumKernel(feature_map_reps=2, bandwidth=kernel.bandwidth_).evaluate(X)
    np.testing.assert_allclose(kernel.alignment_before_, kernel_target_alignment(start, y),
                               atol=1e-10)
    # the same kernel from qiskit-machine-learning: inputs x_k -> w_k x_k in the circuit
    fm = build_feature_map("zz", 3, 2)
    data, w = ParameterVector("x", 3), ParameterVector("w", 3)
    trainable = fm.assign_parameters({p: w[k] * data[k] for k, p in enumerate(fm.parameters)})
    reference = TrainableFidelityStatevectorKernel(feature_map=trainable,
                                                   training_parameters=list(w))
    reference.assign_training_parameters(kernel.bandwidths_)
    np.testing.assert_allclose(K, reference.evaluate(X), atol=1e-10)


def test_qsvc_with_a_trainable_kernel_saves_searches_and_predicts(tmp_path):
    ds = load_dataset("iris", classes=[1, 2], n_features=3, seed=0)
    model = QSVC(kernel="trainable", seed=0).fit(ds.X_train, ds.y_train)
    assert model.feature_bandwidths_.shape == (3,)
    plain = QSVC(seed=0).fit(ds.X_train, ds.y_train)
    assert model.kernel_target_alignment_ > plain.kernel_target_alignment_
    assert model.score(ds.X_test, ds.y_test) > 0.8
    loaded = QSVC.load(model.save(tmp_path / "model.json"))
    np.testing.assert_array_equal(loaded.feature_bandwidths_, model.feature_bandwidths_)
    np.testing.assert_allclose(loaded.decision_function(ds.X_test),
                               model.decision_function(ds.X_test), atol=1e-12)
    search = GridSearchCV(QSVC(kernel="trainable", seed=0), {"C": [0.5, 2.0]}, cv=2)
    search.fit(ds.X_train[:40], ds.y_train[:40])
    assert search.best_params_["C"] in (0.5, 2.0)


def test_bad_input_is_one_clear_line(problem):
    X, y = problem
    with pytest.raises(ConfigurationError, match="trained on labels"):
        TrainableQuantumKernel().fit(X)
    with pytest.raises(ConfigurationError, match="maxiter"):
        TrainableQuantumKernel(maxiter=0).fit(X, y)
    with pytest.raises(ConfigurationError, match="kernel"):
        QSVC(kernel="trained").fit(X, y)
