"""Checkpoints: a training process killed with SIGKILL resumes to the same weights."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from qml import VQC
from qml.cli import main
from qml.datasets import load_dataset
from qml.errors import ConfigurationError

TRAIN = ["train", "--dataset", "wine", "--qubits", "8", "--optimizer", "adam", "--maxiter",
         "400", "--seed", "3"]


def test_sigkill_mid_run_then_resume_gives_the_uninterrupted_weights(tmp_path):
    assert main([*TRAIN, "--out", str(tmp_path / "straight")]) == 0
    checkpoint = tmp_path / "ck.json"
    proc = subprocess.Popen([sys.executable, "-m", "qml.cli", *TRAIN, "--checkpoint",
                             str(checkpoint), "--out", str(tmp_path / "killed")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    iteration = 0
    while time.time() < deadline and proc.poll() is None:
        if checkpoint.exists():
            iteration = json.loads(checkpoint.read_text())["iteration"]
            if iteration >= 20:
                break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 20 <= iteration < 400, "the run must be killed mid-way"
    assert not (tmp_path / "killed" / "model.json").exists()
    assert main([*TRAIN, "--checkpoint", str(checkpoint), "--resume",
                 "--out", str(tmp_path / "killed")]) == 0
    straight = json.loads((tmp_path / "straight" / "model.json").read_text())
    resumed = json.loads((tmp_path / "killed" / "model.json").read_text())
    np.testing.assert_array_equal(resumed["weights"], straight["weights"])
    assert resumed["loss_curve"] == straight["loss_curve"]


class _Stop(Exception):
    pass


def _interrupt_at(n):
    def callback(info):
        if info.iteration == n:
            raise _Stop

    return callback


@pytest.mark.parametrize("optimizer,exact", [("spsa", True), ("adam", True), ("cobyla", False),
                                             ("lbfgs", False)])
def test_resume_after_an_interruption(optimizer, exact, tmp_path):
    ds = load_dataset("iris", classes=[1, 2], seed=0)
    kw = dict(optimizer=optimizer, maxiter=30, seed=2)
    straight = VQC(**kw).fit(ds.X_train, ds.y_train)
    ck = tmp_path / "ck.json"
    with pytest.raises(_Stop):
        VQC(**kw, checkpoint=ck, callback=_interrupt_at(12)).fit(ds.X_train, ds.y_train)
    # the callback of iteration 12 interrupted it before its step: 11 are saved
    assert json.loads(ck.read_text())["iteration"] == 11
    resumed = VQC(**kw, checkpoint=ck, resume=True).fit(ds.X_train, ds.y_train)
    assert resumed.n_iter_ <= 30 and resumed.loss_curve_[:11].tolist() == \
        straight.loss_curve_[:11].tolist()
    if exact:
        np.testing.assert_array_equal(resumed.weights_, straight.weights_)


def test_checkpoint_for_other_data_is_refused(tmp_path):
    ds = load_dataset("iris", classes=[1, 2], seed=0)
    ck = tmp_path / "ck.json"
    VQC(optimizer="adam", maxiter=3, checkpoint=ck).fit(ds.X_train, ds.y_train)
    with pytest.raises(ConfigurationError, match="other data or settings"):
        VQC(optimizer="adam", maxiter=3, checkpoint=ck, resume=True).fit(ds.X_test, ds.y_test)
    with pytest.raises(ConfigurationError, match="checkpoint=PATH"):
        VQC(resume=True).fit(ds.X_train, ds.y_train)
    with pytest.raises(ConfigurationError, match="of a adam run; this fit uses spsa"):
        VQC(optimizer="spsa", maxiter=3, checkpoint=ck, resume=True).fit(ds.X_train,
                                                                        ds.y_train)


@pytest.mark.parametrize("content, match", [
    (b"\x80\x81\x82", "not a text file"),
    (b'{"format": "qlimits.checkpoint", "format_version": 1, "method": "adam", '
     b'"fingerprint": "x", "state": [1, 2]}', "field 'state': \\[1, 2\\] is not of type 'object'"),
    (b'{"format": "qlimits.vqc", "format_version": 2}', "not a 'qlimits.checkpoint' file"),
])
def test_a_broken_checkpoint_is_one_clear_error(tmp_path, content, match):
    from qml.errors import ResultFileError

    ds = load_dataset("iris", classes=[1, 2], seed=0)
    ck = tmp_path / "ck.json"
    ck.write_bytes(content)
    with pytest.raises(ResultFileError, match=match):
        VQC(optimizer="adam", maxiter=3, checkpoint=ck, resume=True).fit(ds.X_train, ds.y_train)


@pytest.mark.parametrize("backend", ["statevector", "aer", "fake:fake_lima"])
def test_a_shot_based_run_resumed_repeats_the_uninterrupted_one(backend, tmp_path):
    """Shot noise is seeded by what is evaluated, not by how many calls came before: the
    resumed run draws the uninterrupted run's seeds, so its weights are identical and, on a
    runtime backend, every job of the uninterrupted run is already in the ledger."""
    from qml.hardware.ledger import Ledger

    ds = load_dataset("iris", classes=[1, 2], seed=0)
    X, y = ds.X_train[:16], ds.y_train[:16]
    kw = dict(backend=backend, shots=64, optimizer="spsa", maxiter=6, seed=5)
    ck = tmp_path / "ck.json"
    with pytest.raises(_Stop):
        VQC(**kw, checkpoint=ck, callback=_interrupt_at(3)).fit(X, y)
    resumed = VQC(**kw, checkpoint=ck, resume=True).fit(X, y)
    jobs = len(Ledger().list())
    straight = VQC(**kw).fit(X, y)
    np.testing.assert_array_equal(resumed.weights_, straight.weights_)
    if backend.startswith("fake:"):
        assert len(Ledger().list()) == jobs  # nothing new was submitted
