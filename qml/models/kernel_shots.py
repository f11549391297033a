"""A fidelity kernel from shots: the compute-uncompute circuit ``U(y)^dag U(x)`` of every
pair, ``k`` = the frequency of the all-zeros outcome; all pairs of a block are one parameter
array in one primitive call (hardware backends through the job ledger, where
``qml.backends.dispatch`` sends them; ``statevector`` with shots and ``aer:<fake>`` on
qlimits' engine, shots drawn from each circuit's exact, or exact noisy, distribution); the
diagonal is not run, but where depolarising noise is mitigated (``mitigation``,
``qml.models.kernel_noise``): there it measures the noise."""

from __future__ import annotations

import logging

import numpy as np
from qiskit import QuantumCircuit

from qml.hardware.mitigation import (
    CALIBRATION_SHOTS,
    ReadoutMitigator,
    measured_qubits,
    simulated_calibration,
)
from qml.models.kernel_noise import mitigate

__all__ = ["SampledKernel", "PAIRS_PER_CALL", "pair_circuit", "basis_circuits"]

logger = logging.getLogger(__name__)

PAIRS_PER_CALL = 4096  # compute-uncompute pairs per primitive call (one parameter array);
# on fake: and ibm: one job's worth (qml.hardware.job_limits: max_circuits_per_job, IBM's
# executions and instructions per job)


def pair_circuit(circuit: QuantumCircuit) -> QuantumCircuit:
    """``U(y)^dag U(x)`` measured, with parameters x then y: the circuit every kernel
    entry runs on a shot-based backend."""
    from qiskit.circuit import ParameterVector

    d = circuit.num_parameters
    a, b = ParameterVector("a", d), ParameterVector("b", d)
    params = list(circuit.parameters)
    left = circuit.assign_parameters(dict(zip(params, a)))
    right = circuit.assign_parameters(dict(zip(params, b))).inverse()
    qc = left.compose(right)
    qc.measure_all()
    return qc


