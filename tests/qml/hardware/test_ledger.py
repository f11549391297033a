"""The ledger as a shared store: claims between real processes (live owners waited for, dead
owners taken over), ledgers of earlier versions, and concurrent `qlimits train` runs that
submit every job once and agree with a serial run."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import qml.hardware.runtime as runtime
from qml.backends import fake_backend, parse_backend
from qml.errors import LedgerBusyError, ResultFileError
from qml.hardware.ledger import Ledger, process_owner
from qml.hardware.runtime import RuntimeJobs

# A process that holds a claim until its stdin closes: a live owner.
HOLDER = """
import sys
from qml.hardware.ledger import Ledger
claim = Ledger(sys.argv[1]).claim("bell", sys.argv[2], "payload")
print(claim.action, claim.record.id, flush=True)
sys.stdin.read()
"""

# A process that runs the Bell job on fake:fake_lima through the runner with a sampler whose
# job is held until a line arrives on stdin, then prints the counts it got.
RUNNER = """
import json, sys, threading
import qml.hardware.runtime as runtime
from qiskit import QuantumCircuit
from qml.backends import fake_backend, parse_backend
from qml.hardware.runtime import RuntimeJobs
real = runtime._make_sampler
go = threading.Event()

class Held:
    def __init__(self, mode, options=None):
        self.inner = real(mode, options)
    def run(self, pubs, shots=None):
        job = self.inner.run(pubs, shots=shots)
        class Job:
            def job_id(self):
                return job.job_id()
            def result(self):
                print("submitted", flush=True)
                go.wait()
                return job.result()
        return Job()

runtime._make_sampler = Held
threading.Thread(target=lambda: (sys.stdin.readline(), go.set()), daemon=True).start()
runner = RuntimeJobs(parse_backend("fake:fake_lima"), fake_backend("fake_lima"))
qc = QuantumCircuit(2); qc.h(0); qc.cx(0, 1); qc.measure_all()
bits = runner.run(runner.transpile([qc], seed=1), [None], 200, "bell", seed=3)
print(json.dumps(bits[0].get_counts()), flush=True)
"""


def _start(code, *args):
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _bell_runner():
    from qiskit import QuantumCircuit

    runner = RuntimeJobs(parse_backend("fake:fake_lima"), fake_backend("fake_lima"),
                           poll_seconds=0.05)
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    return runner, runner.transpile([qc], seed=1)


def test_a_live_owner_is_waited_for_and_a_dead_one_taken_over(tmp_path, capsys):
    path = tmp_path / "shared.db"
    holder = _start(HOLDER, path, "fake:fake_lima")
    action, row = holder.stdout.readline().split()
    assert action == "submit"
    ledger = Ledger(path)
    claim = ledger.claim("bell", "fake:fake_lima", "payload")
    assert (claim.action, claim.record.id) == ("wait", int(row))  # live: never a second claim
    assert claim.record.owner.split("/")[1] == str(holder.pid)
    from qml.cli import main

    assert main(["jobs", "list", "--ledger", str(path)]) == 0  # the claim and its owner
    assert f"pid {holder.pid} on " in capsys.readouterr().out
    holder.kill()
    holder.wait()
    assert main(["jobs", "list", "--ledger", str(path)]) == 0
    assert "(gone)" in capsys.readouterr().out
    taken = ledger.claim("bell", "fake:fake_lima", "payload")
    assert taken.action == "submit" and taken.record.owner == process_owner()
    old = ledger.get(int(row))
    assert old.status == "abandoned" and f"owner {old.owner} ended" in old.error


def test_an_ibm_job_of_a_dead_owner_is_fetched_not_resubmitted(tmp_path):
    ledger = Ledger(tmp_path / "shared.db")
    row = ledger.record("qv_width_2", "ibm:ibm_double", "payload")
    ledger.update(row, "submitted", job_id="job-9")
    host, pid, started = process_owner().split("/")
    with sqlite3.connect(ledger.path) as db:  # the same pid with another start time: reused
        db.execute("UPDATE jobs SET owner = ? WHERE id = ?",
                   (f"{host}/{pid}/{float(started) - 100:.3f}", row))
    claim = ledger.claim("qv_width_2", "ibm:ibm_double", "payload")
    assert claim.action == "fetch" and claim.record.job_id == "job-9"
    assert ledger.get(row).owner == process_owner()  # taken over, no new row
    assert len(ledger.list()) == 1


def test_a_ledger_written_before_claims_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT,
                backend TEXT NOT NULL, kind TEXT NOT NULL, payload_hash TEXT NOT NULL,
                status TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
                result_path TEXT, error TEXT);
            INSERT INTO jobs VALUES (1, 'job-1', 'ibm:ibm_double', 'prediction', 'p',
                'submitted', 0, 0, NULL, NULL);
            INSERT INTO jobs VALUES (2, NULL, 'fake:fake_lima', 'prediction', 'q',
                'pending', 0, 0, NULL, NULL);""")
    ledger = Ledger(path)
    assert [r.owner for r in ledger.list()] == [None, None]
    assert ledger.claim("prediction", "ibm:ibm_double", "p").action == "fetch"
    fresh = ledger.claim("prediction", "fake:fake_lima", "q")  # an old pending row: no claim
    assert fresh.action == "submit" and ledger.get(2).status == "pending"


