"""Noisy VQC training: device noise on qlimits' engine beside qiskit-machine-learning's VQC
on Aer's noisy sampler, in the same run; and the engine's exact noisy probabilities against
Aer's density-matrix method.

    python benchmarks/noise_speed.py              # writes NOISE_SPEED.md and noise_speed.json
    python benchmarks/noise_speed.py --devices fake_lima:5 --repeats 1 --out /tmp/b   # quick

The problem is the standard one (``benchmarks/PROBLEM.md``) with PCA to n = 5 on fake_lima
(all its qubits) and n = 8 on fake_kolkata (8 of its 27), 60 training rows, 1,024 shots per
circuit, COBYLA from ``default_rng(0).uniform(-pi, pi, 4n)``.

* qlimits, ``backend="aer:<device>"``: the circuit transpiled to the device (level 1), each
  circuit's exact output distribution under the device's noise on qlimits' engine
  (``qml.engine.noisy_circuit``), then seeded counts. Time per objective evaluation: the fit
  time (set-up included) over the evaluations, COBYLA's ``maxiter`` (``--iterations``).
* qiskit-machine-learning ``VQC`` with ``SamplerV2.from_backend(AerSimulator.from_backend(
  device))`` and a level-1 preset pass manager for the device: one objective evaluation is
  one forward pass of its ``SamplerQNN`` over the training rows at the initial weights
  (``neural_network.forward``, the call COBYLA's objective makes), timed ``--peer-calls``
  times: a full fit needs at least 4n + 2 evaluations (34 at n = 8), each repeated.

The best of ``--repeats`` interleaved runs is kept for each. Exactness: for three circuits
per device (training rows 0-2, the initial weights), the engine's noisy probabilities against
Aer's density-matrix simulation of the same transpiled circuit under
``NoiseModel.from_backend(device)`` (readout confusion applied to Aer's probabilities by
hand); the largest difference is reported.
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

SHOTS, SAMPLES = 1024, 60


def data(n: int):
    X, y, _, _, w0 = standard_problem(n)
    return X[:SAMPLES], y[:SAMPLES], w0


def _model(device: str, n: int, iterations: int, optimizer: str = "cobyla"):
    from qml import VQC

    return VQC(feature_map="zz", feature_map_reps=2, ansatz="real_amplitudes", ansatz_reps=3,
               readout="parity", optimizer=optimizer, maxiter=iterations,
               backend=f"aer:{device}", shots=SHOTS, seed=0, initial_weights=data(n)[2],
               input_scaling=None)


def run_qlimits(device: str, n: int, iterations: int) -> dict:
    X, y, _ = data(n)
    clf = _model(device, n, iterations)
    start = time.perf_counter()
    clf.fit(X, y)
    seconds = time.perf_counter() - start
    evaluations = clf.n_circuit_evaluations_ // len(X)
    return {"seconds": seconds, "evaluations": int(evaluations),
            "seconds_per_evaluation": seconds / evaluations}


def run_qml(device: str, n: int, calls: int) -> dict:
    from qiskit.transpiler import generate_preset_pass_manager
    from qiskit_aer import AerSimulator
    from qiskit_aer.primitives import SamplerV2
    from qiskit_machine_learning.algorithms.classifiers import VQC as QmlVQC
    from qiskit_machine_learning.optimizers import COBYLA

    from qml.backends import fake_backend

    X, _, w0 = data(n)
    fm, ansatz = qiskit_circuits(n)
    simulator = AerSimulator.from_backend(fake_backend(device))
    vqc = QmlVQC(feature_map=fm, ansatz=ansatz, optimizer=COBYLA(maxiter=1), initial_point=w0,
                 sampler=SamplerV2.from_backend(simulator, seed=0, default_shots=SHOTS),
                 pass_manager=generate_preset_pass_manager(optimization_level=1,
                                                           backend=simulator,
                                                           seed_transpiler=0))
    start = time.perf_counter()
    for _ in range(calls):
        vqc.neural_network.forward(X, w0)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "evaluations": calls, "seconds_per_evaluation": seconds / calls}


def exactness(device: str, n: int) -> float:
    """Largest difference between the engine's noisy probabilities and Aer's density
    matrix, over three circuits."""
    from qiskit_aer import AerSimulator
    from qiskit_aer.noise import NoiseModel
    from qiskit_aer.noise.device import basic_device_readout_errors

    from qml.backends import fake_backend
    from qml.backends.evaluators import NoisyEngineEvaluator

    X, _, w0 = data(n)
    clf = _model(device, n, 1, optimizer="spsa")
    clf.fit(X[:8], data(n)[1][:8])  # builds the circuit (and imports what a fit imports)
    backend = fake_backend(device)
    cc = clf.circuit_
    evaluator = NoisyEngineEvaluator(cc, [], backend, SHOTS, seed=0)
    circuit = evaluator.circuit
    ours = evaluator.engine.probabilities(X[:3], w0)[0]
    by_clbit = {circuit.find_bit(i.clbits[0]).index: circuit.find_bit(i.qubits[0]).index
                for i in circuit.data if i.name == "measure"}
    qubits = [by_clbit[c] for c in range(len(by_clbit))]
    readout = {qs[0]: np.asarray(e.probabilities) for qs, e in
               basic_device_readout_errors(target=backend.target)}
    simulator = AerSimulator(method="density_matrix",
                             noise_model=NoiseModel.from_backend(backend, readout_error=False))
    worst = 0.0
    for b in range(3):
        values = {**dict(zip(cc.inputs, X[b])), **dict(zip(cc.weights, w0))}
        bare = circuit.assign_parameters(values).remove_final_measurements(inplace=False)
        bare.save_probabilities(qubits)
        p = np.asarray(simulator.run(bare).result().data()["probabilities"]).reshape((2,) * n)
        for c, q in enumerate(qubits):
            axis = n - 1 - c
            p = np.moveaxis(np.tensordot(readout[q].T, p, axes=([1], [axis])), 0, axis)
        worst = max(worst, float(np.abs(p.reshape(-1) - ours[b]).max()))
    return worst


def main() -> None:
    import warnings

    from qml.engine.statevector import warm_up

    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", nargs="+", default=["fake_lima:5", "fake_kolkata:8"],
                        help="device:width pairs")
    parser.add_argument("--iterations", type=int, default=60, help="qlimits' COBYLA maxiter")
    parser.add_argument("--peer-calls", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    warm_up()
    result = {"command": "python benchmarks/noise_speed.py", "date": time.strftime("%Y-%m-%d"),
              "shots": SHOTS, "samples": SAMPLES, "devices": {}}
    rows = []
    for item in args.devices:
        device, n = item.split(":")[0], int(item.split(":")[1])
        worst = exactness(device, n)  # first: the timed runs then find everything imported
        ours, peer = [], []
        for _ in range(args.repeats):  # interleaved: both see the same machine load
            ours.append(run_qlimits(device, n, args.iterations))
            peer.append(run_qml(device, n, args.peer_calls))
            print(device, ours[-1]["seconds_per_evaluation"], peer[-1]["seconds_per_evaluation"])
        a = min(ours, key=lambda r: r["seconds_per_evaluation"])
        b = min(peer, key=lambda r: r["seconds_per_evaluation"])
        speedup = b["seconds_per_evaluation"] / a["seconds_per_evaluation"]
        result["devices"][device] = {"n": n, "qlimits": a, "qiskit-machine-learning": b,
                                     "speedup": speedup, "max_abs_difference_vs_aer": worst}
        rows.append(f"| {device} | {n} | {a['seconds_per_evaluation'] * 1e3:.1f} ms | "
                    f"{b['seconds_per_evaluation'] * 1e3:.0f} ms | **{speedup:.1f}x** | "
                    f"{worst:.1e} |")
    result["versions"] = {p: version(p) for p in ("qlimits", "qiskit", "qiskit-aer",
                                                  "qiskit-machine-learning", "numpy")}
    result["python"] = platform.python_version()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "noise_speed.json").write_text(json.dumps(result, indent=1))
    versions = ", ".join(f"{k} {v}" for k, v in result["versions"].items())
    text = f"""# Noisy VQC training speed

`{result['command']}` on this 2-core machine ({result['date']}; {versions}).
The standard problem (`benchmarks/PROBLEM.md`), {SAMPLES} training rows, {SHOTS:,} shots per
circuit, the device's noise model, circuits transpiled to the device at level 1; best of
{args.repeats} interleaved runs each. One objective evaluation: {SAMPLES} circuits.
qlimits: `VQC(backend="aer:<device>")`, COBYLA, fit time over evaluations.
peer: qiskit-machine-learning `VQC` on Aer's `SamplerV2.from_backend`, one `SamplerQNN` forward.

| device | qubits | qlimits per evaluation | peer | qlimits is | max diff vs Aer DM |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

The last column: the largest difference between the engine's noisy probabilities and Aer's
density-matrix method (DM), over three circuits. The bar: at least 5x per objective
evaluation, and the exact noisy probabilities equal to Aer's density-matrix method to 1e-8.
"""
    (args.out / "NOISE_SPEED.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
