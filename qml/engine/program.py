"""From a compiled circuit to a kernel program (``qml.engine.gate_kernels``): one row per
operation, the tables its coefficients are written to for each call, and the slots of the
adjoint gradient.

A *program* is a sequence of operations, each a row of five integers:

``kind``
    ``K_RDENSE1`` / ``K_RDENSE2``: a real 2 x 2 / 4 x 4 matrix; ``K_DENSE1`` / ``K_DENSE2``:
    a complex one; ``K_DIAG1`` / ``K_DIAG2``: a complex diagonal; ``K_CX``, ``K_CZ``,
    ``K_SWAP``: no coefficients; ``K_PHASES``: a product of one- and two-qubit diagonal
    phase gates on all qubits, as the exponentials of a quadratic form in the bits (see
    ``_phases``);
``q0, q1``
    the qubits (``q1`` unused for one-qubit kinds); a 4 x 4 matrix is indexed by
    ``bit(q0) + 2 bit(q1)``, qiskit's order of a gate's arguments;
``src, off``
    where the coefficients are: table ``src`` (0: constants, 1: one row per sample,
    2: one row per parameter set, 3: one row per parameter set and sample) from column
    ``off``.

Parametrised operations own *slots*, one per angle, each naming the table and offset of
``G = dU/dtheta U^dag`` (dense, the operation's size): the backward pass of the adjoint method
takes ``2 Re <lam| G |psi>`` between the adjoint state and the state after the operation.

Observables are sums of Pauli terms, each a row ``(output, x mask, z mask)`` with a
coefficient that already includes ``i**(number of Y)``:
``P |j> = coeff (-1)**popcount(j & z) |j ^ x>``.

Coefficients live in four tables, by what they depend on: constants (written once), one row
per sample (gates whose angles read the inputs: written once per data set), one row per
parameter set (gates of the weights: written per call), and one row per parameter set and
sample (angles that read both). Rotations whose angle is a bare parameter -- every built-in
ansatz and the angle encoding -- are written for all gates of a kind at once.

The *forward* program is the unfused one except in the weight-free prefix (the feature map):
there, runs of diagonal gates -- phase and Z rotations, CZ, and the ``CX P CX`` pattern of the
ZZ and Pauli feature maps -- are fused into one ``K_PHASES`` operation per run. The backward
pass of the adjoint method always walks the unfused program, so every gate keeps its own
gradient.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from qml.engine import gate_kernels as K
from qml.engine.gates import derivative_generators, parametric_elems

__all__ = ["Program", "FIXED", "INPUTS", "WEIGHTS", "BOTH"]

logger = logging.getLogger(__name__)

FIXED, INPUTS, WEIGHTS, BOTH = range(4)  # which table an operation's coefficients live in
_BATCHED = ("rx", "ry", "rz", "p")  # one-angle rotations written for all their gates at once
_MIN_FUSED = 3  # diagonal gates worth one fused phase operation


def _layout(kind: int) -> list[tuple[int, int]]:
    """Matrix entries stored for an operation kind, in storage order."""
    if kind in (K.K_RDENSE1, K.K_DENSE1):
        return [(0, 0), (0, 1), (1, 0), (1, 1)]
    if kind == K.K_DIAG1:
        return [(0, 0), (1, 1)]
    if kind in (K.K_RDENSE2, K.K_DENSE2):
        return [(r, c) for r in range(4) for c in range(4)]
    if kind == K.K_DIAG2:
        return [(i, i) for i in range(4)]
    return []


_PERMUTATIONS = {  # fixed two-qubit gates with their own kernels
    K.K_CX: {(0, 0): 1, (2, 2): 1, (1, 3): 1, (3, 1): 1},
    K.K_SWAP: {(0, 0): 1, (3, 3): 1, (1, 2): 1, (2, 1): 1},
    K.K_CZ: {(0, 0): 1, (1, 1): 1, (2, 2): 1, (3, 3): -1},
}


def _kind(op, probes: list[dict]) -> tuple[int, bool]:
    """The kernel kind of an operation from its matrix elements, and whether it is
    diagonal."""
    entries = {k: v for k, v in probes[0].items() if abs(v) > 1e-15}
    diagonal = all(i == j for p in probes for (i, j), v in p.items() if abs(v) > 1e-15)
    if len(op.qubits) == 2 and op.fixed is not None:
        for kind, pattern in _PERMUTATIONS.items():
            if entries.keys() == pattern.keys() and all(abs(entries[k] - v) < 1e-15
                                                          for k, v in pattern.items()):
                return kind, kind == K.K_CZ
    real = _is_real(probes)
    if len(op.qubits) == 1:
        return (K.K_RDENSE1 if real else K.K_DIAG1 if diagonal else K.K_DENSE1), diagonal
    return (K.K_RDENSE2 if real else K.K_DIAG2 if diagonal else K.K_DENSE2), diagonal


def _probe(op, rng) -> list[dict]:
    """The operation's elements, at two random angle settings for parametrised ones."""
    if op.fixed is not None:
        return [op.fixed]
    out = []
    for _ in range(2):
        angles = [a.constant if a.constant is not None else float(rng.uniform(-3, 3))
                  for a in op.angles]
        out.append(parametric_elems(op.name, angles)[0])
    return out


