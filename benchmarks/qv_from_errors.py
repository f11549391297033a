"""The QV-from-errors model (``qml.volume.predict_quantum_volume``) against qlimits' exact
noisy QV simulation on every fake device qiskit-ibm-runtime ships.

Per device (at least 2 qubits): widths 2 to min(6, qubits), 100 trials, 1024 shots, seed 0,
the simulation through ``measure_devices`` (the exact noisy distributions of
``qml.engine.pauli_transfer``)
and the prediction from the device's reported gate and readout errors on the same qubits
and transpiled circuits. Both run as tasks on a local Dask cluster (``--scheduler``).

Usage::

    python benchmarks/qv_from_errors.py                  # qv_from_errors.json, QV_FROM_ERRORS.md
    python benchmarks/qv_from_errors.py --devices fake_lima,fake_kolkata --out /tmp
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _predict(name: str, widths: list[int], trials: int) -> dict:
    from qml.volume import predict_quantum_volume

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return predict_quantum_volume(f"aer:{name}", widths, trials=trials, seed=0).to_dict()


def report(doc: dict) -> str:
    """QV_FROM_ERRORS.md from the results."""
    s = doc["summary"]
    lines = [
        "# Quantum volume from error rates against the exact noisy simulation",
        "",
        "`python benchmarks/qv_from_errors.py` (results: `qv_from_errors.json`): every fake "
        "device of qiskit-ibm-runtime with at least 2 qubits, widths 2 to min(6, qubits), 100 "
        "trials, 1024 shots, seed 0. Simulated: `measure_devices` (the exact noisy output "
        "distributions of `qml.engine.pauli_transfer`, then shots). Predicted: "
        "`predict_quantum_volume` "
        "from the reported gate and readout errors on the same qubits and transpiled "
        "circuits (HOP = F h + (1 - F)/2).",
        "",
        f"- {s['devices']} devices, {s['rows']} device-widths, {s['seconds']:.0f} s on a "
        "two-worker local Dask cluster.",
        f"- Predicted minus simulated mean HOP: mean {s['mean_difference']:+.4f}, mean "
        f"absolute {s['mean_abs_difference']:.4f}, largest {s['max_abs_difference']:.4f}.",
        f"- Verdicts (pass/fail at each width) agree in {s['verdicts_agree']} of "
        f"{s['rows']}; the quantum volume agrees on {s['qv_agree']} of {s['devices']} "
        "devices.",
        "",
        "| width | device-widths | mean predicted - simulated |",
        "| --- | --- | --- |",
    ]
    for w, v in s["by_width"].items():
        lines.append(f"| {w} | {v['rows']} | {v['mean_difference']:+.4f} |")
    lines += ["", "## Per device", "",
              "| device | qubits | predicted QV | simulated QV | largest HOP difference "
              "(width) |", "| --- | --- | --- | --- | --- |"]
    for name, qv in sorted(doc["quantum_volume"].items()):
        mine = [r for r in doc["rows"] if r["device"] == name]
        worst = max(mine, key=lambda r: abs(r["predicted_hop"] - r["simulated_hop"]))
        lines.append(f"| {name} | {mine[0]['qubits']} | {qv['predicted']} | "
                     f"{qv['simulated']} | {worst['predicted_hop'] - worst['simulated_hop']:+.3f}"
                     f" ({worst['width']}) |")
    if doc["failed"]:
        lines += ["", "Failed: " + ", ".join(f"{k} ({v[:80]})" for k, v in doc["failed"].items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    from qml.backends import fake_backend, fake_backend_names
    from qml.distributed import connect
    from qml.volume import measure_devices

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", default=None, help="comma-separated (default: all)")
    parser.add_argument("--max-width", type=int, default=6)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--scheduler", default="local")
    parser.add_argument("--out", default=str(HERE))
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite QV_FROM_ERRORS.md from the saved results")
    args = parser.parse_args()
    if args.report_only:
        doc = json.loads((Path(args.out) / "qv_from_errors.json").read_text())
        (Path(args.out) / "QV_FROM_ERRORS.md").write_text(report(doc))
        return
    names = args.devices.split(",") if args.devices else list(fake_backend_names())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sizes = {n: fake_backend(n).num_qubits for n in names}
    names = [n for n in names if sizes[n] >= 2]
    plan = {n: list(range(2, min(args.max_width, sizes[n]) + 1)) for n in names}
    start = time.perf_counter()
    rows, failed = [], {}
    with connect(args.scheduler) as ex:
        futures = {n: ex.submit(_predict, n, plan[n], args.trials) for n in names}
        by_widths: dict[tuple, list[str]] = {}
        for n in names:
            by_widths.setdefault(tuple(plan[n]), []).append(n)
        simulated = {}
        for widths, group in by_widths.items():
            for n in group:
                try:
                    simulated.update(measure_devices([n], list(widths), trials=args.trials,
                                                     seed=0, scheduler=ex.client))
                except Exception as exc:  # noqa: BLE001 - a device qlimits cannot run
                    failed[n] = f"{type(exc).__name__}: {exc}"[:200]
        for n in names:
            if n in failed:
                continue
            try:
                pred = futures[n].result()
            except Exception as exc:  # noqa: BLE001
                failed[n] = f"{type(exc).__name__}: {exc}"[:200]
                continue
            sim = simulated[n]
            for p, s in zip(pred["widths"], sim.widths):
                rows.append({"device": n, "qubits": sizes[n], "width": p["width"],
                             "predicted_hop": p["predicted_mean_hop"], "simulated_hop": s.mean_hop,
                             "simulated_sigma": s.sigma, "fidelity": p["mean_fidelity"],
                             "two_qubit_gates": p["two_qubit_gates"],
                             "predicted_pass": p["passes"], "simulated_pass": s.passed})
    seconds = time.perf_counter() - start
    diffs = np.array([r["predicted_hop"] - r["simulated_hop"] for r in rows])
    devices = sorted({r["device"] for r in rows})
    qv = {}
    for n in devices:
        mine = [r for r in rows if r["device"] == n]
        qv[n] = {"predicted": 2 ** max([r["width"] for r in mine if r["predicted_pass"]],
                                       default=0),
                 "simulated": 2 ** max([r["width"] for r in mine if r["simulated_pass"]],
                                       default=0)}
    for v in qv.values():
        for k in v:
            v[k] = v[k] if v[k] > 1 else 1
    summary = {
        "devices": len(devices), "rows": len(rows), "seconds": seconds,
        "mean_difference": float(diffs.mean()), "mean_abs_difference": float(np.abs(diffs).mean()),
        "max_abs_difference": float(np.abs(diffs).max()),
        "verdicts_agree": int(sum(r["predicted_pass"] == r["simulated_pass"] for r in rows)),
        "qv_agree": int(sum(v["predicted"] == v["simulated"] for v in qv.values())),
        "by_width": {int(w): {"mean_difference": float(np.mean([r["predicted_hop"]
                                                                 - r["simulated_hop"]
                                                                 for r in rows
                                                                 if r["width"] == w])),
                              "rows": sum(r["width"] == w for r in rows)}
                     for w in sorted({r["width"] for r in rows})},
    }
    doc = {"summary": summary, "quantum_volume": qv, "rows": rows, "failed": failed}
    path = Path(args.out) / "qv_from_errors.json"
    path.write_text(json.dumps(doc, indent=1))
    (Path(args.out) / "QV_FROM_ERRORS.md").write_text(report(doc))
    print(json.dumps(summary, indent=1))
    print(f"failed: {failed}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
