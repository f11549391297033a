"""Execution modes: chosen by the work (a session for training, a batch for independent
work), set by ``execution_mode=``, recorded in the ledger with the runtime's id, and on
``ibm:`` rejoined by a rerun while the runtime keeps the batch open."""

import pytest
import qiskit_ibm_runtime

import qml.hardware.runtime as runtime
from qml import VQC
from qml.backends import fake_backend
from qml.datasets import load_dataset
from qml.errors import ConfigurationError
from qml.hardware.ledger import Ledger
from qml.volume import estimate_quantum_volume, measure_quantum_volume

REAL_SAMPLER = runtime._make_sampler


@pytest.fixture
def iris2():
    ds = load_dataset("iris", classes=[1, 2], seed=0)
    return ds.X_train[:12], ds.y_train[:12]


def test_training_goes_out_in_a_session_and_independent_work_in_a_batch(iris2):
    VQC(backend="fake:fake_lima", shots=64, optimizer="spsa", maxiter=1, seed=0).fit(*iris2)
    measure_quantum_volume("fake:fake_lima", [2], trials=5, shots=64, seed=0)
    modes = {r.kind: r.mode for r in Ledger().list()}
    assert modes["qv_width_2"] == "batch"
    assert {m for k, m in modes.items() if k != "qv_width_2"} == {"session"}


def test_the_mode_can_be_set_and_is_refused_where_no_jobs_go_out(iris2):
    VQC(backend="fake:fake_lima", shots=64, optimizer="spsa", maxiter=1, seed=0,
        execution_mode="job").fit(*iris2)
    assert {r.mode for r in Ledger().list()} == {"job"}
    with pytest.raises(ConfigurationError, match="execution_mode must be one of None, 'job'"):
        VQC(backend="fake:fake_lima", execution_mode="parallel").fit(*iris2)
    with pytest.raises(ConfigurationError, match="sends no runtime jobs"):
        measure_quantum_volume("aer", [2], trials=5, execution_mode="batch")
    with pytest.warns(UserWarning, match="execution_mode='batch' .* sends no jobs"):
        VQC(maxiter=2, execution_mode="batch").fit(*iris2)


def test_the_estimate_says_how_each_mode_is_billed(iris2):
    batch = estimate_quantum_volume("fake:fake_lima", [2], trials=10, seed=0)
    assert any("batch mode (IBM bills a batch by the QPU usage of its jobs)" in n
               for n in batch.notes)
    session = VQC(backend="fake:fake_lima", optimizer="spsa", maxiter=2,
                  seed=0).estimate(*iris2)
    assert any("session mode (IBM bills a session by its wall-clock time" in n
               for n in session.notes)


class ServiceDouble:
    """A stand-in for QiskitRuntimeService: a fake backend and no lost jobs."""

    def backend(self, name):
        return fake_backend("fake_lima")

    def jobs(self, job_tags=None, limit=10):
        return []


class BatchDouble:
    """The runtime's Batch on IBM's side: ids, closing, and ``from_id`` for open ones."""

    opened: list = []
    closed: set = set()

    def __init__(self, backend=None, **kwargs):
        self.session_id = f"batch-{len(BatchDouble.opened) + 1}"
        BatchDouble.opened.append(self.session_id)

    @classmethod
    def from_id(cls, session_id, service):
        if session_id not in cls.opened:
            raise ValueError(f"no batch {session_id}")
        mode = cls.__new__(cls)
        mode.session_id = session_id
        return mode

    def status(self):
        return "Closed" if self.session_id in BatchDouble.closed else "In progress"


class ModeSampler:
    """Runs on the fake backend locally whatever the mode object (a double here)."""

    def __init__(self, mode, options=None):
        self.inner = REAL_SAMPLER(fake_backend("fake_lima"), None)

    def run(self, pubs, shots=None):
        return self.inner.run(pubs, shots=shots)


def test_a_rerun_rejoins_the_open_batch_and_opens_a_new_one_once_it_is_closed(monkeypatch):
    BatchDouble.opened, BatchDouble.closed = [], set()
    monkeypatch.setattr(qiskit_ibm_runtime, "Batch", BatchDouble)
    monkeypatch.setattr(runtime, "_make_sampler", ModeSampler)
    monkeypatch.setattr(runtime, "get_service", lambda instance=None: ServiceDouble())
    measure_quantum_volume("ibm:ibm_double", [2], trials=5, shots=64, seed=0)
    measure_quantum_volume("ibm:ibm_double", [3], trials=5, shots=64, seed=0)  # a rerun
    assert BatchDouble.opened == ["batch-1"]  # rejoined, not reopened
    BatchDouble.closed.add("batch-1")
    measure_quantum_volume("ibm:ibm_double", [4], trials=5, shots=64, seed=0)
    assert BatchDouble.opened == ["batch-1", "batch-2"]
    rows = Ledger().list()
    assert [(r.kind, r.mode, r.session_id) for r in rows] == [
        ("qv_width_2", "batch", "batch-1"), ("qv_width_3", "batch", "batch-1"),
        ("qv_width_4", "batch", "batch-2")]
