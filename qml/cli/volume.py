"""``qlimits qv measure|devices|predict|cost``: the quantum-volume protocol."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from qml.cli.common import (
    SEED_TYPE,
    SHOTS_TYPE,
    add_cost_arguments,
    add_scheduler_argument,
    int_at_least,
    int_list,
    output_folder,
    parse_widths,
    progress_bar,
    runtime_only,
    save_figure,
    table,
    write_json,
)
from qml.cli.projection import projection_figures
from qml.validation import LIMITS

__all__ = ["cmd_qv_measure", "cmd_qv_devices", "cmd_qv_predict", "cmd_qv_cost",
           "add_qv_arguments", "add_parser"]

logger = logging.getLogger(__name__)


def _qv_table(result) -> str:
    boot = any(w.bootstrap_lower_bound is not None for w in result.widths)
    rows = [(w.width, f"{w.mean_hop:.4f} ± {w.sigma:.4f}", f"{w.lower_bound:.4f}",
             *([f"{w.bootstrap_lower_bound:.4f}"] if boot else []), w.verdict,
             "never" if w.trials_needed is None else w.trials_needed) for w in result.widths]
    return table(rows, ("width", "mean HOP ± σ", "lower bound (2σ)",
                         *(["bootstrap bound"] if boot else []), "verdict", "trials needed"))


def _measure_with_progress(backend, args, checkpoint: Path):
    from qml.volume import measure_quantum_volume

    with progress_bar(args, total=None, desc=f"QV on {backend}", unit="batch") as bar:
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
                                      resume=args.resume, task_progress=tasks,
                                      execution_mode=getattr(args, "mode", None),
                                      max_circuits_per_job=args.max_circuits_per_job)


def cmd_qv_measure(args) -> int:
    """``qlimits qv measure``: the QV protocol on one backend; write qv.json and the plots."""
    from qml.report import plots
    from qml.volume import estimate_quantum_volume

    runtime_only(args)
    out = None if args.dry_run else output_folder(args.out)
    if args.dry_run or args.price_per_second is not None:
        estimate = estimate_quantum_volume(
            args.backend, args.widths, trials=args.trials, shots=args.shots, seed=args.seed,
            qubits=args.qubits, optimization_level=args.optimization_level,
            usd_per_second=args.price_per_second, execution_mode=args.mode,
            max_circuits_per_job=args.max_circuits_per_job)
        print(estimate.summary())
        estimate.check_limit(args.max_qpu_seconds)
        if args.dry_run:
            return 0
    result = _measure_with_progress(args.backend, args, out / "qv.json")  # written as it goes
    print(_qv_table(result))
    print(f"\nquantum volume on {args.backend}: {result.quantum_volume}")
    for w in result.widths:
        save_figure(args, plots.qv_trials(w), out / f"qv_width_{w.width}.png")
    save_figure(args, plots.qv_widths(result, reported_quantum_volume=_reported_qv(args.backend)),
                out / "qv_widths.png")
    print(f"wrote {out / 'qv.json'} and the plots in {out}")
    return 0


def _reported_qv(backend: str) -> int | None:
    """The QV a fake device's vendor reported (its configuration's), for the widths figure."""
    from qml.backends import fake_backend, parse_backend

    spec = parse_backend(backend)
    if spec.kind not in ("aer_noisy", "fake") or not spec.device:
        return None
    return getattr(fake_backend(spec.device).configuration(), "quantum_volume", None)




def cmd_qv_devices(args) -> int:
    """``qlimits qv devices``: simulated against reported QV of fake devices."""
    from qml.backends import fake_backend
    from qml.volume import measure_devices
    from qml.volume.results import SIMULATED_VS_REPORTED

    out = output_folder(args.out)
    names = [name.strip() for name in args.backends.split(",") if name.strip()]
    devices = {name: fake_backend(name) for name in names}  # validates names before any work
    with progress_bar(args, total=None, desc="QV of devices", unit="batch") as bar:
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
    write_json(out / "devices.json", {"devices": summary, "note": SIMULATED_VS_REPORTED})
    print(table(rows, ("backend", "qubits", "reported QV", "simulated QV",
                        "EPLG from 2q errors", "mean HOP by width")))
    print("\nEPLG from 2q errors: what the reported two-qubit gate errors imply on the best "
          "chain of up to 8 qubits; `qlimits eplg measure` measures it under the full noise "
          "model.")
    print("\n" + SIMULATED_VS_REPORTED)
    print(f"\nwrote {out / 'devices.json'} and one <device>.json per device")
    return 0


def cmd_qv_predict(args) -> int:
    """``qlimits qv predict``: the HOPs and QV a device's error rates imply."""
    from qml.volume import predict_quantum_volume

    out = output_folder(args.out)
    pred = predict_quantum_volume(args.backend, args.widths, trials=args.trials, seed=args.seed,
                                  qubits=args.qubits, optimization_level=args.optimization_level)
    pred.save(out / "prediction.json")
    rows = [(w["width"], f"{w['ideal_mean_hop']:.4f}", f"{w['mean_fidelity']:.3f}",
             f"{w['two_qubit_gates']:.1f}", f"{w['predicted_mean_hop']:.4f}",
             "pass" if w["passes"] else "fail") for w in pred.widths]
    print(table(rows, ("width", "ideal HOP", "no-error probability", "2q gates",
                        "predicted HOP", "predicted verdict")))
    print(f"\nquantum volume the reported errors of {args.backend} imply: "
          f"{pred.quantum_volume} (a global-depolarizing model: pessimistic by about 0.01-0.03 "
          "in HOP at widths 3-5; `qlimits qv measure` simulates it)")
    print(f"wrote {out / 'prediction.json'}")
    return 0


