"""The ``qlimits`` command: ``demo``, ``train``, ``compare``, ``jobs`` and ``qv``.

Every subcommand checks its output folder before any work, writes its results to disk before it
draws or prints anything that could fail, and ends in one of four exit statuses:

====  ==============================================================================
0     success
1     an error: one line on stderr, ``qlimits: error: ...`` (``-v`` adds the traceback)
2     a usage error: a bad option or option value, found by the parser before any work
130   interrupted (Ctrl-C): one line; finished work is already on disk
====  ==============================================================================

What happens
inside (retries, ledger reuse, fallbacks, qubit choices, chunking) is logged: ``-v`` shows it,
``-vv`` shows the details, ``-q`` only errors (and hides progress bars); warnings come out as
one line each.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import re
import signal
import sys
import tempfile
import textwrap
import threading
import time
import traceback
import warnings
from pathlib import Path

from qml.errors import ConfigurationError, QlimitsError
from qml.files import atomic_write, to_json_text
from qml.validation import LIMITS, MAX_SEED

__all__ = ["main", "build_parser", "add_vqc_arguments", "vqc_from_args", "parse_widths",
           "EXIT_OK", "EXIT_ERROR", "EXIT_USAGE", "EXIT_INTERRUPTED"]

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _table(rows: list[tuple], header: tuple) -> str:
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _write_json(path: Path, data: dict) -> None:
    """A plain JSON output (metrics, summaries), stamped with the qlimits version that wrote
    it (how a later run knows the file is one it may replace)."""
    from qml.version import __version__

    atomic_write(path, to_json_text({**data, "qlimits_version": __version__}))


# Every file name a command writes into --out (figures also as .svg/.pdf); a file of such a
# name that qlimits did not write is the user's, and is never overwritten.
OUTPUT_NAMES = re.compile(
    r"^(model|metrics|comparison|projection|prediction|eplg|cost|qv|devices|fake_\w+)\.json$"
    r"|^(loss|decision_regions|qv_records|growth|verification_frontier|comparison|importances"
    r"|learning_curve|qv_widths|qv_width_\d+|eplg)\.(png|svg|pdf)$|^comparison\.csv$")


def _output_folder(text: str) -> Path:
    """The ``--out`` folder, created and checked writable before any work starts, so that
    finished work is never lost to an unwritable location; a file there under a name the
    command writes, which qlimits did not write, is refused rather than overwritten."""
    from qml.files import written_by_qlimits

    out = Path(text)
    if out.exists() and not out.is_dir():
        raise ConfigurationError(f"--out {out} is a file, not a folder; choose another --out")
    if out.is_dir():
        for entry in sorted(out.iterdir()):
            if OUTPUT_NAMES.match(entry.name) and (entry.is_symlink() or not (
                    entry.is_file() and written_by_qlimits(entry))):
                raise ConfigurationError(
                    f"--out {out} holds {entry.name}, which qlimits did not write; refusing "
                    "to overwrite it: choose another --out, or move the file")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise ConfigurationError(f"cannot write results to {out} ({exc.strerror or exc}); "
                                 "choose another --out") from None
    return out


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line too (exit status 2)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _quiet(args) -> bool:
    return bool(getattr(args, "quiet", False))


def _bars(args) -> bool:
    """Progress bars are drawn on a terminal only (not into logs or pipes), and not under -q."""
    return not _quiet(args) and sys.stderr.isatty()


@contextlib.contextmanager
def _progress(args, **kwargs):
    """A progress bar that disappears when the command fails, leaving the error line alone."""
    from qml.progress import progress_bar

    bar = progress_bar(disable=not _bars(args), **kwargs)
    try:
        yield bar
    except BaseException:
        bar.leave = False
        raise
    finally:
        bar.close()


def _int_at_least(low: int, high: int = 10**9):
    """An argparse type: an integer from ``low`` to ``high`` (a bad value is a usage error,
    exit 2); every count has an upper bound, so that no loop runs for ever."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:,}, got {text}")
        return value

    parse.__name__ = f"integer from {low} to {high}"
    return parse


_SEED = _int_at_least(0, MAX_SEED)
_SHOTS = _int_at_least(1, LIMITS["shots"])


