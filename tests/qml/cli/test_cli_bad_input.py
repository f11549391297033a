# ruff: noqa: E501 - the table of cases reads best one case per line
"""Bad input against the ``qlimits`` command: the exit status (2 for a usage error, 1 for any
other error), exactly one line on stderr, no traceback, and no file in the working folder
created or changed. The table of cases runs in this process through ``main(argv)``; what only
a real process shows (Ctrl-C and SIGTERM, a terminal's encoding, a closed pipe, the
environment a process starts with) runs as one."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from qml.errors import ConfigurationError
from tests.helpers import QLIMITS_PROCESS as QLIMITS
from tests.helpers import qlimits

FILES = {
    "empty.csv": b"",
    "header_only.csv": b"a,b,label\n",
    "binary.csv": bytes(range(256)) * 4,
    "ragged.csv": b"a,b,label\n1,2,0\n3,1\n5,6,0\n7,8,1\n",
    "text_feature.csv": b"a,b,label\n1,x,0\n3,4,1\n5,6,0\n7,8,1\n",
    "nan_feature.csv": b"a,b,label\n1,nan,0\n3,4,1\n5,6,0\n7,8,1\n",
    "one_class.csv": b"a,b,label\n1,2,0\n3,4,0\n5,6,0\n7,8,0\n",
    "lone_sample.csv": b"a,b,label\n1,2,0\n3,4,0\n5,6,1\n",
    "numeric_labels.csv": "a,b,label\n" + "".join(
        f"{i % 7},{(3 * i) % 5},{i % 3}\n" for i in range(30)),
    "future.csv": b"date,vendor,system,quantum_volume,source_url,status,note\n"
                  b"2019-01-08,IBM,x,16,https://example.org,confirmed,\n"
                  b"2020-08-20,IBM,y,64,https://example.org,confirmed,\n"
                  b"2099-01-01,IBM,z,1048576,https://example.org,confirmed,\n",
    "not_a_ledger.db": b"this is not SQLite" * 20,
    "notes.txt": b"my own notes, not a checkpoint\n",
    "checkpoint_binary.json": bytes(range(256)),
    "a_file": b"",
}

# (arguments, exit status, a fragment of the one stderr line)
CASES = [
    # usage errors: the parser refuses the value before any work
    (["train", "--dataset", "iris", "--qubits", "0", "--out", "o"], 2, "--qubits: must be at least 1"),
    (["train", "--dataset", "iris", "--test-size", "0", "--out", "o"], 2, "--test-size: must be a fraction"),
    (["train", "--dataset", "iris", "--test-size", "1.5", "--out", "o"], 2, "--test-size"),
    (["train", "--dataset", "iris", "--maxiter", "-1", "--out", "o"], 2, "--maxiter: must be at least 1"),
    (["train", "--dataset", "iris", "--learning-rate", "nan", "--out", "o"], 2, "finite number > 0"),
    (["train", "--dataset", "iris", "--shots", "zero", "--out", "o"], 2, "expected an integer"),
    (["train", "--dataset", "iris", "--classes", "0,,1", "--out", "o"], 2, "--classes"),
    (["train", "--dataset", "iris", "--max-circuits-per-job", "0", "--out", "o"], 2, "--max-circuits-per-job: must be at least 1"),
    (["train", "--dataset", "iris", "--mode", "parallel", "--out", "o"], 2, "--mode"),
    (["train", "--dataset", "iris", "--mode", "batch", "--out", "o"], 1, "--mode: backend statevector runs on this machine"),
    (["qv", "measure", "--backend", "aer", "--widths", "1"], 2, "widths are >= 2"),
    (["qv", "measure", "--backend", "aer", "--widths", "5-2"], 2, "no widths"),
    (["qv", "measure", "--backend", "aer", "--trials", "0"], 2, "--trials: must be at least 1"),
    (["qv", "measure", "--backend", "aer:fake_lima", "--qubits", "0,0"], 2, "each qubit once"),
    (["qv", "measure", "--backend", "aer:fake_lima", "--qubits=-1,2"], 2, "qubit indices"),
    (["qv", "project", "--until", "1990"], 2, "--until: must be at least 2000"),
    (["qv", "project", "--multiple", "-5"], 2, "--multiple"),
    (["qv", "cost", "--max-width", "1"], 2, "--max-width: must be at least 2"),
    (["jobs", "list", "--last", "0"], 2, "--last: must be at least 1"),
    (["compare", "--dataset", "iris", "--folds", "1", "--out", "o"], 2, "--folds: must be at least 2"),
    (["trian"], 2, "invalid choice: 'trian'"),
    # errors found in files, data and devices: one line, exit 1
    (["train", "--dataset", "empty.csv", "--out", "o"], 1, "empty.csv: the file is empty"),
    (["train", "--dataset", "header_only.csv", "--out", "o"], 1, "0 data rows"),
    (["train", "--dataset", "binary.csv", "--out", "o"], 1, "not a text file"),
    (["train", "--dataset", "ragged.csv", "--out", "o"], 1, "ragged.csv, line 3: 2 values"),
    (["train", "--dataset", "text_feature.csv", "--out", "o"], 1, "feature 'b' is 'x', not a number"),
    (["train", "--dataset", "nan_feature.csv", "--out", "o"], 1, "features must be finite"),
    (["train", "--dataset", "one_class.csv", "--out", "o"], 1, "has one class"),
    (["train", "--dataset", "lone_sample.csv", "--out", "o"], 1, "has one sample"),
    (["train", "--dataset", "numeric_labels.csv", "--classes", "5,6", "--out", "o"], 1,
     "classes ['5', '6'] not in 'numeric_labels'; its labels are 0, 1, 2"),
    (["train", "--dataset", "missing.csv", "--out", "o"], 1, "CSV file not found"),
    (["train", "--dataset", "iris", "--classes", "0", "--out", "o"], 1, "fewer than two classes"),
    (["train", "--dataset", "iris", "--out", "a_file"], 1, "is a file, not a folder"),
    (["train", "--dataset", "iris", "--backend", "nope", "--out", "o"], 1, "unknown backend 'nope'"),
    (["train", "--dataset", "iris", "--maxiter", "2", "--checkpoint", "notes.txt", "--out", "o"],
     1, "refusing to overwrite"),
    (["train", "--dataset", "iris", "--maxiter", "2", "--checkpoint", "checkpoint_binary.json",
      "--resume", "--out", "o"], 1, "not a text file"),
    (["qv", "measure", "--backend", "aer:fake_lima", "--qubits", "0,9", "--widths", "2",
      "--trials", "2", "--out", "o"], 1, "qubits [9] are not on the device"),
    (["qv", "measure", "--backend", "aer:fake_lima", "--qubits", "0,4", "--widths", "2",
      "--trials", "2", "--out", "o"], 1, "are not connected"),
    (["qv", "measure", "--backend", "statevector", "--qubits", "0,1", "--widths", "2",
      "--out", "o"], 1, "qubits"),
    (["qv", "measure", "--backend", "aer:fake_lima", "--widths", "6", "--out", "o"], 1,
     "exceeds the 5 qubits"),
    (["qv", "project", "--data", "missing.csv", "--out", "o"], 1, "missing.csv: no such file"),
    (["qv", "project", "--data", "future.csv", "--out", "o"], 1, "line 4: dated 2099-01-01, in the future"),
    (["qv", "project", "--vendor", "Acme", "--out", "o"], 1, "no records of vendor 'Acme'"),
    (["qv", "project", "--until", "2020", "--out", "o"], 1, "needs a horizon after them"),
    (["qv", "cost", "--max-width", "40", "--out", "o"], 1, "40-qubit"),
    (["jobs", "fetch", "99999999999999999999", "--ledger", "ledger.db"], 1, "no job ledger at ledger.db"),
    (["jobs", "fetch", "99999999999999999999", "--ledger", "real_ledger.db"], 1,
     "no job '99999999999999999999' in the ledger"),
    (["jobs", "fetch", "1", "--ledger", "real_ledger.db"], 1, "is missing or not in the results"),
    (["jobs", "list", "--ledger", "not_a_ledger.db"], 1, "is not a qlimits job ledger"),
    (["compare", "--dataset", "mnist", "--out", "o"], 1, "unknown dataset 'mnist'"),
    # inputs that never end, or are absurdly large: refused at once, nothing read to the end
    (["train", "--dataset", "zero.csv", "--out", "o"], 1, "zero.csv: not a regular file (a device)"),
    (["train", "--dataset", "fifo.csv", "--out", "o"], 1, "fifo.csv: not a regular file (a FIFO)"),
    (["train", "--dataset", "huge.csv", "--out", "o"], 1, "larger than 64 MiB"),
    (["train", "--dataset", "iris", "--maxiter", "2", "--checkpoint", "fifo.csv", "--resume", "--out", "o"], 1, "not a regular file (a FIFO)"),
    (["train", "--dataset", "iris", "--maxiter", "2", "--checkpoint", "fifo.csv", "--out", "o"], 1, "refusing to overwrite"),
    (["train", "--dataset", "iris", "--maxiter", "2", "--checkpoint", "zero.csv", "--resume", "--out", "o"], 1, "not a regular file (a device)"),
    (["train", "--dataset", "iris", "--maxiter", "2", "--checkpoint", "deep.json", "--resume", "--out", "o"], 1, "nested deeper than any qlimits file"),
    (["train", "--dataset", "iris", "--maxiter", "2", "--checkpoint", "huge.csv", "--resume", "--out", "o"], 1, "larger than 64 MiB"),
    (["train", "--dataset", "iris", "--maxiter", "100000000", "--out", "o"], 2, "--maxiter: must be at most 1,000,000"),
    (["train", "--dataset", "iris", "--seed", "99999999999999999999", "--out", "o"], 2, "--seed: must be at most"),
    (["qv", "measure", "--backend", "statevector", "--widths", "1100", "--out", "o"], 2, "widths are at most 60"),
    (["qv", "predict", "--backend", "aer:fake_kolkata", "--widths", "2-1000000000", "--out", "o"], 2, "widths are at most 60"),
    (["qv", "measure", "--backend", "aer", "--trials", "10000000000", "--out", "o"], 2, "--trials: must be at most"),
    (["qv", "project", "--until", "9999", "--out", "o"], 1, "at most 100 years after the last record"),
    (["qv", "project", "--until", "1000000", "--out", "o"], 2, "--until: must be at most 9,999"),
    (["qv", "project", "--start-year=-1e9", "--out", "o"], 1, "start_year=-1e+09: give a year between"),
    (["qv", "project", "--start-year", "nan", "--out", "o"], 1, "start_year=nan: give a finite number"),
    (["qv", "project", "--data", "fifo.csv", "--out", "o"], 1, "not a regular file (a FIFO)"),
    (["qv", "cost", "--max-width", "1100", "--out", "o"], 2, "--max-width: must be at most 60"),
    (["eplg", "measure", "--backend", "aer:fake_kolkata", "--lengths", "2,4,100000000", "--out", "o"], 1, "layers from 1 to 5000"),
    (["eplg", "measure", "--backend", "aer:fake_kolkata", "--samples", "100000", "--out", "o"], 2, "--samples: must be at most 10,000"),
    # files the user owns: never opened as a ledger, never changed, never overwritten
    (["train", "--dataset", "iris", "--maxiter", "2", "--out", "userout"], 1, "--out userout holds model.json, which qlimits did not write"),
    (["qv", "project", "--out", "userfig"], 1, "holds growth.png, which qlimits did not write"),
    (["jobs", "list", "--ledger", "mine.db"], 1, "is not a qlimits job ledger (an SQLite database that holds tables ['notes']"),
    (["jobs", "show", "1", "--ledger", "mine.db"], 1, "is not a qlimits job ledger"),
    (["jobs", "list", "--ledger", "fifo.csv"], 1, "is not a regular file"),
    (["jobs", "list", "--ledger", "zero.csv"], 1, "is not a regular file"),
    (["jobs", "list", "--ledger", "a_file"], 1, "is not a qlimits job ledger (empty)"),
]

# (environment, arguments, exit status, a fragment of the one stderr line)
ENV_CASES = [
    ({"QLIMITS_NUM_THREADS": "abc"}, ["qv", "project", "--out", "o"], 1, "QLIMITS_NUM_THREADS='abc': give a whole number"),
    ({"QLIMITS_NUM_THREADS": "0"}, ["demo", "--out", "o"], 1, "QLIMITS_NUM_THREADS='0'"),
    ({"QLIMITS_NUM_THREADS": "100000"}, ["train", "--dataset", "iris", "--out", "o"], 1, "QLIMITS_NUM_THREADS='100000'"),
    ({"QLIMITS_SCHEDULER_TIMEOUT": "inf"}, ["qv", "project", "--out", "o"], 1, "QLIMITS_SCHEDULER_TIMEOUT='inf'"),
    ({"QLIMITS_SCHEDULER_TIMEOUT": "nan"}, ["compare", "--dataset", "iris", "--out", "o"], 1, "QLIMITS_SCHEDULER_TIMEOUT='nan'"),
    ({"QLIMITS_SCHEDULER_TIMEOUT": "-3"}, ["qv", "measure", "--backend", "aer", "--out", "o"], 1, "QLIMITS_SCHEDULER_TIMEOUT='-3'"),
    ({"QLIMITS_CACHE_DIR": "a_file/cache"}, ["qv", "project", "--out", "o"], 1, "QLIMITS_CACHE_DIR='a_file/cache' cannot be written"),
    ({"QLIMITS_LEDGER": "fifo.csv"}, ["jobs", "list"], 1, "is not a regular file"),
    ({"QLIMITS_LEDGER": "mine.db"}, ["train", "--dataset", "iris", "--backend", "fake:fake_lima", "--maxiter", "1", "--out", "o"], 1, "is not a qlimits job ledger"),
]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every entry of the folder but its folders: files by content, the rest by kind."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() and not p.is_symlink() and p.stat().st_size < 2**20
            else f"{p.lstat().st_mode:o} {p.lstat().st_size}" for p in folder.rglob("*")
            if not p.is_dir()}


def _env(folder: Path) -> dict:
    return {**os.environ, "MPLBACKEND": "Agg", "QLIMITS_LEDGER": str(folder / "ledger.db"),
            "QISKIT_IBM_TOKEN": "", "PYTHONWARNINGS": "ignore"}


def _fill(folder: Path) -> Path:
    from qml.hardware.ledger import Ledger

    for name, content in FILES.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    os.mkfifo(folder / "fifo.csv")  # a reader that opens it would wait for ever
    (folder / "zero.csv").symlink_to("/dev/zero")  # a reader that reads it never ends
    with open(folder / "huge.csv", "wb") as f:  # 65 MiB, sparse: costs no disk
        f.truncate(65 * 2**20)
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "userout").mkdir()  # a folder of the user's, holding files of our names
    (folder / "userout" / "model.json").write_text('{"my": "own model"}')
    (folder / "userfig").mkdir()
    (folder / "userfig" / "growth.png").write_bytes(b"\x89PNG my own drawing")
    mine = sqlite3.connect(folder / "mine.db")  # the user's own database
    mine.execute("CREATE TABLE notes (x)")
    mine.commit()
    mine.close()
    ledger = Ledger(folder / "real_ledger.db")  # one finished job whose result was deleted
    row = ledger.record("sampler", "fake:fake_lima", "abc")
    ledger.update(row, "done", job_id="job-a", result_path=ledger.result_name(row))
    return folder


@pytest.fixture
def workdir(tmp_path):
    return _fill(tmp_path)


ALL_CASES = [({}, *c) for c in CASES] + ENV_CASES
IDS = ([" ".join(c[0])[:60] for c in CASES]
       + [f"{next(iter(c[0].items()))} {' '.join(c[1])}"[:60] for c in ENV_CASES])


def _in_process_env(folder: Path) -> dict:
    return {"MPLBACKEND": "Agg", "QLIMITS_LEDGER": str(folder / "ledger.db"),
            "QISKIT_IBM_TOKEN": ""}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every case run once, in this process, each in a folder of its own: ``(folder,
    snapshot before, completed command, seconds, snapshot after)`` per case."""
    results = []
    for case in ALL_CASES:
        folder = _fill(tmp_path_factory.mktemp("case"))
        env, args = case[0], case[1]
        before = _snapshot(folder)
        started = time.monotonic()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as PYTHONWARNINGS=ignore in a process
            done = qlimits(*args, env={**_in_process_env(folder), **env}, cwd=folder)
        results.append((folder, before, done, time.monotonic() - started, _snapshot(folder)))
    return results


