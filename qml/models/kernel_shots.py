"""A fidelity kernel from shots: the compute-uncompute circuit ``U(y)^dag U(x)`` of every
pair, ``k`` = the frequency of the all-zeros outcome; all pairs of a block are one parameter
array in one primitive call (hardware backends through the job ledger, where
``qml.backends.dispatch`` sends them); the diagonal is not run, but where depolarising noise
is mitigated (``mitigation``, ``qml.models.kernel_noise``): there it measures the noise."""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit

from qml.hardware.runtime import circuits_per_job
from qml.models.kernel_noise import mitigate

__all__ = ["SampledKernel", "PAIRS_PER_CALL", "pair_circuit"]

PAIRS_PER_CALL = 4096  # compute-uncompute pairs per primitive call (one parameter array);
# on fake: and ibm: fewer where the shots would pass IBM's executions per job
# (qml.hardware.runtime.circuits_per_job)


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

    def _runner(self, circuit: QuantumCircuit):
        """(run(values) -> all-zeros frequency per row, shots): transpiled once per circuit."""
        key = ("runner", id(circuit), self.backend, self.shots, self.seed)
        if key in self._cache:
            return self._cache[key]
        from qml.backends import DEFAULT_SHOTS
        from qml.backends.dispatch import resolve

        target = resolve(self.backend)
        shots = DEFAULT_SHOTS if self.shots is None else int(self.shots)
        pair = pair_circuit(circuit)
        rng = np.random.default_rng(self.seed)
        if target.runtime:
            jobs = target.jobs(target.device(pair.num_qubits))
            isa = jobs.transpile([pair], seed=self.seed)[0]

            def run(values):
                bits = jobs.run([isa], [values], shots, "kernel",
                                int(rng.integers(2**31 - 1)))[0]
                return _zeros_frequency(bits)
        else:
            from qiskit import transpile
            from qiskit_aer.primitives import SamplerV2

            simulator = target.simulator()
            isa = transpile(pair, simulator, seed_transpiler=self.seed)

            def run(values):
                sampler = SamplerV2.from_backend(simulator, seed=int(rng.integers(2**31 - 1)),
                                                 default_shots=shots)
                return _zeros_frequency(sampler.run([(isa, values)]).result()[0].data.meas)

        d = circuit.num_parameters
        column = {f"a[{k}]": k for k in range(d)} | {f"b[{k}]": d + k for k in range(d)}
        order = [column[p.name] for p in isa.parameters]  # the ISA circuit's own order
        per_call = circuits_per_job(shots, PAIRS_PER_CALL) if target.runtime \
            else PAIRS_PER_CALL  # within IBM's executions per job on fake: and ibm:
        self._cache[key] = (lambda values: run(values[:, order])), per_call
        return self._cache[key]

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
        if self.mitigation is None:
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

def _zeros_frequency(bits) -> np.ndarray:
    """Fraction of shots that read all zeros, for each parameter row of a BitArray."""
    return (bits.array == 0).all(axis=-1).mean(axis=-1)