def _float_in(low: float, high: float, expected: str):
    """An argparse type: a number strictly between ``low`` and ``high`` (``expected`` is the
    refusal's wording)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not (math.isfinite(value) and low < value < high):
            raise argparse.ArgumentTypeError(f"must be {expected}; got {text}")
        return value

    parse.__name__ = expected
    return parse


_positive_float = _float_in(0.0, math.inf, "a finite number > 0")
_test_size = _float_in(0.0, 1.0, "a fraction between 0 and 1 (exclusive), e.g. 0.3")


def _int_list(text: str) -> list[int]:
    """An argparse type: comma-separated integers >= 0, e.g. ``0,1,2``."""
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers like 0,1,2; "
                                         f"got {text!r}") from None
    if any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"qubit indices are >= 0; got {text!r}")
    if len(set(values)) != len(values):
        raise argparse.ArgumentTypeError(f"each qubit once; got {text!r}")
    return values


def _labels(text: str) -> list[str]:
    """An argparse type: comma-separated class labels (matched to the data's labels as text,
    so ``0,1`` selects integer labels 0 and 1 as well as the strings "0" and "1")."""
    labels = [v.strip() for v in text.split(",")]
    if any(not v for v in labels) or len(set(labels)) != len(labels):
        raise argparse.ArgumentTypeError(f"expected distinct comma-separated labels like 0,1; "
                                         f"got {text!r}")
    return labels


def add_vqc_arguments(p: argparse.ArgumentParser) -> None:
    """The VQC options shared by every subcommand that trains one."""
    g = p.add_argument_group("classifier")
    g.add_argument("--qubits", type=_int_at_least(1, LIMITS["n_qubits"]), default=None,
                   help="circuit width; datasets with more features are reduced by PCA "
                        "(default: number of features)")
    g.add_argument("--feature-map", default=None,
                   choices=["angle", "zz", "pauli", "reuploading"],
                   help="data encoding (default: angle for the VQC, zz for the QSVC)")
    g.add_argument("--feature-map-reps", type=_int_at_least(1, LIMITS["feature_map_reps"]),
                   default=None, metavar="N",
                   help="feature-map repetitions (default: 1 for the VQC, 2 for the QSVC)")
    g.add_argument("--input-scaling", choices=["minmax", "none"], default="minmax",
                   help="minmax: every feature to [0, pi] on the training data (default); "
                        "none: the features are the angles (ad_hoc, whose labels are "
                        "defined on its raw angles)")
    g.add_argument("--ansatz", default="real_amplitudes",
                   choices=["real_amplitudes", "efficient_su2", "hardware_efficient"])
    g.add_argument("--ansatz-reps", type=_int_at_least(1, LIMITS["ansatz_reps"]), default=3,
                   metavar="N")
    g.add_argument("--readout", default="auto", choices=["auto", "parity", "z_per_class"])
    g.add_argument("--optimizer", default="auto",
                   choices=["auto", "cobyla", "lbfgs", "spsa", "adam"],
                   help="auto: lbfgs on statevector, spsa on shot-based backends")
    g.add_argument("--maxiter", type=_int_at_least(1, LIMITS["maxiter"]), default=100, metavar="N")
    g.add_argument("--learning-rate", type=_positive_float, default=None, metavar="LR")
    g.add_argument("--backend", default="statevector",
                   help="statevector | aer | aer:<fake backend> (e.g. aer:fake_kolkata) | "
                        "fake:<fake backend> | ibm:<device>")
    g.add_argument("--shots", type=_SHOTS, default=None,
                   help="shots per circuit (default 1024)")
    g.add_argument("--seed", type=_SEED, default=0,
                   help="drives data split, initial weights, transpiler and simulator")
    g.add_argument("--optimization-level", type=int, default=1, choices=[0, 1, 2, 3],
                   help="transpiler level for device backends (aer:<fake>, fake:, ibm:)")
    g.add_argument("--checkpoint", default=None,
                   help="JSON file updated after every iteration (weights, optimizer and RNG)")
    g.add_argument("--resume", action="store_true",
                   help="continue a killed run from --checkpoint")
    k = p.add_argument_group("quantum kernel (QSVC)")
    k.add_argument("--bandwidth", type=_positive_float, default=1.0,
                   help="scale of the angles before the feature map (default 1)")
    k.add_argument("--C", type=_positive_float, default=1.0, dest="C",
                   help="SVM regularisation (default 1)")


def vqc_from_args(args, verbose: bool = True):
    """A VQC built from the shared command-line options (no progress bar under ``-q``)."""
    from qml.classifier import VQC

    verbose = verbose and _bars(args)
    return VQC(feature_map=args.feature_map or "angle",
               feature_map_reps=args.feature_map_reps or 1,
               input_scaling=None if args.input_scaling == "none" else "minmax",
               ansatz=args.ansatz, ansatz_reps=args.ansatz_reps, readout=args.readout,
               optimizer=args.optimizer, maxiter=args.maxiter, learning_rate=args.learning_rate,
               backend=args.backend, shots=args.shots, seed=args.seed, verbose=verbose,
               n_qubits=args.qubits, checkpoint=args.checkpoint, resume=args.resume,
               optimization_level=args.optimization_level,
               max_qpu_seconds=getattr(args, "max_qpu_seconds", None),
               scheduler=getattr(args, "scheduler", None) if args.command == "train" else None)


def qsvc_from_args(args):
    """A QSVC built from the shared command-line options."""
    from qml.qsvc import QSVC

    return QSVC(feature_map=args.feature_map or "zz",
                feature_map_reps=args.feature_map_reps or 2, bandwidth=args.bandwidth,
                C=args.C, n_qubits=args.qubits,
                input_scaling=None if args.input_scaling == "none" else "minmax",
                backend=args.backend, shots=args.shots, seed=args.seed)


def _qsvc_metrics(model, ds) -> dict:
    return {
        "dataset": ds.name,
        "model": "qsvc",
        "backend": model.backend,
        "seed": model.seed,
        "n_qubits": int(model.n_qubits_),
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
                                      ("--dry-run", args.dry_run),
                                      ("--max-qpu-seconds", args.max_qpu_seconds),
                                      ("--price-per-second", args.price_per_second),
                                      ("--scheduler", args.scheduler)) if on]
    if vqc_only:
        raise ConfigurationError(f"{', '.join(vqc_only)}: for --model vqc; a QSVC computes "
                                 "its kernel once, without iterations or an estimate")


def _train_qsvc(args, ds, out: Path) -> int:
    model = qsvc_from_args(args).fit(ds.X_train, ds.y_train)
    model.save(out / "model.json")
    metrics = _qsvc_metrics(model, ds)
    _write_json(out / "metrics.json", metrics)
    keys = ("train_accuracy", "test_accuracy", "kernel_target_alignment",
            "n_support_vectors", "kernel_circuits", "fit_seconds")
    print(_table([(k, f"{metrics[k]:.4g}") for k in keys], ("metric", "value")))
    print(f"wrote {out / 'model.json'}, {out / 'metrics.json'}")
    return 0


def _metrics(model, ds) -> dict:
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
    from qml.backends import parse_backend

    parse_backend(args.backend)  # a bad backend string fails before any import or data
    from qml.datasets import load_dataset

    if args.model == "vqc":
        _runtime_only(args)
    else:
        _check_qsvc_flags(args)
    out = None if args.dry_run and args.model == "vqc" else _output_folder(args.out)
    ds = load_dataset(args.dataset, n_features=args.qubits, classes=args.classes,
                      seed=args.seed, test_size=args.test_size)
    if args.model == "qsvc":
        return _train_qsvc(args, ds, out)
    model = vqc_from_args(args)
    if model.backend == "statevector" and not args.dry_run:
        _kernels_ready(args)
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
    _write_json(out / "metrics.json", metrics)
    keys = ("train_accuracy", "test_accuracy", "final_loss", "fit_seconds", "circuit_evaluations")
    print(_table([(k, f"{metrics[k]:.4g}") for k in keys], ("metric", "value")))
    from qml import plots

    _save_figure(plots.loss_curve(model.loss_curve_, f"VQC on {ds.name}"), out / "loss.png")
    print(f"wrote {out / 'model.json'}, {out / 'metrics.json'}, {out / 'loss.png'}")
    return 0


def cmd_demo(args) -> int:
    from sklearn.linear_model import LogisticRegression

    from qml import plots
    from qml.classifier import VQC
    from qml.datasets import load_dataset

    out = _output_folder(args.out)
    start = time.perf_counter()
    print("qlimits demo: a variational quantum classifier on real data, exact simulation\n")
    ds = load_dataset("breast_cancer", n_features=4, seed=args.seed)
    _kernels_ready(args)
    model = VQC(seed=args.seed, verbose=_bars(args)).fit(ds.X_train, ds.y_train)
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
    _save_figure(plots.loss_curve(model.loss_curve_, "VQC on breast cancer"),
                      out / "loss.png")
    _save_figure(plots.decision_regions(moons_model, moons.X_test, moons.y_test,
                                             title="VQC decision regions (moons, test set)"),
                      out / "decision_regions.png")
    print(f"\nmoons test accuracy {metrics['moons_test_accuracy']:.3f}; "
          f"{model.n_circuit_evaluations_} circuit evaluations; "
          f"{time.perf_counter() - start:.1f} s in all")
    _demo_projection(out)
    print(f"wrote {out}/model.json, metrics.json, loss.png, decision_regions.png, "
          "qv_records.png, growth.png, verification_frontier.png")
    return 0


DEMO_SERIES = ("qv_ibm", "qv_quantinuum", "qv_frontier", "top500_rmax", "moore_law",
               "ai_compute_amodei_2018", "ai_compute_epoch_2024")


def _demo_projection(out: Path) -> None:
    """The projection's headline: QV doubling times beside classical ones, and the year QV
    outgrows classical verification."""
    from qml.projection import QV_FRONTIER, STATE_VECTOR_RECORD, project

    projection = project(until=2035)
    rows = [(_series_name(s), f"{s['doubling_time_months']:.1f}") for s in projection.series
            if s["key"] in DEMO_SERIES]
    print("\nIs quantum volume outrunning classical compute? Doubling times (months):")
    print(_table(rows, ("series", "doubling time")))
    cross = projection.crossover(QV_FRONTIER, STATE_VECTOR_RECORD)
    print(f"QV outgrows the largest classical state-vector simulations (its own verification) "
          f"around {cross['year']:.0f} (95% interval {cross['interval'][0]:.0f}-"
          f"{cross['interval'][1]:.0f}).")
    for line in _since_2020(projection):
        print(textwrap.fill(line, 95, subsequent_indent="    ", replace_whitespace=False)
              if line.startswith("  ") else line)
    _projection_figures(projection, out)


def _since_2020(projection) -> list[str]:
    """What changed since the essay, in plain words, from the projection's data."""
    from qml.projection import error_fits

    lines = ["\nSince 2020:"]
    for v in projection.vendors:
        if v["last_date"] is None:
            lines.append(f"  {v['vendor']} never published a measured QV"
                         + (f"; it reports {v['reports_instead']}." if v["reports_instead"]
                            else "."))
        elif v["reports_instead"] and not v["reports_instead"].startswith("QV"):
            lines.append(f"  {v['vendor']} last reported QV 2^{v['last_log2_qv']} "
                         f"({v['last_date']}); since {v['since']} it leads with "
                         f"{v['reports_instead']}.")
    ibm = sorted((r for r in projection.two_qubit_errors
                  if r["vendor"] == "IBM" and r["scope"] == "device"), key=lambda r: r["year"])
    fit = next((f for f in error_fits(projection.two_qubit_errors) if f.key == "error_ibm"),
               None)
    if fit is not None:
        lo, hi = fit.doubling_time_interval
        lines.append(
            f"  IBM's best device median two-qubit error fell from {ibm[0]['two_qubit_error']:.2g}"
            f" ({ibm[0]['date'][:4]}) to {ibm[-1]['two_qubit_error']:.2g} ({ibm[-1]['date'][:4]}):"
            f" it halves every {fit.doubling_time_months:.0f} months (95% {lo:.0f}-{hi:.0f}),"
            f" about Moore's-law pace. The QV that error alone implies rose from "
            f"2^{ibm[0]['implied_log2_qv']} to 2^{ibm[-1]['implied_log2_qv']}: QV counts qubits,"
            f" and the usable width grows only as one over the square root of the error.")
    return lines


