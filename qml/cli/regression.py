"""``qlimits train --model vqr|qkrr|qsvr|qgpr``: a quantum regressor on a regression dataset
(``qml.regression_datasets``); writes model.json and metrics.json (and loss.png for a VQR),
or with ``--dry-run`` on ``fake:``/``ibm:`` prices the fit and sends nothing."""

from __future__ import annotations

from pathlib import Path

from qml.cli.common import (
    bars_wanted,
    output_folder,
    runtime_only,
    save_figure,
    table,
    write_json,
)
from qml.errors import ConfigurationError

__all__ = ["REGRESSORS", "train_regressor", "regressor_from_args", "vqr_from_args"]

REGRESSORS = ("vqr", "qkrr", "qsvr", "qgpr")


def _check_flags(args) -> None:
    if args.classes:
        raise ConfigurationError(f"--classes: not for --model {args.model} (a regressor has "
                                 "no classes)")
    if args.model == "vqr":
        if args.landmarks is not None:
            raise ConfigurationError("--landmarks: for --model qkrr or qsvr (Nystrom)")
        runtime_only(args)
        return
    if args.observable != "mean_z":
        raise ConfigurationError("--observable: for --model vqr (a kernel regressor reads "
                                 "no observable)")
    refused = [flag for flag, on in (("--checkpoint", args.checkpoint),
                                     ("--resume", args.resume),
                                     ("--max-qpu-seconds", args.max_qpu_seconds)) if on]
    if refused:
        raise ConfigurationError(f"{', '.join(refused)}: not for --model {args.model} (a "
                                 "kernel regressor computes its kernel once, without "
                                 "iterations)")
    runtime_only(args)  # --dry-run and --price-per-second: fake: and ibm: only
    if args.landmarks is not None and args.model == "qgpr":
        raise ConfigurationError("--landmarks: for --model qkrr or qsvr (Nystrom); a QGPR "
                                 "uses the exact Gram matrix")


def vqr_from_args(args):
    """A VQR built from the shared command-line options (no progress bar under ``-q``)."""
    from qml import VQR

    return VQR(feature_map=args.feature_map or "angle",
               feature_map_reps=args.feature_map_reps or 1,
               input_scaling=None if args.input_scaling == "none" else "minmax",
               ansatz=args.ansatz, ansatz_reps=args.ansatz_reps,
               observable=getattr(args, "observable", "mean_z"),
               optimizer=args.optimizer, maxiter=args.maxiter, learning_rate=args.learning_rate,
               backend=args.backend, shots=args.shots, seed=args.seed,
               verbose=bars_wanted(args), checkpoint=args.checkpoint, resume=args.resume,
               optimization_level=args.optimization_level,
               max_qpu_seconds=getattr(args, "max_qpu_seconds", None),
               max_circuits_per_job=getattr(args, "max_circuits_per_job", None),
               execution_mode=getattr(args, "mode", None),
               mitigation=getattr(args, "mitigation", None),
               scheduler=getattr(args, "scheduler", None) if args.command == "train" else None)


def regressor_from_args(args):
    """The regressor the command line asks for."""
    from qml import QGPR, QKRR, QSVR

    if args.model == "vqr":
        return vqr_from_args(args)
    common = dict(feature_map=args.feature_map or "zz",
                  feature_map_reps=args.feature_map_reps or 2, bandwidth=args.bandwidth,
                  input_scaling=None if args.input_scaling == "none" else "minmax",
                  backend=args.backend, shots=args.shots, seed=args.seed, kernel=args.kernel,
                  scheduler=getattr(args, "scheduler", None),
                  max_circuits_per_job=getattr(args, "max_circuits_per_job", None),
                  execution_mode=getattr(args, "mode", None),
                  mitigation=getattr(args, "mitigation", None))
    if args.model == "qkrr":
        return QKRR(n_landmarks=args.landmarks, **common)
    if args.model == "qsvr":
        return QSVR(C=args.C, n_landmarks=args.landmarks, **common)
    return QGPR(**common)


def _metrics(model, ds) -> dict:
    import numpy as np
    from sklearn.metrics import mean_squared_error, r2_score

    out = {"dataset": ds.name, "model": type(model).__name__.lower(), "backend": model.backend,
           "seed": model.seed, "n_qubits": int(model.n_qubits_)}
    if hasattr(model, "weights_"):  # the VQR
        out.update(n_weights=int(len(model.weights_)), optimizer=model.optimizer_,
                   n_iter=int(model.n_iter_), final_loss=float(model.loss_),
                   circuit_evaluations=int(model.n_circuit_evaluations_), shots=model.shots_)
    else:
        out.update(kernel=model.kernel, bandwidth=float(model.bandwidth_),
                   n_anchors=int(len(model.anchors_)))
    for part, X, y in (("train", ds.X_train, ds.y_train), ("test", ds.X_test, ds.y_test)):
        predicted = model.predict(X)
        out[f"{part}_r2"] = float(r2_score(y, predicted))
        out[f"{part}_rmse"] = float(np.sqrt(mean_squared_error(y, predicted)))
    if hasattr(model, "alpha_"):
        out["alpha"] = float(model.alpha_)
        out["log_marginal_likelihood"] = float(model.log_marginal_likelihood_)
        out["test_mean_std"] = float(model.predict(ds.X_test, return_std=True)[1].mean())
    if hasattr(model, "n_kernel_circuits_"):
        out["kernel_circuits"] = int(model.n_kernel_circuits_)
    out["fit_seconds"] = float(model.fit_seconds_)
    return out


def train_regressor(args) -> int:
    """Load the dataset, fit the regressor, write model.json and metrics.json."""
    from qml.regression_datasets import load_regression

    _check_flags(args)
    out: Path | None = None if args.dry_run else output_folder(args.out)
    ds = load_regression(args.dataset, n_features=args.qubits, seed=args.seed,
                         test_size=args.test_size)
    model = regressor_from_args(args)
    if args.dry_run or args.price_per_second is not None:
        estimate = model.estimate(ds.X_train, ds.y_train,
                                  predict_sizes=(len(ds.y_train), len(ds.y_test)),
                                  usd_per_second=args.price_per_second)
        print(estimate.summary())
        estimate.check_limit(args.max_qpu_seconds)
        if args.dry_run:
            return 0
    model = model.fit(ds.X_train, ds.y_train)
    model.save(out / "model.json")
    metrics = _metrics(model, ds)
    write_json(out / "metrics.json", metrics)
    keys = [k for k in ("train_r2", "test_r2", "test_rmse", "bandwidth", "alpha", "n_anchors",
                        "final_loss", "kernel_circuits", "circuit_evaluations", "fit_seconds")
            if k in metrics]
    print(table([(k, f"{metrics[k]:.4g}") for k in keys], ("metric", "value")))
    written = [out / "model.json", out / "metrics.json"]
    if args.model == "vqr":
        from qml.report import plots

        written.append(out / "loss.png")
        save_figure(args, plots.loss_curve(model.loss_curve_, f"VQR on {ds.name}"), written[-1])
    print(f"wrote {', '.join(map(str, written))}")
    return 0
