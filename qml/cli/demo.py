"""``qlimits demo``: the main job -- a VQC beside a classical baseline, then the projection's
headline."""

from __future__ import annotations

import logging
import textwrap
import time
from pathlib import Path

from qml.cli.common import (
    SEED_TYPE,
    bars_wanted,
    kernels_ready,
    output_folder,
    save_figure,
    table,
    write_json,
)
from qml.cli.projection import projection_figures, series_name
from qml.cli.train import vqc_metrics

__all__ = ["cmd_demo", "add_parser", "DEMO_SERIES"]

logger = logging.getLogger(__name__)


def cmd_demo(args) -> int:
    """``qlimits demo``: a VQC on breast cancer beside logistic regression, then the
    projection's headline."""
    from sklearn.linear_model import LogisticRegression

    from qml.datasets import load_dataset
    from qml.models.vqc import VQC
    from qml.report import plots

    out = output_folder(args.out)
    start = time.perf_counter()
    print("qlimits demo: a variational quantum classifier on real data, exact simulation\n")
    ds = load_dataset("breast_cancer", n_features=4, seed=args.seed)
    kernels_ready(args)
    model = VQC(seed=args.seed, verbose=bars_wanted(args)).fit(ds.X_train, ds.y_train)
    baseline = LogisticRegression().fit(ds.X_train, ds.y_train)
    moons = load_dataset("moons", seed=args.seed)
    moons_model = VQC(seed=args.seed, ansatz_reps=4).fit(moons.X_train, moons.y_train)
    metrics = vqc_metrics(model, ds)
    metrics["logistic_regression_test_accuracy"] = float(baseline.score(ds.X_test, ds.y_test))
    metrics["moons_test_accuracy"] = float(moons_model.score(moons.X_test, moons.y_test))
    model.save(out / "model.json")
    write_json(out / "metrics.json", metrics)
    rows = [
        (f"VQC ({model.n_qubits_} qubits, {len(model.weights_)} weights)",
         f"{metrics['train_accuracy']:.3f}", f"{metrics['test_accuracy']:.3f}"),
        ("logistic regression (5 parameters)",
         f"{baseline.score(ds.X_train, ds.y_train):.3f}",
         f"{metrics['logistic_regression_test_accuracy']:.3f}"),
    ]
    print(f"\nbreast cancer, PCA to 4 features, {len(ds.y_train)} train / {len(ds.y_test)} test")
    print(table(rows, ("model", "train accuracy", "test accuracy")))
    save_figure(args, plots.loss_curve(model.loss_curve_, "VQC on breast cancer"),
                out / "loss.png")
    regions = plots.decision_regions(moons_model, moons.X_test, moons.y_test,
                                     title="VQC decision regions (moons, test set)")
    save_figure(args, regions, out / "decision_regions.png")
    print(f"\nmoons test accuracy {metrics['moons_test_accuracy']:.3f}; "
          f"{model.n_circuit_evaluations_} circuit evaluations; "
          f"{time.perf_counter() - start:.1f} s in all")
    _demo_projection(args, out)
    print(f"wrote {out}/model.json, metrics.json, loss.png, decision_regions.png, "
          "qv_records.png, growth.png, verification_frontier.png")
    return 0


DEMO_SERIES = ("qv_ibm", "qv_quantinuum", "qv_frontier", "top500_rmax", "moore_law",
               "ai_compute_amodei_2018", "ai_compute_epoch_2024")


def _demo_projection(args, out: Path) -> None:
    """The projection's headline: QV doubling times beside classical ones, and the year QV
    outgrows classical verification."""
    from qml.projection import QV_FRONTIER, STATE_VECTOR_RECORD, project, since_2020

    projection = project(until=2035)
    rows = [(series_name(s), f"{s['doubling_time_months']:.1f}") for s in projection.series
            if s["key"] in DEMO_SERIES]
    print("\nIs quantum volume outrunning classical compute? Doubling times (months):")
    print(table(rows, ("series", "doubling time")))
    cross = projection.crossover(QV_FRONTIER, STATE_VECTOR_RECORD)
    print(f"QV outgrows the largest classical state-vector simulations (its own verification) "
          f"around {cross['year']:.0f} (95% interval {cross['interval'][0]:.0f}-"
          f"{cross['interval'][1]:.0f}).")
    for line in since_2020(projection):
        print(textwrap.fill(line, 95, subsequent_indent="    ", replace_whitespace=False)
              if line.startswith("  ") else line)
    projection_figures(args, projection, out)



def add_parser(sub, add) -> None:
    """Add the parser of ``qlimits demo``; ``add(subparsers, name, **kwargs)`` gives it the
    options every command takes."""
    demo = add(sub, "demo", help="train a VQC on real data next to a classical baseline",
                          description="Train a VQC on breast cancer (PCA to 4 qubits) with exact "
                                      "simulation, compare it with logistic regression on the "
                                      "same split, and write figures.")
    demo.add_argument("--out", default="runs/demo", help="output folder (default runs/demo)")
    demo.add_argument("--seed", type=SEED_TYPE, default=0)
    demo.set_defaults(func=cmd_demo)