def cmd_compare(args) -> int:
    from qml import plots
    from qml.compare import compare
    from qml.datasets import load_raw

    out = _output_folder(args.out)
    if args.checkpoint or args.resume:
        raise ConfigurationError("--checkpoint and --resume apply to `qlimits train`; a "
                                 "comparison fits a fresh VQC per fold")
    X, y, names = load_raw(args.dataset, seed=args.seed)
    models = None if args.models is None else [m.strip() for m in args.models.split(",")]
    vqc = vqc_from_args(args, verbose=False)
    vqc.set_params(n_qubits=None)  # the comparison's PCA (--qubits) sets the width
    qsvc = qsvc_from_args(args).set_params(n_qubits=None)
    if vqc.backend == "statevector" and args.scheduler is None:
        _kernels_ready(args)
    with _progress(args, desc=f"compare on {args.dataset}", unit="fit") as bar:
        def progress(done, total, what):
            bar.total = total
            bar.update(done - bar.n)
            bar.set_postfix_str(what)

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
    print(_table(rows, ("model", "accuracy", "balanced accuracy", "parameters",
                        "train s/fold", "predict s/fold", "training cost")))
    _save_figure(plots.comparison(report), out / "comparison.png")
    _save_figure(plots.importances(report), out / "importances.png")
    _save_figure(plots.learning_curves(report), out / "learning_curve.png")
    print(f"wrote comparison.json, comparison.csv and three figures to {out}")
    return 0


def _owner_text(record, owner_state) -> str:
    """Who claimed an in-flight row: ``pid 123 (live)``; nothing for finished rows."""
    if record.status not in ("pending", "submitted") or not record.owner:
        return ""
    host, _, rest = record.owner.partition("/")
    return f"pid {rest.partition('/')[0]} on {host} ({owner_state(record.owner)})"


def cmd_jobs(args) -> int:
    import json as _json

    from qml.ledger import Ledger, default_ledger_path, owner_state, to_json

    path = Path(args.ledger) if args.ledger else default_ledger_path()
    if args.jobs_command == "list" and not path.exists() and not path.is_symlink():
        print(f"no jobs recorded yet (no ledger at {path})")
        return 0
    ledger = Ledger(path, create=False)  # reading jobs never creates a ledger
    if args.jobs_command == "list":
        rows = [(r.id, r.job_id or "-", r.backend, r.kind, r.status,
                 time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r.updated)),
                 _owner_text(r, owner_state), r.result_path or "")
                for r in ledger.list(args.last)]
        print(_table(rows, ("row", "job id", "backend", "kind", "status", "updated",
                            "claimed by", "result")))
        return 0
    record = ledger.find(args.job) or (ledger.get(int(args.job)) if args.job.isdigit() else None)
    if record is None:
        raise QlimitsError(f"no job {args.job!r} in the ledger {ledger.path}")
    if args.jobs_command == "show":
        print(to_json(record))
    elif args.jobs_command == "fetch":
        if record.status == "done":
            from qml.ledger import load_result

            path = ledger.result_file(record)
            if path is None:
                raise QlimitsError(f"job {record.job_id}: its result file "
                                   f"{record.result_path!r} is missing or not in the results "
                                   f"folder {ledger.results_dir}")
            pubs = load_result(path)  # a damaged file is an error
            print(f"result of job {record.job_id}: {path} ({len(pubs)} pubs)")
        elif record.backend.startswith("ibm:") and record.job_id:
            from qml.backends import parse_backend
            from qml.runtime import RuntimeRunner, get_service

            spec = parse_backend(record.backend)
            service = get_service(spec.instance)
            runner = RuntimeRunner(spec, None, ledger, service=service)
            runner.collect(record.id, service.job(record.job_id), record.job_id)
            print(_json.dumps(ledger.get(record.id).__dict__, indent=1))
        else:
            raise QlimitsError(f"job {record.job_id} is {record.status} and cannot be fetched "
                               "(local fake: jobs end with their process)")
    elif args.jobs_command == "cancel":
        if record.status in ("done", "failed", "cancelled"):
            print(f"job {record.job_id} is already {record.status}")
            return 0
        if record.backend.startswith("ibm:") and record.job_id:
            from qml.backends import parse_backend
            from qml.runtime import get_service

            get_service(parse_backend(record.backend).instance).job(record.job_id).cancel()
        ledger.update(record.id, "cancelled")
        print(f"cancelled job {record.job_id or record.id}")
    return 0


