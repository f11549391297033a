"""Job limits and the one splitter: hand-counted limits, work split into jobs that are each a
ledger row, a SIGKILL in the middle and a rerun that submits only the missing jobs, and
submissions retried without paying twice."""

import os
import subprocess
import sys

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

import qml.hardware.runtime as runtime
from qml.backends import fake_backend, parse_backend
from qml.errors import ConfigurationError
from qml.hardware.job_limits import (
    MAX_EXECUTIONS,
    JobLimits,
    instructions_per_qubit,
    split,
)
from qml.hardware.ledger import Ledger
from qml.hardware.runtime import RuntimeJobs
from qml.models.quantum_kernel import QuantumKernel

REAL_SAMPLER = runtime._make_sampler


def _samples(n: int = 24) -> np.ndarray:
    return np.random.default_rng(5).uniform(0, np.pi, (n, 2))


def _kernel(**kwargs) -> QuantumKernel:
    return QuantumKernel(backend="fake:fake_lima", bandwidth=1.0, shots=64, seed=0,
                         max_circuits_per_job=50, **kwargs)


class CountingSampler:
    """The installed runtime's sampler, counting every job it is asked to run."""

    runs: list = []

    def __init__(self, mode, options=None):
        self.inner = REAL_SAMPLER(mode, options)

    def run(self, pubs, shots=None):
        CountingSampler.runs.append(sum(1 if len(p) == 1 else len(p[1]) for p in pubs))
        return self.inner.run(pubs, shots=shots)


@pytest.fixture
def counting(monkeypatch):
    CountingSampler.runs = []
    monkeypatch.setattr(runtime, "_make_sampler", CountingSampler)
    return CountingSampler.runs


def test_instruction_counts_follow_ibms_table_by_hand():
    qc = QuantumCircuit(3)
    qc.rz(0.1, 0)
    qc.sx(0)
    qc.x(1)
    qc.cx(0, 1)
    qc.cx(1, 2)
    qc.barrier()
    qc.measure_all()
    # qubit 1: x 2 + cx 5 + cx 5 + measure 10 = 22; qubit 0: 1 + 2 + 5 + 10 = 18
    assert instructions_per_qubit(qc) == 22


def test_every_limit_bounds_the_circuits_per_job():
    one = QuantumCircuit(1)
    one.measure_all()
    assert JobLimits().circuits_per_job([one], 1024) == 4096
    assert JobLimits().circuits_per_job([one], 5000) == MAX_EXECUTIONS // 5000
    assert JobLimits(max_circuits=10).circuits_per_job([one], 1024) == 10
    deep = QuantumCircuit(1)
    for _ in range(1000):
        deep.sx(0)  # 2,000 instructions + measure 10
    deep.measure_all()
    assert JobLimits(max_instructions_per_qubit=20_100).circuits_per_job([deep], 1) == 10
    with pytest.raises(ConfigurationError, match="control-system instructions on one qubit"):
        JobLimits(max_instructions_per_qubit=1000).circuits_per_job([one, deep], 1)
    with pytest.raises(ConfigurationError, match="of one circuit pass IBM's 10,000,000 executions"):
        JobLimits().circuits_per_job([one], MAX_EXECUTIONS + 1)
    for bad in (0, -3, 2.5, True, "10"):
        with pytest.raises(ConfigurationError, match="max_circuits_per_job must be a whole"):
            JobLimits.with_override(bad)


