"""QSVC: scikit-learn's contract, predictions equal to SVC on the same precomputed kernel,
the ad hoc dataset, JSON round trips, the CLI."""

import json
import pickle

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.svm import SVC
from sklearn.utils.estimator_checks import check_estimator

from qml.datasets import load_dataset
from qml.errors import ConfigurationError, InvalidInputError, NotFittedError, ResultFileError
from qml.models.qsvc import QSVC
from qml.models.quantum_kernel import QuantumKernel
from tests.helpers import qlimits


@pytest.fixture(scope="module")
def ad_hoc():
    return load_dataset("ad_hoc", seed=0)


@pytest.mark.parametrize("name, n", [("iris", 4), ("wine", 3), ("breast_cancer", 4)])
def test_predictions_equal_svc_on_the_same_precomputed_kernel(name, n):
    ds = load_dataset(name, n_features=n, seed=0)
    clf = QSVC(seed=0).fit(ds.X_train, ds.y_train)
    angles = lambda X: X @ clf.input_matrix_ + clf.input_offset_  # noqa: E731
    kernel = QuantumKernel(bandwidth=clf.bandwidth_)  # the one "auto" chose
    svc = SVC(kernel="precomputed").fit(kernel.evaluate(angles(ds.X_train)), ds.y_train)
    K_test = kernel.evaluate(angles(ds.X_test), angles(ds.X_train))
    np.testing.assert_array_equal(clf.predict(ds.X_test), svc.predict(K_test))
    np.testing.assert_allclose(clf.decision_function(ds.X_test), svc.decision_function(K_test),
                               atol=1e-10)
    assert clf.kernel_to_support(ds.X_test).shape == (len(ds.X_test), len(svc.support_))


def test_qsvc_is_importable_from_the_package():
    import qml

    assert qml.QSVC is QSVC and "QSVC" in qml.__all__


def test_the_ad_hoc_dataset_is_separated_as_havlicek_et_al_report(ad_hoc):
    clf = QSVC(input_scaling=None, seed=0).fit(ad_hoc.X_train, ad_hoc.y_train)
    assert clf.score(ad_hoc.X_test, ad_hoc.y_test) >= 0.95  # the exact kernel: near 100%
    assert clf.kernel_target_alignment_ > 0.2
    assert clf.n_kernel_circuits_ == len(ad_hoc.X_train)


SKIPPED_CHECKS = {"check_array_api_input": "NumPy only, as VQC"}


def test_check_estimator():
    # The checks demand 0.83 training accuracy on standardised blobs; Havlicek's kernel at
    # bandwidth 1 is too rough for them (0.83 on three blobs, 0.76 on two), at 0.3 it fits
    # them (0.94, 0.96): a property of the kernel, not of the estimator's contract.
    results = check_estimator(QSVC(seed=0, bandwidth=0.3), on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results
              if r["status"] == "failed"]
    assert failed == []
    assert {r["check_name"] for r in results if r["status"] == "skipped"} <= set(SKIPPED_CHECKS)


def test_grid_search_over_c_and_bandwidth_and_pickle(ad_hoc):
    search = GridSearchCV(QSVC(input_scaling=None, seed=0),
                          {"C": [0.1, 10.0], "bandwidth": [0.1, 1.0]}, cv=3)
    search.fit(ad_hoc.X_train, ad_hoc.y_train)
    assert search.best_params_["bandwidth"] == 1.0  # the kernel the labels were made with
    again = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_array_equal(again.predict(ad_hoc.X_test),
                                  search.best_estimator_.predict(ad_hoc.X_test))


def test_save_and_load_round_trip_and_bad_files(tmp_path):
    ds = load_dataset("iris", n_features=3, seed=0)
    clf = QSVC(C=3.0, seed=0, n_qubits=2, reduction="pca").fit(ds.X_train, ds.y_train)
    path = clf.save(tmp_path / "qsvc.json")
    doc = json.loads(path.read_text())
    assert doc["format"] == "qlimits.qsvc" and "support_vectors" in doc
    loaded = QSVC.load(path)
    np.testing.assert_array_equal(loaded.predict(ds.X_test), clf.predict(ds.X_test))
    assert loaded.get_params() == clf.get_params()
    from qml.errors import VersionMismatchWarning

    with pytest.warns(VersionMismatchWarning, match="saved by qlimits 0.1.0"):
        QSVC.from_dict({**doc, "qlimits_version": "0.1.0"})
    doc["dual_coef"] = doc["dual_coef"][:1]
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(ResultFileError, match="dual_coef .* do not fit 3 classes"):
        QSVC.load(tmp_path / "bad.json")
    with pytest.raises(NotFittedError):
        QSVC().save(tmp_path / "unfitted.json")


@pytest.mark.parametrize("kwargs, error, match", [
    ({"C": 0}, ConfigurationError, "C must be a finite number > 0"),
    ({"feature_map": "reuploading"}, ConfigurationError, "feature_map must be one of"),
    ({"bandwidth": -1}, ConfigurationError, "bandwidth must be"),
    ({"n_qubits": 1}, InvalidInputError, "reduction='pca'"),
])
def test_bad_settings_are_one_clear_error(kwargs, error, match):
    ds = load_dataset("iris", classes=[0, 1], n_features=2, seed=0)
    with pytest.raises(error, match=match):
        QSVC(**kwargs).fit(ds.X_train, ds.y_train)


def _cli(*args, tmp_path):
    return qlimits(*args, env={"QLIMITS_LEDGER": str(tmp_path / "ledger.db")})


def test_cli_trains_a_qsvc_and_refuses_vqc_only_options(tmp_path):
    run = _cli("train", "--model", "qsvc", "--dataset", "ad_hoc", "--input-scaling", "none",
               "--out", str(tmp_path / "q"), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    metrics = json.loads((tmp_path / "q" / "metrics.json").read_text())
    assert metrics["model"] == "qsvc" and metrics["test_accuracy"] >= 0.95
    assert QSVC.load(tmp_path / "q" / "model.json").score(*_ad_hoc_test()) >= 0.95
    refused = _cli("train", "--model", "qsvc", "--dataset", "iris", "--resume", "--out",
                   str(tmp_path / "r"), tmp_path=tmp_path)
    assert refused.returncode == 1 and "--resume: for --model vqc" in refused.stderr
    assert not (tmp_path / "r").exists()
    no_qpu = _cli("train", "--model", "qsvc", "--dataset", "iris", "--dry-run", "--out",
                  str(tmp_path / "r"), tmp_path=tmp_path)
    assert no_qpu.returncode == 1 and "uses no QPU" in no_qpu.stderr


def test_cli_dry_run_prices_a_qsvc_and_writes_nothing(tmp_path):
    run = _cli("train", "--model", "qsvc", "--dataset", "iris", "--classes", "0,1",
               "--backend", "fake:fake_lima", "--shots", "100", "--dry-run", "--out",
               str(tmp_path / "d"), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "kernel_training" in run.stdout and "QPU" in run.stdout
    assert not (tmp_path / "d").exists() and not (tmp_path / "ledger.db").exists()


def _ad_hoc_test():
    ds = load_dataset("ad_hoc", seed=0)
    return ds.X_test, ds.y_test
