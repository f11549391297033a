"""The cost estimate before submission: durations from the target against hand-computed
schedules, job counts against what a fake: run really submits, the price and its override, the
limit that refuses a run before anything is sent, and dry runs that write nothing."""

import contextlib
import os
from pathlib import Path

import numpy as np
import pytest
from qiskit import QuantumCircuit

import qml.hardware.runtime as runtime
from qml import VQC
from qml.backends import fake_backend
from qml.datasets import load_dataset
from qml.errors import ConfigurationError
from qml.hardware.ledger import Ledger
from qml.hardware.pricing import (
    JOB_OVERHEAD_SECONDS,
    CostEstimate,
    JobGroup,
    build_estimate,
    circuit_seconds,
    pricing,
    rep_delay_seconds,
)
from qml.volume import estimate_quantum_volume, measure_quantum_volume
from tests.helpers import qlimits
from tests.qml.hardware.test_runtime import CannedJobServiceDouble


@pytest.fixture
def iris2():
    ds = load_dataset("iris", classes=[1, 2], seed=0)
    return ds.X_train[:12], ds.y_train[:12]


def _no_ledger() -> bool:
    return not Path(os.environ["QLIMITS_LEDGER"]).exists()


def test_a_circuit_lasts_its_critical_path_on_the_target():
    target = fake_backend("fake_lima").target
    qc = QuantumCircuit(5, 2)
    qc.sx(0)
    qc.cx(0, 1)
    qc.x(3)  # in parallel with the rest: not on the critical path
    qc.measure([0, 1], [0, 1])
    by_hand = (target["sx"][(0,)].duration + target["cx"][(0, 1)].duration
               + max(target["measure"][(0,)].duration, target["measure"][(1,)].duration))
    assert circuit_seconds(qc, target) == pytest.approx(by_hand, rel=1e-12)


def test_the_model_is_overhead_plus_shots_times_duration_and_delay():
    group = JobGroup("qv_width_3", jobs=2, circuits=50, shots=400, seconds_per_circuit=5e-6)
    est = build_estimate("fake:fake_lima", [group], rep_delay=250e-6, job_overhead=2.0)
    assert est.qpu_seconds == pytest.approx(2 * (2.0 + 400 * 50 * 255e-6))
    price = pricing()["plans"]["pay_as_you_go"]["usd_per_second"]
    assert price == 1.60 and est.cost_usd == pytest.approx(est.qpu_seconds * 1.60)
    assert (est.jobs, est.circuits, est.shots) == (2, 100, 40_000)
    given = build_estimate("fake:fake_lima", [group], rep_delay=250e-6, usd_per_second=0.5)
    assert given.job_overhead == JOB_OVERHEAD_SECONDS and given.price_plan == "given"
    assert given.cost_usd == pytest.approx(given.qpu_seconds * 0.5)


def test_an_estimate_round_trips_and_bad_files_are_refused(tmp_path):
    from qml.errors import ResultFileError

    est = estimate_quantum_volume("fake:fake_lima", [2, 3], trials=5, shots=100, seed=2)
    again = CostEstimate.load(est.save(tmp_path / "estimate.json"))
    assert again == est and again.qpu_seconds == est.qpu_seconds
    doc = est.to_dict()
    doc["bound"] = "roughly"
    with pytest.raises(ResultFileError, match="bound"):
        CostEstimate.from_dict(doc)


@pytest.mark.filterwarnings("ignore:COBYLA. Invalid MAXFUN")  # the m + 2 floor, counted
@pytest.mark.parametrize("optimizer, maxiter, bound", [("spsa", 2, "exact"), ("adam", 1, "exact"),
                                                       ("cobyla", 3, "upper")])
