"""VQC training speed: qlimits beside qiskit-machine-learning, PennyLane and plain NumPy.

The standard problem of ``benchmarks/PROBLEM.md``: breast cancer, PCA to n, scaled
to [0, pi], 100 training rows, 171 test rows; ``zz_feature_map(n, reps=2)`` +
``real_amplitudes(n, reps=3)``; parity readout; cross-entropy (log2); initial weights
``default_rng(0).uniform(-pi, pi, 4n)``.

Every configuration runs in its own subprocess, one after another, so that each peak memory
figure is that configuration's alone (it includes the Python interpreter and imports). Results
go to ``benchmarks/RESULTS.md`` and ``benchmarks/results.json``.

Usage::

    pip install -e ".[bench]"
    python benchmarks/vqc_speed.py                 # full run, n = 4 and 8 (about 20 minutes)
    python benchmarks/vqc_speed.py --quick --out /tmp/bench   # 10 iterations, smoke test
    python benchmarks/vqc_speed.py --child NAME --n 8 --iterations 100   # one configuration
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SHOTS = 1024


# ---------------------------------------------------------------------------- problem
def standard_problem(n: int):
    """Data exactly as benchmarks/PROBLEM.md prescribes."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.decomposition import PCA
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    for step in (StandardScaler(), PCA(n_components=n), MinMaxScaler(feature_range=(0, np.pi))):
        X_tr = step.fit_transform(X_tr)
        X_te = step.transform(X_te)
    w0 = np.random.default_rng(0).uniform(-np.pi, np.pi, 4 * n)
    return X_tr[:100], y_tr[:100], X_te, y_te, w0


def cross_entropy(p1: np.ndarray, y: np.ndarray) -> float:
    p = np.where(y == 1, p1, 1 - p1)
    return float(-np.log2(np.clip(p, 1e-10, 1.0)).mean())


def qiskit_circuits(n: int):
    from qiskit.circuit.library import real_amplitudes, zz_feature_map

    return zz_feature_map(n, reps=2), real_amplitudes(n, reps=3)


# ------------------------------------------------------------------------- configs
def run_qlimits(n, iterations, optimizer="cobyla", backend="statevector"):
    from qml import VQC

    X, y, X_te, y_te, w0 = standard_problem(n)
    clf = VQC(feature_map="zz", feature_map_reps=2, ansatz="real_amplitudes", ansatz_reps=3,
              readout="parity", optimizer=optimizer, maxiter=iterations,
              learning_rate=0.1 if optimizer == "adam" else None, backend=backend,
              shots=None if backend == "statevector" else SHOTS, seed=0, initial_weights=w0,
              input_scaling=None)
    start = time.perf_counter()
    clf.fit(X, y)
    seconds = time.perf_counter() - start
    return {"fit_seconds": seconds, "n_iter": clf.n_iter_, "final_loss": clf.loss_,
            "loss_curve": clf.loss_curve_.tolist(),
            "test_accuracy": clf.score(X_te, y_te),
            "circuit_evaluations": clf.n_circuit_evaluations_}


def run_qml(n, iterations, sampler_kind="default"):
    from qiskit_machine_learning.algorithms.classifiers import VQC as QmlVQC
    from qiskit_machine_learning.optimizers import COBYLA

    X, y, X_te, y_te, w0 = standard_problem(n)
    fm, ansatz = qiskit_circuits(n)
    kwargs = {}
    if sampler_kind == "aer":
        from qiskit_aer.primitives import SamplerV2

        kwargs["sampler"] = SamplerV2(default_shots=SHOTS, seed=0)
    curve = []
    vqc = QmlVQC(feature_map=fm, ansatz=ansatz, optimizer=COBYLA(maxiter=iterations),
                 initial_point=w0, callback=lambda w, loss: curve.append(float(loss)), **kwargs)
    start = time.perf_counter()
    vqc.fit(X, y)
    seconds = time.perf_counter() - start
    return {"fit_seconds": seconds, "n_iter": len(curve), "final_loss": float(vqc.fit_result.fun),
            "loss_curve": curve, "test_accuracy": float(vqc.score(X_te, y_te)),
            "circuit_evaluations": len(curve) * len(X),
            "final_weights": np.asarray(vqc.fit_result.x).tolist(),
            "qlimits_loss_at_final_weights": qlimits_loss(n, vqc.fit_result.x)}


