"""Data-parallel VQC training on Dask: the same weights as in-process, on any number of
shards, after a worker is killed mid-fit; and scikit-learn's GridSearchCV on the dask joblib
backend."""

from __future__ import annotations

import os
import pickle
import signal

import numpy as np
import pytest
from sklearn.datasets import make_classification

from qml import VQC
from qml.distributed import Executor, connect
from qml.distributed.data_parallel import ShardedObjective, chunk_bounds
from qml.errors import ConfigurationError

KW = dict(seed=1, maxiter=12, ansatz_reps=1)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(300, 3, n_informative=3, n_redundant=0, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def in_process(data):
    return VQC(**KW).fit(*data)


def test_data_parallel_fit_equals_the_in_process_fit(dask_client, data, in_process):
    on_cluster = VQC(**KW, scheduler=dask_client).fit(*data)
    np.testing.assert_allclose(on_cluster.weights_, in_process.weights_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(on_cluster.loss_curve_, in_process.loss_curve_, atol=1e-10)
    assert on_cluster.n_iter_ == in_process.n_iter_
    assert on_cluster.n_circuit_evaluations_ == in_process.n_circuit_evaluations_
    assert (on_cluster.predict(data[0]) == in_process.predict(data[0])).all()


def _objective(model, X, y):
    """The VQC's loss as a ShardedObjective, through the classifier's public fit path."""
    from qml.models.variational import chunk_terms

    return lambda executor: ShardedObjective(executor, chunk_terms, model, X, y, chunk=64)


def test_the_chunk_sums_do_not_depend_on_the_number_of_shards(dask_client, data, in_process):
    """One shard in this process and two on the cluster add the same chunks in the same
    order: bit-identical losses and gradients."""
    model = in_process
    angles = data[0] @ model.input_matrix_ + model.input_offset_
    y_index = np.searchsorted(model.classes_, data[1])
    make = _objective(model, angles, y_index)
    w = model.weights_ + 0.1
    here = make(Executor.local())
    with connect(dask_client) as ex:
        there = make(ex)
        assert len(there._shards) == 2 and there.n_chunks == len(chunk_bounds(300, 64))
        a, b = here.loss_and_grad(w), there.loss_and_grad(w)
        assert a[0] == b[0] and np.array_equal(a[1], b[1])
        W = np.stack([w, w - 0.2])
        assert np.array_equal(here.losses(W), there.losses(W))


def test_a_worker_killed_mid_fit_loses_nothing(dask_client, data, in_process):
    pids = list(dask_client.run(os.getpid).values())
    killed = []

    def kill_once(info):
        if not killed:
            os.kill(pids[-1], signal.SIGKILL)
            killed.append(pids[-1])

    fitted = VQC(**KW, scheduler=dask_client, callback=kill_once).fit(*data)
    assert killed
    np.testing.assert_allclose(fitted.weights_, in_process.weights_, rtol=0, atol=1e-10)
    dask_client.wait_for_workers(2, timeout=60)


def test_shots_from_the_engine_are_the_same_on_the_cluster(dask_client, data):
    """Each (sample, weights) pair draws its own seeded stream: the chunks on the workers
    draw the counts that one process draws."""
    kw = dict(KW, shots=200, optimizer="spsa", maxiter=6)
    here = VQC(**kw).fit(*data)
    there = VQC(**kw, scheduler=dask_client).fit(*data)
    assert here.shots_ == there.shots_ == 200
    np.testing.assert_allclose(there.loss_curve_, here.loss_curve_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(there.weights_, here.weights_, rtol=0, atol=1e-12)
    exact = VQC(**{**kw, "shots": None}).fit(*data)
    assert not np.allclose(here.loss_curve_, exact.loss_curve_)  # the shots are drawn


def test_only_exact_backends_train_data_parallel(data):
    with pytest.raises(ConfigurationError, match="needs an exact backend"):
        VQC(backend="aer", scheduler="local:1").fit(*data)
    with pytest.raises(ConfigurationError, match="not understood"):
        VQC(scheduler="everywhere").fit(*data)


def test_the_scheduler_is_a_saved_parameter_and_the_model_pickles(tmp_path, data, dask_client):
    model = VQC(**KW).fit(*data)
    model.set_params(scheduler="tcp://10.0.0.5:8786")
    loaded = VQC.load(model.save(tmp_path / "m.json"))
    assert loaded.scheduler == "tcp://10.0.0.5:8786"
    model.set_params(scheduler=dask_client)  # a Client is this session's: saved as None
    assert VQC.load(model.save(tmp_path / "c.json")).scheduler is None
    model.set_params(scheduler=None)
    assert (pickle.loads(pickle.dumps(model)).predict(data[0]) == model.predict(data[0])).all()


def test_grid_search_on_the_dask_joblib_backend_matches_the_serial_search(dask_client, data):
    import joblib
    from sklearn.model_selection import GridSearchCV

    X, y = data[0][:80], data[1][:80]
    grid = {"ansatz_reps": [1, 2], "feature_map": ["angle", "zz"]}
    serial = GridSearchCV(VQC(seed=0, maxiter=5), grid, cv=2).fit(X, y)
    from distributed import get_task_stream

    with get_task_stream(dask_client) as stream, joblib.parallel_config(backend="dask"):
        parallel = GridSearchCV(VQC(seed=0, maxiter=5), grid, cv=2, n_jobs=-1).fit(X, y)
    # the fits ran as tasks on the cluster's workers (on one or both: Dask places them)
    assert stream.data and all(t["worker"].startswith("tcp://") for t in stream.data)
    assert parallel.best_params_ == serial.best_params_
    np.testing.assert_array_equal(parallel.cv_results_["mean_test_score"],
                                  serial.cv_results_["mean_test_score"])
