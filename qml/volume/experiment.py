"""The quantum-volume experiment: what to run at each width, in which order, and when to stop.

For every width: the model circuits (``circuits.quantum_volume``, seeded as
qiskit-experiments seeds them), their ideal distributions (``qml.volume.ideal``), a run on the
backend (``qml.volume.runners``), and the analysis (``qml.volume.analysis``) into a
``WidthResult``; the sweep is a ``QuantumVolumeResult``.

The trials of a width run in batches of ``TRIAL_BATCH``; every batch is one task, with its own
simulator seed drawn from ``(seed, width, batch)`` before anything runs. In this process the
batches run one after the other; with ``scheduler=`` (``qml.distributed``) they run on Dask
workers, several sweeps (``measure_devices``) at once, with the same HOPs either way. A
finished width is written to ``checkpoint`` as it completes, so ``resume=True`` continues a
sweep that was stopped.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from circuits.quantum_volume import model_circuits
from qml.distributed import check_scheduler, connect, worker_threads
from qml.engine.memory import check_state_memory
from qml.errors import ConfigurationError, ResultFileError
from qml.files import check_output_file
from qml.validation import LIMITS, check_count
from qml.volume.analysis import bootstrap_lower_bound, heavy_output_probabilities, heavy_outputs
from qml.volume.ideal import ideal_probabilities
from qml.volume.qpu_cost import runner_estimate
from qml.volume.results import QuantumVolumeResult, WidthResult
from qml.volume.runners import HardwareRunner, check_widths, make_runner

__all__ = ["measure_quantum_volume", "measure_devices", "estimate_quantum_volume",
           "TRIAL_BATCH", "MAX_WIDTH", "check_arguments", "check_widths"]

logger = logging.getLogger(__name__)


MAX_WIDTH = LIMITS["qv_width"]


def check_arguments(widths: Sequence[int], trials: int, shots: int | None,
                    qubits: Sequence[int] | None, seed=None) -> None:
    """Refuse, before any work, arguments no sweep can use: widths outside 2 to
    ``MAX_WIDTH`` (no computer holds the ideal distribution of a wider circuit), trials,
    shots and seeds that are not positive integers within bounds, repeated qubits."""
    if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)
                             or seed < 0):
        raise ConfigurationError(f"seed must be a non-negative integer or None; got {seed!r}")
    if not widths:
        raise ConfigurationError("give at least one width")
    for w in widths:
        if not isinstance(w, (int, np.integer)) or isinstance(w, bool) or w < 2:
            raise ConfigurationError(f"widths must be integers >= 2; got {w!r}")
        if w > MAX_WIDTH:
            raise ConfigurationError(
                f"width {w}: quantum volume needs the exact ideal distribution of every model "
                f"circuit, 2**{w} probabilities; widths are at most {MAX_WIDTH}")
    if len(set(int(w) for w in widths)) != len(widths):
        warnings.warn(f"widths {list(widths)} repeat a width: each is measured again, with new "
                      "circuits, and reported twice", UserWarning, stacklevel=3)
    if qubits is not None and len(set(qubits)) != len(qubits):
        raise ConfigurationError(f"qubits {list(qubits)} repeat a qubit; give each once")
    check_count("trials", trials)
    check_count("shots", shots, allow_none=True)
    if qubits is not None:
        for w in widths:
            if w > len(qubits):
                raise ConfigurationError(f"width {w} needs {w} qubits; {len(qubits)} were given")


TRIAL_BATCH = 25  # trials per task; fixed, so that no seed depends on the number of workers


def measure_quantum_volume(backend, widths: Sequence[int], trials: int = 100,
                           shots: int | None = None, seed: int | None = None,
                           qubits: Sequence[int] | None = None, optimization_level: int = 3,
                           early_stop: bool = False,
                           progress: Callable[[WidthResult], object] | None = None,
                           bootstrap: bool = False, method: str = "auto",
                           max_qpu_seconds: float | None = None, *, scheduler=None,
                           checkpoint=None, resume: bool = False,
                           task_progress: Callable[[int, int], object] | None = None,
                           execution_mode: str | None = None,
                           max_circuits_per_job: int | None = None) -> QuantumVolumeResult:
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
        Drives circuits (as qiskit-experiments does), transpiler and simulator: the simulator
        seed of every batch of ``TRIAL_BATCH`` trials comes from ``(seed, width, batch)``.
    qubits : sequence of int, optional
        Physical qubits to use on a device (the first ``n`` for width ``n``); by default the
        best connected set found by ``select_qubits``. Refused off a device.
    optimization_level : int, default=3
        Preset pass manager level of the device (or custom simulator) transpilation.
    early_stop : bool, default=False
        Stop after the first width that fails with a verdict (on a cluster, the tasks of the
        widths after it are cancelled; the result is the same).
    progress : callable, optional
        Called with each ``WidthResult`` as it is finished, in the order of ``widths``.
    bootstrap : bool, default=False
        Also report the bootstrap lower bound of Baldwin et al. (2022) per width
        (``WidthResult.bootstrap_lower_bound``); the verdict stays the Cross et al. one.
    method : {"auto", "aer"}, default="auto"
        How ``aer:<fake backend>`` runs are simulated. ``"auto"``: the exact output
        distribution of every trial under the device noise (``qml.engine.pauli_transfer``, density
        matrices in the Pauli basis; Aer if a circuit is beyond it), then ``shots`` samples from it.
        ``"aer"``: Aer's simulator with the device noise model. Both are the same
        density-matrix mathematics; ``"auto"`` is several times faster on many small circuits.
    max_qpu_seconds : float, optional
        On ``fake:``/``ibm:`` backends: estimate the sweep's QPU usage first
        (``estimate_quantum_volume``) and refuse, before anything is submitted, when it is
        over this many seconds. Refused on other backends.
    scheduler : None, str or dask.distributed.Client, optional
        Where the batches run (``qml.distributed``): in this process (None), on a
        ``LocalCluster`` (``"local"``, ``"local:N"``), or on a running cluster (an address or
        a ``Client``). Refused for ``fake:``/``ibm:``, whose jobs stay with this process's
        ledger.
    checkpoint : path, optional
        A ``qlimits.quantum_volume`` JSON file, rewritten (atomically) as every width
        finishes, with ``complete: false`` until the sweep ends.
    resume : bool, default=False
        Continue from ``checkpoint``: its finished widths are kept and only the others run.
        The file must come from the same backend, seed, shots, trials, method, level and
        qubits (else a ``ConfigurationError`` says what differs).
    task_progress : callable, optional
        ``task_progress(done, total)`` after every finished batch (progress bars).
    execution_mode : {None, "job", "batch", "session"}, optional
        On ``fake:``/``ibm:``: how the widths' jobs go out (``qml.hardware.modes``; None: a
        runtime ``Batch``, the widths being independent). Refused elsewhere.
    max_circuits_per_job : int, optional
        On ``fake:``/``ibm:``: a width's circuits per job (``qml.hardware.job_limits``).

    Returns
    -------
    QuantumVolumeResult

    Examples
    --------
    >>> res = measure_quantum_volume("statevector", widths=[2, 3], trials=100, seed=1)
    >>> res.quantum_volume, [w.passed for w in res.widths]
    (8, [True, True])
    """
    sweep = _sweep(backend, widths, trials, shots, seed, qubits, optimization_level,
                   early_stop, progress, bootstrap, method, max_qpu_seconds, scheduler,
                   checkpoint, resume, execution_mode, max_circuits_per_job)
    _run_sweeps([sweep], scheduler, task_progress)
    return sweep.result()