def parse_widths(text: str) -> list[int]:
    """``"2-6"`` -> [2, 3, 4, 5, 6]; ``"2,4,5"`` -> [2, 4, 5]."""
    try:
        if "-" in text:
            lo, hi = (int(v) for v in text.split("-", 1))
            bounds = [lo, hi]
        else:
            bounds = [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"widths look like 2-6 or 2,3,5; got {text!r}") from None
    if min(bounds) < 2:
        raise argparse.ArgumentTypeError(f"quantum volume widths are >= 2; got {text!r}")
    widest = LIMITS["qv_width"]
    if max(bounds) > widest:
        raise argparse.ArgumentTypeError(
            f"quantum volume widths are at most {widest} (the test needs the exact ideal "
            f"distribution, 2**width probabilities); got {text!r}")
    widths = list(range(bounds[0], bounds[1] + 1)) if "-" in text else bounds
    if not widths:
        raise argparse.ArgumentTypeError(f"no widths in {text!r}: a range runs low-high")
    if len(set(widths)) != len(widths):
        warnings.warn(f"--widths {text}: each width is measured once", UserWarning,
                      stacklevel=2)
        widths = sorted(set(widths))
    return widths


def _qv_table(result) -> str:
    boot = any(w.bootstrap_lower_bound is not None for w in result.widths)
    rows = [(w.width, f"{w.mean_hop:.4f} ± {w.sigma:.4f}", f"{w.lower_bound:.4f}",
             *([f"{w.bootstrap_lower_bound:.4f}"] if boot else []), w.verdict,
             "never" if w.trials_needed is None else w.trials_needed) for w in result.widths]
    return _table(rows, ("width", "mean HOP ± σ", "lower bound (2σ)",
                         *(["bootstrap bound"] if boot else []), "verdict", "trials needed"))


def _measure_with_progress(backend, args, checkpoint: Path):
    from qml.volume import measure_quantum_volume

    with _progress(args, total=None, desc=f"QV on {backend}", unit="batch") as bar:
        def tasks(done, total):
            bar.total = total
            bar.update(done - bar.n)

        def progress(w):
            bar.set_postfix(width=w.width, hop=f"{w.mean_hop:.3f}")

        return measure_quantum_volume(backend, args.widths, trials=args.trials, shots=args.shots,
                                      seed=args.seed, qubits=getattr(args, "qubits", None),
                                      optimization_level=args.optimization_level,
                                      early_stop=args.early_stop, progress=progress,
                                      bootstrap=getattr(args, "bootstrap", False),
                                      method=args.method,
                                      max_qpu_seconds=getattr(args, "max_qpu_seconds", None),
                                      scheduler=args.scheduler, checkpoint=checkpoint,
                                      resume=args.resume, task_progress=tasks)


def cmd_qv_measure(args) -> int:
    from qml import plots
    from qml.volume import estimate_quantum_volume

    _runtime_only(args)
    out = None if args.dry_run else _output_folder(args.out)
    if args.dry_run or args.price_per_second is not None:
        estimate = estimate_quantum_volume(
            args.backend, args.widths, trials=args.trials, shots=args.shots, seed=args.seed,
            qubits=args.qubits, optimization_level=args.optimization_level,
            usd_per_second=args.price_per_second)
        print(estimate.summary())
        estimate.check_limit(args.max_qpu_seconds)
        if args.dry_run:
            return 0
    result = _measure_with_progress(args.backend, args, out / "qv.json")  # written as it goes
    print(_qv_table(result))
    print(f"\nquantum volume on {args.backend}: {result.quantum_volume}")
    for w in result.widths:
        _save_figure(plots.qv_trials(w), out / f"qv_width_{w.width}.png")
    _save_figure(plots.qv_widths(result), out / "qv_widths.png")
    print(f"wrote {out / 'qv.json'} and the plots in {out}")
    return 0


DEVICE_NOTE = """\
Why simulated and reported quantum volumes differ:
- the noise model is one calibration snapshot (gate errors, T1/T2, readout) with none of the
  crosstalk, leakage, drift or non-Markovian noise of the device on the day it was measured;
- the reported figure came from the vendor's own run: its best qubits that day, its compiler
  settings, sometimes approximate synthesis and error suppression;
- a width that is not simulated here is not credited, so the simulated figure is capped by the
  widths asked for (and by time: every width costs 100 noisy simulations).
The simulation is a consistency check of the noise model, not a measurement of the machine."""


def cmd_qv_devices(args) -> int:
    from qml.backends import fake_backend
    from qml.volume import measure_devices

    out = _output_folder(args.out)
    names = [name.strip() for name in args.backends.split(",") if name.strip()]
    devices = {name: fake_backend(name) for name in names}  # validates names before any work
    with _progress(args, total=None, desc="QV of devices", unit="batch") as bar:
        def tasks(done, total):
            bar.total = total
            bar.update(done - bar.n)

        def progress(name, w):
            bar.set_postfix_str(f"{name} width {w.width}: HOP {w.mean_hop:.3f}")

        results = measure_devices(names, args.widths, trials=args.trials, shots=args.shots,
                                  seed=args.seed, optimization_level=args.optimization_level,
                                  early_stop=args.early_stop, method=args.method,
                                  scheduler=args.scheduler, checkpoint_dir=out,
                                  resume=args.resume, progress=progress, task_progress=tasks)
    from qml.layer_fidelity import reported_eplg

    rows, summary = [], []
    for name, result in results.items():
        reported = getattr(devices[name].configuration(), "quantum_volume", None)
        chain, eplg = reported_eplg(devices[name].target)
        summary.append({"backend": name, "simulated_quantum_volume": result.quantum_volume,
                        "reported_quantum_volume": reported,
                        "eplg_from_reported_errors": eplg, "eplg_chain": chain,
                        "widths": [w.width for w in result.widths],
                        "mean_hops": [w.mean_hop for w in result.widths]})
        rows.append((name, devices[name].num_qubits, reported, result.quantum_volume,
                     f"{eplg:.4f} ({len(chain)}q)",
                     " ".join(f"{w.width}:{w.mean_hop:.3f}" for w in result.widths)))
    _write_json(out / "devices.json", {"devices": summary, "note": DEVICE_NOTE})
    print(_table(rows, ("backend", "qubits", "reported QV", "simulated QV",
                        "EPLG from 2q errors", "mean HOP by width")))
    print("\nEPLG from 2q errors: what the reported two-qubit gate errors imply on the best "
          "chain of up to 8 qubits; `qlimits eplg measure` measures it under the full noise "
          "model.")
    print("\n" + DEVICE_NOTE)
    print(f"\nwrote {out / 'devices.json'} and one <device>.json per device")
    return 0