@pytest.mark.parametrize("index", range(len(ALL_CASES)), ids=IDS)
def test_bad_input_is_one_line_and_changes_nothing(outcomes, index):
    _, _, status, fragment = ALL_CASES[index]
    folder, before, proc, seconds, after = outcomes[index]
    assert seconds < 60  # an answer within seconds, never a hang
    err = proc.stderr
    assert proc.returncode == status, err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("qlimits") and ": error: " in err, err
    assert fragment in err, err
    assert "Traceback" not in err
    assert after == before  # nothing written, nothing changed
    assert not any((folder / "o").glob("*")) if (folder / "o").exists() else True


def test_a_second_run_replaces_its_own_outputs_and_keeps_the_users(workdir):
    """qlimits replaces what it wrote before (an earlier run into the same --out) and leaves
    every other file there alone."""
    (workdir / "o").mkdir()
    (workdir / "o" / "notes.txt").write_text("mine")
    for _ in range(2):
        done = qlimits("-q", "qv", "project", "--out", "o", cwd=workdir,
                       env=_in_process_env(workdir))
        assert done.returncode == 0, done.stderr
    assert (workdir / "o" / "notes.txt").read_text() == "mine"
    assert (workdir / "o" / "projection.json").is_file()


def test_numeric_labels_are_selected_by_number(workdir):
    done = qlimits("train", "--dataset", "numeric_labels.csv", "--classes", "0,1",
                   "--maxiter", "2", "--out", "o", "-q", cwd=workdir,
                   env=_in_process_env(workdir))
    assert done.returncode == 0, done.stderr
    assert json.loads((workdir / "o" / "model.json").read_text())["classes"] == [0, 1]


