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
    ├── StateTooLargeError            state vector would not fit in memory (MemoryError)
    ├── UnsupportedCircuitError       an exact engine cannot run a circuit (ValueError);
    │                                 the classifier and QV catch it and fall back to Aer
    ├── ModelFileError                a saved model cannot be read (ValueError)
    └── NotFittedError                predict before fit (scikit-learn's NotFittedError)

Warnings: ``FallbackWarning`` (exact engine -> Aer) and ``VersionMismatchWarning``
(model saved by another qlimits/qiskit version).
"""

from __future__ import annotations

from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

__all__ = [
    "QlimitsError",
    "InvalidInputError",
    "ConfigurationError",
    "UnknownBackendError",
    "CircuitTooWideError",
    "StateTooLargeError",
    "UnsupportedCircuitError",
    "ModelFileError",
    "NotFittedError",
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


class StateTooLargeError(QlimitsError, MemoryError):
    """A state vector would not fit in memory; raised before anything is allocated."""


class UnsupportedCircuitError(QlimitsError, ValueError):
    """An exact engine (``qml.exact``, ``qml.density``) cannot evaluate a circuit."""


class ModelFileError(QlimitsError, ValueError):
    """A saved model file is missing, malformed, or of an unknown format."""


class NotFittedError(QlimitsError, _SklearnNotFittedError):
    """A method that needs a fitted model was called before ``fit``."""


class FallbackWarning(UserWarning):
    """An exact engine could not run a circuit, so a slower Aer path is used instead."""


class VersionMismatchWarning(UserWarning):
    """A model file was written by another version of qlimits or qiskit."""
