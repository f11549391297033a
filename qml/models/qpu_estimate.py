"""What training a VQC would cost on a ``fake:`` or ``ibm:`` backend, before anything is
sent: the circuit transpiled as ``fit`` would, its QPU seconds, the optimizer's jobs."""

from __future__ import annotations

from sklearn.base import clone

from qml.backends import DEFAULT_SHOTS, parse_backend
from qml.backends.dispatch import resolve
from qml.errors import ConfigurationError
from qml.hardware.mitigation import calibration_jobs
from qml.hardware.modes import BILLING

__all__ = ["QPUEstimate", "KernelQPUEstimate", "training_estimate", "kernel_estimate",
           "mode_note"]


def training_estimate(model, n_samples: int, method: str, predict_sizes=(),
                      job_overhead=None, usd_per_second=None):
    """The ``CostEstimate`` of fitting ``model`` (its circuit built, ``circuit_``) on
    ``n_samples`` samples with ``method``, and of one prediction job per
    ``predict_sizes`` entry."""
    from qml.hardware.job_limits import JobLimits
    from qml.hardware.pricing import (
        build_estimate,
        circuit_seconds,
        optimizer_jobs,
        rep_delay_seconds,
        split_groups,
    )
    from qml.hardware.runtime import transpile_for

    target = resolve(model.backend)
    spec = target.spec
    circuit = model.circuit_
    backend = target.device(circuit.num_qubits)
    measured = circuit.circuit.copy()
    measured.measure_all()
    isa = transpile_for(spec, backend, [measured], model.optimization_level, model.seed)[0]
    seconds = circuit_seconds(isa, backend.target)
    shots = DEFAULT_SHOTS if model.shots is None else int(model.shots)
    plan, bound = optimizer_jobs(method, model.maxiter, len(circuit.weights))
    per_job = JobLimits.with_override(model.max_circuits_per_job).circuits_per_job(
        [isa], shots)  # as RuntimeJobs.run splits
    groups = [g for jobs, sets in plan
              for g in split_groups("training_step", sets * n_samples, shots, seconds, per_job,
                                    repeat=jobs)]
    groups += [g for n in predict_sizes
               for g in split_groups("prediction", int(n), shots, seconds, per_job)]
    if model.mitigation == "m3":
        groups += calibration_jobs([isa], backend.target)
    notes = ["results already in the job ledger are reused at no cost; every job is "
             "counted here"]
    mode = model.execution_mode or "session"
    notes.append(f"the jobs go out in {mode} mode ({mode_note(mode)})")
    return build_estimate(spec.text, groups, rep_delay=rep_delay_seconds(
        backend, model.runtime_options), job_overhead=job_overhead,
        usd_per_second=usd_per_second, bound=bound, notes=notes)


def mode_note(mode: str) -> str:
    """How IBM bills work sent in ``mode`` (``qml.hardware.modes.BILLING``), where the
    account allows the mode."""
    return f"{BILLING[mode]}, where the account allows the mode"


class QPUEstimate:
    """Mixin of ``VQC``: ``estimate``, what ``fit`` would cost on a ``fake:`` or ``ibm:``
    backend."""

    def _prepare(self, X, y):  # the estimator's: options checked, circuit built
        raise NotImplementedError

    def estimate(self, X, y, predict_sizes=(), *, job_overhead: float | None = None,
                 usd_per_second: float | None = None):
        """What ``fit(X, y)`` would cost on a ``fake:`` or ``ibm:`` backend, before anything
        is sent: jobs, circuits, shots, QPU seconds and price (``qml.hardware.pricing``).

        The circuit is transpiled as ``fit`` would transpile it; nothing is submitted, the
        ledger is not touched, and this estimator stays as it was.

        Parameters
        ----------
        X, y : array-like
            The training data ``fit`` would get.
        predict_sizes : sequence of int, default=()
            Also count one prediction job per entry, of that many samples (``qlimits train``
            predicts its train and test sets).
        job_overhead, usd_per_second : float, optional
            Override the model's per-job overhead and the price per QPU second.

        Returns
        -------
        CostEstimate

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from qml import VQC
        >>> X, y = load_iris(return_X_y=True)
        >>> est = VQC(backend="fake:fake_lima", optimizer="spsa", maxiter=10,
        ...           seed=0).estimate(X[50:], y[50:])
        >>> est.jobs, est.circuits, est.shots
        (11, 3100, 3174400)
        """
        if not parse_backend(self.backend).runtime:
            raise ConfigurationError(
                f"a QPU cost estimate needs a fake: or ibm: backend; {self.backend!r} runs on "
                "this machine and uses no QPU")
        probe = clone(self)
        method, X, _, _ = probe._prepare(X, y)
        return probe._cost_estimate(len(X), method, predict_sizes, job_overhead,
                                    usd_per_second)

    def _cost_estimate(self, n_samples: int, method: str, predict_sizes=(),
                       job_overhead=None, usd_per_second=None):
        return training_estimate(self, n_samples, method, predict_sizes, job_overhead,
                                 usd_per_second)


