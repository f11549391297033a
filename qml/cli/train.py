"""``qlimits train``: train a VQC or a QSVC on a dataset and save it."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from qml.cli.common import (
    SEED_TYPE,
    SHOTS_TYPE,
    add_cost_arguments,
    add_scheduler_argument,
    bars_wanted,
    int_at_least,
    kernels_ready,
    label_list,
    output_folder,
    positive_float,
    runtime_only,
    save_figure,
    table,
    test_size,
    write_json,
)
from qml.cli.regression import REGRESSORS, train_regressor
from qml.errors import ConfigurationError
from qml.validation import LIMITS

__all__ = ["add_vqc_arguments", "vqc_from_args", "qsvc_from_args", "vqc_metrics",
           "cmd_train", "add_parser"]

logger = logging.getLogger(__name__)


def _bandwidth(text: str):
    """``auto`` or a number > 0 (an argparse type)."""
    return "auto" if text.strip().lower() == "auto" else positive_float(text)


def add_vqc_arguments(p: argparse.ArgumentParser) -> None:
    """The VQC options shared by every subcommand that trains one."""
    g = p.add_argument_group("classifier")
    g.add_argument("--qubits", type=int_at_least(1, LIMITS["n_qubits"]), default=None,
                   help="circuit width; datasets with more features are reduced by PCA "
                        "(default: number of features)")
    g.add_argument("--feature-map", default=None,
                   choices=["angle", "zz", "pauli", "reuploading"],
                   help="data encoding (default: angle for the VQC, zz for the QSVC)")
    g.add_argument("--feature-map-reps", type=int_at_least(1, LIMITS["feature_map_reps"]),
                   default=None, metavar="N",
                   help="feature-map repetitions (default: 1 for the VQC, 2 for the QSVC)")
    g.add_argument("--input-scaling", choices=["minmax", "none"], default="minmax",
                   help="minmax: every feature to [0, pi] on the training data (default); "
                        "none: the features are the angles (ad_hoc, whose labels are "
                        "defined on its raw angles)")
    g.add_argument("--ansatz", default="real_amplitudes",
                   choices=["real_amplitudes", "efficient_su2", "hardware_efficient"])
    g.add_argument("--ansatz-reps", type=int_at_least(1, LIMITS["ansatz_reps"]), default=3,
                   metavar="N")
    g.add_argument("--readout", default="auto", choices=["auto", "parity", "z_per_class"])
    g.add_argument("--optimizer", default="auto",
                   choices=["auto", "cobyla", "lbfgs", "spsa", "adam"],
                   help="auto: lbfgs on statevector, spsa on shot-based backends")
    g.add_argument("--maxiter", type=int_at_least(1, LIMITS["maxiter"]), default=100, metavar="N")
    g.add_argument("--learning-rate", type=positive_float, default=None, metavar="LR")
    g.add_argument("--backend", default="statevector",
                   help="statevector | aer | aer:<fake backend> (e.g. aer:fake_kolkata) | "
                        "fake:<fake backend> | ibm:<device>")
    g.add_argument("--shots", type=SHOTS_TYPE, default=None,
                   help="shots per circuit (default 1024)")
    g.add_argument("--seed", type=SEED_TYPE, default=0,
                   help="drives data split, initial weights, transpiler and simulator")
    g.add_argument("--optimization-level", type=int, default=1, choices=[0, 1, 2, 3],
                   help="transpiler level for device backends (aer:<fake>, fake:, ibm:)")
    g.add_argument("--checkpoint", default=None,
                   help="JSON file updated after every iteration (weights, optimizer and RNG)")
    g.add_argument("--resume", action="store_true",
                   help="continue a killed run from --checkpoint")
    k = p.add_argument_group("quantum kernel (QSVC)")
    k.add_argument("--bandwidth", type=_bandwidth, default="auto",
                   help="scale of the angles before the feature map: a number, or auto "
                        "(default: chosen on the training data by leave-one-out accuracy)")
    k.add_argument("--kernel", choices=["fidelity", "projected", "trainable"],
                   default="fidelity",
                   help="fidelity |<phi(x)|phi(y)>|^2 (default); projected: a Gaussian on "
                        "every qubit's X, Y, Z expectations (Huang et al. 2021); trainable: "
                        "the fidelity kernel with one bandwidth per feature, trained for "
                        "kernel-target alignment")
    k.add_argument("--C", type=positive_float, default=1.0, dest="C",
                   help="SVM regularisation (default 1)")
    k.add_argument("--landmarks", type=int_at_least(1, LIMITS["n_landmarks"]), default=None,
                   metavar="M", help="Nystrom approximation: the kernel against M training "
                                     "samples only (N*M kernel circuits instead of N*(N-1)/2; "
                                     "default: the exact Gram matrix)")


def vqc_from_args(args, verbose: bool = True):
    """A VQC built from the shared command-line options (no progress bar under ``-q``)."""
    from qml.models.vqc import VQC

    verbose = verbose and bars_wanted(args)
    return VQC(feature_map=args.feature_map or "angle",
               feature_map_reps=args.feature_map_reps or 1,
               input_scaling=None if args.input_scaling == "none" else "minmax",
               ansatz=args.ansatz, ansatz_reps=args.ansatz_reps, readout=args.readout,
               optimizer=args.optimizer, maxiter=args.maxiter, learning_rate=args.learning_rate,
               backend=args.backend, shots=args.shots, seed=args.seed, verbose=verbose,
               n_qubits=args.qubits, checkpoint=args.checkpoint, resume=args.resume,
               optimization_level=args.optimization_level,
               max_qpu_seconds=getattr(args, "max_qpu_seconds", None),
               max_circuits_per_job=getattr(args, "max_circuits_per_job", None),
               execution_mode=getattr(args, "mode", None),
               mitigation=getattr(args, "mitigation", None),
               scheduler=getattr(args, "scheduler", None) if args.command == "train" else None)


def qsvc_from_args(args):
    """A QSVC built from the shared command-line options."""
    from qml.models.qsvc import QSVC

    return QSVC(feature_map=args.feature_map or "zz",
                feature_map_reps=args.feature_map_reps or 2, bandwidth=args.bandwidth,
                C=args.C, n_qubits=args.qubits,
                input_scaling=None if args.input_scaling == "none" else "minmax",
                backend=args.backend, shots=args.shots, seed=args.seed, kernel=args.kernel,
                n_landmarks=args.landmarks, scheduler=getattr(args, "scheduler", None),
                max_circuits_per_job=getattr(args, "max_circuits_per_job", None),
                execution_mode=getattr(args, "mode", None),
                mitigation=getattr(args, "mitigation", None))


def _qsvc_metrics(model, ds) -> dict:
    return {
        "dataset": ds.name,
        "model": "qsvc",
        "backend": model.backend,
        "seed": model.seed,
        "n_qubits": int(model.n_qubits_),
        "kernel": model.kernel,
        "bandwidth": float(model.bandwidth_),
        "feature_bandwidths": None if model.feature_bandwidths_ is None
        else [float(w) for w in model.feature_bandwidths_],
        "n_landmarks": model.n_landmarks,
        "n_support_vectors": int(len(model.support_vectors_)),
        "train_accuracy": float(model.score(ds.X_train, ds.y_train)),
        "test_accuracy": float(model.score(ds.X_test, ds.y_test)),
        "kernel_target_alignment": float(model.kernel_target_alignment_),
        "kernel_circuits": int(model.n_kernel_circuits_),
        "fit_seconds": float(model.fit_seconds_),
    }


def _check_qsvc_flags(args) -> None:
    vqc_only = [flag for flag, on in (("--checkpoint", args.checkpoint),
                                      ("--resume", args.resume),
                                      ("--max-qpu-seconds", args.max_qpu_seconds)) if on]
    if vqc_only:
        raise ConfigurationError(f"{', '.join(vqc_only)}: for --model vqc; a QSVC computes "
                                 "its kernel once, without iterations")
    runtime_only(args)  # --dry-run and --price-per-second: fake: and ibm: only


def _train_qsvc(args, ds, out: Path) -> int:
    model = qsvc_from_args(args).fit(ds.X_train, ds.y_train)
    model.save(out / "model.json")
    metrics = _qsvc_metrics(model, ds)
    write_json(out / "metrics.json", metrics)
    keys = ("train_accuracy", "test_accuracy", "kernel_target_alignment",
            "n_support_vectors", "kernel_circuits", "fit_seconds")
    print(table([(k, f"{metrics[k]:.4g}") for k in keys], ("metric", "value")))
    print(f"wrote {out / 'model.json'}, {out / 'metrics.json'}")
    return 0


def vqc_metrics(model, ds) -> dict:
    """Train and test accuracy and the fit's costs of a trained VQC, for metrics.json."""
    return {
        "dataset": ds.name,
        "backend": model.backend,
        "seed": model.seed,
        "n_qubits": int(model.n_qubits_),
        "n_weights": int(len(model.weights_)),
        "optimizer": model.optimizer_,
        "n_iter": int(model.n_iter_),
        "train_accuracy": float(model.score(ds.X_train, ds.y_train)),
        "test_accuracy": float(model.score(ds.X_test, ds.y_test)),
        "final_loss": float(model.loss_),
        "fit_seconds": float(model.fit_seconds_),
        "circuit_evaluations": int(model.n_circuit_evaluations_),
        "shots": model.shots_,
    }


