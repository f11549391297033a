"""Exact VQC evaluation past the cache: n = 22, 24 and 26 qubits, qlimits (cache-blocked, and
gate by gate) beside Aer's EstimatorV2 and PennyLane's lightning.qubit, forward and gradient,
with each side's distance from the memory-bandwidth bound.

The sides, circuits, data and weights are those of ``benchmarks/vqc_scaling.py`` (which
this script imports), with one more side: ``qlimits-plain``, qlimits' forward with cache
blocking switched off (``qml.engine.statevector.tile_qubits`` patched to say None), the engine
as it was before. At these widths a peer takes minutes per sample, so each configuration runs
on the first ``k`` samples of the 100 (k = 8 at n = 22, 4 at 24, 2 at 26) and its time is
reported for 100 samples as ``time x 100 / k``: every sample is an independent state (at
these widths no side caches anything across samples: a feature-map state exceeds qlimits'
cache budget), so the time is linear in the samples.

The bandwidth bound of a side is the bytes it must move over the two-thread copy bandwidth:
a gate-by-gate simulator reads and writes the complex state once per gate (the gates of
``vqc_scaling.gate_passes``); qlimits moves its own state (float64 for the real circuit) once
per pass of its plan -- one per cache-blocked stage, one per fused phase operation, one to set
the state up and one for the observable.

Usage::

    pip install -e ".[bench]"
    python benchmarks/wide_scaling.py                  # writes benchmarks/WIDE_SCALING.md
    python benchmarks/wide_scaling.py --widths 22 --circuits angle --out /tmp/wide  # smoke
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import vqc_scaling  # noqa: E402

SAMPLES = {22: 8, 24: 4, 26: 2}
SIDES = ("qlimits-forward", "qlimits-plain", "aer-forward", "lightning-forward",
         "qlimits-gradient", "lightning-gradient")


def run_plain(n, circuit):
    import qml.engine.statevector as sv

    sv.tile_qubits = lambda n_qubits, itemsize: None  # the engine without cache blocking
    return vqc_scaling.run_qlimits_forward(n, circuit)


def qlimits_passes(n: int, circuit: str) -> dict:
    """Passes over the state of qlimits' forward program, cache-blocked and plain, and its
    amplitude size."""
    from qiskit.quantum_info import SparsePauliOp

    from qml.engine.statevector import compile_circuit

    cc = vqc_scaling.qiskit_circuit(n, circuit)
    ec = compile_circuit(cc.circuit, cc.inputs, cc.weights,
                         [SparsePauliOp.from_sparse_list([("Z", [0], 1.0)], n)])
    out = {"itemsize": ec.state_bytes // 2**n}
    for name, size in (("blocked", ec.tile_qubits), ("plain", None)):
        ec.tile_qubits = size
        out[name] = ec.forward_plan.passes + 2  # + set-up and the observable
    return out


def child(side: str, n: int, circuit: str, samples: int) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    vqc_scaling.SAMPLES = samples
    runner = run_plain if side == "qlimits-plain" else vqc_scaling.RUNNERS[side]
    result = runner(n, circuit)
    result["peak_rss_mib"] = vqc_scaling.peak_rss_mib()
    print("RESULT " + json.dumps(result))


def spawn(side: str, n: int, circuit: str, samples: int, timeout: float) -> dict:
    result = vqc_scaling.spawn(side, n, circuit, timeout, script=__file__,
                               extra=("--samples", str(samples)))
    if "seconds" in result:
        result["per_100"] = result["seconds"] * 100 / samples
    return result


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3g}"


def write_report(results: dict, path: Path) -> None:
    bw = results["bandwidth"]["2"] * 1e9
    lines = ["# Past the cache: exact evaluation at 22, 24 and 26 qubits", "",
             f"Produced by `{results['command']}` on {results['date']}; machine: "
             f"{results['machine']}. Memory bandwidth (copy, read + write): "
             f"{results['bandwidth']['1']:.1f} GB/s with one thread, "
             f"{results['bandwidth']['2']:.1f} GB/s with two.", "",
             f"Versions: {', '.join(f'{k} {v}' for k, v in results['versions'].items())}.", "",
             "Sides and circuits as in `SCALING.md`. Every time is **seconds for 100 "
             "samples**, measured on the first k samples and scaled by 100 / k (k in the "
             "table; each sample is an independent state, nothing is cached across samples at "
             "these widths). `qlimits plain`: qlimits' forward with cache blocking switched "
             "off. `x`: the faster peer's time over qlimits'. The bar: at least 2x, forward "
             "and Adam step, at n = 22 and 24, within 4 GiB at n = 22.", ""]
    for circuit in results["circuits"]:
        lines += [f"## {vqc_scaling.TITLES[circuit]}", "",
                  "| n | k | qlimits forward | qlimits plain | Aer forward | lightning forward "
                  "| forward x | qlimits Adam step | lightning gradient | gradient x | "
                  "peak MiB: qlimits fwd / step, Aer, lightning grad | same result |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for n in results["widths"]:
            row = results["runs"].get(f"{circuit}:{n}")
            if row is None:
                continue

            def t(side, row=row):
                return row.get(side, {}).get("per_100")

            def cell(side, row=row):
                r = row.get(side, {})
                return _fmt(t(side)) if "per_100" in r else (
                    "timed out" if "timed" in r.get("error", "") else "-")

            def rss(side, row=row):
                r = row.get(side, {})
                return f"{r['peak_rss_mib']:.0f}" if "peak_rss_mib" in r else "-"

            peers_f = [v for v in (t("aer-forward"), t("lightning-forward")) if v]
            fwd = min(peers_f) / t("qlimits-forward") if peers_f and t("qlimits-forward") \
                else None
            grad = t("lightning-gradient") / t("qlimits-gradient") \
                if t("lightning-gradient") and t("qlimits-gradient") else None
            lines.append(
                f"| {n} | {row['k']} | {cell('qlimits-forward')} | {cell('qlimits-plain')} | "
                f"{cell('aer-forward')} | {cell('lightning-forward')} | "
                f"{'' if fwd is None else f'{fwd:.1f}x'} | {cell('qlimits-gradient')} | "
                f"{cell('lightning-gradient')} | {'' if grad is None else f'{grad:.1f}x'} | "
                f"{rss('qlimits-forward')} / {rss('qlimits-gradient')}, {rss('aer-forward')}, "
                f"{rss('lightning-gradient')} | {vqc_scaling._same(row)} |")
        lines += ["", "Distance from the bandwidth bound (forward, 100 samples, two threads): "
                  "each side's time over the time it takes to move its bytes once per pass. "
                  "Aer and lightning: one complex-state pass per gate. qlimits: its own state "
                  "(float64 when the circuit is real) once per pass of its plan. A ratio under "
                  "1 means the side moved its bytes faster than the copy bandwidth of 256 MiB "
                  "arrays allows: a large last-level cache holds much of a 22- or 24-qubit "
                  "state between passes (`lscpu` reports the caches), and Aer fuses gates, so "
                  "it makes fewer passes than the gates counted here. A ratio over 1: time "
                  "spent computing in cache.", "",
                  "| n | gate passes | qlimits passes: blocked / plain | Aer / bound | "
                  "lightning / bound | qlimits / its bound | qlimits plain / its bound |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for n in results["widths"]:
            row = results["runs"].get(f"{circuit}:{n}")
            if row is None:
                continue
            gate_bound = row["gate_passes"] * 2 * 16 * 2**n * 100 / bw
            own = row["qlimits_passes"]

            def over(side, bound, row=row):
                r = row.get(side, {})
                return f"{r['per_100'] / bound:.2g}" if "per_100" in r else "-"

            own_bound = {k: own[k] * 2 * own["itemsize"] * 2**n * 100 / bw
                         for k in ("blocked", "plain")}
            lines.append(f"| {n} | {row['gate_passes']} | {own['blocked']} / {own['plain']} | "
                         f"{over('aer-forward', gate_bound)} | "
                         f"{over('lightning-forward', gate_bound)} | "
                         f"{over('qlimits-forward', own_bound['blocked'])} | "
                         f"{over('qlimits-plain', own_bound['plain'])} |")
        lines.append("")
    for again in results.get("reruns", []):
        lines += [f"Re-measured by `{again['command']}` on {again['date']} (two-thread bandwidth "
                  f"{again['bandwidth']:.1f} GB/s): {', '.join(again['sides'])}; the other "
                  "columns are from the first run.", ""]
    path.write_text("\n".join(lines) + "\n")


def rerun(results: dict, sides: list, args, saved: Path) -> None:
    """Measure ``sides`` again at every width of ``results``; the report says which."""
    for key, row in results["runs"].items():
        circuit, n = key.split(":")
        for side in sides:
            row[side] = spawn(side, int(n), circuit, row["k"], args.timeout)
        saved.write_text(json.dumps(results, indent=1))
    results.setdefault("reruns", []).append(
        {"command": " ".join(["python", *sys.argv]), "date": time.strftime("%Y-%m-%d"),
         "sides": sides, "bandwidth": vqc_scaling.bandwidth()[2]})
    saved.write_text(json.dumps(results, indent=1))
    write_report(results, args.out / "WIDE_SCALING.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=SIDES)
    parser.add_argument("--n", type=int, default=22)
    parser.add_argument("--circuit", choices=["angle", "zz"], default="angle")
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--widths", default="22,24,26")
    parser.add_argument("--circuits", default="angle,zz")
    parser.add_argument("--timeout", type=float, default=1200.0)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--only", default="",
                        help="re-measure these sides (comma-separated) in OUT/wide_scaling.json "
                             "and keep the others")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n, args.circuit, args.samples)
        return
    saved = args.out / "wide_scaling.json"
    if args.report_only:
        write_report(json.loads(saved.read_text()), args.out / "WIDE_SCALING.md")
        return
    if args.only:
        rerun(json.loads(saved.read_text()), args.only.split(","), args, saved)
        return
    from vqc_speed import machine, versions

    results = {"command": " ".join(["python", *sys.argv]), "date": time.strftime("%Y-%m-%d"),
               "machine": machine(), "versions": versions(),
               "bandwidth": {str(k): v for k, v in vqc_scaling.bandwidth().items()},
               "widths": [int(w) for w in args.widths.split(",")],
               "circuits": args.circuits.split(","), "runs": {}}
    print(f"bandwidth: {results['bandwidth']}")
    for n in results["widths"]:
        k = SAMPLES.get(n, 2)
        for circuit in results["circuits"]:
            row = {"k": k, "gate_passes": vqc_scaling.gate_passes(n, circuit),
                   "qlimits_passes": qlimits_passes(n, circuit)}
            for side in SIDES:
                row[side] = spawn(side, n, circuit, k, args.timeout)
            results["runs"][f"{circuit}:{n}"] = row
            args.out.mkdir(parents=True, exist_ok=True)
            saved.write_text(json.dumps(results, indent=1))
            write_report(results, args.out / "WIDE_SCALING.md")
    print(f"wrote {args.out / 'WIDE_SCALING.md'}")


if __name__ == "__main__":
    main()
