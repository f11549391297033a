"""Evaluators: where and how a classifier circuit runs.

Every evaluator takes a batch — inputs ``X`` (B, d) and parameter sets ``W`` (P, m) — and returns
expectation values shaped (P, B, K), in as few calls as the backend allows. ``kind`` says what
the batch is for (``"training_step"`` or ``"prediction"``); hardware backends record it with
each job in the ledger:

* ``ExactEvaluator``: qlimits' vectorised state-vector engine (``qml.engine.statevector``) with
  adjoint gradients.
* ``EngineSamplerEvaluator``: shots from the exact engine -- each pair's exact output
  distribution, then seeded multinomial counts (``qml.engine.sampling``); ``statevector`` with
  ``shots``.
* ``NoisyEngineEvaluator``: device noise on qlimits' own engine (``aer:<fake>``): the circuit
  transpiled to the device as for Aer, its exact noisy output distribution on the qubits it
  uses (``qml.engine.noisy_circuit``, up to 12 of them), then seeded counts as above.
* ``AerEstimatorEvaluator``: exact expectation values from Aer's EstimatorV2 (precision 0), the
  fallback for circuits the engine cannot compile.
* ``AerSamplerEvaluator``: shots on Aer's SamplerV2, noiseless or with a fake backend's noise
  model; one primitive call per batch, all samples and parameter sets in one parameter array.

The two Aer evaluators differentiate with the parameter-shift rule, all shifted parameter
sets in the same single call. ``make_evaluator`` picks one from a backend string.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit, transpile
from qiskit.quantum_info import SparsePauliOp

from circuits.composition import ClassifierCircuit
from qml.backends.device_noise import noisy_circuit
from qml.backends.dispatch import Target, resolve
from qml.backends.spec import DEFAULT_SHOTS
from qml.engine.sampling import pair_keys, z_diagonals
from qml.engine.statevector import compile_circuit
from qml.errors import (
    CircuitTooWideError,
    ConfigurationError,
    FallbackWarning,
    UnsupportedCircuitError,
)
from qml.hardware.mitigation import (
    CALIBRATION_SHOTS,
    ReadoutMitigator,
    measured_qubits,
    simulated_calibration,
)

__all__ = ["ExactEvaluator", "EngineSamplerEvaluator", "NoisyEngineEvaluator",
           "AerEstimatorEvaluator",
           "AerSamplerEvaluator", "RuntimeSamplerEvaluator", "make_evaluator",
           "shift_rule_compatible", "TRAINING", "PREDICTION"]

logger = logging.getLogger(__name__)

_SHIFT_GATES = {"rx", "ry", "rz", "p", "u1", "rxx", "ryy", "rzz", "rzx"}
TRAINING, PREDICTION = "training_step", "prediction"  # what a batch is for


def shift_rule_compatible(cc: ClassifierCircuit) -> bool:
    """True when every weight is the bare angle of exactly one gate ``exp(-i w G / 2)`` with
    ``G**2 = 1`` (or a phase gate), so the two-term parameter-shift rule is exact.

    Examples
    --------
    >>> from circuits import build_classifier
    >>> shift_rule_compatible(build_classifier("zz", "real_amplitudes", n_features=2))
    True
    """
    seen: dict = {}
    for inst in cc.circuit.data:
        for param in inst.operation.params:
            for w in getattr(param, "parameters", ()):
                if w in cc.weights:
                    ok = inst.operation.name in _SHIFT_GATES and param == w
                    seen[w] = seen.get(w, 0) + (1 if ok else 100)
    return all(seen.get(w, 0) == 1 for w in cc.weights)


class _Evaluator:
    """Shared bookkeeping: count of circuit executions and shots."""

    exact = True
    shots: int | None = None

    def __init__(self):
        self.n_circuits = 0

    def _count(self, n_sets: int, n_samples: int) -> None:
        self.n_circuits += n_sets * n_samples


class ExactEvaluator(_Evaluator):
    """Exact expectations and adjoint gradients from ``qml.engine.statevector``."""

    def __init__(self, cc: ClassifierCircuit, observables: Sequence[SparsePauliOp]):
        super().__init__()
        self.engine = compile_circuit(cc.circuit, cc.inputs, cc.weights, observables)

    def expectations(self, X, W, kind: str = TRAINING) -> np.ndarray:
        """Expectations (P, B, K) of every parameter set on every sample."""
        self._count(np.atleast_2d(W).shape[0], len(X))
        return self.engine.expectations(X, W)

    def vjp(self, X, W, cotangent, inputs: bool = False):
        """Expectations and their vector-Jacobian product by adjoint differentiation."""
        self._count(np.atleast_2d(W).shape[0], len(X))
        return self.engine.vjp(X, W, cotangent, inputs=inputs)


class _ShiftRuleEvaluator(_Evaluator):
    """Aer evaluators: parameter-shift gradients, every shifted set in one call."""

    def __init__(self, cc: ClassifierCircuit, observables: Sequence[SparsePauliOp]):
        super().__init__()
        self.cc = cc
        self.observables = [SparsePauliOp(o) for o in observables]
        self._shiftable = shift_rule_compatible(cc)

    def _values(self, circuit: QuantumCircuit, X, W) -> np.ndarray:
        """Parameter array (P*B, n_params) in ``circuit.parameters`` order."""
        X = np.asarray(X, dtype=float)
        W = np.atleast_2d(np.asarray(W, dtype=float))
        P, B = len(W), len(X)
        column = {p.name: ("x", i) for i, p in enumerate(self.cc.inputs)}
        column.update({p.name: ("w", i) for i, p in enumerate(self.cc.weights)})
        values = np.empty((P, B, circuit.num_parameters))
        for j, p in enumerate(circuit.parameters):
            source, i = column[p.name]
            values[:, :, j] = X[None, :, i] if source == "x" else W[:, i][:, None]
        return values.reshape(P * B, -1)

    def expectations(self, X, W, kind: str = TRAINING) -> np.ndarray:
        """Expectations (P, B, K) of every parameter set on every sample, in one call."""
        W = np.atleast_2d(W)
        self._count(len(W), len(X))
        return self._run(X, W, kind).reshape(len(W), len(X), len(self.observables))

    def vjp(self, X, W, cotangent, inputs: bool = False):
        """Expectations and the parameter-shift gradient, every shifted set in one call."""
        if inputs:
            raise ConfigurationError(
                "input gradients need the exact engine (backend='statevector')"
            )
        if not self._shiftable:
            raise ConfigurationError(
                "parameter-shift gradients need every weight to be the plain angle of one "
                "rotation gate; use optimizer='cobyla' or 'spsa' with this circuit"
            )
        W = np.atleast_2d(np.asarray(W, dtype=float))
        m = W.shape[1]
        shift = np.pi / 2 * np.eye(m)
        sets = np.concatenate([np.concatenate([w[None], w + shift, w - shift]) for w in W])
        E = self.expectations(X, sets).reshape(len(W), 1 + 2 * m, len(X), -1)
        dE = (E[:, 1: 1 + m] - E[:, 1 + m:]) / 2  # (P, m, B, K)
        cot = cotangent(E[:, 0], slice(None)) if callable(cotangent) else cotangent
        grad = np.einsum("pmbk,pbk->pm", dE, cot)
        return E[:, 0], grad, None


class AerEstimatorEvaluator(_ShiftRuleEvaluator):
    """Exact expectation values through Aer's EstimatorV2 (``default_precision=0``)."""

    def __init__(self, cc, observables, seed: int | None = None):
        super().__init__(cc, observables)
        from qiskit_aer.primitives import EstimatorV2

        self.estimator = EstimatorV2(options={"default_precision": 0.0,
                                              "backend_options": {"method": "statevector"},
                                              "run_options": {"seed_simulator": seed}})
        self.circuit = cc.circuit

    def _run(self, X, W, kind: str) -> np.ndarray:
        values = self._values(self.circuit, X, W)
        obs = [[o] for o in self.observables]  # shape (K, 1) against values (P*B,)
        result = self.estimator.run([(self.circuit, obs, values)]).result()[0]
        return np.asarray(result.data.evs).T  # (P*B, K)