def cmd_train(args) -> int:
    """``qlimits train``: train a VQC or a QSVC; write model.json and metrics.json."""
    from qml.backends import parse_backend

    parse_backend(args.backend)  # a bad backend string fails before any import or data
    if args.model in REGRESSORS:
        return train_regressor(args)
    from qml.datasets import load_dataset

    if args.model == "vqc":
        if args.landmarks is not None:
            raise ConfigurationError("--landmarks: for --model qsvc (a Nystrom kernel model)")
        runtime_only(args)
    else:
        _check_qsvc_flags(args)
    out = None if args.dry_run else output_folder(args.out)
    ds = load_dataset(args.dataset, n_features=args.qubits, classes=args.classes,
                      seed=args.seed, test_size=args.test_size)
    model = qsvc_from_args(args) if args.model == "qsvc" else vqc_from_args(args)
    if args.checkpoint and not args.dry_run:
        from qml.models.checkpoint import check_checkpoint_place

        check_checkpoint_place(args.checkpoint)  # before the kernels compile (15 s)
    if model.backend == "statevector" and not args.dry_run and args.model == "vqc":
        kernels_ready(args)
    if args.dry_run or args.price_per_second is not None:
        estimate = model.estimate(ds.X_train, ds.y_train,
                                  predict_sizes=(len(ds.y_train), len(ds.y_test)),
                                  usd_per_second=args.price_per_second)
        print(estimate.summary())
        estimate.check_limit(args.max_qpu_seconds)
        if args.dry_run:
            return 0
    if args.model == "qsvc":
        return _train_qsvc(args, ds, out)
    model = model.fit(ds.X_train, ds.y_train)
    model.save(out / "model.json")
    metrics = vqc_metrics(model, ds)
    write_json(out / "metrics.json", metrics)
    keys = ("train_accuracy", "test_accuracy", "final_loss", "fit_seconds", "circuit_evaluations")
    print(table([(k, f"{metrics[k]:.4g}") for k in keys], ("metric", "value")))
    from qml.report import plots

    save_figure(args, plots.loss_curve(model.loss_curve_, f"VQC on {ds.name}"), out / "loss.png")
    print(f"wrote {out / 'model.json'}, {out / 'metrics.json'}, {out / 'loss.png'}")
    return 0