def test_the_training_estimate_counts_what_the_fake_run_submits(iris2, optimizer, maxiter,
                                                                bound):
    X, y = iris2
    clf = VQC(backend="fake:fake_lima", optimizer=optimizer, maxiter=maxiter, shots=64,
              seed=0, ansatz_reps=1)
    est = clf.estimate(X, y)
    assert _no_ledger() and not hasattr(clf, "weights_")  # nothing written, still unfitted
    assert est.bound == bound and est.rep_delay == rep_delay_seconds(fake_backend("fake_lima"))
    with pytest.warns(UserWarning) if optimizer == "adam" else contextlib.nullcontext():
        clf.fit(X, y)
    rows = Ledger().list()
    if bound == "exact":
        assert est.jobs == len(rows) and est.circuits == clf.n_circuit_evaluations_
    else:
        assert est.jobs >= len(rows) and est.circuits >= clf.n_circuit_evaluations_
    assert est.shots == est.circuits * 64
    submitted = clf._evaluator.circuit  # the very circuit the fit sent
    target = fake_backend("fake_lima").target
    assert {g.seconds_per_circuit for g in est.groups} == {circuit_seconds(submitted, target)}


def test_the_qv_estimate_transpiles_as_the_run_does_and_honours_rep_delay():
    est = estimate_quantum_volume("fake:fake_lima", [2, 3], trials=4, shots=50, seed=1,
                                  job_overhead=0.0)
    assert _no_ledger()
    assert [g.kind for g in est.groups] == ["qv_width_2", "qv_width_3"]
    assert (est.jobs, est.circuits, est.shots) == (2, 8, 400)
    lima = fake_backend("fake_lima")
    assert est.rep_delay == lima.configuration().default_rep_delay
    durations = sum(g.seconds_per_circuit * g.circuits for g in est.groups)
    assert est.qpu_seconds == pytest.approx(50 * (durations + 8 * est.rep_delay))
    result = measure_quantum_volume("fake:fake_lima", [2, 3], trials=4, shots=50, seed=1)
    assert len(Ledger().list()) == est.jobs and len(result.widths) == 2


def test_a_run_over_its_qpu_limit_is_refused_before_anything_is_sent(monkeypatch, iris2):
    def no_submission(*args, **kwargs):
        raise AssertionError("a refused run submits nothing")

    monkeypatch.setattr(runtime, "get_service", lambda instance=None: CannedJobServiceDouble())
    monkeypatch.setattr(runtime, "_make_sampler", no_submission)
    with pytest.raises(ConfigurationError, match=r"estimated at [\d,]+ QPU seconds \(USD "
                                                 r"[\d,]+\), over the limit of 10 s"):
        VQC(backend="ibm:ibm_double", optimizer="spsa", maxiter=50,
            max_qpu_seconds=10).fit(*iris2)
    with pytest.raises(ConfigurationError, match="over the limit of 5 s"):
        measure_quantum_volume("ibm:ibm_double", [2, 3], trials=100, max_qpu_seconds=5)
    assert _no_ledger()
    within = VQC(backend="fake:fake_lima", optimizer="spsa", maxiter=1, shots=32, seed=0,
                 max_qpu_seconds=60)
    monkeypatch.undo()
    within.fit(*iris2)  # under its limit: runs
    assert within.n_iter_ == 1


def test_an_ibm_estimate_notes_session_billing(monkeypatch, iris2):
    monkeypatch.setattr(runtime, "get_service", lambda instance=None: CannedJobServiceDouble())
    est = VQC(backend="ibm:ibm_double", optimizer="spsa", maxiter=5,
              runtime_options={"execution": {"rep_delay": 5e-4}}).estimate(*iris2)
    assert est.rep_delay == 5e-4 and any("lower bound" in n for n in est.notes)
    assert "ibm:ibm_double" in est.summary() and "nothing submitted" in est.summary()


def test_estimates_and_limits_are_refused_where_no_qpu_is_used(iris2):
    with pytest.raises(ConfigurationError, match="needs a fake: or ibm: backend"):
        VQC(backend="aer").estimate(*iris2)
    with pytest.raises(ConfigurationError, match="uses no QPU"):
        estimate_quantum_volume("aer:fake_lima", [2])
    with pytest.raises(ConfigurationError, match="max_qpu_seconds limits QPU usage"):
        measure_quantum_volume("statevector", [2], max_qpu_seconds=5)
    with pytest.raises(ConfigurationError, match="max_qpu_seconds must be a finite number > 0"):
        VQC(backend="fake:fake_lima", max_qpu_seconds=-1).fit(*iris2)
    with pytest.warns(UserWarning, match="max_qpu_seconds=5 .* uses no QPU"):
        VQC(maxiter=1, max_qpu_seconds=5).fit(*iris2)


def _cli(*args, ledger):
    return qlimits(*args, env={"QLIMITS_LEDGER": str(ledger)})


