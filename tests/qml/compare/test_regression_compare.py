"""``compare(task="regression")``: every regressor on the same folds, its scores equal to
scikit-learn's cross-validation of the same pipeline, its sizes and costs to their formulas;
the result file, the same report on a Dask cluster, the CLI, bad input."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from qml import VQC, VQR
from qml.compare import RegressionComparison, compare
from qml.compare.regression_baselines import regression_model, regressor_parameters
from qml.errors import ConfigurationError, InvalidInputError, ResultFileError

MODELS = ["qkrr", "ridge", "svr", "random_forest"]


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X[:150], y[:150]


@pytest.fixture(scope="module")
def report(diabetes):
    return compare(*diabetes, dataset="diabetes", task="regression", models=MODELS,
                   extra_models={"vqr": VQR(maxiter=10, seed=0)}, folds=3, seed=0)


def test_scores_equal_scikit_learns_cross_validation_of_the_same_pipeline(diabetes, report):
    X, y = diabetes
    folds = KFold(3, shuffle=True, random_state=0)
    by_name = {m.name: m for m in report.models}
    assert list(by_name) == [*MODELS, "vqr"]
    for name, model in (("ridge", Ridge()), ("svr", regression_model("svr"))):
        r2 = cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=folds)
        np.testing.assert_allclose(by_name[name].r2, r2, rtol=0, atol=1e-10)
        rmse = -cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=folds,
                                scoring="neg_root_mean_squared_error")
        np.testing.assert_allclose(by_name[name].rmse, rmse, rtol=0, atol=1e-8)
    assert by_name["ridge"].n_parameters == 11 and by_name["ridge"].cost_unit.startswith("FLOP")
    n_train = 100  # the last fold's training part
    assert by_name["ridge"].training_cost == pytest.approx(2 * n_train * 100 + 1000 / 3)
    assert by_name["qkrr"].training_cost == n_train  # one feature state per sample
    assert by_name["vqr"].n_parameters == 40 + 2 and "circuit" in by_name["vqr"].cost_unit


def test_attributions_include_the_vqrs_exact_input_gradients(report):
    assert set(report.importances["vqr"]) == {"permutation", "input_gradient"}
    assert set(report.importances["random_forest"]) == {"permutation", "impurity"}
    assert len(report.importances["qkrr"]["permutation"]) == 10
    assert any(k.startswith("vqr:input_gradient ~ ") for k in report.rank_correlations)


def test_the_report_file_round_trips_and_is_validated(report, tmp_path):
    path = report.save(tmp_path / "cmp.json")
    assert RegressionComparison.load(path) == report
    csv = report.to_csv().splitlines()
    assert csv[0].startswith("model,r2_mean,r2_sd,rmse_mean") and len(csv) == 6
    doc = json.loads(path.read_text())
    doc["models"][0]["r2"] = doc["models"][0]["r2"][:2]
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(ResultFileError, match="fold scores"):
        RegressionComparison.load(tmp_path / "bad.json")


def test_the_same_report_on_a_dask_cluster(diabetes, report, dask_client):
    on_cluster = compare(*diabetes, dataset="diabetes", task="regression", models=MODELS,
                         extra_models={"vqr": VQR(maxiter=10, seed=0)}, folds=3, seed=0,
                         scheduler=dask_client)
    for a, b in zip(on_cluster.models, report.models):
        assert a.name == b.name
        np.testing.assert_allclose(a.r2, b.r2, rtol=0, atol=1e-10)


def test_fitted_sizes_unwrap_the_standardised_targets(diabetes):
    X, y = diabetes
    mlp = regression_model("mlp", seed=0).fit(X, y)
    inner = mlp.regressor_
    assert regressor_parameters(mlp) == sum(w.size for w in inner.coefs_) + \
        sum(b.size for b in inner.intercepts_)


def test_bad_input_is_one_clear_error(diabetes):
    X, y = diabetes
    with pytest.raises(InvalidInputError, match="numbers"):
        compare(X, np.array(["a"] * len(X)), task="regression")
    with pytest.raises(InvalidInputError, match="vary"):
        compare(X, np.ones(len(X)), task="regression")
    with pytest.raises(ConfigurationError, match="folds"):
        compare(X[:3], y[:3], task="regression", folds=5)
    with pytest.raises(ConfigurationError, match="classifiers"):
        compare(X, y, task="regression", vqc=VQC())
    with pytest.raises(ConfigurationError, match="unknown regression model"):
        compare(X, y, task="regression", models=["logistic_regression"])
    with pytest.raises(ConfigurationError, match="task"):
        compare(X, y, task="ranking")


def test_cli_compares_regressors_and_writes_its_files(tmp_path):
    from tests.helpers import qlimits

    run = qlimits("compare", "--task", "regression", "--dataset", "diabetes", "--models",
                  "ridge,qgpr,gaussian_process", "--folds", "3", "--out", str(tmp_path / "c"))
    assert run.returncode == 0, run.stderr
    assert "R^2" in run.stdout and "qgpr" in run.stdout
    names = {p.name for p in (tmp_path / "c").iterdir()}
    assert names == {"comparison.json", "comparison.csv", "comparison.png", "importances.png"}
    report = RegressionComparison.load(tmp_path / "c" / "comparison.json")
    assert [m.name for m in report.models] == ["ridge", "qgpr", "gaussian_process"]
    assert all(m.score_mean > 0.3 for m in report.models)
