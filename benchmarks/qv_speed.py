"""Quantum-volume speed: qlimits beside qiskit-experiments' QuantumVolume, same work.

A sweep of widths 2-5, 100 trials each, 1024 shots, on FakeKolkataV2's noise model:
qlimits' ``measure_quantum_volume("aer:fake_kolkata", ...)`` against qiskit-experiments'
``QuantumVolume`` run on ``AerSimulator.from_backend(FakeKolkataV2())``, with the same
physical qubits, the same transpiler optimization level and the same circuits (both draw
trial seeds the same way). Each side runs in its own process; the time of each stage is
reported (ideal simulation, transpilation, noisy simulation, analysis).

Usage::

    pip install -e ".[bench]"
    python benchmarks/qv_speed.py                       # writes benchmarks/QV_RESULTS.md
    python benchmarks/qv_speed.py --widths 2-3 --trials 20 --out /tmp/qv   # smoke test
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _layouts(widths):
    from qml.backends import fake_backend
    from qml.volume import select_qubits

    target = fake_backend("fake_kolkata").target
    return {w: select_qubits(target, w) for w in widths}


def run_qlimits(widths, trials, shots, level):
    from qml.volume import measure_quantum_volume

    layouts = _layouts(widths)
    start = time.perf_counter()
    res = measure_quantum_volume("aer:fake_kolkata", widths, trials=trials, shots=shots,
                                 seed=0, optimization_level=level)
    total = time.perf_counter() - start
    stages = {"ideal": 0.0, "transpile": 0.0, "simulate": 0.0, "analysis": 0.0}
    for w in res.widths:
        assert w.physical_qubits == layouts[w.width]  # the qubits qiskit-experiments gets
        for k, v in w.seconds.items():
            stages[k] += v
    stages["setup (noise model, backend)"] = total - sum(stages.values())
    return {"seconds": total, "stages": stages,
            "mean_hop": {w.width: w.mean_hop for w in res.widths}}


def run_qiskit_experiments(widths, trials, shots, level):
    from qiskit_aer import AerSimulator
    from qiskit_experiments.library import QuantumVolume
    from qiskit_ibm_runtime.fake_provider import FakeKolkataV2

    layouts = _layouts(widths)
    start = time.perf_counter()
    backend = AerSimulator.from_backend(FakeKolkataV2())
    stages = {"setup (noise model, backend)": time.perf_counter() - start,
              "circuits+ideal": 0.0, "transpile": 0.0, "run+analysis": 0.0}
    hops = {}
    for w in widths:
        exp = QuantumVolume(layouts[w], backend=backend, trials=trials, seed=0)
        exp.set_transpile_options(optimization_level=level)
        exp.set_run_options(shots=shots)
        t0 = time.perf_counter()
        exp.circuits()
        t1 = time.perf_counter()
        exp._transpiled_circuits()  # what run() does first; timed on its own
        t2 = time.perf_counter()
        data = exp.run().block_for_results()
        t3 = time.perf_counter()
        stages["circuits+ideal"] += t1 - t0
        stages["transpile"] += (t2 - t1) - (t1 - t0)  # _transpiled_circuits regenerates circuits
        stages["run+analysis"] += (t3 - t2) - (t2 - t0)  # run() generates and transpiles again
        table = data.analysis_results(dataframe=True)
        hops[w] = float(table[table.name == "mean_HOP"].iloc[0].value.nominal_value)
    total = time.perf_counter() - start
    # run() repeats circuit generation and transpilation; count them once in the total
    return {"seconds": sum(stages.values()), "seconds_with_repeated_stages": total,
            "stages": stages, "mean_hop": hops}


RUNNERS = {"qlimits": run_qlimits, "qiskit-experiments": run_qiskit_experiments}


def child(name, widths, trials, shots, level):
    import warnings

    warnings.filterwarnings("ignore")
    print("RESULT " + json.dumps(RUNNERS[name](widths, trials, shots, level)))


def spawn(name, args) -> dict:
    cmd = [sys.executable, __file__, "--child", name, "--widths", args.widths_text,
           "--trials", str(args.trials), "--shots", str(args.shots), "--level", str(args.level)]
    print(f"  {name} ...", end="", flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        print(" failed")
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1][:300]}
    result = json.loads(lines[-1][7:])
    print(f" {result['seconds']:.1f} s")
    return result


NOTE = """\
Reading: both sides do the same expensive work — level-3 transpilation of every trial and
Aer's noisy simulation — and those dominate. qlimits saves what can be saved without
changing the physics: exact ideal distributions without a simulator job, compilation onto the
chosen qubits only, simulation with the device noise model restricted to those qubits (the
same local noise, none of the 27-qubit device around them), counts read straight from Aer,
and no plotting or result database in the loop. A 5x gain would need less transpilation (a
lower optimization level changes the circuits and the HOP) or a faster noisy simulator."""


def write_report(results: dict, path: Path) -> None:
    q, e = results["qlimits"], results["qiskit-experiments"]
    lines = [
        "# Quantum-volume speed: measured results", "",
        f"Produced by `{results['command']}` on {results['date']}; machine: "
        f"{results['machine']}.", "",
        f"Widths {results['widths']}, {results['trials']} trials each, {results['shots']} "
        f"shots, FakeKolkataV2 noise model, optimization level {results['level']}, the same "
        "physical qubits per width on both sides.", "",
    ]
    if "error" in q or "error" in e:
        lines.append(f"failed: {q.get('error') or e.get('error')}")
    else:
        ratio = e["seconds"] / q["seconds"]
        lines += [
            "| | qlimits | qiskit-experiments |", "| --- | --- | --- |",
            f"| whole sweep (s) | {q['seconds']:.1f} | {e['seconds']:.1f} "
            f"({e['seconds_with_repeated_stages']:.1f} as `run()` does it) |",
            f"| ratio | 1 | {ratio:.1f}x |",
        ]
        lines += ["", "Where the time goes (seconds):", "",
                  "| stage | qlimits | qiskit-experiments |", "| --- | --- | --- |"]
        lines += [f"| {k} | {v:.2f} | |" for k, v in q["stages"].items()]
        lines += [f"| {k} | | {v:.2f} |" for k, v in e["stages"].items()]
        lines += ["", "Mean HOP per width (same circuits, independent shots):", "",
                  "| width | qlimits | qiskit-experiments |", "| --- | --- | --- |"]
        lines += [f"| {w} | {q['mean_hop'][w]:.4f} | {e['mean_hop'][w]:.4f} |"
                  for w in q["mean_hop"]]
        lines += ["", f"Bar (at least 5x faster): {'met' if ratio >= 5 else '**not met**'} "
                  f"({ratio:.1f}x).", "", NOTE]
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=sorted(RUNNERS))
    parser.add_argument("--widths", default="2-5")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--shots", type=int, default=1024)
    parser.add_argument("--level", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    from qml.cli import parse_widths

    args.widths_text = args.widths
    widths = parse_widths(args.widths)
    if args.child:
        child(args.child, widths, args.trials, args.shots, args.level)
        return
    from vqc_speed import machine

    results = {"command": " ".join(["python", *sys.argv]), "date": time.strftime("%Y-%m-%d"),
               "machine": machine(), "widths": widths, "trials": args.trials,
               "shots": args.shots, "level": args.level}
    for name in RUNNERS:
        results[name] = spawn(name, args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "qv_results.json").write_text(json.dumps(results, indent=1))
    write_report(results, args.out / "QV_RESULTS.md")
    print(f"wrote {args.out / 'QV_RESULTS.md'}")


if __name__ == "__main__":
    main()
