"""The hardware path without a network: fake: local mode, a test double of the IBM service,
the ledger across processes, retries, typed permanent errors, credentials, no token on disk."""

import subprocess
import sys

import numpy as np
import pytest

import qml.hardware.runtime as runtime
from qml import VQC
from qml.backends import fake_backend
from qml.cli import main
from qml.datasets import load_dataset
from qml.errors import CredentialsError, InvalidCircuitError, JobCancelledError, JobError
from qml.hardware.ledger import Ledger
from qml.volume import measure_quantum_volume

SECRET = "TEST-TOKEN-0123456789abcdefghijklmnopqrstuvwxyz"
REAL_SAMPLER = runtime._make_sampler  # the sampler of the installed qiskit-ibm-runtime


@pytest.fixture
def iris2():
    ds = load_dataset("iris", classes=[1, 2], seed=0)
    return ds.X_train[:16], ds.y_train[:16]


def test_training_through_fake_backend_records_every_job(iris2, caplog):
    X, y = iris2
    with caplog.at_level("INFO", logger="qml"):
        clf = VQC(backend="fake:fake_lima", shots=128, optimizer="spsa", maxiter=3,
                  seed=0).fit(X, y)
    rows = Ledger().list()
    assert len(rows) == 4 and all(r.status == "done" and r.job_id for r in rows)
    assert caplog.text.count("recorded before submission") == 4
    for r in rows:  # every submission and every stored result is logged with its job id
        assert f"ledger row {r.id}: submitted as job {r.job_id} on fake:fake_lima" in caplog.text
        assert f"ledger row {r.id}: result written to {Ledger().result_file(r)}" in caplog.text
    clf.predict(X[:4])
    assert Ledger().list()[-1].kind == "prediction"
    again = VQC(backend="fake:fake_lima", shots=128, optimizer="spsa", maxiter=3, seed=0)
    caplog.clear()
    with caplog.at_level("INFO", logger="qml"):
        again.fit(X, y)  # identical work: every result comes back from disk, nothing resubmitted
    np.testing.assert_array_equal(again.weights_, clf.weights_)
    assert len(Ledger().list()) == 5
    assert caplog.text.count("same work done before") == 4
    assert all(f"same work done before (job {r.job_id})" in caplog.text for r in rows)


def test_qv_through_fake_backend_resumes_width_by_width():
    first = measure_quantum_volume("fake:fake_lima", [2], trials=10, shots=64, seed=1)
    assert [r.kind for r in Ledger().list()] == ["qv_width_2"]
    both = measure_quantum_volume("fake:fake_lima", [2, 3], trials=10, shots=64, seed=1)
    assert both.widths[0].hops == first.widths[0].hops  # width 2 came from the ledger
    assert [r.kind for r in Ledger().list()] == ["qv_width_2", "qv_width_3"]


def test_ledger_is_shared_between_processes(tmp_path):
    path = tmp_path / "shared.db"
    code = ("import sys; from qml.hardware.ledger import Ledger; l = Ledger(sys.argv[1]); "
            "[l.update(l.record('qv_width_2', 'fake:fake_lima', 'h'), 'done', job_id=f'j{i}') "
            "for i in range(25)]")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)]) for _ in range(2)]
    assert all(p.wait() == 0 for p in procs)
    rows = Ledger(path).list()
    assert len(rows) == 50 and {r.status for r in rows} == {"done"}


class CannedJobServiceDouble:
    """A stand-in for QiskitRuntimeService: fake backends, canned jobs, no network."""

    def __init__(self):
        self.backend_calls = []

    def backend(self, name):
        self.backend_calls.append(name)
        return fake_backend("fake_lima")

    def least_busy(self, min_num_qubits, operational, simulator):
        return fake_backend("fake_lima")

    def jobs(self, job_tags=None, limit=10):
        return []  # no submission reached it


class FlakySampler:
    """SamplerV2 that fails with a network error first, then delegates to local mode."""

    failures = 1

    def __init__(self, mode, options=None):
        self.inner = REAL_SAMPLER(mode, None)

    def run(self, pubs, shots=None):
        if FlakySampler.failures:
            FlakySampler.failures -= 1
            raise ConnectionError("connection reset by peer")
        return self.inner.run(pubs, shots=shots)


