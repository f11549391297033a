"""The ``qlimits`` program: the parser of every command group, logging, signals, and the
one place every error becomes one line and an exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import traceback
import warnings
from pathlib import Path

from qml.cli import compare, demo, eplg, jobs, projection, train, volume
from qml.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, Parser
from qml.errors import QlimitsError

__all__ = ["build_parser", "command_logging", "main", "run_command"]

logger = logging.getLogger(__name__)


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
    parser = Parser(
        prog="qlimits",
        description="Variational quantum classifiers and quantum volume: test whether quantum "
                    "computing answers the compute limits of deep learning.",
    )
    from qml.version import __version__

    parser.add_argument("--version", action="version", version=f"qlimits {__version__}")
    _verbosity(parser, None)
    common = Parser(add_help=False)
    _verbosity(common, argparse.SUPPRESS)  # after the subcommand; never resets the above

    def add(subparsers, name: str, **kwargs) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, parents=[common], **kwargs)

    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo.add_parser(sub, add)
    train.add_parser(sub, add)
    compare.add_parser(sub, add)
    jobs.add_parser(sub, add)
    qv = add(sub, "qv", help="quantum volume: measure, compare devices, project, cost",
                        description="The quantum-volume protocol of Cross et al. (2019).")
    qv_sub = qv.add_subparsers(dest="qv_command", required=True, metavar="QV_COMMAND")
    volume.add_parser(qv_sub, add)
    projection.add_parser(qv_sub, add)
    eplg.add_parser(sub, add)
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
def command_logging(verbose: int | None, quiet: bool):
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
    with command_logging(None, False):  # a warning from an option's parser is one line too
        args = parser.parse_args(argv)
    sigterm = (threading.current_thread() is threading.main_thread()
               and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)
    if sigterm:
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with command_logging(args.verbose, args.quiet):
            return run_command(args)
    finally:
        if sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


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
    from qml.engine.memory import default_threads
    from qml.paths import cache_dir, default_ledger_path

    default_threads()
    connect_timeout()
    cache_dir()
    default_ledger_path()


def run_command(args) -> int:
    """Run a subcommand; every way it can end is one exit status and at most one line."""
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