def test_a_second_process_waits_for_the_first_ones_job_and_submits_nothing(monkeypatch):
    first = _start(RUNNER)
    assert first.stdout.readline().strip() == "submitted"  # in flight in the first process
    runner, isa = _bell_runner()

    def no_submission(*args, **kwargs):
        raise AssertionError("the same work is in flight elsewhere: wait, never resubmit")

    monkeypatch.setattr(runtime, "_make_sampler", no_submission)
    got = {}
    waiter = threading.Thread(target=lambda: got.update(
        bits=runner.run(isa, [None], 200, "bell", seed=3)))
    waiter.start()
    time.sleep(1.0)
    assert waiter.is_alive() and "bits" not in got  # waiting, not done, not failed
    first.stdin.write("go\n")
    first.stdin.flush()
    counts = json.loads(first.stdout.readline())
    assert first.wait(timeout=60) == 0
    waiter.join(timeout=60)
    assert got["bits"][0].get_counts() == counts
    (row,) = Ledger().list()
    assert row.status == "done" and row.owner.split("/")[1] == str(first.pid)


def test_a_local_job_whose_process_was_killed_is_run_again():
    first = _start(RUNNER)
    assert first.stdout.readline().strip() == "submitted"
    first.kill()
    first.wait()
    runner, isa = _bell_runner()
    bits = runner.run(isa, [None], 200, "bell", seed=3)
    assert sum(bits[0].get_counts().values()) == 200
    assert [r.status for r in Ledger().list()] == ["abandoned", "done"]


def test_the_wait_can_be_bounded(tmp_path):
    from qml.errors import JobError

    runner, isa = _bell_runner()
    runner.wait_timeout = 0.3
    payload_owner = _start(RUNNER)
    assert payload_owner.stdout.readline().strip() == "submitted"
    try:
        with pytest.raises(JobError, match=r"still in flight in process .*/"
                                           rf"{payload_owner.pid}/.* after \d+ s"):
            runner.run(isa, [None], 200, "bell", seed=3)
    finally:
        payload_owner.kill()
        payload_owner.wait()