def test_verbose_shows_the_traceback(workdir):
    done = qlimits("-v", "train", "--dataset", "empty.csv", "--out", "o", cwd=workdir,
                   env=_in_process_env(workdir))
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "ResultFileError" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("qlimits: error: ")


def test_an_unexpected_error_is_one_line_that_asks_for_a_report(capsys, monkeypatch):
    from qml import cli
    from qml.cli import app

    def broken(args):
        raise RuntimeError("something no check foresaw")

    parser = cli.build_parser()
    args = parser.parse_args(["jobs", "list"])
    args.func = broken
    assert app.run_command(args) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err == ("qlimits: error: unexpected RuntimeError: something no check foresaw (a bug "
                   "in qlimits or a library: run again with -v for the traceback and report "
                   "it)\n")


def test_ctrl_c_is_one_line_exit_130_and_the_checkpoint_resumes(workdir):
    """SIGINT during training: exit 130, one line, the checkpoint intact; --resume finishes."""
    checkpoint = workdir / "ck.json"
    args = ["train", "--dataset", "iris", "--optimizer", "spsa", "--maxiter", "600",
            "--checkpoint", str(checkpoint), "--out", "o", "-q"]
    # as a terminal's foreground job: SIGINT at its default even when this test process
    # inherited it ignored (a background job of a shell without job control does)
    proc = subprocess.Popen(QLIMITS + args, cwd=workdir, env=_env(workdir),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not checkpoint.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert checkpoint.exists(), "training never wrote its checkpoint"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err == "qlimits: interrupted; results written so far are kept\n"
    saved = json.loads(checkpoint.read_text())  # whole, not torn
    assert 1 <= saved["iteration"] < 600
    assert not (workdir / "o" / "model.json").exists()
    resume = subprocess.run(QLIMITS + [*args, "--resume"], cwd=workdir, env=_env(workdir),
                            capture_output=True, text=True, timeout=300)
    assert resume.returncode == 0, resume.stderr
    assert json.loads((workdir / "o" / "metrics.json").read_text())["n_iter"] == 600


def test_an_ascii_only_terminal_gets_every_result_and_figure(workdir):
    """Characters the terminal cannot show (± and σ in the QV table) come out escaped; the
    command still writes everything and exits 0."""
    proc = subprocess.run(QLIMITS + ["qv", "measure", "--backend", "statevector", "--widths",
                                     "2", "--trials", "5", "--out", "o"], cwd=workdir,
                          env={**_env(workdir), "PYTHONIOENCODING": "ascii", "LC_ALL": "C"},
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert b"\\xb1" in proc.stdout and proc.stdout.isascii()
    assert {p.name for p in (workdir / "o").iterdir()} == {"qv.json", "qv_width_2.png",
                                                          "qv_widths.png"}


def test_a_home_folder_that_cannot_be_written_costs_no_output_line(workdir):
    """matplotlib's folders go to qlimits' cache (a private temporary folder here) instead of
    two warning lines on every command; -q then prints nothing on stderr."""
    env = {**_env(workdir), "HOME": str(workdir / "a_file" / "home")}  # under a file
    for key in ("MPLCONFIGDIR", "QLIMITS_CACHE_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env.pop(key, None)
    proc = subprocess.run(QLIMITS + ["-q", "qv", "project", "--out", "o"], cwd=workdir,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert (workdir / "o" / "growth.png").is_file()


def test_version_is_one_line(capsys):
    from qml import __version__, cli

    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out == f"qlimits {__version__}\n"


@pytest.mark.parametrize("flags, shown", [([], False), (["-v"], True)])
def test_the_runtimes_own_log_lines_show_under_v_only(capsys, flags, shown):
    """qiskit-ibm-runtime logs through a handler of its own; by default qlimits' one line is
    all a failure prints."""
    import logging

    from qml import cli
    from qml.cli import app

    runtime = logging.getLogger("qiskit_ibm_runtime")
    own = logging.StreamHandler(sys.stderr)  # as qiskit_ibm_runtime.utils.logging sets up
    runtime.addHandler(own)
    parser = cli.build_parser()
    args = parser.parse_args([*flags, "jobs", "list"])

    def job(args):
        logging.getLogger("qiskit_ibm_runtime.qiskit_runtime_service").warning("401 refused")
        raise ConfigurationError("the service refused the credentials")

    args.func = job
    try:
        with app.command_logging(args.verbose, args.quiet):
            assert app.run_command(args) == cli.EXIT_ERROR
    finally:
        runtime.removeHandler(own)
    err = capsys.readouterr().err
    assert ("401 refused" in err) == shown
    assert err.rstrip().splitlines()[-1] == ("qlimits: error: the service refused the "
                                             "credentials")


def test_sigterm_is_taken_like_ctrl_c(workdir):
    """SIGTERM (a process manager, `kill`): one line, exit 130, the checkpoint whole."""
    checkpoint = workdir / "ck.json"
    proc = subprocess.Popen(QLIMITS + ["train", "--dataset", "iris", "--optimizer", "spsa",
                                       "--maxiter", "100000", "--checkpoint", str(checkpoint),
                                       "--out", "o", "-q"],
                            cwd=workdir, env=_env(workdir), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not checkpoint.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err == "qlimits: terminated (SIGTERM); results written so far are kept\n"
    assert json.loads(checkpoint.read_text())["iteration"] >= 1


def test_a_reader_that_goes_away_ends_the_command_quietly(workdir):
    proc = subprocess.run(["bash", "-c", f"{' '.join(QLIMITS)} qv project --out o | head -1"],
                          cwd=workdir, env=_env(workdir), capture_output=True, text=True,
                          timeout=300)
    assert proc.stdout.startswith("series") and proc.stderr == ""


def test_a_bad_mplbackend_does_not_reach_the_command_line(workdir):
    proc = subprocess.run(QLIMITS + ["-q", "qv", "project", "--out", "o"], cwd=workdir,
                          env={**_env(workdir), "MPLBACKEND": "no_such_backend"},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
