"""VQR training speed: qlimits' VQR beside qiskit-machine-learning's VQR with its default
estimator, one L-BFGS-B iteration at a time, on the same problem in the same run.

    python benchmarks/vqr_speed.py                 # writes VQR_SPEED.md and vqr_speed.json
    python benchmarks/vqr_speed.py --repeats 1 --samples 20 --out /tmp/b   # smoke test

The problem: scikit-learn's diabetes data, standardised, PCA to n = 8 features, scaled to
``[0, pi]``, the first 100 rows, targets standardised; ``zz_feature_map(8, reps=2)`` +
``real_amplitudes(8, reps=3)`` (32 weights), read out as ``Z`` on every qubit (the peer's
default observable); initial weights ``default_rng(0).uniform(-pi, pi, 32)``; L-BFGS-B in
both. qiskit-machine-learning computes the loss and its gradient (the parameter-shift rule)
with its default estimator, qiskit's reference ``StatevectorEstimator``; qlimits with its
exact engine and adjoint gradients.

One iteration costs one loss-and-gradient evaluation: the time per iteration is the fit time
over the number of evaluations (qiskit-machine-learning: its callback's calls, one per loss
evaluation, each with its gradient; qlimits: its circuit count over the samples). The best
of ``--repeats`` fits is kept for each library. As a check that both optimise the same thing,
the peer's first loss equals qlimits' loss at the initial weights (output scale 1, offset 0).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def problem(n: int, n_samples: int):
    from sklearn.datasets import load_diabetes
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    X, y = load_diabetes(return_X_y=True)
    for step in (StandardScaler(), PCA(n_components=n, random_state=0),
                 MinMaxScaler(feature_range=(0, np.pi))):
        X = step.fit_transform(X)
    X, y = X[:n_samples], y[:n_samples]
    y = (y - y.mean()) / y.std()
    return X, y, np.random.default_rng(0).uniform(-np.pi, np.pi, 4 * n)


def run_qlimits(X, y, w0, iterations: int) -> dict:
    from qml import VQR
    from qml.backends.evaluators import ExactEvaluator
    from qml.models.loss import SquaredError

    reg = VQR(feature_map="zz", feature_map_reps=2, ansatz="real_amplitudes", ansatz_reps=3,
              observable="parity", optimizer="lbfgs", maxiter=iterations, seed=0,
              initial_weights=w0, input_scaling=None)
    start = time.perf_counter()
    reg.fit(X, y)
    seconds = time.perf_counter() - start
    evaluations = reg.n_circuit_evaluations_ // len(X)
    loss = SquaredError(ExactEvaluator(reg.circuit_, [reg.observable_]), X, y)
    first = loss.losses(np.r_[w0, 1.0, 0.0][None])[0]
    return {"fit_seconds": seconds, "evaluations": int(evaluations),
            "seconds_per_iteration": seconds / evaluations, "final_loss": float(reg.loss_),
            "loss_at_initial_weights": float(first)}


def run_qml(X, y, w0, iterations: int) -> dict:
    from qiskit.circuit.library import real_amplitudes, zz_feature_map
    from qiskit_machine_learning.algorithms.regressors import VQR
    from qiskit_machine_learning.optimizers import L_BFGS_B

    n = X.shape[1]
    losses = []
    reg = VQR(feature_map=zz_feature_map(n, reps=2), ansatz=real_amplitudes(n, reps=3),
              optimizer=L_BFGS_B(maxiter=iterations), initial_point=w0,
              callback=lambda w, loss: losses.append(float(loss)))
    start = time.perf_counter()
    reg.fit(X, y)
    seconds = time.perf_counter() - start
    return {"fit_seconds": seconds, "evaluations": len(losses),
            "seconds_per_iteration": seconds / len(losses), "final_loss": losses[-1],
            "loss_at_initial_weights": losses[0]}


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["seconds_per_iteration"])


def main() -> None:
    import warnings

    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--iterations", type=int, default=30, help="qlimits' L-BFGS-B maxiter")
    parser.add_argument("--qml-iterations", type=int, default=1,
                        help="the peer's L-BFGS-B maxiter (each evaluation takes ~50 s here)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    X, y, w0 = problem(args.n, args.samples)
    runs = {"qlimits": [], "qiskit-machine-learning": []}
    for _ in range(args.repeats):  # interleaved, so that both see the same machine load
        runs["qlimits"].append(run_qlimits(X, y, w0, args.iterations))
        runs["qiskit-machine-learning"].append(run_qml(X, y, w0, args.qml_iterations))
        print({k: round(v[-1]["seconds_per_iteration"], 5) for k, v in runs.items()})
    ours, peer = best(runs["qlimits"]), best(runs["qiskit-machine-learning"])
    speedup = peer["seconds_per_iteration"] / ours["seconds_per_iteration"]
    result = {"command": "python benchmarks/vqr_speed.py", "date": time.strftime("%Y-%m-%d"),
              "n": args.n, "samples": args.samples, "speedup": speedup,
              "qlimits": ours, "qiskit-machine-learning": peer,
              "same_initial_loss": abs(ours["loss_at_initial_weights"]
                                       - peer["loss_at_initial_weights"]) < 1e-9,
              "versions": {p: version(p) for p in ("qlimits", "qiskit",
                                                   "qiskit-machine-learning")},
              "python": platform.python_version()}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "vqr_speed.json").write_text(json.dumps(result, indent=1))
    rows = [f"| {name} | {r['seconds_per_iteration'] * 1e3:.1f} ms | {r['evaluations']} | "
            f"{r['fit_seconds']:.2f} s | {r['loss_at_initial_weights']:.10f} |"
            for name, r in (("qlimits VQR (exact engine, adjoint)", ours),
                            ("qiskit-machine-learning VQR (default estimator)", peer))]
    versions = ", ".join(f"{k} {v}" for k, v in result["versions"].items())
    text = f"""# VQR training speed

`{result['command']}` on this 2-core machine ({result['date']}; {versions}).
Diabetes, PCA to n = {args.n}, {args.samples} samples, ZZ feature map (2 reps) +
RealAmplitudes (3 reps), Z on every qubit, L-BFGS-B; best of {args.repeats} interleaved fits
each. One iteration is one loss and gradient evaluation.

| library | per iteration | evaluations | fit | loss at the initial weights |
| --- | --- | --- | --- | --- |
{chr(10).join(rows)}

**qlimits is {speedup:.0f}x faster per iteration** (the bar: at least 50x). Both start from
the same loss ({'equal to 1e-9' if result['same_initial_loss'] else 'NOT EQUAL: check'}), so
they optimise the same function.
"""
    (args.out / "VQR_SPEED.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
