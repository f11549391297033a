"""Shot-based VQC training: shots from qlimits' exact engine beside qiskit-machine-learning's
VQC on Aer's SamplerV2, at the same shots, in the same run; and the engine's counts against
Aer's by a chi-square test.

    python benchmarks/shots_speed.py              # writes SHOTS_SPEED.md and shots_speed.json
    python benchmarks/shots_speed.py --iterations 5 --peer-iterations 3 --repeats 1 --out /tmp/b

The problem is the standard one (``benchmarks/PROBLEM.md``): breast cancer, PCA to n = 4 and
8, 100 training rows, ``zz_feature_map(n, reps=2)`` + ``real_amplitudes(n, reps=3)``, parity
readout, COBYLA from ``default_rng(0).uniform(-pi, pi, 4n)``, 1,024 shots per circuit.

* qlimits, ``backend="statevector", shots=1024``: every circuit's exact output distribution
  from the engine, then seeded multinomial counts (``qml.engine.sampling``).
* qlimits, ``backend="aer", shots=1024``: the same model on Aer's SamplerV2 (the path before).
* qiskit-machine-learning ``VQC`` with ``qiskit_aer.primitives.SamplerV2(default_shots=1024)``.

COBYLA evaluates the objective once per iteration: the time per evaluation is the fit time
over the evaluations (qlimits: its circuit count over the samples; the peer: its callback's
calls). The best of ``--repeats`` interleaved fits is kept for each.

Counts: 20 fixed circuits per width (the first 20 training rows, each with its own random
weights), 1,024 shots from the engine and from Aer's SamplerV2 (independent seeds). Each
circuit's two count vectors are tested for one distribution (chi-square test of homogeneity,
outcomes with fewer than 10 counts in both together pooled into one cell); the 20 p-values are
reported with Fisher's combination.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from vqc_speed import qiskit_circuits, standard_problem  # noqa: E402

SHOTS = 1024


def run_qlimits(n: int, iterations: int, backend: str) -> dict:
    from qml import VQC

    X, y, _, _, w0 = standard_problem(n)
    clf = VQC(feature_map="zz", feature_map_reps=2, ansatz="real_amplitudes", ansatz_reps=3,
              readout="parity", optimizer="cobyla", maxiter=iterations, backend=backend,
              shots=SHOTS, seed=0, initial_weights=w0, input_scaling=None)
    start = time.perf_counter()
    clf.fit(X, y)
    seconds = time.perf_counter() - start
    evaluations = clf.n_circuit_evaluations_ // len(X)
    return {"fit_seconds": seconds, "evaluations": int(evaluations),
            "seconds_per_evaluation": seconds / evaluations, "final_loss": float(clf.loss_)}


def run_qml(n: int, iterations: int) -> dict:
    from qiskit_aer.primitives import SamplerV2
    from qiskit_machine_learning.algorithms.classifiers import VQC as QmlVQC
    from qiskit_machine_learning.optimizers import COBYLA

    X, y, _, _, w0 = standard_problem(n)
    fm, ansatz = qiskit_circuits(n)
    curve = []
    vqc = QmlVQC(feature_map=fm, ansatz=ansatz, optimizer=COBYLA(maxiter=iterations),
                 initial_point=w0, sampler=SamplerV2(default_shots=SHOTS, seed=0),
                 callback=lambda w, loss: curve.append(float(loss)))
    start = time.perf_counter()
    vqc.fit(X, y)
    seconds = time.perf_counter() - start
    return {"fit_seconds": seconds, "evaluations": len(curve),
            "seconds_per_evaluation": seconds / len(curve), "final_loss": curve[-1]}


def _pooled_homogeneity(a: np.ndarray, b: np.ndarray) -> float:
    """p-value of the chi-square test that two count vectors share one distribution."""
    from scipy.stats import chi2_contingency

    sparse = (a + b) < 10
    table = np.stack([a[~sparse], b[~sparse]], axis=1)
    if sparse.any():
        table = np.vstack([table, [a[sparse].sum(), b[sparse].sum()]])
    return float(chi2_contingency(table.T)[1])


def counts_test(n: int) -> dict:
    """Engine counts against Aer's for 20 fixed circuits of width n."""
    from qiskit import transpile
    from qiskit_aer import AerSimulator
    from qiskit_aer.primitives import SamplerV2
    from scipy.stats import combine_pvalues

    from circuits import build_classifier
    from qml.engine.sampling import pair_keys
    from qml.engine.statevector import compile_circuit

    X = standard_problem(n)[0][:20]
    cc = build_classifier("zz", "real_amplitudes", n_features=n, feature_map_reps=2,
                          ansatz_reps=3)
    W = np.random.default_rng(1).uniform(-np.pi, np.pi, (20, len(cc.weights)))
    engine = compile_circuit(cc.circuit, cc.inputs, cc.weights, [])
    ours = np.stack([engine.sample_counts(X[i:i + 1], W[i:i + 1], SHOTS,
                                          keys=pair_keys(2, "bench", X[i:i + 1],
                                                         W[i:i + 1]))[0, 0]
                     for i in range(20)])
    measured = cc.circuit.copy()
    measured.measure_all()
    circuit = transpile(measured, AerSimulator(), optimization_level=0)
    index = {p.name: ("x", i) for i, p in enumerate(cc.inputs)}
    index.update({p.name: ("w", i) for i, p in enumerate(cc.weights)})
    values = np.array([[(x if index[p.name][0] == "x" else w)[index[p.name][1]]
                        for p in circuit.parameters] for x, w in zip(X, W)])
    data = SamplerV2(seed=3, default_shots=SHOTS).run([(circuit, values)]).result()[0]
    aer = np.zeros_like(ours)
    for i in range(20):
        for bits, k in data.data.meas.get_counts(i).items():
            aer[i, int(bits, 2)] = k
    p = np.array([_pooled_homogeneity(a, b) for a, b in zip(ours, aer)])
    return {"p_values": p.round(4).tolist(), "min_p": float(p.min()),
            "fisher_p": float(combine_pvalues(p, method="fisher").pvalue)}


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["seconds_per_evaluation"])