class _JobSeeds:
    """The simulator seed of every shot-based call: with a ``seed``, a function of the seed
    and of what is evaluated (``kind``, inputs, weights), so a run resumed from a checkpoint
    draws the very seeds the uninterrupted run drew (and the ledger recognises its jobs);
    different weights give independent seeds. Without a seed, fresh randomness per call."""

    def __init__(self, seed: int | None):
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def __call__(self, kind: str, X, W) -> int:
        if self.seed is None:
            return int(self._rng.integers(2**31 - 1))
        digest = hashlib.blake2b(kind.encode(), digest_size=16)
        for array in (X, W):
            digest.update(np.ascontiguousarray(array, dtype=float).tobytes())
        words = np.frombuffer(digest.digest(), dtype=np.uint32)
        state = np.random.SeedSequence([int(self.seed), *map(int, words)]).generate_state(1)
        return int(state[0] % (2**31 - 1))


def _calibration_seed(seeds: _JobSeeds) -> int:
    """The simulator seed of a readout calibration: one per model seed, whatever is
    evaluated, so that the ledger finds the calibration a run made before."""
    return seeds("m3_calibration", np.zeros((1, 1)), np.zeros((1, 1)))


def _measured_z_only(observables, where: str) -> None:
    if any(o.paulis.x.any() for o in observables):
        raise ConfigurationError(f"{where} measure in the computational basis: readout "
                                 "observables must be made of Z and I only")


