"""Nyström QSVC: features equal to scikit-learn's ``Nystroem`` on the same kernel, decisions
equal to a linear SVC on them, the approximation converging to the exact Gram matrix,
circuits counted as the cost estimate says, JSON round trips, bad input."""

import json

import numpy as np
import pytest
from sklearn.kernel_approximation import Nystroem
from sklearn.svm import SVC
from sklearn.utils.estimator_checks import check_estimator

from qml.datasets import load_dataset
from qml.errors import ConfigurationError
from qml.models.nystroem import choose_landmarks, nystroem_normalization
from qml.models.qsvc import QSVC
from qml.models.quantum_kernel import QuantumKernel


@pytest.fixture(scope="module")
def wine():
    return load_dataset("wine", n_features=3, seed=0)  # three classes: one-vs-one


def _angles(model, X):
    return X @ model.input_matrix_ + model.input_offset_


def test_features_equal_scikit_learns_nystroem_on_the_same_kernel():
    X = np.random.default_rng(0).uniform(0, np.pi, (30, 3))
    kernel = QuantumKernel(feature_map_reps=1, bandwidth=0.7)
    pairwise = lambda a, b: kernel.evaluate(a[None], b[None])[0, 0]  # noqa: E731
    reference = Nystroem(kernel=pairwise, n_components=8, random_state=5).fit(X)
    chosen = choose_landmarks(len(X), 8, seed=5)
    np.testing.assert_array_equal(chosen, reference.component_indices_)
    ours = kernel.evaluate(X, X[chosen]) @ nystroem_normalization(kernel.evaluate(X[chosen])).T
    np.testing.assert_allclose(ours, reference.transform(X), atol=1e-10)


def test_decisions_equal_a_linear_svc_on_the_nystroem_features(wine):
    model = QSVC(n_landmarks=25, seed=1).fit(wine.X_train, wine.y_train)
    kernel = QuantumKernel(bandwidth=model.bandwidth_)
    landmarks = _angles(model, wine.X_train)[choose_landmarks(len(wine.X_train), 25, 1)]
    np.testing.assert_allclose(model.landmarks_, landmarks)
    normalization = nystroem_normalization(kernel.evaluate(landmarks))
    features = lambda X: kernel.evaluate(_angles(model, X), landmarks) @ normalization.T  # noqa: E731
    svc = SVC(kernel="linear").fit(features(wine.X_train), wine.y_train)
    np.testing.assert_array_equal(model.predict(wine.X_test), svc.predict(features(wine.X_test)))
    np.testing.assert_allclose(model.decision_function(wine.X_test),
                               svc.decision_function(features(wine.X_test)), atol=1e-8)
    assert model.kernel_to_support(wine.X_test).shape == (len(wine.X_test), 25)
    assert model.score(wine.X_test, wine.y_test) > 0.8


def test_the_approximation_converges_to_the_exact_gram_matrix():
    X = np.random.default_rng(2).uniform(0, np.pi, (60, 3))
    kernel = QuantumKernel(bandwidth=0.5)
    K = kernel.evaluate(X)
    errors = []
    for m in (5, 20, 60):
        L = X[choose_landmarks(len(X), m, seed=0)]
        features = kernel.evaluate(X, L) @ nystroem_normalization(kernel.evaluate(L)).T
        errors.append(np.linalg.norm(features @ features.T - K))
    assert errors[0] > errors[1] > 10 * errors[2]
    assert errors[2] < 1e-6  # every sample a landmark: the kernel itself


def test_as_many_landmarks_as_samples_is_the_exact_model(wine):
    exact = QSVC(seed=0).fit(wine.X_train, wine.y_train)
    same = QSVC(seed=0, n_landmarks=len(wine.X_train)).fit(wine.X_train, wine.y_train)
    assert same.landmarks_ is None
    np.testing.assert_array_equal(same.predict(wine.X_test), exact.predict(wine.X_test))


