"""A/B: qlimits' own benchmark configurations on two source trees, interleaved, same machine.

For a change that must not slow anything down (a refactor, an engine rewrite), this runs the
qlimits configurations of ``vqc_speed.py`` and ``qv_speed.py`` from an old tree and from the
new one, each run in its own process, alternating old/new and new/old so that drift on a shared
machine falls on both sides, and reports the median time of each side, their ratio, and whether
the results (final loss, mean HOPs) are the same. Each side imports its own ``qml`` (the tree
is put first on ``PYTHONPATH``) and runs its own copy of the benchmark scripts.

Usage::

    git archive <old commit> | tar -x -C /tmp/old
    python benchmarks/ab_trees.py --old /tmp/old                   # writes runs/ab/AB_RESULTS.md
    python benchmarks/ab_trees.py --old /tmp/old --repeats 1 --no-memory --out /tmp/ab  # smoke

An A/B result names two temporary trees: it is evidence for one change (quote it in the
change's note), not a result to keep in the repository.
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


_WARM = """
import json, sys, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, "benchmarks")
from vqc_speed import CONFIGS
CONFIGS[{name!r}]({n}, {iterations})  # first fit: one-time costs (imports, kernel loading)
print("RESULT " + json.dumps(CONFIGS[{name!r}]({n}, {iterations})))
"""


def _warm(tree: Path, name: str, n: int, iterations: int) -> dict:
    """The second fit of a process: the steady state, without one-time costs."""
    return _run(tree, ["-c", _WARM.format(name=name, n=n, iterations=iterations)])


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
    row["difference"] = _difference(row["old_result"], row["new_result"])
    row["same_result"] = row["difference"] is not None and row["difference"] <= SAME
    return row


SAME = 1e-9  # results that differ only by floating-point rounding (a new engine) are the same


def _difference(old, new) -> float | None:
    """Largest relative difference of two results (numbers or lists of numbers)."""
    try:
        a = [float(v) for v in (old if isinstance(old, list) else [old])]
        b = [float(v) for v in (new if isinstance(new, list) else [new])]
    except (TypeError, ValueError):
        return None if old != new else 0.0
    if len(a) != len(b):
        return None
    return max((abs(x - y) / max(abs(x), abs(y), 1e-300) for x, y in zip(a, b)), default=0.0)


def _line(label: str, row: dict) -> str:
    if "error" in row:
        return f"| {label} | failed: {row['error']} | | | |"
    spread = (f"{min(row['old_all']):.3g}-{max(row['old_all']):.3g} / "
              f"{min(row['new_all']):.3g}-{max(row['new_all']):.3g}")
    return (f"| {label} | {row['old']:.3g} | {row['new']:.3g} | {row['ratio']:.2f} | {spread} "
            f"| {_same_text(row)} |")


def _same_text(row: dict) -> str:
    diff = row.get("difference")
    if diff is None:
        return "**no**"
    if diff == 0:
        return "yes"
    return f"yes (relative difference {diff:.1e})" if diff <= SAME else f"**no** ({diff:.1e})"


def write_report(results: dict, path: Path) -> None:
    head = ("| configuration | old (s) | new (s) | new / old | range old / new (s) | "
            "same result |")
    lines = ["# A/B: the same benchmarks on two source trees", "",
             f"Produced by `{results['command']}` on {results['date']}; machine: "
             f"{results['machine']}. Old tree: {results['old']}; new tree: {results['new']}.",
             "", f"Each configuration ran {results['repeats']} times per side, each run in its "
             "own process, old and new alternating. Times are medians; 'same result' compares "
             "the final training loss (VQC), the evaluation time's run (memory) or the mean HOP "
             f"per width (QV) of the two sides, to a relative {SAME:g} (rounding).", "",
             "## VQC training (`benchmarks/vqc_speed.py` configurations, whole fit)", "",
             "The first fit of a fresh process, one-time costs included (imports are not "
             "timed; the first engine call is).", "", head,
             "| --- | --- | --- | --- | --- | --- |"]
    lines += [_line(k, v) for k, v in results["vqc"].items()]
    if results.get("warm"):
        lines += ["", "## VQC training, steady state (the second fit of a process)", "", head,
                  "| --- | --- | --- | --- | --- | --- |"]
        lines += [_line(k, v) for k, v in results["warm"].items()]
    if "memory" in results:
        m = results["memory"]
        lines += ["", "Peak memory (MiB, whole process) of the 16-qubit, 1,000-sample "
                  f"evaluation and gradient: old {m.get('old_rss', 0):.0f}, new "
                  f"{m.get('new_rss', 0):.0f}."]
    lines += ["", "## Quantum volume (`benchmarks/qv_speed.py`, widths 2-5, 100 trials, "
              "1024 shots, FakeKolkataV2; median of the later sweeps of a process)", "", head,
              "| --- | --- | --- | --- | --- | --- |"]
    lines += [_line(k, v) for k, v in results["qv"].items()]
    worst = max(v["ratio"] for part in ("vqc", "warm", "qv")
                for v in results.get(part, {}).values() if "ratio" in v)
    lines += ["", f"Largest new/old ratio: {worst:.2f}."]
    if results.get("note"):
        lines += ["", results["note"]]
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="the old source tree")
    parser.add_argument("--new", type=Path, default=HERE.parent, help="default: this tree")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--memory-repeats", type=int, default=1)
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the 16-qubit memory run (minutes per side)")
    parser.add_argument("--out", type=Path, default=Path("runs") / "ab")
    parser.add_argument("--parts", default="vqc,warm,qv",
                        help="which parts to run (vqc, warm, qv); the others are kept from "
                             "OUT/ab_results.json when it exists")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite AB_RESULTS.md from OUT/ab_results.json")
    args = parser.parse_args()
    if args.report_only:
        results = json.loads((args.out / "ab_results.json").read_text())
        for part in ("vqc", "warm", "qv"):
            for row in results.get(part, {}).values():
                if "ratio" in row:
                    row["difference"] = _difference(row["old_result"], row["new_result"])
                    row["same_result"] = row["difference"] is not None and row["difference"] <= SAME
        write_report(results, args.out / "AB_RESULTS.md")
        return
    if args.old is None:
        parser.error("--old is required (the old source tree)")
    sys.path.insert(0, str(HERE))
    from vqc_speed import machine

    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    results = {"command": " ".join(["python", *sys.argv]), "date": time.strftime("%Y-%m-%d"),
               "machine": machine(), "old": str(trees["old"]), "new": str(trees["new"]),
               "repeats": args.repeats, "vqc": {}, "warm": {}, "qv": {}}
    parts = args.parts.split(",")
    saved = args.out / "ab_results.json"
    if saved.exists() and set(parts) != {"vqc", "warm", "qv"}:
        before = json.loads(saved.read_text())
        for part in {"vqc", "warm", "qv"} - set(parts):
            results[part] = before.get(part, {})
        if "memory" in before and "vqc" not in parts:
            results["memory"] = before["memory"]
    for name, n, iterations in VQC_CONFIGS if "vqc" in parts else []:
        runs = _interleaved(lambda t, a=(name, n, iterations): _vqc(t, *a), args.repeats, trees)
        results["vqc"][f"{name}, n = {n}"] = _summary(runs, "fit_seconds", "final_loss")
        print(_line(f"{name}, n = {n}", results["vqc"][f"{name}, n = {n}"]), flush=True)
    for name, n, iterations in VQC_CONFIGS[:4] if "warm" in parts else []:
        runs = _interleaved(lambda t, a=(name, n, iterations): _warm(t, *a), args.repeats, trees)
        results["warm"][f"{name}, n = {n}"] = _summary(runs, "fit_seconds", "final_loss")
        print(_line(f"warm {name}, n = {n}", results["warm"][f"{name}, n = {n}"]), flush=True)
    if not args.no_memory and "vqc" in parts:
        runs = _interleaved(lambda t: _vqc(t, *MEMORY_CONFIG), args.memory_repeats, trees)
        row = _summary(runs, "fit_seconds", "n_iter")
        results["vqc"]["qlimits-memory, n = 16, 1,000 samples"] = row
        results["memory"] = row
        print(_line("memory", row), flush=True)
    for name in QV_CONFIGS if "qv" in parts else []:
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
