"""IBM Quantum through qiskit-ibm-runtime, without losing work.

``fake:<name>`` runs qiskit-ibm-runtime's Sampler (the client-side executor Sampler from 0.50,
SamplerV2 before) in local testing mode on a fake backend;
``ibm:<name>[@instance]`` and ``ibm:least_busy`` run on IBM Quantum through
``QiskitRuntimeService``. Both go through the same path:

1. circuits are transpiled to the backend's ISA with the preset pass manager (optimization
   level and seed configurable) and checked against its target before submission;
2. the job ledger (``qml.hardware.ledger``) gets a row before anything is sent (a claim: the same
   work in flight in another live process is waited for, never sent twice), the job id as soon as
   there is one, and every state change after;
3. results are written to disk (NPZ) the moment they arrive; a run repeated after a crash
   finds the stored result, or fetches the in-flight job, instead of resubmitting;
4. work larger than one job may hold (``qml.hardware.job_limits``) goes out as several jobs,
   each its own ledger row, so a rerun submits only the ones missing;
5. transient failures (network, timeouts, 5xx) are retried with bounded exponential backoff
   (``qml.hardware.retry``); a submission on ``ibm:`` carries a job tag naming its ledger row,
   and before a failed submission is sent again the service is asked for a job of that tag,
   which is fetched if the runtime had accepted it: retries never pay twice. Permanent
   failures raise at once as ``qml.errors`` types that carry the job id.

Credentials: the saved qiskit-ibm-runtime account, or ``QISKIT_IBM_TOKEN`` (and
``QISKIT_IBM_INSTANCE``). qlimits never writes a token anywhere.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from pathlib import Path

import numpy as np

from qml.backends.spec import BackendSpec, fake_backend
from qml.errors import (
    BackendOfflineError,
    CircuitTooWideError,
    ConfigurationError,
    CredentialsError,
    InvalidCircuitError,
    JobCancelledError,
    JobError,
    ResultFileError,
)
from qml.hardware.job_limits import JobLimits, split
from qml.hardware.job_results import load_result, save_result
from qml.hardware.ledger import Ledger, hold, payload_hash, release
from qml.hardware.modes import open_mode
from qml.hardware.retry import retry

__all__ = ["get_service", "runtime_backend", "RuntimeJobs", "transpile_for", "sampler_name",
           "CREDENTIALS_HELP"]

logger = logging.getLogger(__name__)

CREDENTIALS_HELP = (
    "Set QISKIT_IBM_TOKEN (and QISKIT_IBM_INSTANCE) in the environment, or save an account "
    "once with `from qiskit_ibm_runtime import QiskitRuntimeService; "
    "QiskitRuntimeService.save_account(token=..., instance=...)`."
)


def _runtime():
    try:
        import qiskit_ibm_runtime
    except ImportError as exc:
        raise ConfigurationError(
            "the fake: and ibm: backends need qiskit-ibm-runtime: pip install 'qlimits[ibm]'"
        ) from exc
    return qiskit_ibm_runtime


def get_service(instance: str | None = None):
    """A ``QiskitRuntimeService`` from the environment or the saved account.

    Raises ``CredentialsError`` (saying how to set credentials) before any work starts.
    """
    rt = _runtime()
    token = os.environ.get("QISKIT_IBM_TOKEN")
    instance = instance or os.environ.get("QISKIT_IBM_INSTANCE")
    refused = (rt.accounts.AccountNotFoundError, rt.accounts.InvalidAccountError,
               rt.exceptions.IBMNotAuthorizedError, rt.exceptions.IBMAccountError)
    try:
        if token:
            return rt.QiskitRuntimeService(channel="ibm_quantum_platform", token=token,
                                           instance=instance)
        return rt.QiskitRuntimeService(instance=instance)
    except refused as exc:  # the service's own reason, the token scrubbed from it
        reason = _scrub(f"{type(exc).__name__}: {exc}", token)
        if token:
            raise CredentialsError(
                f"IBM Quantum refused the credentials from QISKIT_IBM_TOKEN ({reason}); check "
                "the token, and QISKIT_IBM_INSTANCE if you set one") from None
        raise CredentialsError(
            f"no usable IBM Quantum credentials ({reason}). {CREDENTIALS_HELP}") from None
    except (ValueError, TypeError, AttributeError) as exc:  # malformed settings
        reason = _scrub(f"{type(exc).__name__}: {exc}", token)
        raise CredentialsError(
            f"the IBM Quantum account settings are not usable ({reason}); check "
            f"QISKIT_IBM_INSTANCE ({instance!r}: an instance CRN or name) and the saved "
            "account") from None


def _scrub(text: str, token: str | None) -> str:
    """A message with the token, should a library have quoted it, replaced."""
    return text.replace(token, "<token>") if token else text


def runtime_backend(spec: BackendSpec, n_qubits: int, service=None):
    """The backend object for a ``fake:`` or ``ibm:`` spec, checked to be usable."""
    if spec.kind == "fake":
        backend = fake_backend(spec.device)
    else:
        service = service if service is not None else get_service(spec.instance)
        if spec.device == "least_busy":
            backend = service.least_busy(min_num_qubits=n_qubits, operational=True,
                                         simulator=False)
        else:
            backend = service.backend(spec.device)
        status = getattr(backend, "status", None)
        if callable(status) and not getattr(status(), "operational", True):
            raise BackendOfflineError(f"backend {spec.device} is not operational now")
    if n_qubits > backend.num_qubits:
        raise CircuitTooWideError(
            f"the circuit needs {n_qubits} qubits; {spec.text} has {backend.num_qubits}"
        )
    return backend


def sampler_name() -> str:
    """The Sampler class qlimits submits through with the installed qiskit-ibm-runtime.

    Examples
    --------
    >>> sampler_name() in ("qiskit_ibm_runtime.executor_sampler.Sampler",
    ...                    "qiskit_ibm_runtime.SamplerV2")
    True
    """
    try:
        from qiskit_ibm_runtime.executor_sampler import Sampler  # noqa: F401
    except ImportError:
        return "qiskit_ibm_runtime.SamplerV2"
    return "qiskit_ibm_runtime.executor_sampler.Sampler"


def _make_sampler(mode, options: dict | None):
    """The client-side ``executor_sampler.Sampler`` where qiskit-ibm-runtime has it (0.50 on,
    where ``SamplerV2`` is deprecated); ``SamplerV2`` on 0.40-0.49. Same interface."""
    rt = _runtime()
    try:
        from qiskit_ibm_runtime.executor_sampler import Sampler
    except ImportError:  # qiskit-ibm-runtime < 0.50
        return rt.SamplerV2(mode=mode, options=options or None)
    return Sampler(mode=mode, options=options or None)


def transpile_for(spec: BackendSpec, backend, circuits, optimization_level: int = 1,
                  seed: int | None = None, initial_layout=None) -> list:
    """ISA circuits for a runtime backend (preset pass manager), each instruction checked
    against the backend's target; used by runs and by cost estimates alike.

    Examples
    --------
    >>> from qiskit import QuantumCircuit
    >>> from qml.backends import fake_backend, parse_backend
    >>> qc = QuantumCircuit(2); _ = qc.h(0); _ = qc.cx(0, 1)
    >>> isa = transpile_for(parse_backend("fake:fake_lima"), fake_backend("fake_lima"), [qc])
    >>> sorted(isa[0].count_ops()) <= ["cx", "rz", "sx", "x"]
    True
    """
    from qiskit.transpiler import generate_preset_pass_manager

    pm = generate_preset_pass_manager(optimization_level=optimization_level, backend=backend,
                                      seed_transpiler=seed, initial_layout=initial_layout)
    isa = pm.run(list(circuits))
    target = backend.target
    for qc in isa:
        for inst in qc.data:
            name = inst.operation.name
            if name == "barrier":
                continue
            qargs = tuple(qc.find_bit(q).index for q in inst.qubits)
            if not target.instruction_supported(name, qargs):
                raise InvalidCircuitError(
                    f"instruction {name} on qubits {qargs} is not supported by {spec.text} "
                    "after transpilation")
    return isa


class RuntimeJobs:
    """Submits sampler jobs for one backend through the ledger.

    Parameters
    ----------
    spec : BackendSpec
        A ``fake:`` or ``ibm:`` backend.
    backend : Backend
        From ``runtime_backend``.
    ledger : Ledger, optional
        Default: ``Ledger()`` (``$QLIMITS_LEDGER`` or ``~/.qlimits/ledger.db``).
    results_dir : path, optional
        Where result NPZ files go (default: ``results`` beside the ledger).
    options : dict, optional
        Sampler options passed through (error suppression, twirling, ...).
    service : optional
        The runtime service; by default the runner makes one (``get_service``) when it
        has an in-flight ``ibm:`` job of an earlier process to fetch.
    wait_timeout : float, optional
        How long to wait for the same work in flight in another live process before giving
        up with a ``JobError`` (default: as long as it takes).
    poll_seconds : float, default=0.2
        First interval between looks at such a job's row (growing by 1.5x up to 10 s).
    max_circuits_per_job : int, optional
        Circuits (parameter rows) per job; default ``job_limits.DEFAULT_MAX_CIRCUITS``.
        Work past any limit of ``qml.hardware.job_limits.JobLimits`` is split into jobs.
    """

    def __init__(self, spec: BackendSpec, backend, ledger: Ledger | None = None,
                 results_dir=None, options: dict | None = None, service=None,
                 base_delay: float = 1.0, wait_timeout: float | None = None,
                 poll_seconds: float = 0.2, max_circuits_per_job: int | None = None):
        self.spec, self.backend, self.options, self.service = spec, backend, options, service
        self.wait_timeout, self.poll_seconds = wait_timeout, poll_seconds
        self.limits = JobLimits.with_override(max_circuits_per_job)
        self._sleep = time.sleep
        self.ledger = ledger if ledger is not None else Ledger()
        if results_dir is not None:
            self.ledger.results_dir = Path(results_dir)
        self.results_dir = self.ledger.results_dir
        self.base_delay = base_delay
        self.mode = backend  # a Session or Batch once open_mode() succeeds
        self.execution_mode, self.session_id = "job", None

    def open_mode(self, kind: str) -> None:
        """Send later jobs in a runtime ``Session`` (``"session"``), a ``Batch``
        (``"batch"``) or one by one (``"job"``): ``qml.hardware.modes.open_mode``, which
        rejoins on ``ibm:`` the batch or session the ledger last recorded while the runtime
        keeps it open. Every job's row records the mode it was sent in."""
        def service():
            if self.service is None:
                self.service = get_service(self.spec.instance)
            return self.service

        self.mode, self.execution_mode, self.session_id = open_mode(
            self.spec, self.backend, kind, self.ledger, service)

    def transpile(self, circuits, optimization_level: int = 1, seed: int | None = None,
                  initial_layout=None):
        """ISA circuits for the backend, validated against its target (``transpile_for``)."""
        return transpile_for(self.spec, self.backend, circuits, optimization_level, seed,
                             initial_layout)

    def circuits_per_job(self, isa_circuits, shots: int) -> int:
        """The most circuits (parameter rows) of ``isa_circuits`` one job holds at ``shots``
        (``JobLimits.circuits_per_job``): what callers size their blocks by."""
        return self.limits.circuits_per_job(isa_circuits, shots)

    def run(self, isa_circuits, values_list, shots: int, kind: str,
            seed: int | None = None) -> list:
        """Run pubs ``(circuit, values)``; returns one BitArray per pub. Work past the job
        limits (``self.limits``) goes out as several jobs, each its own ledger row, cut
        between parameter rows; the pieces are joined back in order.

        ``seed`` seeds the local simulator of a ``fake:`` backend (ignored on hardware).
        """
        per_job = self.circuits_per_job(isa_circuits, shots)  # refused here, not after the queue
        values_list = [None if v is None or not np.size(v) else np.asarray(v, dtype=float)
                       for v in values_list]
        rows = [1 if v is None or v.ndim < 2 else int(np.prod(v.shape[:-1]))
                for v in values_list]
        options = dict(self.options or {})
        if self.spec.kind == "fake" and seed is not None:  # hardware ignores a seed
            options["simulator"] = {**options.get("simulator", {}), "seed_simulator": seed}
        jobs = split(rows, per_job)
        if len(jobs) > 1:
            logger.info("%s: %d circuits go out as %d jobs (at most %d a job)", kind,
                        sum(rows), len(jobs), per_job)
        parts = [[] for _ in isa_circuits]
        for job in jobs:
            values = [_rows(values_list[p], a, b, rows[p]) for p, a, b in job]
            bits = self._run_job([isa_circuits[p] for p, _, _ in job], values, shots, kind,
                                 options)
            for (p, _, _), b in zip(job, bits):
                parts[p].append(b)
        return [_joined(pieces, values_list[p]) for p, pieces in enumerate(parts)]

    def _run_job(self, isa_circuits, values_list, shots: int, kind: str, options) -> list:
        """One job of pubs ``(circuit, values)`` through the ledger: a stored result reused,
        an in-flight one fetched or waited for, or a new job submitted."""
        pubs = [(c, v) if v is not None else (c,) for c, v in zip(isa_circuits, values_list)]
        payload = payload_hash(isa_circuits, np.concatenate(
            [np.ravel(v) for v in values_list if v is not None] or [np.zeros(0)]), shots,
            options)  # a reuse must be the same computation: the seed and options included
        started, polls = time.monotonic(), 0
        while True:
            claim = self.ledger.claim(kind, self.spec.text, payload)
            record = claim.record
            if claim.action == "reuse":
                bits = self._read(record, payload)
                if bits is not None:
                    return bits
            elif claim.action == "fetch":
                return self._fetch(record, payload)
            elif claim.action == "submit":
                return self._submit(record.id, pubs, shots, options, payload)
            else:  # another live process has this very work in flight: wait for its result
                waited = time.monotonic() - started
                if polls == 0:
                    logger.info("ledger row %d: the same %s job is in flight in process %s "
                                "(%s); waiting for its result instead of submitting it again",
                                record.id, kind, record.owner,
                                f"job {record.job_id}" if record.job_id else "being submitted")
                if self.wait_timeout is not None and waited > self.wait_timeout:
                    raise JobError(
                        f"ledger row {record.id}: the same job is still in flight in process "
                        f"{record.owner} after {waited:.0f} s; rerun when it has finished, or "
                        "stop that process (its claim is then taken over)", record.job_id)
                self._sleep(min(self.poll_seconds * 1.5**polls, 10.0))
                polls += 1

    def _submit(self, row: int, pubs, shots: int, options: dict, payload: str) -> list:
        hold(row)
        try:
            tag = f"qlimits-{self.ledger.id}-{row}"
            if self.spec.kind == "ibm":  # lets a retry find a job the runtime accepted
                environment = dict(options.get("environment") or {})
                environment["job_tags"] = [*environment.get("job_tags", []), tag]
                options = {**options, "environment": environment}
            tries = []

            def send():
                job = self._accepted(tag, row) if tries else None
                tries.append(1)
                return job or _make_sampler(self.mode, options).run(pubs, shots=shots)

            try:
                job = retry(send, base_delay=self.base_delay,
                            what=f"submitting ledger row {row} to {self.spec.text}")
            except Exception as exc:  # noqa: BLE001 - recorded in the ledger, re-raised typed
                self.ledger.update(row, "failed", error=f"{type(exc).__name__}: {exc}")
                logger.warning("ledger row %d: submission to %s failed (%s: %s)", row,
                               self.spec.text, type(exc).__name__, exc)
                raise _permanent(exc, None) from exc
            job_id = job.job_id()
            self.ledger.update(row, "submitted", job_id=job_id, mode=self.execution_mode,
                               session_id=self.session_id)
            logger.info("ledger row %d: submitted as job %s on %s", row, job_id, self.spec.text)
            return self.collect(row, job, job_id, payload)
        except KeyboardInterrupt:
            self._interrupted(row)
            raise
        finally:
            release(row)

    def _accepted(self, tag: str, row: int):
        """After a failed submission to ``ibm:``: the job the runtime accepted with ``tag``
        all the same (the answer lost on the way back), or None. Local runs have none."""
        if self.spec.kind != "ibm":
            return None
        if self.service is None:
            self.service = get_service(self.spec.instance)
        found = list(self.service.jobs(job_tags=[tag], limit=1))
        if found:
            logger.warning("ledger row %d: the failed submission reached IBM as job %s; "
                           "fetching it instead of sending it again", row, found[0].job_id())
        return found[0] if found else None

    def _interrupted(self, row: int) -> None:
        """Ctrl-C while this process works on a row: a row still ``pending`` (never sent),
        or a local job that dies with this process, is marked ``interrupted``; an ``ibm:``
        job already submitted stays ``submitted`` and the next run fetches it."""
        record = self.ledger.get(row)
        if record is None or record.status not in ("pending", "submitted"):
            return
        if record.status == "submitted" and self.spec.kind == "ibm":
            return
        self.ledger.update(row, "interrupted", error="interrupted before submission"
                           if record.status == "pending" else "interrupted while running")

    def _fetch(self, record, payload: str | None = None) -> list:
        """The result of an in-flight ``ibm:`` job submitted earlier (by a process now gone)."""
        hold(record.id)
        try:
            logger.info("ledger row %d: job %s is in flight; fetching it instead of "
                        "resubmitting", record.id, record.job_id)
            if self.service is None:  # the public paths hold none: make it where it is needed
                self.service = get_service(self.spec.instance)
            job = retry(lambda: self.service.job(record.job_id), base_delay=self.base_delay,
                        what=f"fetching job {record.job_id} (ledger row {record.id})")
            return self.collect(record.id, job, record.job_id, payload)
        except KeyboardInterrupt:
            self._interrupted(record.id)
            raise
        finally:
            release(record.id)

    def _read(self, record, payload: str) -> list | None:
        """The stored result of a finished row; a damaged file is set aside (never deleted,
        never over another file, and only inside the results folder), its row marked failed,
        and None returned so that the work is claimed again."""
        from qiskit.primitives import BitArray

        path = self.ledger.result_file(record)
        if path is None:
            why = (f"its result path {record.result_path!r} is missing, not in the results "
                   f"folder {self.results_dir} or of another ledger")
            self.ledger.update(record.id, "failed", error=why)
            warnings.warn(f"ledger row {record.id}: {why}; the path is not touched and the job "
                          "runs again", UserWarning, stacklevel=3)
            return None
        logger.info("ledger row %d: same work done before (job %s); result read from %s, "
                    "nothing submitted", record.id, record.job_id, path)
        try:
            return [BitArray(bits, n) for bits, n in load_result(
                path, self._stamp(record.id, payload))]
        except ResultFileError as exc:
            aside = self.ledger.set_aside(path)
            self.ledger.update(record.id, "failed", error=f"result file unusable: {exc}")
            warnings.warn(f"{exc}; {f'moved to {aside} and ' if aside else ''}running the job "
                          "again", UserWarning, stacklevel=3)
            return None

    def _stamp(self, row: int, payload: str | None) -> dict:
        """What a result file says it belongs to: this ledger, the row, the work."""
        if payload is None:
            record = self.ledger.get(row)
            payload = record.payload_hash if record is not None else None
        return {"ledger": self.ledger.id, "row": int(row), "payload": payload}

    def collect(self, row: int, job, job_id: str, payload: str | None = None) -> list:
        """Wait for a submitted job, store its result (NPZ, stamped with the ledger, row and
        ``payload``) and mark the ledger row done."""
        try:  # Ctrl-C here: the callers mark the row (_interrupted)
            result = retry(job.result, base_delay=self.base_delay,
                           what=f"waiting for job {job_id} (ledger row {row})")
        except Exception as exc:  # noqa: BLE001 - recorded in the ledger, then re-raised typed
            status = _status(job)
            self.ledger.update(row, "cancelled" if status == "CANCELLED" else "failed",
                               error=f"{type(exc).__name__}: {exc}")
            logger.warning("ledger row %d: job %s %s (%s: %s)", row, job_id,
                           "was cancelled" if status == "CANCELLED" else "failed",
                           type(exc).__name__, exc)
            raise _permanent(exc, job_id, status) from exc
        bits = [r.data.meas for r in result]
        arrays = {f"pub{i}": b.array for i, b in enumerate(bits)}
        arrays.update({f"pub{i}_bits": np.array(b.num_bits) for i, b in enumerate(bits)})
        path = save_result(self.results_dir, row, arrays, name=self.ledger.result_name(row),
                           stamp=self._stamp(row, payload))  # on disk before anything else
        self.ledger.update(row, "done", result_path=path.name)
        return bits


