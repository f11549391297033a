"""Exact VQC evaluation at every width: qlimits beside Aer's EstimatorV2 and PennyLane's
lightning.qubit, forward and gradient, time and peak memory, 4 to 20+ qubits.

Two circuits, 100 samples, one parameter set, one Z observable:

* ``angle``: angle (RY) encoding + ``real_amplitudes`` (reps 3, a linear chain of CX);
* ``zz``: the standard benchmark problem (``benchmarks/PROBLEM.md``): ZZ feature
  map (reps 2, full entanglement) + ``real_amplitudes`` (reps 3).

Data: breast cancer, PCA to n features, scaled to [0, pi] (the standard problem's steps), the
first 100 training rows; initial weights ``default_rng(0).uniform(-pi, pi, 4n)``.

What is timed, through what users call:

* qlimits forward: ``VQC.predict_proba`` on the 100 samples, a model that has not seen them
  (its feature-map cache does not hold them);
* qlimits gradient: one Adam training step (forward + adjoint gradient + update) inside
  ``VQC.fit`` on the 100 samples, from the iteration callback (the median of steps 2 and 3;
  the feature-map states are cached from step 1 when they fit the engine's cache budget, as
  in any training run); the first step, which pays the feature map, is reported too;
* Aer forward: ``EstimatorV2`` (statevector, exact, its default threads), the 100 parameter
  sets in one call;
* lightning forward: the QNode on the batch of 100 inputs (parameter broadcasting);
* lightning gradient: ``qml.grad`` of the cross-entropy loss over the 100 samples with
  ``diff_method="adjoint"`` (its forward pass included, as in qlimits' step).

Aer has no adjoint gradient (its parameter-shift gradient costs 2m + 1 forward passes), so the
gradient peer is lightning. Every configuration runs in its own process (peak RSS is that
process's maximum, interpreter and imports included), one after the other, after a warm-up
call in the same process (qlimits' kernels load from numba's cache). The machine's memory
bandwidth is measured by copying 256 MiB arrays with one and two threads; for each side,
"bytes moved" is the number of state passes (gates, in order, one read and one write of the
state each) times the state size times 100, and "bound" is bytes moved / bandwidth.

Usage::

    pip install -e ".[bench]"
    python benchmarks/vqc_scaling.py                     # writes benchmarks/SCALING.md
    python benchmarks/vqc_scaling.py --widths 4,8 --out /tmp/scaling     # smoke
    python benchmarks/vqc_scaling.py --child qlimits-forward --circuit zz --n 12
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SAMPLES = 100
TITLES = {"angle": "angle (RY) encoding + real_amplitudes (reps 3)",
          "zz": "ZZ feature map (reps 2) + real_amplitudes (reps 3): the standard problem"}
SIDES = ("qlimits-forward", "qlimits-gradient", "aer-forward", "lightning-forward",
         "lightning-gradient")


# ---------------------------------------------------------------------------- problem
def problem(n: int, circuit: str):
    """Data, weights and the qlimits model settings of one width."""
    from vqc_speed import standard_problem

    X, y, X_te, _, w0 = standard_problem(n)
    kwargs = dict(feature_map="zz" if circuit == "zz" else "angle",
                  feature_map_reps=2 if circuit == "zz" else 1, ansatz="real_amplitudes",
                  ansatz_reps=3, readout="parity", initial_weights=w0, input_scaling=None,
                  seed=0)
    rows = np.arange(SAMPLES)
    if SAMPLES < 100:  # a few samples (benchmarks/wide_scaling.py): both classes, in order
        rows = np.sort(np.concatenate([np.flatnonzero(y == c)[:(SAMPLES + 1 - c) // 2]
                                       for c in (0, 1)]))
    return X[rows], y[rows], X_te, w0, kwargs


def qiskit_circuit(n: int, circuit: str):
    """The same classifier circuit as qlimits builds, with its input and weight vectors."""
    from circuits import build_classifier

    cc = build_classifier("zz" if circuit == "zz" else "angle", "real_amplitudes",
                          n_features=n, feature_map_reps=2 if circuit == "zz" else 1,
                          ansatz_reps=3)
    return cc


def gate_passes(n: int, circuit: str) -> int:
    """Gates of the circuit in one- and two-qubit gates (h, p, ry, cx): state passes of a
    gate-by-gate simulator."""
    from qiskit import transpile

    cc = qiskit_circuit(n, circuit)
    flat = transpile(cc.circuit, basis_gates=["h", "cx", "p", "ry"], optimization_level=0)
    return sum(1 for inst in flat.data if inst.operation.name != "barrier")


# --------------------------------------------------------------------------- sides
def run_qlimits_forward(n, circuit):
    import warnings

    from qml import VQC

    X, y, X_te, w0, kwargs = problem(n, circuit)
    k = min(10, SAMPLES)
    other = X_te[:k], (np.arange(k) % 2)  # a model fitted on other data: no cache hit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = VQC(optimizer="adam", maxiter=1, **kwargs).fit(*other)  # cheaper than cobyla
    model.weights_ = w0  # evaluate at the initial weights, as the peers do
    model.predict_proba(X_te[10:12])  # warm-up: kernels loaded
    start = time.perf_counter()
    p = model.predict_proba(X)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "check": float(p[:, 1].sum())}


def run_qlimits_gradient(n, circuit):
    from qml import VQC

    X, y, X_te, w0, kwargs = problem(n, circuit)
    k = min(4, SAMPLES)
    VQC(optimizer="adam", maxiter=1, **kwargs).fit(X_te[:k], np.arange(k) % 2)  # warm-up
    stamps = [time.perf_counter()]
    model = VQC(optimizer="adam", maxiter=3, learning_rate=0.1,
                callback=lambda info: stamps.append(time.perf_counter()), **kwargs)
    model.fit(X, y)
    steps = np.diff(stamps)  # [fit set-up + step 1, step 2, step 3]
    return {"seconds": float(statistics.median(steps[1:])), "first_step": float(steps[0]),
            "check": float(model.loss_curve_[0])}


def _values(n, circuit):
    X, y, X_te, w0, kwargs = problem(n, circuit)
    cc = qiskit_circuit(n, circuit)
    order = {p: i for i, p in enumerate(list(cc.inputs) + list(cc.weights))}
    values = np.hstack([X, np.repeat(w0[None], len(X), 0)])
    return cc, values[:, [order[p] for p in cc.circuit.parameters]]


def run_aer_forward(n, circuit):
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_aer.primitives import EstimatorV2

    cc, values = _values(n, circuit)
    obs = SparsePauliOp.from_sparse_list([("Z", [0], 1.0)], n)
    est = EstimatorV2(options={"default_precision": 0.0,
                               "backend_options": {"method": "statevector"}})
    est.run([(cc.circuit, obs, values[:1])]).result()  # warm-up
    start = time.perf_counter()
    evs = est.run([(cc.circuit, obs, values)]).result()[0].data.evs
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "check": float(((1 - np.asarray(evs)) / 2).sum())}


def _lightning(n, circuit):
    import pennylane as qml
    from qiskit import transpile
    from vqc_speed import apply_pennylane_gates

    cc = qiskit_circuit(n, circuit)
    flat = transpile(cc.circuit, basis_gates=["h", "cx", "p", "ry"], optimization_level=0)
    inputs = {p: i for i, p in enumerate(cc.inputs)}
    weights = {p: i for i, p in enumerate(cc.weights)}
    gates = [(inst.operation.name, [flat.find_bit(b).index for b in inst.qubits],
              inst.operation.params[0] if inst.operation.params else None)
             for inst in flat.data]

    def angle(expr, x, w):
        params = list(getattr(expr, "parameters", ()))
        if not params:
            return float(expr)
        if len(params) == 1 and params[0] in weights:
            return w[weights[params[0]]]
        # feature-map angles are polynomials of the inputs: evaluate with the batch
        value = expr
        return _polynomial(value, {p: x[inputs[p]] for p in params})

    dev = qml.device("lightning.qubit", wires=n)

    @qml.qnode(dev, diff_method="adjoint", interface="autograd")
    def qnode(x, w):
        apply_pennylane_gates(gates, angle, x, w)
        return qml.expval(qml.PauliZ(0))

    return qnode


def _polynomial(expr, values):
    """A feature-map angle (degree <= 2 in the inputs) at arrays of input values."""
    params = list(values)
    zero = {p: 0.0 for p in params}
    const = float(expr.bind(zero))
    total = const
    for p in params:
        grad = expr.gradient(p)
        lin = float(grad.bind(zero)) if hasattr(grad, "bind") else float(grad)
        total = total + lin * values[p]
    if len(params) == 2:
        a, b = params
        cross = expr.gradient(a)
        cross = cross.gradient(b) if hasattr(cross, "gradient") else 0.0
        total = total + float(cross) * values[a] * values[b]
    return total


def run_lightning_forward(n, circuit):
    from pennylane import numpy as pnp

    X, y, X_te, w0, _ = problem(n, circuit)
    qnode = _lightning(n, circuit)
    w = pnp.array(w0, requires_grad=False)
    qnode([pnp.array(X[:2, i], requires_grad=False) for i in range(n)], w)  # warm-up
    xs = [pnp.array(X[:, i], requires_grad=False) for i in range(n)]
    start = time.perf_counter()
    evs = qnode(xs, w)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "check": float(((1 - np.asarray(evs)) / 2).sum())}


def run_lightning_gradient(n, circuit):
    import pennylane as qml
    from pennylane import numpy as pnp

    X, y, X_te, w0, _ = problem(n, circuit)
    qnode = _lightning(n, circuit)
    target = pnp.array(y, requires_grad=False)

    def make_cost(xs):
        def cost(w):
            p1 = (1 - qnode(xs, w)) / 2
            p = target[:len(xs[0])] * p1 + (1 - target[:len(xs[0])]) * (1 - p1)
            return -pnp.mean(pnp.log2(pnp.clip(p, 1e-10, 1.0)))
        return cost

    w = pnp.array(w0, requires_grad=True)
    qml.grad(make_cost([pnp.array(X[:2, i], requires_grad=False) for i in range(n)]))(w)
    cost = make_cost([pnp.array(X[:, i], requires_grad=False) for i in range(n)])
    start = time.perf_counter()
    qml.grad(cost)(w)  # runs the forward pass, then the adjoint pass
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "check": float(cost(w))}


RUNNERS = {"qlimits-forward": run_qlimits_forward, "qlimits-gradient": run_qlimits_gradient,
           "aer-forward": run_aer_forward, "lightning-forward": run_lightning_forward,
           "lightning-gradient": run_lightning_gradient}


# --------------------------------------------------------------------------- bandwidth
def bandwidth() -> dict:
    """GB/s of copying 256 MiB arrays (read + write), one thread and two."""
    size = 2**25  # 256 MiB of float64
    src, dst = np.ones(size), np.zeros(size)
    out = {}
    for threads in (1, 2):
        best = float("inf")
        for _ in range(5):
            parts = np.array_split(np.arange(size), threads)
            start = time.perf_counter()
            workers = [threading.Thread(target=np.copyto, args=(dst[p[0]:p[-1] + 1],
                                                              src[p[0]:p[-1] + 1]))
                       for p in parts]
            for t in workers:
                t.start()
            for t in workers:
                t.join()
            best = min(best, time.perf_counter() - start)
        out[threads] = 2 * size * 8 / best / 1e9
    return out


# ------------------------------------------------------------------------------ driver
def child(side: str, n: int, circuit: str) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    result = RUNNERS[side](n, circuit)
    result["peak_rss_mib"] = peak_rss_mib()
    print("RESULT " + json.dumps(result))


def peak_rss_mib() -> float:
    """This process's peak resident set since it started (VmHWM; ``ru_maxrss`` would carry
    the parent's peak across ``exec``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spawn(side: str, n: int, circuit: str, timeout: float, script: str = __file__,
          extra: tuple = ()) -> dict:
    """Run one side in its own process (``script --child ...``, with ``extra`` arguments)."""
    cmd = [sys.executable, script, "--child", side, "--n", str(n), "--circuit", circuit,
           *extra]
    print(f"  {circuit} n={n} {side} {' '.join(extra)} ...", end="", flush=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(" timed out")
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        print(" failed")
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1][:300]}
    result = json.loads(lines[-1][7:])
    print(f" {result['seconds']:.3g} s, {result['peak_rss_mib']:.0f} MiB")
    return result


