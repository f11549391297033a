"""The variational quantum regressor held to its references: its loss to one computed from
Aer's Estimator, its gradient to central differences and to the parameter-shift rule on Aer,
its input gradients to differences of its predictions; the spectrum argument of data
re-uploading on a Fourier series; scikit-learn's contract, targets in the user's units,
files, other backends, checkpoints, Dask, the defaults on real data, bad input."""

import json

import numpy as np
import pytest
from qiskit_aer.primitives import EstimatorV2
from sklearn.base import clone
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from qml import VQR
from qml.backends.evaluators import AerEstimatorEvaluator, ExactEvaluator
from qml.errors import ConfigurationError, InvalidInputError, ResultFileError
from qml.models.loss import SquaredError
from qml.regression_datasets import fourier_series
from tests.helpers import assert_sklearn_compatible


@pytest.fixture(scope="module")
def small():
    """Three features, 30 samples, a smooth target."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 3))
    return X, np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2] + 3.0


def _built(small, **kw):
    """A VQR with its circuit built on ``small`` and a random parameter set (weights, scale,
    offset), through one iteration of the public fit."""
    reg = VQR(feature_map="zz", ansatz_reps=2, maxiter=1, seed=0, **kw).fit(*small)
    w = np.random.default_rng(5).uniform(-np.pi, np.pi, len(reg.weights_) + 2)
    w[-2:] = (1.7, -0.3)
    X = reg.input_matrix_.T @ small[0].T + reg.input_offset_[:, None]
    return reg, X.T, (small[1] - reg.y_mean_) / reg.y_scale_, w


def test_the_loss_equals_one_computed_from_aers_estimator(small):
    reg, angles, targets, w = _built(small)
    exact = SquaredError(ExactEvaluator(reg.circuit_, [reg.observable_]), angles, targets)
    cc = reg.circuit_
    values = np.hstack([angles, np.tile(w[:-2], (len(angles), 1))])
    order = [*cc.inputs, *cc.weights]
    bound = values[:, [order.index(p) for p in cc.circuit.parameters]]
    estimator = EstimatorV2(options={"default_precision": 0.0,
                                     "backend_options": {"method": "statevector"}})
    evs = estimator.run([(cc.circuit, reg.observable_, bound)]).result()[0].data.evs
    reference = np.mean((w[-2] * evs + w[-1] - targets) ** 2)
    assert exact.losses(w[None])[0] == pytest.approx(reference, abs=1e-9)


def test_the_gradient_equals_central_differences_and_the_parameter_shift_rule(small):
    reg, angles, targets, w = _built(small)
    loss = SquaredError(ExactEvaluator(reg.circuit_, [reg.observable_]), angles, targets)
    value, grad = loss.loss_and_grad(w)
    assert value == pytest.approx(loss.losses(w[None])[0], abs=1e-12)
    h = 1e-5
    steps = np.eye(len(w)) * h
    numeric = (loss.losses(w + steps) - loss.losses(w - steps)) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=0, atol=1e-6)
    shifted = SquaredError(AerEstimatorEvaluator(reg.circuit_, [reg.observable_]), angles,
                           targets).loss_and_grad(w)
    np.testing.assert_allclose(shifted[1], grad, rtol=0, atol=1e-8)


def test_input_gradients_equal_differences_of_the_predictions(small):
    X, y = small
    reg = VQR(feature_map="zz", maxiter=15, seed=1).fit(X, y)
    grads = reg.input_gradients(X[:5])
    h = 1e-5
    for j in range(X.shape[1]):
        step = np.zeros(X.shape[1])
        step[j] = h
        numeric = (reg.predict(X[:5] + step) - reg.predict(X[:5] - step)) / (2 * h)
        np.testing.assert_allclose(grads[:, j], numeric, rtol=0, atol=1e-6)


@pytest.fixture(scope="module")
def fourier():
    X, y = fourier_series(300, degree=3, seed=4)
    return X[:200], y[:200], X[200:], y[200:]


@pytest.mark.parametrize("reps,fits,word", [(3, True, "three re-uploadings reach test R^2"),
                                            (2, False, "two"), (1, False, "and one")])
def test_reuploading_sets_the_fourier_degree_a_vqr_can_fit(fourier, reps, fits, word):
    """Schuld, Sweke & Meyer 2021: x encoded r times gives frequencies up to r. A series of
    degree 3 is fitted with three re-uploadings, and cannot be with one or two; the
    regression guide quotes each score."""
    from pathlib import Path

    X, y, X_test, y_test = fourier
    reg = VQR(feature_map="reuploading", feature_map_reps=reps, n_qubits=2,
              input_scaling=None, maxiter=200, seed=0).fit(X, y)
    r2 = reg.score(X_test, y_test)
    assert (r2 >= 0.99) if fits else (r2 < 0.9), r2
    guide = Path(__file__).resolve().parents[3] / "docs" / "guide" / "regression.md"
    assert f"{word} {r2:.3f}" in " ".join(guide.read_text().split()), r2


def test_predictions_are_in_the_users_units(small):
    """Targets standardised inside: an affine change of units changes the predictions by
    the same map, and the fit is the same fit."""
    X, y = small
    kw = dict(maxiter=20, seed=2)
    a = VQR(**kw).fit(X, y)
    b = VQR(**kw).fit(X, 1000 * y - 7)
    np.testing.assert_allclose(b.predict(X), 1000 * a.predict(X) - 7, rtol=1e-7)
    np.testing.assert_allclose(b.weights_, a.weights_, atol=1e-8)
    assert a.y_mean_ == pytest.approx(y.mean()) and a.y_scale_ == pytest.approx(y.std())


def test_check_estimator():
    assert_sklearn_compatible(VQR(seed=0, maxiter=20, ansatz_reps=1))  # the API, not the fit


def test_clone_pipeline_and_grid_search(small):
    X, y = small
    search = GridSearchCV(make_pipeline(StandardScaler(), VQR(maxiter=10, seed=0)),
                          {"vqr__ansatz_reps": [1, 2]}, cv=2).fit(X, y)
    assert search.best_params_["vqr__ansatz_reps"] in (1, 2)
    assert clone(VQR(observable="z0")).get_params()["observable"] == "z0"


def test_save_load_round_trip_and_a_custom_observable(small, tmp_path):
    from qiskit.quantum_info import SparsePauliOp

    X, y = small
    op = SparsePauliOp(["ZZI", "IIZ"], [0.5, -0.25])
    reg = VQR(observable=op, maxiter=10, seed=0).fit(X, y)
    path = reg.save(tmp_path / "m.json")
    back = VQR.load(path)
    np.testing.assert_allclose(back.predict(X), reg.predict(X), rtol=0, atol=1e-12)
    assert back.observable_ == reg.observable_
    doc = json.loads(path.read_text())
    assert doc["format"] == "qlimits.vqr" and doc["params"]["observable"] == {
        "pauli_terms": [["ZZI", 0.5], ["IIZ", -0.25]]}
    doc["y_scale"] = 0
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(ResultFileError, match="y_scale"):
        VQR.load(tmp_path / "bad.json")
    doc["y_scale"], doc["weights"] = 1.0, doc["weights"][:-1]
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(ResultFileError, match="weights"):
        VQR.load(tmp_path / "bad.json")


def test_on_aer_with_shots_the_trained_model_predicts_within_shot_noise(small):
    X, y = small
    reg = VQR(maxiter=20, seed=0).fit(X, y)
    noisy = reg.on_backend("aer", shots=4000, seed=1)
    error = np.abs(noisy.predict(X) - reg.predict(X))
    # <O> has standard error <= 1/sqrt(shots): 5 sigma in the user's units
    assert error.max() < 5 * reg.y_scale_ * abs(reg.output_scale_) / np.sqrt(4000)
    assert error.max() > 0


def test_spsa_on_aer_shots_trains(small):
    X, y = small
    reg = VQR(backend="aer", shots=256, optimizer="spsa", maxiter=15, seed=0).fit(X, y)
    assert reg.shots_ == 256 and reg.optimizer_ == "spsa"
    assert reg.loss_curve_[-5:].mean() < reg.loss_curve_[:3].mean()


class _Stop(Exception):
    pass


def test_adam_resumed_from_its_checkpoint_gives_the_uninterrupted_weights(small, tmp_path):
    X, y = small
    kw = dict(optimizer="adam", maxiter=12, seed=3)
    straight = VQR(**kw).fit(X, y)

    def stop(info):
        if info.iteration == 6:
            raise _Stop

    ck = tmp_path / "ck.json"
    with pytest.raises(_Stop):
        VQR(**kw, checkpoint=ck, callback=stop).fit(X, y)
    resumed = VQR(**kw, checkpoint=ck, resume=True).fit(X, y)
    np.testing.assert_array_equal(resumed.weights_, straight.weights_)
    assert resumed.output_scale_ == straight.output_scale_


def test_data_parallel_on_dask_gives_the_in_process_weights(small, dask_client):
    X, y = small
    in_process = VQR(maxiter=8, seed=0).fit(X, y)
    on_cluster = VQR(maxiter=8, seed=0, scheduler=dask_client).fit(X, y)
    np.testing.assert_allclose(on_cluster.weights_, in_process.weights_, rtol=0, atol=1e-10)
    assert on_cluster.output_offset_ == pytest.approx(in_process.output_offset_, abs=1e-10)


def test_estimate_prices_a_fit_on_a_fake_device_as_the_fit_runs(small):
    """The estimate counts the circuits a fit executes (here one on Aer, counted)."""
    X, y = small
    kw = dict(optimizer="spsa", maxiter=5, seed=0)
    est = VQR(backend="fake:fake_lima", **kw).estimate(X, y)
    ran = VQR(backend="aer", shots=64, **kw).fit(X, y)
    assert est.circuits == ran.n_circuit_evaluations_ and est.jobs == 6


def test_the_default_on_diabetes_is_close_to_ridge():
    """Defaults are results: the default circuit and observable (40 iterations, for time) on
    scikit-learn's diabetes data, 3 folds, are within 0.1 of ridge regression's R^2 (a
    dataset no test tunes them to)."""
    X, y = load_diabetes(return_X_y=True)
    cv = KFold(3, shuffle=True, random_state=0)
    quantum = cross_val_score(VQR(seed=0, maxiter=40), X, y, cv=cv).mean()
    ridge = cross_val_score(Ridge(), X, y, cv=cv).mean()
    assert quantum > ridge - 0.1, (quantum, ridge)


@pytest.mark.parametrize("y,match", [
    (["a"] * 10, "number"),
    ([1.0] * 10, "constant"),
    ([np.nan] + [1.0] * 9, "NaN"),
])
def test_bad_targets_are_one_clear_error(y, match):
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises(InvalidInputError, match=match):
        VQR(maxiter=1).fit(X, y)


def test_one_sample_and_a_bad_observable_are_refused():
    with pytest.raises(InvalidInputError, match="sample"):
        VQR(maxiter=1).fit([[1.0, 2.0]], [3.0])
    with pytest.raises(ConfigurationError, match="observable"):
        VQR(observable="Q", maxiter=1).fit([[1.0], [2.0]], [1.0, 2.0])
    with pytest.raises(ConfigurationError, match="acts on 3 qubits"):
        VQR(observable="ZZZ", maxiter=1).fit([[1.0], [2.0]], [1.0, 2.0])


def test_cli_fits_the_fourier_series_and_refuses_what_a_vqr_cannot_do(tmp_path):
    from tests.helpers import qlimits

    run = qlimits("train", "--model", "vqr", "--dataset", "fourier", "--feature-map",
                  "reuploading", "--feature-map-reps", "3", "--input-scaling", "none",
                  "--maxiter", "200", "--out", str(tmp_path / "f"))
    assert run.returncode == 0, run.stderr
    metrics = json.loads((tmp_path / "f" / "metrics.json").read_text())
    assert metrics["model"] == "vqr" and metrics["test_r2"] > 0.99
    assert VQR.load(tmp_path / "f" / "model.json").feature_map_reps == 3
    assert (tmp_path / "f" / "loss.png").stat().st_size > 1000
    for flags, match in ((["--classes", "0,1"], "--classes"),
                         (["--landmarks", "5"], "--landmarks"),
                         (["--observable", "Q"], "observable")):
        run = qlimits("train", "--model", "vqr", "--dataset", "fourier", *flags, "--out",
                      str(tmp_path / "refused"))
        assert run.returncode == 1 and match in run.stderr, run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "refused" / "model.json").exists()