def main() -> None:
    import warnings

    from qml.engine.statevector import warm_up

    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--iterations", type=int, default=100, help="qlimits' COBYLA maxiter")
    parser.add_argument("--peer-iterations", type=int, default=20,
                        help="COBYLA maxiter of the Aer runs (about 1.3 s per evaluation)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    warm_up()
    names = ("qlimits statevector+shots", "qlimits aer", "qiskit-machine-learning aer")
    rows, result = [], {"command": "python benchmarks/shots_speed.py",
                        "date": time.strftime("%Y-%m-%d"), "shots": SHOTS, "widths": {}}
    for n in args.widths:
        runs = {name: [] for name in names}
        for _ in range(args.repeats):  # interleaved: all three see the same machine load
            runs[names[0]].append(run_qlimits(n, args.iterations, "statevector"))
            runs[names[1]].append(run_qlimits(n, args.peer_iterations, "aer"))
            runs[names[2]].append(run_qml(n, args.peer_iterations))
            print(n, {k: round(v[-1]["seconds_per_evaluation"], 5) for k, v in runs.items()})
        kept = {name: best(r) for name, r in runs.items()}
        peer = kept[names[2]]["seconds_per_evaluation"]
        counts = counts_test(n)
        result["widths"][str(n)] = {"runs": kept, "counts": counts,
                                    "speedup": peer / kept[names[0]]["seconds_per_evaluation"],
                                    "aer_speedup": peer / kept[names[1]]["seconds_per_evaluation"]}
        for name in names:
            r = kept[name]
            rows.append(f"| {n} | {name} | {r['seconds_per_evaluation'] * 1e3:.2f} ms | "
                        f"{r['evaluations']} | {peer / r['seconds_per_evaluation']:.1f}x |")
    result["versions"] = {p: version(p) for p in ("qlimits", "qiskit", "qiskit-aer",
                                                  "qiskit-machine-learning", "numpy")}
    result["python"] = platform.python_version()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "shots_speed.json").write_text(json.dumps(result, indent=1))
    versions = ", ".join(f"{k} {v}" for k, v in result["versions"].items())
    tests = "\n".join(f"| {n} | {w['counts']['min_p']:.3f} | {w['counts']['fisher_p']:.3f} |"
                      for n, w in result["widths"].items())
    speedups = ", ".join(f"{w['speedup']:.0f}x at n = {n}" for n, w in result["widths"].items())
    text = f"""# Shot-based VQC training speed

`{result['command']}` on this 2-core machine ({result['date']}; {versions}).
The standard problem (`benchmarks/PROBLEM.md`), 100 samples, {SHOTS:,} shots per circuit,
COBYLA; best of {args.repeats} interleaved fits each. One COBYLA iteration is one objective
evaluation: 100 circuits of {SHOTS:,} shots.

| n | run | per evaluation | evaluations | vs qiskit-machine-learning |
| --- | --- | --- | --- | --- |
{chr(10).join(rows)}

**Shots from the engine: {speedups}** against qiskit-machine-learning's VQC on Aer's
SamplerV2 (the bar: at least 20x).

Counts: 20 fixed circuits per width, {SHOTS:,} shots from the engine and from Aer's SamplerV2,
chi-square test of homogeneity per circuit (the bar: p > 0.01).

| n | smallest p of 20 | Fisher's combined p |
| --- | --- | --- |
{tests}
"""
    (args.out / "SHOTS_SPEED.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