def _measured_for(cc: ClassifierCircuit, simulator, optimization_level: int,
                  seed: int | None) -> QuantumCircuit:
    """The classifier with every qubit measured, transpiled once to ``simulator`` (with a
    fake backend's: its coupling map and basis gates)."""
    width = getattr(simulator, "num_qubits", None)
    if width is not None and cc.num_qubits > width:
        raise CircuitTooWideError(
            f"the circuit needs {cc.num_qubits} qubits; backend {simulator.name} has {width}"
        )
    measured = cc.circuit.copy()
    measured.measure_all()
    return transpile(measured, simulator, optimization_level=optimization_level,
                     seed_transpiler=seed)


class _EngineShots(_ShiftRuleEvaluator):
    """Counts drawn from an engine circuit's exact distributions (``self.engine``), each
    (parameter set, sample) pair from its own seeded stream: the same seed gives the same
    counts in one process or many (data-parallel chunks), and on a resumed run."""

    exact = False

    def _shots(self, shots: int, seed: int | None) -> None:
        _measured_z_only(self.observables, "shot-based backends")
        self.diagonals = z_diagonals(self.observables, self.cc.num_qubits)
        self.shots = int(shots)
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def _run(self, X, W, kind: str) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        W = np.atleast_2d(np.asarray(W, dtype=float))
        keys = None if self.seed is None else pair_keys(self.seed, kind, X, W)
        if getattr(self, "mitigation", None) is not None:  # the same counts, corrected
            counts = self.engine.sample_counts(X, W, self.shots, keys=keys, rng=self._rng)
            quasi = _readout(self, self.device.num_qubits).quasi_rows(
                counts.reshape(-1, counts.shape[-1]), measured_qubits(self.circuit))
            return quasi @ self.diagonals.T
        E = self.engine.sampled_expectations(X, W, self.shots, self.diagonals, keys=keys,
                                             rng=self._rng)
        return E.reshape(len(W) * len(X), -1)


class EngineSamplerEvaluator(_EngineShots):
    """Shots without a circuit simulator per shot: the engine's exact output distribution of
    each (parameter set, sample) pair, then ``shots`` draws from it (``qml.engine.sampling``).

    With a ``seed``, each pair draws from a stream keyed by the seed, what the call is for
    (``kind``) and the pair's own inputs and weights: the same seed gives the same counts in
    one process or many (data-parallel chunks), and on a resumed run. Parameter-shift
    gradients come from sampled estimates, every shifted set in one call, as on Aer.
    """

    def __init__(self, cc: ClassifierCircuit, observables: Sequence[SparsePauliOp],
                 shots: int, seed: int | None = None):
        super().__init__(cc, observables)
        self._shots(shots, seed)
        self.engine = compile_circuit(cc.circuit, cc.inputs, cc.weights, [])


class NoisyEngineEvaluator(_EngineShots):
    """Shots under a device's noise from qlimits' engine: the circuit transpiled to the fake
    device (as ``AerSamplerEvaluator`` does), the device's errors on the qubits it uses
    (``qml.backends.device_noise``), each pair's exact noisy output distribution
    (``qml.engine.noisy_circuit``, Aer's density-matrix simulation in the Pauli basis), then
    seeded counts. ``UnsupportedCircuitError`` when the engine cannot (more than 12 qubits
    in use, noise or gates it does not know): ``make_evaluator`` then uses Aer."""

    def __init__(self, cc: ClassifierCircuit, observables: Sequence[SparsePauliOp], device,
                 shots: int, seed: int | None = None, optimization_level: int = 1,
                 mitigation: str | None = None):
        super().__init__(cc, observables)
        self._shots(shots, seed)
        self.device, self.mitigation, self.mitigator = device, mitigation, None
        # transpiled to the device itself: the circuit Aer's simulator of it would get,
        # without building Aer's noise model of the whole device (half a second at 27 qubits)
        self.circuit = _measured_for(cc, device, optimization_level, seed)
        self.engine = noisy_circuit(self.circuit, device, cc.inputs, cc.weights)