class SampledKernel:
    """Mixin of ``QuantumKernel``: its Gram matrices on shot-based backends."""

    def _sampler(self, circuit: QuantumCircuit, name: str):
        """``(run(values) -> one BitArray per circuit, rows per call)`` for the measured
        circuits of the feature map ``circuit`` that ``name`` stands for (``"kernel"``: the
        compute-uncompute pair; ``"projections"``: the three bases), sharing their parameters
        (``values`` columns in the order of the first circuit's ``parameters``): all of them
        one job per call on ``fake:``/``ibm:`` (through the ledger), one Aer sampler call
        otherwise. Transpiled once per kernel."""
        key = ("sampler", name, id(circuit), self.backend, self.shots, self.seed)
        if key in self._cache:
            return self._cache[key]
        circuits = [pair_circuit(circuit)] if name == "kernel" else basis_circuits(circuit)
        from qml.backends import DEFAULT_SHOTS
        from qml.backends.dispatch import resolve

        target = resolve(self.backend)
        shots = DEFAULT_SHOTS if self.shots is None else int(self.shots)
        rng = np.random.default_rng(self.seed)
        engines = None
        if target.exact:  # statevector with shots: draws from the engine's distributions
            isas, engines = circuits, _exact_engines(target, circuits)
        elif target.kind == "device":  # transpiled to the device: what Aer's copy would get
            from qiskit import transpile

            isas = transpile(circuits, target.device(), seed_transpiler=self.seed)
            engines = _noisy_engines(target, isas)
        if engines is not None:
            sample = _engine_sample(engines, shots, self.seed, name, rng)
        elif target.runtime:
            jobs = target.jobs(target.device(circuits[0].num_qubits),
                               mode=self.execution_mode or "batch",
                               max_circuits_per_job=self.max_circuits_per_job,
                               options=self.runtime_options)
            isas = jobs.transpile(circuits, seed=self.seed)

            def sample(columns):
                return jobs.run(isas, columns, shots, name, int(rng.integers(2**31 - 1)))
        else:
            from qiskit import transpile

            simulator = resolve("aer").simulator() if target.exact else target.simulator()
            isas = transpile(circuits, simulator, seed_transpiler=self.seed)
            sample = _aer_sample(simulator, isas, shots, rng)

        names = [p.name for p in circuits[0].parameters]
        orders = [[names.index(p.name) for p in isa.parameters] for isa in isas]
        most = jobs.circuits_per_job(isas, shots) // len(circuits) if target.runtime \
            else PAIRS_PER_CALL  # on the runtime: one job per call
        def run(values):
            return sample([values[:, o] for o in orders])

        if self.mitigation == "m3":  # every circuit's counts as readout-corrected quasi-probs
            def through_the_ledger(cal):
                return [b.get_counts() for b in jobs.run(
                    cal, [None] * len(cal), CALIBRATION_SHOTS, "m3_calibration", self.seed)]

            calibrate = through_the_ledger if target.runtime else \
                simulated_calibration(target.simulator(), self.seed)
            run = _readout_corrected(run, isas, calibrate, isas[0].num_qubits)
        self._cache[key] = run, max(1, most)
        return self._cache[key]

    def _runner(self, circuit: QuantumCircuit):
        """(run(values) -> all-zeros frequency per row, pairs per call) of the
        compute-uncompute circuit, values ``[x, y]``."""
        run, per_call = self._sampler(circuit, "kernel")
        return (lambda values: _zeros_frequency(run(values)[0])), per_call

    def _sampled_projections(self, circuit: QuantumCircuit, X: np.ndarray) -> np.ndarray:
        """Every qubit's X, Y and Z expectation of every sample's feature state, from shots
        in the three bases (three circuits per sample), ordered as
        ``qml.models.projected.projections``."""
        run, per_call = self._sampler(circuit, "projections")
        out = np.empty((len(X), 3 * circuit.num_qubits))
        n = circuit.num_qubits
        for start in range(0, len(X), per_call):
            block = X[start:start + per_call]
            self.n_circuits_ += 3 * len(block)
            for b, bits in enumerate(run(block)):
                out[start:start + len(block), b * n:(b + 1) * n] = _expectations(bits, n)
        return out

    def _sampled(self, circuit, X, Y) -> np.ndarray:
        run, per_call = self._runner(circuit)
        symmetric = Y is None
        Y = X if symmetric else Y
        if symmetric:
            i, j = np.triu_indices(len(X), k=1)  # the diagonal is 1: not run
        else:
            i, j = (a.ravel() for a in np.meshgrid(np.arange(len(X)), np.arange(len(Y)),
                                                   indexing="ij"))
        K = np.eye(len(X)) if symmetric else np.empty((len(X), len(Y)))
        for start in range(0, len(i), per_call):
            rows, cols = i[start:start + per_call], j[start:start + per_call]
            values = np.concatenate([X[rows], Y[cols]], axis=1)
            self.n_circuits_ += len(rows)
            K[rows, cols] = run(values)
            if symmetric:
                K[cols, rows] = K[rows, cols]
        if self.mitigation in (None, "m3"):  # M3 corrected every entry as it was measured
            return K
        left = self._diagonal(run, X, per_call)  # noise-free 1: what the device makes of it
        right = left if symmetric else self._diagonal(run, Y, per_call)
        K = mitigate(K, left, right, circuit.num_qubits, self.mitigation)
        if symmetric:
            np.fill_diagonal(K, 1.0)
        return K

    def _diagonal(self, run, X: np.ndarray, per_call: int) -> np.ndarray:
        """``k(x, x)`` of every sample as the device measures it (noise-free exactly 1)."""
        out = np.empty(len(X))
        for start in range(0, len(X), per_call):
            block = X[start:start + per_call]
            self.n_circuits_ += len(block)
            out[start:start + len(block)] = run(np.concatenate([block, block], axis=1))
        return out

def basis_circuits(circuit: QuantumCircuit) -> list[QuantumCircuit]:
    """The feature map measured in the X, Y and Z bases of every qubit (``H``; ``S^dag H``;
    nothing before the measurement), with the feature map's parameters.

    Examples
    --------
    >>> qc = QuantumCircuit(2)
    >>> [c.count_ops().get("h", 0) for c in basis_circuits(qc)]
    [2, 2, 0]
    """
    out = []
    for basis in "XYZ":
        qc = circuit.copy()
        for q in range(qc.num_qubits):
            if basis == "Y":
                qc.sdg(q)
            if basis in "XY":
                qc.h(q)
        qc.measure_all()
        out.append(qc)
    return out


