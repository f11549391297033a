"""Exact output distributions of noisy parametrised circuits, many at once, in the Pauli basis.

The density-matrix simulation of ``qml.engine.pauli_transfer`` (a ``k``-qubit state as its
``4**k`` real Pauli coordinates, every gate followed by its error channel as a real Pauli
transfer matrix), compiled once for a parametrised circuit and run for a batch of (parameter
set, sample) pairs: a classifier transpiled to a device, measured at the end, under the
device's local noise (an error channel after each gate, a confusion matrix at each
measurement).

Compiling multiplies the fixed operations that follow one another on a qubit pair into one
16 x 16 block, and the one-qubit operations into the blocks around them; what depends on the
inputs or weights is left between the blocks: ``rz`` gates, each a rotation of one qubit's X
and Y coordinates by a per-pair angle (on IBM devices every other gate is fixed). Only the
qubits the circuit touches are simulated. A batch of states is evolved together, in chunks
that stay in cache; the chunk's outcome probabilities include the readout errors.

``k`` is at most ``qml.engine.pauli_transfer.MAX_QUBITS`` (12: a state is 4**12 doubles, 128
MiB, and every block streams it once); the caller falls back to Aer beyond it, and for
anything else the compiler does not know (other parametrised gates, resets, operations after
a measurement): ``UnsupportedCircuitError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Gate, Parameter, ParameterExpression

from qml.engine import pauli_kernels as kernels
from qml.engine.memory import check_memory, default_threads, thread_pool
from qml.engine.pauli_transfer import (
    MAX_QUBITS,
    MEASURE_PTM,
    SWAP_PTM,
    TRACE_PTM,
    channel_ptm,
    pair_ptm,
    unitary_ptm,
)
from qml.engine.sampling import ShotSampling
from qml.engine.translate import Angle, Source
from qml.errors import UnsupportedCircuitError

__all__ = ["NoisyCircuit"]

_FIXED1, _FIXED2, _RZ = "fixed1", "fixed2", "rz"
_CHUNK_BYTES = 16 * 2**20  # the states of a chunk of pairs (each evolved on its own)


class NoisyCircuit(ShotSampling):
    """A parametrised circuit under local noise, compiled for exact, batched output
    distributions (see the module docstring).

    Parameters
    ----------
    circuit : QuantumCircuit
        One- and two-qubit gates, every classical bit measured once at the end. Its qubit
        indices are the ones ``gate_errors`` and ``readout_errors`` name (physical qubits of
        a transpiled circuit).
    inputs, weights : sequence of Parameter
        The circuit's parameters, as columns of ``X`` and ``W``.
    gate_errors : iterable of tuple
        ``(name, qubits, error)``: an error channel after every gate ``name`` on these qubits
        (a ``QuantumError``, or any channel ``SuperOp`` accepts).
    readout_errors : iterable of tuple
        ``(qubits, error)``: one-qubit ``ReadoutError`` s, or 2 x 2 ``P(read | prepared)``.

    Examples
    --------
    >>> from qiskit.circuit import Parameter
    >>> from qiskit_aer.noise import depolarizing_error
    >>> x = Parameter("x")
    >>> qc = QuantumCircuit(2, 2)
    >>> _ = qc.sx(0); _ = qc.rz(x, 0); _ = qc.sx(0); _ = qc.cx(0, 1); _ = qc.measure([0, 1], [0, 1])
    >>> nc = NoisyCircuit(qc, [x], [], [("cx", (0, 1), depolarizing_error(0.1, 2))])
    >>> nc.probabilities(np.array([[0.0], [np.pi]])).round(3)  # rz(0): |11>; rz(pi): |00>
    array([[[0.025, 0.025, 0.025, 0.925],
            [0.925, 0.025, 0.025, 0.025]]])
    """

    def __init__(self, circuit: QuantumCircuit, inputs: Sequence[Parameter],
                 weights: Sequence[Parameter], gate_errors: Iterable = (),
                 readout_errors: Iterable = ()):
        self.n_inputs, self.n_weights = len(inputs), len(weights)
        sources = {p: Source("input", i) for i, p in enumerate(inputs)}
        sources.update({p: Source("weight", i) for i, p in enumerate(weights)})
        uses: dict = {}  # operations on each qubit: the least used get the lowest digits
        for inst in circuit.data:
            if inst.name != "barrier":
                for q in inst.qubits:
                    q = circuit.find_bit(q).index
                    uses[q] = uses.get(q, 0) + 1
        active = sorted(uses, key=lambda q: (uses[q], q))
        if len(active) > MAX_QUBITS:
            raise UnsupportedCircuitError(
                f"{len(active)} active qubits: the Pauli-basis state would need "
                f"{4**len(active) * 8 / 2**30:.1f} GiB (limit {MAX_QUBITS} qubits)")
        self.physical = active  # the simulated qubits, local qubit i is physical[i]
        self.k = len(active)
        self.n_qubits = circuit.num_clbits  # outcome bits: 2**n_qubits outcomes
        index = {q: i for i, q in enumerate(active)}
        self._errors = {(name, tuple(index.get(q, -1) for q in qubits)): error
                        for name, qubits, error in gate_errors}
        self._readout = {}
        for qubits, error in readout_errors:
            if len(qubits) == 1 and qubits[0] in index:
                self._readout[index[qubits[0]]] = np.asarray(
                    getattr(error, "probabilities", error), dtype=float)
        self.ops, self._measured = self._compile(circuit, index, sources)
        self._zero = self._zero_state()
        self._program = self._encode()

    # ------------------------------------------------------------------ compile
    def _error(self, name: str, qubits: tuple) -> np.ndarray | None:
        error = self._errors.get((name, qubits))
        if error is not None and not isinstance(error, np.ndarray):
            error = self._errors[(name, qubits)] = channel_ptm(error)
        return error

    def _gate_ptm(self, op, qubits: tuple, cache: dict) -> np.ndarray:
        if not isinstance(op, Gate) or op.num_qubits > 2:
            raise UnsupportedCircuitError(f"instruction {op.name!r} on {len(qubits)} qubits "
                                          "is not a one- or two-qubit gate")
        if any(isinstance(p, ParameterExpression) and p.parameters for p in op.params):
            raise UnsupportedCircuitError(f"parametrised {op.name!r} gates are not supported "
                                          "(only rz angles may depend on inputs or weights)")
        key = (op.name, tuple(float(p) for p in op.params), qubits)
        if key not in cache:
            ptm = unitary_ptm(op.to_matrix())
            error = self._error(op.name, qubits)
            cache[key] = ptm if error is None else error @ ptm
        return cache[key]

    def _compile(self, circuit: QuantumCircuit, index: dict, sources: dict):
        """The operations ``(kind, qubits, payload)`` in order, and ``{qubit: clbit}``."""
        ops: list = []
        pending: list = [None] * self.k  # fixed one-qubit PTMs waiting for a block
        last = [-1] * self.k  # the block that last touched each qubit, if still mergeable
        measured: dict = {}
        cache: dict = {}

        def flush(q):
            if pending[q] is not None:
                ops.append((_FIXED1, (q,), pending[q]))
                pending[q], last[q] = None, -1

        for inst in circuit.data:
            name = inst.name
            if name == "barrier":
                continue
            qubits = tuple(index[circuit.find_bit(q).index] for q in inst.qubits)
            if any(q in measured for q in qubits):
                raise UnsupportedCircuitError("operations after a measurement are not supported")
            if name == "measure":
                clbit = circuit.find_bit(inst.clbits[0]).index
                if clbit in measured.values():
                    raise UnsupportedCircuitError(f"clbit {clbit} is measured twice")
                measured[qubits[0]] = clbit
                continue
            angle = inst.operation.params[0] if name == "rz" else None
            if isinstance(angle, ParameterExpression) and angle.parameters:
                q = qubits[0]
                flush(q)
                ops.append((_RZ, (q,), Angle(angle, sources)))
                last[q] = -1
                pending[q] = self._error("rz", qubits)  # an rz error after the rotation
                continue
            ptm = self._gate_ptm(inst.operation, qubits, cache)
            if len(qubits) == 1:
                q = qubits[0]
                pending[q] = ptm if pending[q] is None else ptm @ pending[q]
                continue
            a, b = qubits
            if pending[a] is not None or pending[b] is not None:
                ptm = ptm @ pair_ptm(pending[a], pending[b])
                pending[a] = pending[b] = None
            j = last[a]
            if j >= 0 and j == last[b]:  # the same pair as the last block on both: merge
                _, pair, before = ops[j]
                ops[j] = (_FIXED2, pair, (ptm if pair == (a, b) else SWAP_PTM @ ptm @ SWAP_PTM)
                          @ before)
            else:
                ops.append((_FIXED2, (a, b), ptm))
                last[a] = last[b] = len(ops) - 1
        for q in range(self.k):
            flush(q)
        if sorted(measured.values()) != list(range(circuit.num_clbits)):
            raise UnsupportedCircuitError("every classical bit must be measured exactly once")
        return ops, measured

    def _zero_state(self) -> np.ndarray:
        state = np.ones(1)
        for _ in range(self.k):
            state = np.multiply.outer(state, [1.0, 0.0, 0.0, 1.0])  # |0><0| = (I + Z) / 2
        return state.reshape((4,) * self.k)

    # ------------------------------------------------------------------ evolve
    def _encode(self) -> tuple:
        """The operations as the arrays ``qml.engine.pauli_kernels.evolve`` reads, each PTM
        as its non-zero entries."""
        kinds, qa, qb, rz_col, starts = [], [], [], [], [0]
        rows, cols, vals = [], [], []
        for kind, qubits, payload in self.ops:
            qa.append(qubits[0])
            qb.append(qubits[1] if len(qubits) == 2 else -1)
            rz_col.append(sum(k == _RZ for k in kinds) if kind == _RZ else -1)
            kinds.append(kind)
            if kind != _RZ:
                r, c = np.nonzero(np.abs(payload) > 1e-15)
                rows += r.tolist()
                cols += c.tolist()
                vals += payload[r, c].tolist()
            starts.append(len(rows))
        code = {_FIXED1: kernels.K_FIXED1, _FIXED2: kernels.K_FIXED2, _RZ: kernels.K_RZ}
        return (np.array([code[k] for k in kinds], dtype=np.int64),
                np.array(qa, dtype=np.int64), np.array(qb, dtype=np.int64),
                np.array(starts, dtype=np.int64), np.array(rows, dtype=np.int64),
                np.array(cols, dtype=np.int64), np.array(vals, dtype=float),
                np.array(rz_col, dtype=np.int64))

    def _outcomes(self, state: np.ndarray) -> np.ndarray:
        """(N, 2**clbits) outcome probabilities of evolved states, readout included."""
        out = state
        for q in reversed(range(self.k)):  # axis 1 is always the highest qubit left
            vector = MEASURE_PTM if q in self._measured else TRACE_PTM
            if q in self._measured and q in self._readout:
                vector = self._readout[q].T @ vector
            out = np.tensordot(out, vector, axes=([1], [vector.ndim - 1]))  # lowest qubit last
        kept = [q for q in reversed(range(self.k)) if q in self._measured]
        out = out.reshape((len(state),) + tuple(2 if q in self._measured else 1
                                                for q in reversed(range(self.k))))
        out = out.reshape((len(state),) + (2,) * len(kept))
        by_clbit = sorted(kept, key=self._measured.get, reverse=True)  # highest clbit first
        out = np.transpose(out, [0] + [1 + kept.index(q) for q in by_clbit])
        return np.clip(out.reshape(len(state), -1), 0.0, None)

    def _angle_table(self, X: np.ndarray, W: np.ndarray) -> list[np.ndarray]:
        """Each rz op's angle for every pair, set-major (P * B,)."""
        P, B = len(W), len(X)
        return [np.broadcast_to(np.asarray(op[2].value(X, W), dtype=float), (P, B)).ravel()
                for op in self.ops if op[0] == _RZ]

    def _check(self, X, W):
        X = np.zeros((1, 0)) if X is None else np.asarray(X, dtype=float)
        W = np.zeros((1, 0)) if W is None else np.atleast_2d(np.asarray(W, dtype=float))
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (n_samples, {self.n_inputs}); got {X.shape}")
        if W.ndim != 2 or W.shape[1] != self.n_weights:
            raise ValueError(f"W must have shape (n_sets, {self.n_weights}); got {W.shape}")
        return X, W

    def _distributions(self, X, W, extra_bytes: int = 0):
        """``(pairs slice, probabilities (c, 2**clbits))`` over chunks of the pairs."""
        P, B = len(W), len(X)
        state_bytes = 8 * 4**self.k
        chunk = max(1, min(P * B, _CHUNK_BYTES // state_bytes))
        threads = max(1, min(default_threads(), chunk))
        check_memory((chunk + threads) * state_bytes  # the chunk's, and a scratch per thread
                     + chunk * (8 * 2**self.n_qubits + extra_bytes),
                     f"noisy {self.k}-qubit distributions", "Use fewer qubits.")
        angles = self._angle_table(X, W)
        cos = np.ascontiguousarray(np.stack(angles, axis=1) if angles
                                   else np.zeros((P * B, 0))).reshape(P * B, -1)
        sin, cos = np.sin(cos), np.cos(cos)
        zero = self._zero.reshape(-1)
        states = np.empty((chunk, 4**self.k))
        for first in range(0, P * B, chunk):
            sl = slice(first, min(P * B, first + chunk))
            c = sl.stop - sl.start
            bounds = np.linspace(0, c, min(threads, c) + 1).astype(int)
            view = states[:c]
            jobs = [(view, np.empty(4**self.k), zero, *self._program, cos[sl], sin[sl],
                     int(lo), int(hi)) for lo, hi in zip(bounds[:-1], bounds[1:])]
            if len(jobs) == 1:
                kernels.evolve(*jobs[0])
            else:
                list(thread_pool(len(jobs)).map(lambda job: kernels.evolve(*job), jobs))
            yield sl, self._outcomes(view.reshape((c,) + self._zero.shape))
