"""Job limits, a crash and a rerun at the size of the issue: a QSVC on 300 breast-cancer
samples (PCA to 2 qubits, the ZZ kernel) on fake_lima in qiskit-ibm-runtime's local testing
mode, ``max_circuits_per_job=1000``. Its Gram matrix is 300 x 299 / 2 = 44,850
compute-uncompute circuits, so 45 jobs, each a ledger row. The fit runs in a process that
is killed (SIGKILL) once a third of the jobs are done; a rerun on the same ledger must
submit only the missing jobs and fit the same model as an uninterrupted run on a fresh
ledger.

    python benchmarks/hardware_jobs.py      # writes HARDWARE_JOBS.md and hardware_jobs.json
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PER_JOB = 1000
SAMPLES = 300
FIT = f"""
import sys
import numpy as np
from qml.datasets import load_dataset
from qml.models.qsvc import QSVC

ds = load_dataset("breast_cancer", n_features=2, seed=0)
clf = QSVC(backend="fake:fake_lima", seed=0, max_circuits_per_job={PER_JOB}).fit(
    ds.X_train[:{SAMPLES}], ds.y_train[:{SAMPLES}])
np.savez(sys.argv[1], dual=clf.dual_coef_, support=clf.support_vectors_,
         intercept=clf.intercept_, circuits=clf.n_kernel_circuits_)
"""


def _fit(ledger: Path, out: Path, kill_after: int | None = None) -> tuple[float, int]:
    """Run the fit in its own process on ``ledger``; with ``kill_after``, SIGKILL it once
    that many jobs are done. Returns the seconds and the jobs done when it ended."""
    from qml.hardware.ledger import Ledger

    env = {**os.environ, "QLIMITS_LEDGER": str(ledger)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", FIT, str(out)], env=env)
    while proc.poll() is None:
        time.sleep(0.5)
        if kill_after is not None and ledger.exists():
            done = sum(r.status == "done" for r in Ledger(ledger, create=False).list())
            if done >= kill_after:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                break
    if kill_after is None and proc.returncode != 0:
        raise SystemExit(f"the fit failed ({proc.returncode})")
    rows = Ledger(ledger, create=False).list()
    return time.perf_counter() - started, sum(r.status == "done" for r in rows)


def main() -> None:
    from qml.hardware.ledger import Ledger

    folder = Path(tempfile.mkdtemp())
    pairs = SAMPLES * (SAMPLES - 1) // 2
    expected = -(-pairs // PER_JOB)
    shared, fresh = folder / "shared" / "ledger.db", folder / "fresh" / "ledger.db"
    killed_s, done_at_kill = _fit(shared, folder / "killed.npz", kill_after=expected // 3)
    before = {r.id for r in Ledger(shared, create=False).list()}
    rerun_s, _ = _fit(shared, folder / "rerun.npz")
    rows = Ledger(shared, create=False).list()
    new = [r for r in rows if r.id not in before and r.job_id]
    uninterrupted_s, _ = _fit(fresh, folder / "uninterrupted.npz")
    a, b = np.load(folder / "rerun.npz"), np.load(folder / "uninterrupted.npz")
    same = all(np.array_equal(a[k], b[k]) for k in ("dual", "support", "intercept"))
    done = [r for r in rows if r.status == "done"]
    result = {
        "command": "python benchmarks/hardware_jobs.py", "samples": SAMPLES,
        "max_circuits_per_job": PER_JOB, "kernel_circuits": pairs, "expected_jobs": expected,
        "jobs_done_when_killed": done_at_kill, "jobs_submitted_by_the_rerun": len(new),
        "rows_done": len(done), "distinct_payloads_done": len({r.payload_hash for r in done}),
        "abandoned_rows": sum(r.status == "abandoned" for r in rows),
        "kernel_circuits_counted": int(a["circuits"]),
        "rerun_equals_uninterrupted": bool(same),
        "seconds": {"killed": killed_s, "rerun": rerun_s, "uninterrupted": uninterrupted_s},
        "uninterrupted_jobs": len(Ledger(fresh, create=False).list()),
    }
    (HERE / "hardware_jobs.json").write_text(json.dumps(result, indent=1) + "\n")
    lines = ["# A 300-sample QSVC on fake_lima: job limits, a SIGKILL and a rerun", "",
             "`python benchmarks/hardware_jobs.py`: "
             + __doc__.split("\n\n")[0].replace("\n", " "), "",
             "| | |", "| --- | --- |",
             f"| kernel circuits | {pairs:,} |",
             f"| jobs expected (at most {PER_JOB:,} circuits each) | {expected} |",
             f"| jobs of an uninterrupted run | {result['uninterrupted_jobs']} |",
             f"| jobs done when the first run was killed | {done_at_kill} |",
             f"| jobs the rerun submitted | {len(new)} |",
             f"| ledger rows done / distinct payloads done | {len(done)} / "
             f"{result['distinct_payloads_done']} |",
             f"| rows abandoned (the killed run's job in flight) | {result['abandoned_rows']} |",
             f"| rerun fits the uninterrupted run's model (dual coefficients, support "
             f"vectors, intercept) | {'yes, bit for bit' if same else 'NO'} |",
             f"| seconds: killed run, rerun, uninterrupted | {killed_s:.0f}, {rerun_s:.0f}, "
             f"{uninterrupted_s:.0f} |"]
    (HERE / "HARDWARE_JOBS.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if not (same and len(new) == expected - done_at_kill
            and result["distinct_payloads_done"] == expected):
        raise SystemExit("the bar is not met: see above")


if __name__ == "__main__":
    main()