def qlimits_loss(n: int, weights) -> float:
    """qlimits' training loss at given weights (to cross-check a peer's final point)."""
    from qml import VQC

    X, y, _, _, w0 = standard_problem(n)
    clf = VQC(feature_map="zz", feature_map_reps=2, readout="parity", optimizer="cobyla",
              maxiter=1, initial_weights=w0, input_scaling=None).fit(X, y)
    clf.weights_ = np.asarray(weights, dtype=float)
    return cross_entropy(clf.predict_proba(X)[:, 1], y)


def _pennylane_circuit(n, device_name, diff_method):
    """The same circuit, gate by gate, translated from the qiskit circuits."""
    import pennylane as qml
    from qiskit import QuantumCircuit

    fm, ansatz = qiskit_circuits(n)
    full = QuantumCircuit(n)
    full.compose(fm, inplace=True)
    full.compose(ansatz, inplace=True)
    inputs, weights = list(fm.parameters), list(ansatz.parameters)
    gates = [(inst.operation.name, [full.find_bit(q).index for q in inst.qubits],
              inst.operation.params[0] if inst.operation.params else None)
             for inst in full.data]

    def angle(expr, x, w):
        if hasattr(expr, "parameters") and expr.parameters:
            names = {p.name: p for p in expr.parameters}
            p = names[next(iter(names))]
            if len(names) == 1 and expr == p:
                return w[weights.index(p)] if p in weights else x[inputs.index(p)]
            # zz feature map angles: 2 x_i or 2 (pi - x_i)(pi - x_j)
            idx = [inputs.index(names[k]) for k in sorted(names)]
            if len(idx) == 1:
                return 2 * x[idx[0]]
            return 2 * (np.pi - x[idx[0]]) * (np.pi - x[idx[1]])
        return float(expr)

    dev = qml.device(device_name, wires=n)

    @qml.qnode(dev, diff_method=diff_method, interface="autograd")
    def circuit(x, w):
        apply_pennylane_gates(gates, angle, x, w)
        return qml.expval(qml.PauliZ(0))

    return circuit


def apply_pennylane_gates(gates, angle, x, w) -> None:
    """Inside a QNode: ``(name, qubits, angle expression)`` gates (h, cx, p, ry) as PennyLane
    operations, each angle from ``angle(expression, x, w)``."""
    import pennylane as qml

    for name, qubits, expr in gates:
        if name == "h":
            qml.Hadamard(qubits[0])
        elif name == "cx":
            qml.CNOT(qubits)
        elif name == "p":
            qml.PhaseShift(angle(expr, x, w), qubits[0])
        elif name == "ry":
            qml.RY(angle(expr, x, w), qubits[0])
        else:
            raise ValueError(name)


def run_pennylane(n, iterations, device_name="lightning.qubit", diff_method="adjoint"):
    import pennylane as qml
    from pennylane import numpy as pnp

    X, y, X_te, y_te, w0 = standard_problem(n)
    circuit = _pennylane_circuit(n, device_name, diff_method)
    xs = [pnp.array(X[:, i], requires_grad=False) for i in range(n)]  # broadcast over samples
    target = pnp.array(y, requires_grad=False)

    def cost(w):
        p1 = (1 - circuit(xs, w)) / 2
        p = target * p1 + (1 - target) * (1 - p1)
        return -pnp.mean(pnp.log2(pnp.clip(p, 1e-10, 1.0)))

    opt = qml.AdamOptimizer(stepsize=0.1, beta1=0.9, beta2=0.999, eps=1e-8)
    w = pnp.array(w0, requires_grad=True)
    curve = []
    start = time.perf_counter()
    for _ in range(iterations):
        w, loss = opt.step_and_cost(cost, w)
        curve.append(float(loss))
    seconds = time.perf_counter() - start
    final = float(cost(w))
    p1_test = (1 - np.asarray(circuit([X_te[:, i] for i in range(n)], w))) / 2
    return {"fit_seconds": seconds, "n_iter": iterations, "final_loss": final,
            "loss_curve": curve, "test_accuracy": float(((p1_test > 0.5) == y_te).mean()),
            "circuit_evaluations": iterations * len(X)}


