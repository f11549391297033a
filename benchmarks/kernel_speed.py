"""Quantum kernels: qlimits' exact Gram matrix beside qiskit-machine-learning's
``FidelityStatevectorKernel`` and ``FidelityQuantumKernel`` (default sampler), and QSVC accuracy
on the ad hoc dataset of Havlicek et al.

Kernel: ZZ feature map (reps 2, full entanglement, qiskit's ``zz_feature_map``), inputs
``default_rng(0).uniform(0, pi, (500, n))``, the symmetric 500 x 500 Gram matrix ``k(X, X)``.

* n = 8, same process, one after the other, each after a warm-up call on 4 other samples:
  qlimits (best of 3), ``FidelityStatevectorKernel`` (once), and ``FidelityQuantumKernel``
  with its default sampler on the first ``--fqk-samples`` samples (its time grows with the
  number of pairs: the full 500 x 500, 124,750 circuits, would take hours here), timed beside
  qlimits on the same subset, and extrapolated to 500 by its time per pair. Every matrix is
  compared with qlimits' (largest difference).
* n = 16 and 20: qlimits alone, each in its own process (time of the first call, compilation
  included, and of a second; peak RSS of the process).
* Accuracy: QSVC (raw angles, as the dataset's labels are defined) on ``load_dataset("ad_hoc",
  seed=0)`` (its default generation: 200 samples, 2 qubits, gap 0.3, 30 % test), beside a VQC
  with the same ZZ feature map and an RBF SVM.

Usage::

    pip install -e ".[bench]"
    python benchmarks/kernel_speed.py                    # writes benchmarks/KERNELS.md
    python benchmarks/kernel_speed.py --widths 16 --fqk-samples 20 --out /tmp/k   # smoke
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SAMPLES = 500


def _inputs(n: int, m: int = SAMPLES) -> np.ndarray:
    return np.random.default_rng(0).uniform(0, np.pi, (m, n))


def _timed(call, repeat: int = 1):
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = call()
        best = min(best, time.perf_counter() - start)
    return best, out


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def compare_n8(fqk_samples: int) -> dict:
    from qiskit_machine_learning.kernels import FidelityQuantumKernel, FidelityStatevectorKernel

    from circuits.feature_maps import zz
    from qml.models.quantum_kernel import QuantumKernel

    X = _inputs(8)
    warm = np.random.default_rng(1).uniform(0, np.pi, (4, 8))
    fmap = zz(8, 2)
    QuantumKernel(bandwidth=1.0).evaluate(warm)
    ours_s, ours = _timed(lambda: QuantumKernel(bandwidth=1.0).evaluate(X), repeat=3)
    fsk = FidelityStatevectorKernel(feature_map=fmap)
    fsk.evaluate(warm)
    fsk_s, ref = _timed(lambda: fsk.evaluate(X))
    sub = X[:fqk_samples]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fqk = FidelityQuantumKernel(feature_map=fmap)
        fqk.evaluate(warm)
        fqk_s, fqk_k = _timed(lambda: fqk.evaluate(sub))
    ours_sub_s, ours_sub = _timed(lambda: QuantumKernel(bandwidth=1.0).evaluate(sub), repeat=3)
    pairs_sub = fqk_samples * (fqk_samples - 1) // 2
    pairs = SAMPLES * (SAMPLES - 1) // 2
    return {
        "n": 8, "samples": SAMPLES, "qlimits_s": ours_s, "fsk_s": fsk_s,
        "fsk_ratio": fsk_s / ours_s, "fsk_max_diff": float(np.abs(ours - ref).max()),
        "fqk_samples": fqk_samples, "fqk_subset_s": fqk_s, "qlimits_subset_s": ours_sub_s,
        "fqk_subset_ratio": fqk_s / ours_sub_s,
        "fqk_max_diff_subset": float(np.abs(fqk_k - ours_sub).max()),
        "fqk_per_pair_s": fqk_s / pairs_sub,
        "fqk_extrapolated_s": fqk_s / pairs_sub * pairs,
        "fqk_extrapolated_ratio": fqk_s / pairs_sub * pairs / ours_s,
    }


def child(n: int) -> dict:
    from qml.models.quantum_kernel import QuantumKernel

    X = _inputs(n)
    first_s, K = _timed(lambda: QuantumKernel(bandwidth=1.0).evaluate(X))
    second_s, _ = _timed(lambda: QuantumKernel(bandwidth=1.0).evaluate(X))
    off = K[~np.eye(len(K), dtype=bool)]
    return {"n": n, "samples": SAMPLES, "first_s": first_s, "second_s": second_s,
            "offdiag_mean": float(off.mean()), "offdiag_var": float(off.var()),
            "peak_rss_mib": peak_rss_mib()}


def spawn(n: int, timeout: float) -> dict:
    cmd = [sys.executable, __file__, "--child", str(n)]
    print(f"  qlimits n={n} ...", end="", flush=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(" timed out")
        return {"n": n, "error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        print(" failed")
        return {"n": n, "error": (proc.stderr or proc.stdout).strip().splitlines()[-1][:300]}
    result = json.loads(lines[-1][7:])
    print(f" {result['second_s']:.2f} s, {result['peak_rss_mib']:.0f} MiB")
    return result


def accuracy() -> dict:
    from sklearn.svm import SVC

    from qml import VQC
    from qml.datasets import load_dataset
    from qml.models.qsvc import QSVC

    ds = load_dataset("ad_hoc", seed=0)
    qsvc = QSVC(input_scaling=None, seed=0).fit(ds.X_train, ds.y_train)
    vqc = VQC(feature_map="zz", feature_map_reps=2, input_scaling=None, seed=0,
              maxiter=200).fit(ds.X_train, ds.y_train)
    rbf = SVC().fit(ds.X_train, ds.y_train)
    return {"dataset": "ad_hoc (seed 0: 200 samples, 2 qubits, gap 0.3)",
            "n_train": len(ds.y_train), "n_test": len(ds.y_test),
            "qsvc_test": qsvc.score(ds.X_test, ds.y_test),
            "qsvc_train": qsvc.score(ds.X_train, ds.y_train),
            "qsvc_alignment": qsvc.kernel_target_alignment_,
            "qsvc_support_vectors": len(qsvc.support_vectors_),
            "vqc_test": vqc.score(ds.X_test, ds.y_test),
            "rbf_svm_test": rbf.score(ds.X_test, ds.y_test)}


def report(results: dict) -> str:
    c = results["n8"]
    lines = [
        "# Quantum kernels: qlimits beside qiskit-machine-learning",
        "",
        f"Machine: {results['machine']}. Command: `python benchmarks/kernel_speed.py`. "
        "ZZ feature map (reps 2, full entanglement); inputs uniform in [0, pi]; the "
        "symmetric Gram matrix k(X, X).",
        "",
        "## 500 x 500 at n = 8 (same process, after a warm-up call each)",
        "",
        "| kernel | time | qlimits faster by | largest difference from qlimits |",
        "| --- | --- | --- | --- |",
        f"| qlimits `QuantumKernel` (exact, best of 3) | {c['qlimits_s'] * 1e3:.1f} ms | - | - |",
        f"| qiskit-ML `FidelityStatevectorKernel` | {c['fsk_s']:.2f} s | "
        f"**{c['fsk_ratio']:.0f}x** | {c['fsk_max_diff']:.1e} |",
        f"| qiskit-ML `FidelityQuantumKernel` (default sampler), {c['fqk_samples']} x "
        f"{c['fqk_samples']} measured | {c['fqk_subset_s']:.1f} s (qlimits "
        f"{c['qlimits_subset_s'] * 1e3:.1f} ms) | **{c['fqk_subset_ratio']:,.0f}x** "
        f"(same subset) | {c['fqk_max_diff_subset']:.1e} |",
        f"| the same at 500 x 500 (not run) | about {c['fqk_extrapolated_s'] / 3600:.1f} h, "
        f"extrapolated ({c['fqk_per_pair_s'] * 1e3:.1f} ms per pair x 124,750 pairs) | - | - |",
        "",
        "Speed-ups are quoted only where both sides ran the same work; the 500 x 500 time of "
        "`FidelityQuantumKernel` is an extrapolation, so no ratio is given for it. Both "
        "references are exact here (`FidelityQuantumKernel`'s "
        "default sampler returns exact probabilities), hence the differences at rounding "
        "level. `FidelityQuantumKernel` runs one compute-uncompute circuit per pair, so its "
        "time per pair measured on the subset extrapolates linearly; qlimits' time at 500 is "
        "measured.",
        "",
        "## qlimits alone at larger widths (500 x 500, each width in its own process)",
        "",
        "| n | first call (compiles) | second call | peak RSS | mean / variance of k(x, y), "
        "x != y |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in results["wide"]:
        if "error" in r:
            lines.append(f"| {r['n']} | {r['error']} | | | |")
            continue
        lines.append(f"| {r['n']} | {r['first_s']:.2f} s | {r['second_s']:.2f} s | "
                     f"{r['peak_rss_mib']:.0f} MiB | {r['offdiag_mean']:.2e} / "
                     f"{r['offdiag_var']:.1e} |")
    if results.get("note"):
        lines += ["", f"Note: {results['note']}."]
    a = results.get("accuracy")
    if a:
        lines += [
            "",
            f"## Accuracy on {a['dataset']}",
            "",
            f"{a['n_train']} training and {a['n_test']} test samples.",
            "",
            "| model | test accuracy |",
            "| --- | --- |",
            f"| QSVC (exact ZZ kernel, raw angles) | {a['qsvc_test']:.3f} (train "
            f"{a['qsvc_train']:.3f}; {a['qsvc_support_vectors']} support vectors; alignment "
            f"{a['qsvc_alignment']:.3f}) |",
            f"| VQC (ZZ feature map, real_amplitudes, L-BFGS 200 iterations) | "
            f"{a['vqc_test']:.3f} |",
            f"| RBF SVM (scikit-learn defaults) | {a['rbf_svm_test']:.3f} |",
        ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", type=int, default=None)
    p.add_argument("--widths", default="16,20")
    p.add_argument("--fqk-samples", type=int, default=40)
    p.add_argument("--out", default=str(HERE))
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--report-only", action="store_true",
                   help="rewrite KERNELS.md from kernel_results.json, measuring nothing")
    args = p.parse_args(argv)
    if args.report_only:
        results = json.loads((Path(args.out) / "kernel_results.json").read_text())
        (Path(args.out) / "KERNELS.md").write_text(report(results))
        return 0
    if args.child is not None:
        print("RESULT " + json.dumps(child(args.child)))
        return 0
    import platform

    import psutil

    machine = (f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
               f"{platform.processor() or platform.machine()}")
    print("n = 8 against qiskit-machine-learning ...", flush=True)
    results = {"machine": machine, "n8": compare_n8(args.fqk_samples)}
    print(json.dumps(results["n8"], indent=1))
    results["wide"] = [spawn(int(n), args.timeout) for n in args.widths.split(",") if n]
    print("accuracy on ad hoc ...", flush=True)
    results["accuracy"] = accuracy()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "kernel_results.json").write_text(json.dumps(results, indent=1))
    (out / "KERNELS.md").write_text(report(results))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
