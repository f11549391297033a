"""Where the trials of one width run: one small runner per kind of backend.

Every runner takes the model circuits of a width (and their ideal distributions) and returns
a ``WidthRun``: counts per trial (or exact probabilities), the physical qubits used, and the
time each stage took. ``make_runner`` picks the runner for a backend string:

=====================  ==================  =================================================
backend                runner              what happens
=====================  ==================  =================================================
``statevector``        ``IdealRunner``     the ideal distributions themselves: exact HOPs
``aer``, a simulator   ``AerRunner``       shots on Aer (a simulator of your own is
                                           transpiled to first)
``aer:<fake>``         ``DeviceRunner``    compiled onto chosen device qubits, simulated
                                           under the device's noise on them: exact
                                           distributions from ``qml.engine.pauli_transfer``
                                           then shots, or Aer
``fake:``, ``ibm:``    ``HardwareRunner``  ISA circuits through qiskit-ibm-runtime, one
                                           ledger-recorded job per width
=====================  ==================  =================================================

A runner is given the simulator seed of every run (``qml.volume.experiment`` derives one per
batch of trials from the sweep's seed, the width and the batch), so a sweep is reproducible from
its seed alone, and the same whether its batches run here or on many Dask workers. ``threads``
caps the simulator's threads (None: every core; a Dask task sets its worker's count).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from qml.backends import DEFAULT_SHOTS, fake_backend
from qml.backends.dispatch import resolve
from qml.errors import (
    CircuitTooWideError,
    ConfigurationError,
    FallbackWarning,
    UnsupportedCircuitError,
)
from qml.hardware.job_limits import JobLimits
from qml.hardware.modes import check_mode
from qml.volume.devices import (
    check_layout,
    device_basis,
    device_errors,
    restricted_noise_model,
    select_qubits,
)

__all__ = ["WidthRun", "Runner", "IdealRunner", "AerRunner", "DeviceRunner", "HardwareRunner",
           "make_runner", "check_widths", "METHODS", "DEFAULT_LEVEL"]

logger = logging.getLogger(__name__)

METHODS = ("auto", "aer")
DEFAULT_LEVEL = 3  # preset pass manager level of QV transpilation, as qiskit-experiments'


@dataclass
class WidthRun:
    """What running one width gives: ``counts`` (trials, 2**width) of shots, or exact
    probabilities; the physical qubits used (None off a device); seconds per stage."""

    counts: np.ndarray
    physical_qubits: list[int] | None
    seconds: dict[str, float]


class Runner:
    """Base of the runners: ``shots`` (None: exact), ``max_width`` (None: no limit known),
    ``name`` (the backend as reported in results), ``threads`` (None: all cores),
    ``prepare(widths)`` once before the sweep, and ``run(circuits, ideal, width, seed)`` per
    batch of trials of a width."""

    shots: int | None = None
    max_width: int | None = None
    name: str = "runner"
    threads: int | None = None

    def choose_qubits(self, widths: Sequence[int]) -> None:
        """Choose (or check) the physical qubits of every width, before any work; cheap
        (default: nothing to choose)."""

    def prepare(self, widths: Sequence[int]) -> None:
        """Work shared by all widths, done once (default: nothing)."""

    def run(self, circuits, ideal: np.ndarray, width: int,
            seed: int) -> WidthRun:  # pragma: no cover
        """Run trials of one width with simulator seed ``seed``."""
        raise NotImplementedError


def _measured(circuits):
    for c in circuits:  # the trial circuits are the caller's to consume: measure in place
        c.measure_all()
    return circuits


def _counts_array(per_trial: Iterable[dict[int, int]], n_trials: int, width: int) -> np.ndarray:
    """Counts of every trial, indexed by the measured integer of its ``width`` qubits."""
    counts = np.zeros((n_trials, 2**width), dtype=np.int64)
    mask = 2**width - 1
    for i, trial in enumerate(per_trial):
        for value, n in trial.items():
            counts[i, value & mask] += n
    return counts


def _aer_counts(simulator, circuits, shots: int, seed: int, width: int,
                threads: int | None = None) -> np.ndarray:
    options = {} if threads is None else {"max_parallel_threads": threads}
    result = simulator.run(circuits, shots=shots, seed_simulator=seed, **options).result()
    per_trial = ({int(key.replace(" ", ""), 2): n for key, n in result.get_counts(i).items()}
                 for i in range(len(circuits)))
    return _counts_array(per_trial, len(circuits), width)


class IdealRunner(Runner):
    """``statevector``: every trial's ideal distribution stands for its counts, so the HOPs
    are exact (no shots)."""

    name = "statevector"

    def run(self, circuits, ideal: np.ndarray, width: int, seed: int = 0) -> WidthRun:
        """The ideal distributions, as they are."""
        return WidthRun(ideal, None, {"transpile": 0.0, "simulate": 0.0})


class AerRunner(Runner):
    """Shots on an Aer simulator: qlimits' noiseless ``aer`` (runs the model circuits as
    they are), or a simulator of your own (``transpile=True``: compiled to its basis first,
    e.g. a noise model's)."""

    def __init__(self, simulator, shots: int, seed: int | None, optimization_level: int = 3,
                 transpile: bool = False, name: str | None = None):
        self.simulator, self.shots, self.seed = simulator, shots, seed
        self.level, self.transpile = optimization_level, transpile
        self.name = name or getattr(simulator, "name", "aer")

    def transpiled(self, circuits, width: int):
        """The trials, measured and (if asked) transpiled to the simulator; nothing runs."""
        from qiskit import transpile

        measured = _measured(circuits)
        if self.transpile:
            measured = transpile(measured, self.simulator, optimization_level=self.level,
                                 seed_transpiler=self.seed)
        return measured, None

    def run(self, circuits, ideal: np.ndarray, width: int, seed: int) -> WidthRun:
        """Measure, transpile if asked, and sample ``shots`` per trial in one Aer run."""
        t0 = time.perf_counter()
        measured, _ = self.transpiled(circuits, width)
        t1 = time.perf_counter()
        counts = _aer_counts(self.simulator, measured, self.shots, seed, width, self.threads)
        return WidthRun(counts, None, {"transpile": t1 - t0, "simulate": time.perf_counter() - t1})


class DeviceRunner(Runner):
    """``aer:<fake device>``: the trials are compiled onto chosen physical qubits only (the device's
    coupling map reduced to them) and simulated under the device's noise on those qubits -- by
    ``qml.engine.pauli_transfer`` (exact distributions, then shots) with ``method="auto"``, or
    by Aer with the device noise model restricted to them with ``method="aer"``. Either way the
    same noise, without simulating a 27- or 127-qubit device around them."""

    def __init__(self, device, shots: int, seed: int | None, optimization_level: int = 3,
                 qubits: Sequence[int] | None = None, method: str = "auto",
                 name: str | None = None):
        self.device, self.shots, self.seed, self.level = device, shots, seed, optimization_level
        self.qubits = None if qubits is None else [int(q) for q in qubits]
        self.method = method
        self.name = name or f"aer:{device.name}"
        self.max_width = device.num_qubits
        self.layouts: dict[int, list[int]] = {}
        self.errors: tuple[list, list] = ([], [])
        self._ptms: dict = {}  # Pauli transfer matrices of device errors, by physical qubits

    def choose_qubits(self, widths: Sequence[int]) -> None:
        """The qubits of every width: ``qubits`` checked on the device, or the best
        connected set."""
        target = self.device.target
        self.layouts = {w: check_layout(target, self.qubits, w) if self.qubits
                        else select_qubits(target, w) for w in widths}

    def prepare(self, widths: Sequence[int]) -> None:
        """Derive the device errors on the qubits of all widths at once (deriving them for
        the whole device costs more than the runs)."""
        if any(w not in self.layouts for w in widths):
            self.choose_qubits(widths)
        used = sorted({q for layout in self.layouts.values() for q in layout})
        self.errors = device_errors(self.device, used)
        logger.info("%s: device errors derived on qubits %s", self.name, used)

    def run(self, circuits, ideal: np.ndarray, width: int, seed: int) -> WidthRun:
        """Compile onto the width's qubits and sample under the device noise."""
        t0 = time.perf_counter()
        isa, layout = self.transpiled(circuits, width)
        t1 = time.perf_counter()
        counts = self._counts(isa, layout, width, seed)
        return WidthRun(counts, layout,
                        {"transpile": t1 - t0, "simulate": time.perf_counter() - t1})

    def transpiled(self, circuits, width: int):
        """The trials, measured and compiled onto the width's chosen qubits (relabelled
        ``0..width-1``), and those physical qubits; nothing runs."""
        from qiskit.transpiler import generate_preset_pass_manager

        measured = _measured(circuits)
        if width not in self.layouts:
            self.choose_qubits([width])
        layout = self.layouts[width]
        manager = generate_preset_pass_manager(
            self.level, basis_gates=device_basis(self.device.target),
            coupling_map=self.device.coupling_map.reduce(layout),
            initial_layout=list(range(width)), seed_transpiler=self.seed)
        return manager.run(measured), layout

    def _exact_simulator(self, layout: list[int]):
        """``qml.engine.pauli_transfer`` simulator of the device errors on ``layout``, relabelled
        ``0..width-1``; each error's transfer matrix is computed once per sweep."""
        from qml.engine.pauli_transfer import PauliTransferSimulator, channel_ptm

        gate_errors, readout_errors = self.errors
        index = {q: i for i, q in enumerate(layout)}
        local = []
        for name, qubits, error in gate_errors:
            if all(q in index for q in qubits):
                key = (name, tuple(qubits))
                if key not in self._ptms:
                    self._ptms[key] = channel_ptm(error)
                local.append((name, [index[q] for q in qubits], self._ptms[key]))
        readout = [([index[q] for q in qs], e) for qs, e in readout_errors
                   if all(q in index for q in qs)]
        return PauliTransferSimulator(local, readout)

    def _counts(self, isa, layout: list[int], width: int, seed: int) -> np.ndarray:
        if self.method == "auto":
            try:
                return self._exact_simulator(layout).sample_counts(isa, self.shots, seed)
            except UnsupportedCircuitError as exc:
                logger.info("width %d: qml.engine.pauli_transfer cannot run the trials (%s)",
                            width, exc)
                warnings.warn(f"exact noisy simulation not possible ({exc}); using Aer",
                              FallbackWarning, stacklevel=5)
        from qiskit_aer import AerSimulator

        simulator = AerSimulator(  # trials are independent: simulate them in parallel
            noise_model=restricted_noise_model(self.device, layout, self.errors),
            max_parallel_experiments=0)
        return _aer_counts(simulator, isa, self.shots, seed, width, self.threads)


class HardwareRunner(Runner):
    """``fake:<name>`` and ``ibm:<name>``: ISA circuits on the chosen qubits through
    qiskit-ibm-runtime, one job per width in batch mode where the account allows it; every job
    goes through the ledger (``qml.hardware.runtime``), so a rerun fetches instead of resubmitting.
    ``transpiled`` gives a width's ISA circuits without submitting anything (cost
    estimates); the ledger is opened by the first ``run``."""

    def __init__(self, target, shots: int, seed: int | None, optimization_level: int = 3,
                 qubits: Sequence[int] | None = None, execution_mode: str | None = None,
                 max_circuits_per_job: int | None = None):
        self.target, self.spec = target, target.spec
        self.execution_mode = execution_mode  # None: a Batch (qml.hardware.modes)
        self.max_circuits_per_job = max_circuits_per_job  # None: qml.hardware.job_limits
        self.shots, self.seed, self.level = shots, seed, optimization_level
        self.qubits = None if qubits is None else [int(q) for q in qubits]
        self.name = target.name
        self.max_width = (fake_backend(self.spec.device).num_qubits if self.spec.kind == "fake"
                          else None)
        self.backend = None
        self.jobs = None

    def transpiled(self, circuits, width: int):
        """The width's model circuits, measured and transpiled to the backend's ISA on its
        qubits, and the layout; nothing is submitted."""
        from qml.hardware.runtime import transpile_for

        if self.backend is None:
            self.backend = self.target.device(width)
        target = self.backend.target
        layout = (check_layout(target, self.qubits, width) if self.qubits
                  else select_qubits(target, width))
        isa = transpile_for(self.spec, self.backend, _measured(circuits), self.level,
                            self.seed, initial_layout=layout)
        return isa, layout

    def run(self, circuits, ideal: np.ndarray, width: int, seed: int) -> WidthRun:
        """Transpile to the backend's ISA on the width's qubits; one sampler job."""
        t0 = time.perf_counter()
        isa, layout = self.transpiled(circuits, width)
        if self.jobs is None:  # independent widths: batch mode where the account allows it
            self.jobs = self.target.jobs(self.backend, mode=self.execution_mode or "batch",
                                         max_circuits_per_job=self.max_circuits_per_job)
        t1 = time.perf_counter()
        bits = self.jobs.run(isa, [None] * len(isa), self.shots, f"qv_width_{width}", seed)
        counts = _counts_array((b.get_int_counts() for b in bits), len(isa), width)
        return WidthRun(counts, layout, {"transpile": t1 - t0,
                                         "simulate": time.perf_counter() - t1})


def make_runner(backend, shots: int | None = None, seed: int | None = None,
                optimization_level: int = 3, qubits: Sequence[int] | None = None,
                method: str = "auto", execution_mode: str | None = None,
                max_circuits_per_job: int | None = None) -> Runner:
    """The runner for a backend string (or an ``AerSimulator`` of your own).

    ``shots`` defaults to 1024 on shot-based backends. Options a backend would not use are
    refused rather than ignored: ``shots`` on ``statevector`` (exact), ``qubits`` off a device,
    ``method="aer"`` anywhere but ``aer:<fake backend>``, an ``optimization_level`` other than
    3 where nothing is transpiled (``statevector``, ``aer``).

    Examples
    --------
    >>> type(make_runner("aer:fake_lima", seed=0)).__name__, make_runner("statevector").shots
    ('DeviceRunner', None)
    """
    if method not in METHODS:
        raise ConfigurationError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    target = resolve(backend)
    kind = target.kind
    check_mode(execution_mode)
    JobLimits.with_override(max_circuits_per_job)  # a bad value: its own clear error
    for name, value in (("execution_mode", execution_mode),
                        ("max_circuits_per_job", max_circuits_per_job)):
        if value is not None and kind != "runtime":
            raise ConfigurationError(f"{name}={value!r}: backend {backend!r} sends no "
                                     "runtime jobs; it applies to fake: and ibm:")
    if method == "aer" and kind != "device":
        raise ConfigurationError(
            f"method='aer' chooses how aer:<fake backend> runs are simulated; backend "
            f"{backend!r} has no such choice: leave method='auto'")
    if optimization_level not in (0, 1, 2, 3):
        raise ConfigurationError(
            f"optimization_level must be 0, 1, 2 or 3; got {optimization_level!r}")
    if optimization_level != DEFAULT_LEVEL and kind in ("engine", "aer"):
        raise ConfigurationError(
            f"optimization_level={optimization_level}: backend {backend!r} runs the model "
            "circuits without transpiling them; the level applies to devices and to a "
            "simulator of your own")
    if qubits is not None and kind not in ("device", "runtime"):
        raise ConfigurationError(
            f"qubits={list(qubits)} chooses physical qubits on a device (aer:<fake backend>, "
            f"fake:, ibm:); backend {backend!r} has none: leave qubits out")
    if kind == "engine":
        if shots is not None:
            raise ConfigurationError(
                f"shots={shots!r}: the statevector backend gives exact HOPs without shots; "
                "leave shots out, or use backend='aer' for sampled ones")
        return IdealRunner()
    shots = DEFAULT_SHOTS if shots is None else int(shots)
    if kind == "custom":
        return AerRunner(target.simulator(), shots, seed, optimization_level, transpile=True)
    if kind == "aer":
        return AerRunner(target.simulator(), shots, seed, optimization_level, name=target.name)
    if kind == "device":
        return DeviceRunner(target.device(), shots, seed, optimization_level, qubits, method,
                            name=target.name)
    return HardwareRunner(target, shots, seed, optimization_level, qubits, execution_mode,
                          max_circuits_per_job)


def check_widths(runner, widths) -> None:
    """Refuse widths wider than the runner's device."""
    for w in widths:
        if runner.max_width is not None and w > runner.max_width:
            raise CircuitTooWideError(f"width {w} exceeds the {runner.max_width} qubits of "
                                      f"{runner.name}")
