"""The ``qlimits`` command: ``demo`` and ``train``.

Every subcommand writes its results to disk before it draws or prints anything that could
fail, and turns qlimits' own errors into one clear line and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from qml.errors import QlimitsError

__all__ = ["main", "build_parser"]


def _table(rows: list[tuple], header: tuple) -> str:
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.replace(path)


def add_vqc_arguments(p: argparse.ArgumentParser) -> None:
    """The VQC options shared by every subcommand that trains one."""
    g = p.add_argument_group("classifier")
    g.add_argument("--qubits", type=int, default=None,
                   help="circuit width; datasets with more features are reduced by PCA "
                        "(default: number of features)")
    g.add_argument("--feature-map", default="angle",
                   choices=["angle", "zz", "pauli", "reuploading"], help="data encoding")
    g.add_argument("--feature-map-reps", type=int, default=1, metavar="N")
    g.add_argument("--ansatz", default="real_amplitudes",
                   choices=["real_amplitudes", "efficient_su2", "hardware_efficient"])
    g.add_argument("--ansatz-reps", type=int, default=3, metavar="N")
    g.add_argument("--readout", default="auto", choices=["auto", "parity", "z_per_class"])
    g.add_argument("--optimizer", default="auto",
                   choices=["auto", "cobyla", "lbfgs", "spsa", "adam"],
                   help="auto: lbfgs on statevector, spsa on shot-based backends")
    g.add_argument("--maxiter", type=int, default=100, metavar="N")
    g.add_argument("--learning-rate", type=float, default=None, metavar="LR")
    g.add_argument("--backend", default="statevector",
                   help="statevector | aer | aer:<fake backend>, e.g. aer:fake_kolkata")
    g.add_argument("--shots", type=int, default=None, help="shots per circuit (default 1024)")
    g.add_argument("--seed", type=int, default=0,
                   help="drives data split, initial weights, transpiler and simulator")


def vqc_from_args(args, verbose: bool = True):
    """A VQC built from the shared command-line options."""
    from qml.classifier import VQC

    return VQC(feature_map=args.feature_map, feature_map_reps=args.feature_map_reps,
               ansatz=args.ansatz, ansatz_reps=args.ansatz_reps, readout=args.readout,
               optimizer=args.optimizer, maxiter=args.maxiter, learning_rate=args.learning_rate,
               backend=args.backend, shots=args.shots, seed=args.seed, verbose=verbose,
               n_qubits=args.qubits)


def _metrics(model, ds) -> dict:
    return {
        "dataset": ds.name,
        "backend": model.backend,
        "seed": model.seed,
        "n_qubits": int(model.n_qubits_),
        "n_weights": int(len(model.weights_)),
        "optimizer": model._resolved_optimizer(),
        "n_iter": int(model.n_iter_),
        "train_accuracy": float(model.score(ds.X_train, ds.y_train)),
        "test_accuracy": float(model.score(ds.X_test, ds.y_test)),
        "final_loss": float(model.loss_),
        "fit_seconds": float(model.fit_seconds_),
        "circuit_evaluations": int(model.n_circuit_evaluations_),
        "shots": model.shots if not model._evaluator.exact else None,
    }


def cmd_train(args) -> int:
    from qml import plots
    from qml.datasets import load_dataset

    classes = None if args.classes is None else [int(c) for c in args.classes.split(",")]
    ds = load_dataset(args.dataset, n_features=args.qubits, classes=classes, seed=args.seed,
                      test_size=args.test_size)
    model = vqc_from_args(args).fit(ds.X_train, ds.y_train)
    out = Path(args.out)
    model.save(out / "model.json")
    metrics = _metrics(model, ds)
    _write_json(out / "metrics.json", metrics)
    keys = ("train_accuracy", "test_accuracy", "final_loss", "fit_seconds", "circuit_evaluations")
    print(_table([(k, f"{metrics[k]:.4g}") for k in keys], ("metric", "value")))
    plots.save_figure(plots.loss_curve(model.loss_curve_, f"VQC on {ds.name}"), out / "loss.png")
    print(f"wrote {out / 'model.json'}, {out / 'metrics.json'}, {out / 'loss.png'}")
    return 0


def cmd_demo(args) -> int:
    from sklearn.linear_model import LogisticRegression

    from qml import plots
    from qml.classifier import VQC
    from qml.datasets import load_dataset

    out = Path(args.out)
    start = time.perf_counter()
    print("qlimits demo: a variational quantum classifier on real data, exact simulation\n")
    ds = load_dataset("breast_cancer", n_features=4, seed=args.seed)
    model = VQC(seed=args.seed, verbose=True).fit(ds.X_train, ds.y_train)
    baseline = LogisticRegression().fit(ds.X_train, ds.y_train)
    moons = load_dataset("moons", seed=args.seed)
    moons_model = VQC(seed=args.seed, ansatz_reps=4).fit(moons.X_train, moons.y_train)
    metrics = _metrics(model, ds)
    metrics["logistic_regression_test_accuracy"] = float(baseline.score(ds.X_test, ds.y_test))
    metrics["moons_test_accuracy"] = float(moons_model.score(moons.X_test, moons.y_test))
    model.save(out / "model.json")
    _write_json(out / "metrics.json", metrics)
    rows = [
        (f"VQC ({model.n_qubits_} qubits, {len(model.weights_)} weights)",
         f"{metrics['train_accuracy']:.3f}", f"{metrics['test_accuracy']:.3f}"),
        ("logistic regression (5 parameters)",
         f"{baseline.score(ds.X_train, ds.y_train):.3f}",
         f"{metrics['logistic_regression_test_accuracy']:.3f}"),
    ]
    print(f"\nbreast cancer, PCA to 4 features, {len(ds.y_train)} train / {len(ds.y_test)} test")
    print(_table(rows, ("model", "train accuracy", "test accuracy")))
    plots.save_figure(plots.loss_curve(model.loss_curve_, "VQC on breast cancer"),
                      out / "loss.png")
    plots.save_figure(plots.decision_regions(moons_model, moons.X_test, moons.y_test,
                                             title="VQC decision regions (moons, test set)"),
                      out / "decision_regions.png")
    print(f"\nmoons test accuracy {metrics['moons_test_accuracy']:.3f}; "
          f"{model.n_circuit_evaluations_} circuit evaluations; "
          f"{time.perf_counter() - start:.1f} s in all")
    print(f"wrote {out}/model.json, metrics.json, loss.png, decision_regions.png")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qlimits",
        description="Variational quantum classifiers and quantum volume: test whether quantum "
                    "computing answers the compute limits of deep learning.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser("demo", help="train a VQC on real data next to a classical baseline",
                          description="Train a VQC on breast cancer (PCA to 4 qubits) with exact "
                                      "simulation, compare it with logistic regression on the "
                                      "same split, and write figures.")
    demo.add_argument("--out", default="runs/demo", help="output folder (default runs/demo)")
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(func=cmd_demo)

    train = sub.add_parser("train", help="train a VQC on a dataset and save it",
                           description="Train a VQC; write model.json, metrics.json, loss.png.")
    train.add_argument("--dataset", required=True,
                       help="iris | breast_cancer | wine | moons | circles | ad_hoc | FILE.csv")
    train.add_argument("--classes", default=None, help="keep only these labels, e.g. 0,1")
    train.add_argument("--test-size", type=float, default=0.3)
    train.add_argument("--out", required=True, help="output folder")
    add_vqc_arguments(train)
    train.set_defaults(func=cmd_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``qlimits`` console script."""
    import matplotlib

    matplotlib.use("Agg")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except QlimitsError as exc:
        print(f"qlimits: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


