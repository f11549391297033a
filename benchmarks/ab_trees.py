"""A/B: qlimits' own benchmark configurations on two source trees, interleaved, same machine.

For a change that must not slow anything down (a refactor, an engine rewrite), this runs the
qlimits configurations of ``vqc_speed.py`` and ``qv_speed.py`` from an old tree and from the
new one, each run in its own process, alternating old/new and new/old so that drift on a shared
machine falls on both sides, and reports the median time of each side, their ratio, and whether
the results (final loss, mean HOPs) are the same. Each side imports its own ``qml`` (the tree
is put first on ``PYTHONPATH``) and runs its own copy of the benchmark scripts.

Usage::

    git archive <old commit> | tar -x -C /tmp/old
    python benchmarks/ab_trees.py --old /tmp/old                   # writes benchmarks/AB_RESULTS.md
    python benchmarks/ab_trees.py --old /tmp/old --repeats 1 --no-memory --out /tmp/ab  # smoke
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

VQC_CONFIGS = [("qlimits-cobyla-exact", 4, 100), ("qlimits-cobyla-exact", 8, 100),
               ("qlimits-adam-exact", 4, 100), ("qlimits-adam-exact", 8, 100),
               ("qlimits-cobyla-aer-shots", 4, 20), ("qlimits-cobyla-aer-shots", 8, 20)]
MEMORY_CONFIG = ("qlimits-memory", 16, 1)
QV_CONFIGS = ["qlimits", "qlimits (method='aer')"]


def _run(tree: Path, args: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=tree)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1][:300]}
    return json.loads(lines[-1][len("RESULT "):])


def _vqc(tree: Path, name: str, n: int, iterations: int) -> dict:
    return _run(tree, [str(tree / "benchmarks" / "vqc_speed.py"), "--child", name, "--n",
                       str(n), "--iterations", str(iterations)])


def _qv(tree: Path, name: str, sweeps: int) -> dict:
    return _run(tree, [str(tree / "benchmarks" / "qv_speed.py"), "--child", name,
                       "--widths", "2-5", "--trials", "100", "--shots", "1024", "--level", "3",
                       "--repeats", str(sweeps)])


def _interleaved(run, repeats: int, trees: dict) -> dict:
    out = {"old": [], "new": []}
    for r in range(repeats):
        for side in ("old", "new") if r % 2 == 0 else ("new", "old"):
            out[side].append(run(trees[side]))
    return out


def _summary(runs: dict, seconds_key: str, same_key: str) -> dict:
    row = {}
    for side, results in runs.items():
        good = [r for r in results if "error" not in r]
        if not good:
            return {"error": f"{side}: {results[0]['error']}"}
        row[side] = statistics.median(r[seconds_key] for r in good)
        row[f"{side}_all"] = [r[seconds_key] for r in good]
        row[f"{side}_result"] = good[0].get(same_key)
        row[f"{side}_rss"] = max(r.get("peak_rss_mib", 0) for r in good)
    row["ratio"] = row["new"] / row["old"]
    row["same_result"] = row["old_result"] == row["new_result"]
    return row


def _line(label: str, row: dict) -> str:
    if "error" in row:
        return f"| {label} | failed: {row['error']} | | | |"
    spread = (f"{min(row['old_all']):.3g}-{max(row['old_all']):.3g} / "
              f"{min(row['new_all']):.3g}-{max(row['new_all']):.3g}")
    return (f"| {label} | {row['old']:.3g} | {row['new']:.3g} | {row['ratio']:.2f} | {spread} "
            f"| {'yes' if row['same_result'] else '**no**'} |")


def write_report(results: dict, path: Path) -> None:
    head = ("| configuration | old (s) | new (s) | new / old | range old / new (s) | "
            "same result |")
    lines = ["# A/B: the same benchmarks on two source trees", "",
             f"Produced by `{results['command']}` on {results['date']}; machine: "
             f"{results['machine']}. Old tree: {results['old']}; new tree: {results['new']}.",
             "", f"Each configuration ran {results['repeats']} times per side, each run in its "
             "own process, old and new alternating. Times are medians; 'same result' compares "
             "the final training loss (VQC), the evaluation time's run (memory) or the mean HOP "
             "per width (QV) of the two sides.", "",
             "## VQC training (`benchmarks/vqc_speed.py` configurations, whole fit)", "", head,
             "| --- | --- | --- | --- | --- | --- |"]
    lines += [_line(k, v) for k, v in results["vqc"].items()]
    if "memory" in results:
        m = results["memory"]
        lines += ["", "Peak memory (MiB, whole process) of the 16-qubit, 1,000-sample "
                  f"evaluation and gradient: old {m.get('old_rss', 0):.0f}, new "
                  f"{m.get('new_rss', 0):.0f}."]
    lines += ["", "## Quantum volume (`benchmarks/qv_speed.py`, widths 2-5, 100 trials, "
              "1024 shots, FakeKolkataV2; median of the later sweeps of a process)", "", head,
              "| --- | --- | --- | --- | --- | --- |"]
    lines += [_line(k, v) for k, v in results["qv"].items()]
    worst = max(v["ratio"] for part in ("vqc", "qv") for v in results[part].values()
                if "ratio" in v)
    lines += ["", f"Largest new/old ratio: {worst:.2f}."]
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the old source tree")
    parser.add_argument("--new", type=Path, default=HERE.parent, help="default: this tree")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--memory-repeats", type=int, default=1)
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the 16-qubit memory run (minutes per side)")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from vqc_speed import machine

    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    results = {"command": " ".join(["python", *sys.argv]), "date": time.strftime("%Y-%m-%d"),
               "machine": machine(), "old": str(trees["old"]), "new": str(trees["new"]),
               "repeats": args.repeats, "vqc": {}, "qv": {}}
    for name, n, iterations in VQC_CONFIGS:
        runs = _interleaved(lambda t, a=(name, n, iterations): _vqc(t, *a), args.repeats, trees)
        results["vqc"][f"{name}, n = {n}"] = _summary(runs, "fit_seconds", "final_loss")
        print(_line(f"{name}, n = {n}", results["vqc"][f"{name}, n = {n}"]), flush=True)
    if not args.no_memory:
        runs = _interleaved(lambda t: _vqc(t, *MEMORY_CONFIG), args.memory_repeats, trees)
        row = _summary(runs, "fit_seconds", "n_iter")
        results["vqc"]["qlimits-memory, n = 16, 1,000 samples"] = row
        results["memory"] = row
        print(_line("memory", row), flush=True)
    for name in QV_CONFIGS:
        runs = _interleaved(lambda t, a=name: _qv(t, a, 3), args.repeats, trees)
        row = _summary(runs, "seconds", "mean_hop")
        results["qv"][name] = row
        print(_line(name, row), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ab_results.json").write_text(json.dumps(results, indent=1))
    write_report(results, args.out / "AB_RESULTS.md")
    print(f"wrote {args.out / 'AB_RESULTS.md'}")


if __name__ == "__main__":
    main()
