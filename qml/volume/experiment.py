"""The quantum-volume experiment: what to run at each width, in which order, and when to stop.

For every width: the model circuits (``circuits.quantum_volume``, seeded as
qiskit-experiments seeds them), their ideal distributions (``qml.volume.ideal``), a run on the
backend (``qml.volume.runners``), and the analysis (``qml.volume.analysis``) into a
``WidthResult``; the sweep is a ``QuantumVolumeResult``.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from circuits.quantum_volume import model_circuits
from qml.errors import CircuitTooWideError, ConfigurationError
from qml.memory import check_state_memory
from qml.volume.analysis import bootstrap_lower_bound, heavy_output_probabilities, heavy_outputs
from qml.volume.ideal import ideal_probabilities
from qml.volume.results import QuantumVolumeResult, WidthResult
from qml.volume.runners import RuntimeRunner, make_runner

__all__ = ["measure_quantum_volume", "estimate_quantum_volume"]

logger = logging.getLogger(__name__)


def _positive_int(name: str, value) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ConfigurationError(f"{name} must be a positive integer; got {value!r}")


def _check_args(widths: Sequence[int], trials: int, shots: int | None,
                qubits: Sequence[int] | None) -> None:
    if not widths:
        raise ConfigurationError("give at least one width")
    for w in widths:
        if not isinstance(w, (int, np.integer)) or isinstance(w, bool) or w < 2:
            raise ConfigurationError(f"widths must be integers >= 2; got {w!r}")
    if len(set(int(w) for w in widths)) != len(widths):
        warnings.warn(f"widths {list(widths)} repeat a width: each is measured again, with new "
                      "circuits, and reported twice", UserWarning, stacklevel=3)
    if qubits is not None and len(set(qubits)) != len(qubits):
        raise ConfigurationError(f"qubits {list(qubits)} repeat a qubit; give each once")
    _positive_int("trials", trials)
    if shots is not None:
        _positive_int("shots", shots)
    if qubits is not None:
        for w in widths:
            if w > len(qubits):
                raise ConfigurationError(f"width {w} needs {w} qubits; {len(qubits)} were given")


def measure_quantum_volume(backend, widths: Sequence[int], trials: int = 100,
                           shots: int | None = None, seed: int | None = None,
                           qubits: Sequence[int] | None = None, optimization_level: int = 3,
                           early_stop: bool = False,
                           progress: Callable[[WidthResult], object] | None = None,
                           bootstrap: bool = False, method: str = "auto",
                           max_qpu_seconds: float | None = None) -> QuantumVolumeResult:
    """Run the quantum-volume protocol on a backend.

    Parameters
    ----------
    backend : str or AerSimulator
        ``"statevector"`` (ideal: exact HOPs, no shot noise), ``"aer"`` (noiseless shots),
        ``"aer:<fake backend>"`` (the device's noise model and coupling map),
        ``"fake:<name>"`` or ``"ibm:<name>"`` (qiskit-ibm-runtime, one ledger-recorded job per
        width, resumable); or an ``AerSimulator`` of your own, transpiled to.
    widths : sequence of int
        Circuit widths ``n >= 2`` (square circuits: depth = width).
    trials : int, default=100
        Random circuits per width; a verdict needs at least 100.
    shots : int, optional
        Shots per circuit on shot-based backends (default 1024); refused on ``statevector``.
    seed : int, optional
        Drives circuits (as qiskit-experiments does), transpiler and simulator.
    qubits : sequence of int, optional
        Physical qubits to use on a device (the first ``n`` for width ``n``); by default the
        best connected set found by ``select_qubits``. Refused off a device.
    optimization_level : int, default=3
        Preset pass manager level of the device (or custom simulator) transpilation.
    early_stop : bool, default=False
        Stop after the first width that fails with a verdict.
    progress : callable, optional
        Called with each ``WidthResult`` as it is finished.
    bootstrap : bool, default=False
        Also report the bootstrap lower bound of Baldwin et al. (2022) per width
        (``WidthResult.bootstrap_lower_bound``); the verdict stays the Cross et al. one.
    method : {"auto", "aer"}, default="auto"
        How ``aer:<fake backend>`` runs are simulated. ``"auto"``: the exact output
        distribution of every trial under the device noise (``qml.density``, density matrices
        in the Pauli basis; Aer if a circuit is beyond it), then ``shots`` samples from it.
        ``"aer"``: Aer's simulator with the device noise model. Both are the same
        density-matrix mathematics; ``"auto"`` is several times faster on many small circuits.
    max_qpu_seconds : float, optional
        On ``fake:``/``ibm:`` backends: estimate the sweep's QPU usage first
        (``estimate_quantum_volume``) and refuse, before anything is submitted, when it is
        over this many seconds. Refused on other backends.

    Returns
    -------
    QuantumVolumeResult

    Examples
    --------
    >>> res = measure_quantum_volume("statevector", widths=[2, 3], trials=100, seed=1)
    >>> res.quantum_volume, [w.passed for w in res.widths]
    (8, [True, True])
    """
    _check_args(widths, trials, shots, qubits)
    runner = make_runner(backend, shots, seed, optimization_level, qubits, method)
    _check_widths(runner, widths)
    if max_qpu_seconds is not None:
        if not isinstance(runner, RuntimeRunner):
            raise ConfigurationError(f"max_qpu_seconds limits QPU usage on fake: and ibm: "
                                     f"backends; {runner.name!r} uses no QPU: leave it out")
        _estimate(runner, widths, trials, seed).check_limit(max_qpu_seconds)
    check_state_memory(max(widths), advice="Quantum volume needs the exact ideal "
                       "distribution of every model circuit; choose smaller widths.")
    logger.info("quantum volume on %s: widths %s, %d trials, %s shots, seed %s", runner.name,
                list(widths), trials, runner.shots, seed)
    runner.prepare(widths)
    results = []
    for w in widths:
        result = _measure_width(runner, w, trials, seed, bootstrap)
        results.append(result)
        if progress is not None:
            progress(result)
        if early_stop and result.certified and not result.passed:
            logger.info("width %d failed: stopping early", w)
            break
    return QuantumVolumeResult(runner.name, seed, runner.shots, results)


def estimate_quantum_volume(backend: str, widths: Sequence[int], trials: int = 100,
                            shots: int | None = None, seed: int | None = None,
                            qubits: Sequence[int] | None = None, optimization_level: int = 3,
                            *, job_overhead: float | None = None,
                            usd_per_second: float | None = None):
    """What ``measure_quantum_volume`` would cost on a ``fake:`` or ``ibm:`` backend, before
    anything is sent: one job per width of ``trials`` circuits, each transpiled exactly as the
    run would transpile it (same seed, same qubits), priced by ``qml.qpu_cost``. Nothing is
    submitted and the ledger is not touched.

    Returns
    -------
    CostEstimate

    Examples
    --------
    >>> est = estimate_quantum_volume("fake:fake_lima", [2, 3], trials=100, seed=0)
    >>> est.jobs, est.circuits, est.shots, est.bound
    (2, 200, 204800, 'exact')
    """
    _check_args(widths, trials, shots, qubits)
    runner = make_runner(backend, shots, seed, optimization_level, qubits)
    if not isinstance(runner, RuntimeRunner):
        raise ConfigurationError(f"a QPU cost estimate needs a fake: or ibm: backend; "
                                 f"{runner.name!r} runs on this machine and uses no QPU")
    _check_widths(runner, widths)
    return _estimate(runner, widths, trials, seed, job_overhead, usd_per_second)


def _estimate(runner: RuntimeRunner, widths, trials: int, seed, job_overhead=None,
              usd_per_second=None):
    from qml.qpu_cost import JobGroup, build_estimate, circuit_seconds, rep_delay_seconds

    groups = []
    for w in widths:
        isa, _ = runner.transpiled(model_circuits(w, trials, seed), w)
        seconds = [circuit_seconds(c, runner.backend.target) for c in isa]
        groups.append(JobGroup(f"qv_width_{w}", 1, len(isa), runner.shots,
                               float(np.mean(seconds))))
    notes = ["widths whose results are already in the job ledger are reused at no cost; "
             "every width is counted here"]
    return build_estimate(runner.name, groups, rep_delay=rep_delay_seconds(runner.backend),
                          job_overhead=job_overhead, usd_per_second=usd_per_second,
                          notes=notes)


def _check_widths(runner, widths) -> None:
    for w in widths:
        if runner.max_width is not None and w > runner.max_width:
            raise CircuitTooWideError(f"width {w} exceeds the {runner.max_width} qubits of "
                                      f"{runner.name}")


def _measure_width(runner, width: int, trials: int, seed: int | None,
                   bootstrap: bool) -> WidthResult:
    t0 = time.perf_counter()
    circuits = model_circuits(width, trials, seed)
    ideal = ideal_probabilities(circuits)
    t1 = time.perf_counter()
    run = runner.run(circuits, ideal, width)
    t2 = time.perf_counter()
    hops = heavy_output_probabilities(run.counts, heavy_outputs(ideal))
    seconds = {"ideal": t1 - t0, **run.seconds, "analysis": time.perf_counter() - t2}
    result = WidthResult.from_hops(width, hops, runner.shots,
                                   physical_qubits=run.physical_qubits, seconds=seconds)
    if bootstrap:
        result.bootstrap_lower_bound = bootstrap_lower_bound(hops, runner.shots, seed=seed)
    logger.info("width %d: mean HOP %.4f ± %.4f, %s (%.2f s)", width, result.mean_hop,
                result.sigma, result.verdict, sum(seconds.values()))
    return result
