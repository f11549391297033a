"""Shared fixtures: small data, and Aer references computed independently of qlimits."""

from __future__ import annotations

import os

import numpy as np
import pytest
from qiskit import QuantumCircuit

os.environ.setdefault("MPLBACKEND", "Agg")

FEATURE_MAPS = ["zz", "pauli", "angle", "reuploading"]
ANSATZE = ["real_amplitudes", "efficient_su2", "hardware_efficient"]


def aer_statevectors(circuit: QuantumCircuit, bindings: list[dict]) -> np.ndarray:
    """State vectors from Aer's statevector method, one per binding (independent reference)."""
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    sim = AerSimulator(method="statevector")
    states = []
    for binding in bindings:
        bound = transpile(circuit.assign_parameters(binding), sim, optimization_level=0)
        bound.save_statevector()
        states.append(np.asarray(sim.run(bound).result().get_statevector()))
    return np.array(states)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _private_ledger(tmp_path, monkeypatch):
    """Every test gets its own job ledger; nothing is written to the user's home."""
    monkeypatch.setenv("QLIMITS_LEDGER", str(tmp_path / "ledger" / "ledger.db"))


@pytest.fixture(scope="session")
def dask_client():
    """A real ``LocalCluster`` of two single-threaded worker processes, shared by the
    distributed tests (started once: each worker imports qiskit on its first task)."""
    distributed = pytest.importorskip("distributed")
    from qml.distributed import THREAD_VARIABLES

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0",
                                  env=dict.fromkeys(THREAD_VARIABLES, "1")) as cluster:
        with distributed.Client(cluster) as client:
            yield client
