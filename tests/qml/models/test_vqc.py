"""VQC: accuracy, agreement with Aer, persistence, the scikit-learn contract, bad input."""

import json
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from circuits.readouts import Parity
from qml import VQC
from qml.datasets import load_dataset
from qml.errors import (
    CircuitTooWideError,
    ConfigurationError,
    FallbackWarning,
    InvalidInputError,
    NotFittedError,
    ResultFileError,
    StateTooLargeError,
    UnknownBackendError,
    VersionMismatchWarning,
)
from tests.conftest import ANSATZE, FEATURE_MAPS, aer_statevectors
from tests.helpers import assert_sklearn_compatible


@pytest.fixture(scope="module")
def iris2():
    return load_dataset("iris", classes=[1, 2], seed=0)


@pytest.fixture(scope="module")
def iris3():
    return load_dataset("iris", seed=0)


def test_iris_two_classes_accuracy(iris2):
    clf = VQC(seed=0).fit(iris2.X_train, iris2.y_train)
    assert clf.score(iris2.X_test, iris2.y_test) >= 0.9


def test_breast_cancer_pca4_accuracy():
    ds = load_dataset("breast_cancer", n_features=4, seed=0)
    clf = VQC(seed=0).fit(ds.X_train, ds.y_train)
    assert clf.score(ds.X_test, ds.y_test) >= 0.85


def test_multiclass_iris(iris3):
    clf = VQC(seed=0).fit(iris3.X_train, iris3.y_train)
    assert clf.predict_proba(iris3.X_test).shape == (45, 3)
    assert clf.score(iris3.X_test, iris3.y_test) >= 0.9
    assert clf.decision_function(iris3.X_test).shape == (45, 3)


@pytest.mark.parametrize("fm", FEATURE_MAPS)
@pytest.mark.parametrize("an", ANSATZE)
@pytest.mark.parametrize("readout", ["parity", "z_per_class"])
def test_exact_predictions_equal_aer_statevector(fm, an, readout, iris3, rng):
    classes = [0, 1] if readout == "parity" else [0, 1, 2]
    keep = np.isin(iris3.y_train, classes)
    X, y = iris3.X_train[keep][:30, :3], iris3.y_train[keep][:30]
    clf = VQC(feature_map=fm, ansatz=an, readout=readout, feature_map_reps=1, ansatz_reps=1,
              maxiter=3, seed=0).fit(X, y)
    clf.weights_ = rng.uniform(-np.pi, np.pi, len(clf.weights_))  # random weights
    Xq = X[:4]
    probs = clf.predict_proba(Xq)
    cc = clf.circuit_
    angles = Xq @ clf.input_matrix_ + clf.input_offset_
    states = aer_statevectors(cc.circuit, [dict(zip(cc.inputs + cc.weights, [*a, *clf.weights_]))
                                           for a in angles])
    obs = clf.readout_.observables(cc.num_qubits, len(classes))
    E = np.array([[np.vdot(s, o.to_matrix() @ s).real for o in obs] for s in states])
    np.testing.assert_allclose(probs, clf.readout_.probabilities(E), atol=1e-9)


def test_save_load_round_trip(tmp_path, iris3):
    clf = VQC(seed=1, maxiter=20, readout="z_per_class").fit(iris3.X_train, iris3.y_train)
    path = clf.save(tmp_path / "m" / "model.json")
    doc = json.loads(path.read_text())
    assert doc["format"] == "qlimits.vqc" and "qiskit_version" in doc
    again = VQC.load(path)
    np.testing.assert_array_equal(again.predict(iris3.X_test), clf.predict(iris3.X_test))
    np.testing.assert_allclose(again.predict_proba(iris3.X_test), clf.predict_proba(iris3.X_test),
                               atol=1e-15)
    assert again.get_params() == clf.get_params()
    assert not list(tmp_path.rglob("*.pkl"))


def test_save_load_string_labels_and_custom_circuits(tmp_path, iris2):
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    t = ParameterVector("t", 2)
    ansatz = QuantumCircuit(4)
    ansatz.ry(t[0], 0)
    ansatz.cx(0, 1)
    ansatz.ry(t[1], 1)
    y = np.where(iris2.y_train == 1, "versicolor", "virginica")
    clf = VQC(ansatz=ansatz, readout=Parity(), maxiter=10, seed=0).fit(iris2.X_train, y)
    again = VQC.load(clf.save(tmp_path / "model.json"))
    assert again.classes_.tolist() == ["versicolor", "virginica"]
    np.testing.assert_array_equal(again.predict(iris2.X_test), clf.predict(iris2.X_test))