def test_ibm_path_retries_transient_errors(monkeypatch, iris2, caplog):
    monkeypatch.setattr(runtime, "get_service", lambda instance=None: CannedJobServiceDouble())
    monkeypatch.setattr(runtime, "_make_sampler", FlakySampler)
    monkeypatch.setattr(runtime.time, "sleep", lambda s: None)
    FlakySampler.failures = 1
    X, y = iris2
    with caplog.at_level("WARNING", logger="qml.hardware"):
        VQC(backend="ibm:ibm_double", shots=64, optimizer="spsa", maxiter=2, seed=0).fit(X, y)
    assert FlakySampler.failures == 0
    assert ("transient error submitting ledger row 1 to ibm:ibm_double (ConnectionError: "
            "connection reset by peer); retry 1 of 3") in caplog.text
    assert all(r.status == "done" and r.backend == "ibm:ibm_double" for r in Ledger().list())


def test_ibm_path_permanent_errors_are_typed(monkeypatch, iris2):
    class IBMInputValueError(Exception):
        pass

    class RejectingSampler:
        def __init__(self, mode, options=None):
            pass

        def run(self, pubs, shots=None):
            raise IBMInputValueError("circuit is not ISA")

    monkeypatch.setattr(runtime, "get_service", lambda instance=None: CannedJobServiceDouble())
    monkeypatch.setattr(runtime, "_make_sampler", RejectingSampler)
    X, y = iris2
    with pytest.raises(InvalidCircuitError, match="rejected"):
        VQC(backend="ibm:ibm_double", shots=64, optimizer="cobyla", maxiter=2).fit(X, y)
    assert Ledger().list()[-1].status == "failed"

    class CancelledJob:
        def job_id(self):
            return "job-cancelled-1"

        def result(self):
            raise RuntimeError("job was cancelled")

        def status(self):
            return "CANCELLED"

    class CancellingSampler(RejectingSampler):
        def run(self, pubs, shots=None):
            return CancelledJob()

    monkeypatch.setattr(runtime, "_make_sampler", CancellingSampler)
    with pytest.raises(JobCancelledError, match="job-cancelled-1") as info:
        VQC(backend="ibm:ibm_double", shots=64, optimizer="cobyla", maxiter=2).fit(X, y)
    assert info.value.job_id == "job-cancelled-1"
    assert Ledger().find("job-cancelled-1").status == "cancelled"


def test_missing_credentials_say_how_to_set_them(monkeypatch, iris2):
    import qiskit_ibm_runtime

    def no_account(*args, **kwargs):
        raise qiskit_ibm_runtime.accounts.AccountNotFoundError("no saved account")

    monkeypatch.delenv("QISKIT_IBM_TOKEN", raising=False)
    monkeypatch.setattr(qiskit_ibm_runtime, "QiskitRuntimeService", no_account)
    X, y = iris2
    with pytest.raises(CredentialsError, match="QISKIT_IBM_TOKEN"):
        VQC(backend="ibm:ibm_torino").fit(X, y)
    assert Ledger().list() == []  # refused before any work


def test_no_token_reaches_any_file_or_log(monkeypatch, tmp_path, iris2, caplog):
    import qiskit_ibm_runtime

    seen = {}

    def service(**kwargs):
        seen.update(kwargs)
        return CannedJobServiceDouble()

    monkeypatch.setenv("QISKIT_IBM_TOKEN", SECRET)
    monkeypatch.setattr(qiskit_ibm_runtime, "QiskitRuntimeService", service)
    X, y = iris2
    with caplog.at_level("DEBUG", logger="qml"):
        clf = VQC(backend="ibm:ibm_double", shots=64, optimizer="spsa", maxiter=2, seed=0,
                  checkpoint=tmp_path / "ck.json").fit(X, y)
    clf.save(tmp_path / "model.json")
    assert seen["token"] == SECRET  # it was used ...
    assert caplog.records and SECRET not in caplog.text
    for path in tmp_path.rglob("*"):  # ... and written nowhere: ledger, results, model, checkpoint
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_jobs_cli(capsys, iris2):
    X, y = iris2
    VQC(backend="fake:fake_lima", shots=64, optimizer="spsa", maxiter=1, seed=0).fit(X, y)
    assert main(["jobs", "list"]) == 0
    assert "training_step" in capsys.readouterr().out
    job = Ledger().list()[0].job_id
    assert main(["jobs", "show", job]) == 0
    assert job in capsys.readouterr().out
    assert main(["jobs", "fetch", job]) == 0
    assert ".npz" in capsys.readouterr().out
    assert main(["jobs", "cancel", job]) == 0
    assert "already done" in capsys.readouterr().out
    assert main(["jobs", "show", "no-such-job"]) == 1


