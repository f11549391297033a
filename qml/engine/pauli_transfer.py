"""Exact output distributions of small noisy circuits, with density matrices in the Pauli basis.

A ``k``-qubit density matrix is held by its Pauli coordinates ``r_P = Tr(P rho)``: ``4**k``
real numbers, qubit ``q`` on axis ``k - 1 - q``. Every gate, followed by its error channel, is
a real Pauli transfer matrix (PTM; 4 x 4 for one qubit, 16 x 16 for two), and the operations
that follow one another on the same qubit pair are multiplied into one 16 x 16 block before
they touch the state. A quantum-volume circuit of width 5 transpiled at level 3 has about
220 noisy operations but only 13-22 such blocks, so the state is touched that often.

This is the density-matrix simulation Aer runs (the tests compare the two to 1e-12), kept
for what quantum volume needs: many small circuits of one- and two-qubit gates, measured at
the end, under a device's local noise (an error channel after each gate, a confusion matrix
at each measurement). Anything else raises ``UnsupportedCircuitError`` and the caller uses
Aer.

Examples
--------
>>> from qiskit import QuantumCircuit
>>> from qiskit_aer.noise import ReadoutError, depolarizing_error
>>> qc = QuantumCircuit(2, 2)
>>> _ = qc.h(0); _ = qc.cx(0, 1); _ = qc.measure([0, 1], [0, 1])
>>> sim = PauliTransferSimulator(gate_errors=[("cx", (0, 1), depolarizing_error(0.1, 2))])
>>> sim.probabilities(qc).round(3)
array([0.475, 0.025, 0.025, 0.475])
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import CircuitError, Gate

from qml.errors import UnsupportedCircuitError

__all__ = ["MAX_QUBITS", "unitary_ptm", "channel_ptm", "pair_ptm", "PauliTransferSimulator",
           "SWAP_PTM", "MEASURE_PTM", "TRACE_PTM"]

MAX_QUBITS = 12  # 4**12 coordinates = 128 MiB per state; wider circuits go to Aer

_PAULI = np.array([np.eye(2), [[0, 1], [1, 0]], [[0, -1j], [1j, 0]], np.diag([1.0, -1.0])])
# two-qubit Pauli basis, index 4 * i1 + i0 (qubit 0 least significant, as in qiskit)
_PAULI2 = np.array([np.kron(_PAULI[i1], _PAULI[i0]) for i1 in range(4) for i0 in range(4)])
# columns: the Paulis stacked row by row (T) and column by column (TC, qiskit's SuperOp)
_T = {1: _PAULI.reshape(4, 4).T, 2: _PAULI2.reshape(16, 16).T}
_TC = {1: _PAULI.transpose(0, 2, 1).reshape(4, 4).T,
       2: _PAULI2.transpose(0, 2, 1).reshape(16, 16).T}
SWAP_PTM = np.eye(16)[[4 * (i % 4) + i // 4 for i in range(16)]]  # exchanging a pair's qubits
_EYE4 = np.eye(4)
_ZERO_STATE = np.array([1.0, 0.0, 0.0, 1.0])  # |0><0| = (I + Z) / 2
TRACE_PTM = np.array([1.0, 0.0, 0.0, 0.0])  # a qubit's coordinates -> its trace
MEASURE_PTM = 0.5 * np.array([[1.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, -1.0]])  # -> p(0), p(1)


def unitary_ptm(matrix: np.ndarray) -> np.ndarray:
    """Pauli transfer matrix ``R[i, j] = Tr(P_i U P_j U^dag) / d`` of a 1- or 2-qubit unitary.

    Examples
    --------
    >>> unitary_ptm(np.array([[0, 1], [1, 0]])).diagonal()  # X keeps X, flips Y and Z
    array([ 1.,  1., -1., -1.])
    """
    u = np.asarray(matrix, dtype=complex)
    d = u.shape[0]
    kron = (u[:, None, :, None] * u.conj()[None, :, None, :]).reshape(d * d, d * d)
    t = _T[d.bit_length() - 1]
    return (t.conj().T @ kron @ t).real / d


def pair_ptm(pa: np.ndarray | None, pb: np.ndarray | None) -> np.ndarray:
    """The 16 x 16 PTM of one-qubit PTMs on a pair's first (``pa``) and second (``pb``)
    qubit, index ``4 * i_b + i_a`` (None: the identity).

    Examples
    --------
    >>> x = unitary_ptm(np.array([[0, 1], [1, 0]]))
    >>> bool((pair_ptm(x, None) == np.kron(np.eye(4), x)).all())
    True
    """
    pa = _EYE4 if pa is None else pa
    pb = _EYE4 if pb is None else pb
    return (pb[:, None, :, None] * pa[None, :, None, :]).reshape(16, 16)


def channel_ptm(channel) -> np.ndarray:
    """Pauli transfer matrix of a 1- or 2-qubit channel: a qiskit-aer ``QuantumError`` or
    anything ``qiskit.quantum_info.SuperOp`` accepts.

    A ``QuantumError`` is a mixture of small circuits; each is multiplied out here from the
    PTMs of its instructions, an order of magnitude faster than through ``SuperOp``.

    Examples
    --------
    >>> from qiskit_aer.noise import depolarizing_error
    >>> channel_ptm(depolarizing_error(0.3, 1)).diagonal()
    array([1. , 0.7, 0.7, 0.7])
    """
    from qiskit_aer.noise import QuantumError

    if isinstance(channel, QuantumError) and channel.num_qubits in _T:
        seen: dict = {}
        return sum(p * _circuit_ptm(c, seen)
                   for c, p in zip(channel.circuits, channel.probabilities, strict=True))
    return _superop_ptm(channel)


def _superop_ptm(channel) -> np.ndarray:
    from qiskit.quantum_info import SuperOp

    sup = SuperOp(channel)
    k = sup.num_qubits
    if k not in _TC:
        raise UnsupportedCircuitError(f"error channels on {k} qubits are not supported (1 or 2)")
    t = _TC[k]
    return (t.conj().T @ sup.data @ t).real / 2**k


def _instruction_ptm(op) -> np.ndarray:
    if op.name == "kraus":  # sum over Kraus operators K of the map rho -> K rho K^dag
        d = np.asarray(op.params[0]).shape[0]
        t = _T[d.bit_length() - 1]
        total = sum(np.kron(np.asarray(m, complex), np.asarray(m, complex).conj())
                    for m in op.params)
        return (t.conj().T @ total @ t).real / d
    if isinstance(op, Gate):
        return unitary_ptm(op.to_matrix())
    return _superop_ptm(op)  # reset and other non-unitary instructions


def _circuit_ptm(circuit: QuantumCircuit, seen: dict) -> np.ndarray:
    """PTM of a 1- or 2-qubit circuit; ``seen`` caches instruction PTMs by object."""
    k = circuit.num_qubits
    total = np.eye(4**k)
    for inst in circuit.data:
        op = inst.operation
        if id(op) not in seen:
            seen[id(op)] = (op, _instruction_ptm(op))  # keep op alive: its id stays unique
        ptm = seen[id(op)][1]
        qubits = tuple(circuit.find_bit(q).index for q in inst.qubits)
        if k == 2 and qubits == (0,):
            ptm = np.kron(_EYE4, ptm)
        elif k == 2 and qubits == (1,):
            ptm = np.kron(ptm, _EYE4)
        elif qubits == (1, 0):
            ptm = SWAP_PTM @ ptm @ SWAP_PTM
        total = ptm @ total
    return total


class PauliTransferSimulator:
    """Exact output distributions of noisy circuits measured at the end.

    Parameters
    ----------
    gate_errors : iterable of tuple
        ``(name, qubits, error)`` triples: an error channel applied after every gate
        ``name`` on exactly these circuit qubits (``NoiseModel.add_quantum_error``
        semantics): a ``QuantumError``, any channel ``SuperOp`` accepts, or its Pauli
        transfer matrix (an ndarray) computed in advance.
    readout_errors : iterable of tuple
        ``(qubits, error)`` pairs: one-qubit ``ReadoutError`` s (or 2 x 2 arrays
        ``P(measured | prepared)``) per qubit.

    Examples
    --------
    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(1, 1)
    >>> _ = qc.x(0); _ = qc.measure(0, 0)
    >>> sim = PauliTransferSimulator(readout_errors=[((0,), [[0.9, 0.1], [0.2, 0.8]])])
    >>> sim.probabilities(qc).round(6)
    array([0.2, 0.8])
    """

    def __init__(self, gate_errors: Iterable = (), readout_errors: Iterable = ()):
        self._errors = {(name, tuple(int(q) for q in qubits)): error
                        for name, qubits, error in gate_errors}
        self._readout = {}
        for qubits, error in readout_errors:
            matrix = np.asarray(getattr(error, "probabilities", error), dtype=float)
            if len(qubits) != 1 or matrix.shape != (2, 2):
                raise UnsupportedCircuitError("only one-qubit readout errors are supported")
            self._readout[int(qubits[0])] = matrix
        self._fixed: dict = {}  # PTMs of parameter-free noisy gates, by (name, qubits)

    # ------------------------------------------------------------------ operations
    def _error(self, name: str, qubits: tuple) -> np.ndarray | None:
        error = self._errors.get((name, qubits))
        if error is not None and not isinstance(error, np.ndarray):
            error = self._errors[(name, qubits)] = channel_ptm(error)
        return error

    def _operation(self, inst, qubits: tuple) -> np.ndarray:
        """The PTM of a gate followed by its error channel."""
        standard = inst.is_standard_gate()  # a name then means one matrix (or one per angle)
        key = (inst.name, qubits)
        ptm = self._fixed.get(key) if standard else None
        if ptm is not None:
            return ptm
        if standard and inst.name == "rz" and isinstance(inst.params[0], float):  # fast path
            c, s = math.cos(inst.params[0]), math.sin(inst.params[0])
            ptm = _EYE4.copy()  # rotation of the X and Y coordinates
            ptm[1, 1] = ptm[2, 2] = c
            ptm[1, 2], ptm[2, 1] = -s, s
            error = self._error("rz", qubits)
            return ptm if error is None else error @ ptm
        op = inst.operation
        if not isinstance(op, Gate) or op.num_qubits > 2:
            raise UnsupportedCircuitError(f"instruction {inst.name!r} on {len(qubits)} qubits "
                                          "is not a one- or two-qubit gate")
        try:
            ptm = unitary_ptm(op.to_matrix())
        except (CircuitError, TypeError) as exc:
            raise UnsupportedCircuitError(f"gate {inst.name!r} has no matrix") from exc
        error = self._error(inst.name, qubits)
        if error is not None:
            ptm = error @ ptm
        if standard and not op.params:
            self._fixed[key] = ptm
        return ptm

    def _blocks(self, circuit: QuantumCircuit) -> tuple[list, dict]:
        """Fused operations ``[(qubits, ptm)]`` in order, and the final ``{qubit: clbit}``."""
        index = {q: i for i, q in enumerate(circuit.qubits)}
        pending: list = [None] * circuit.num_qubits  # one-qubit PTMs waiting for a block
        last = [-1] * circuit.num_qubits  # the block that last touched each qubit
        blocks: list = []
        measured: dict = {}
        for inst in circuit.data:
            name = inst.name
            if name == "barrier":
                continue
            qubits = tuple([index[q] for q in inst.qubits])
            if measured and any(q in measured for q in qubits):
                raise UnsupportedCircuitError("operations after a measurement are not supported")
            if name == "measure":
                if (name, qubits) in self._errors:
                    raise UnsupportedCircuitError("error channels on measure are not supported")
                clbit = circuit.find_bit(inst.clbits[0]).index
                if clbit in measured.values():
                    raise UnsupportedCircuitError(f"clbit {clbit} is measured twice")
                measured[qubits[0]] = clbit
                continue
            ptm = self._operation(inst, qubits)
            if len(qubits) == 1:
                q = qubits[0]
                pending[q] = ptm if pending[q] is None else ptm @ pending[q]
                continue
            a, b = qubits
            if pending[a] is not None or pending[b] is not None:
                ptm = ptm @ pair_ptm(pending[a], pending[b])
                pending[a] = pending[b] = None
            j = last[a]
            if j >= 0 and j == last[b]:  # same pair as the block before: multiply into it
                pair, before = blocks[j]
                blocks[j] = (pair, (ptm if pair == (a, b) else SWAP_PTM @ ptm @ SWAP_PTM) @ before)
            else:
                blocks.append(((a, b), ptm))
                last[a] = last[b] = len(blocks) - 1
        blocks += [((q, ), p) for q, p in enumerate(pending) if p is not None]
        return blocks, measured

    # ----------------------------------------------------------------------- state
    @staticmethod
    def _evolve(k: int, blocks: list) -> np.ndarray:
        state = _ZERO_STATE
        for _ in range(k - 1):
            state = np.multiply.outer(state, _ZERO_STATE)
        for qubits, ptm in blocks:
            axes = [k - 1 - q for q in reversed(qubits)]  # matrix index: last qubit slowest
            ptm = ptm.reshape((4,) * (2 * len(qubits)))
            state = np.tensordot(ptm, state, axes=(list(range(len(qubits), 2 * len(qubits))),
                                                   axes))
            state = np.moveaxis(state, list(range(len(qubits))), axes)
        return state

    def probabilities(self, circuit: QuantumCircuit) -> np.ndarray:
        """Probabilities of the classical outcomes, index = integer of the clbits (clbit ``c``
        is bit ``c``), readout errors included; unmeasured clbits read 0.

        Raises
        ------
        UnsupportedCircuitError
            More than ``MAX_QUBITS`` qubits, a gate on three or more qubits or without a
            matrix, an operation after a measurement, two measurements into one clbit, an
            error channel on ``measure``.
        """
        k = circuit.num_qubits
        if k > MAX_QUBITS:
            raise UnsupportedCircuitError(f"{k} qubits: the Pauli-basis state would need "
                                          f"{4**k * 8 / 2**30:.1f} GiB (limit {MAX_QUBITS})")
        blocks, measured = self._blocks(circuit)
        outcome = self._evolve(k, blocks)
        for q in reversed(range(k)):  # axis 0 is always the highest qubit left
            vector = MEASURE_PTM if q in measured else TRACE_PTM  # outcome probabilities or trace
            if q in measured and q in self._readout:
                vector = self._readout[q].T @ vector
            outcome = np.tensordot(outcome, vector, axes=([0], [vector.ndim - 1]))
        kept = [q for q in reversed(range(k)) if q in measured]  # the axes left, in order
        by_clbit = sorted(measured, key=measured.get, reverse=True)  # highest clbit first
        outcome = np.transpose(outcome, [kept.index(q) for q in by_clbit])
        out = np.zeros((2,) * circuit.num_clbits)  # clbit c on axis num_clbits - 1 - c
        clbits = set(measured.values())
        out[tuple(slice(None) if c in clbits else 0
                  for c in reversed(range(circuit.num_clbits)))] = outcome
        return np.clip(out.reshape(-1), 0.0, None)

    def sample_counts(self, circuits: Sequence[QuantumCircuit], shots: int,
                      seed: int | np.random.Generator | None = None) -> np.ndarray:
        """Shot counts, shape ``(len(circuits), 2**num_clbits)``, drawn from the exact
        distributions with ``numpy.random.default_rng(seed)``.

        Examples
        --------
        >>> from qiskit import QuantumCircuit
        >>> qc = QuantumCircuit(1, 1)
        >>> _ = qc.h(0); _ = qc.measure(0, 0)
        >>> counts = PauliTransferSimulator().sample_counts([qc], shots=1000, seed=1)
        >>> counts.shape, int(counts.sum())
        ((1, 2), 1000)
        """
        rng = np.random.default_rng(seed)
        rows = []
        for circuit in circuits:
            p = self.probabilities(circuit)
            rows.append(rng.multinomial(shots, p / p.sum()))
        return np.array(rows, dtype=np.int64)
