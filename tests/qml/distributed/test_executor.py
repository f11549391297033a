"""qml.distributed: the scheduler argument, its errors, and the executor, on real Dask
processes (a LocalCluster, and `dask scheduler` / `dask worker` processes)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from qml.distributed import Executor, check_scheduler, connect, worker_threads
from qml.errors import ClusterError, ConfigurationError


@pytest.mark.parametrize("value, message", [
    ("local:0", "at least one worker"),
    ("lokal", "not understood"),
    ("8786", "not understood"),
    (4, "got int"),
])
def test_bad_scheduler_values_are_refused_before_any_work(value, message):
    with pytest.raises(ConfigurationError, match=message):
        check_scheduler(value)


def test_without_dask_installed_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'qlimits\[dask\]'"):
        with connect("local:1"):
            pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_address_where_no_scheduler_answers_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("QLIMITS_SCHEDULER_TIMEOUT", "1")
    address = f"tcp://127.0.0.1:{_free_port()}"
    start = time.monotonic()
    with pytest.raises(ClusterError, match=f"cannot reach a Dask scheduler at {address}"):
        with connect(address):
            pass
    assert time.monotonic() - start < 15


def test_in_process_executor_runs_tasks_when_asked_and_never_after_cancel():
    ran = []
    ex = Executor.local()
    futures = [ex.submit(lambda k: ran.append(k) or k * k, k) for k in range(4)]
    assert ran == []
    ex.cancel(futures[2:])
    assert [f.result() for f in ex.completed(futures)] == [0, 1]
    assert ran == [0, 1]
    chained = ex.submit(lambda a, b: a + b, futures[1], 10)  # a future as an argument
    assert chained.result() == 11


def _thread_state(_):
    from threadpoolctl import threadpool_info

    return (worker_threads(), os.environ.get("RAYON_NUM_THREADS"),
            os.environ.get("QLIMITS_NUM_THREADS"),
            sorted({pool["num_threads"] for pool in threadpool_info()}))


def test_every_worker_thread_pool_is_held_to_the_worker_threads(dask_client):
    with connect(dask_client) as ex:
        assert ex.distributed and ex.n_workers == 2
        states = ex.results([ex.submit(_thread_state, k) for k in range(4)])
    for threads, rayon, engine, pools in states:
        assert (threads, rayon, engine) == (1, "1", "1")
        assert pools in ([], [1])  # BLAS / OpenMP pools loaded in the worker: one thread
    assert worker_threads() is None  # and this process is left alone


def _slow_square(k):
    time.sleep(0.3)
    return k * k


def test_a_scheduler_lost_mid_run_is_a_clear_error_not_a_hang(tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_LOGGING__DISTRIBUTED": "critical"}
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                                  "--port", str(port), "--no-dashboard"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                               "--nthreads", "1", "--no-dashboard"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with connect(address) as ex:
            ex.client.wait_for_workers(1, timeout=60)
            futures = [ex.submit(_slow_square, k) for k in range(30)]
            done = []
            start = time.monotonic()
            with pytest.raises(ClusterError, match=f"lost the Dask scheduler at {address}"):
                for future in ex.completed(futures):
                    done.append(future.result())
                    if len(done) == 2:
                        scheduler.send_signal(signal.SIGKILL)
            assert time.monotonic() - start < 60
            assert len(done) >= 2 and set(done) <= {k * k for k in range(30)}
    finally:
        for proc in (worker, scheduler):
            proc.kill()
            proc.wait()


def test_results_come_back_in_submission_order(dask_client):
    with connect(dask_client) as ex:
        futures = [ex.submit(_slow_square, k) for k in range(5)][::-1]
        assert ex.results(futures) == [16, 9, 4, 1, 0]
    assert not dask_client.status == "closed"  # a Client given is left open


def test_local_cluster_is_started_and_closed():
    with connect("local:1") as ex:
        assert ex.n_workers == 1
        client = ex.client
        assert ex.results([ex.submit(np.add, 2, 3)]) == [5]
    assert client.status == "closed"