class CannedJob:
    """A finished job as the service hands it back after a restart."""

    def __init__(self, job_id, result):
        self._id, self._result = job_id, result

    def job_id(self):
        return self._id

    def result(self):
        return self._result

    def status(self):
        return "DONE"


def test_rerun_fetches_the_in_flight_job_instead_of_resubmitting(monkeypatch):
    from qiskit import QuantumCircuit

    from qml.backends import parse_backend
    from qml.hardware.ledger import payload_hash
    from qml.hardware.runtime import RuntimeJobs

    spec = parse_backend("ibm:ibm_double")
    service = CannedJobServiceDouble()
    runner = RuntimeJobs(spec, service.backend("ibm_double"), service=service)
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    isa = runner.transpile([qc])
    # a previous process submitted this job, recorded its id, and died before the result came
    finished = REAL_SAMPLER(fake_backend("fake_lima"), None).run([(isa[0],)],
                                                                 shots=100).result()
    row = runner.ledger.record("qv_width_2", spec.text, payload_hash(isa, np.zeros(0), 100))
    runner.ledger.update(row, "submitted", job_id="job-inflight-7")
    service.job = lambda job_id: CannedJob(job_id, finished)

    def no_submission(*args, **kwargs):
        raise AssertionError("the finished job must be fetched, not resubmitted")

    monkeypatch.setattr(runtime, "_make_sampler", no_submission)
    bits = runner.run(isa, [None], 100, "qv_width_2")
    assert bits[0].get_counts() == finished[0].data.meas.get_counts()
    record = Ledger().find("job-inflight-7")
    assert record.status == "done" and record.result_path.endswith(".npz")


def test_runtime_options_and_optimization_level_pass_through(monkeypatch, iris2):
    seen = []

    class RecordingSampler(FlakySampler):
        def __init__(self, mode, options=None):
            seen.append(options)
            super().__init__(mode, options)

    FlakySampler.failures = 0
    monkeypatch.setattr(runtime, "_make_sampler", RecordingSampler)
    X, y = iris2
    clf = VQC(backend="fake:fake_lima", shots=32, optimizer="spsa", maxiter=1, seed=0,
              optimization_level=0, runtime_options={"twirling": {"enable_gates": True}})
    clf.fit(X, y)
    assert seen and all(o["twirling"] == {"enable_gates": True} for o in seen)
    assert all("seed_simulator" in o["simulator"] for o in seen)


class CrashAfterSubmission:
    """A sampler whose job is accepted (it has an id, the ledger records it) and whose
    process then dies before the result arrives; the real result is kept for the service."""

    results: dict = {}

    def __init__(self, mode, options=None):
        self.inner = REAL_SAMPLER(mode, None)

    def run(self, pubs, shots=None):
        result = self.inner.run(pubs, shots=shots).result()
        job_id = f"job-crashed-{len(CrashAfterSubmission.results)}"
        CrashAfterSubmission.results[job_id] = result

        class Job:
            def job_id(self):
                return job_id

            def result(self):
                raise KeyboardInterrupt  # the process is killed while it waits

        return Job()