def test_split_covers_every_row_once_in_order():
    rng = np.random.default_rng(0)
    for _ in range(50):
        rows = list(rng.integers(1, 40, rng.integers(1, 6)))
        per_job = int(rng.integers(1, 30))
        jobs = split(rows, per_job)
        assert all(sum(b - a for _, a, b in job) <= per_job for job in jobs)
        assert len(jobs) == -(-sum(rows) // per_job)  # only the last job is not full
        flat = [(p, r) for job in jobs for p, a, b in job for r in range(a, b)]
        assert flat == [(p, r) for p, n in enumerate(rows) for r in range(n)]


def test_runtime_work_past_the_limit_goes_out_as_ledger_rows_and_joins_back(counting):
    runner = RuntimeJobs(parse_backend("fake:fake_lima"), fake_backend("fake_lima"),
                         max_circuits_per_job=10)
    theta = Parameter("t")
    qc = QuantumCircuit(1)
    qc.ry(theta, 0)
    qc.measure_all()
    isa = runner.transpile([qc, qc])
    angles = np.linspace(0, np.pi, 25)[:, None]
    bits = runner.run(isa, [angles, angles[:7]], 200, "probe", seed=3)
    assert [b.shape for b in bits] == [(25,), (7,)]
    assert counting == [10, 10, 10, 2]  # 25 + 7 rows, 10 a job
    rows = Ledger().list()
    assert len(rows) == 4 and {r.status for r in rows} == {"done"}
    assert len({r.payload_hash for r in rows}) == 4
    p1 = [np.mean(bits[0].array[i].ravel() & 1) for i in (0, 24)]  # RY(0) -> 0, RY(pi) -> 1
    assert p1[0] < 0.1 < 0.9 < p1[1]
    again = runner.run(isa, [angles, angles[:7]], 200, "probe", seed=3)  # all four reused
    assert len(counting) == 4
    assert all(np.array_equal(a.array, b.array) for a, b in zip(again, bits))


def test_a_kernel_splits_by_max_circuits_per_job_and_its_estimate_counts_the_jobs(counting):
    X = _samples()
    kernel = _kernel()
    K = kernel.evaluate(X)
    pairs = len(X) * (len(X) - 1) // 2  # 276: six jobs of at most 50
    assert counting == [50] * 5 + [26]
    assert len(Ledger().list()) == 6 and kernel.n_circuits_ == pairs
    assert np.allclose(K, K.T) and np.allclose(np.diag(K), 1)
    from qml.models.qsvc import QSVC

    y = (X[:, 0] > X[:, 1]).astype(int)
    estimate = QSVC(backend="fake:fake_lima", shots=64, bandwidth=1.0, seed=0,
                    max_circuits_per_job=50).estimate(X, y)
    training = [g for g in estimate.groups if g.kind == "kernel_training"]
    assert sum(g.jobs for g in training) == 6
    assert sum(g.jobs * g.circuits for g in training) == pairs


_KILLED_RUN = """
import os, signal, sys
import numpy as np
from qml.hardware import runtime
from qml.models.quantum_kernel import QuantumKernel

collect, stored = runtime.RuntimeJobs.collect, []

def collect_then_die(self, row, job, job_id, payload=None):
    if len(stored) == 3:  # the fourth job is submitted: die before its result is stored
        os.kill(os.getpid(), signal.SIGKILL)
    stored.append(row)
    return collect(self, row, job, job_id, payload)

runtime.RuntimeJobs.collect = collect_then_die
QuantumKernel(backend="fake:fake_lima", bandwidth=1.0, shots=64, seed=0,
              max_circuits_per_job=50).evaluate(np.load(sys.argv[1]))
"""


def test_a_sigkill_mid_gram_and_a_rerun_submit_only_the_missing_jobs(tmp_path, counting,
                                                                    monkeypatch):
    X = _samples()
    np.save(tmp_path / "X.npy", X)
    ledger_path = Ledger().path
    killed = subprocess.run([sys.executable, "-c", _KILLED_RUN, str(tmp_path / "X.npy")],
                            env={**os.environ, "QLIMITS_LEDGER": str(ledger_path)},
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr
    before = Ledger().list()
    assert sorted(r.status for r in before) == ["done"] * 3 + ["submitted"]
    K = _kernel().evaluate(X)
    assert counting == [50, 50, 26]  # the job that died, and the two never sent
    rows = Ledger().list()
    assert [r.status for r in rows].count("done") == 6
    assert len({r.payload_hash for r in rows if r.status == "done"}) == 6
    assert [r.status for r in rows].count("abandoned") == 1  # the killed local job
    monkeypatch.setenv("QLIMITS_LEDGER", str(tmp_path / "fresh" / "ledger.db"))
    uninterrupted = _kernel().evaluate(X)
    assert np.array_equal(K, uninterrupted)


class AnswerLostSampler:
    """A service-side sampler double: the first two submissions fail before reaching the
    service; the third reaches it (the job is accepted and runs locally) but its answer is
    lost on the way back. Every later one succeeds."""

    calls = 0
    accepted: list = []

    def __init__(self, mode, options=None):
        self.tags = list((options or {}).get("environment", {}).get("job_tags", []))
        self.inner = REAL_SAMPLER(fake_backend("fake_lima"), None)

    def run(self, pubs, shots=None):
        AnswerLostSampler.calls += 1
        if AnswerLostSampler.calls <= 2:
            raise ConnectionError("connection reset by peer")
        job = self.inner.run(pubs, shots=shots)
        AnswerLostSampler.accepted.append((self.tags, job))
        if AnswerLostSampler.calls == 3:
            raise TimeoutError("read timed out")
        return job


class TaggedJobsService:
    """A stand-in for QiskitRuntimeService: a fake backend, and the jobs it accepted."""

    def backend(self, name):
        return fake_backend("fake_lima")

    def jobs(self, job_tags=None, limit=10):
        return [job for tags, job in AnswerLostSampler.accepted
                if set(job_tags or []) <= set(tags)][:limit]


def test_transient_failures_are_retried_and_an_accepted_job_is_fetched_not_resent(
        monkeypatch, caplog):
    AnswerLostSampler.calls, AnswerLostSampler.accepted = 0, []
    monkeypatch.setattr(runtime, "_make_sampler", AnswerLostSampler)
    monkeypatch.setattr(runtime, "get_service", lambda instance=None: TaggedJobsService())
    monkeypatch.setattr(runtime.time, "sleep", lambda s: None)
    service = TaggedJobsService()
    runner = RuntimeJobs(parse_backend("ibm:ibm_double"), service.backend("x"),
                         service=service, max_circuits_per_job=2)
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    isa = runner.transpile([qc, qc, qc])
    with caplog.at_level("WARNING", logger="qml.hardware"):
        bits = runner.run(isa, [None] * 3, 100, "bell")
    assert len(bits) == 3
    rows = Ledger().list()
    assert [r.status for r in rows] == ["done", "done"]  # two jobs: 2 + 1 circuits
    assert len(AnswerLostSampler.accepted) == 2  # one accepted job per ledger row
    assert AnswerLostSampler.calls == 4  # two failures, the lost answer, the second job
    assert "retry 1 of 3" in caplog.text and "retry 2 of 3" in caplog.text
    assert f"the failed submission reached IBM as job {rows[0].job_id}" in caplog.text
    tags = [t for t, _ in AnswerLostSampler.accepted]
    assert tags == [[f"qlimits-{Ledger().id}-{rows[0].id}"],
                    [f"qlimits-{Ledger().id}-{rows[1].id}"]]


def test_a_qv_width_past_the_limit_goes_out_in_pieces_and_the_dry_run_counts_them(counting):
    from qml.volume import estimate_quantum_volume, measure_quantum_volume

    estimate = estimate_quantum_volume("fake:fake_lima", [2], trials=10, shots=64, seed=0,
                                       max_circuits_per_job=4)
    assert (estimate.jobs, estimate.circuits) == (3, 10)
    result = measure_quantum_volume("fake:fake_lima", [2], trials=10, shots=64, seed=0,
                                    max_circuits_per_job=4)
    assert counting == [4, 4, 2] and len(result.widths[0].hops) == 10
    assert [r.kind for r in Ledger().list()] == ["qv_width_2"] * 3
    with pytest.raises(ConfigurationError, match="max_circuits_per_job=4: backend 'aer'"):
        measure_quantum_volume("aer", [2], trials=10, max_circuits_per_job=4)


def test_a_kernels_runtime_options_reach_the_sampler(monkeypatch):
    seen = []

    class RecordingSampler(CountingSampler):
        def __init__(self, mode, options=None):
            seen.append(options)
            super().__init__(mode, options)

    monkeypatch.setattr(runtime, "_make_sampler", RecordingSampler)
    options = {"twirling": {"enable_gates": True}, "dynamical_decoupling": {"enable": True}}
    _kernel(runtime_options=options).evaluate(_samples(6))
    assert seen and all(o["twirling"] == options["twirling"] and
                        o["dynamical_decoupling"] == options["dynamical_decoupling"]
                        for o in seen)
    with pytest.raises(ConfigurationError, match="backend 'statevector' has no sampler"):
        QuantumKernel(runtime_options=options).evaluate(_samples(4))
