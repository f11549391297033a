"""Scale-out on Dask: in-process against one and two ``dask worker`` processes, same run.

Workloads (issue 18):

1. ``qv devices``: ``measure_devices`` over fake_lima, fake_athens, fake_kolkata and
   fake_montreal, widths 2-5, 100 trials (1024 shots), seed 0: 4 x 4 x 4 = 64 batch tasks.
2. One epoch of L-BFGS-B on a VQC at n = 16 qubits, 2,000 samples (``make_classification``,
   16 features, 2 classes; angle map, real_amplitudes reps 1): the time of the second
   iteration of ``fit(maxiter=2)`` (one loss and gradient over all 2,000 samples; the first
   iteration also pays for setup, shipping the shards and compiling the engine), read from
   the callback's timestamps. Data-parallel on the cluster.
3. ``GridSearchCV`` over 8 VQC settings (ansatz reps 1-2 x feature map angle/zz x
   optimizer lbfgs/cobyla), 2 folds, on breast cancer reduced to 6 features (PCA),
   ``maxiter=40``: 16 fits; on the cluster through ``joblib.parallel_config(backend="dask")``.

Configurations, each timed in the same run:

* ``in-process, 1 thread``: a child process with every thread pool at one thread
  (``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``, ``RAYON_NUM_THREADS``,
  ``QLIMITS_NUM_THREADS`` = 1);
* ``in-process, all cores``: a child process with no limit;
* ``1 worker``, ``2 workers``: a ``dask scheduler`` process and ``dask worker --nthreads 1``
  processes started by this script (with the same variables at 1, and Dask's sampling
  profiler off: ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False``, as the README's
  commands start them), this process as client.

Every configuration runs a warm-up first (imports, the engine's compilation, on every worker),
then the timed workloads, twice each; the faster of the two is reported (the machine is
shared). Also measured: the per-task overhead (round trip of 200 no-op tasks on
one worker), and each workload's results compared across configurations (QV HOPs equal;
VQC weights to 1e-10; grid-search scores equal).

Usage::

    pip install -e ".[dask]"
    python benchmarks/scale_out.py                   # writes benchmarks/scale_out_results.json
    python benchmarks/scale_out.py --quick --out /tmp/s   # a smoke run (small settings)
    python benchmarks/scale_out.py --dask-profiler --out /tmp/p   # workers with the profiler
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from qml.distributed import WORKER_SETTINGS

HERE = Path(__file__).resolve().parent
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS", "RAYON_NUM_THREADS",
                                     "QLIMITS_NUM_THREADS")}
DEVICES = ["fake_lima", "fake_athens", "fake_kolkata", "fake_montreal"]


def settings(quick: bool) -> dict:
    if quick:
        return {"devices": DEVICES[:2], "widths": [2, 3], "trials": 50, "qubits": 8,
                "samples": 400, "grid_maxiter": 3}
    return {"devices": DEVICES, "widths": [2, 3, 4, 5], "trials": 100, "qubits": 16,
            "samples": 2000, "grid_maxiter": 40}


# ------------------------------------------------------------------- workloads
def qv_devices(cfg: dict, scheduler):
    from qml.volume import measure_devices

    start = time.perf_counter()
    res = measure_devices(cfg["devices"], cfg["widths"], trials=cfg["trials"], seed=0,
                          scheduler=scheduler)
    seconds = time.perf_counter() - start
    return seconds, {name: [w.hops for w in r.widths] for name, r in res.items()}


def vqc_epoch(cfg: dict, scheduler):
    from sklearn.datasets import make_classification

    from qml import VQC

    X, y = make_classification(cfg["samples"], cfg["qubits"], n_informative=cfg["qubits"] // 2,
                               n_redundant=0, random_state=0)
    stamps = [time.perf_counter()]
    model = VQC(seed=0, optimizer="lbfgs", maxiter=2, ansatz_reps=1, scheduler=scheduler,
                callback=lambda info: stamps.append(time.perf_counter()))
    model.fit(X, y)
    evaluations = model.n_circuit_evaluations_ // cfg["samples"]
    epoch = stamps[2] - stamps[1] if len(stamps) > 2 else float("nan")
    return epoch, {"weights": model.weights_.tolist(), "evaluations": int(evaluations),
                   "first_iteration": stamps[1] - stamps[0]}


def grid_search(cfg: dict, scheduler):
    import joblib
    from sklearn.model_selection import GridSearchCV

    from qml import VQC
    from qml.datasets import load_raw
    from qml.models.preprocessing import FeaturePipeline

    X, y, _ = load_raw("breast_cancer", seed=0)
    X = FeaturePipeline(n_components=6, seed=0).fit_transform(X)
    grid = {"ansatz_reps": [1, 2], "feature_map": ["angle", "zz"],
            "optimizer": ["lbfgs", "cobyla"]}
    search = GridSearchCV(VQC(seed=0, maxiter=cfg["grid_maxiter"]), grid, cv=2,
                          n_jobs=None if scheduler is None else -1)
    start = time.perf_counter()
    if scheduler is None:
        search.fit(X, y)
    else:
        with joblib.parallel_config(backend="dask"):
            search.fit(X, y)
    return time.perf_counter() - start, search.cv_results_["mean_test_score"].tolist()


WORKLOADS = {"qv_devices": qv_devices, "vqc_epoch": vqc_epoch, "grid_search": grid_search}


def warm_up(scheduler) -> None:
    """Imports, fake-device loading and the engine's compilation, outside the timings."""
    tiny = {"devices": DEVICES, "widths": [2], "trials": 25, "qubits": 4, "samples": 40,
            "grid_maxiter": 1}
    qv_devices(tiny, scheduler)
    vqc_epoch(tiny, scheduler)


