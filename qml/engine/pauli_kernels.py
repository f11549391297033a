"""The hot path of the noisy engine (``qml.engine.noisy_circuit``): compiled kernels that run
a noisy circuit's operations on one Pauli-basis state at a time.

A ``k``-qubit state is ``4**k`` real coordinates, qubit ``q`` the base-4 digit of stride
``4**q`` (bits ``2q`` and ``2q + 1`` of the index). An operation is a one- or two-qubit Pauli
transfer matrix, held as its non-zero entries (Pauli transfer matrices of gates and their
local noise are mostly zeros), or an ``rz`` rotation of one qubit's X and Y coordinates by a
per-pair angle. One state (512 KiB at 8 qubits) goes through every operation while it stays
in cache, and the states of a chunk are shared between threads (``nogil``). Every loop runs
over the contiguous run of indices below an operation's lowest qubit, through views, which
LLVM vectorises; the circuit's least used qubits get the lowest digits (``NoisyCircuit``), so
that few operations have short runs. numba compiles the kernels once per machine into
``qml.paths.kernel_cache_dir()``, as for ``qml.engine.gate_kernels``.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from qml.paths import register_kernel_cache

__all__ = ["K_FIXED1", "K_FIXED2", "K_RZ", "evolve", "CACHED"]

K_FIXED1, K_FIXED2, K_RZ = 0, 1, 2

CACHED = register_kernel_cache(__file__)  # compiled kernels are kept on disk
_JIT = dict(nogil=True, cache=CACHED, error_model="numpy")


@nb.njit(**_JIT)
def _rz(s, q, c, sn):
    """Rotate qubit ``q``'s X and Y coordinates in place."""
    run = 1 << (2 * q)  # indices below the digit: contiguous
    for h in range(s.shape[0] >> (2 * q + 2)):
        x = s[h * 4 * run + run:h * 4 * run + 2 * run]
        y = s[h * 4 * run + 2 * run:h * 4 * run + 3 * run]
        for r in range(run):
            xr = x[r]
            x[r] = c * xr - sn * y[r]
            y[r] = sn * xr + c * y[r]


@nb.njit(**_JIT)
def _sparse(inp, out, lo, hi, offsets, rows, cols, vals, start, stop):
    """``out = M inp`` for a PTM on digits ``lo < hi`` (``hi`` = -1: one digit), its entries
    ``start:stop``, ``offsets[i]`` the index offset of the matrix's i-th coordinate: one sweep
    per entry over contiguous runs below the lower digit."""
    run = 1 << (2 * lo)
    top = lo if hi < 0 else hi
    outer, outer_step = inp.shape[0] >> (2 * top + 2), 1 << (2 * top + 2)
    middle = 1 if hi < 0 else 1 << (2 * (hi - lo - 1))
    middle_step = run * 4
    out[:] = 0.0
    for e in range(start, stop):
        o = offsets[rows[e]]
        i = offsets[cols[e]]
        val = vals[e]
        for h in range(outer):
            for m in range(middle):
                base = h * outer_step + m * middle_step
                target = out[base + o:base + o + run]  # views: LLVM vectorises the run
                source = inp[base + i:base + i + run]
                for r in range(run):
                    target[r] += val * source[r]


@nb.njit(**_JIT)
def evolve(states, scratch, zero, kinds, qa, qb, starts, rows, cols, vals, rz_col, cos, sin,
           first, last):
    """Pairs ``first..last-1``: ``states[n]`` set to ``zero`` and run through every operation
    (``kinds``, qubits ``qa``/``qb``, sparse entries ``starts[m]:starts[m+1]`` of ``rows``,
    ``cols``, ``vals``; an rz op's angle is column ``rz_col[m]`` of the pair's ``cos``/``sin``
    row). ``scratch`` is one state of working space for this call."""
    offsets = np.empty(16, dtype=np.int64)
    for n in range(first, last):
        buffers = (states[n], scratch)
        cur = 0
        buffers[0][:] = zero
        for m in range(kinds.shape[0]):
            kind = kinds[m]
            a = qa[m]
            if kind == 2:
                _rz(buffers[cur], a, cos[n, rz_col[m]], sin[n, rz_col[m]])
                continue
            if kind == 0:
                for i in range(4):
                    offsets[i] = i << (2 * a)
                lo, hi = a, -1
            else:
                b = qb[m]
                for i in range(16):
                    offsets[i] = ((i & 3) << (2 * a)) + ((i >> 2) << (2 * b))
                lo, hi = (a, b) if a < b else (b, a)
            _sparse(buffers[cur], buffers[1 - cur], lo, hi, offsets, rows, cols, vals,
                    starts[m], starts[m + 1])
            cur = 1 - cur
        if cur == 1:
            states[n][:] = scratch
