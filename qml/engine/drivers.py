"""The compiled drivers of the exact engine: run a circuit program, stage by stage, over one
state vector at a time, forward (the observables at the end) and backward (the adjoint
gradient). A *stage* (``qml.engine.cache_blocking``) is a run of operations that either acts
on the whole state, one pass per operation, or -- when the state no longer fits in cache --
acts only on a set of ``L`` qubits: then the state is walked tile by tile, each tile (the
``2**L`` amplitudes that differ only in those qubits) gathered into a small buffer, every
operation of the stage applied to it in cache, and the tile written back. That is one pass
over the state per stage instead of one per gate. The gradient sums over tiles, since a
gate's sandwich ``<lam| G |psi>`` is a sum over amplitudes.

The gate kernels are those of ``qml.engine.gate_kernels``; the numba cache and its folder are
the same (``qml.paths.register_kernel_cache``).
"""

from __future__ import annotations

import numba as nb

from qml.engine.gate_kernels import (
    apply_op,
    back_step,
    coefficients,
    expectations_into,
    observe_into,
)
from qml.paths import register_kernel_cache

__all__ = ["forward", "backward", "CACHED"]

CACHED = register_kernel_cache(__file__)  # compiled kernels are kept on disk
_JIT = dict(nogil=True, cache=CACHED, error_model="numpy")


@nb.njit(**_JIT)
def _gather(psi, buf, base, offsets, run):
    """Copy the tile at ``base`` (runs of ``run`` amplitudes at ``base + offsets``) into
    ``buf``."""
    for u in range(offsets.shape[0]):
        src = base + offsets[u]
        dst = u * run
        for r in range(run):
            buf[dst + r] = psi[src + r]


@nb.njit(**_JIT)
def _scatter(psi, buf, base, offsets, run):
    """Write ``buf`` back to its tile of ``psi``."""
    for u in range(offsets.shape[0]):
        dst = base + offsets[u]
        src = u * run
        for r in range(run):
            psi[dst + r] = buf[src + r]


@nb.njit(**_JIT)
def _stage(psi, ops, first, last, tiled, offsets, bases, run, tile_qubits, tables, p, b,
           n_samples, n_qubits, scratch, buf):
    """Apply ``ops[first:last]`` (one stage) to ``psi``, tile by tile when ``tiled``."""
    if not tiled:
        for k in range(first, last):
            row = coefficients(tables, ops[k, 3], p, b, n_samples)
            apply_op(psi, ops[k, 0], ops[k, 1], ops[k, 2], row, ops[k, 4], False, n_qubits,
                     scratch)
        return
    for t in range(bases.shape[0]):
        _gather(psi, buf, bases[t], offsets, run)
        for k in range(first, last):
            row = coefficients(tables, ops[k, 3], p, b, n_samples)
            apply_op(buf, ops[k, 0], ops[k, 1], ops[k, 2], row, ops[k, 4], False,
                     tile_qubits, scratch[:0])
        _scatter(psi, buf, bases[t], offsets, run)


@nb.njit(**_JIT)
def forward(pairs, ops, bounds, tiled, offsets, bases, run, tile_qubits, tables, n_samples,
            n_qubits, init, terms, coeffs, expect, states, work, scratch, buf):
    """Run the stages of a plan (``ops`` in plan order, ``bounds``, ``tiled``, ``offsets``,
    ``bases``: see ``qml.engine.cache_blocking.TilePlan``) for every ``(p, b)`` in ``pairs``
    from ``init[b]`` (or ``|0>`` when ``init`` is empty); add the observables to
    ``expect[i]`` and, when ``states`` has rows, keep the final state of pair ``i`` in
    ``states[i]`` (else work in ``work``)."""
    psi = work
    for i in range(pairs.shape[0]):
        p, b = pairs[i, 0], pairs[i, 1]
        if states.shape[0] > 0:
            psi = states[i]
        if init.shape[0] > 0:
            psi[:] = init[b]
        else:
            psi[:] = 0
            psi[0] = 1
        for s in range(bounds.shape[0] - 1):
            _stage(psi, ops, bounds[s], bounds[s + 1], tiled[s], offsets[s], bases[s], run,
                   tile_qubits, tables, p, b, n_samples, n_qubits, scratch, buf)
        if terms.shape[0] > 0:
            expectations_into(psi, terms, coeffs, expect[i])


@nb.njit(**_JIT)
def backward(pairs, states, cot, ops, order, bounds, tiled, offsets, bases, run, slots,
             slot_of, tables, n_samples, terms, coeffs, grads, lam, given, buf, lbuf):
    """Adjoint differentiation: for every pair ``i``, from its final state ``states[i]``
    (overwritten) and ``lam = sum_k cot[i, k] O_k psi`` (or a given cotangent state
    ``given[i]``), un-compute the plan's stages in reverse, adding ``2 Re <lam| G |psi>`` of
    every slot to ``grads[i, slot]``. ``order[k]`` is plan row ``k``'s index in the program,
    whose slots are ``slot_of[order[k]]:slot_of[order[k] + 1]``; ``slots`` rows are
    ``(src, off)`` of each slot's generator."""
    for i in range(pairs.shape[0]):
        p, b = pairs[i, 0], pairs[i, 1]
        psi = states[i]
        if given.shape[0]:
            lam[:] = given[i]
        else:
            observe_into(psi, cot[i], terms, coeffs, lam)
        for s in range(bounds.shape[0] - 2, -1, -1):
            first, last = bounds[s], bounds[s + 1]
            if not tiled[s]:
                for k in range(last - 1, first - 1, -1):
                    o = order[k]
                    back_step(psi, lam, ops[k], slot_of[o], slot_of[o + 1], slots, tables,
                              p, b, n_samples, grads[i])
                continue
            for t in range(bases.shape[1]):
                _gather(psi, buf, bases[s, t], offsets[s], run)
                _gather(lam, lbuf, bases[s, t], offsets[s], run)
                for k in range(last - 1, first - 1, -1):
                    o = order[k]
                    back_step(buf, lbuf, ops[k], slot_of[o], slot_of[o + 1], slots, tables,
                              p, b, n_samples, grads[i])
                _scatter(psi, buf, bases[s, t], offsets[s], run)
                _scatter(lam, lbuf, bases[s, t], offsets[s], run)
