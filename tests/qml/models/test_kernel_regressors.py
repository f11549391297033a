"""Quantum-kernel regressors held to their references: QKRR to scikit-learn's KernelRidge
and QSVR to SVR on the same precomputed Gram matrix and standardised targets, QGPR to the
Gaussian-process posterior computed by hand; Nyström QKRR to ridge regression on
scikit-learn's Nystroem features; the regression bandwidth rule to brute-force leave-one-out;
scikit-learn's contract, files, the defaults on real data, bad input."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.kernel_approximation import Nystroem
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_score, train_test_split
from sklearn.svm import SVR
from sklearn.utils.estimator_checks import check_estimator

from qml import QGPR, QKRR, QSVR
from qml.errors import InvalidInputError, ResultFileError
from qml.models.bandwidth import RIDGE, loo_regression_scores
from qml.models.qgpr import log_marginal_likelihood
from qml.models.quantum_kernel import QuantumKernel


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return train_test_split(X[:, :4], y, test_size=0.25, random_state=0)


def _gram(model, X_train, X_test):
    """The fitted model's kernel, recomputed independently: train and test Gram matrices."""
    kernel = QuantumKernel(bandwidth=model.bandwidth_)
    angles = lambda X: X @ model.input_matrix_ + model.input_offset_  # noqa: E731
    return kernel.evaluate(angles(X_train)), kernel.evaluate(angles(X_test), angles(X_train))


def _standardised(y):
    return (y - y.mean()) / y.std(), y.mean(), y.std()


def test_qkrr_equals_kernel_ridge_on_the_same_gram_matrix(diabetes):
    X_train, X_test, y_train, _ = diabetes
    model = QKRR(alpha=0.5, seed=0).fit(X_train, y_train)
    K, K_test = _gram(model, X_train, X_test)
    z, mean, scale = _standardised(y_train)
    reference = KernelRidge(alpha=0.5, kernel="precomputed").fit(K, z)
    np.testing.assert_allclose(model.coef_, reference.dual_coef_, atol=1e-10)
    np.testing.assert_allclose(model.predict(X_test), reference.predict(K_test) * scale + mean,
                               atol=1e-10 * scale)


def test_qsvr_equals_svr_on_the_same_gram_matrix(diabetes):
    X_train, X_test, y_train, _ = diabetes
    model = QSVR(C=3.0, epsilon=0.2, seed=0).fit(X_train, y_train)
    K, K_test = _gram(model, X_train, X_test)
    z, mean, scale = _standardised(y_train)
    reference = SVR(kernel="precomputed", C=3.0, epsilon=0.2).fit(K, z)
    assert len(model.anchors_) == len(reference.support_) < len(X_train)
    np.testing.assert_allclose(model.predict(X_test), reference.predict(K_test) * scale + mean,
                               atol=1e-8 * scale)


def test_qgpr_equals_the_posterior_computed_by_hand(diabetes):
    X_train, X_test, y_train, _ = diabetes
    X_train, y_train = X_train[:80], y_train[:80]
    model = QGPR(alpha=0.3, seed=0).fit(X_train, y_train)
    K, K_test = _gram(model, X_train, X_test)
    z, mean, scale = _standardised(y_train)
    A = K + 0.3 * np.eye(len(K))
    posterior_mean = K_test @ np.linalg.solve(A, z) * scale + mean
    posterior_var = 1.0 - np.einsum("ij,ji->i", K_test, np.linalg.solve(A, K_test.T))
    predicted, std = model.predict(X_test, return_std=True)
    np.testing.assert_allclose(predicted, posterior_mean, atol=1e-8 * scale)
    np.testing.assert_allclose(std, np.sqrt(posterior_var) * scale, atol=1e-8 * scale)
    sign, logdet = np.linalg.slogdet(A)
    by_hand = -0.5 * z @ np.linalg.solve(A, z) - 0.5 * logdet - 40 * np.log(2 * np.pi)
    assert model.log_marginal_likelihood_ == pytest.approx(by_hand, abs=1e-8)
    assert log_marginal_likelihood(K, z, 0.3) == pytest.approx(by_hand, abs=1e-8)