def _ratio(results, key, peers):
    row = results[key]
    times = [row[p]["seconds"] for p in peers if "seconds" in row.get(p, {})]
    mine = row.get("qlimits-forward" if "forward" in peers[0] else "qlimits-gradient", {})
    if not times or "seconds" not in mine:
        return None
    return min(times) / mine["seconds"]


def _same(row) -> str:
    """Do the sides agree? Sum of p(class 1) over the samples (forward), the loss at the
    initial weights (gradient), to 1e-8."""
    out = []
    for mine, peers in (("qlimits-forward", ("aer-forward", "lightning-forward")),
                        ("qlimits-gradient", ("lightning-gradient",))):
        if "check" not in row.get(mine, {}):
            continue
        diffs = [abs(row[mine]["check"] - row[p]["check"]) for p in peers
                 if "check" in row.get(p, {})]
        if diffs:
            out.append("yes" if max(diffs) < 1e-8 else f"**no** ({max(diffs):.1e})")
    return " / ".join(out) or "-"


def write_report(results: dict, path: Path) -> None:
    bw = results["bandwidth"]
    lines = ["# Exact evaluation at every width: measured results", "",
             f"Produced by `{results['command']}` on {results['date']}; machine: "
             f"{results['machine']}. Memory bandwidth (copy, read + write): "
             f"{bw['1']:.1f} GB/s with one thread, {bw['2']:.1f} GB/s with two.", "",
             f"Versions: {', '.join(f'{k} {v}' for k, v in results['versions'].items())}.", "",
             "100 samples, one parameter set, one Z observable; each configuration in its own "
             "process after a warm-up call. Forward: qlimits `VQC.predict_proba` on samples "
             "the model has not seen, against Aer `EstimatorV2` (statevector, default "
             "threads) and lightning.qubit (broadcast batch). Gradient: one qlimits Adam step "
             "in training (forward + adjoint gradient + update; feature-map states cached "
             "after the first step when they fit), against lightning.qubit's adjoint gradient "
             "of the loss (`qml.grad`, its forward pass included). `x` columns: the faster "
             "peer's time over qlimits'. The bar: at least 2x at n = 12, 16 and 20.", ""]
    for circuit in results["circuits"]:
        lines += [f"## {TITLES[circuit]}", "",
                  "| n | qlimits forward (s) | Aer forward (s) | lightning forward (s) | "
                  "forward x | qlimits step (s) | first step (s) | lightning gradient (s) | "
                  "gradient x | peak MiB: qlimits fwd / step, Aer, lightning grad | "
                  "same result |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for n in results["widths"]:
            key = f"{circuit}:{n}"
            if key not in results["runs"]:
                continue
            row = results["runs"][key]

            def t(side, field="seconds", row=row):
                r = row.get(side, {})
                return f"{r[field]:.3g}" if field in r else ("timed out" if "timed" in
                                                             r.get("error", "") else "-")

            def rss(side, row=row):
                r = row.get(side, {})
                return f"{r['peak_rss_mib']:.0f}" if "peak_rss_mib" in r else "-"

            fwd = _ratio(results["runs"], key, ["aer-forward", "lightning-forward"])
            grad = _ratio(results["runs"], key, ["lightning-gradient"])
            lines.append(
                f"| {n} | {t('qlimits-forward')} | {t('aer-forward')} | "
                f"{t('lightning-forward')} | {'' if fwd is None else f'{fwd:.1f}x'} | "
                f"{t('qlimits-gradient')} | {t('qlimits-gradient', 'first_step')} | "
                f"{t('lightning-gradient')} | {'' if grad is None else f'{grad:.1f}x'} | "
                f"{rss('qlimits-forward')} / {rss('qlimits-gradient')}, {rss('aer-forward')}, "
                f"{rss('lightning-gradient')} | {_same(row)} |")
        lines += ["", "Bytes moved and the bandwidth bound (forward, two threads): gate-by-gate "
                  "passes x state size x 100, over the two-thread copy bandwidth; qlimits' "
                  "state is float64 when the circuit is real and it fuses the feature map's "
                  "diagonal gates, so it moves less than the bound counts.", "",
                  "| n | gate passes | complex state | bound (s) | qlimits / bound | "
                  "Aer / bound | lightning / bound |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for n in results["widths"]:
            key = f"{circuit}:{n}"
            if key not in results["runs"]:
                continue
            row = results["runs"][key]
            passes = row["gate_passes"]
            moved = passes * 2 * 16 * 2**n * SAMPLES
            bound = moved / (bw["2"] * 1e9)

            def over(side, row=row, bound=bound):
                r = row.get(side, {})
                return f"{r['seconds'] / bound:.2g}" if "seconds" in r else "-"

            lines.append(f"| {n} | {passes} | {16 * 2**n / 2**20:.3g} MiB | {bound:.3g} | "
                         f"{over('qlimits-forward')} | {over('aer-forward')} | "
                         f"{over('lightning-forward')} |")
        lines.append("")
    lines += [results.get("note", "")]
    path.write_text("\n".join(lines) + "\n")


def plot(results: dict, path: Path) -> None:
    """Seconds per 100 samples against width, both circuits; passes qlimits' figure check.

    The Adam step is the median of steps 2 and 3 of a fit, which reuse the encoded inputs
    (feature states) prepared in step 1; the forward pass encodes its samples afresh. At small
    widths the encoding costs more than the trained layers' forward and backward passes
    together, so there a step is drawn below a forward pass: the plot says so.
    """
    from qml.report import style
    from qml.report.figure_check import check_figure

    fig = style.figure(11, 4.6, footnote_lines=2)
    axes = fig.subplots(1, 2)
    styles = {"qlimits-forward": ("#D55E00", "-", "o", "qlimits forward"),
              "qlimits-gradient": ("#D55E00", "--", "s", "qlimits Adam step (inputs encoded "
                                                         "once per fit)"),
              "aer-forward": ("#0072B2", "-", "o", "Aer EstimatorV2 forward"),
              "lightning-forward": ("#009E73", "-", "o", "lightning.qubit forward"),
              "lightning-gradient": ("#009E73", "--", "s", "lightning.qubit adjoint gradient")}
    for ax, circuit in zip(axes, results["circuits"]):
        for side, (color, ls, marker, label) in styles.items():
            pts = [(n, results["runs"][f"{circuit}:{n}"][side]["seconds"])
                   for n in results["widths"] if f"{circuit}:{n}" in results["runs"]
                   and "seconds" in results["runs"][f"{circuit}:{n}"].get(side, {})]
            if pts:
                ax.plot(*zip(*pts), color=color, ls=ls, marker=marker, ms=3.5, label=label)
        ax.set_yscale("log")
        ax.set_xticks(results["widths"])
        style.finish(ax, {"angle": "Angle encoding + RealAmplitudes",
                          "zz": "ZZ feature map + RealAmplitudes (standard problem)"}[circuit],
                     "qubits n", "seconds for 100 samples")
        ax.grid(alpha=0.3, which="both")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncol=3,
               fontsize=style.SIZES["legend"], frameon=False, handlelength=3.5)
    style.footnote(fig, "An Adam step is the median of steps 2-3 of a fit: the encoded inputs "
                   "(feature states) are prepared in step 1 and reused. A forward pass encodes "
                   "its samples afresh; at small widths (4 qubits for angle encoding, 4-8 for "
                   "the costlier ZZ map) that costs more than a step's forward and backward "
                   "passes through the trained layers, so the step is drawn below.")
    problems = check_figure(fig)
    if problems:
        raise SystemExit("scaling.png does not pass the figure check:\n" + "\n".join(problems))
    fig.savefig(path, dpi=130)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=SIDES)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--circuit", choices=["angle", "zz"], default="angle")
    parser.add_argument("--widths", default="4,8,12,14,16,18,20")
    parser.add_argument("--qlimits-only", default="22",
                        help="widths run for qlimits alone (the peers would take hours)")
    parser.add_argument("--circuits", default="angle,zz")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--resume", action="store_true",
                        help="keep the finished runs of OUT/scaling_results.json, run the rest")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n, args.circuit)
        return
    if args.report_only:
        results = json.loads((args.out / "scaling_results.json").read_text())
        write_report(results, args.out / "SCALING.md")
        plot(results, args.out / "scaling.png")
        return
    from vqc_speed import machine, versions

    widths = [int(w) for w in args.widths.split(",")]
    alone = [int(w) for w in args.qlimits_only.split(",") if w]
    results = {"command": " ".join(["python", *sys.argv]), "date": time.strftime("%Y-%m-%d"),
               "machine": machine(), "versions": versions(),
               "bandwidth": {str(k): v for k, v in bandwidth().items()},
               "widths": sorted(set(widths + alone)), "circuits": args.circuits.split(","),
               "runs": {}}
    saved = args.out / "scaling_results.json"
    if args.resume and saved.exists():
        before = json.loads(saved.read_text())
        results["runs"] = before["runs"]
        results["note"] = (f"Resumed: the runs {', '.join(before['runs'])} come from an "
                           f"earlier invocation (`{before['command']}`, {before['date']}, "
                           f"bandwidth {before['bandwidth']['2']:.1f} GB/s with two threads); "
                           "the rest from this one.")
    print(f"bandwidth: {results['bandwidth']}")
    for n in results["widths"]:
        for circuit in results["circuits"]:
            if f"{circuit}:{n}" in results["runs"]:
                continue
            row = {"gate_passes": gate_passes(n, circuit)}
            sides = SIDES if n in widths else ("qlimits-forward", "qlimits-gradient")
            for side in sides:
                row[side] = spawn(side, n, circuit, args.timeout)
            results["runs"][f"{circuit}:{n}"] = row
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "scaling_results.json").write_text(json.dumps(results, indent=1))
    write_report(results, args.out / "SCALING.md")
    plot(results, args.out / "scaling.png")
    print(f"wrote {args.out / 'SCALING.md'} and scaling.png")


if __name__ == "__main__":
    main()
