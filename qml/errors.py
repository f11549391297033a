"""The exceptions qlimits raises, in one small tree.

Every error names the bad value, what was expected, and how to fix it. Each class also
subclasses the built-in type a user would already catch, so ``except ValueError`` keeps
working::

    QlimitsError                      base of everything qlimits raises on purpose
    ├── InvalidInputError             bad data: NaN/inf, wrong shape, one class only (ValueError)
    ├── ConfigurationError            bad option: unknown name, incompatible settings (ValueError)
    │   ├── UnknownBackendError       backend string not understood; lists the valid ones
    │   ├── CircuitTooWideError       circuit needs more qubits than the backend has
    │   └── CredentialsError          no IBM Quantum credentials (says how to set them),
    │                                 or the service refused them
    ├── JobError                      a hardware/runtime job failed for good (RuntimeError);
    │   │                             carries .job_id and says how to fetch or resume
    │   ├── InvalidCircuitError       the backend rejected the circuits (not ISA)
    │   ├── BackendOfflineError       the backend is not operational
    │   └── JobCancelledError         the job was cancelled
    ├── ClusterError                  a Dask scheduler cannot be reached, or was lost
    │                                 mid-run; names its address (ConnectionError)
    ├── LedgerBusyError               the job ledger stayed locked by another process past
    │                                 the wait (TimeoutError); names the ledger
    ├── StateTooLargeError            state vector would not fit in memory (MemoryError)
    ├── UnsupportedCircuitError       an exact engine cannot run a circuit (ValueError);
    │                                 the classifier and QV catch it and fall back to Aer
    ├── ResultFileError               a file qlimits reads is unusable (a model, checkpoint,
    │                                 result, dataset CSV, records CSV or job ledger): missing,
    │                                 binary, truncated, another format or a newer version, or a
    │                                 value that breaks its schema (a type, a shape, a count, a
    │                                 NaN); names the file and the problem (ValueError). The
    │                                 file is never modified.
    │                                 ``ModelFileError`` is the same class, by its older name
    └── NotFittedError                predict before fit (scikit-learn's NotFittedError)

Warnings: ``FallbackWarning`` (exact engine -> Aer) and ``VersionMismatchWarning``
(model saved by another qlimits/qiskit version).

This module sits at the bottom of the dependency order: it imports only the standard library
(``NotFittedError`` loads scikit-learn the first time it is used), so ``import circuits``
stays light.
"""

from __future__ import annotations

import threading

__all__ = [
    "QlimitsError",
    "InvalidInputError",
    "ConfigurationError",
    "UnknownBackendError",
    "CircuitTooWideError",
    "StateTooLargeError",
    "ClusterError",
    "LedgerBusyError",
    "UnsupportedCircuitError",
    "ResultFileError",
    "ModelFileError",
    "NotFittedError",  # noqa: F822 - made on first use by __getattr__ below
    "CredentialsError",
    "JobError",
    "InvalidCircuitError",
    "BackendOfflineError",
    "JobCancelledError",
    "FallbackWarning",
    "VersionMismatchWarning",
]


class QlimitsError(Exception):
    """Base class of every error qlimits raises on purpose."""


class InvalidInputError(QlimitsError, ValueError):
    """Input data is unusable: NaN/inf, wrong shape, too few classes, too many features."""


class ConfigurationError(QlimitsError, ValueError):
    """An option has an unknown value or conflicts with another option."""


class UnknownBackendError(ConfigurationError):
    """A backend string that qlimits does not understand; the message lists valid ones."""


class CircuitTooWideError(ConfigurationError):
    """A circuit needs more qubits than the chosen backend offers."""


class CredentialsError(ConfigurationError):
    """No usable IBM Quantum credentials; the message says how to set them."""


class JobError(QlimitsError, RuntimeError):
    """A runtime job failed permanently. ``job_id`` names it (None if never submitted)."""

    def __init__(self, message: str, job_id: str | None = None):
        hint = (f" Job {job_id}: inspect it with `qlimits jobs show {job_id}`; a finished "
                f"result is fetched with `qlimits jobs fetch {job_id}`, and a training run "
                "continues with --resume." if job_id else "")
        super().__init__(message + hint)
        self.job_id = job_id


class InvalidCircuitError(JobError):
    """The backend rejected the circuits (not in its instruction set or layout)."""


class BackendOfflineError(JobError):
    """The backend is not operational."""


class JobCancelledError(JobError):
    """The job was cancelled."""


class ClusterError(QlimitsError, ConnectionError):
    """A Dask scheduler (``scheduler=``, ``--scheduler``) cannot be reached or was lost while
    work was running on it; the message names its address and why."""


class LedgerBusyError(QlimitsError, TimeoutError):
    """The job ledger stayed locked by another process for longer than qlimits waits."""


class StateTooLargeError(QlimitsError, MemoryError):
    """A state vector would not fit in memory; raised before anything is allocated."""


class UnsupportedCircuitError(QlimitsError, ValueError):
    """An exact engine (``qml.engine.statevector``, ``qml.engine.pauli_transfer``) cannot evaluate
    a circuit."""


class ResultFileError(QlimitsError, ValueError):
    """A saved result, model or checkpoint cannot be read; the message names the file (or
    ``<dict>``) and what is wrong with it."""


ModelFileError = ResultFileError  # the name used before results shared one convention


class FallbackWarning(UserWarning):
    """An exact engine could not run a circuit, so a slower Aer path is used instead."""


class VersionMismatchWarning(UserWarning):
    """A model file was written by another version of qlimits or qiskit."""


_LOCK = threading.Lock()


def __getattr__(name: str):
    """``NotFittedError`` subclasses scikit-learn's; it is made on first use so that this
    module does not import scikit-learn."""
    if name != "NotFittedError":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _LOCK:
        if "NotFittedError" not in globals():
            from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

            globals()["NotFittedError"] = type(
                "NotFittedError", (QlimitsError, _SklearnNotFittedError),
                {"__doc__": "A method that needs a fitted model was called before ``fit``.",
                 "__module__": __name__})
    return globals()["NotFittedError"]