def kernel_estimate(model, n_samples: int, predict_sizes=(), job_overhead=None,
                    usd_per_second=None):
    """The ``CostEstimate`` of fitting the QSVC ``model`` (input map fitted, ``n_qubits_``
    set) on ``n_samples`` samples: one compute-uncompute circuit per pair of samples -- or,
    with ``n_landmarks = m``, per pair of landmarks and per (sample, landmark) -- and one per
    sample with ``mitigation``; one job's worth per job (``qml.hardware.job_limits``: the
    model's ``max_circuits_per_job``, IBM's executions and instructions per job). A projected
    kernel runs three circuits (the X, Y and Z
    bases) per sample instead. And of one prediction per ``predict_sizes`` entry, each sample
    against every landmark, or else against every training sample (an upper bound: a
    prediction runs against the support vectors only, unknown before the fit)."""
    from circuits.feature_maps import build_feature_map
    from qml.hardware.job_limits import JobLimits
    from qml.hardware.pricing import (
        build_estimate,
        circuit_seconds,
        rep_delay_seconds,
        split_groups,
    )
    from qml.hardware.runtime import transpile_for
    from qml.models.kernel_shots import basis_circuits, pair_circuit

    target = resolve(model.backend)  # the circuits do not depend on the bandwidth
    limits = JobLimits.with_override(getattr(model, "max_circuits_per_job", None))
    feature_map = build_feature_map(model.feature_map, model.n_qubits_, model.feature_map_reps)
    shots = DEFAULT_SHOTS if model.shots is None else int(model.shots)
    m = getattr(model, "n_landmarks", None)
    nystroem = m is not None and m < n_samples
    against = m if nystroem else n_samples  # what a prediction is evaluated against
    if getattr(model, "kernel", "fidelity") == "projected":  # three bases per sample
        circuits = basis_circuits(feature_map)
        device = target.device(feature_map.num_qubits)
        isas = transpile_for(target.spec, device, circuits, 1, model.seed)
        seconds = max(circuit_seconds(isa, device.target) for isa in isas)
        per_job = 3 * (limits.circuits_per_job(isas, shots) // 3)
        states = n_samples + (2 * m if nystroem else 0)  # the landmarks' Gram matrix too
        groups = split_groups("projections", 3 * states, shots, seconds, per_job)
        for n in predict_sizes:  # the samples', and the support vectors' or landmarks'
            groups += split_groups("prediction", 3 * (int(n) + against), shots, seconds, per_job)
    else:
        pair = pair_circuit(feature_map)
        device = target.device(pair.num_qubits)
        isa = transpile_for(target.spec, device, [pair], 1, model.seed)[0]
        seconds = circuit_seconds(isa, device.target)
        per_job = limits.circuits_per_job([isa], shots)
        groups = _pair_groups(n_samples, m if nystroem else None, model.mitigation,
                              predict_sizes, shots, seconds, per_job)
        isas = [isa]
    if model.mitigation == "m3":  # the readout calibration, once
        groups += calibration_jobs(isas, device.target)
    notes = ["results already in the job ledger are reused at no cost; every job is counted "
             "here"]
    mode = getattr(model, "execution_mode", None) or "batch"
    notes.append(f"the jobs go out in {mode} mode ({mode_note(mode)})")
    if not nystroem:
        notes.insert(0, "predictions are counted against every training sample; they run "
                        "against the support vectors only, so this is an upper bound for them")
    return build_estimate(target.name, groups, rep_delay=rep_delay_seconds(device, None),
                          job_overhead=job_overhead, usd_per_second=usd_per_second,
                          bound="upper" if predict_sizes and not nystroem else "exact",
                          notes=notes)


def _pair_groups(n_samples: int, m: int | None, mitigation, predict_sizes, shots: int,
                 seconds: float, per_job: int) -> list:
    """Job groups of a fidelity kernel's compute-uncompute circuits: exact or Nyström
    (``m`` landmarks) training, the diagonal with ``mitigation``, and predictions."""
    from qml.hardware.pricing import split_groups

    if m is not None:
        groups = split_groups("landmark_gram", m * (m - 1) // 2, shots, seconds, per_job)
        groups += split_groups("kernel_training", n_samples * m, shots, seconds, per_job)
        mitigated = m + n_samples + m  # the diagonals of both evaluations
    else:
        groups = split_groups("kernel_training", n_samples * (n_samples - 1) // 2, shots,
                          seconds, per_job)
        mitigated = n_samples
    if mitigation in ("average", "split"):  # the measured diagonal (depolarising noise)
        groups += split_groups("kernel_diagonal", mitigated, shots, seconds, per_job)
    for n in predict_sizes:
        groups += split_groups("prediction", int(n) * (m or n_samples), shots, seconds, per_job)
    return groups


class KernelQPUEstimate:
    """Mixin of ``QSVC``: ``estimate``, what ``fit`` (and predictions) would cost on a
    ``fake:`` or ``ibm:`` backend, before anything is sent."""

    def _prepare(self, X, y):  # the estimator's: options checked, input map fitted
        raise NotImplementedError

    def estimate(self, X, y, predict_sizes=(), *, job_overhead: float | None = None,
                 usd_per_second: float | None = None):
        """Jobs, circuits, shots, QPU seconds and price of ``fit(X, y)`` on this model's
        ``fake:``/``ibm:`` backend: ``n (n - 1) / 2`` kernel circuits for ``n`` samples
        (``qml.models.qpu_estimate.kernel_estimate``). Nothing is submitted and this estimator
        stays as it was.

        Examples
        --------
        >>> from qml import QSVC
        >>> from qml.datasets import load_dataset
        >>> ds = load_dataset("iris", classes=[0, 1], n_features=2, seed=0)
        >>> est = QSVC(backend="fake:fake_lima", shots=100, seed=0).estimate(ds.X_train,
        ...                                                                   ds.y_train)
        >>> est.circuits == len(ds.y_train) * (len(ds.y_train) - 1) // 2
        True
        """
        if not parse_backend(self.backend).runtime:
            raise ConfigurationError(
                f"a QPU cost estimate needs a fake: or ibm: backend; {self.backend!r} runs on "
                "this machine and uses no QPU")
        probe = clone(self)
        X, _, _ = probe._prepare(X, y)
        return kernel_estimate(probe, len(X), predict_sizes, job_overhead, usd_per_second)