def numpy_reference(n: int):
    """Plain vectorised NumPy: every gate of the full circuit on a (100, 2**n) batch,
    one evaluation of the loss, as a COBYLA iteration needs. No caching, no tricks."""
    X, y, _, _, w0 = standard_problem(n)
    B = len(X)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    cx_pairs = [(i, i + 1) for i in reversed(range(n - 1))]  # reverse_linear

    def one_qubit(psi, q, m):  # a shared real 2x2 matrix
        v = psi.reshape(B, 2 ** (n - 1 - q), 2, 2**q)
        out = np.empty_like(v)
        out[:, :, 0] = m[0, 0] * v[:, :, 0] + m[0, 1] * v[:, :, 1]
        out[:, :, 1] = m[1, 0] * v[:, :, 0] + m[1, 1] * v[:, :, 1]
        return out.reshape(B, -1)

    idx = np.arange(2**n)

    def cx(psi, c, t):
        perm = np.where((idx >> c) & 1, idx ^ (1 << t), idx)
        return psi[:, perm]

    def phase(psi, q, angles):  # one angle per sample on |1> of qubit q
        v = psi.reshape(B, 2 ** (n - 1 - q), 2, 2**q).copy()
        v[:, :, 1] *= np.exp(1j * angles)[:, None, None]
        return v.reshape(B, -1)

    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    z0 = 1.0 - 2.0 * (idx & 1)

    def loss(w):
        psi = np.zeros((B, 2**n), dtype=complex)
        psi[:, 0] = 1
        for _ in range(2):
            for q in range(n):
                psi = one_qubit(psi, q, h)
                psi = phase(psi, q, 2 * X[:, q])
            for i, j in pairs:
                psi = cx(psi, i, j)
                psi = phase(psi, j, 2 * (np.pi - X[:, i]) * (np.pi - X[:, j]))
                psi = cx(psi, i, j)
        k = 0
        for layer in range(4):
            for q in range(n):
                c, s = np.cos(w[k] / 2), np.sin(w[k] / 2)
                psi = one_qubit(psi, q, np.array([[c, -s], [s, c]]))
                k += 1
            if layer < 3:
                for c_, t in cx_pairs:
                    psi = cx(psi, c_, t)
        p1 = (1 - (np.abs(psi) ** 2) @ z0) / 2
        return cross_entropy(p1, y)

    return loss, w0


def run_numpy(n, iterations):
    from qml import VQC

    loss, w0 = numpy_reference(n)
    X, y, _, _, _ = standard_problem(n)
    ref = VQC(feature_map="zz", feature_map_reps=2, readout="parity", maxiter=1,
              optimizer="cobyla", initial_weights=w0, input_scaling=None)
    ref.fit(X, y)
    ref.weights_ = w0  # evaluate both at the initial point
    p1 = ref.predict_proba(X)[:, 1]
    check = abs(loss(w0) - cross_entropy(p1, y))
    start = time.perf_counter()
    for k in range(iterations):
        loss(w0 + 0.001 * k)
    seconds = time.perf_counter() - start
    return {"fit_seconds": seconds, "n_iter": iterations, "final_loss": loss(w0),
            "agreement_with_qlimits": check, "circuit_evaluations": iterations * 100}