def _is_real(elems: list[dict]) -> bool:
    return all(abs(np.imag(v)) < 1e-15 for e in elems for v in e.values())


def _dense(elems: dict, d: int) -> list:
    return [elems.get((r, c), 0.0) for r in range(d) for c in range(d)]


@dataclass
class _Slot:
    """One gradient slot: angle ``angle`` of op ``op`` (index into the unfused program)."""

    op: int
    angle: object
    src: int
    off: int


@dataclass
class _Block:
    """A run of diagonal gates fused into one ``K_PHASES`` operation."""

    members: list  # (qubits, op indices) of each diagonal member; a CX P CX is three ops
    off: int = 0


@dataclass
class Program:
    """The kernel program of an engine's operations.

    Build it with ``Program.build(ops, n_qubits, prefix)``; ``rows`` is the unfused program
    (``(kind, q0, q1, src, off)`` per operation), ``forward_rows`` the one with the prefix's
    diagonal runs fused, ``forward_prefix`` the number of its rows that make the prefix.
    """

    n_qubits: int
    prefix: int
    dtype: type
    rows: np.ndarray
    forward_rows: np.ndarray
    forward_prefix: int
    diagonal: np.ndarray
    slots: np.ndarray
    slot_of: np.ndarray
    slot_info: list
    sizes: list
    fixed_table: np.ndarray
    ops: list = field(repr=False, default_factory=list)
    _batches: dict = field(repr=False, default_factory=dict)
    _generic: list = field(repr=False, default_factory=list)
    _blocks: list = field(repr=False, default_factory=list)

    @property
    def real(self) -> bool:
        """Every gate is real: states are float64."""
        return self.dtype is np.float64

    @property
    def fused(self) -> int:
        """Number of fused phase operations in the forward program."""
        return len(self._blocks)

    @classmethod
    def build(cls, ops: list, n_qubits: int, prefix: int) -> Program:
        """Compile ``ops`` (the engine's ``Op`` list, weight-free prefix first)."""
        rng = np.random.default_rng(0)
        probes = [_probe(op, rng) for op in ops]
        dtype = np.float64 if all(_is_real(p) for p in probes) else np.complex128
        sizes = [0, 0, 0, 0]
        rows, slot_rows, slot_info, slot_of = [], [], [], [0]
        fixed_values: list = []
        batches: dict = defaultdict(lambda: ([], []))
        generic = []

        def allocate(src: int, size: int) -> int:
            sizes[src] += size
            return sizes[src] - size

        diagonal_ops = []
        for k, (op, probe) in enumerate(zip(ops, probes)):
            kind, diagonal = _kind(op, probe)
            diagonal_ops.append(diagonal)
            d = 2 ** len(op.qubits)
            q0, q1 = op.qubits[0], op.qubits[-1]
            src = _source(op)
            off = allocate(src, len(_layout(kind)))
            if src == FIXED:
                fixed_values.append((off, [op.fixed.get(e, 0.0) for e in _layout(kind)]))
            op_slots = []
            for angle in op.angles:
                if not angle.parametrised:
                    continue
                constant = derivative_generators(op.name, {}, []) if len(op.angles) == 1 \
                    and op.name in _CONSTANT_GENERATORS else None
                if constant is not None:
                    g_off = allocate(FIXED, d * d)
                    fixed_values.append((g_off, _dense(constant[0], d)))
                    op_slots.append(_Slot(k, angle, FIXED, g_off))
                else:
                    op_slots.append(_Slot(k, angle, src, allocate(src, d * d)))
            if src != FIXED:
                angle = op.angles[0]
                if (op.name in _BATCHED and len(op.angles) == 1 and angle.direct is not None
                        and src in (INPUTS, WEIGHTS)):
                    offs, idx = batches[(op.name, src)]
                    offs.append(off)
                    idx.append(angle.direct.index)
                else:
                    generic.append((k, src, off, kind, op_slots))
            for s in op_slots:
                slot_rows.append((s.src, s.off))
                slot_info.append(s)
            slot_of.append(len(slot_rows))
            rows.append((kind, q0, q1, src, off))
        rows = np.array(rows, dtype=np.int64).reshape(-1, 5)
        program = cls(n_qubits, prefix, dtype, rows, rows, prefix, np.array(diagonal_ops),
                      np.array(slot_rows, dtype=np.int64).reshape(-1, 2),
                      np.array(slot_of, dtype=np.int64), slot_info, sizes,
                      np.zeros((1, 0)), ops,
                      {key: (np.array(o), np.array(i)) for key, (o, i) in batches.items()},
                      generic)
        if dtype is np.complex128:
            program._fuse(allocate)
        table = np.zeros((1, sizes[FIXED]), dtype=dtype)
        for off, values in fixed_values:
            table[0, off:off + len(values)] = np.asarray(values).real if dtype is np.float64 \
                else values
        program.fixed_table = table
        program.sizes = sizes
        logger.debug("program: %d ops (%d in the prefix), %s, %d fused phase operations, "
                     "%d gradient slots", len(ops), prefix, np.dtype(dtype).name, program.fused,
                     len(slot_info))
        return program

    # ------------------------------------------------------------------ fusion
    def _fuse(self, allocate) -> None:
        """Fuse runs of diagonal gates in the prefix into ``K_PHASES`` operations."""
        items = self._diagonal_items()
        pending, out = items, []
        while pending:
            block: list = []
            block_qubits: set = set()
            deferred, deferred_qubits, rest = [], set(), []
            for item in pending:
                qubits, indices, diagonal = item
                if diagonal and not deferred_qubits & set(qubits):
                    block.append(item)
                    block_qubits |= set(qubits)
                elif not diagonal and not (block_qubits | deferred_qubits) & set(qubits):
                    rest.append(item)  # commutes with the block: runs before it
                else:
                    deferred.append(item)
                    deferred_qubits |= set(qubits)
            out += [("ops", indices) for _, indices, _ in rest]
            if len(block) >= _MIN_FUSED:
                out.append(("block", _Block([(q, i) for q, i, _ in block])))
            else:
                out += [("ops", indices) for _, indices, _ in block]
            pending = deferred
        rows = []
        for what, value in out:
            if what == "ops":
                rows += [self.rows[i] for i in value]
            else:
                n = self.n_qubits
                value.off = allocate(INPUTS, 1 + n + n * (n - 1) // 2)
                self._blocks.append(value)
                rows.append((K.K_PHASES, 0, 0, INPUTS, value.off))
        if not self._blocks:
            return
        self.forward_rows = np.concatenate(
            [np.array(rows, dtype=np.int64).reshape(-1, 5), self.rows[self.prefix:]])
        self.forward_prefix = len(rows)

    def _diagonal_items(self) -> list:
        """The prefix as (qubits, op indices, diagonal) items; ``CX D CX`` is one item."""
        kinds = self.rows[:, 0]
        items, k = [], 0
        while k < self.prefix:
            row = self.rows[k]
            if (kinds[k] == K.K_CX and k + 2 < self.prefix and self.diagonal[k + 1]
                    and len(self.ops[k + 1].qubits) == 1 and self.rows[k + 1, 1] == row[2]
                    and kinds[k + 2] == K.K_CX
                    and tuple(self.rows[k + 2, 1:3]) == tuple(row[1:3])):
                items.append(((int(row[1]), int(row[2])), [k, k + 1, k + 2], True))
                k += 3
                continue
            items.append((self.ops[k].qubits, [k], bool(self.diagonal[k])))
            k += 1
        return items

    # ------------------------------------------------------------------ tables
    def input_table(self, X: np.ndarray) -> np.ndarray:
        """Coefficients of the gates that read the inputs (and the fused phases), one row per
        sample."""
        table = np.zeros((len(X), self.sizes[INPUTS]), dtype=self.dtype)
        self._write_batches(table, INPUTS, X)
        self._write_generic(table, INPUTS, X, None)
        for block in self._blocks:
            self._write_block(block, table)
        return table

    def weight_table(self, W: np.ndarray) -> np.ndarray:
        """Coefficients of the gates of the weights, one row per parameter set."""
        table = np.zeros((len(W), self.sizes[WEIGHTS]), dtype=self.dtype)
        self._write_batches(table, WEIGHTS, W)
        self._write_generic(table, WEIGHTS, None, W)
        return table

    def both_table(self, X: np.ndarray, W: np.ndarray) -> np.ndarray:
        """Coefficients of gates whose angles read inputs and weights, one row per (set,
        sample), set-major."""
        table = np.zeros((len(W) * len(X), self.sizes[BOTH]), dtype=self.dtype)
        self._write_generic(table, BOTH, X, W)
        return table

    def _write_batches(self, table, src, values) -> None:
        for (name, where), (offs, idx) in self._batches.items():
            if where != src:
                continue
            theta = values[:, idx]
            if name == "ry":
                c, s = np.cos(theta / 2), np.sin(theta / 2)
                for j, v in enumerate((c, -s, s, c)):
                    table[:, offs + j] = v
            elif name == "rx":
                c, s = np.cos(theta / 2), -1j * np.sin(theta / 2)
                for j, v in enumerate((c, s, s, c)):
                    table[:, offs + j] = v
            elif name == "rz":
                table[:, offs] = np.exp(-0.5j * theta)
                table[:, offs + 1] = np.exp(0.5j * theta)
            else:  # p
                table[:, offs] = 1.0
                table[:, offs + 1] = np.exp(1j * theta)

    def _write_generic(self, table, src, X, W) -> None:
        P = 1 if W is None else len(W)
        B = 1 if X is None else len(X)
        for k, where, off, kind, op_slots in self._generic:
            if where != src:
                continue
            op = self.ops[k]
            elems, delems = parametric_elems(op.name, [a.value(X, W) for a in op.angles])
            for j, entry in enumerate(_layout(kind)):
                table[:, off + j] = _column(elems.get(entry, 0.0), src, P, B, self.dtype)
            todo = [s for s in op_slots if s.src == src]
            if todo:
                gens = derivative_generators(op.name, elems, delems)
                d = 2 ** len(op.qubits)
                for s in todo:
                    gen = gens[op.angles.index(s.angle)]
                    for j, v in enumerate(_dense(gen, d)):
                        table[:, s.off + j] = _column(v, src, P, B, self.dtype)

    def _write_block(self, block: _Block, table) -> None:
        """``e^{it}``, ``e^{ic_k}``, ``e^{id_jk}`` of the quadratic phase form of a block."""
        n, samples = self.n_qubits, len(table)
        t = np.zeros(samples)
        c = np.zeros((samples, n))
        d = np.zeros((samples, n, n))
        for qubits, indices in block.members:
            if len(indices) == 3:  # CX(a, b) D(b) CX(a, b): D applied to bit a XOR bit b
                d0, d1 = self._diagonal_angles(indices[1], table)
                values = (d0, d1, d1, d0)
            else:
                values = self._diagonal_angles(indices[0], table)
            if len(values) == 2:
                t += values[0]
                c[:, qubits[0]] += values[1] - values[0]
            else:
                a, b = qubits
                t += values[0]
                c[:, a] += values[1] - values[0]
                c[:, b] += values[2] - values[0]
                lo, hi = min(a, b), max(a, b)
                d[:, lo, hi] += values[3] - values[1] - values[2] + values[0]
        pairs = [d[:, j, k] for k in range(1, n) for j in range(k)]
        angles = np.column_stack([t, c, *pairs]) if pairs else np.column_stack([t, c])
        table[:, block.off:block.off + angles.shape[1]] = np.exp(1j * angles)

    def _diagonal_angles(self, k: int, table) -> list:
        """Phase angles of the diagonal entries of op ``k``, one value per sample."""
        kind, _, _, src, off = self.rows[k]
        if kind == K.K_CZ:
            return [np.zeros(len(table))] * 3 + [np.full(len(table), np.pi)]
        positions = {K.K_DIAG1: [0, 1], K.K_DIAG2: [0, 1, 2, 3], K.K_RDENSE1: [0, 3],
                     K.K_DENSE1: [0, 3], K.K_RDENSE2: [0, 5, 10, 15],
                     K.K_DENSE2: [0, 5, 10, 15]}[int(kind)]
        source = self.fixed_table if src == FIXED else table
        return [np.angle(np.broadcast_to(source[:, off + j], (len(table),)))
                for j in positions]


_CONSTANT_GENERATORS = {"rx", "ry", "rz", "p", "u1", "rxx", "ryy", "rzz", "rzx", "crx", "cry",
                        "crz", "cp"}


def _source(op) -> int:
    if op.fixed is not None or not any(a.parametrised for a in op.angles):
        return FIXED
    inputs, weights = op.depends_on("input"), op.depends_on("weight")
    return BOTH if inputs and weights else INPUTS if inputs else WEIGHTS


def _column(value, src: int, P: int, B: int, dtype) -> np.ndarray:
    """A coefficient (a scalar, or (P, 1), (1, B), (P, B) values) as one value per row of the
    table of ``src``."""
    shape = {INPUTS: (1, B), WEIGHTS: (P, 1), BOTH: (P, B)}[src]
    out = np.broadcast_to(np.asarray(value), shape).reshape(-1)
    return out.real if dtype is np.float64 else out