def measure_devices(devices: Sequence[str], widths: Sequence[int], trials: int = 100,
                    shots: int | None = None, seed: int | None = None,
                    optimization_level: int = 3, early_stop: bool = False,
                    bootstrap: bool = False, method: str = "auto", *, scheduler=None,
                    checkpoint_dir=None, resume: bool = False,
                    progress: Callable[[str, WidthResult], object] | None = None,
                    task_progress: Callable[[int, int], object] | None = None,
                    ) -> dict[str, QuantumVolumeResult]:
    """Quantum volume of several fake devices, simulated under their noise
    (``aer:<device>``), as one sweep per device; with ``scheduler=`` the batches of every
    device and width are tasks of one cluster run.

    Parameters
    ----------
    devices : sequence of str
        Fake device names (``"fake_lima"``); every name is checked before any work.
    widths, trials, shots, seed, optimization_level, early_stop, bootstrap, method
        As ``measure_quantum_volume``, for every device (one seed for all).
    scheduler : None, str or Client
        As ``measure_quantum_volume``.
    checkpoint_dir : path, optional
        Each device's sweep is written to ``<checkpoint_dir>/<device>.json`` as its widths
        finish; ``resume=True`` continues from those files.
    progress : callable, optional
        ``progress(device, width_result)`` as each width of each device finishes.
    task_progress : callable, optional
        ``task_progress(done, total)`` after every finished batch.

    Returns
    -------
    dict of str to QuantumVolumeResult
        By device name, in the order given.

    Examples
    --------
    >>> res = measure_devices(["fake_lima"], [2], trials=100, seed=1)
    >>> res["fake_lima"].widths[0].passed
    True
    """
    from qml.backends import fake_backend

    if isinstance(devices, str) or not devices:
        raise ConfigurationError("devices must be a non-empty list of fake device names")
    for name in devices:
        fake_backend(name)  # every name checked before any work
    folder = None if checkpoint_dir is None else Path(checkpoint_dir)
    sweeps = {}
    for name in devices:
        report = None if progress is None else (lambda w, name=name: progress(name, w))
        sweeps[name] = _sweep(f"aer:{name}", widths, trials, shots, seed, None,
                              optimization_level, early_stop, report, bootstrap, method, None,
                              scheduler, None if folder is None else folder / f"{name}.json",
                              resume)
    _run_sweeps(list(sweeps.values()), scheduler, task_progress)
    return {name: sweep.result() for name, sweep in sweeps.items()}