def test_dry_runs_print_the_estimate_and_write_nothing(tmp_path, capsys, monkeypatch):
    ledger = tmp_path / "ledger" / "ledger.db"
    train = _cli("train", "--dataset", "iris", "--classes", "1,2", "--backend",
                 "fake:fake_kolkata", "--optimizer", "spsa", "--maxiter", "100", "--dry-run",
                 "--out", str(tmp_path / "train"), ledger=ledger)
    assert train.returncode == 0, train.stderr
    assert "Cost estimate for fake:fake_kolkata (nothing submitted)" in train.stdout
    assert "total: 103 jobs, 21,170 circuit runs" in train.stdout
    qv = _cli("qv", "measure", "--backend", "fake:fake_kolkata", "--widths", "2-3",
              "--trials", "10", "--dry-run", "--price-per-second", "0.8",
              "--out", str(tmp_path / "qv"), ledger=ledger)
    assert qv.returncode == 0, qv.stderr
    assert "total: 2 jobs, 20 circuit runs, 20,480 shots" in qv.stdout
    assert "at USD 0.80/s (given)" in qv.stdout
    assert not ledger.exists() and not (tmp_path / "train").exists()
    assert not (tmp_path / "qv").exists()
    # the refusals, in this process (the subprocess runs above cover the console script)
    from qml.cli import main

    monkeypatch.setenv("QLIMITS_LEDGER", str(ledger))
    capsys.readouterr()
    assert main(["qv", "measure", "--backend", "fake:fake_kolkata", "--widths", "2-3",
                 "--trials", "10", "--dry-run", "--max-qpu-seconds", "1",
                 "--out", str(tmp_path / "over")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "over the limit of 1 s; nothing was submitted" in err
    assert main(["qv", "measure", "--backend", "aer", "--widths", "2", "--dry-run",
                 "--out", str(tmp_path / "local")]) == 1
    err = capsys.readouterr().err
    assert "--dry-run: backend aer runs on this machine and uses no QPU" in err
    assert not ledger.exists() and not (tmp_path / "over").exists()


def test_job_counts_grow_with_the_training_set(iris2):
    X, y = iris2
    small = VQC(backend="fake:fake_lima", optimizer="spsa", maxiter=4).estimate(X[:6], y[:6])
    large = VQC(backend="fake:fake_lima", optimizer="spsa", maxiter=4).estimate(X, y)
    assert small.jobs == large.jobs == 5
    assert large.circuits == 2 * small.circuits
    assert np.isclose(large.qpu_seconds - 5 * JOB_OVERHEAD_SECONDS,
                      2 * (small.qpu_seconds - 5 * JOB_OVERHEAD_SECONDS))


def test_the_qsvc_estimate_counts_what_the_fake_run_submits(tmp_path, monkeypatch):
    """A QSVC on fake_lima: the estimate's training circuits are the pairs the fit runs."""
    from qml.datasets import load_dataset
    from qml.models.qsvc import QSVC

    monkeypatch.setenv("QLIMITS_LEDGER", str(tmp_path / "ledger.db"))
    ds = load_dataset("iris", classes=[0, 1], n_features=2, seed=0)
    X, y = ds.X_train[:8], ds.y_train[:8]
    model = QSVC(backend="fake:fake_lima", shots=64, bandwidth=0.5, seed=0)
    estimate = model.estimate(X, y, predict_sizes=(3,))
    training = [g for g in estimate.groups if g.kind == "kernel_training"]
    assert sum(g.jobs * g.circuits for g in training) == 8 * 7 // 2
    assert [g.circuits for g in estimate.groups if g.kind == "prediction"] == [3 * 8]
    assert estimate.bound == "upper" and not hasattr(model, "dual_coef_")  # nothing fitted
    assert model.fit(X, y).n_kernel_circuits_ == 8 * 7 // 2
    mitigated = QSVC(backend="fake:fake_lima", shots=64, bandwidth=0.5, seed=0,
                     mitigation="split").estimate(X, y)
    assert sum(g.jobs * g.circuits for g in mitigated.groups) == 8 * 7 // 2 + 8
    with pytest.raises(ConfigurationError, match="needs a fake: or ibm: backend"):
        QSVC().estimate(X, y)