def _status(job) -> str | None:
    try:
        status = job.status()
    except Exception:  # noqa: BLE001 - the status is only used to pick an error type
        return None
    return getattr(status, "name", str(status)).upper()


def _permanent(exc: BaseException, job_id: str | None, status: str | None = None):
    """Map a runtime exception to qlimits' distinct permanent error types."""
    text = f"{type(exc).__name__}: {exc}"
    name = type(exc).__name__
    if status == "CANCELLED" or "cancel" in text.lower():
        return JobCancelledError(f"job cancelled ({text}).", job_id)
    if "ISA" in text or "not supported" in text or name == "IBMInputValueError":
        return InvalidCircuitError(f"the backend rejected the circuits ({text}).", job_id)
    if "not operational" in text.lower() or "offline" in text.lower():
        return BackendOfflineError(f"backend offline ({text}).", job_id)
    if name in ("IBMNotAuthorizedError", "IBMAccountError") or "401" in text or "403" in text:
        return CredentialsError(f"the service refused the credentials ({name}). "
                                f"{CREDENTIALS_HELP}")
    return JobError(f"job failed ({text}).", job_id)


def _rows(values, start: int, end: int, n: int):
    """A job's piece of a pub's parameter values: the array itself when it is whole."""
    if values is None or (start, end) == (0, n):
        return values
    return values.reshape(-1, values.shape[-1])[start:end]


def _joined(pieces: list, values):
    """A pub's BitArray from its pieces, in the shape its parameter values give."""
    if len(pieces) == 1:
        return pieces[0]
    from qiskit.primitives import BitArray

    return BitArray.concatenate(pieces, axis=0).reshape(values.shape[:-1])
