"""Exact state-vector evaluation of parametrised circuits, with adjoint gradients.

A circuit is compiled once: flattened to one- and two-qubit gates, each gate angle turned into
a function of the inputs ``X`` (B, d) and the weights ``W`` (P, m), the weight-free leading
part (the feature map) moved first, and the whole translated into a kernel program
(``qml.engine.program``). Evaluation then runs every (parameter set, sample) pair's state vector
through the program with the compiled kernels of ``qml.engine.gate_kernels``, one state at a time
per thread, on ``QLIMITS_NUM_THREADS`` threads (default: the cores this process may use).

Working on one state at a time keeps it in cache across gates while it fits there; past that
(about 2**19 complex amplitudes), the program runs in cache-blocked stages
(``qml.engine.cache_blocking``), each one pass over the state in tiles that do fit, instead of
one pass per gate. It also keeps memory to what is needed: a few states per thread; during a
gradient, the final states of one chunk of samples; and, when they fit in ``chunk_bytes``, the
feature-map states of the data set, cached so that training pays the feature map once.
Circuits whose gates and observables are all real run in float64. Before any call allocates,
``memory_needed`` counts every buffer and the call is refused with the figure if one thread's
share does not fit.

Gradients use adjoint differentiation (Jones & Gacon 2020): one forward pass, then one backward
pass that un-computes the state gate by gate, so the cost per sample is a small constant number
of state-vector passes whatever the number of weights. Inputs get exact gradients the same way.

Qubit ``q`` is bit ``q`` of the basis-state index, as in qiskit.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.quantum_info import Operator, SparsePauliOp

from qml.engine import drivers
from qml.engine.cache_blocking import tile_qubits
from qml.engine.execution import ProgramPasses
from qml.engine.gate_kernels import phase_scratch_size
from qml.engine.gates import PARAMETRIC_GATES, dense_to_elems, parametric_elems
from qml.engine.memory import available_memory, check_memory, default_threads, state_bytes
from qml.engine.program import Program
from qml.engine.sampling import ShotSampling
from qml.engine.state_outputs import StateOutputs
from qml.engine.translate import SKIPPED, Angle, Op, Source, flatten, pauli_terms, weight_free_first
from qml.paths import kernels_on_disk

__all__ = ["ExactCircuit", "compile_circuit", "warm_up", "compiled_on_disk",
           "DEFAULT_CHUNK_BYTES"]

logger = logging.getLogger(__name__)


DEFAULT_CHUNK_BYTES = 256 * 2**20






class ExactCircuit(StateOutputs, ShotSampling, ProgramPasses):
    """A circuit compiled for exact, batched evaluation; build it with ``compile_circuit``.

    Every (parameter set, sample) pair is one state vector, run through the circuit program
    by the compiled kernels of ``qml.engine.gate_kernels`` -- one state at a time per thread, so a
    state stays in cache across gates and memory holds only what is needed: a few states per
    thread, the final states of one chunk of samples during a gradient, and (when it fits in
    ``chunk_bytes``) the feature-map states of the data set, cached.

    Examples
    --------
    >>> from qiskit.circuit import ParameterVector
    >>> x, w = ParameterVector("x", 1), ParameterVector("w", 1)
    >>> qc = QuantumCircuit(1); _ = qc.ry(x[0], 0); _ = qc.ry(w[0], 0)
    >>> ec = compile_circuit(qc, x, w, [SparsePauliOp("Z")])
    >>> ec.expectations(np.array([[0.3]]), np.array([[0.2]])).round(6)  # cos(0.5)
    array([[[0.877583]]])
    """

    def __init__(self, n_qubits: int, ops: list[Op], n_inputs: int, n_weights: int,
                 observables: Sequence[SparsePauliOp], global_phase: Angle,
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES, threads: int | None = None):
        self.n_qubits = n_qubits
        self.n_inputs = n_inputs
        self.n_weights = n_weights
        self.global_phase = global_phase
        self.chunk_bytes = chunk_bytes
        self.threads = threads
        self.ops = weight_free_first(ops)
        self.prefix = next((i for i, op in enumerate(self.ops) if op.depends_on("weight")),
                           len(self.ops))
        self.program = Program.build(self.ops, n_qubits, self.prefix)
        self.dtype = self.program.dtype
        self._terms, self._coeffs, self.n_outputs = pauli_terms(observables, n_qubits,
                                                                 self.program.real)
        self._data_key: bytes | None = None
        self._inputs: np.ndarray | None = None
        self._prefix_states: np.ndarray | None = None
        self._plans: dict = {}
        self._tile_qubits = tile_qubits(n_qubits, np.dtype(self.dtype).itemsize)
        check_memory(self.memory_needed(1, 1, gradient=True, threads=1),
                     f"an exact {n_qubits}-qubit evaluation",
                     "Use fewer qubits (n_qubits with reduction='pca') or a shot-based backend.")

    # ------------------------------------------------------------------ memory
    @property
    def state_bytes(self) -> int:
        """Bytes of one state vector of this circuit (float64 when it is real)."""
        return np.dtype(self.dtype).itemsize * 2**self.n_qubits

    def memory_needed(self, n_samples: int, n_sets: int, gradient: bool = False,
                      threads: int | None = None, kept_samples: int = 1) -> int:
        """Bytes an evaluation allocates: per thread a working state (and the adjoint state,
        the fused phases' tables, and the tile buffers of a cache-blocked program); the final
        states of ``kept_samples`` samples for every parameter set during a gradient; the
        cached feature-map states when they fit in ``chunk_bytes``; the coefficient tables
        and the results."""
        state = self.state_bytes
        threads = (self.threads or default_threads()) if threads is None else threads
        itemsize = np.dtype(self.dtype).itemsize
        per_thread = state * (1 + (1 if gradient else 0))
        if self.program.fused:  # the fused phases' tables
            per_thread += itemsize * phase_scratch_size(self.n_qubits)
        if self.tile_qubits:  # a tile buffer, and its adjoint twin in a gradient
            per_thread += itemsize * 2**self.tile_qubits * (1 + gradient)
        tables = np.dtype(self.dtype).itemsize * (
            self.program.sizes[0] + n_samples * self.program.sizes[1]
            + n_sets * self.program.sizes[2] + n_sets * n_samples * self.program.sizes[3])
        kept = kept_samples * n_sets * state if gradient else 0
        cached = n_samples * state if self.prefix and n_samples * state <= self.chunk_bytes \
            else 0  # the feature-map states of the data set
        return (threads * per_thread + kept + cached + tables
                + 16 * n_sets * n_samples * self.n_outputs)

    # ------------------------------------------------------------------ helpers
    def _check(self, X, W):
        X = np.zeros((1, 0)) if X is None else np.asarray(X, dtype=float)
        W = np.zeros((1, 0)) if W is None else np.asarray(W, dtype=float)
        if W.ndim == 1:
            W = W[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (n_samples, {self.n_inputs}); got {X.shape}")
        if W.ndim != 2 or W.shape[1] != self.n_weights:
            raise ValueError(f"W must have shape (n_sets, {self.n_weights}); got {W.shape}")
        return np.ascontiguousarray(X), np.ascontiguousarray(W)

    def _pairs(self, n_sets: int, samples: range) -> np.ndarray:
        """(set, sample) pairs, set-major: pair ``p * len(samples) + j`` is sample ``j``."""
        p, b = np.meshgrid(np.arange(n_sets), np.asarray(samples), indexing="ij")
        return np.ascontiguousarray(np.stack([p.ravel(), b.ravel()], axis=1), dtype=np.int64)

    def _tables(self, X, W) -> tuple:
        """The coefficient tables of a call, and the cached feature-map states (or None)."""
        key = hashlib.sha1(X.tobytes() + str(X.shape).encode()).digest()
        if key != self._data_key:
            self._inputs = self.program.input_table(X) if self.program.sizes[1] \
                else np.zeros((len(X), 0), dtype=self.dtype)
            self._prefix_states = None
            self._data_key = key
            if self.prefix and len(X) * self.state_bytes <= self.chunk_bytes:
                self._prefix_states = self._run_prefix(X)
            elif self.prefix:
                logger.debug("%d qubits: feature states of %d samples (%d MiB) exceed the "
                             "cache budget of %d MiB; recomputed each call", self.n_qubits,
                             len(X), len(X) * self.state_bytes // 2**20,
                             self.chunk_bytes // 2**20)
        both = self.program.both_table(X, W) if self.program.sizes[3] \
            else np.zeros((len(W) * len(X), 0), dtype=self.dtype)
        weights = self.program.weight_table(W) if self.program.sizes[2] \
            else np.zeros((len(W), 0), dtype=self.dtype)
        return (self.program.fixed_table, self._inputs, weights, both)

    def _run_prefix(self, X) -> np.ndarray:
        """The states of every sample after the feature map (the weight-free prefix)."""
        states = np.empty((len(X), 2**self.n_qubits), dtype=self.dtype)
        tables = (self.program.fixed_table, self._inputs,
                  np.zeros((1, 0), dtype=self.dtype), np.zeros((len(X), 0), dtype=self.dtype))
        rows = self.program.forward_rows[:self.program.forward_prefix]
        pairs = self._pairs(1, range(len(X)))
        self._forward(pairs, rows, 0, tables, len(X), None, states, expect=False)
        return states

    def _start(self):
        """Rows, first row and initial states of a forward pass."""
        if self._prefix_states is not None:
            return self.program.forward_rows, self.program.forward_prefix, self._prefix_states
        return (self.program.forward_rows, 0,
                np.zeros((0, 2**self.n_qubits), dtype=self.dtype))

    def _chunk_samples(self, n_samples: int, n_sets: int) -> int:
        """Samples whose final states (for every parameter set) a gradient keeps at once:
        what ``chunk_bytes`` holds, but at least one pair per thread where memory allows (a
        chunk of one wide state would leave the other threads idle)."""
        threads = self.threads or default_threads()
        per_sample = n_sets * self.state_bytes
        budget = min(max(self.chunk_bytes, -(-threads // n_sets) * per_sample),
                     available_memory() // 4)
        return max(1, min(n_samples, budget // per_sample))

    # ------------------------------------------------------------------ public
    def statevectors(self, X=None, W=None) -> np.ndarray:
        """Final state vectors, shape ``(P, B, 2**n)``, global phase included."""
        X, W = self._check(X, W)
        states = len(W) * len(X) * (self.state_bytes + 16 * 2**self.n_qubits)  # and complex
        check_memory(self.memory_needed(len(X), len(W), threads=1) + states,
                     f"{len(W) * len(X)} "
                     f"{self.n_qubits}-qubit state vectors", "Ask for fewer states at once.")
        tables = self._tables(X, W)
        rows, start, init = self._start()
        states = np.empty((len(W) * len(X), 2**self.n_qubits), dtype=self.dtype)
        self._forward(self._pairs(len(W), range(len(X))), rows, start, tables, len(X), init,
                      states, expect=False)
        states = states.reshape(len(W), len(X), -1).astype(complex)
        phase = np.asarray(self.global_phase.value(X, W))
        return states * np.exp(1j * phase.reshape(phase.shape + (1,) * (3 - phase.ndim)))

    def expectations(self, X=None, W=None) -> np.ndarray:
        """Expectation values of the observables, shape ``(P, B, K)``."""
        X, W = self._check(X, W)
        check_memory(self.memory_needed(len(X), len(W), threads=1), f"an exact "
                     f"{self.n_qubits}-qubit evaluation", "Use fewer qubits or fewer samples "
                     "per call.")
        tables = self._tables(X, W)
        rows, start, init = self._start()
        out = self._forward(self._pairs(len(W), range(len(X))), rows, start, tables, len(X),
                            init, None)
        return out.reshape(len(W), len(X), self.n_outputs)

    def vjp(self, X, W, cotangent: np.ndarray, inputs: bool = False):
        """Vector-Jacobian product of ``expectations`` by adjoint differentiation.

        Parameters
        ----------
        X : array, shape (B, d)
        W : array, shape (P, m)
        cotangent : array (P, B, K), or callable ``f(E, rows) -> array``
            Gradient of a scalar with respect to each expectation value. A callable gets the
            expectations of the samples ``X[rows]`` (evaluated in chunks) and returns theirs,
            for losses whose gradient depends on the forward result.
        inputs : bool
            Also return the gradient with respect to every sample's inputs.

        Returns
        -------
        expectations : array (P, B, K)
        grad_weights : array (P, m), summed over samples
        grad_inputs : array (P, B, d) or None
        """
        X, W = self._check(X, W)
        P, B = len(W), len(X)
        chunk = self._chunk_samples(B, P)
        check_memory(self.memory_needed(B, P, gradient=True, threads=1, kept_samples=chunk),
                     f"an exact {self.n_qubits}-qubit gradient",
                     "Use fewer qubits or fewer samples per call.")
        if chunk < B:
            logger.debug("%d qubits, %d parameter sets: %d samples in chunks of %d "
                         "(budget %d MiB)", self.n_qubits, P, B, chunk,
                         self.chunk_bytes // 2**20)
        tables = self._tables(X, W)
        rows, start, init = self._start()
        E = np.empty((P, B, self.n_outputs))
        gW = np.zeros((P, self.n_weights))
        gX = np.zeros((P, B, self.n_inputs)) if inputs else None
        stop = 0 if inputs else self.prefix
        program = self.program
        for first in range(0, B, chunk):
            sl = slice(first, min(B, first + chunk))
            pairs = self._pairs(P, range(sl.start, sl.stop))
            states = np.empty((len(pairs), 2**self.n_qubits), dtype=self.dtype)
            E[:, sl] = self._forward(pairs, rows, start, tables, B, init,
                                     states).reshape(P, -1, self.n_outputs)
            cot = cotangent(E[:, sl], sl) if callable(cotangent) \
                else np.asarray(cotangent)[:, sl]
            cot = np.ascontiguousarray(np.broadcast_to(cot, (P, sl.stop - sl.start,
                                                             self.n_outputs)),
                                       dtype=self.dtype).reshape(-1, self.n_outputs)
            grads = np.zeros((len(pairs), len(program.slot_info)))

            self._backward(pairs, states, cot, stop, tables, B, self._terms, self._coeffs,
                           grads, states[:0])
            grads = grads.reshape(P, -1, len(program.slot_info))
            for s, slot in enumerate(program.slot_info):
                if slot.op >= stop:
                    self._accumulate(slot.angle, grads[:, :, s], X[sl], W, gW,
                                     None if gX is None else gX[:, sl])
        return E, gW, gX

    @staticmethod
    def _accumulate(angle, g, X, W, gW, gX):
        """Chain rule from a gate angle's gradient g (P, B) to weights and inputs."""
        for src, dval in angle.derivatives(X, W):
            contrib = g * dval
            if src.kind == "weight":
                gW[:, src.index] += np.broadcast_to(contrib, (gW.shape[0], g.shape[1])).sum(1)
            elif gX is not None:
                gX[:, :, src.index] += np.broadcast_to(contrib, gX.shape[:2])


def compile_circuit(circuit: QuantumCircuit, inputs: Sequence[Parameter],
                    weights: Sequence[Parameter], observables: Sequence[SparsePauliOp],
                    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                    threads: int | None = None) -> ExactCircuit:
    """Compile a parametrised circuit for exact evaluation.

    Gates the engine does not know are decomposed through their qiskit definitions; if that
    does not reach known gates, ``UnsupportedCircuitError`` is raised (callers fall back to
    Aer). Final measurements are ignored.

    Raises
    ------
    StateTooLargeError
        If the working state vectors would not fit in free memory.
    UnsupportedCircuitError
        For mid-circuit measurements, resets, classical control or gates without a matrix.

    Examples
    --------
    >>> from qiskit.circuit.library import real_amplitudes
    >>> ra = real_amplitudes(2, reps=1)
    >>> ec = compile_circuit(ra, [], list(ra.parameters), [SparsePauliOp("IZ")])
    >>> ec.expectations(None, np.zeros((1, 4))).shape
    (1, 1, 1)
    """
    check_memory(state_bytes(circuit.num_qubits) // 2, f"an exact {circuit.num_qubits}-qubit "
                 "evaluation", "Use fewer qubits (n_qubits with reduction='pca') or a "
                 "shot-based backend.")  # one real state, before anything is built
    sources = {p: Source("input", i) for i, p in enumerate(inputs)}
    sources.update({p: Source("weight", i) for i, p in enumerate(weights)})
    flat = flatten(circuit)
    ops = []
    for inst in flat.data:
        op = inst.operation
        qubits = tuple(flat.find_bit(q).index for q in inst.qubits)
        if op.name in SKIPPED:
            continue
        if op.name in PARAMETRIC_GATES:
            angles = tuple(Angle(p, sources) for p in op.params)
            if not any(a.parametrised for a in angles):
                elems, _ = parametric_elems(op.name, [a.constant for a in angles])
                ops.append(Op(qubits, op.name, fixed=elems))
            else:
                ops.append(Op(qubits, op.name, angles=angles))
        else:
            ops.append(Op(qubits, op.name, fixed=dense_to_elems(Operator(op).data, 1e-15)))
    return ExactCircuit(flat.num_qubits, ops, len(inputs), len(weights), observables,
                        Angle(flat.global_phase, sources), chunk_bytes, threads)


def warm_up() -> float:
    """Compile the engine's kernels for real and complex states now (or load them from the
    disk cache, well under a second), so that the first training iteration is not the one
    that pays for it; returns the seconds it took. The CLI calls it, saying so, when
    ``compiled_on_disk()`` is False.

    Examples
    --------
    >>> warm_up() >= 0
    True
    """
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    start = time.perf_counter()
    x, w = ParameterVector("x", 2), ParameterVector("w", 2)
    real = QuantumCircuit(2)
    real.ry(x[0], 0)
    real.ry(x[1], 1)
    real.cx(0, 1)
    real.ry(w[0], 0)
    real.ry(w[1], 1)
    complex_ = real.copy()
    complex_.h(0)
    complex_.rz(x[0] * x[1], 1)
    complex_.rzz(w[0], 0, 1)
    X, W = np.full((2, 2), 0.3), np.full((1, 2), 0.2)
    for qc in (real, complex_):
        ec = compile_circuit(qc, list(x), list(w), [SparsePauliOp("ZI"), SparsePauliOp("XY")
                                                    if qc is complex_ else SparsePauliOp("IZ")])
        ec.expectations(X, W)
        ec.vjp(X, W, np.ones((1, 2, 2)))
    return time.perf_counter() - start


def compiled_on_disk() -> bool:
    """Whether the engine's kernels were compiled by an earlier process on this machine (so
    this one loads them in well under a second instead of compiling them for about 15 s).

    Examples
    --------
    >>> isinstance(compiled_on_disk(), bool)
    True
    """
    return drivers.CACHED and kernels_on_disk(drivers.__file__, ("forward", "backward"))