def _projection_figures(projection, out: Path, machine=None) -> None:
    from qml import plots

    _save_figure(plots.qv_projection(projection), out / "qv_records.png")
    _save_figure(plots.growth_comparison(projection), out / "growth.png")
    _save_figure(plots.verification_frontier(projection, max(projection.until, 2045),
                                                  machine), out / "verification_frontier.png")


def _fmt_interval(pair, fmt="{:.1f}"):
    if not pair or None in pair:
        return ""
    return "[" + ", ".join("inf" if v == float("inf") else fmt.format(v) for v in pair) + "]"


def cmd_qv_project(args) -> int:
    from qml.projection import project

    out = _output_folder(args.out)
    projection = project(until=args.until, vendor=args.vendor, data=args.data,
                         start_year=args.start_year, multiple=args.multiple)
    projection.save(out / "projection.json")
    rows = [(_series_name(s), f"{s['growth_per_year']:.2f}x",
             f"{s['doubling_time_months']:.1f}", _fmt_interval(s["doubling_time_months_interval"]),
             "" if not s.get("last_data_year") else f"{s['last_data_year']:.1f}",
             "" if "value_at_horizon" not in s else
             f"{s['value_at_horizon']:.1f} {s['unit']}"
             + (" (extrapolated)" if s.get("last_data_year") else ""),
             f"{s['year_of_multiple']:.0f}")
            for s in projection.series]
    rows += [(s["name"], f"{s['growth_per_year']:.2f}x", f"{s['doubling_time_months']:.1f}",
              "scenario", "", "", f"{s['year_of_multiple']:.0f}") for s in projection.scenarios]
    print(_table(rows, ("series", "growth/yr", "doubling (months)", "95% interval",
                        "last data", f"value in {args.until}",
                        f"{args.multiple:.0e}x from {args.start_year:g}")))
    print()
    print(_vendor_table(projection))
    if projection.two_qubit_errors:
        print()
        print(_implied_table(projection))
    print()
    print(_table([(c["qv_series"], c["frontier"], f"{c['year']:.1f}",
                   _fmt_interval(c["interval"])) for c in projection.crossovers],
                 ("QV series", "classical frontier", "crossover year", "95% interval")))
    _projection_figures(projection, out)
    print(f"\nwrote {out / 'projection.json'} and qv_records.png, growth.png, "
          "verification_frontier.png")
    return 0


def _series_name(series: dict) -> str:
    """A series' display name (published trends carry only their data key)."""
    from qml.style import label

    return label(series["key"]) if series["name"] == series["key"] else series["name"]


def _vendor_table(projection) -> str:
    """Each vendor's last confirmed QV and what it reports instead."""
    return _table([(v["vendor"], v["last_date"] or "none confirmed",
                    "" if v["last_log2_qv"] is None else f"2^{v['last_log2_qv']}",
                    v["reports_instead"] or "(not found)", v["since"] or "")
                   for v in projection.vendors],
                  ("vendor", "last QV", "QV", "reports instead / beside", "since"))


def _implied_table(projection) -> str:
    """Best published two-qubit errors and the QV each implies."""
    return _table([(r["date"], r["vendor"], r["system"].split(" (")[0],
                    f"{r['two_qubit_error']:.2g}", f"{r['statistic']}, {r['scope']}",
                    f"2^{r['implied_log2_qv']}", r["status"])
                   for r in sorted(projection.two_qubit_errors, key=lambda r: r["year"])],
                  ("date", "vendor", "system", "2q error", "statistic", "implied QV",
                   "status"))


def cmd_qv_predict(args) -> int:
    from qml.volume import predict_quantum_volume

    out = _output_folder(args.out)
    pred = predict_quantum_volume(args.backend, args.widths, trials=args.trials, seed=args.seed,
                                  qubits=args.qubits,
                                  optimization_level=args.optimization_level)
    pred.save(out / "prediction.json")
    rows = [(w["width"], f"{w['ideal_mean_hop']:.4f}", f"{w['mean_fidelity']:.3f}",
             f"{w['two_qubit_gates']:.1f}", f"{w['predicted_mean_hop']:.4f}",
             "pass" if w["passes"] else "fail") for w in pred.widths]
    print(_table(rows, ("width", "ideal HOP", "no-error probability", "2q gates",
                        "predicted HOP", "predicted verdict")))
    print(f"\nquantum volume the reported errors of {args.backend} imply: "
          f"{pred.quantum_volume} (a global-depolarizing model: pessimistic by about 0.01-0.03 "
          "in HOP at widths 3-5; `qlimits qv measure` simulates it)")
    print(f"wrote {out / 'prediction.json'}")
    return 0


def cmd_eplg_measure(args) -> int:
    from qml import plots
    from qml.layer_fidelity import measure_layer_fidelity

    out = _output_folder(args.out)
    result = measure_layer_fidelity(args.backend, n_qubits=args.chain_length,
                                    qubits=args.qubits, lengths=args.lengths,
                                    num_samples=args.samples, shots=args.shots, seed=args.seed)
    result.save(out / "eplg.json")
    rows = [(f"{a}-{b}", f"{p['process_fidelity']:.4f}",
             "-" if p["stderr"] is None else f"{p['stderr']:.4f}", p["quality"])
            for p, (a, b) in ((p, p["qubits"]) for p in result.pairs)]
    print(_table(rows, ("link", "process fidelity", "± (1σ)", "fit")))

    def pm(value, err):
        return f"{value:.4f}" + ("" if err is None else f" ± {err:.4f}")

    print(f"\nchain {result.chain} on {result.backend}: layer fidelity "
          f"{pm(result.layer_fidelity, result.layer_fidelity_stderr)}, EPLG "
          f"{pm(result.eplg, result.eplg_stderr)} ({result.quality} fits)")
    if result.expected_eplg is not None:
        print(f"the device's reported two-qubit errors alone imply EPLG "
              f"{result.expected_eplg:.4f}; single-qubit and idle errors add the rest")
    _save_figure(plots.layer_fidelity(result), out / "eplg.png")
    print(f"wrote {out / 'eplg.json'} and {out / 'eplg.png'}")
    return 0


