"""What every command of the CLI shares: option types, output folders, tables, figures."""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import re
import sys
import tempfile
import warnings
from pathlib import Path

from qml.errors import ConfigurationError
from qml.files import atomic_write, to_json_text
from qml.validation import LIMITS, MAX_SEED

__all__ = ["positive_float", "test_size", "EXIT_OK", "EXIT_ERROR", "EXIT_USAGE",
           "EXIT_INTERRUPTED", "table", "write_json", "output_folder", "Parser",
           "is_quiet", "bars_wanted", "progress_bar", "int_at_least", "float_in",
           "int_list", "label_list", "parse_widths", "add_scheduler_argument",
           "add_cost_arguments", "runtime_only", "save_figure", "kernels_ready",
           "OUTPUT_NAMES", "SEED_TYPE", "SHOTS_TYPE"]

logger = logging.getLogger(__name__)


EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def table(rows: list[tuple], header: tuple) -> str:
    """A plain-text table of ``rows`` under ``header``, columns padded to their widest cell."""
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_json(path: Path, data: dict) -> None:
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


def output_folder(text: str) -> Path:
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


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line too (exit status 2)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def is_quiet(args) -> bool:
    """Whether ``-q`` was given (only errors; no warnings or bars)."""
    return bool(getattr(args, "quiet", False))


def bars_wanted(args) -> bool:
    """Progress bars are drawn on a terminal only (not into logs or pipes), and not under -q."""
    return not is_quiet(args) and sys.stderr.isatty()


@contextlib.contextmanager
def progress_bar(args, **kwargs):
    """A progress bar that disappears when the command fails, leaving the error line alone."""
    from qml.report.progress import progress_bar

    bar = progress_bar(disable=not bars_wanted(args), **kwargs)
    try:
        yield bar
    except BaseException:
        bar.leave = False
        raise
    finally:
        bar.close()


def int_at_least(low: int, high: int = 10**9):
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
    parse.__doc__ = f"An integer from {low} to {high:,} (an argparse type)."
    return parse


SEED_TYPE = int_at_least(0, MAX_SEED)


SHOTS_TYPE = int_at_least(1, LIMITS["shots"])


def float_in(low: float, high: float, expected: str):
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
    parse.__doc__ = f"A number: {expected} (an argparse type)."
    return parse


positive_float = float_in(0.0, math.inf, "a finite number > 0")


test_size = float_in(0.0, 1.0, "a fraction between 0 and 1 (exclusive), e.g. 0.3")


def int_list(text: str) -> list[int]:
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


def label_list(text: str) -> list[str]:
    """An argparse type: comma-separated class labels (matched to the data's labels as text,
    so ``0,1`` selects integer labels 0 and 1 as well as the strings "0" and "1")."""
    labels = [v.strip() for v in text.split(",")]
    if any(not v for v in labels) or len(set(labels)) != len(labels):
        raise argparse.ArgumentTypeError(f"expected distinct comma-separated labels like 0,1; "
                                         f"got {text!r}")
    return labels


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


def add_scheduler_argument(p: argparse.ArgumentParser, what: str) -> None:
    """Add ``--scheduler`` (``qml.distributed``) for ``what``."""
    p.add_argument("--scheduler", default=None, metavar="WHERE",
                   help=f"run {what} on Dask (pip install 'qlimits[dask]'): local, local:N "
                        "(N worker processes here) or tcp://HOST:PORT (a running `dask "
                        "scheduler`); default: in this process")


def add_cost_arguments(p: argparse.ArgumentParser) -> None:
    """``--dry-run``, ``--max-qpu-seconds``, ``--price-per-second``, ``--max-circuits-per-job``
    and ``--mode`` (fake: and ibm:)."""
    g = p.add_argument_group("QPU cost (fake: and ibm: backends)")
    g.add_argument("--dry-run", action="store_true",
                   help="print the jobs, circuits, shots, estimated QPU seconds and price; "
                        "submit nothing, write nothing")
    g.add_argument("--max-qpu-seconds", type=positive_float, default=None, metavar="S",
                   help="refuse the run, before anything is sent, when its estimate is over S")
    g.add_argument("--price-per-second", type=float_in(0.0, math.inf, "a number > 0"),
                   default=None, metavar="USD",
                   help="price of a QPU second (default: IBM's Pay-As-You-Go price, "
                        "qml/data/ibm_pricing.json)")
    g.add_argument("--max-circuits-per-job", default=None, metavar="N",
                   type=int_at_least(1, LIMITS["max_circuits_per_job"]),
                   help="at most N circuits per runtime job; larger work goes out as several "
                        "jobs, each a ledger row (default 4096, fewer where IBM's job limits "
                        "require)")
    g.add_argument("--mode", choices=["job", "batch", "session"], default=None,
                   help="how the runtime jobs go out (default: a session for training, a "
                        "batch for independent work: QV widths, kernels); recorded in the "
                        "ledger")


def runtime_only(args) -> None:
    """The cost options need a backend with a QPU behind it."""
    from qml.backends import parse_backend

    used = [flag for flag, value in (("--dry-run", args.dry_run),
                                     ("--max-qpu-seconds", args.max_qpu_seconds),
                                     ("--price-per-second", args.price_per_second),
                                     ("--mode", getattr(args, "mode", None)),
                                     ("--max-circuits-per-job",
                                      getattr(args, "max_circuits_per_job", None))) if value]
    if used and not parse_backend(args.backend).runtime:
        raise ConfigurationError(f"{', '.join(used)}: backend {args.backend} runs on this "
                                 "machine and uses no QPU; these apply to fake: and ibm:")


def save_figure(args, fig, path) -> Path:
    """Save a figure as PNG, and in every format the command's ``--figure-format`` asked for
    beside it."""
    from qml.report import plots

    for fmt in sorted(set(getattr(args, "figure_format", None) or [])):
        plots.save_figure(fig, Path(path).with_suffix(f".{fmt}"))
    return plots.save_figure(fig, path)


def kernels_ready(args) -> None:
    """Compile the engine's kernels before a command's progress bar starts, saying so the
    first time on a machine (about 15 s), instead of letting the first iteration's
    estimate read minutes."""
    from qml.engine.statevector import compiled_on_disk, warm_up

    if compiled_on_disk():
        return
    if not is_quiet(args):
        print("qlimits: compiling the engine's kernels, once per machine (about 15 s) ...",
              file=sys.stderr, flush=True)
    logger.info("kernels compiled in %.1f s", warm_up())