def _sweep(backend, widths, trials, shots, seed, qubits, optimization_level, early_stop,
           progress, bootstrap, method, max_qpu_seconds, scheduler, checkpoint, resume,
           execution_mode=None, max_circuits_per_job=None):
    """A sweep checked, planned and (when resuming) loaded, before any work starts."""
    check_arguments(widths, trials, shots, qubits, seed)
    check_scheduler(scheduler)
    runner = make_runner(backend, shots, seed, optimization_level, qubits, method,
                         execution_mode, max_circuits_per_job)
    check_widths(runner, widths)
    if isinstance(runner, HardwareRunner) and scheduler is not None:
        raise ConfigurationError(
            f"{runner.name} jobs are submitted from this process through its job ledger, so "
            "that credentials and ledger writes stay here: leave the scheduler out")
    if max_qpu_seconds is not None:
        if not isinstance(runner, HardwareRunner):
            raise ConfigurationError(f"max_qpu_seconds limits QPU usage on fake: and ibm: "
                                     f"backends; {runner.name!r} uses no QPU: leave it out")
        runner_estimate(runner, widths, trials, seed).check_limit(max_qpu_seconds)
    if resume and checkpoint is None:
        raise ConfigurationError("resume=True continues from a checkpoint file: give "
                                 "checkpoint= as well")
    if checkpoint is not None:  # a file there that is not a QV result is never overwritten
        check_output_file(Path(checkpoint), "quantum-volume result", QuantumVolumeResult.load)
    runner.choose_qubits(widths)  # bad or disconnected qubits: refused before any work
    check_state_memory(max(widths), advice="Quantum volume needs the exact ideal "
                       "distribution of every model circuit; choose smaller widths.")
    settings = {"trials": int(trials), "method": method,
                "optimization_level": int(optimization_level),
                "qubits": None if qubits is None else [int(q) for q in qubits],
                "bootstrap": bool(bootstrap)}
    sweep = _Sweep(runner, [int(w) for w in widths], int(trials), seed, settings,
                   early_stop, bootstrap, progress,
                   None if checkpoint is None else Path(checkpoint))
    if resume:
        sweep.load_checkpoint()
    return sweep


def _run_sweeps(sweeps: list, scheduler, task_progress) -> None:
    """Run the batches of every sweep: in this process, or as tasks on a Dask cluster."""
    with connect(scheduler) as executor:
        owner = {}
        for sweep in sweeps:
            for future in sweep.submit(executor):
                owner[id(future)] = sweep
        total, done = len(owner), 0
        if task_progress is not None:
            task_progress(0, total)
        for future in executor.completed([f for s in sweeps for f in s.futures]):
            sweep = owner[id(future)]
            sweep.finished(future, executor)
            done += 1
            if task_progress is not None:
                task_progress(done, total)
            if all(s.stopped for s in sweeps):
                break