@pytest.mark.parametrize("entry", ["qv", "vqc"])
def test_public_paths_fetch_the_in_flight_job_after_a_crash(monkeypatch, iris2, entry):
    """The service double is installed where qlimits creates its service (``get_service``),
    never handed to a runner: the rerun through the public entry point must fetch the job
    the crashed run submitted, and submit nothing."""
    made = []

    def service_factory(instance=None):
        service = CannedJobServiceDouble()
        service.job = lambda job_id: CannedJob(job_id, CrashAfterSubmission.results[job_id])
        made.append(service)
        return service

    monkeypatch.setattr(runtime, "get_service", service_factory)
    CrashAfterSubmission.results = {}
    monkeypatch.setattr(runtime, "_make_sampler", CrashAfterSubmission)

    def run():
        if entry == "qv":
            return measure_quantum_volume("ibm:ibm_double", [2], trials=3, shots=64, seed=0)
        return VQC(backend="ibm:ibm_double", shots=64, optimizer="spsa", maxiter=1,
                   seed=0).fit(*iris2)

    with pytest.raises(KeyboardInterrupt):
        run()
    (crashed,) = Ledger().list()
    assert crashed.status == "submitted" and crashed.job_id == "job-crashed-0"

    def no_submission(*args, **kwargs):
        raise AssertionError("the in-flight job must be fetched, not submitted again")

    monkeypatch.setattr(runtime, "_make_sampler", no_submission)
    if entry == "qv":
        result = run()
        assert result.widths[0].width == 2
        rows = Ledger().list()
    else:  # the first training job is fetched; the next, never submitted, is refused here
        with pytest.raises(JobError, match="must be fetched, not submitted"):
            run()
        rows = Ledger().list()[:1]
    fetched = Ledger().find("job-crashed-0")
    assert fetched.status == "done" and fetched.result_path.endswith(".npz")
    assert len(rows) == 1 and rows[0].id == crashed.id


def _bell_on_fake_lima():
    """A runner on fake:fake_lima (local mode) and a Bell circuit transpiled for it."""
    from qiskit import QuantumCircuit

    from qml.backends import parse_backend
    from qml.hardware.runtime import RuntimeJobs

    runner = RuntimeJobs(parse_backend("fake:fake_lima"), fake_backend("fake_lima"))
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    return runner, runner.transpile([qc], seed=1)


def test_a_damaged_result_file_is_set_aside_and_the_work_redone():
    runner, isa = _bell_on_fake_lima()
    first = runner.run(isa, [None], 200, "bell", seed=3)
    (done,) = Ledger().list()
    path = Ledger().result_file(done)
    path.write_bytes(path.read_bytes()[:40])  # a crash mid-copy, a full disk
    with pytest.warns(UserWarning, match="not a readable result file.*moved to .*corrupt"):
        again = runner.run(isa, [None], 200, "bell", seed=3)
    assert again[0].get_counts() == first[0].get_counts()  # redone, same seed
    assert path.with_name(path.name + ".corrupt").exists()  # set aside, never deleted
    old, new = Ledger().list()
    assert old.status == "failed" and "result file unusable" in old.error
    assert new.status == "done" and Ledger().result_file(new) is not None


@pytest.mark.parametrize("raised, token, expected", [
    ("IBMNotAuthorizedError", SECRET, "refused the credentials from QISKIT_IBM_TOKEN "
                                      "(IBMNotAuthorizedError: '401 Unauthorized for <token>')"),
    ("AttributeError", None, "check QISKIT_IBM_INSTANCE ('crn:bad'"),
])
def test_credential_failures_keep_the_service_reason_never_the_token(monkeypatch, iris2, raised,
                                                                     token, expected):
    import qiskit_ibm_runtime

    def refuse(**kwargs):
        if raised == "AttributeError":
            raise AttributeError("'NoneType' object has no attribute 'group'")
        raise qiskit_ibm_runtime.exceptions.IBMNotAuthorizedError(
            f"401 Unauthorized for {kwargs['token']}")

    if token:
        monkeypatch.setenv("QISKIT_IBM_TOKEN", token)
    else:
        monkeypatch.delenv("QISKIT_IBM_TOKEN", raising=False)
    monkeypatch.setenv("QISKIT_IBM_INSTANCE", "crn:bad")
    monkeypatch.setattr(qiskit_ibm_runtime, "QiskitRuntimeService", refuse)
    with pytest.raises(CredentialsError) as caught:
        VQC(backend="ibm:ibm_torino").fit(*iris2)
    assert expected in str(caught.value) and SECRET not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert Ledger().list() == []


