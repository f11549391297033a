"""Render benchmarks/results.json (written by vqc_speed.py) as RESULTS.md.

``python benchmarks/report.py`` re-renders the Markdown from the stored JSON.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

GROUPS = [
    ("Exact COBYLA training (statevector), same initial point", "qlimits-cobyla-exact",
     ["qml-cobyla-default-sampler", "qml-cobyla-aer-samplerv2", "numpy-reference-evaluation"]),
    ("Exact gradient training: Adam, lr 0.1, full batch", "qlimits-adam-exact",
     ["pennylane-lightning-adjoint-adam", "pennylane-default-backprop-adam"]),
    ("Shot-based COBYLA on Aer, 1024 shots per circuit", "qlimits-cobyla-aer-shots",
     ["qml-cobyla-aer-samplerv2"]),
]
LABELS = {
    "qlimits-cobyla-exact": "qlimits, exact engine",
    "qml-cobyla-default-sampler": "qiskit-machine-learning VQC, default sampler (exact)",
    "qml-cobyla-aer-samplerv2": "qiskit-machine-learning VQC, Aer SamplerV2 (1024 shots)",
    "numpy-reference-evaluation": "plain vectorised NumPy, loss evaluation only",
    "qlimits-adam-exact": "qlimits, exact engine, adjoint gradients",
    "pennylane-lightning-adjoint-adam": "PennyLane lightning.qubit, adjoint",
    "pennylane-default-backprop-adam": "PennyLane default.qubit, backprop + broadcasting",
    "qlimits-cobyla-aer-shots": "qlimits, Aer SamplerV2 (1024 shots)",
}


def _per_iter(r: dict) -> float:
    return r["fit_seconds"] / max(r["n_iter"], 1)


def _fmt(x, spec=".3g"):
    return "—" if x is None else format(x, spec)


def _row(name: str, r: dict, base: dict | None) -> str:
    if "error" in r:
        return f"| {LABELS[name]} | failed: {r['error']} |  |  |  |  |  |  |  |"
    ratio = _per_iter(r) / _per_iter(base) if base and "error" not in base else None
    evals = r["circuit_evaluations"] / r["fit_seconds"]
    return (f"| {LABELS[name]} | {r['n_iter']} | {_fmt(r['fit_seconds'])} | "
            f"{_fmt(_per_iter(r) * 1e3)} | {_fmt(evals, ',.0f')} | "
            f"{_fmt(r.get('test_accuracy'))} | {_fmt(r.get('final_loss'), '.8f')} | "
            f"{_fmt(r.get('peak_rss_mib'), '.0f')} | "
            f"{'1 (reference)' if r is base else _fmt(ratio, '.1f') + 'x'} |")


def _bars(results: dict) -> list[str]:
    lines = ["| bar | measured | met |", "| --- | --- | --- |"]

    def add(text, value, ok):
        lines.append(f"| {text} | {value} | {'yes' if ok else '**no**'} |")

    for n in ("4", "8"):
        runs = results["runs"].get(n, {})
        q = runs.get("qlimits-cobyla-exact", {})
        for peer, need in (("qml-cobyla-default-sampler", 100), ("qml-cobyla-aer-samplerv2", 10)):
            p = runs.get(peer, {})
            if "fit_seconds" in q and "fit_seconds" in p:
                ratio = _per_iter(p) / _per_iter(q)
                add(f"n={n}: exact COBYLA >= {need}x faster than {LABELS[peer]} (per iteration)",
                    f"{ratio:.0f}x", ratio >= need)
        p = runs.get("qml-cobyla-default-sampler", {})
        if "final_loss" in q and "final_loss" in p:
            diff = abs(q["final_loss"] - p["final_loss"])
            add(f"n={n}: same final loss as qiskit-machine-learning (exact) to 1e-6",
                f"{diff:.1e} (see 'Same maths' below)", diff <= 1e-6)
        if "qlimits_loss_at_final_weights" in p:
            diff = abs(p["qlimits_loss_at_final_weights"] - p["final_loss"])
            add(f"n={n}: qlimits' loss at qiskit-machine-learning's final weights equals its "
                "final loss to 1e-6", f"{diff:.1e}", diff <= 1e-6)
    runs = results["runs"].get("8", {})
    q = runs.get("qlimits-adam-exact", {})
    peers = [runs.get(k, {}) for k in ("pennylane-lightning-adjoint-adam",
                                        "pennylane-default-backprop-adam")]
    peers = [p for p in peers if "fit_seconds" in p]
    if "fit_seconds" in q and peers:
        fastest = min(_per_iter(p) for p in peers)
        add("n=8: exact Adam >= 10x faster than PennyLane's fastest configuration",
            f"{fastest / _per_iter(q):.1f}x", fastest / _per_iter(q) >= 10)
    q, ref = runs.get("qlimits-cobyla-exact", {}), runs.get("numpy-reference-evaluation", {})
    if "fit_seconds" in q and "fit_seconds" in ref:
        ratio = _per_iter(q) / _per_iter(ref)
        add("n=8: qlimits COBYLA iteration within 3x of plain NumPy evaluation",
            f"{ratio:.2f}x the NumPy time", ratio <= 3)
    mem = results.get("memory", {})
    if "peak_rss_mib" in mem:
        add("n=16, 1,000 samples: peak memory under 2 GiB (evaluation + adjoint gradient)",
            f"{mem['peak_rss_mib']:.0f} MiB", mem["peak_rss_mib"] < 2048)
    return lines


def _curve_check(results: dict) -> list[str]:
    out = []
    for n, runs in results["runs"].items():
        ref = runs.get("numpy-reference-evaluation", {})
        if "agreement_with_qlimits" in ref:
            out.append(f"- n={n}: the plain NumPy reference and qlimits give the same initial "
                       f"loss to {ref['agreement_with_qlimits']:.1e}.")
        a = runs.get("qlimits-cobyla-exact", {}).get("loss_curve")
        b = runs.get("qml-cobyla-default-sampler", {}).get("loss_curve")
        if a and b:
            diffs = [abs(x - y) for x, y in zip(a, b)]
            same = next((i for i, d in enumerate(diffs) if d > 1e-9), len(diffs))
            head = max(diffs[:same]) if same else float("nan")
            out.append(
                f"- n={n}: the COBYLA loss curves of qlimits and qiskit-machine-learning agree "
                f"to {head:.1e} for the first {same} of {len(diffs)} evaluations, then part. "
                "The standard circuit has flat directions: the last RY layer on qubits 1..n-1 "
                "cannot change the parity of qubit 0, so the simplex steps along those weights "
                "return the same loss. qlimits computes them bitwise equal; the peer's values "
                "differ by ~1e-12 of rounding noise. COBYLA's later choices between those "
                "vertices follow that noise, and from there the two runs take different, "
                "equally valid paths.")
        p = runs.get("qml-cobyla-default-sampler", {})
        if "qlimits_loss_at_final_weights" in p:
            out.append(f"- n={n}: at qiskit-machine-learning's final weights, qlimits computes "
                       f"the loss {p['qlimits_loss_at_final_weights']:.12f}; the peer reports "
                       f"{p['final_loss']:.12f}: the same function.")
        a = runs.get("qlimits-adam-exact", {}).get("loss_curve")
        b = runs.get("pennylane-default-backprop-adam", {}).get("loss_curve")
        if a and b:
            worst = max(abs(x - y) for x, y in zip(a, b))
            out.append(f"- n={n}: qlimits' and PennyLane's Adam loss curves differ by at most "
                       f"{worst:.1e}; PennyLane adds Adam's epsilon before bias correction, "
                       "qlimits after (Kingma & Ba), which moves steps by ~1e-6.")
    return out


def write_report(results: dict, path: Path) -> None:
    lines = [
        "# VQC speed: measured results",
        "",
        "Produced by `" + results["command"] + "` on " + results["date"] + ".",
        f"Machine: {results['machine']}. "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')} "
        "(left as the machine sets it).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()) + ".",
        "",
        "The problem is `benchmarks/PROBLEM.md` (breast cancer, PCA to n, 100 "
        "training rows, 171 test rows, `zz_feature_map(n, reps=2)` + `real_amplitudes(n, "
        "reps=3)`, parity readout, log2 cross-entropy, initial weights "
        "`default_rng(0).uniform(-pi, pi, 4n)`). Each configuration ran in its own process, "
        "one after another; peak memory is that process's maximum resident set, interpreter "
        "and imports included. Ratios are per-iteration time of the peer over qlimits' in "
        "the same group and the same run. Shot-based runs used "
        f"{results['shot_iterations']} iterations (their per-iteration cost is the figure).",
        "",
        "## Bars",
        "",
        *_bars(results),
        "",
    ]
    for n, runs in results["runs"].items():
        lines += [f"## n = {n} qubits", ""]
        for title, base_name, peers in GROUPS:
            base = runs.get(base_name, {})
            lines += [f"### {title}", "",
                      "| configuration | iterations | whole fit (s) | per iteration (ms) | "
                      "circuit evaluations / s | test accuracy | final loss | peak MiB | "
                      "peer time / qlimits |",
                      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
                      _row(base_name, base, base)]
            lines += [_row(p, runs[p], base) for p in peers if p in runs]
            lines.append("")
    mem = results.get("memory", {})
    lines += ["## Memory: 16 qubits, 1,000 samples", ""]
    if "peak_rss_mib" in mem:
        lines.append(f"One exact evaluation ({mem['evaluate_seconds']:.1f} s) and one adjoint "
                     f"gradient ({mem['gradient_seconds']:.1f} s) of the standard circuit at "
                     f"n = 16 over 1,000 samples, in chunks: peak resident memory "
                     f"**{mem['peak_rss_mib']:.0f} MiB** (the state vectors of all samples "
                     "at once would be 1,000 MiB each copy).")
    else:
        lines.append(f"failed: {mem.get('error')}")
    lines += ["", "## Same maths, same answer", "", *_curve_check(results), ""]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    data = json.loads((HERE / "results.json").read_text())
    write_report(data, HERE / "RESULTS.md")
    print(f"wrote {HERE / 'RESULTS.md'}", file=sys.stderr)