def cmd_qv_cost(args) -> int:
    """``qlimits qv cost``: time QV verification here and place this machine on the frontier."""
    from qml.projection import project
    from qml.volume import verification_cost

    out = output_folder(args.out)
    cost = verification_cost(args.max_width, seed=args.seed)
    cost.save(out / "cost.json")
    print(table([(n, f"{s:.3g}") for n, s in zip(cost.widths, cost.seconds)],
                 ("width", "seconds per ideal distribution")))
    print(f"\nexponential fit: x{cost.factor_per_qubit:.2f} time per extra qubit; "
          f"this machine's free memory holds a {cost.machine_max_width}-qubit state vector; "
          f"a 100-circuit QV test at that width would take about "
          f"{cost.certification_seconds_at_max_width / 3600:.3g} hours")
    projection_figures(args, project(until=2045), out, machine=cost)
    print(f"wrote {out / 'cost.json'} and the projection figures, this machine marked")
    return 0


def add_qv_arguments(p: argparse.ArgumentParser, widths: str) -> None:
    """Add the options every QV sweep takes (widths, trials, shots, seed ...)."""
    p.add_argument("--widths", type=parse_widths, default=parse_widths(widths),
                   help=f"widths to measure, e.g. 2-6 or 2,3,5 (default {widths})")
    p.add_argument("--trials", type=int_at_least(1, LIMITS["trials"]), default=100,
                   help="circuits per width (default 100)")
    p.add_argument("--shots", type=SHOTS_TYPE, default=None,
                   help="shots per circuit on shot-based backends (default 1024)")
    p.add_argument("--seed", type=SEED_TYPE, default=0)
    p.add_argument("--optimization-level", type=int, default=3, choices=[0, 1, 2, 3])
    p.add_argument("--early-stop", action="store_true",
                   help="stop after the first width that fails with a verdict")
    p.add_argument("--method", choices=["auto", "aer"], default="auto",
                   help="noisy simulation of aer:<device>: auto = exact distributions in the "
                        "Pauli basis, then shots (fast); aer = Aer's simulator (default auto)")
    p.add_argument("--resume", action="store_true",
                   help="keep the widths already written to --out by a run with the same "
                        "settings, and measure only the others")
    add_scheduler_argument(p, "the batches of trials (of every width and device)")


def add_parser(qv_sub, add) -> None:
    """Add the parsers of ``qlimits qv measure|devices|predict|cost``;
    ``add(subparsers, name, **kwargs)`` gives each the options every command takes."""
    measure = add(qv_sub, "measure", help="measure the quantum volume of one backend",
                                description="Run QV model circuits at each width, print mean "
                                            "HOP, bounds and verdicts; write qv.json and plots.")
    measure.add_argument("--backend", required=True,
                         help="statevector | aer | aer:<fake backend> (e.g. aer:fake_kolkata) | "
                        "fake:<fake backend> | ibm:<device>")
    measure.add_argument("--qubits", type=int_list, default=None,
                         help="physical qubits to use, e.g. 0,1,2,3,5")
    measure.add_argument("--out", default="runs/qv", help="output folder (default runs/qv)")
    measure.add_argument("--bootstrap", action="store_true",
                         help="also report the bootstrap bound of Baldwin et al. (2022)")
    add_qv_arguments(measure, "2-5")
    add_cost_arguments(measure)
    measure.set_defaults(func=cmd_qv_measure)
    devices = add(qv_sub, "devices", help="simulated vs reported QV of fake backends",
                                description="Measure the QV of several fake backends with "
                                            "their noise models, beside the QV each reports.")
    devices.add_argument("--backends", default="fake_lima,fake_athens,fake_kolkata,fake_montreal",
                         help="comma-separated fake backend names")
    devices.add_argument("--out", default="runs/qv_devices")
    add_qv_arguments(devices, "2-5")
    devices.set_defaults(func=cmd_qv_devices)
    predict = add(qv_sub, "predict", help="the HOPs and QV a device's error rates imply",
                                description="Predict each width's mean HOP from the device's "
                                            "reported gate and readout errors on the "
                                            "transpiled trial circuits; write prediction.json.")
    predict.add_argument("--backend", required=True, help="aer:<fake backend>")
    predict.add_argument("--qubits", type=int_list, default=None,
                         help="physical qubits to use, e.g. 0,1,2,3,5")
    predict.add_argument("--widths", type=parse_widths, default=parse_widths("2-6"),
                         help="widths, e.g. 2-6 (default 2-6)")
    predict.add_argument("--trials", type=int_at_least(1, LIMITS["trials"]), default=100)
    predict.add_argument("--seed", type=SEED_TYPE, default=0)
    predict.add_argument("--optimization-level", type=int, default=3, choices=[0, 1, 2, 3])
    predict.add_argument("--out", default="runs/qv_predict")
    predict.set_defaults(func=cmd_qv_predict)
    cost = add(qv_sub, "cost", help="time the classical cost of QV verification here",
                             description="Time the ideal distribution of one QV model circuit "
                                         "per width, fit the exponential, place this machine "
                                         "on the verification frontier.")
    cost.add_argument("--max-width", type=int_at_least(2, LIMITS["qv_width"]), default=20)
    cost.add_argument("--seed", type=SEED_TYPE, default=0)
    cost.add_argument("--out", default="runs/qv_cost")
    cost.set_defaults(func=cmd_qv_cost)
