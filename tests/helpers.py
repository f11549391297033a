"""What several test modules share: the ``qlimits`` command, run in this process through
``main(argv)`` (most cases: fast, and the exit status, output and files are the same), or as
a real subprocess where the process itself is the point (signals, the console script, a
terminal's encoding, concurrency)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

QLIMITS_PROCESS = [sys.executable, "-m", "qml.cli"]  # the command as a real process


@dataclass
class Completed:
    """What a command left: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def qlimits(*args: str, env: dict | None = None, cwd: Path | str | None = None) -> Completed:
    """Run ``qlimits ARGS`` in this process (``env`` added to the environment, in ``cwd``);
    the environment, the working folder and the streams are restored afterwards."""
    from qml.cli import main

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:  # the parser's usage errors and --help
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Completed(code, out.getvalue(), err.getvalue())