def test_fitted_attributes_are_public_and_saved(tmp_path, iris2):
    exact = VQC(seed=0, maxiter=3).fit(iris2.X_train, iris2.y_train)
    assert (exact.optimizer_, exact.shots_) == ("lbfgs", None)
    assert exact.n_circuit_evaluations_ > 0 and exact.fit_seconds_ > 0
    shots = VQC(backend="aer", shots=32, maxiter=2, seed=0).fit(iris2.X_train[:10],
                                                               iris2.y_train[:10])
    assert (shots.optimizer_, shots.shots_) == ("spsa", 32)
    again = VQC.load(shots.save(tmp_path / "m.json"))
    for name in ("optimizer_", "shots_", "n_circuit_evaluations_", "fit_seconds_", "n_iter_"):
        assert getattr(again, name) == getattr(shots, name)


def test_loading_other_versions_warns_and_format_1_loads(tmp_path, iris2):
    clf = VQC(seed=0, maxiter=3).fit(iris2.X_train, iris2.y_train)
    path = clf.save(tmp_path / "m.json")
    doc = json.loads(path.read_text())
    doc["qlimits_version"] = "0.0.1"
    path.write_text(json.dumps(doc))
    with pytest.warns(VersionMismatchWarning, match="0.0.1"):
        VQC.load(path)
    # a model file of qlimits 0.1: format version 1, without the fitted attributes of 0.2
    for key in ("optimizer", "shots", "n_circuit_evaluations", "fit_seconds"):
        del doc[key]
    path.write_text(json.dumps({**doc, "format_version": 1}))
    with pytest.warns(VersionMismatchWarning):
        old = VQC.load(path)
    assert (old.optimizer_, old.shots_, old.n_circuit_evaluations_) == ("lbfgs", None, None)
    np.testing.assert_array_equal(old.predict(iris2.X_test), clf.predict(iris2.X_test))
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(ResultFileError, match="no 'format' field, not a 'qlimits.vqc' file"):
        VQC.load(tmp_path / "other.json")


@pytest.mark.parametrize("edit, match", [
    (lambda d: d.update(weights=d["weights"][:-1]), "15 weights for a circuit with 16"),
    (lambda d: d["weights"].__setitem__(0, None), "weights\\[0\\]': None is not of type"),
    (lambda d: d["weights"].__setitem__(0, float("nan")), "holds NaN"),
    (lambda d: d["weights"].__setitem__(0, float("inf")), "weights holds NaN or infinite"),
    (lambda d: d.update(classes=[1]), "classes'.*too short|should be non-empty|is too short"),
    (lambda d: d.update(input_offset=[0.0]), "do not map 4 features"),
    (lambda d: d["params"].update(maxiter=0), "maxiter must be a positive integer"),
    (lambda d: d.update(optimizer="sgd"), "'sgd' is not one of"),
])
def test_inconsistent_model_files_are_refused(tmp_path, iris2, edit, match):
    clf = VQC(seed=0, maxiter=3).fit(iris2.X_train, iris2.y_train)
    doc = clf.to_dict()
    edit(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ResultFileError, match=match) as info:
        VQC.load(path)
    assert str(info.value).startswith(str(path))