def test_qgpr_chooses_its_noise_by_the_likelihood_and_knows_where_it_is_unsure():
    X = np.r_[np.linspace(0, 0.3, 20), np.linspace(0.7, 1, 20)][:, None]  # a gap in the middle
    y = np.sin(3 * X[:, 0]) + np.random.default_rng(0).normal(0, 0.3, 40)
    gp = QGPR(seed=0).fit(X, y)
    assert gp.alpha_ >= 0.1  # noise of a third of the signal's scale is not interpolated
    _, std = gp.predict(np.array([[0.15], [0.5]]), return_std=True)
    assert std[0] < 0.5 * std[1]


def test_nystroem_qkrr_is_ridge_on_scikit_learns_nystroem_features(diabetes):
    X_train, X_test, y_train, _ = diabetes
    model = QKRR(alpha=0.5, n_landmarks=30, bandwidth=0.3, seed=4).fit(X_train, y_train)
    angles = lambda X: X @ model.input_matrix_ + model.input_offset_  # noqa: E731
    rows = np.concatenate([angles(X_train), angles(X_test)])
    gram = QuantumKernel(bandwidth=0.3).evaluate(rows)  # every value the callable is asked
    index = {row.tobytes(): i for i, row in enumerate(rows)}
    pairwise = lambda a, b: gram[index[a.tobytes()], index[b.tobytes()]]  # noqa: E731
    features = Nystroem(kernel=pairwise, n_components=30, random_state=4).fit(angles(X_train))
    z, mean, scale = _standardised(y_train)
    ridge = Ridge(alpha=0.5, fit_intercept=False).fit(features.transform(angles(X_train)), z)
    expected = ridge.predict(features.transform(angles(X_test))) * scale + mean
    np.testing.assert_allclose(model.predict(X_test), expected, atol=1e-8 * scale)
    assert model.anchors_.shape == (30, 4)


def test_the_regression_rule_is_brute_force_leave_one_out():
    rng = np.random.default_rng(1)
    X = rng.uniform(0, np.pi, (25, 2))
    y = np.sin(X[:, 0]) + 0.1 * rng.normal(size=25)
    K = QuantumKernel(feature_map_reps=1, bandwidth=0.5).evaluate(X)
    errors = []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        alpha = np.linalg.solve(K[np.ix_(keep, keep)] + RIDGE * np.eye(len(y) - 1), y[keep])
        errors.append((K[i, keep] @ alpha - y[i]) ** 2)
    assert loo_regression_scores(K, y)["loo_mse"] == pytest.approx(-np.mean(errors), abs=1e-12)


@pytest.mark.parametrize("model", [QKRR(seed=0), QSVR(seed=0), QGPR(seed=0)],
                         ids=["QKRR", "QSVR", "QGPR"])
def test_check_estimator(model):
    results = check_estimator(model, on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results
              if r["status"] == "failed" and r["check_name"] != "check_array_api_input"]
    assert failed == []