def test_concurrent_training_runs_submit_each_job_once_and_match_a_serial_run(tmp_path):
    """The issue's probe: two `qlimits train` on fake:fake_lima at once, one ledger."""
    args = ["train", "--dataset", "iris", "--classes", "1,2", "--backend", "fake:fake_lima",
            "--optimizer", "spsa", "--maxiter", "2", "--seed", "0", "--shots", "256"]

    def start(ledger, out):
        env = {**os.environ, "QLIMITS_LEDGER": str(ledger)}
        return subprocess.Popen([sys.executable, "-m", "qml.cli", *args, "--out", str(out)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    shared = tmp_path / "shared" / "ledger.db"
    runs = [start(shared, tmp_path / name) for name in ("a", "b")]
    assert all(p.wait(timeout=300) == 0 for p in runs), [p.stderr.read() for p in runs]
    serial = start(tmp_path / "serial" / "ledger.db", tmp_path / "s")
    assert serial.wait(timeout=300) == 0

    def metrics(name):
        m = json.loads((tmp_path / name / "metrics.json").read_text())
        return m["train_accuracy"], m["test_accuracy"], m["final_loss"]

    assert metrics("a") == metrics("b") == metrics("s")
    rows = Ledger(shared).list()
    sent = [r.payload_hash for r in rows if r.job_id]
    assert len(sent) == len(set(sent)) == len(Ledger(tmp_path / "serial" / "ledger.db").list())
    assert {r.status for r in rows} == {"done"}
    assert all(Ledger(shared).result_file(r) is not None for r in rows)


def test_concurrent_qv_measures_in_batch_mode_submit_each_job_once(tmp_path):
    """Two `qlimits qv measure` at once on one ledger (fake: runs widths in batch mode):
    every width's job is sent once, and both runs report the same HOPs."""
    args = ["qv", "measure", "--backend", "fake:fake_lima", "--widths", "2-3", "--trials",
            "10", "--shots", "128", "--seed", "0", "-q"]
    shared = tmp_path / "shared" / "ledger.db"
    env = {**os.environ, "QLIMITS_LEDGER": str(shared)}
    runs = [subprocess.Popen([sys.executable, "-m", "qml.cli", *args, "--out",
                              str(tmp_path / name)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    assert all(p.wait(timeout=300) == 0 for p in runs), [p.stderr.read() for p in runs]
    rows = Ledger(shared).list()
    sent = [r.payload_hash for r in rows if r.job_id]
    assert len(sent) == len(set(sent)) == 2  # widths 2 and 3, one job each
    assert {r.kind for r in rows} == {"qv_width_2", "qv_width_3"}
    assert {r.mode for r in rows if r.job_id} == {"batch"}  # the runtime's local Batch

    def hops(name):
        doc = json.loads((tmp_path / name / "qv.json").read_text())
        return [w["hops"] for w in doc["widths"]]

    assert hops("a") == hops("b")


# ---------------------------------------------------------------- files the user owns
def _bell(ledger_path, results_dir=None):
    from qiskit import QuantumCircuit

    runner = RuntimeJobs(parse_backend("fake:fake_lima"), fake_backend("fake_lima"),
                           Ledger(ledger_path), results_dir=results_dir)
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    return runner, runner.transpile([qc], seed=1)


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("create", [True, False])
def test_a_users_own_sqlite_file_is_refused_and_left_exactly_as_it_was(tmp_path, create):
    mine = tmp_path / "mine.db"
    db = sqlite3.connect(mine)
    db.execute("CREATE TABLE notes (x)")
    db.execute("INSERT INTO notes VALUES ('mine')")
    db.commit()
    db.close()
    before = _digest(mine)
    with pytest.raises(ResultFileError, match="not a qlimits job ledger .*notes"):
        Ledger(mine, create=create)
    assert _digest(mine) == before  # no table added, not switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.db"]  # no -wal, no -shm


def test_a_ledger_row_pointing_outside_the_results_folder_touches_nothing(tmp_path):
    """A path read from a ledger row is data: a rerun neither reads, renames nor trusts a
    file outside the ledger's results folder; the work runs again."""
    runner, isa = _bell(tmp_path / "ledger.db")
    first = runner.run(isa, [None], 100, "bell", seed=3)
    victim = tmp_path / "important.npz"
    victim.write_bytes(b"the user's own file")
    (row,) = runner.ledger.list()
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        db.execute("UPDATE jobs SET result_path = ? WHERE id = ?", (str(victim), row.id))
    assert runner.ledger.result_file(runner.ledger.get(row.id)) is None
    again = runner.run(isa, [None], 100, "bell", seed=3)
    assert victim.read_bytes() == b"the user's own file"
    assert sorted(p.name for p in tmp_path.glob("important*")) == ["important.npz"]
    assert again[0].get_counts() == first[0].get_counts()  # the work, run again
    assert len(runner.ledger.list()) == 2


def test_two_ledgers_in_one_folder_never_use_each_others_results(tmp_path):
    """Each result file is named and stamped for its ledger and row: ledger B never reuses
    ledger A's counts, even when A's file is copied to the name B expects."""
    a, isa = _bell(tmp_path / "a.db")
    b, _ = _bell(tmp_path / "b.db")
    a.run(isa, [None], 100, "bell", seed=3)
    b_counts = b.run(isa, [None], 100, "bell", seed=4)[0].get_counts()
    (ra,), (rb,) = a.ledger.list(), b.ledger.list()
    path_a, path_b = a.ledger.result_file(ra), b.ledger.result_file(rb)
    assert path_a.parent == path_b.parent and path_a != path_b
    path_b.write_bytes(path_a.read_bytes())  # A's result under B's name
    with pytest.warns(UserWarning, match="belongs to another ledger"):
        again = b.run(isa, [None], 100, "bell", seed=4)
    assert again[0].get_counts() == b_counts  # B's own work, run again
    assert a.ledger.result_file(ra) is not None  # A's file untouched


def test_setting_aside_never_overwrites_an_earlier_corrupt_file(tmp_path):
    runner, isa = _bell(tmp_path / "ledger.db")
    runner.run(isa, [None], 100, "bell", seed=3)
    path = runner.ledger.result_file(runner.ledger.list()[0])
    earlier = path.with_name(path.name + ".corrupt")
    earlier.write_bytes(b"set aside last week")
    path.write_bytes(b"torn")
    with pytest.warns(UserWarning, match=r"moved to .*\.corrupt\.1"):
        runner.run(isa, [None], 100, "bell", seed=3)
    assert earlier.read_bytes() == b"set aside last week"
    assert path.with_name(path.name + ".corrupt.1").read_bytes() == b"torn"


def test_a_ledger_locked_by_another_process_is_one_error_naming_it(tmp_path, monkeypatch):
    import qml.hardware.ledger as ledger_module

    path = tmp_path / "ledger.db"
    Ledger(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1], "
         "isolation_level=None); db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True);"
         " sys.stdin.read()", str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(ledger_module, "LOCK_TIMEOUT", 0.5)
        started = time.monotonic()
        with pytest.raises(LedgerBusyError, match=f"ledger {path} stayed locked"):
            Ledger(path).claim("bell", "fake:fake_lima", "payload")
        assert time.monotonic() - started < 10
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.mark.parametrize("where", ["submit", "result"])
def test_ctrl_c_during_a_fake_job_leaves_no_row_pending(tmp_path, monkeypatch, where):
    """Ctrl-C while a local job is submitted or running: its row is ``interrupted`` (a rerun
    runs it again), never left ``pending`` or ``submitted``."""
    runner, isa = _bell(tmp_path / "ledger.db")
    real = runtime._make_sampler

    class Interrupted:
        def __init__(self, mode, options):
            self.sampler = real(mode, options)

        def run(self, pubs, shots):
            if where == "submit":
                raise KeyboardInterrupt
            job = self.sampler.run(pubs, shots=shots)

            class Job:
                def job_id(self):
                    return job.job_id()

                def result(self):
                    raise KeyboardInterrupt

            return Job()

    monkeypatch.setattr(runtime, "_make_sampler", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run(isa, [None], 100, "bell", seed=3)
    (row,) = runner.ledger.list()
    assert row.status == "interrupted"
    monkeypatch.setattr(runtime, "_make_sampler", real)
    runner.run(isa, [None], 100, "bell", seed=3)
    assert [r.status for r in runner.ledger.list()] == ["interrupted", "done"]