def _warm_worker() -> None:
    """On every worker: what ``warm_up`` does in this process (a task of the warm-up may
    otherwise land on one worker only)."""
    from qml.volume import measure_quantum_volume

    for name in DEVICES:
        measure_quantum_volume(f"aer:{name}", [2], trials=25, seed=1)
    vqc_epoch({"qubits": 4, "samples": 40}, None)


def run_all(cfg: dict, scheduler) -> dict:
    if scheduler is not None:
        scheduler.run(_warm_worker)
    warm_up(scheduler)
    out = {}
    for name, workload in WORKLOADS.items():
        runs = [workload(cfg, scheduler) for _ in range(2)]
        seconds = min(r[0] for r in runs)
        out[name] = {"seconds": seconds, "all_seconds": [r[0] for r in runs],
                     "result": runs[0][1]}
        print(f"  {name}: {seconds:.2f} s (best of {[round(r[0], 2) for r in runs]})",
              flush=True)
    return out


# ---------------------------------------------------------------- processes
def in_process(cfg: dict, one_thread: bool) -> dict:
    """The workloads in a child process (so its thread pools start as configured)."""
    env = {**os.environ, **(ONE_THREAD if one_thread else {})}
    code = (f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import scale_out as s; "
            "print('RESULT' + json.dumps(s.run_all(json.loads(sys.argv[1]), None)))")
    res = subprocess.run([sys.executable, "-c", code, json.dumps(cfg)], env=env,
                         capture_output=True, text=True, check=True)
    for line in res.stdout.splitlines():
        if line.startswith("RESULT"):
            return json.loads(line[len("RESULT"):])
        print(line, flush=True)
    raise RuntimeError(res.stderr[-2000:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def task_overhead(client, n: int = 200) -> dict:
    """Seconds per no-op task: submitted together (throughput) and one at a time (latency)."""
    start = time.perf_counter()
    client.gather([client.submit(int, k, pure=False) for k in range(n)])
    batch = (time.perf_counter() - start) / n
    start = time.perf_counter()
    for k in range(50):
        client.submit(int, k, pure=False).result()
    return {"per_task_seconds_batched": batch,
            "round_trip_seconds": (time.perf_counter() - start) / 50}


def on_cluster(cfg: dict, profiler: bool = False) -> dict:
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, **ONE_THREAD, **({} if profiler else WORKER_SETTINGS),
           "DASK_LOGGING__DISTRIBUTED": "error"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    procs = [subprocess.Popen(["dask", "scheduler", "--port", str(port), "--no-dashboard"],
                              **quiet)]
    results = {}
    try:
        for n in (1, 2):
            procs.append(subprocess.Popen(["dask", "worker", address, "--nthreads", "1",
                                           "--no-dashboard"], **quiet))
            with Client(address, timeout=60) as client:
                client.wait_for_workers(n, timeout=120)
                print(f"{n} worker(s):", flush=True)
                results[f"{n}_workers"] = run_all(cfg, client)
                if n == 1:
                    results["overhead"] = task_overhead(client)
    finally:
        for proc in procs[::-1]:
            proc.terminate()
            proc.wait(timeout=30)
    return results


def check_same(runs: dict) -> dict:
    base = runs["in_process_1_thread"]
    same = {}
    for name, run in runs.items():
        if name == "in_process_1_thread" or name == "overhead":
            continue
        same[name] = {
            "qv_hops_equal": run["qv_devices"]["result"] == base["qv_devices"]["result"],
            "vqc_weights_max_diff": float(np.max(np.abs(
                np.array(run["vqc_epoch"]["result"]["weights"])
                - np.array(base["vqc_epoch"]["result"]["weights"])))),
            "grid_scores_equal": run["grid_search"]["result"] == base["grid_search"]["result"],
        }
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small settings (a smoke run)")
    parser.add_argument("--out", default=str(HERE), help="folder for scale_out_results.json")
    parser.add_argument("--dask-profiler", action="store_true",
                        help="leave Dask's sampling profiler on in the workers (its cost)")
    args = parser.parse_args()
    cfg = settings(args.quick)
    runs = {}
    print("in-process, 1 thread:", flush=True)
    runs["in_process_1_thread"] = in_process(cfg, one_thread=True)
    print("in-process, all cores:", flush=True)
    runs["in_process_all_cores"] = in_process(cfg, one_thread=False)
    cluster = on_cluster(cfg, profiler=args.dask_profiler)
    overhead = cluster.pop("overhead")
    runs.update(cluster)
    seconds = {name: {w: run[w]["seconds"] for w in WORKLOADS} for name, run in runs.items()}
    for w in WORKLOADS:
        one, two = seconds["1_workers"][w], seconds["2_workers"][w]
        print(f"{w}: 2 workers {one / two:.2f}x 1 worker; 1 worker / in-process 1 thread "
              f"{one / seconds['in_process_1_thread'][w]:.3f}")
    doc = {"settings": cfg, "cores": os.cpu_count(), "seconds": seconds,
           "overhead": overhead, "same_results": check_same(runs),
           "vqc_evaluations_per_iteration": {
               name: run["vqc_epoch"]["result"]["evaluations"] for name, run in runs.items()},
           "vqc_first_iteration_seconds": {
               name: run["vqc_epoch"]["result"]["first_iteration"]
               for name, run in runs.items()}}
    path = Path(args.out) / "scale_out_results.json"
    path.write_text(json.dumps(doc, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
