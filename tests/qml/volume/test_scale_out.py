"""Quantum volume on Dask, checkpoints and resume: the same HOPs on any number of workers,
after a worker is killed mid-run, and after a sweep stopped part-way is resumed."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from qml.errors import ConfigurationError
from qml.volume import (
    TRIAL_BATCH,
    QuantumVolumeResult,
    measure_devices,
    measure_quantum_volume,
)

SWEEP = dict(widths=[2, 3, 4], trials=50, shots=256, seed=5)


def _hops(result):
    return [np.asarray(w.hops) for w in result.widths]


@pytest.fixture(scope="module")
def in_process():
    return measure_quantum_volume("aer:fake_lima", **SWEEP)


def test_trial_seeds_do_not_depend_on_the_batching_or_the_workers(dask_client, in_process):
    on_cluster = measure_quantum_volume("aer:fake_lima", **SWEEP, scheduler=dask_client)
    assert [w.width for w in on_cluster.widths] == [2, 3, 4]
    for a, b in zip(_hops(in_process), _hops(on_cluster)):
        np.testing.assert_array_equal(a, b)
    assert on_cluster.quantum_volume == in_process.quantum_volume


def test_a_worker_killed_mid_run_loses_nothing(dask_client, in_process):
    pids = list(dask_client.run(os.getpid).values())
    killed = []

    def kill_one(done, total):
        assert total == 3 * (50 // TRIAL_BATCH)  # the batches of every width
        if done == 2 and not killed:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    result = measure_quantum_volume("aer:fake_lima", **SWEEP, scheduler=dask_client,
                                    task_progress=kill_one)
    assert killed
    for a, b in zip(_hops(in_process), _hops(result)):
        np.testing.assert_array_equal(a, b)
    dask_client.wait_for_workers(2, timeout=60)  # the nanny restarts it for later tests


def test_devices_run_as_one_task_set_with_the_sweeps_of_each(dask_client):
    seen = []
    together = measure_devices(["fake_lima", "fake_athens"], [2, 3], trials=100, shots=128,
                               seed=2, scheduler=dask_client,
                               progress=lambda name, w: seen.append((name, w.width)))
    for name in ("fake_lima", "fake_athens"):
        alone = measure_quantum_volume(f"aer:{name}", [2, 3], trials=100, shots=128, seed=2)
        for a, b in zip(_hops(alone), _hops(together[name])):
            np.testing.assert_array_equal(a, b)
    assert sorted(seen) == sorted((n, w) for n in ("fake_lima", "fake_athens") for w in (2, 3))


class _Stop(Exception):
    pass


def test_a_stopped_sweep_keeps_its_finished_widths_and_resumes_to_the_same_result(tmp_path):
    path = tmp_path / "qv.json"
    full = measure_quantum_volume("aer:fake_lima", [2, 3, 4], trials=100, shots=128, seed=9)

    def stop_after_width_2(w):
        if w.width == 2:
            raise _Stop

    with pytest.raises(_Stop):
        measure_quantum_volume("aer:fake_lima", [2, 3, 4], trials=100, shots=128, seed=9,
                               checkpoint=path, progress=stop_after_width_2)
    partial = QuantumVolumeResult.load(path)
    assert [w.width for w in partial.widths] == [2] and partial.complete is False

    batches = []
    resumed = measure_quantum_volume("aer:fake_lima", [2, 3, 4], trials=100, shots=128, seed=9,
                                     checkpoint=path, resume=True,
                                     task_progress=lambda done, total: batches.append(total))
    assert batches[-1] == 2 * (100 // TRIAL_BATCH)  # width 2 was not run again
    for a, b in zip(_hops(full), _hops(resumed)):
        np.testing.assert_array_equal(a, b)
    saved = QuantumVolumeResult.load(path)
    assert saved.complete and [w.width for w in saved.widths] == [2, 3, 4]


def test_an_unseeded_sweep_resumes_with_its_own_entropy(tmp_path):
    path = tmp_path / "qv.json"
    first = measure_quantum_volume("aer", [2], trials=25, shots=64, checkpoint=path)
    again = measure_quantum_volume("aer", [2, 3], trials=25, shots=64, checkpoint=path,
                                   resume=True)
    assert again.widths[0] == first.widths[0]
    assert again.settings["entropy"] == first.settings["entropy"]


def test_resuming_from_another_sweep_says_what_differs(tmp_path):
    path = tmp_path / "qv.json"
    measure_quantum_volume("aer", [2], trials=25, shots=64, seed=1, checkpoint=path)
    with pytest.raises(ConfigurationError, match=r"trials 25 \(now 50\)"):
        measure_quantum_volume("aer", [2], trials=50, shots=64, seed=1, checkpoint=path,
                               resume=True)
    with pytest.raises(ConfigurationError, match="seed 1 \\(now 2\\)"):
        measure_quantum_volume("aer", [2], trials=25, shots=64, seed=2, checkpoint=path,
                               resume=True)
    with pytest.raises(ConfigurationError, match="give checkpoint="):
        measure_quantum_volume("aer", [2], trials=25, resume=True)


def test_a_checkpoint_never_overwrites_a_file_that_is_not_a_qv_result(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    with pytest.raises(ConfigurationError, match="not a qlimits quantum-volume result"):
        measure_quantum_volume("aer", [2], trials=25, checkpoint=notes)
    assert notes.read_text() == "my notes"
    with pytest.raises(ConfigurationError, match="missing or not writable"):
        measure_quantum_volume("aer", [2], trials=25, checkpoint=tmp_path / "no" / "qv.json")


def test_early_stop_on_a_cluster_reports_what_in_process_reports(dask_client):
    kwargs = dict(widths=[2, 3, 4, 5], trials=100, shots=128, seed=3, early_stop=True)
    here = measure_quantum_volume("aer:fake_lima", **kwargs)
    there = measure_quantum_volume("aer:fake_lima", **kwargs, scheduler=dask_client)
    assert [w.width for w in here.widths] == [w.width for w in there.widths]
    assert len(here.widths) < 4  # fake_lima fails before width 5
    for a, b in zip(_hops(here), _hops(there)):
        np.testing.assert_array_equal(a, b)


def test_hardware_backends_stay_in_this_process():
    with pytest.raises(ConfigurationError, match="job ledger"):
        measure_quantum_volume("fake:fake_lima", [2], scheduler="local:1")
