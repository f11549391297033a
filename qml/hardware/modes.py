"""Execution modes of runtime jobs: one by one (``job``), in a ``Batch`` (independent work:
quantum-volume widths, EPLG, kernel blocks, predictions) or in a ``Session`` (iterative
training: the optimizer's jobs queue back to back).

IBM bills a batch, like single jobs, by the QPU usage of its jobs; a session by its
wall-clock time while it is open, the time between the optimizer's jobs included
(https://quantum.cloud.ibm.com/docs/migration-guides/sessions: the usage of job and batch
mode is quantum computation only, of session mode classical and quantum computation;
https://quantum.cloud.ibm.com/docs/guides/execution-modes). The mode is chosen by what the
work is, can be set (``execution_mode=``, ``--mode``), and is recorded with every job in the
ledger, with the runtime's id of the batch or session; a rerun on ``ibm:`` rejoins that one
while the runtime keeps it open, and opens a new one otherwise.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable

from qml.errors import ConfigurationError

__all__ = ["MODES", "BILLING", "open_mode", "warn_session_fallback", "check_mode"]

logger = logging.getLogger(__name__)

MODES = ("job", "batch", "session")
BILLING = {
    "job": "IBM bills each job by its QPU usage",
    "batch": "IBM bills a batch by the QPU usage of its jobs",
    "session": "IBM bills a session by its wall-clock time while open, the time between "
               "jobs included, so the estimate is a lower bound",
}


def check_mode(mode) -> None:
    """None (chosen by the work) or one of ``MODES``.

    Examples
    --------
    >>> check_mode("batch")
    >>> try:
    ...     check_mode("parallel")
    ... except ConfigurationError as exc:
    ...     print(exc)
    execution_mode='parallel': one of job, batch, session (or None: chosen by the work)
    """
    if mode is not None and mode not in MODES:
        raise ConfigurationError(f"execution_mode={mode!r}: one of {', '.join(MODES)} (or "
                                 "None: chosen by the work)")


def open_mode(spec, backend, kind: str, ledger, service: Callable[[], object]):
    """``(mode, kind, session id)`` for the runtime's primitives: the backend itself for
    ``"job"``; else a ``Session`` or ``Batch`` -- on ``ibm:`` the one ``ledger`` last
    recorded on the backend while the runtime keeps it open (``service()`` gives the
    runtime service), else a new one; where the account allows neither, the backend and
    ``"job"`` with a warning. ``fake:`` opens the runtime's local ones (no session id)."""
    check_mode(kind)
    if kind == "job":
        return backend, "job", None
    import qiskit_ibm_runtime as rt

    cls = rt.Session if kind == "session" else rt.Batch
    try:
        mode = (_rejoined(cls, spec, kind, ledger, service) if spec.kind == "ibm" else None) \
            or cls(backend=backend)
    except (ValueError, rt.exceptions.IBMRuntimeError) as exc:
        warn_session_fallback(f"{type(exc).__name__}: {exc}")
        return backend, "job", None
    session_id = getattr(mode, "session_id", None)
    logger.info("%s: jobs go out in a %s%s", spec.text, kind,
                f" ({session_id})" if session_id else "")
    return mode, kind, session_id


def _rejoined(cls, spec, kind: str, ledger, service):
    """The batch or session the ledger last recorded on this backend, if the runtime still
    has it open; None otherwise."""
    previous = ledger.latest_session(spec.text, kind)
    if previous is None:
        return None
    try:
        mode = cls.from_id(previous, service())
        state = str(mode.status() or "").lower()
    except Exception as exc:  # noqa: BLE001 - the runtime no longer has it: open anew
        logger.info("%s %s is gone (%s: %s); opening a new one", kind, previous,
                    type(exc).__name__, exc)
        return None
    if "closed" in state or "ended" in state:
        logger.info("%s %s is %s; opening a new one", kind, previous, state)
        return None
    logger.info("rejoining %s %s (%s)", kind, previous, state)
    return mode


def warn_session_fallback(reason: str) -> None:
    """Say that runtime sessions or batches are unavailable and jobs run one by one."""
    warnings.warn(f"runtime sessions are not available ({reason}); running in job mode",
                  UserWarning, stacklevel=3)