def test_a_saved_nystroem_model_predicts_the_same(tmp_path, wine):
    model = QSVC(n_landmarks=15, seed=0).fit(wine.X_train, wine.y_train)
    loaded = QSVC.load(model.save(tmp_path / "model.json"))
    np.testing.assert_array_equal(loaded.landmarks_, model.landmarks_)
    np.testing.assert_allclose(loaded.decision_function(wine.X_test),
                               model.decision_function(wine.X_test), atol=1e-12)
    doc = json.loads((tmp_path / "model.json").read_text())
    doc["landmark_coef"] = doc["landmark_coef"][:-1]  # one landmark's weights lost
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(Exception, match="landmark"):
        QSVC.load(tmp_path / "bad.json")


def test_fit_on_a_fake_device_runs_the_circuits_the_estimate_counts(tmp_path, monkeypatch):
    monkeypatch.setenv("QLIMITS_LEDGER", str(tmp_path / "ledger.db"))
    ds = load_dataset("iris", classes=[0, 1], n_features=2, seed=0)
    X, y = ds.X_train[:10], ds.y_train[:10]
    model = QSVC(backend="fake:fake_lima", shots=64, bandwidth=0.5, seed=0, n_landmarks=3)
    estimate = model.estimate(X, y, predict_sizes=(4,))
    counted = {kind: sum(g.jobs * g.circuits for g in estimate.groups if g.kind == kind)
               for kind in ("landmark_gram", "kernel_training", "prediction")}
    assert counted == {"landmark_gram": 3, "kernel_training": 10 * 3, "prediction": 4 * 3}
    assert estimate.bound == "exact"
    assert model.fit(X, y).n_kernel_circuits_ == 3 + 10 * 3


def test_check_estimator_with_landmarks():
    results = check_estimator(QSVC(seed=0, bandwidth=0.3, n_landmarks=10), on_fail=None)
    failed = [r["check_name"] for r in results if r["status"] == "failed"
              and r["check_name"] != "check_array_api_input"]
    assert failed == []


@pytest.mark.parametrize("bad", [0, -3, 2.5, "many"])
def test_a_bad_number_of_landmarks_is_one_clear_line(bad, wine):
    with pytest.raises(ConfigurationError, match="n_landmarks") as info:
        QSVC(n_landmarks=bad).fit(wine.X_train, wine.y_train)
    assert "\n" not in str(info.value)


def test_cli_trains_nystroem_and_trainable_models_and_prices_them(tmp_path):
    from tests.helpers import qlimits

    env = {"QLIMITS_LEDGER": str(tmp_path / "ledger.db")}
    run = qlimits("train", "--model", "qsvc", "--dataset", "breast_cancer", "--qubits", "4",
                  "--landmarks", "30", "--kernel", "trainable", "--seed", "0", "--out",
                  str(tmp_path / "q"), env=env)
    assert run.returncode == 0, run.stderr
    metrics = json.loads((tmp_path / "q" / "metrics.json").read_text())
    assert metrics["n_landmarks"] == 30 and len(metrics["feature_bandwidths"]) == 4
    assert metrics["test_accuracy"] > 0.85
    model = QSVC.load(tmp_path / "q" / "model.json")
    assert model.landmarks_.shape == (30, 4)
    priced = qlimits("train", "--model", "qsvc", "--dataset", "iris", "--classes", "0,1",
                     "--landmarks", "5", "--backend", "fake:fake_lima", "--dry-run", "--out",
                     str(tmp_path / "d"), env=env)
    assert priced.returncode == 0, priced.stderr
    assert "landmark_gram" in priced.stdout and not (tmp_path / "d").exists()
    refused = qlimits("train", "--model", "vqc", "--dataset", "iris", "--landmarks", "5",
                      "--out", str(tmp_path / "v"), env=env)
    assert refused.returncode == 1 and "--landmarks: for --model qsvc" in refused.stderr
    assert not (tmp_path / "v").exists()
