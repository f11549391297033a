"""Draw every figure from fixed, seeded inputs into one folder, to look at them side by side.

    python tools/figure_gallery.py runs/figures

Run against an older checkout (``git worktree add /tmp/old <commit>``, then this script with
``PYTHONPATH=/tmp/old``) to draw the same figures as they were, for a before/after review; the
results are not kept in the repository.
"""

from __future__ import annotations

import inspect
import sys
import time
from pathlib import Path


def main(folder: str) -> int:
    """Draw the gallery into ``folder``; print each figure's defects; return their count."""
    from sklearn.datasets import load_iris, make_moons

    from qml import VQC
    from qml.compare import compare
    from qml.projection import project
    from qml.report import plots
    from qml.report.figure_check import check_figure
    from qml.volume import measure_quantum_volume

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()

    problems = {}

    def save(fig, name):
        plots.save_figure(fig, out / f"{name}.png")
        problems[name] = check_figure(fig)
        print(f"{name}.png ({time.perf_counter() - start:.0f} s): "
              f"{len(problems[name])} problems")
        for line in problems[name]:
            print("   ", line)

    projection = project(until=2035)
    save(plots.qv_projection(projection), "qv_records")
    save(plots.growth_comparison(projection), "growth")
    save(plots.verification_frontier(projection, until=2045), "verification_frontier")

    iris = load_iris()
    X, y = iris.data, iris.target
    kwargs = dict(dataset="iris", vqc=VQC(seed=0, maxiter=40), folds=5, seed=0)
    if "feature_names" in inspect.signature(compare).parameters:
        kwargs["feature_names"] = list(iris.feature_names)
    if "learning_repeats" in inspect.signature(compare).parameters:
        kwargs["learning_repeats"] = 3
    report = compare(X, y, **kwargs)
    save(plots.comparison(report), "comparison")
    save(plots.learning_curves(report), "learning_curves")
    save(plots.importances(report), "importances")

    result = measure_quantum_volume("aer:fake_kolkata", list(range(2, 8)), trials=100,
                                    shots=1000, seed=0)
    from qml.backends import fake_backend

    reported = fake_backend("fake_kolkata").configuration().quantum_volume
    if "reported_quantum_volume" in inspect.signature(plots.qv_widths).parameters:
        save(plots.qv_widths(result, reported_quantum_volume=reported), "qv_widths")
    else:
        save(plots.qv_widths(result), "qv_widths")
    save(plots.qv_trials(result.widths[1]), "qv_trials")

    Xm, ym = make_moons(80, noise=0.15, random_state=0)
    Xm = (Xm - Xm.mean(axis=0)) / Xm.std(axis=0)  # standardised, as load_dataset does
    model = VQC(seed=0, maxiter=60).fit(Xm, ym)
    save(plots.decision_regions(model, Xm, ym, resolution=50), "decision_regions")
    return sum(len(p) for p in problems.values())


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1] if len(sys.argv) > 1 else "runs/figures") else 0)
