"""``qlimits eplg measure``: layer fidelity and EPLG."""

from __future__ import annotations

import logging

from qml.backends import DEFAULT_SHOTS
from qml.cli.common import (
    SEED_TYPE,
    SHOTS_TYPE,
    int_at_least,
    int_list,
    output_folder,
    save_figure,
    table,
)
from qml.validation import LIMITS

__all__ = ["cmd_eplg_measure", "add_parser"]

logger = logging.getLogger(__name__)


def cmd_eplg_measure(args) -> int:
    """``qlimits eplg measure``: layer fidelity and EPLG on a chain; write eplg.json and
    eplg.png."""
    from qml.layer_fidelity import measure_layer_fidelity
    from qml.report import plots

    out = output_folder(args.out)
    result = measure_layer_fidelity(args.backend, n_qubits=args.chain_length,
                                    qubits=args.qubits, lengths=args.lengths,
                                    num_samples=args.samples, shots=args.shots, seed=args.seed)
    result.save(out / "eplg.json")
    rows = [(f"{a}-{b}", f"{p['process_fidelity']:.4f}",
             "-" if p["stderr"] is None else f"{p['stderr']:.4f}", p["quality"])
            for p, (a, b) in ((p, p["qubits"]) for p in result.pairs)]
    print(table(rows, ("link", "process fidelity", "± (1σ)", "fit")))

    def pm(value, err):
        return f"{value:.4f}" + ("" if err is None else f" ± {err:.4f}")

    print(f"\nchain {result.chain} on {result.backend}: layer fidelity "
          f"{pm(result.layer_fidelity, result.layer_fidelity_stderr)}, EPLG "
          f"{pm(result.eplg, result.eplg_stderr)} ({result.quality} fits)")
    if result.expected_eplg is not None:
        print(f"the device's reported two-qubit errors alone imply EPLG "
              f"{result.expected_eplg:.4f}; single-qubit and idle errors add the rest")
    save_figure(args, plots.layer_fidelity(result), out / "eplg.png")
    print(f"wrote {out / 'eplg.json'} and {out / 'eplg.png'}")
    return 0


def add_parser(sub, add) -> None:
    """Add the parser of ``qlimits eplg``; ``add(subparsers, name, **kwargs)`` gives it the
    options every command takes."""
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
    lf.add_argument("--chain-length", type=int_at_least(2, 1000), default=None, metavar="N",
                    help="qubits in the chain, chosen by their two-qubit errors (default 8)")
    lf.add_argument("--qubits", type=int_list, default=None,
                    help="the chain itself, in order, e.g. 0,1,2,3")
    lf.add_argument("--lengths", type=int_list, default=[2, 4, 8, 16, 30, 50, 80],
                    help="layers per sequence (default 2,4,8,16,30,50,80)")
    lf.add_argument("--samples", type=int_at_least(1, LIMITS["num_samples"]), default=6,
                    help="random sequences per length (default 6)")
    lf.add_argument("--shots", type=SHOTS_TYPE, default=DEFAULT_SHOTS)
    lf.add_argument("--seed", type=SEED_TYPE, default=0)
    lf.add_argument("--out", default="runs/eplg", help="output folder (default runs/eplg)")
    lf.set_defaults(func=cmd_eplg_measure)