class _Sweep:
    """One sweep's plan (widths, batches, seeds), its tasks, and the widths finished so
    far, reported and written in the order of ``widths``."""

    def __init__(self, runner, widths, trials, seed, settings, early_stop, bootstrap,
                 progress, checkpoint):
        self.runner, self.widths, self.trials, self.seed = runner, widths, trials, seed
        self.early_stop, self.bootstrap = early_stop, bootstrap
        self.progress, self.checkpoint = progress, checkpoint
        self.entropy = seed if seed is not None else np.random.SeedSequence().entropy
        self.settings = {**settings, "entropy": str(self.entropy)}
        self.results: list[WidthResult | None] = [None] * len(widths)
        self.reported = 0
        self.stopped = False
        self.futures: list = []
        self._pending: dict[int, tuple[int, int]] = {}  # future id -> (width index, batch)
        self._parts: dict[int, dict[int, tuple]] = {}

    # ---------------------------------------------------------------- plan
    def _occurrence(self, index: int) -> int:
        return self.widths[:index].count(self.widths[index])

    def batches(self, index: int) -> list[tuple[int, int, int]]:
        """``(start, stop, simulator seed)`` of every batch of width ``widths[index]``; a
        runtime backend runs each width as one job."""
        size = self.trials if isinstance(self.runner, HardwareRunner) else TRIAL_BATCH
        width, occurrence = self.widths[index], self._occurrence(index)
        out = []
        for b, start in enumerate(range(0, self.trials, size)):
            sequence = np.random.SeedSequence([int(self.entropy), width, occurrence, b])
            out.append((start, min(start + size, self.trials),
                        int(sequence.generate_state(1)[0])))
        return out

    def submit(self, executor) -> list:
        """Submit the batches of every width not yet finished; returns their futures."""
        todo = [i for i, r in enumerate(self.results) if r is None]
        if todo:
            logger.info("quantum volume on %s: widths %s, %d trials, %s shots, seed %s",
                        self.runner.name, [self.widths[i] for i in todo], self.trials,
                        self.runner.shots, self.seed)
            runner = executor.submit(_prepared, self.runner,
                                     sorted({self.widths[i] for i in todo}))
            circuit_seed = self.entropy
            for i in todo:
                self._parts[i] = {}
                for b, (start, stop, seed) in enumerate(self.batches(i)):
                    future = executor.submit(_run_batch, runner, self.widths[i], self.trials,
                                             circuit_seed, start, stop, seed)
                    self._pending[id(future)] = (i, b)
                    self.futures.append(future)
        self._advance(executor)  # widths kept from a checkpoint are reported first
        return self.futures

    # -------------------------------------------------------------- results
    def finished(self, future, executor) -> None:
        """Take one finished batch; report the widths it completes."""
        i, b = self._pending.pop(id(future))
        if self.stopped or self.results[i] is not None:
            return
        self._parts[i][b] = future.result()
        if len(self._parts[i]) == len(self.batches(i)):
            self.results[i] = self._width_result(i)
            self._advance(executor)

    def _width_result(self, index: int) -> WidthResult:
        by_batch = self._parts.pop(index)
        parts = [by_batch[b] for b in range(len(by_batch))]
        hops = np.concatenate([p[0] for p in parts])
        seconds: dict[str, float] = {}
        for p in parts:
            for stage, value in p[1].items():
                seconds[stage] = seconds.get(stage, 0.0) + value
        width = self.widths[index]
        result = WidthResult.from_hops(width, hops, self.runner.shots,
                                       physical_qubits=parts[0][2], seconds=seconds)
        if self.bootstrap:
            result.bootstrap_lower_bound = bootstrap_lower_bound(hops, self.runner.shots,
                                                                 seed=self.seed)
        logger.info("width %d: mean HOP %.4f ± %.4f, %s (%.2f s of tasks, %s)", width,
                    result.mean_hop, result.sigma, result.verdict, sum(seconds.values()),
                    self.runner.name)
        return result

    def _advance(self, executor) -> None:
        """Report finished widths in order; stop early after a certified failure."""
        while not self.stopped and self.reported < len(self.widths):
            result = self.results[self.reported]
            if result is None:
                return
            self.reported += 1
            if self.reported == len(self.widths) or (
                    self.early_stop and result.certified and not result.passed):
                if self.reported < len(self.widths):
                    logger.info("%s: width %d failed: stopping early", self.runner.name,
                                result.width)
                self._stop(executor)  # writes the checkpoint, complete
            else:
                self.write_checkpoint()
            if self.progress is not None:
                self.progress(result)

    def _stop(self, executor) -> None:
        self.stopped = True
        executor.cancel([f for f in self.futures if id(f) in self._pending])
        self.write_checkpoint()

    def result(self) -> QuantumVolumeResult:
        """The widths reported so far (all of them once the sweep has run)."""
        done = list(self.results[:self.reported])
        return QuantumVolumeResult(self.runner.name, self.seed, self.runner.shots, done,
                                   settings=self.settings, complete=self.stopped)

    # ----------------------------------------------------------- checkpoint
    def write_checkpoint(self) -> None:
        if self.checkpoint is not None:
            self.result().save(self.checkpoint)

    def load_checkpoint(self) -> None:
        """Keep the widths of a checkpoint of the same sweep (an absent file: none)."""
        if not self.checkpoint.exists():
            logger.info("%s does not exist yet: nothing to resume", self.checkpoint)
            return
        saved = QuantumVolumeResult.load(self.checkpoint)
        mine = {"backend": self.runner.name, "seed": self.seed, "shots": self.runner.shots,
                **{k: v for k, v in self.settings.items() if k != "entropy"}}
        theirs = {"backend": saved.backend, "seed": saved.seed, "shots": saved.shots,
                  **(saved.settings or {})}
        differ = [f"{k} {theirs.get(k)!r} (now {v!r})" for k, v in mine.items()
                  if theirs.get(k) != v]
        if differ:
            raise ConfigurationError(
                f"cannot resume from {self.checkpoint}: it was measured with "
                f"{', '.join(differ)}; use the same settings, or another output")
        if self.seed is None:
            try:
                self.entropy = int(saved.settings["entropy"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ResultFileError(f"{self.checkpoint}: no usable 'entropy' setting to "
                                      "resume an unseeded sweep") from exc
            self.settings["entropy"] = str(self.entropy)
        kept = {}
        for w in saved.widths:
            kept.setdefault(w.width, []).append(w)
        for i, width in enumerate(self.widths):
            if kept.get(width):
                self.results[i] = kept[width].pop(0)
        logger.info("resuming from %s: widths %s already measured", self.checkpoint,
                    [w.width for w in saved.widths])


def _prepared(runner, widths):
    """The runner, prepared for the widths (qubits chosen, device errors derived)."""
    runner.prepare(widths)
    return runner


def _run_batch(runner, width: int, trials: int, circuit_seed, start: int, stop: int,
               seed: int):
    """One task: trials ``start:stop`` of a width (circuits, ideal distributions, the run,
    the HOPs). Returns ``(hops, seconds by stage, physical qubits)``."""
    runner.threads = worker_threads()
    t0 = time.perf_counter()
    circuits = model_circuits(width, trials, circuit_seed)[start:stop]
    ideal = ideal_probabilities(circuits)
    t1 = time.perf_counter()
    run = runner.run(circuits, ideal, width, seed)
    t2 = time.perf_counter()
    hops = heavy_output_probabilities(run.counts, heavy_outputs(ideal))
    seconds = {"ideal": t1 - t0, **run.seconds, "analysis": time.perf_counter() - t2}
    return hops, seconds, run.physical_qubits


def estimate_quantum_volume(backend: str, widths: Sequence[int], trials: int = 100,
                            shots: int | None = None, seed: int | None = None,
                            qubits: Sequence[int] | None = None, optimization_level: int = 3,
                            *, job_overhead: float | None = None,
                            usd_per_second: float | None = None,
                            execution_mode: str | None = None,
                            max_circuits_per_job: int | None = None):
    """What ``measure_quantum_volume`` would cost on a ``fake:`` or ``ibm:`` backend, before
    anything is sent: one job per width of ``trials`` circuits, each transpiled exactly as the
    run would transpile it (same seed, same qubits), priced by ``qml.hardware.pricing``. Nothing is
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
    check_arguments(widths, trials, shots, qubits, seed)
    runner = make_runner(backend, shots, seed, optimization_level, qubits,
                         execution_mode=execution_mode,
                         max_circuits_per_job=max_circuits_per_job)
    if not isinstance(runner, HardwareRunner):
        raise ConfigurationError(f"a QPU cost estimate needs a fake: or ibm: backend; "
                                 f"{runner.name!r} runs on this machine and uses no QPU")
    check_widths(runner, widths)
    return runner_estimate(runner, widths, trials, seed, job_overhead, usd_per_second)