class AerSamplerEvaluator(_ShiftRuleEvaluator):
    """Shot-based expectations from Aer's SamplerV2 (Z-type observables only).

    The circuit is transpiled once to the simulator (with a fake backend: its coupling map,
    basis gates and noise model). Each call's simulator seed is derived from ``seed`` and
    from what it evaluates (``_JobSeeds``), so a run is reproducible, a resumed run repeats
    the uninterrupted one, and iterations are independent.
    """

    exact = False

    def __init__(self, cc, observables, simulator, shots: int, seed: int | None = None,
                 optimization_level: int = 1, mitigation: str | None = None):
        super().__init__(cc, observables)
        _measured_z_only(self.observables, "shot-based backends")
        self.circuit = _measured_for(cc, simulator, optimization_level, seed)
        self.simulator = simulator
        self.shots = int(shots)
        self._seeds = _JobSeeds(seed)
        self.mitigation, self.mitigator = mitigation, None

    def _sample(self, pubs, shots: int, seed: int) -> list:
        from qiskit_aer.primitives import SamplerV2

        sampler = SamplerV2.from_backend(self.simulator, seed=seed, default_shots=shots)
        return [r.data.meas for r in sampler.run(pubs).result()]

    def _run(self, X, W, kind: str) -> np.ndarray:
        values = self._values(self.circuit, X, W)
        seed = self._seeds(kind, X, W)
        bits = self._sample([(self.circuit, values)], self.shots, seed)[0]
        return _expectations(self, bits, lambda circuits: self._sample(
            [(c,) for c in circuits], CALIBRATION_SHOTS, _calibration_seed(self._seeds)),
            self.simulator.num_qubits)


class RuntimeSamplerEvaluator(_ShiftRuleEvaluator):
    """Shots through qiskit-ibm-runtime's Sampler (the client-side executor Sampler; SamplerV2
    before 0.50) in ``fake:`` local mode or on ``ibm:``, every job recorded in the ledger
    before it is sent; one job per batch."""

    exact = False

    def __init__(self, cc, observables, target: Target, shots: int, seed: int | None = None,
                 optimization_level: int = 1, ledger=None, options=None, service=None,
                 max_circuits_per_job: int | None = None, execution_mode: str | None = None,
                 mitigation: str | None = None):
        super().__init__(cc, observables)
        _measured_z_only(self.observables, "runtime backends")
        device = target.device(cc.num_qubits, service)
        self.mitigation, self.mitigator, self.n_device = mitigation, None, device.num_qubits
        # iterative training: one session (unless told otherwise) where the account allows it
        self.runner = target.jobs(device, mode=execution_mode or "session", ledger=ledger,
                                  options=options, service=service,
                                  max_circuits_per_job=max_circuits_per_job)
        measured = cc.circuit.copy()
        measured.measure_all()
        self.circuit = self.runner.transpile([measured], optimization_level, seed)[0]
        self.shots = int(shots)
        self._seeds = _JobSeeds(seed)

    def _run(self, X, W, kind: str) -> np.ndarray:
        values = self._values(self.circuit, X, W)
        seed = self._seeds(kind, X, W)
        bits = self.runner.run([self.circuit], [values], self.shots, kind, seed)[0]
        return _expectations(self, bits, lambda circuits: self.runner.run(
            circuits, [None] * len(circuits), CALIBRATION_SHOTS, "m3_calibration",
            _calibration_seed(self._seeds)),
            self.n_device)


def _readout(evaluator, n_device: int) -> ReadoutMitigator:
    """The evaluator's M3 mitigator of an ``aer:<fake>`` device, calibrated at the first
    call on Aer's simulator of the device."""
    if evaluator.mitigator is None:
        from qiskit_aer import AerSimulator

        evaluator.mitigator = ReadoutMitigator.calibrated(
            simulated_calibration(AerSimulator.from_backend(evaluator.device),
                                  _calibration_seed(_JobSeeds(evaluator.seed))),
            measured_qubits(evaluator.circuit), n_device)
    return evaluator.mitigator