def test_the_defaults_do_as_well_as_ridge_regression_on_diabetes():
    """5 folds, all ten features on ten qubits, every default: within 0.03 of scikit-learn's
    ridge regression on standardised features (R^2 0.49)."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_diabetes(return_X_y=True)
    folds = KFold(5, shuffle=True, random_state=0)
    ridge = cross_val_score(make_pipeline(StandardScaler(), Ridge()), X, y, cv=folds).mean()
    for model in (QKRR(seed=0), QSVR(seed=0), QGPR(seed=0)):
        score = cross_val_score(model, X, y, cv=folds).mean()
        assert score > ridge - 0.03, (type(model).__name__, score, ridge)


@pytest.mark.parametrize("cls", [QKRR, QSVR, QGPR])
def test_a_saved_regressor_predicts_the_same(cls, tmp_path, diabetes):
    X_train, X_test, y_train, _ = diabetes
    model = cls(seed=0, kernel="trainable" if cls is QKRR else "fidelity").fit(
        X_train[:60], y_train[:60])
    loaded = cls.load(model.save(tmp_path / "model.json"))
    np.testing.assert_allclose(loaded.predict(X_test), model.predict(X_test), rtol=1e-12)
    doc = json.loads((tmp_path / "model.json").read_text())
    doc["coef"] = doc["coef"][:-1]
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(ResultFileError, match="coef"):
        cls.load(tmp_path / "bad.json")


def test_a_trainable_kernel_aligns_with_the_targets(diabetes):
    X_train, _, y_train, _ = diabetes
    X, y = X_train[:80], y_train[:80]
    model = QKRR(kernel="trainable", seed=0).fit(X, y)
    plain = QKRR(seed=0).fit(X, y)
    assert model.feature_bandwidths_.shape == (4,)
    assert model.bandwidth_ == plain.bandwidth_  # trained from the same start
    angles = X @ model.input_matrix_ + model.input_offset_
    z = (y - y.mean()) / y.std()

    def alignment(K):  # with the target kernel z z^T, as the regression training uses
        return np.sum(K * np.outer(z, z)) / (np.linalg.norm(K) * np.linalg.norm(np.outer(z, z)))

    kernel = QuantumKernel(bandwidth=1.0)
    before = alignment(kernel.evaluate(angles * model.bandwidth_))
    after = alignment(kernel.evaluate(angles * model.feature_bandwidths_))
    assert after > before + 0.01


@pytest.mark.parametrize("y, match", [
    (np.ones(10), "y is constant"),
    (np.r_[np.nan, np.ones(9)], "NaN"),
    (np.array(["a"] * 10), "could not convert|numeric"),
])
def test_bad_targets_are_one_clear_line(y, match):
    X = np.random.default_rng(0).uniform(size=(10, 2))
    for cls in (QKRR, QSVR, QGPR):
        with pytest.raises(InvalidInputError, match=match) as info:
            cls().fit(X, y)
        assert "\n" not in str(info.value)
    with pytest.raises(InvalidInputError, match="at least two samples|1 sample"):
        QKRR().fit(X[:1], [1.0])


def test_cli_trains_each_regressor_and_refuses_what_it_cannot_do(tmp_path):
    from tests.helpers import qlimits

    for model in ("qkrr", "qsvr", "qgpr"):
        run = qlimits("train", "--model", model, "--dataset", "diabetes", "--qubits", "4",
                      "--seed", "0", "--out", str(tmp_path / model))
        assert run.returncode == 0, run.stderr
        metrics = json.loads((tmp_path / model / "metrics.json").read_text())
        assert metrics["model"] == model and metrics["test_r2"] > 0.3
        loaded = {"qkrr": QKRR, "qsvr": QSVR, "qgpr": QGPR}[model].load(
            tmp_path / model / "model.json")
        assert loaded.n_qubits_ == 4
    assert "alpha" in metrics and "test_mean_std" in metrics  # the QGPR's
    priced = qlimits("train", "--model", "qsvr", "--dataset", "diabetes", "--qubits", "2",
                     "--backend", "fake:fake_lima", "--dry-run", "--out", str(tmp_path / "d"))
    assert priced.returncode == 0, priced.stderr
    assert "kernel_training" in priced.stdout and not (tmp_path / "d").exists()
    for flags, match in ((["--dry-run"], "uses no QPU"),
                         (["--classes", "0,1"], "--classes"),
                         (["--resume"], "--resume: not for --model qkrr")):
        run = qlimits("train", "--model", "qkrr", "--dataset", "diabetes", *flags, "--out",
                      str(tmp_path / "refused"))
        assert run.returncode == 1 and match in run.stderr
        assert not (tmp_path / "refused").exists()


@pytest.mark.parametrize("cls", [QKRR, QGPR])
def test_a_fit_on_a_fake_device_runs_the_circuits_its_estimate_counts(cls, tmp_path,
                                                                     monkeypatch):
    from qml.hardware.ledger import Ledger

    monkeypatch.setenv("QLIMITS_LEDGER", str(tmp_path / "ledger.db"))
    X, y = load_diabetes(return_X_y=True)
    X, y = X[:8, :2], y[:8]
    model = cls(backend="fake:fake_lima", shots=64, bandwidth=0.5, seed=0)
    estimate = model.estimate(X, y, predict_sizes=(3,))
    training = sum(g.jobs * g.circuits for g in estimate.groups if g.kind == "kernel_training")
    assert training == 8 * 7 // 2
    assert not hasattr(model, "coef_")  # nothing fitted, nothing sent
    assert model.fit(X, y).n_kernel_circuits_ == training
    assert {r.kind for r in Ledger().list()} == {"kernel"}
    assert np.isfinite(model.predict(X[:3])).all()
