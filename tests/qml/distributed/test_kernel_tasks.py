"""The exact Gram matrix as block tasks on a real Dask cluster: the same matrix as
in-process, symmetric and rectangular, through QuantumKernel and QSVC; the blocks it is cut
into; what the cluster refuses."""

from __future__ import annotations

import numpy as np
import pytest

from qml import QSVC
from qml.datasets import load_dataset
from qml.errors import ConfigurationError
from qml.models.kernel_tasks import block_sides
from qml.models.quantum_kernel import QuantumKernel


def test_the_cluster_computes_the_in_process_gram_matrix(dask_client):
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(0, np.pi, (23, 4)), rng.uniform(0, np.pi, (9, 4))
    here = QuantumKernel(bandwidth=0.4)
    there = QuantumKernel(bandwidth=0.4, scheduler=dask_client)
    np.testing.assert_allclose(there.evaluate(X), here.evaluate(X), atol=1e-13, rtol=0)
    np.testing.assert_allclose(there.evaluate(X, Y), here.evaluate(X, Y), atol=1e-13, rtol=0)
    K = there.evaluate(X)
    assert (K == K.T).all() and (np.diag(K) == 1).all()
    # 23 rows in blocks of 8 (6 tasks over 2 workers): every off-diagonal block's rows and
    # columns, every diagonal block's rows
    assert there.n_circuits_ > here.n_circuits_


def test_a_qsvc_on_the_cluster_predicts_as_in_process(dask_client):
    ds = load_dataset("iris", classes=[1, 2], n_features=3, seed=0)
    here = QSVC(seed=0).fit(ds.X_train, ds.y_train)
    there = QSVC(seed=0, scheduler=dask_client).fit(ds.X_train, ds.y_train)
    assert there.bandwidth_ == here.bandwidth_
    np.testing.assert_allclose(there.decision_function(ds.X_test),
                               here.decision_function(ds.X_test), atol=1e-9)


def test_blocks_keep_every_worker_busy_within_the_state_budget():
    assert block_sides(23, None, 4, n_workers=2) == 8  # 3 x 3 blocks: 6 tasks
    assert block_sides(100, 40, 4, n_workers=4) == 34  # 3 x 3 blocks: 9 tasks
    assert block_sides(500, None, 20, n_workers=1) <= 96  # 3 GiB of 16 MiB states, halved


def test_the_cluster_takes_exact_fidelity_kernels_only():
    X = np.random.default_rng(1).uniform(0, np.pi, (6, 2))
    with pytest.raises(ConfigurationError, match="exact fidelity kernels"):
        QuantumKernel(bandwidth=1.0, backend="aer", scheduler="local:1").evaluate(X)
    with pytest.raises(ConfigurationError, match="exact fidelity kernels"):
        QuantumKernel(bandwidth=1.0, kind="projected", scheduler="local:1").evaluate(X)
    with pytest.raises(ConfigurationError, match="not understood"):
        QuantumKernel(bandwidth=1.0, scheduler="everywhere").evaluate(X)