def cmd_qv_cost(args) -> int:
    from qml.projection import project
    from qml.volume import verification_cost

    out = _output_folder(args.out)
    cost = verification_cost(args.max_width, seed=args.seed)
    cost.save(out / "cost.json")
    print(_table([(n, f"{s:.3g}") for n, s in zip(cost.widths, cost.seconds)],
                 ("width", "seconds per ideal distribution")))
    print(f"\nexponential fit: x{cost.factor_per_qubit:.2f} time per extra qubit; "
          f"this machine's free memory holds a {cost.machine_max_width}-qubit state vector; "
          f"a 100-circuit QV test at that width would take about "
          f"{cost.certification_seconds_at_max_width / 3600:.3g} hours")
    _projection_figures(project(until=2045), out, machine=cost)
    print(f"wrote {out / 'cost.json'} and the projection figures, this machine marked")
    return 0


def _add_qv_arguments(p: argparse.ArgumentParser, widths: str) -> None:
    p.add_argument("--widths", type=parse_widths, default=parse_widths(widths),
                   help=f"widths to measure, e.g. 2-6 or 2,3,5 (default {widths})")
    p.add_argument("--trials", type=_int_at_least(1, LIMITS["trials"]), default=100,
                   help="circuits per width (default 100)")
    p.add_argument("--shots", type=_SHOTS, default=None,
                   help="shots per circuit on shot-based backends (default 1024)")
    p.add_argument("--seed", type=_SEED, default=0)
    p.add_argument("--optimization-level", type=int, default=3, choices=[0, 1, 2, 3])
    p.add_argument("--early-stop", action="store_true",
                   help="stop after the first width that fails with a verdict")
    p.add_argument("--method", choices=["auto", "aer"], default="auto",
                   help="noisy simulation of aer:<device>: auto = exact distributions in the "
                        "Pauli basis, then shots (fast); aer = Aer's simulator (default auto)")
    p.add_argument("--resume", action="store_true",
                   help="keep the widths already written to --out by a run with the same "
                        "settings, and measure only the others")
    _add_scheduler_argument(p, "the batches of trials (of every width and device)")


def _add_scheduler_argument(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--scheduler", default=None, metavar="WHERE",
                   help=f"run {what} on Dask (pip install 'qlimits[dask]'): local, local:N "
                        "(N worker processes here) or tcp://HOST:PORT (a running `dask "
                        "scheduler`); default: in this process")


def _add_cost_arguments(p: argparse.ArgumentParser) -> None:
    """``--dry-run``, ``--max-qpu-seconds`` and ``--price-per-second`` (fake: and ibm:)."""
    g = p.add_argument_group("QPU cost (fake: and ibm: backends)")
    g.add_argument("--dry-run", action="store_true",
                   help="print the jobs, circuits, shots, estimated QPU seconds and price; "
                        "submit nothing, write nothing")
    g.add_argument("--max-qpu-seconds", type=_positive_float, default=None, metavar="S",
                   help="refuse the run, before anything is sent, when its estimate is over S")
    g.add_argument("--price-per-second", type=_float_in(0.0, math.inf, "a number > 0"),
                   default=None, metavar="USD",
                   help="price of a QPU second (default: IBM's Pay-As-You-Go price, "
                        "qml/data/ibm_pricing.json)")


def _runtime_only(args) -> None:
    """The cost options need a backend with a QPU behind it."""
    from qml.backends import parse_backend

    used = [flag for flag, value in (("--dry-run", args.dry_run),
                                     ("--max-qpu-seconds", args.max_qpu_seconds),
                                     ("--price-per-second", args.price_per_second)) if value]
    if used and not parse_backend(args.backend).runtime:
        raise ConfigurationError(f"{', '.join(used)}: backend {args.backend} runs on this "
                                 "machine and uses no QPU; these apply to fake: and ibm:")


def _verbosity(parser: argparse.ArgumentParser, default) -> None:
    """``-v``/``-q`` and ``--figure-format``, accepted before or after the subcommand."""
    parser.add_argument("--figure-format", choices=("svg", "pdf"), action="append",
                        default=default, dest="figure_format",
                        help="also write every figure as SVG or PDF beside its PNG "
                             "(repeatable)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="count", default=default,
                       help="show what happens inside (-vv: in detail)")
    group.add_argument("-q", "--quiet", action="store_true", default=default,
                       help="only errors: no warnings, no progress bars")