def test_options_the_fit_would_not_use_are_named(iris2):
    X, y = iris2.X_train[:10], iris2.y_train[:10]
    with pytest.warns(UserWarning, match="learning_rate=0.5 .cobyla has no step size"):
        VQC(learning_rate=0.5, optimizer="cobyla", maxiter=1, seed=0).fit(X, y)
    with pytest.warns(UserWarning, match="runtime_options"):
        VQC(backend="aer", runtime_options={"x": 1}, maxiter=1, seed=0).fit(X, y)
    with pytest.warns(UserWarning, match="optimization_level=3 .*untranspiled"):
        VQC(optimization_level=3, maxiter=1, seed=0).fit(X, y)
    with pytest.warns(UserWarning, match="reduction='pca' has no effect"):
        VQC(reduction="pca", maxiter=1, seed=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        VQC(maxiter=1, seed=0, learning_rate=0.1, optimizer="adam").fit(X, y)


def test_check_estimator():
    assert_sklearn_compatible(VQC(seed=0, maxiter=50))


def test_clone_pipeline_and_grid_search(iris2):
    clf = VQC(seed=0, maxiter=20)
    assert clone(clf).get_params() == clf.get_params()
    pipe = make_pipeline(StandardScaler(), VQC(seed=0, maxiter=20)).fit(iris2.X_train,
                                                                      iris2.y_train)
    assert pipe.score(iris2.X_test, iris2.y_test) > 0.7
    grid = GridSearchCV(VQC(seed=0, maxiter=15), {"ansatz_reps": [1, 2]}, cv=2)
    grid.fit(iris2.X_train, iris2.y_train)
    assert grid.best_params_["ansatz_reps"] in (1, 2)
    assert len(grid.cv_results_["mean_test_score"]) == 2


@pytest.mark.parametrize("optimizer", ["cobyla", "lbfgs", "spsa", "adam"])
def test_callback_fires_every_iteration_for_every_optimizer(optimizer, iris2):
    seen = []
    maxiter = 20  # COBYLA needs at least n_weights + 2 evaluations
    clf = VQC(optimizer=optimizer, maxiter=maxiter, seed=0, callback=seen.append)
    clf.fit(iris2.X_train, iris2.y_train)
    assert [i.iteration for i in seen] == list(range(1, clf.n_iter_ + 1))
    assert clf.n_iter_ == len(clf.loss_curve_) and 1 <= clf.n_iter_ <= maxiter
    np.testing.assert_allclose([i.loss for i in seen], clf.loss_curve_)
    if optimizer != "lbfgs":  # L-BFGS-B may converge early
        assert clf.n_iter_ == maxiter


def test_same_seed_same_model_and_different_seed_differs(iris2):
    a = VQC(seed=3, maxiter=10).fit(iris2.X_train, iris2.y_train)
    b = VQC(seed=3, maxiter=10).fit(iris2.X_train, iris2.y_train)
    c = VQC(seed=4, maxiter=10).fit(iris2.X_train, iris2.y_train)
    np.testing.assert_array_equal(a.weights_, b.weights_)
    assert not np.allclose(a.weights_, c.weights_)


def test_shot_based_fit_is_reproducible(iris2):
    kw = dict(backend="aer", shots=256, maxiter=4, seed=5, optimizer="spsa")
    a = VQC(**kw).fit(iris2.X_train[:20], iris2.y_train[:20])
    b = VQC(**kw).fit(iris2.X_train[:20], iris2.y_train[:20])
    np.testing.assert_array_equal(a.weights_, b.weights_)
    assert a.n_circuit_evaluations_ == 20 * (3 * 4 + 1)


def test_noisy_fake_backend_trains(iris2):
    clf = VQC(backend="aer:fake_lima", shots=512, optimizer="cobyla", maxiter=5, seed=0)
    clf.fit(iris2.X_train[:20], iris2.y_train[:20])
    assert clf.predict(iris2.X_test[:5]).shape == (5,)


def test_initial_weights_and_warm_start(iris2):
    w0 = np.linspace(-1, 1, 16)
    seen = []
    clf = VQC(initial_weights=w0, maxiter=1, optimizer="adam", callback=seen.append)
    clf.fit(iris2.X_train, iris2.y_train)
    np.testing.assert_array_equal(seen[0].weights, w0)
    clf.set_params(warm_start=True)
    before = clf.weights_.copy()
    clf.fit(iris2.X_train, iris2.y_train)
    np.testing.assert_array_equal(seen[-1].weights, before)
    with pytest.raises(InvalidInputError, match="16 finite"):
        VQC(initial_weights=[1.0, 2.0]).fit(iris2.X_train, iris2.y_train)


def test_verbose_shows_progress(iris2, capsys):
    VQC(verbose=True, maxiter=3, optimizer="cobyla", seed=0).fit(iris2.X_train, iris2.y_train)
    assert "loss=" in capsys.readouterr().err


def test_fallback_to_aer_for_unsupported_circuits(iris2):
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    t = ParameterVector("t", 1)
    ansatz = QuantumCircuit(4)
    ansatz.ry(t[0], 0)
    ansatz.reset(1)  # the exact engine has no reset
    with pytest.warns(FallbackWarning, match="reset"):
        clf = VQC(ansatz=ansatz, optimizer="cobyla", maxiter=3, seed=0)
        clf.fit(iris2.X_train[:10], iris2.y_train[:10])
    assert clf.predict_proba(iris2.X_test[:3]).shape == (3, 2)


def test_pca_reduction_is_the_shared_pipeline():
    """reduction='pca' standardises, reduces and scales as qml.models.preprocessing does."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    clf = VQC(n_qubits=3, reduction="pca", maxiter=10, seed=0).fit(X, y)
    assert clf.n_qubits_ == 3 and clf.n_features_in_ == 30
    reference = X
    for step in (StandardScaler(), PCA(3, random_state=0), MinMaxScaler((0, np.pi))):
        reference = step.fit_transform(reference)
    np.testing.assert_allclose(X @ clf.input_matrix_ + clf.input_offset_, reference, atol=1e-9)


# --------------------------------------------------------------------------- bad input
def test_bad_inputs_raise_clear_errors(iris2):
    X, y = iris2.X_train, iris2.y_train
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(InvalidInputError, match="NaN"):
        VQC().fit(bad, y)
    bad[0, 0] = np.inf
    with pytest.raises(InvalidInputError, match="infinity"):
        VQC().fit(bad, y)
    with pytest.raises(InvalidInputError, match="2D array"):
        VQC().fit(X[:, 0], y)
    with pytest.raises(InvalidInputError, match="inconsistent numbers of samples"):
        VQC().fit(X, y[:-1])
    with pytest.raises(InvalidInputError, match="only one class"):
        VQC().fit(X, np.zeros(len(y)))
    with pytest.raises(NotFittedError, match="not fitted"):
        VQC().predict(X)
    with pytest.raises(InvalidInputError, match="features"):
        VQC(maxiter=2).fit(X, y).predict(X[:, :3])
    with pytest.raises(InvalidInputError, match="reduction='pca'"):
        VQC(n_qubits=2).fit(X, y)


def test_bad_options_raise_clear_errors(iris2):
    X, y = iris2.X_train, iris2.y_train
    with pytest.raises(UnknownBackendError, match="statevector, aer"):
        VQC(backend="qasm").fit(X, y)
    with pytest.raises(UnknownBackendError, match="fake_kolkata"):
        VQC(backend="aer:fake_nowhere").fit(X, y)
    with pytest.raises(ConfigurationError, match="cobyla"):
        VQC(optimizer="sgd").fit(X, y)
    with pytest.raises(ConfigurationError, match="maxiter"):
        VQC(maxiter=0).fit(X, y)
    with pytest.raises(ConfigurationError, match="shots"):
        VQC(shots=-5).fit(X, y)
    with pytest.raises(CircuitTooWideError, match="has 1"):
        VQC(backend="aer:fake_armonk").fit(X, y)


def test_state_too_large_is_refused_before_allocating():
    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(6, 40)), np.array([0, 1] * 3)
    with pytest.raises(StateTooLargeError, match="40-qubit"):
        VQC().fit(X, y)


def test_pickling_is_possible_for_joblib_but_drops_the_engine(iris2):
    import pickle

    clf = VQC(seed=0, maxiter=3).fit(iris2.X_train, iris2.y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        copy = pickle.loads(pickle.dumps(clf))  # in memory only, as joblib does
    np.testing.assert_allclose(copy.predict_proba(iris2.X_test), clf.predict_proba(iris2.X_test))


@pytest.mark.parametrize("fm", FEATURE_MAPS)
@pytest.mark.parametrize("an", ANSATZE)
@pytest.mark.parametrize("readout", ["parity", "z_per_class", "observables"])
def test_training_gradient_matches_finite_differences(fm, an, readout, iris3, rng):
    """The loss gradient used for training (adjoint through readout and cross-entropy)."""
    from qiskit.quantum_info import SparsePauliOp

    from qml.models.loss import CrossEntropy

    n_classes = 2 if readout != "z_per_class" else 3
    if readout == "observables":
        readout = [SparsePauliOp("XZI"), SparsePauliOp("YYZ")]
    keep = np.isin(iris3.y_train, range(n_classes))
    X, y = iris3.X_train[keep][:12, :3], iris3.y_train[keep][:12]
    clf = VQC(feature_map=fm, ansatz=an, readout=readout, ansatz_reps=1, maxiter=1,
              optimizer="adam", seed=0).fit(X, y)
    objective = CrossEntropy(clf._evaluator, clf.readout_, clf._angles(X),
                              np.searchsorted(clf.classes_, y))
    w = rng.uniform(-np.pi, np.pi, len(clf.weights_))
    loss, grad = objective.loss_and_grad(w)
    assert loss == pytest.approx(objective.losses(w[None])[0], abs=1e-12)
    h, eye = 1e-5, np.eye(len(w))
    central = (objective.losses(w + h * eye) - objective.losses(w - h * eye)) / (2 * h)
    np.testing.assert_allclose(grad, central, atol=1e-6)


def test_shot_based_training_is_one_primitive_call_per_iteration(iris2, monkeypatch):
    from qiskit_aer.primitives import SamplerV2

    calls = []
    original = SamplerV2.run
    monkeypatch.setattr(SamplerV2, "run",
                        lambda self, pubs, **kw: calls.append(1) or original(self, pubs, **kw))
    clf = VQC(backend="aer", shots=64, optimizer="adam", maxiter=3, seed=0)
    clf.fit(iris2.X_train[:10], iris2.y_train[:10])
    assert len(calls) == 3 + 1  # one per iteration (all shifts inside) + the final loss


def test_statevector_with_shots_trains_on_draws_from_the_exact_distribution(tmp_path, iris2):
    """shots on the engine: SPSA by default, the shots recorded and saved, predictions drawn
    again identically by the loaded model; shot noise, not exact values."""
    X, y = iris2.X_train[:20], iris2.y_train[:20]
    clf = VQC(shots=64, maxiter=4, seed=3).fit(X, y)
    assert (clf.optimizer_, clf.shots_) == ("spsa", 64)
    on_aer = VQC(shots=64, maxiter=4, seed=3, backend="aer").fit(X, y)
    assert clf.n_circuit_evaluations_ == on_aer.n_circuit_evaluations_  # the same SPSA run
    loaded = VQC.load(clf.save(tmp_path / "m.json"))
    assert loaded.shots == 64
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    exact = clf.on_backend("statevector").predict_proba(X)
    assert not np.allclose(clf.predict_proba(X), exact)  # 64 shots: values on a 1/64 grid
    assert np.allclose(clf.predict_proba(X) * 64, np.round(clf.predict_proba(X) * 64))


def test_a_fitted_model_evaluates_on_another_backend_without_training():
    """on_backend: the same weights on a shot-based or noisy backend; many shots approach
    the exact probabilities, the original is unchanged, bad requests fail clearly."""
    from sklearn.datasets import load_iris

    from qml.errors import NotFittedError, UnknownBackendError

    X, y = load_iris(return_X_y=True)
    X, y = X[50:], y[50:]
    clf = VQC(seed=0, maxiter=20).fit(X, y)
    exact = clf.predict_proba(X[:10])
    many = clf.on_backend("aer", shots=50_000, seed=3)
    assert many.backend == "aer" and np.array_equal(many.weights_, clf.weights_)
    assert np.abs(many.predict_proba(X[:10]) - exact).max() < 0.02  # ~4/sqrt(shots)
    few = [clf.on_backend("aer", shots=4, seed=s).predict_proba(X[:10]) for s in range(3)]
    assert not np.array_equal(few[0], few[1])  # shot noise: the seed matters at 4 shots
    np.testing.assert_array_equal(  # and is reproducible
        clf.on_backend("aer", shots=4, seed=1).predict_proba(X[:10]), few[1])
    noisy = clf.on_backend("aer:fake_lima", shots=500, seed=0)
    assert 0.5 < noisy.score(X[::5], y[::5]) <= 1.0
    assert clf.backend == "statevector" and clf.shots is None
    np.testing.assert_array_equal(clf.predict_proba(X[:10]), exact)
    with pytest.raises(NotFittedError, match="evaluating it on another backend"):
        VQC().on_backend("aer")
    with pytest.raises(UnknownBackendError, match="unknown backend 'nope'"):
        clf.on_backend("nope")
    sampled = clf.on_backend("statevector", shots=100, seed=0)  # draws from the exact law
    assert sampled.shots == 100 and not (sampled.predict_proba(X[:10]) == exact).all()
    np.testing.assert_allclose(sampled.predict_proba(X[:10]), exact, atol=0.25)


def test_a_checkpoint_path_in_a_model_file_is_never_written(tmp_path):
    """A model file's checkpoint path is data: the loaded model has none, so a refit writes
    nowhere the file says."""
    import json

    X = np.random.default_rng(0).normal(size=(20, 2))
    y = np.arange(20) % 2
    path = VQC(maxiter=2, seed=0, checkpoint=str(tmp_path / "ck.json")).fit(X, y).save(
        tmp_path / "model.json")
    doc = json.loads(path.read_text())
    doc["params"].update(checkpoint=str(tmp_path / "elsewhere.json"), resume=True)
    path.write_text(json.dumps(doc))
    model = VQC.load(path)
    assert (model.checkpoint, model.resume) == (None, False)
    model.fit(X, y)
    assert not (tmp_path / "elsewhere.json").exists()
