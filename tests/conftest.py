"""Shared fixtures: small data, and Aer references computed independently of qlimits.

The suite never writes into the user's home folder: before anything is imported, ``HOME``
points at a fresh temporary folder for the whole run (subprocesses and notebook kernels
inherit it), every qlimits path (ledger, cache) at temporary or checkout-local folders, and
at the end of the run ``pytest_sessionfinish`` fails the run if qlimits created anything in
either home folder or changed the real one's qlimits folders.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_REAL_HOME = Path(os.path.expanduser("~"))
_QLIMITS_HOME_PATHS = (".qlimits", ".cache/qlimits")


def _snapshot(home: Path) -> dict:
    """Every file under qlimits' folders of a home folder, with its size and mtime."""
    found = {}
    for rel in _QLIMITS_HOME_PATHS:
        root = home / rel
        if root.exists():
            found[rel] = None
            for path in root.rglob("*"):
                with_stat = path.lstat()
                found[str(path.relative_to(home))] = (with_stat.st_size, with_stat.st_mtime_ns)
    return found


def _checkout_cache(name: str) -> str:
    """A folder under the checkout's ``.pytest_cache`` (kept between runs, so numba compiles
    the kernels once per checkout), or a temporary one where the checkout is read-only."""
    folder = Path(__file__).resolve().parent.parent / ".pytest_cache" / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix=f"qlimits-{name}-"))
    return str(folder)


_REAL_HOME_BEFORE = _snapshot(_REAL_HOME)
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="qlimits-test-home-"))
os.environ["HOME"] = str(_SESSION_HOME)
os.environ.pop("XDG_CACHE_HOME", None)
os.environ.pop("XDG_CONFIG_HOME", None)
os.environ["QLIMITS_CACHE_DIR"] = _checkout_cache("qlimits")
os.environ["MPLCONFIGDIR"] = _checkout_cache("matplotlib")
os.environ["QLIMITS_LEDGER"] = str(_SESSION_HOME / "session-ledger" / "ledger.db")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402 - after the environment above is set
import pytest  # noqa: E402
from qiskit import QuantumCircuit  # noqa: E402


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if the suite touched a home folder: nothing of qlimits' in the session's
    temporary home, and the real home's qlimits folders exactly as they were."""
    made = _snapshot(_SESSION_HOME)
    changed = _snapshot(_REAL_HOME) != _REAL_HOME_BEFORE
    if made or changed:
        where = (f"created {sorted(made)[:5]} in the home folder" if made
                 else f"changed {_REAL_HOME}'s qlimits folders")
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            f"FAILED: the test suite {where}; tests must not write into the home folder",
            red=True)
        session.exitstatus = 1

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