def build_parser() -> argparse.ArgumentParser:
    """The ``qlimits`` argument parser, every subcommand included."""
    parser = _Parser(
        prog="qlimits",
        description="Variational quantum classifiers and quantum volume: test whether quantum "
                    "computing answers the compute limits of deep learning.",
    )
    from qml.version import __version__

    parser.add_argument("--version", action="version", version=f"qlimits {__version__}")
    _verbosity(parser, None)
    common = _Parser(add_help=False)
    _verbosity(common, argparse.SUPPRESS)  # after the subcommand; never resets the above

    def add(subparsers, name: str, **kwargs) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, parents=[common], **kwargs)

    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = add(sub, "demo", help="train a VQC on real data next to a classical baseline",
                          description="Train a VQC on breast cancer (PCA to 4 qubits) with exact "
                                      "simulation, compare it with logistic regression on the "
                                      "same split, and write figures.")
    demo.add_argument("--out", default="runs/demo", help="output folder (default runs/demo)")
    demo.add_argument("--seed", type=_SEED, default=0)
    demo.set_defaults(func=cmd_demo)

    train = add(sub, "train", help="train a VQC on a dataset and save it",
                           description="Train a VQC (or a QSVC); write model.json, metrics.json "
                                   "(and loss.png for a VQC).")
    train.add_argument("--dataset", required=True,
                       help="iris | breast_cancer | wine | moons | circles | ad_hoc | FILE.csv")
    train.add_argument("--classes", type=_labels, default=None,
                       help="keep only these labels, e.g. 0,1")
    train.add_argument("--test-size", type=_test_size, default=0.3,
                       help="fraction held out for testing (default 0.3)")
    train.add_argument("--out", required=True, help="output folder")
    train.add_argument("--model", choices=["vqc", "qsvc"], default="vqc",
                       help="vqc: variational classifier (default); qsvc: support-vector "
                            "classifier on the quantum kernel of the feature map")
    add_vqc_arguments(train)
    _add_scheduler_argument(train, "data-parallel VQC training (exact backends)")
    _add_cost_arguments(train)
    train.set_defaults(func=cmd_train)

    cmp_ = add(sub, "compare", help="VQC against classical baselines on one dataset",
                          description="Cross-validate a VQC and classical baselines on the "
                                      "same folds; report accuracy, size, cost, "
                                      "explainability and learning curves.")
    cmp_.add_argument("--dataset", required=True,
                      help="iris | breast_cancer | wine | moons | circles | ad_hoc | FILE.csv")
    cmp_.add_argument("--folds", type=_int_at_least(2, 100), default=5)
    cmp_.add_argument("--models", default=None,
                      help="comma-separated models beside the VQC (default: qsvc, "
                           "logistic_regression, decision_tree, random_forest, rbf_svm, mlp)")
    cmp_.add_argument("--out", required=True, help="output folder")
    add_vqc_arguments(cmp_)
    _add_scheduler_argument(cmp_, "the folds x models and learning-curve points")
    cmp_.set_defaults(func=cmd_compare)

    jobs = add(sub, "jobs", help="the job ledger: list, show, fetch, cancel",
                          description="Work with the SQLite job ledger "
                                      "($QLIMITS_LEDGER or ~/.qlimits/ledger.db).")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True, metavar="JOBS_COMMAND")
    for name, text in (("list", "list recorded jobs"), ("show", "one job's record"),
                       ("fetch", "get a job's result (from disk, or from IBM Quantum)"),
                       ("cancel", "cancel a job")):
        p = add(jobs_sub, name, help=text, description=text)
        if name == "list":
            p.add_argument("--last", type=_int_at_least(1), default=None,
                           help="only the last N jobs")
        else:
            p.add_argument("job", help="job id (or ledger row number)")
        p.add_argument("--ledger", default=None, help="ledger file (default $QLIMITS_LEDGER)")
        p.set_defaults(func=cmd_jobs)

    qv = add(sub, "qv", help="quantum volume: measure, compare devices, project, cost",
                        description="The quantum-volume protocol of Cross et al. (2019).")
    qv_sub = qv.add_subparsers(dest="qv_command", required=True, metavar="QV_COMMAND")
    measure = add(qv_sub, "measure", help="measure the quantum volume of one backend",
                                description="Run QV model circuits at each width, print mean "
                                            "HOP, bounds and verdicts; write qv.json and plots.")
    measure.add_argument("--backend", required=True,
                         help="statevector | aer | aer:<fake backend> (e.g. aer:fake_kolkata) | "
                        "fake:<fake backend> | ibm:<device>")
    measure.add_argument("--qubits", type=_int_list, default=None,
                         help="physical qubits to use, e.g. 0,1,2,3,5")
    measure.add_argument("--out", default="runs/qv", help="output folder (default runs/qv)")
    measure.add_argument("--bootstrap", action="store_true",
                         help="also report the bootstrap bound of Baldwin et al. (2022)")
    _add_qv_arguments(measure, "2-5")
    _add_cost_arguments(measure)
    measure.set_defaults(func=cmd_qv_measure)
    devices = add(qv_sub, "devices", help="simulated vs reported QV of fake backends",
                                description="Measure the QV of several fake backends with "
                                            "their noise models, beside the QV each reports.")
    devices.add_argument("--backends", default="fake_lima,fake_athens,fake_kolkata,fake_montreal",
                         help="comma-separated fake backend names")
    devices.add_argument("--out", default="runs/qv_devices")
    _add_qv_arguments(devices, "2-5")
    devices.set_defaults(func=cmd_qv_devices)
    predict = add(qv_sub, "predict", help="the HOPs and QV a device's error rates imply",
                                description="Predict each width's mean HOP from the device's "
                                            "reported gate and readout errors on the "
                                            "transpiled trial circuits; write prediction.json.")
    predict.add_argument("--backend", required=True, help="aer:<fake backend>")
    predict.add_argument("--qubits", type=_int_list, default=None,
                         help="physical qubits to use, e.g. 0,1,2,3,5")
    predict.add_argument("--widths", type=parse_widths, default=parse_widths("2-6"),
                         help="widths, e.g. 2-6 (default 2-6)")
    predict.add_argument("--trials", type=_int_at_least(1, LIMITS["trials"]), default=100)
    predict.add_argument("--seed", type=_SEED, default=0)
    predict.add_argument("--optimization-level", type=int, default=3, choices=[0, 1, 2, 3])
    predict.add_argument("--out", default="runs/qv_predict")
    predict.set_defaults(func=cmd_qv_predict)
    proj = add(qv_sub, "project", help="fit and project QV growth against classical compute",
                             description="Fit log2 QV against time (OLS with intervals, "
                                         "Theil-Sen), compare with classical trends, and find "
                                         "when QV outgrows classical verification.")
    proj.add_argument("--until", type=_int_at_least(2000, 9999), default=2035,
                      help="projection horizon (year)")
    proj.add_argument("--vendor", default=None, help="fit one vendor only (e.g. IBM, Quantinuum)")
    proj.add_argument("--data", default=None, help="your own QV records CSV (same schema)")
    proj.add_argument("--multiple", type=_positive_float, default=1e5,
                      help="report the year each trend delivers this multiple (default 1e5, "
                           "the essay's compute for 5%% ImageNet error)")
    proj.add_argument("--start-year", type=float, default=2025.0,
                      help="year the multiple is counted from (default 2025)")
    proj.add_argument("--out", default="runs/projection")
    proj.set_defaults(func=cmd_qv_project)
    cost = add(qv_sub, "cost", help="time the classical cost of QV verification here",
                             description="Time the ideal distribution of one QV model circuit "
                                         "per width, fit the exponential, place this machine "
                                         "on the verification frontier.")
    cost.add_argument("--max-width", type=_int_at_least(2, LIMITS["qv_width"]), default=20)
    cost.add_argument("--seed", type=_SEED, default=0)
    cost.add_argument("--out", default="runs/qv_cost")
    cost.set_defaults(func=cmd_qv_cost)

    eplg = add(sub, "eplg", help="layer fidelity and EPLG, IBM's successor metric to QV",
                            description="Layer fidelity and EPLG (McKay et al. 2023).")
    eplg_sub = eplg.add_subparsers(dest="eplg_command", required=True, metavar="EPLG_COMMAND")
    lf = add(eplg_sub, "measure", help="measure layer fidelity and EPLG on a chain of qubits",
                                  description="Run qiskit-experiments' LayerFidelity on a "
                                              "chain of connected qubits of a device (aer: its "
                                              "noise model; fake:/ibm: one job through the "
                                              "job ledger); write eplg.json and eplg.png.")
    lf.add_argument("--backend", required=True,
                    help="aer:<fake backend> (e.g. aer:fake_kolkata), fake:<fake backend> or "
                         "ibm:<device> (through the ledger: a rerun reads the stored result)")
    lf.add_argument("--chain-length", type=_int_at_least(2, 1000), default=None, metavar="N",
                    help="qubits in the chain, chosen by their two-qubit errors (default 8)")
    lf.add_argument("--qubits", type=_int_list, default=None,
                    help="the chain itself, in order, e.g. 0,1,2,3")
    lf.add_argument("--lengths", type=_int_list, default=[2, 4, 8, 16, 30, 50, 80],
                    help="layers per sequence (default 2,4,8,16,30,50,80)")
    lf.add_argument("--samples", type=_int_at_least(1, LIMITS["num_samples"]), default=6,
                    help="random sequences per length (default 6)")
    lf.add_argument("--shots", type=_SHOTS, default=1024)
    lf.add_argument("--seed", type=_SEED, default=0)
    lf.add_argument("--out", default="runs/eplg", help="output folder (default runs/eplg)")
    lf.set_defaults(func=cmd_eplg_measure)
    return parser