def _exact_engines(target, circuits):
    """The exact engine's compiled ``circuits`` (their parameters as inputs), or None (Aer's
    sampler) where it cannot compile one; a log line says which."""
    from qml.engine.statevector import compile_circuit
    from qml.errors import UnsupportedCircuitError

    try:
        engines = [compile_circuit(c, list(c.parameters), [], []) for c in circuits]
    except UnsupportedCircuitError as exc:
        logger.info("%s: kernel circuits on Aer's sampler (the engine cannot: %s)",
                    target.name, exc)
        return None
    logger.info("%s: kernel shots drawn from qlimits' engine", target.name)
    return engines


def _noisy_engines(target, isas):
    """The engine's noisy circuits of ``isas`` on an ``aer:<fake>`` target, or None (Aer)
    where the engine cannot run one of them; a log line says which."""
    from qml.backends.device_noise import noisy_circuit
    from qml.errors import UnsupportedCircuitError

    device = target.device()
    try:
        engines = [noisy_circuit(isa, device, list(isa.parameters)) for isa in isas]
    except UnsupportedCircuitError as exc:
        logger.info("%s: kernel circuits on Aer (the engine cannot: %s)", target.name, exc)
        return None
    logger.info("%s: kernel circuits on qlimits' noisy engine (%d qubits in use)",
                target.name, engines[0].k)
    return engines


def _engine_sample(engines, shots: int, seed, name: str, rng):
    """``sample(columns) -> counts (rows, 2**n)`` per circuit, drawn from the engine's exact
    noisy distributions; with a seed, each row's from a stream keyed by its values."""
    from qml.engine.sampling import pair_keys

    def sample(columns):
        out = []
        for c, (engine, values) in enumerate(zip(engines, columns)):
            none = np.zeros((1, 0))
            keys = None if seed is None else pair_keys(seed, f"{name}{c}", values, none)
            out.append(engine.sample_counts(values, none, shots, keys=keys, rng=rng)[0])
        return out

    return sample


def _aer_sample(simulator, isas, shots: int, rng):
    """``sample(columns) -> BitArray`` per circuit, from one Aer sampler call."""
    from qiskit_aer.primitives import SamplerV2

    def sample(columns):
        sampler = SamplerV2.from_backend(simulator, seed=int(rng.integers(2**31 - 1)),
                                         default_shots=shots)
        result = sampler.run(list(zip(isas, columns))).result()
        return [r.data.meas for r in result]

    return sample


def _expectations(bits, n_qubits: int) -> np.ndarray:
    """``<Z_q>`` of every qubit for every parameter row of a BitArray (or of counts, rows by
    ``2**n`` outcomes): 1 - 2 P(bit q = 1)."""
    if isinstance(bits, np.ndarray):
        ones = (np.arange(bits.shape[1])[:, None] >> np.arange(n_qubits)) & 1
        return 1.0 - 2.0 * (bits @ ones) / bits.sum(axis=1, keepdims=True)
    unpacked = np.unpackbits(bits.array, axis=-1)  # big-endian: qubit q is column -1 - q
    ones = unpacked[..., ::-1][..., :n_qubits].mean(axis=-2)
    return 1.0 - 2.0 * ones


def _zeros_frequency(bits) -> np.ndarray:
    """Fraction of shots that read all zeros, for each parameter row of a BitArray (or of
    counts, rows by outcomes)."""
    if isinstance(bits, np.ndarray):
        return bits[:, 0] / bits.sum(axis=1)
    return (bits.array == 0).all(axis=-1).mean(axis=-1)


def _readout_corrected(run, isas, calibrate, n_device: int):
    """``run`` whose results are M3's quasi-probabilities, rows by ``2**n`` outcomes (as the
    engine's counts are), the device calibrated on the measured qubits at the first call
    (``calibrate(circuits) -> [counts of each]``)."""
    state: dict = {}
    qubits = [measured_qubits(isa) for isa in isas]

    def corrected(values):
        if "mitigator" not in state:
            every = sorted({q for qs in qubits for q in qs})
            state["mitigator"] = ReadoutMitigator.calibrated(calibrate, every, n_device)
        mitigator = state["mitigator"]
        return [mitigator.quasi_rows(result, qs) for result, qs in zip(run(values), qubits)]

    return corrected
