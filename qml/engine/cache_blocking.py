"""Cache blocking: split a kernel program into stages that each touch few qubits, so that a
state too large for the cache is read and written once per stage instead of once per gate.

Past about 2**18 amplitudes a state vector leaves the per-core cache, and a gate-by-gate
simulator becomes bound by memory bandwidth: every gate reads and writes the whole state. But
gates on disjoint qubits commute, and a run of gates that together touch only a set ``S`` of
``L`` qubits acts independently on each *tile* -- the ``2**L`` amplitudes whose indices agree
outside ``S``. So the program is reordered (never across two gates that share a qubit) into
stages of at most ``L`` qubits, greedily: each stage takes, in program order, every operation
whose qubits fit in ``S`` once its earlier operations on the same qubits are placed; an
operation that does not fit holds back its qubits until the next stage. The lowest
``LOW_QUBITS`` qubits are in every ``S``, so a tile is gathered in contiguous runs of
``2**LOW_QUBITS`` amplitudes. Operations on all qubits (the fused feature-map phases) are
stages of their own, run on the whole state.

``plan(rows, n_qubits, ...)`` returns a ``TilePlan``, the arrays the drivers of
``qml.engine.drivers`` take; ``tile_qubits(n_qubits, itemsize)`` decides whether blocking
pays and how large a tile is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from qml.engine import gate_kernels as K

__all__ = ["TilePlan", "plan", "tile_qubits", "TILE_BYTES", "LOW_QUBITS"]

logger = logging.getLogger(__name__)

TILE_BYTES = 2**19  # one tile (and, in a gradient, its adjoint twin) stays in a core's cache
LOW_QUBITS = 4  # qubits in every tile: gathers move runs of 16 amplitudes
_MIN_TILES = 16  # below this many tiles per state, the plain program is as fast


@dataclass(frozen=True)
class TilePlan:
    """The stages of a program, as the drivers of ``qml.engine.drivers`` take them.

    Attributes
    ----------
    order : int64 array (m,)
        Program row of each plan row, in the order the plan runs them.
    ops : int64 array (m, 5)
        The rows in that order; in a tiled stage, their qubits are positions in the tile.
    bounds : int64 array (S + 1,)
        Stage ``s`` is plan rows ``bounds[s]:bounds[s + 1]``.
    tiled : bool array (S,)
        Whether stage ``s`` runs tile by tile (else on the whole state).
    offsets : int64 array (S, 2**(L - LOW_QUBITS))
        Where each run of a tile starts, relative to the tile's base.
    bases : int64 array (S, 2**(n - L))
        The first amplitude of every tile.
    run : int
        Amplitudes per run (``2**LOW_QUBITS``).
    tile_qubits : int
        ``L``; 0 when no stage is tiled.
    """

    order: np.ndarray
    ops: np.ndarray
    bounds: np.ndarray
    tiled: np.ndarray
    offsets: np.ndarray
    bases: np.ndarray
    run: int
    tile_qubits: int

    @property
    def passes(self) -> int:
        """Passes over the whole state: one per tiled stage, one per row of the others."""
        sizes = np.diff(self.bounds)
        return int(np.sum(np.where(self.tiled, 1, sizes)))


def tile_qubits(n_qubits: int, itemsize: int) -> int | None:
    """Qubits per tile for an ``n_qubits`` state of ``itemsize``-byte amplitudes, or None
    when the state is small enough for the plain program (fewer than ``_MIN_TILES`` tiles).

    Examples
    --------
    >>> tile_qubits(22, 16), tile_qubits(12, 16)
    (15, None)
    """
    size = max(LOW_QUBITS + 2, int(np.log2(TILE_BYTES // itemsize)))
    return size if n_qubits - size >= int(np.log2(_MIN_TILES)) else None


def _qubits(row) -> tuple | None:
    """The qubits an operation row touches (None: all of them)."""
    kind = int(row[0])
    if kind == K.K_PHASES:
        return None
    if kind in (K.K_RDENSE1, K.K_DENSE1, K.K_DIAG1):
        return (int(row[1]),)
    return (int(row[1]), int(row[2]))


def _stages(rows: np.ndarray, size: int, low: int, n_qubits: int) -> list:
    """Greedy stages: (row indices, qubit set or None for a whole-state stage)."""
    remaining = list(range(len(rows)))
    stages = []
    while remaining:
        if _qubits(rows[remaining[0]]) is None:
            stages.append(([remaining[0]], None))
            remaining = remaining[1:]
            continue
        chosen, held, placed, rest = set(range(low)), set(), [], []
        for k in remaining:
            qubits = _qubits(rows[k])
            if qubits is None or held.intersection(qubits) \
                    or len(chosen.union(qubits)) > size:
                held.update(range(n_qubits) if qubits is None else qubits)
                rest.append(k)
                continue
            chosen.update(qubits)
            placed.append(k)
        stages.append((placed, chosen))
        remaining = rest
    return stages


def _deposit(values: np.ndarray, qubits: list) -> np.ndarray:
    """Spread the bits of ``values`` onto the bit positions ``qubits`` (in order)."""
    out = np.zeros(len(values), dtype=np.int64)
    for j, q in enumerate(qubits):
        out |= ((values >> j) & 1) << q
    return out


def plan(rows: np.ndarray, n_qubits: int, size: int | None, start: int = 0,
         stop: int | None = None) -> TilePlan:
    """The stages of ``rows[start:stop]`` in tiles of ``size`` qubits; one whole-state stage
    (the program as it is) when ``size`` is None.

    Examples
    --------
    >>> rows = np.array([[K.K_CX, q, q + 1, 0, 0] for q in range(7)])
    >>> p = plan(rows, 8, 6)
    >>> p.passes, len(p.bounds) - 1  # seven gates in three passes over the state
    (3, 3)
    """
    stop = len(rows) if stop is None else stop
    order = np.arange(start, stop, dtype=np.int64)
    if size is None or stop == start:
        return TilePlan(order, rows[start:stop].copy(), np.array([0, stop - start]),
                        np.zeros(1, bool), np.zeros((1, 0), np.int64),
                        np.zeros((1, 0), np.int64), 1, 0)
    low = max(0, min(LOW_QUBITS, size - 2))  # room for any two-qubit gate
    stages = _stages(rows[start:stop], size, low, n_qubits)
    order_out, ops, bounds, tiled, offsets, bases = [], [], [0], [], [], []
    for placed, chosen in stages:
        block = rows[[start + k for k in placed]].copy()
        if chosen is None:
            tiled.append(False)
            offsets.append(np.zeros(2 ** (size - low), np.int64))
            bases.append(np.zeros(2 ** (n_qubits - size), np.int64))
        else:
            spare = [q for q in range(n_qubits) if q not in chosen]
            local = sorted(chosen | set(spare[:size - len(chosen)]))
            outside = [q for q in range(n_qubits) if q not in local]
            position = {q: j for j, q in enumerate(local)}
            for row in block:
                row[1], row[2] = position[int(row[1])], position[int(row[2])]
            tiled.append(True)
            offsets.append(_deposit(np.arange(2 ** (size - low)), local[low:]))
            bases.append(_deposit(np.arange(2 ** (n_qubits - size)), outside))
        order_out += [start + k for k in placed]
        ops.append(block)
        bounds.append(bounds[-1] + len(placed))
    result = TilePlan(np.array(order_out, np.int64), np.concatenate(ops).astype(np.int64),
                      np.array(bounds, np.int64), np.array(tiled), np.array(offsets),
                      np.array(bases), 2**low, size)
    logger.debug("%d qubits: %d operations in %d stages of %d-qubit tiles, %d passes over "
                 "the state", n_qubits, stop - start, len(stages), size, result.passes)
    return result