class _BarSafeHandler(logging.Handler):
    """Log lines to stderr above a running progress bar, not through it."""

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm.auto import tqdm

        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)


@contextlib.contextmanager
def _logging(verbose: int | None, quiet: bool):
    """Send qlimits' logs, and warnings, to stderr as one line each, for this command."""
    level = (logging.ERROR if quiet else logging.DEBUG if (verbose or 0) >= 2
             else logging.INFO if verbose else logging.WARNING)
    handler = _BarSafeHandler()
    handler.setFormatter(logging.Formatter(
        "qlimits: %(levelname)s: %(name)s: %(message)s" if level == logging.DEBUG
        else "qlimits: %(levelname)s: %(message)s"))
    package = logging.getLogger("qml")
    saved = package.level, package.propagate, warnings.showwarning
    # Dask's own logs (a worker restarted, a scheduler lost) are for -vv; the outcome is
    # qlimits' one line. Set before dask.distributed is imported, so its workers inherit it.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED",
                          "info" if level == logging.DEBUG else "critical")

    def show(message, category, filename, lineno, file=None, line=None):
        logging.getLogger("qml.warnings").warning("%s: %s", category.__name__, message)

    # qiskit-ibm-runtime prints its own log lines through a handler of its own: the outcome
    # is qlimits' one line, so they are shown under -v only (-vv: its details too).
    runtime = logging.getLogger("qiskit_ibm_runtime")
    saved_runtime = runtime.level
    runtime.setLevel(logging.DEBUG if level == logging.DEBUG else logging.WARNING
                     if level == logging.INFO else logging.CRITICAL + 1)
    package.addHandler(handler)
    package.setLevel(level)
    package.propagate = False
    warnings.showwarning = show
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(saved[0])
        package.propagate = saved[1]
        warnings.showwarning = saved[2]
        runtime.setLevel(saved_runtime)


def _streams_never_fail() -> None:
    """Text the terminal's encoding cannot show (an ASCII-only locale and a "±") comes out
    escaped instead of ending the command after its results were written."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")


def _could_write(folder: Path) -> bool:
    """Whether ``folder`` is, or could be created as, a writable folder (creating nothing)."""
    while not folder.exists():
        if folder.parent == folder:
            return False
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def _matplotlib_folder() -> None:
    """Point matplotlib at qlimits' cache folder when its own (in the home folder) cannot be
    written, before it is imported: otherwise it says so in two lines on every command."""
    if os.environ.get("MPLCONFIGDIR"):
        return
    try:
        home = Path.home()
    except (RuntimeError, KeyError):
        home = None
    config = Path(os.environ.get("XDG_CONFIG_HOME") or (home or Path("/")) / ".config")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or (home or Path("/")) / ".cache")
    if home is not None and _could_write(config / "matplotlib") and _could_write(
            cache / "matplotlib"):
        return
    from qml.paths import cache_dir

    with contextlib.suppress(QlimitsError, OSError):  # the command then reports it
        folder = cache_dir() / "matplotlib"
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = str(folder)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, taken like Ctrl-C: checkpoints and ledger rows are left consistent."""


def _on_sigterm(signum, frame):
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``qlimits`` console script."""
    _streams_never_fail()
    _matplotlib_folder()
    os.environ["MPLBACKEND"] = "Agg"  # the CLI writes files and opens no window
    import matplotlib

    matplotlib.use("Agg")
    parser = build_parser()
    with _logging(None, False):  # a warning from an option's parser is one line too
        args = parser.parse_args(argv)
    sigterm = (threading.current_thread() is threading.main_thread()
               and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)
    if sigterm:
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with _logging(args.verbose, args.quiet):
            return _run(args)
    finally:
        if sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


_EXTRA_FORMATS: list[str] = []  # --figure-format of the running command


def _save_figure(fig, path) -> Path:
    """Save a figure as PNG, and in every format ``--figure-format`` asked for beside it."""
    from qml import plots

    for fmt in _EXTRA_FORMATS:
        plots.save_figure(fig, Path(path).with_suffix(f".{fmt}"))
    return plots.save_figure(fig, path)


def _stdout_is_a_pipe() -> bool:
    import stat

    try:
        return stat.S_ISFIFO(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def _check_environment() -> None:
    """qlimits' environment variables and its cache folder, checked before any work, so that
    a bad one is one line at once rather than a failure minutes in."""
    from qml.distributed import connect_timeout
    from qml.memory import default_threads
    from qml.paths import cache_dir, default_ledger_path

    default_threads()
    connect_timeout()
    cache_dir()
    default_ledger_path()


def _kernels_ready(args) -> None:
    """Compile the engine's kernels before a command's progress bar starts, saying so the
    first time on a machine (about 15 s), instead of letting the first iteration's
    estimate read minutes."""
    from qml import gate_kernels
    from qml.exact import warm_up

    if gate_kernels.compiled_on_disk():
        return
    if not _quiet(args):
        print("qlimits: compiling the engine's kernels, once per machine (about 15 s) ...",
              file=sys.stderr, flush=True)
    logger.info("kernels compiled in %.1f s", warm_up())


def _run(args) -> int:
    """Run a subcommand; every way it can end is one exit status and at most one line."""
    _EXTRA_FORMATS[:] = sorted(set(getattr(args, "figure_format", None) or []))
    verbose = (args.verbose or 0) >= 1
    try:
        _check_environment()
        return args.func(args)
    except KeyboardInterrupt as stop:
        what = "terminated (SIGTERM)" if isinstance(stop, _Terminated) else "interrupted"
        print(f"qlimits: {what}; results written so far are kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        if _stdout_is_a_pipe():  # the reader went away (`qlimits ... | head`): nothing to say
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_ERROR
        error = sys.exc_info()[1]
    except Exception as exc:  # noqa: BLE001 - every error ends here, as one line
        error = exc
    if isinstance(error, QlimitsError):
        message = str(error)
    elif isinstance(error, OSError):  # a disk, a permission, a network: the system's words
        where = f"{error.filename}: " if error.filename else ""
        message = f"{where}{error.strerror or error}"
    elif isinstance(error, MemoryError):
        message = ("out of memory; try fewer qubits, samples or trials, or a machine with "
                   "more memory")
    else:  # a bug: one line, the traceback under -v
        message = (f"unexpected {type(error).__name__}: {error} (a bug in qlimits or a "
                   "library: run again with -v for the traceback and report it)")
    if verbose:
        traceback.print_exception(error, file=sys.stderr)
    first = message.strip().splitlines()[0] if message.strip() else "failed"
    print(f"qlimits: error: {first}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


