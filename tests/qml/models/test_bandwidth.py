"""``bandwidth="auto"``: chosen on the training data only, the same for a seed, recorded,
saved; a number works as before; a kernel without labels chooses from its own Gram matrix."""

import numpy as np
import pytest

from qml.datasets import load_dataset
from qml.errors import ConfigurationError
from qml.models.bandwidth import BANDWIDTHS, RIDGE, choose_bandwidth
from qml.models.kernel_metrics import centered_alignment
from qml.models.qsvc import QSVC
from qml.models.quantum_kernel import QuantumKernel


@pytest.fixture(scope="module")
def cancer():
    return load_dataset("breast_cancer", n_features=4, seed=0)


def test_auto_chooses_a_candidate_on_the_training_data_and_beats_the_old_default(cancer):
    auto = QSVC(seed=0).fit(cancer.X_train, cancer.y_train)
    fixed = QSVC(bandwidth=1.0, seed=0).fit(cancer.X_train, cancer.y_train)
    assert auto.bandwidth_ in BANDWIDTHS and fixed.bandwidth_ == 1.0
    assert auto.score(cancer.X_test, cancer.y_test) >= 0.9
    assert auto.score(cancer.X_test, cancer.y_test) > fixed.score(cancer.X_test, cancer.y_test)
    assert len(auto.support_vectors_) < len(fixed.support_vectors_)  # it no longer memorises


def test_the_choice_and_the_model_are_the_same_for_a_seed(cancer):
    a = QSVC(seed=3).fit(cancer.X_train, cancer.y_train)
    b = QSVC(seed=3).fit(cancer.X_train, cancer.y_train)
    assert a.bandwidth_ == b.bandwidth_
    np.testing.assert_array_equal(a.decision_function(cancer.X_test),
                                  b.decision_function(cancer.X_test))


def test_the_rule_is_the_leave_one_out_accuracy_of_kernel_ridge():
    """By hand, on a small problem (all samples used): each candidate's kernel ridge
    classifier refitted without each sample in turn (no closed form), its accuracy on that
    sample; the best candidate wins, ties going to the centered alignment."""
    ds = load_dataset("iris", classes=[1, 2], n_features=2, seed=0)
    X, y = np.clip(ds.X_train[:40], -2, 2) + 2, ds.y_train[:40]  # angles in [0, 4]
    kernel = QuantumKernel(feature_map_reps=1, seed=5)
    chosen, scores = choose_bandwidth(kernel.exact_grams, X, y, seed=5)
    classes = np.unique(y)
    T = np.where(y[:, None] == classes[None, :], 1.0, -1.0)
    by_hand = {}
    for b in BANDWIDTHS:
        K = QuantumKernel(feature_map_reps=1, bandwidth=b).evaluate(X)
        hits = 0
        for i in range(len(y)):
            keep = np.arange(len(y)) != i
            alpha = np.linalg.solve(K[np.ix_(keep, keep)] + RIDGE * np.eye(len(y) - 1), T[keep])
            hits += classes[np.argmax(K[i, keep] @ alpha)] == y[i]
        by_hand[b] = (hits / len(y), centered_alignment(K, y))
    assert chosen == max(BANDWIDTHS, key=lambda b: by_hand[b])
    top = max(v[0] for v in by_hand.values())
    assert {b: v["loo_accuracy"] for b, v in scores.items()} == pytest.approx(
        {b: v[0] for b, v in by_hand.items()})
    tied = {b: v["centered_alignment"] for b, v in scores.items() if "centered_alignment" in v}
    assert tied == pytest.approx({b: v[1] for b, v in by_hand.items() if v[0] == top})
    assert kernel.fit(X, y).bandwidth_ == chosen


def test_centered_alignment_by_hand():
    K = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.2], [0.1, 0.2, 1.0]])
    y = np.array([0, 0, 1])
    H = np.eye(3) - 1 / 3
    T = (y[:, None] == y[None, :]).astype(float)
    Kc, Tc = H @ K @ H, H @ T @ H
    expected = np.sum(Kc * Tc) / (np.linalg.norm(Kc) * np.linalg.norm(Tc))
    assert centered_alignment(K, y) == pytest.approx(expected, abs=1e-12)


def test_a_number_is_used_as_given(cancer):
    clf = QSVC(bandwidth=0.3, seed=0).fit(cancer.X_train, cancer.y_train)
    assert clf.bandwidth_ == 0.3
    kernel = QuantumKernel(bandwidth=0.3).fit(cancer.X_train)
    assert kernel.bandwidth_ == 0.3 and kernel.bandwidth_scores_ == {}


def test_a_kernel_without_labels_chooses_from_its_training_gram_matrix(rng):
    X = rng.uniform(0, np.pi, (30, 3))
    kernel = QuantumKernel(feature_map_reps=1)
    K = kernel.evaluate(X)  # the training Gram matrix: "auto" chosen here
    assert kernel.bandwidth_ in BANDWIDTHS
    spread = {b: v["off_diagonal_variance"] for b, v in kernel.bandwidth_scores_.items()}
    assert kernel.bandwidth_ == max(spread, key=spread.get)
    np.testing.assert_allclose(K, QuantumKernel(feature_map_reps=1,
                                                bandwidth=kernel.bandwidth_).evaluate(X))
    cross = kernel.evaluate(X[:5], X)  # later calls keep the chosen bandwidth
    np.testing.assert_allclose(cross, K[:5])
    with pytest.raises(ConfigurationError, match="bandwidth='auto' is chosen on the training"):
        QuantumKernel().evaluate(X[:5], X)  # never fitted: which bandwidth is unknown


def test_the_chosen_bandwidth_is_saved_and_an_older_file_loads(tmp_path, cancer):
    clf = QSVC(seed=0).fit(cancer.X_train, cancer.y_train)
    again = QSVC.load(clf.save(tmp_path / "q.json"))
    assert again.bandwidth_ == clf.bandwidth_ and again.bandwidth == "auto"
    np.testing.assert_array_equal(again.predict(cancer.X_test), clf.predict(cancer.X_test))
    doc = clf.to_dict()
    old = {k: v for k, v in doc.items() if k != "bandwidth"}
    old.update(format_version=1, params={**doc["params"], "bandwidth": clf.bandwidth_})
    assert QSVC.from_dict(old).bandwidth_ == clf.bandwidth_  # 0.2: the fixed one


def test_auto_on_a_shot_backend_sends_no_circuit_for_the_choice(rng):
    X = rng.uniform(0, np.pi, (8, 2))
    kernel = QuantumKernel(feature_map_reps=1, backend="aer", shots=64, seed=0)
    kernel.fit(X, [0, 1] * 4)
    assert kernel.n_circuits_ == 0 and kernel.bandwidth_ in BANDWIDTHS