def _expectations(evaluator, bits, calibrate, n_device: int) -> np.ndarray:
    """Expectations ``(rows, K)`` of the evaluator's observables from sampled ``bits``;
    with ``mitigation="m3"``, readout-corrected (``qml.hardware.mitigation``), the device
    calibrated on the circuit's measured qubits at the first call through ``calibrate``
    (circuits -> one BitArray each: the evaluator's own job path)."""
    if evaluator.mitigation is None:
        return np.stack([bits.expectation_values(o) for o in evaluator.observables], axis=-1)
    qubits = measured_qubits(evaluator.circuit)
    if evaluator.mitigator is None:
        evaluator.mitigator = ReadoutMitigator.calibrated(
            lambda circuits: [b.get_counts() for b in calibrate(circuits)], qubits, n_device)
    return evaluator.mitigator.expectations(bits, evaluator.observables, qubits)


def make_evaluator(backend, cc: ClassifierCircuit,
                   observables: Sequence[SparsePauliOp], shots: int | None = None,
                   seed: int | None = None, optimization_level: int = 1,
                   runtime_options: dict | None = None,
                   max_circuits_per_job: int | None = None, execution_mode: str | None = None,
                   mitigation: str | None = None):
    """The evaluator of ``cc`` on ``backend`` (a backend string or a ``Target``), where
    ``qml.backends.dispatch.resolve`` says it runs.

    ``statevector`` uses the exact engine: exact expectations when ``shots`` is None, else
    ``shots`` draws from each circuit's exact output distribution. It falls back, with a
    ``FallbackWarning``, to Aer (its exact estimator, or its sampler) for circuits the engine
    cannot compile. ``aer`` samples ``shots`` shots on Aer (1024 when ``shots`` is None);
    ``aer:<fake>`` draws them from the engine's exact noisy distributions where it can (up to
    12 qubits in use), else from Aer with the device's noise model -- a log line says which.

    Examples
    --------
    >>> from circuits import build_classifier
    >>> from qml.backends import parse_backend
    >>> cc = build_classifier("angle", "real_amplitudes", n_features=2, ansatz_reps=1)
    >>> ev = make_evaluator("statevector", cc, [SparsePauliOp("IZ")])
    >>> ev.expectations(np.zeros((1, 2)), np.zeros((1, 4))).ravel()
    array([1.])
    """
    target = backend if isinstance(backend, Target) else resolve(backend)
    if target.exact:
        try:
            if shots is None:
                return ExactEvaluator(cc, observables)
            return EngineSamplerEvaluator(cc, observables, shots, seed)
        except UnsupportedCircuitError as exc:
            logger.info("exact engine cannot compile the circuit: %s", exc)
            aer = "exact estimator" if shots is None else "sampler"
            warnings.warn(f"{exc}; falling back to Aer's {aer} (slower)", FallbackWarning,
                          stacklevel=2)
            if shots is None:
                return AerEstimatorEvaluator(cc, observables, seed=seed)
            return AerSamplerEvaluator(cc, observables, resolve("aer").simulator(), shots, seed,
                                       optimization_level)
    shots = DEFAULT_SHOTS if shots is None else shots
    if target.kind == "device":
        try:
            evaluator = NoisyEngineEvaluator(cc, observables, target.device(), shots, seed,
                                             optimization_level, mitigation)
        except UnsupportedCircuitError as exc:
            logger.info("%s: device noise on Aer (the engine cannot: %s)", target.name, exc)
        else:
            logger.info("%s: device noise on qlimits' engine (%d qubits in use)",
                        target.name, evaluator.engine.k)
            return evaluator
        return AerSamplerEvaluator(cc, observables, target.simulator(), shots=shots,
                                   seed=seed, optimization_level=optimization_level,
                                   mitigation=mitigation)
    if target.runtime:
        return RuntimeSamplerEvaluator(cc, observables, target, shots, seed, optimization_level,
                                       options=runtime_options,
                                       max_circuits_per_job=max_circuits_per_job,
                                       execution_mode=execution_mode, mitigation=mitigation)
    return AerSamplerEvaluator(cc, observables, target.simulator(), shots=shots, seed=seed,
                               optimization_level=optimization_level)