def add_parser(sub, add) -> None:
    """Add the parser of ``qlimits train``; ``add(subparsers, name, **kwargs)`` gives it the
    options every command takes."""
    train = add(sub, "train", help="train a VQC (or a QSVC or a regressor) and save it",
                description="Train a VQC (or a QSVC, or a quantum regressor); write model.json, "
                            "metrics.json (and loss.png for a VQC or VQR).")
    train.add_argument("--dataset", required=True,
                       help="iris | breast_cancer | wine | moons | circles | ad_hoc | FILE.csv; "
                            "for a regressor: diabetes | fourier | FILE.csv (last column: the "
                            "target)")
    train.add_argument("--classes", type=label_list, default=None,
                       help="keep only these labels, e.g. 0,1")
    train.add_argument("--test-size", type=test_size, default=0.3,
                       help="fraction held out for testing (default 0.3)")
    train.add_argument("--out", default="runs/train",
                       help="output folder (default runs/train; --dry-run writes nothing)")
    train.add_argument("--model", choices=["vqc", "qsvc", *REGRESSORS], default="vqc",
                       help="vqc: variational classifier (default); qsvc: support-vector "
                            "classifier on the quantum kernel of the feature map; vqr: "
                            "variational regressor; qkrr, qsvr, qgpr: kernel ridge, "
                            "support-vector and Gaussian-process regression on the kernel")
    train.add_argument("--observable", default="mean_z",
                       help="what a VQR reads out: mean_z (default), z0, parity or a Pauli "
                            "label such as ZZII")
    add_vqc_arguments(train)
    add_scheduler_argument(train, "data-parallel VQC training, or the QSVC's Gram matrix "
                                  "in blocks (exact backends)")
    add_cost_arguments(train)
    train.add_argument("--mitigation", choices=["m3"], default=None,
                       help="correct the device's readout errors with M3 (aer:<fake>, fake:, "
                            "ibm:); its calibration is one job of two circuits, in the ledger")
    train.set_defaults(func=cmd_train)