def test_a_reuse_needs_the_same_seed_and_options_and_an_interrupted_local_job_reruns(
        monkeypatch):
    runner, isa = _bell_on_fake_lima()
    a = runner.run(isa, [None], 300, "bell", seed=3)
    assert runner.run(isa, [None], 300, "bell", seed=3)[0].get_counts() == a[0].get_counts()
    assert len(Ledger().list()) == 1  # the same work: reused
    runner.run(isa, [None], 300, "bell", seed=4)
    assert len(Ledger().list()) == 2  # another seed is other work: run, not reused
    CrashAfterSubmission.results = {}
    real = runtime._make_sampler
    monkeypatch.setattr(runtime, "_make_sampler", CrashAfterSubmission)
    with pytest.raises(KeyboardInterrupt):
        runner.run(isa, [None], 300, "bell", seed=5)
    assert Ledger().list()[-1].status == "interrupted"  # a local job died with its process
    monkeypatch.setattr(runtime, "_make_sampler", real)
    runner.run(isa, [None], 300, "bell", seed=5)  # so the rerun runs it again
    assert [r.status for r in Ledger().list()] == ["done", "done", "interrupted", "done"]


def test_qlimits_uses_the_current_sampler_without_deprecation_warnings(iris2):
    """qiskit-ibm-runtime 0.50 deprecated SamplerV2 for the client-side executor Sampler;
    qlimits' own calls use the latter and warn nothing (older versions: SamplerV2)."""
    import warnings

    import qiskit_ibm_runtime

    try:
        from qiskit_ibm_runtime.executor_sampler import Sampler
    except ImportError:  # qiskit-ibm-runtime < 0.50, where SamplerV2 is the current API
        Sampler = qiskit_ibm_runtime.SamplerV2
    assert isinstance(runtime._make_sampler(fake_backend("fake_lima"), None), Sampler)
    with warnings.catch_warnings():
        if Sampler is not qiskit_ibm_runtime.SamplerV2:
            warnings.simplefilter("error", DeprecationWarning)
        clf = VQC(backend="fake:fake_lima", shots=64, optimizer="spsa", maxiter=1,
                  seed=0).fit(*iris2)
        measure_quantum_volume("fake:fake_lima", [2], trials=2, shots=64, seed=0)
    assert clf.n_iter_ == 1


def test_before_0_50_qlimits_falls_back_to_sampler_v2(monkeypatch, iris2):
    """Without ``executor_sampler`` (qiskit-ibm-runtime < 0.50) the same runs go through
    ``SamplerV2``; the suite also passes whole under qiskit-ibm-runtime 0.40."""
    import qiskit_ibm_runtime

    monkeypatch.setitem(sys.modules, "qiskit_ibm_runtime.executor_sampler", None)
    assert isinstance(runtime._make_sampler(fake_backend("fake_lima"), None),
                      qiskit_ibm_runtime.SamplerV2)
    clf = VQC(backend="fake:fake_lima", shots=64, optimizer="spsa", maxiter=1,
              seed=0).fit(*iris2)
    assert clf.n_iter_ == 1 and [r.status for r in Ledger().list()] == ["done"] * 2


def test_kernel_jobs_split_under_ibms_executions_limit():
    from qml.models.qsvc import QSVC

    ds = load_dataset("iris", classes=[0, 1], n_features=2, seed=0)
    estimate = QSVC(backend="fake:fake_lima", shots=5000, bandwidth=0.5,
                    seed=0).estimate(ds.X_train, ds.y_train)
    n = len(ds.y_train)
    training = [g for g in estimate.groups if g.kind == "kernel_training"]
    assert max(g.circuits for g in training) * 5000 <= 10_000_000
    assert max(g.circuits for g in training) == 2000  # 10 million / 5,000 shots
    assert sum(g.jobs * g.circuits for g in training) == n * (n - 1) // 2
