"""``qlimits compare``: a VQC against classical baselines on the same folds; with ``--task
regression``, the quantum regressors against classical ones."""

from __future__ import annotations

import logging

from qml.cli.common import (
    add_scheduler_argument,
    int_at_least,
    kernels_ready,
    output_folder,
    progress_bar,
    save_figure,
    table,
)
from qml.cli.train import add_vqc_arguments, qsvc_from_args, vqc_from_args
from qml.errors import ConfigurationError
from qml.files import atomic_write

__all__ = ["cmd_compare", "add_parser"]

logger = logging.getLogger(__name__)


def _bar_progress(bar):
    """``compare``'s ``progress(done, total, what)`` callback drawing into ``bar``."""
    def progress(done, total, what):
        bar.total = total
        bar.update(done - bar.n)
        bar.set_postfix_str(what)

    return progress


def cmd_compare(args) -> int:
    """``qlimits compare``: cross-validate a VQC and the baselines; write the report and
    figures."""
    from qml.compare import compare
    from qml.datasets import load_raw
    from qml.report import plots

    if args.checkpoint or args.resume:
        raise ConfigurationError("--checkpoint and --resume apply to `qlimits train`; a "
                                 "comparison fits a fresh VQC per fold")
    if args.task == "regression":
        return _compare_regression(args)
    out = output_folder(args.out)
    X, y, names = load_raw(args.dataset, seed=args.seed)
    models = None if args.models is None else [m.strip() for m in args.models.split(",")]
    vqc = vqc_from_args(args, verbose=False)
    vqc.set_params(n_qubits=None)  # the comparison's PCA (--qubits) sets the width
    qsvc = qsvc_from_args(args).set_params(n_qubits=None)
    if vqc.backend == "statevector" and args.scheduler is None:
        kernels_ready(args)
    with progress_bar(args, desc=f"compare on {args.dataset}", unit="fit") as bar:
        progress = _bar_progress(bar)
        report = compare(X, y, dataset=args.dataset, vqc=vqc, qsvc=qsvc, models=models,
                         folds=args.folds, n_features=args.qubits, seed=args.seed,
                         feature_names=names if args.qubits is None else None,
                         progress=progress, scheduler=args.scheduler)
    report.save(out / "comparison.json")
    atomic_write(out / "comparison.csv", report.to_csv())
    rows = [(m.name, f"{m.accuracy_mean:.3f} ± {m.accuracy_sd:.3f}",
             f"{m.balanced_mean:.3f} ± {m.balanced_sd:.3f}", m.n_parameters,
             f"{m.train_seconds:.3g}", f"{m.inference_seconds:.2g}",
             f"{'-' if m.training_cost is None else format(m.training_cost, '.3g')} "
             f"{m.cost_unit}") for m in report.models]
    print(table(rows, ("model", "accuracy", "balanced accuracy", "parameters",
                        "train s/fold", "predict s/fold", "training cost")))
    save_figure(args, plots.comparison(report), out / "comparison.png")
    save_figure(args, plots.importances(report), out / "importances.png")
    save_figure(args, plots.learning_curves(report), out / "learning_curve.png")
    print(f"wrote comparison.json, comparison.csv and three figures to {out}")
    return 0


def _compare_regression(args) -> int:
    """``qlimits compare --task regression``: the quantum regressors (built from the command
    line's options) and the classical ones on the same folds."""
    import argparse

    from qml.cli.regression import regressor_from_args
    from qml.compare import compare
    from qml.compare.regression_baselines import DEFAULT_REGRESSION_MODELS, QUANTUM_REGRESSORS
    from qml.regression_datasets import load_raw_regression
    from qml.report import plots

    names = (DEFAULT_REGRESSION_MODELS if args.models is None
             else [m.strip() for m in args.models.split(",")])
    quantum = {name: regressor_from_args(argparse.Namespace(
        **{**vars(args), "model": name, "scheduler": None}))  # --scheduler runs the folds
        for name in names if name in QUANTUM_REGRESSORS}
    out = output_folder(args.out)
    X, y, features = load_raw_regression(args.dataset, seed=args.seed)
    if quantum and args.scheduler is None and args.backend == "statevector":
        kernels_ready(args)
    with progress_bar(args, desc=f"compare on {args.dataset}", unit="fit") as bar:
        progress = _bar_progress(bar)
        report = compare(X, y, dataset=args.dataset, task="regression",
                         models=[n for n in names if n not in quantum], extra_models=quantum,
                         folds=args.folds, n_features=args.qubits, seed=args.seed,
                         feature_names=features if args.qubits is None else None,
                         progress=progress, scheduler=args.scheduler)
    report.models.sort(key=lambda m: names.index(m.name))  # the order asked for
    report.save(out / "comparison.json")
    atomic_write(out / "comparison.csv", report.to_csv())
    rows = [(m.name, f"{m.score_mean:.3f} ± {m.score_sd:.3f}", f"{m.rmse_mean:.4g}",
             m.n_parameters, f"{m.train_seconds:.3g}", f"{m.inference_seconds:.2g}",
             f"{'-' if m.training_cost is None else format(m.training_cost, '.3g')} "
             f"{m.cost_unit}") for m in report.models]
    print(table(rows, ("model", "R^2", "RMSE", "parameters", "train s/fold",
                        "predict s/fold", "training cost")))
    save_figure(args, plots.comparison(report), out / "comparison.png")
    save_figure(args, plots.importances(report), out / "importances.png")
    print(f"wrote comparison.json, comparison.csv and two figures to {out}")
    return 0


def add_parser(sub, add) -> None:
    """Add the parser of ``qlimits compare``; ``add(subparsers, name, **kwargs)`` gives it the
    options every command takes."""
    cmp_ = add(sub, "compare", help="VQC against classical baselines on one dataset",
                          description="Cross-validate a VQC and classical baselines on the "
                                      "same folds; report accuracy, size, cost, "
                                      "explainability and learning curves.")
    cmp_.add_argument("--dataset", required=True,
                      help="iris | breast_cancer | wine | moons | circles | ad_hoc | FILE.csv; "
                           "with --task regression: diabetes | fourier | FILE.csv (last "
                           "column: the target)")
    cmp_.add_argument("--task", choices=["classification", "regression"],
                      default="classification",
                      help="regression: VQR, QKRR, QSVR, QGPR against ridge, SVR, a Gaussian "
                           "process, random forest, gradient boosting and an MLP (R^2, RMSE)")
    cmp_.add_argument("--folds", type=int_at_least(2, 100), default=5)
    cmp_.add_argument("--models", default=None,
                      help="comma-separated models beside the VQC (default: qsvc, "
                           "logistic_regression, decision_tree, random_forest, rbf_svm, mlp; "
                           "also qsvc_projected, the projected quantum kernel); with --task "
                           "regression: from vqr, qkrr, qsvr, qgpr, ridge, svr, "
                           "gaussian_process, random_forest, gradient_boosting, mlp (default: "
                           "all)")
    cmp_.add_argument("--out", required=True, help="output folder")
    add_vqc_arguments(cmp_)
    add_scheduler_argument(cmp_, "the folds x models and learning-curve points")
    cmp_.set_defaults(func=cmd_compare)
