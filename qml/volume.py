"""The quantum-volume protocol (Cross et al., Phys. Rev. A 100, 032328, 2019).

Three parts, kept apart as in qiskit-experiments:

* circuits and ideal distributions: ``circuits.quantum_volume``;
* execution: ``measure_quantum_volume`` transpiles every trial of a width to the backend (on a
  device, onto a well-connected low-error set of physical qubits) and runs them in one job, or,
  under a fake device's noise, computes their exact noisy distributions (``qml.density``) and
  samples the shots from them;
* analysis: small pure functions of counts and heavy-output masks — ``heavy_output_probabilities``,
  ``hop_statistics``, ``trials_needed`` — and the result objects, which serialize to JSON.

A width ``n`` passes when the mean heavy-output probability (HOP) over at least 100 trials
exceeds 2/3 by two standard errors (z = 2, one-sided confidence 0.97725), with the binomial
standard error ``sqrt(h (1 - h) / trials)`` that qiskit-experiments uses. The quantum volume is
``2**n`` for the largest passing width.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from circuits.quantum_volume import heavy_outputs, ideal_probabilities, model_circuits
from qml.backends import BackendSpec, build_simulator, fake_backend, parse_backend
from qml.errors import (
    CircuitTooWideError,
    ConfigurationError,
    FallbackWarning,
    ModelFileError,
    UnsupportedCircuitError,
)
from qml.exact import check_state_memory

__all__ = [
    "HOP_THRESHOLD", "Z", "CONFIDENCE", "MIN_TRIALS",
    "heavy_output_probabilities", "hop_statistics", "trials_needed", "select_qubits",
    "bootstrap_lower_bound",
    "device_errors", "restricted_noise_model",
    "WidthResult", "QuantumVolumeResult", "measure_quantum_volume", "METHODS",
]

HOP_THRESHOLD = 2 / 3
Z = 2.0
CONFIDENCE = 0.5 * (1 + math.erf(Z / math.sqrt(2)))  # 0.97725
MIN_TRIALS = 100


# ------------------------------------------------------------------------- analysis
def heavy_output_probabilities(counts: np.ndarray, heavy: np.ndarray) -> np.ndarray:
    """Per-trial fraction of shots that landed in the heavy set.

    ``counts`` (trials, 2**n) holds shot counts, or exact probabilities for an ideal run.

    Examples
    --------
    >>> heavy_output_probabilities(np.array([[10, 30, 40, 20]]), np.array([[0, 1, 1, 0]], bool))
    array([0.7])
    """
    counts = np.asarray(counts, dtype=float)
    return (counts * heavy).sum(axis=1) / counts.sum(axis=1)


def hop_statistics(hops: Sequence[float]) -> tuple[float, float, float]:
    """Mean HOP, its binomial standard error, and the one-sided two-sigma lower bound.

    Examples
    --------
    >>> [round(v, 4) for v in hop_statistics([0.8] * 100)]
    [0.8, 0.04, 0.72]
    """
    hops = np.asarray(hops, dtype=float)
    mean = float(hops.mean())
    sigma = math.sqrt(mean * (1 - mean) / len(hops))
    return mean, sigma, mean - Z * sigma


def trials_needed(mean_hop: float) -> int | None:
    """Fewest trials for which ``mean_hop`` would pass (at least ``MIN_TRIALS``); None if it
    can never pass (mean HOP at or below 2/3).

    Examples
    --------
    >>> trials_needed(0.70), trials_needed(0.85), trials_needed(0.6)
    (757, 100, None)
    """
    if mean_hop <= HOP_THRESHOLD:
        return None
    n = Z**2 * mean_hop * (1 - mean_hop) / (mean_hop - HOP_THRESHOLD) ** 2
    return max(MIN_TRIALS, math.floor(n) + 1)


def bootstrap_lower_bound(hops, shots: int | None, resamples: int = 2000,
                          seed: int | None = 0) -> float:
    """One-sided 97.725% lower bound on the mean HOP by the bootstrap of Baldwin et al.,
    Quantum 6, 707 (2022): resample the circuits with replacement and, within each, the shots
    (binomially, from that circuit's observed HOP); take the 2.275% quantile of the mean.
    ``shots=None`` (exact HOPs) resamples the circuits only.

    Examples
    --------
    >>> hops = np.linspace(0.7, 0.9, 100)
    >>> lb = bootstrap_lower_bound(hops, shots=1000, seed=1)
    >>> 0.76 < lb < hop_statistics(hops)[0]
    True
    """
    hops = np.asarray(hops, dtype=float)
    rng = np.random.default_rng(seed)
    picks = hops[rng.integers(len(hops), size=(resamples, len(hops)))]
    if shots:
        picks = rng.binomial(shots, picks) / shots
    return float(np.quantile(picks.mean(axis=1), 1 - CONFIDENCE))


def _confidence(mean: float, sigma: float) -> float:
    z = (mean - HOP_THRESHOLD) / max(sigma, 1e-10)
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


@dataclass
class WidthResult:
    """Everything measured at one width; ``passed`` is the certified verdict."""

    width: int
    trials: int
    shots: int | None
    hops: list[float]
    mean_hop: float
    sigma: float
    lower_bound: float
    confidence: float
    passed: bool
    certified: bool
    trials_needed: int | None
    physical_qubits: list[int] | None = None
    seconds: dict = field(default_factory=dict)
    bootstrap_lower_bound: float | None = None

    @classmethod
    def from_hops(cls, width: int, hops, shots: int | None, **extra) -> WidthResult:
        """Summarise per-trial HOPs into a verdict.

        Examples
        --------
        >>> r = WidthResult.from_hops(3, [0.8] * 100, shots=1000)
        >>> r.passed, round(r.lower_bound, 4)
        (True, 0.72)
        """
        hops = [float(h) for h in hops]
        mean, sigma, lower = hop_statistics(hops)
        certified = len(hops) >= MIN_TRIALS
        return cls(width, len(hops), shots, hops, mean, sigma, lower, _confidence(mean, sigma),
                   bool(certified and lower > HOP_THRESHOLD), certified, trials_needed(mean),
                   **extra)

    @property
    def verdict(self) -> str:
        if self.passed:
            return "pass"
        if not self.certified:
            return f"no verdict ({self.trials} < {MIN_TRIALS} trials)"
        return "fail"


@dataclass
class QuantumVolumeResult:
    """A quantum-volume measurement: one ``WidthResult`` per width measured."""

    backend: str
    seed: int | None
    shots: int | None
    widths: list[WidthResult]

    @property
    def quantum_volume(self) -> int:
        """``2**n`` for the largest passing width; 1 when none passes."""
        passing = [w.width for w in self.widths if w.passed]
        return 2 ** max(passing) if passing else 1

    def to_dict(self) -> dict:
        return {"quantum_volume": self.quantum_volume, "backend": self.backend,
                "seed": self.seed, "shots": self.shots,
                "widths": [asdict(w) for w in self.widths]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_dict(cls, data: dict) -> QuantumVolumeResult:
        try:
            widths = [WidthResult(**w) for w in data["widths"]]
            return cls(data["backend"], data["seed"], data["shots"], widths)
        except (KeyError, TypeError) as exc:
            raise ModelFileError(f"not a quantum-volume result: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> QuantumVolumeResult:
        return cls.from_dict(json.loads(text))

    def save(self, path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(self.to_json())
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path) -> QuantumVolumeResult:
        try:
            return cls.from_json(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"cannot read {path}: {exc}") from exc


# ------------------------------------------------------------------- qubit selection
def _two_qubit_errors(target) -> dict[tuple[int, int], float]:
    errors: dict[tuple[int, int], float] = {}
    for name in target.operation_names:
        if target.operation_from_name(name).num_qubits != 2:
            continue
        for qargs, props in target[name].items():
            if qargs is None:
                continue
            err = getattr(props, "error", None) if props is not None else None
            key = tuple(sorted(qargs))
            errors[key] = min(errors.get(key, 1.0), 0.01 if err is None else err)
    return errors


def _readout_errors(target) -> dict[int, float]:
    out = {}
    if "measure" in target.operation_names:
        for qargs, props in target["measure"].items():
            if qargs is not None:
                err = getattr(props, "error", None) if props is not None else None
                out[qargs[0]] = 0.02 if err is None else err
    return out


def select_qubits(target, width: int) -> list[int]:
    """A connected, low-error set of ``width`` physical qubits on a device ``target``.

    Grows a set from every qubit, each time adding the neighbour that brings the most
    connections and the smallest two-qubit and readout errors; keeps the best set by
    (connections inside, then total error).

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> len(set(select_qubits(fake_backend("fake_lima").target, 3)))
    3
    """
    edges = _two_qubit_errors(target)
    readout = _readout_errors(target)
    neighbours: dict[int, set[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    if width > target.num_qubits:
        raise CircuitTooWideError(f"width {width} exceeds the backend's {target.num_qubits} qubits")

    def score(chosen: list[int]) -> tuple[int, float]:
        inside = [e for e in edges if e[0] in chosen and e[1] in chosen]
        error = sum(edges[e] for e in inside) / max(len(inside), 1)
        error += sum(readout.get(q, 0.0) for q in chosen) / len(chosen)
        return len(inside), -error

    best, best_score = None, None
    for start in sorted(neighbours) or range(target.num_qubits):
        chosen = [start]
        while len(chosen) < width:
            frontier = {b for q in chosen for b in neighbours.get(q, ()) if b not in chosen}
            if not frontier:
                break
            chosen.append(max(sorted(frontier), key=lambda b: score(chosen + [b])))
        if len(chosen) == width and (best_score is None or score(chosen) > best_score):
            best, best_score = chosen, score(chosen)
    if best is None:
        raise CircuitTooWideError(f"no connected set of {width} qubits on this backend")
    return best


# ------------------------------------------------------------------------ execution
class _TargetView:
    """The part of a ``Target`` on some qubits: what qiskit-aer's device-noise functions read
    (``items``, ``get``, ``operation_from_name``, ``qubit_properties``, ``num_qubits``)."""

    def __init__(self, target, qubits: Sequence[int]):
        self._target, self._qubits = target, {int(q) for q in qubits}
        self.num_qubits = target.num_qubits
        self.qubit_properties = target.qubit_properties
        self.operation_from_name = target.operation_from_name

    def _restrict(self, props):
        if props is None:
            return None
        return {qargs: p for qargs, p in props.items()
                if qargs is not None and set(qargs) <= self._qubits}

    def items(self):
        return [(name, self._restrict(props)) for name, props in self._target.items()]

    def get(self, name, default=None):
        return self._restrict(self._target[name]) if name in self._target else default


def device_errors(backend, qubits: Sequence[int] | None = None) -> tuple[list, list]:
    """A device's gate errors ``(name, qubits, QuantumError)`` and readout errors
    ``(qubits, ReadoutError)``, as qiskit-aer's ``NoiseModel.from_backend`` derives them;
    with ``qubits``, only those on these physical qubits (computed for them alone).

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> gates, readout = device_errors(fake_backend("fake_lima"), [0, 1])
    >>> sorted({name for name, _, _ in gates}), [qs for qs, _ in readout]
    (['cx', 'id', 'reset', 'sx', 'x'], [[0], [1]])
    """
    from qiskit_aer.noise.device import basic_device_gate_errors, basic_device_readout_errors

    target = backend.target if qubits is None else _TargetView(backend.target, qubits)
    with warnings.catch_warnings():  # "warnings are ignored when target is supplied"
        warnings.filterwarnings("ignore", message="When `target` is supplied", category=UserWarning)
        gate_errors = basic_device_gate_errors(target=target)
    return gate_errors, basic_device_readout_errors(target=target)


def restricted_noise_model(backend, qubits: Sequence[int], errors=None):
    """The noise model of ``backend`` on ``qubits`` only, relabelled ``0..k-1`` in that order.

    Device noise models are local (gate, relaxation and readout errors on the qubits a gate
    or measurement touches), so circuits confined to ``qubits`` see the same noise as with
    ``NoiseModel.from_backend``, while the simulator no longer carries the rest of the device.
    ``errors`` is ``device_errors(backend)``, computed once and reused across widths.

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> sorted(restricted_noise_model(fake_backend("fake_lima"), [3, 4]).noise_qubits)
    [0, 1]
    """
    from qiskit_aer.noise import NoiseModel

    gate_errors, readout_errors = device_errors(backend) if errors is None else errors
    index = {q: i for i, q in enumerate(qubits)}
    noise = NoiseModel(basis_gates=backend.operation_names)
    for qargs, error in readout_errors:
        if all(q in index for q in qargs):
            noise.add_readout_error(error, [index[q] for q in qargs])
    for name, qargs, error in gate_errors:
        if all(q in index for q in qargs):
            noise.add_quantum_error(error, name, [index[q] for q in qargs])
    return noise


def _check_args(spec: BackendSpec, widths: Sequence[int], trials: int, shots: int) -> None:
    if not widths:
        raise ConfigurationError("give at least one width")
    for w in widths:
        if not isinstance(w, (int, np.integer)) or w < 2:
            raise ConfigurationError(f"widths must be integers >= 2; got {w!r}")
    if not isinstance(trials, (int, np.integer)) or trials < 1:
        raise ConfigurationError(f"trials must be a positive integer; got {trials!r}")
    if not isinstance(shots, (int, np.integer)) or shots < 1:
        raise ConfigurationError(f"shots must be a positive integer; got {shots!r}")


METHODS = ("auto", "aer")


def _device_basis(target) -> list[str]:
    """A device's one- and two-qubit gates: the fixed ones and the rotations rz, rx, ry
    (fractional gates with restricted angles, and control flow, are left out)."""
    from qiskit.circuit import Gate

    basis = []
    for name in target.operation_names:
        op = target.operation_from_name(name)  # control flow is listed as a class
        if isinstance(op, Gate) and op.num_qubits <= 2 and (
                not op.params or name in ("rz", "rx", "ry")):
            basis.append(name)
    return sorted(basis)


class _Runner:
    """Transpiles and runs the trials of one width on the chosen backend.

    On a device, the trials are compiled onto the chosen physical qubits only (the device's
    coupling map reduced to them) and simulated under the device's noise on those qubits:
    by ``qml.density`` (exact distributions, then shots) with ``method="auto"``, or by Aer
    with the device noise model restricted to them with ``method="aer"``. Either way the same
    noise, without simulating a 27- or 127-qubit device around them.
    """

    def __init__(self, spec: BackendSpec, shots: int, seed: int | None,
                 optimization_level: int, qubits: Sequence[int] | None, simulator=None,
                 method: str = "auto"):
        self.spec, self.shots, self.level, self.method = spec, shots, optimization_level, method
        self.qubits = None if qubits is None else list(qubits)
        self.device = fake_backend(spec.device) if spec.kind == "aer_noisy" else None
        self.custom = simulator is not None
        self.runtime = None
        self.layouts: dict[int, list[int]] = {}
        self._ptms: dict = {}  # Pauli transfer matrices of device errors, by physical qubits
        if spec.runtime or self.device is not None:
            self.simulator = None
        elif self.custom:
            self.simulator = simulator
        else:
            self.simulator = None if spec.exact else build_simulator(spec)
        self.rng = np.random.default_rng(seed)
        self.seed = seed

    @property
    def max_width(self) -> int | None:
        if self.spec.runtime and self.spec.kind == "fake":
            return fake_backend(self.spec.device).num_qubits
        return None if self.device is None else self.device.num_qubits

    def prepare(self, widths: Sequence[int]) -> None:
        """On a device: choose the qubits of every width and derive the device errors on all
        of them at once (deriving them for the whole device costs more than the runs)."""
        if self.device is None:
            return
        target = self.device.target
        self.layouts = {w: self.qubits[:w] if self.qubits else select_qubits(target, w)
                        for w in widths}
        used = sorted({q for layout in self.layouts.values() for q in layout})
        self.errors = device_errors(self.device, used)

    def _runtime_counts(self, circuits, width: int):
        """Through qiskit-ibm-runtime (fake: or ibm:), one job per width, ledger first."""
        from qml.runtime import RuntimeRunner, runtime_backend

        if self.runtime is None:
            backend = runtime_backend(self.spec, width)
            self.runtime = RuntimeRunner(self.spec, backend)
            self.runtime.open_mode("batch")  # independent widths: batch mode where allowed
        target = self.runtime.backend.target
        layout = self.qubits[:width] if self.qubits else select_qubits(target, width)
        isa = self.runtime.transpile(circuits, self.level, self.seed, initial_layout=layout)
        t1 = time.perf_counter()
        bits = self.runtime.run(isa, [None] * len(isa), self.shots, f"qv_width_{width}",
                                int(self.rng.integers(2**31 - 1)))
        counts = np.zeros((len(isa), 2**width), dtype=np.int64)
        for i, b in enumerate(bits):
            for value, n in b.get_int_counts().items():
                counts[i, value & (2**width - 1)] += n
        return counts, layout, t1

    def _device_transpile(self, measured, width: int):
        """The trials compiled onto the chosen qubits, relabelled ``0..width-1``."""
        from qiskit.transpiler import generate_preset_pass_manager

        target = self.device.target
        layout = self.layouts[width]
        manager = generate_preset_pass_manager(
            self.level, basis_gates=_device_basis(target),
            coupling_map=self.device.coupling_map.reduce(layout),
            initial_layout=list(range(width)), seed_transpiler=self.seed)
        return manager.run(measured), layout

    def _exact_simulator(self, layout: list[int]):
        """``qml.density`` simulator of the device errors on ``layout``, relabelled
        ``0..width-1``; each error's transfer matrix is computed once per sweep."""
        from qml.density import PauliTransferSimulator, channel_ptm

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

    def _device_counts(self, isa, layout: list[int], width: int) -> np.ndarray:
        """Shots under the device noise on ``layout``: exact distributions from
        ``qml.density`` (``method="auto"``) or Aer's density-matrix run (``"aer"``)."""
        seed = int(self.rng.integers(2**31 - 1))
        if self.method == "auto":
            try:
                return self._exact_simulator(layout).sample_counts(isa, self.shots, seed)
            except UnsupportedCircuitError as exc:
                warnings.warn(f"exact noisy simulation not possible ({exc}); using Aer",
                              FallbackWarning, stacklevel=3)
        from qiskit_aer import AerSimulator

        simulator = AerSimulator(  # trials are independent: simulate them in parallel
            noise_model=restricted_noise_model(self.device, layout, self.errors),
            max_parallel_experiments=0)
        return self._aer_counts(simulator, isa, width, seed)

    def _aer_counts(self, simulator, circuits, width: int, seed: int) -> np.ndarray:
        result = simulator.run(circuits, shots=self.shots, seed_simulator=seed).result()
        counts = np.zeros((len(circuits), 2**width), dtype=np.int64)
        for i in range(len(circuits)):
            for key, value in result.get_counts(i).items():
                counts[i, int(key.replace(" ", ""), 2) & (2**width - 1)] += value
        return counts

    def run(self, circuits, ideal, width: int) -> tuple[np.ndarray, list[int] | None, dict]:
        from qiskit import transpile

        t0 = time.perf_counter()
        if self.spec.exact:
            return ideal, None, {"transpile": 0.0, "simulate": 0.0}
        measured = circuits  # the trial circuits are ours: measure them in place
        for c in measured:
            c.measure_all()
        if self.spec.runtime:
            counts, layout, t1 = self._runtime_counts(measured, width)
            return counts, layout, {"transpile": t1 - t0, "simulate": time.perf_counter() - t1}
        layout = None
        if self.device is not None:
            measured, layout = self._device_transpile(measured, width)
            t1 = time.perf_counter()
            counts = self._device_counts(measured, layout, width)
        else:
            if self.custom:  # the simulator's own basis, e.g. a noise model's
                measured = transpile(measured, self.simulator, optimization_level=self.level,
                                     seed_transpiler=self.seed)
            t1 = time.perf_counter()
            counts = self._aer_counts(self.simulator, measured, width,
                                      int(self.rng.integers(2**31 - 1)))
        return counts, layout, {"transpile": t1 - t0, "simulate": time.perf_counter() - t1}


def measure_quantum_volume(backend, widths: Sequence[int], trials: int = 100,
                           shots: int = 1024, seed: int | None = None,
                           qubits: Sequence[int] | None = None, optimization_level: int = 3,
                           early_stop: bool = False,
                           progress: Callable[[WidthResult], object] | None = None,
                           bootstrap: bool = False, method: str = "auto") -> QuantumVolumeResult:
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
    trials : int
        Random circuits per width; a verdict needs at least 100.
    shots : int
        Shots per circuit.
    seed : int, optional
        Drives circuits (as qiskit-experiments does), transpiler and simulator.
    qubits : sequence of int, optional
        Physical qubits to use on a device (the first ``n`` for width ``n``); by default the
        best connected set found by ``select_qubits``.
    optimization_level : int
        Preset pass manager level for the device transpilation.
    early_stop : bool
        Stop after the first width that fails with a verdict.
    progress : callable, optional
        Called with each ``WidthResult`` as it is finished.
    bootstrap : bool
        Also report the bootstrap lower bound of Baldwin et al. (2022) per width
        (``WidthResult.bootstrap_lower_bound``); the verdict stays the Cross et al. one.
    method : {"auto", "aer"}
        How ``aer:<fake backend>`` runs are simulated. ``"auto"``: the exact output
        distribution of every trial under the device noise (``qml.density``, density matrices
        in the Pauli basis; Aer if a circuit is beyond it), then ``shots`` samples from it.
        ``"aer"``: Aer's simulator with the device noise model. Both are the same
        density-matrix mathematics; ``"auto"`` is several times faster on many small circuits.

    Examples
    --------
    >>> res = measure_quantum_volume("statevector", widths=[2, 3], trials=100, seed=1)
    >>> res.quantum_volume, [w.passed for w in res.widths]
    (8, [True, True])
    """
    simulator = None
    if isinstance(backend, str):
        spec = parse_backend(backend)
    else:
        simulator, spec = backend, BackendSpec("custom", None, getattr(backend, "name", "aer"))
    _check_args(spec, widths, trials, shots)
    if method not in METHODS:
        raise ConfigurationError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    runner = _Runner(spec, int(shots), seed, optimization_level, qubits, simulator, method)
    for w in widths:
        if runner.max_width is not None and w > runner.max_width:
            raise CircuitTooWideError(
                f"width {w} exceeds the {runner.max_width} qubits of {spec.device}"
            )
        if qubits is not None and w > len(qubits):
            raise ConfigurationError(f"width {w} needs {w} qubits; {len(qubits)} were given")
    check_state_memory(max(widths), advice="Quantum volume needs the exact ideal "
                       "distribution of every model circuit; choose smaller widths.")
    runner.prepare(widths)
    results = []
    for w in widths:
        t0 = time.perf_counter()
        circuits = model_circuits(w, trials, seed)
        ideal = ideal_probabilities(circuits)
        t1 = time.perf_counter()
        counts, layout, seconds = runner.run(circuits, ideal, w)
        t2 = time.perf_counter()
        hops = heavy_output_probabilities(counts, heavy_outputs(ideal))
        seconds = {"ideal": t1 - t0, **seconds, "analysis": time.perf_counter() - t2}
        shots_used = None if spec.exact else int(shots)
        result = WidthResult.from_hops(w, hops, shots_used, physical_qubits=layout,
                                       seconds=seconds)
        if bootstrap:
            result.bootstrap_lower_bound = bootstrap_lower_bound(hops, shots_used, seed=seed)
        results.append(result)
        if progress is not None:
            progress(result)
        if early_stop and result.certified and not result.passed:
            break
    return QuantumVolumeResult(spec.text, seed, None if spec.exact else int(shots), results)