def run_memory(n, iterations):
    """16 qubits, 1,000 samples: one exact evaluation and one adjoint gradient."""
    from qiskit.quantum_info import SparsePauliOp

    from circuits import build_classifier
    from qml.backends.evaluators import ExactEvaluator

    cc = build_classifier("zz", "real_amplitudes", n_features=n, feature_map_reps=2,
                          ansatz_reps=3)
    ev = ExactEvaluator(cc, [SparsePauliOp.from_sparse_list([("Z", [0], 1.0)], n)])
    rng = np.random.default_rng(0)
    X = rng.uniform(0, np.pi, (1000, n))
    w = rng.uniform(-np.pi, np.pi, (1, len(cc.weights)))
    start = time.perf_counter()
    E = ev.expectations(X, w)
    mid = time.perf_counter()
    ev.vjp(X, w, np.ones_like(E))
    end = time.perf_counter()
    return {"fit_seconds": end - start, "evaluate_seconds": mid - start,
            "gradient_seconds": end - mid, "n_iter": 1, "circuit_evaluations": 1000}


CONFIGS = {
    "qlimits-cobyla-exact": lambda n, it: run_qlimits(n, it),
    "qml-cobyla-default-sampler": lambda n, it: run_qml(n, it),
    "qml-cobyla-aer-samplerv2": lambda n, it: run_qml(n, it, "aer"),
    "qlimits-cobyla-aer-shots": lambda n, it: run_qlimits(n, it, backend="aer"),
    "numpy-reference-evaluation": run_numpy,
    "qlimits-adam-exact": lambda n, it: run_qlimits(n, it, optimizer="adam"),
    "pennylane-lightning-adjoint-adam": lambda n, it: run_pennylane(n, it),
    "pennylane-default-backprop-adam": lambda n, it: run_pennylane(n, it, "default.qubit",
                                                                   "backprop"),
    "qlimits-memory": run_memory,
}


# --------------------------------------------------------------------------- driver
def child(name: str, n: int, iterations: int) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    result = CONFIGS[name](n, iterations)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result))


def spawn(name: str, n: int, iterations: int, timeout: float) -> dict:
    cmd = [sys.executable, __file__, "--child", name, "--n", str(n), "--iterations",
           str(iterations)]
    print(f"  {name} n={n} ...", end="", flush=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(" timed out")
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        print(" failed")
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1][:300]}
    result = json.loads(lines[-1][len("RESULT "):])
    print(f" {result['fit_seconds']:.2f} s")
    return result


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("qlimits", "qiskit", "qiskit-aer", "qiskit-machine-learning", "pennylane",
                "pennylane-lightning", "numpy", "scipy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=sorted(CONFIGS))
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--quick", action="store_true",
                        help="10 iterations and a 12-qubit memory run: a smoke test")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder for results.json and RESULTS.md (default benchmarks/)")
    parser.add_argument("--shot-iterations", type=int, default=20,
                        help="COBYLA iterations of the shot-based runs (per-iteration cost)")
    parser.add_argument("--timeout", type=float, default=1500.0)
    parser.add_argument("--only", default=None,
                        help="comma-separated configurations to re-run, merged into the stored "
                             "results.json (e.g. after fixing one peer)")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n, args.iterations)
        return
    iterations = 10 if args.quick else args.iterations
    command = " ".join([Path(sys.executable).name, *sys.argv])
    only = None if args.only is None else set(args.only.split(","))
    if only:
        results = json.loads((args.out / "results.json").read_text())
        results["command"] += f"; then `{command}`"
    else:
        results = {"versions": versions(), "machine": machine(), "command": command,
                   "date": time.strftime("%Y-%m-%d"), "iterations": iterations,
                   "shot_iterations": args.shot_iterations, "runs": {}}
    for n in (4, 8):
        print(f"n = {n}")
        runs = results["runs"].setdefault(str(n), {})
        for name in CONFIGS:
            if name == "qlimits-memory" or (only and name not in only):
                continue
            it = args.shot_iterations if "aer" in name else iterations
            runs[name] = spawn(name, n, min(it, iterations) if args.quick else it, args.timeout)
    width = 12 if args.quick else 16
    if not only or "qlimits-memory" in only:
        print(f"memory: n = {width}, 1000 samples")
        results["memory"] = spawn("qlimits-memory", width, 1, args.timeout)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    from report import write_report  # benchmarks/report.py, beside this script

    write_report(results, args.out / "RESULTS.md")
    print(f"wrote {args.out / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
