"""The hot path of the exact engine: compiled kernels that run a circuit program on one state
vector at a time. Everything here is compiled by numba (``nogil``: the engine runs chunks of
states on several threads at once) and works on one state ``psi`` of ``2**n`` amplitudes:
float64 when every gate and observable of the circuit is real (half the memory traffic),
complex128 otherwise. Qubit ``q`` is bit ``q`` of the amplitude index, as in qiskit.

Speed comes from three things. Every kernel walks the state in contiguous runs through views,
which LLVM turns into AVX loops. A gate with a real matrix (RY, H, CX, CZ, SWAP ...) acts on a
complex state through its float view -- real and imaginary parts are two interleaved real
vectors, and qubit ``q`` of the state is bit ``q + 1`` of the float index -- so complex
circuits pay complex arithmetic only for their complex gates. And the backward step of a
one-qubit gate takes the gradient sandwich and un-applies the gate to both adjoint states in
one sweep. The program format (one row per operation) is described in ``qml.engine.program``;
the drivers that run a program over states, gate by gate or in cache-blocked tiles, are in
``qml.engine.drivers``. numba
compiles the kernels once per machine into ``qml.paths.kernel_cache_dir()``, never beside
this file (``qml.paths.register_kernel_cache`` says why); ``CACHED`` says whether it can.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from qml.paths import register_kernel_cache

__all__ = ["K_RDENSE1", "K_DENSE1", "K_DIAG1", "K_RDENSE2", "K_DENSE2", "K_DIAG2", "K_CX",
           "K_CZ", "K_SWAP", "K_PHASES", "apply_op", "back_step", "phase_scratch_size",
           "expectations_into", "observe_into", "coefficients", "CACHED"]

(K_RDENSE1, K_DENSE1, K_DIAG1, K_RDENSE2, K_DENSE2, K_DIAG2, K_CX, K_CZ, K_SWAP,
 K_PHASES) = range(10)

CACHED = register_kernel_cache(__file__)  # compiled kernels are kept on disk
_JIT = dict(nogil=True, cache=CACHED, error_model="numpy")


# ------------------------------------------------------------------------- helpers
@nb.njit(inline="always", **_JIT)
def _conj(x):
    return np.conj(x)


@nb.njit(inline="always", **_JIT)
def _parity(v):
    """(-1)**popcount(v) as +1.0 / -1.0 (v >= 0)."""
    v ^= v >> 32
    v ^= v >> 16
    v ^= v >> 8
    v ^= v >> 4
    v ^= v >> 2
    v ^= v >> 1
    return 1.0 - 2.0 * (v & 1)


@nb.njit(inline="always", **_JIT)
def _floats(psi):
    """The float view of a state and the shift from amplitude bits to float bits."""
    x = psi.view(np.float64)
    return x, x.shape[0] // psi.shape[0] - 1


@nb.njit(inline="always", **_JIT)
def coefficients(tables, src, p, b, n_samples):
    """The coefficient row of parameter set ``p`` and sample ``b`` in table ``src``."""
    if src == 0:
        return tables[0][0]
    if src == 1:
        return tables[1][b]
    if src == 2:
        return tables[2][p]
    return tables[3][p * n_samples + b]


# ------------------------------------------------------------- real kernels (floats)
@nb.njit(**_JIT)
def _rdense1(x, q, m00, m01, m10, m11):
    """A real 2 x 2 matrix on bit ``q`` of a float vector."""
    step = 1 << q
    n = x.shape[0]
    if step == 1:
        for i in range(0, n, 2):
            a = x[i]
            b = x[i + 1]
            x[i] = m00 * a + m01 * b
            x[i + 1] = m10 * a + m11 * b
        return
    for base in range(0, n, 2 * step):
        lo = x[base:base + step]
        hi = x[base + step:base + 2 * step]
        for j in range(step):
            a = lo[j]
            b = hi[j]
            lo[j] = m00 * a + m01 * b
            hi[j] = m10 * a + m11 * b


@nb.njit(**_JIT)
def _rback1(x, y, q, m00, m01, m10, m11, g00, g01, g10, g11):
    """One backward step of a real one-qubit gate on float vectors ``x`` (the state) and
    ``y`` (the adjoint state): return ``sum y . (G x)`` (``Re <lam| G |psi>``), then apply
    ``m`` (the adjoint matrix) to both, in one sweep."""
    step = 1 << q
    n = x.shape[0]
    total = 0.0
    if step == 1:
        for i in range(0, n, 2):
            a = x[i]
            b = x[i + 1]
            c = y[i]
            d = y[i + 1]
            total += c * (g00 * a + g01 * b) + d * (g10 * a + g11 * b)
            x[i] = m00 * a + m01 * b
            x[i + 1] = m10 * a + m11 * b
            y[i] = m00 * c + m01 * d
            y[i + 1] = m10 * c + m11 * d
        return total
    for base in range(0, n, 2 * step):
        xl = x[base:base + step]
        xh = x[base + step:base + 2 * step]
        yl = y[base:base + step]
        yh = y[base + step:base + 2 * step]
        for j in range(step):
            a = xl[j]
            b = xh[j]
            c = yl[j]
            d = yh[j]
            total += c * (g00 * a + g01 * b) + d * (g10 * a + g11 * b)
            xl[j] = m00 * a + m01 * b
            xh[j] = m10 * a + m11 * b
            yl[j] = m00 * c + m01 * d
            yh[j] = m10 * c + m11 * d
    return total


@nb.njit(**_JIT)
def _dense2(x, q0, q1, m):
    """A 4 x 4 matrix on bits ``q0, q1``: real on a float vector (a real gate, on a real state
    or on the float view of a complex one), complex on a complex state (numba compiles one
    version per type)."""
    lo, hi = min(q0, q1), max(q0, q1)
    s0, s1 = 1 << q0, 1 << q1
    n = x.shape[0]
    run = 1 << lo
    for a in range(0, n, 2 << hi):
        for c in range(a, a + (1 << hi), 2 << lo):
            v0 = x[c:c + run]
            v1 = x[c + s0:c + s0 + run]
            v2 = x[c + s1:c + s1 + run]
            v3 = x[c + s0 + s1:c + s0 + s1 + run]
            for j in range(run):
                a0 = v0[j]
                a1 = v1[j]
                a2 = v2[j]
                a3 = v3[j]
                v0[j] = m[0] * a0 + m[1] * a1 + m[2] * a2 + m[3] * a3
                v1[j] = m[4] * a0 + m[5] * a1 + m[6] * a2 + m[7] * a3
                v2[j] = m[8] * a0 + m[9] * a1 + m[10] * a2 + m[11] * a3
                v3[j] = m[12] * a0 + m[13] * a1 + m[14] * a2 + m[15] * a3


@nb.njit(**_JIT)
def _swap_runs(x, q0, q1, first, second):
    """Exchange the entries at local indices ``first`` and ``second`` (0-3) of every group of
    bits (q0, q1): CX is (1, 3), SWAP is (1, 2)."""
    lo, hi = min(q0, q1), max(q0, q1)
    s0, s1 = 1 << q0, 1 << q1
    o1 = (first & 1) * s0 + (first >> 1) * s1
    o2 = (second & 1) * s0 + (second >> 1) * s1
    n = x.shape[0]
    run = 1 << lo
    for a in range(0, n, 2 << hi):
        for c in range(a, a + (1 << hi), 2 << lo):
            u = x[c + o1:c + o1 + run]
            v = x[c + o2:c + o2 + run]
            for j in range(run):
                t = u[j]
                u[j] = v[j]
                v[j] = t


@nb.njit(**_JIT)
def _swap_runs2(x, y, q0, q1, first, second):
    """``_swap_runs`` on two vectors in one sweep (the backward pass's state and adjoint)."""
    lo, hi = min(q0, q1), max(q0, q1)
    s0, s1 = 1 << q0, 1 << q1
    o1 = (first & 1) * s0 + (first >> 1) * s1
    o2 = (second & 1) * s0 + (second >> 1) * s1
    n = x.shape[0]
    run = 1 << lo
    for a in range(0, n, 2 << hi):
        for c in range(a, a + (1 << hi), 2 << lo):
            u = x[c + o1:c + o1 + run]
            v = x[c + o2:c + o2 + run]
            w = y[c + o1:c + o1 + run]
            z = y[c + o2:c + o2 + run]
            for j in range(run):
                t = u[j]
                u[j] = v[j]
                v[j] = t
                t = w[j]
                w[j] = z[j]
                z[j] = t


@nb.njit(**_JIT)
def _negate_11(x, q0, q1):
    """CZ: negate the entries whose bits q0 and q1 are both 1."""
    lo, hi = min(q0, q1), max(q0, q1)
    o = (1 << q0) + (1 << q1)
    n = x.shape[0]
    run = 1 << lo
    for a in range(0, n, 2 << hi):
        for c in range(a, a + (1 << hi), 2 << lo):
            u = x[c + o:c + o + run]
            for j in range(run):
                u[j] = -u[j]


# ---------------------------------------------------------- complex kernels (floats)
@nb.njit(**_JIT)
def _cscale(x, start, length, dr, di):
    """Multiply the complex entries ``x[start:start + length]`` (float pairs) by d."""
    v = x[start:start + length]
    for j in range(0, length, 2):
        re = v[j]
        im = v[j + 1]
        v[j] = dr * re - di * im
        v[j + 1] = dr * im + di * re


@nb.njit(**_JIT)
def _cdiag1(x, q, d0, d1):
    """A complex diagonal on qubit ``q`` of a complex state's float view."""
    step = 2 << q  # floats per run of amplitudes with the same bit q
    n = x.shape[0]
    skip0 = d0.real == 1.0 and d0.imag == 0.0
    for base in range(0, n, 2 * step):
        if not skip0:
            _cscale(x, base, step, d0.real, d0.imag)
        _cscale(x, base + step, step, d1.real, d1.imag)


@nb.njit(**_JIT)
def _cback_diag1(x, y, q, d0, d1, g0, g1):
    """Backward step of a complex one-qubit diagonal with a diagonal generator (RZ, P):
    ``Re <lam| G |psi>`` and the conjugate diagonal applied to both, in one sweep."""
    step = 2 << q
    n = x.shape[0]
    total = 0.0
    for base in range(0, n, step):
        high = (base // step) & 1
        d = d1 if high else d0
        g = g1 if high else g0
        dr, di, gr, gi = d.real, -d.imag, g.real, g.imag
        u = x[base:base + step]
        v = y[base:base + step]
        for j in range(0, step, 2):
            pr = u[j]
            pi = u[j + 1]
            lr = v[j]
            li = v[j + 1]
            total += lr * (gr * pr - gi * pi) + li * (gr * pi + gi * pr)
            u[j] = dr * pr - di * pi
            u[j + 1] = dr * pi + di * pr
            v[j] = dr * lr - di * li
            v[j + 1] = dr * li + di * lr
    return total


@nb.njit(**_JIT)
def _cdense1(psi, q, m00, m01, m10, m11):
    """A complex 2 x 2 matrix (complex arithmetic)."""
    step = 1 << q
    n = psi.shape[0]
    for base in range(0, n, 2 * step):
        lo = psi[base:base + step]
        hi = psi[base + step:base + 2 * step]
        for j in range(step):
            a = lo[j]
            b = hi[j]
            lo[j] = m00 * a + m01 * b
            hi[j] = m10 * a + m11 * b


_PHASE_BLOCK = 11  # low qubits of one block of the fused phases: its tables stay in L1


def phase_scratch_size(n_qubits: int) -> int:
    """Complex scratch entries ``K_PHASES`` needs: a block's phase table, its doubling
    table and its linear coefficients."""
    low = min(n_qubits, _PHASE_BLOCK)
    return (1 << low) + (1 << low) // 2 + low


@nb.njit(**_JIT)
def _phases(psi, row, off, n_qubits, scratch):
    """Multiply ``psi`` by ``exp(i f(z))`` with ``f`` quadratic in the bits of ``z``:
    ``f = t + sum_k c_k z_k + sum_{j<k} d_jk z_j z_k``. ``row[off:]`` holds ``e^{it}``, then
    ``e^{ic_k}`` for every qubit, then ``e^{id_jk}`` for k = 1..n-1, j < k. The state is taken
    in blocks of ``2**L`` amplitudes (the low ``L`` bits); in a block the high bits are fixed,
    so the phase is a constant times a quadratic form in the low bits whose linear terms
    absorb the high bits' cross terms. Each block's phases are built by doubling --
    ``F(z + 2**k) = F(z) G_k(z)``, ``G_k(z + 2**m) = G_k(z) e^{i d_mk}`` -- in a table that
    stays in cache: about four multiplications per amplitude, one pass over the state, and
    scratch of ``phase_scratch_size(n_qubits)`` entries."""
    low = min(n_qubits, _PHASE_BLOCK)
    size = 1 << low
    f = scratch[:size]
    g = scratch[size:size + size // 2]
    c = scratch[size + size // 2:size + size // 2 + low]
    pairs = off + 1 + n_qubits  # e^{i d_jk} is row[pairs + k (k - 1) / 2 + j]
    for h in range(psi.shape[0] >> low):
        const = row[off]
        for k in range(low, n_qubits):
            if (h >> (k - low)) & 1:
                const *= row[off + 1 + k]
                for j in range(low, k):
                    if (h >> (j - low)) & 1:
                        const *= row[pairs + k * (k - 1) // 2 + j]
        for j in range(low):
            cj = row[off + 1 + j]
            for k in range(low, n_qubits):
                if (h >> (k - low)) & 1:
                    cj *= row[pairs + k * (k - 1) // 2 + j]
            c[j] = cj
        f[0] = const
        for k in range(low):
            g[0] = c[k]
            for m in range(k):
                e = row[pairs + k * (k - 1) // 2 + m]
                s = 1 << m
                for z in range(s):
                    g[z + s] = g[z] * e
            s = 1 << k
            for z in range(s):
                f[z + s] = f[z] * g[z]
        start = h << low
        for z in range(size):
            psi[start + z] *= f[z]


# ------------------------------------------------------------------ one operation
@nb.njit(**_JIT)
def apply_op(psi, kind, q0, q1, row, off, adjoint, n_qubits, scratch):
    """Apply an operation (or its adjoint) to ``psi`` in place."""
    x, sh = _floats(psi)
    if kind == K_CX:
        _swap_runs(x, q0 + sh, q1 + sh, 1, 3)
    elif kind == K_SWAP:
        _swap_runs(x, q0 + sh, q1 + sh, 1, 2)
    elif kind == K_CZ:
        _negate_11(x, q0 + sh, q1 + sh)
    elif kind == K_RDENSE1:
        if adjoint:
            _rdense1(x, q0 + sh, row[off].real, row[off + 2].real, row[off + 1].real,
                     row[off + 3].real)
        else:
            _rdense1(x, q0 + sh, row[off].real, row[off + 1].real, row[off + 2].real,
                     row[off + 3].real)
    elif kind == K_RDENSE2:
        m = np.empty(16)
        for r in range(4):
            for c in range(4):
                m[4 * r + c] = (row[off + 4 * c + r] if adjoint else row[off + 4 * r + c]).real
        _dense2(x, q0 + sh, q1 + sh, m)
    elif kind == K_DIAG1:
        d0, d1 = row[off] + 0j, row[off + 1] + 0j
        if adjoint:
            d0, d1 = np.conj(d0), np.conj(d1)
        _cdiag1(x, q0, d0, d1)
    elif kind == K_DENSE1:
        if adjoint:
            _cdense1(psi, q0, _conj(row[off]), _conj(row[off + 2]), _conj(row[off + 1]),
                     _conj(row[off + 3]))
        else:
            _cdense1(psi, q0, row[off], row[off + 1], row[off + 2], row[off + 3])
    elif kind == K_DENSE2 or kind == K_DIAG2:
        m = np.zeros(16, dtype=psi.dtype)
        for r in range(4):
            for c in range(4):
                if kind == K_DIAG2 and r != c:
                    continue
                v = row[off + r] if kind == K_DIAG2 else row[off + 4 * r + c]
                if adjoint:
                    v = _conj(row[off + r] if kind == K_DIAG2 else row[off + 4 * c + r])
                m[4 * r + c] = v
        _dense2(psi, q0, q1, m)
    else:  # K_PHASES: only in forward programs, never adjointed
        _phases(psi, row, off, n_qubits, scratch)


@nb.njit(**_JIT)
def _sandwich(lam, psi, kind, q0, q1, g, off):
    """``<lam| G |psi>`` for an operation's generator ``G`` (its size, dense in ``g``)."""
    total = 0j
    n = psi.shape[0]
    if kind == K_RDENSE1 or kind == K_DENSE1 or kind == K_DIAG1:
        step = 1 << q0
        for base in range(0, n, 2 * step):
            for i in range(base, base + step):
                a = psi[i]
                b = psi[i + step]
                total += (_conj(lam[i]) * (g[off] * a + g[off + 1] * b)
                          + _conj(lam[i + step]) * (g[off + 2] * a + g[off + 3] * b))
        return total
    lo, hi = min(q0, q1), max(q0, q1)
    s0, s1 = 1 << q0, 1 << q1
    for a_ in range(0, n, 2 << hi):
        for c in range(a_, a_ + (1 << hi), 2 << lo):
            for i in range(c, c + (1 << lo)):
                v0 = psi[i]
                v1 = psi[i + s0]
                v2 = psi[i + s1]
                v3 = psi[i + s0 + s1]
                idx = (i, i + s0, i + s1, i + s0 + s1)
                for r in range(4):
                    w = (g[off + 4 * r] * v0 + g[off + 4 * r + 1] * v1
                         + g[off + 4 * r + 2] * v2 + g[off + 4 * r + 3] * v3)
                    total += _conj(lam[idx[r]]) * w
    return total


# ------------------------------------------------------------------ observables
@nb.njit(**_JIT)
def expectations_into(psi, terms, coeffs, out):
    """Add every observable's expectation value to ``out`` (one entry per observable)."""
    n = psi.shape[0]
    for t in range(terms.shape[0]):
        k, x, z = terms[t, 0], terms[t, 1], terms[t, 2]
        c = coeffs[t]
        if x == 0:
            racc = 0.0
            for j in range(n):
                v = psi[j]
                racc += (v.real * v.real + v.imag * v.imag) * _parity(j & z)
            out[k] += (c * racc).real
        else:
            acc = 0j
            for j in range(n):
                acc += _conj(psi[j ^ x]) * psi[j] * _parity(j & z)
            out[k] += (c * acc).real


@nb.njit(**_JIT)
def observe_into(psi, cot, terms, coeffs, lam):
    """``lam = sum_k cot[k] O_k psi``."""
    lam[:] = 0
    n = psi.shape[0]
    for t in range(terms.shape[0]):
        k, x, z = terms[t, 0], terms[t, 1], terms[t, 2]
        w = cot[k] * coeffs[t]
        for j in range(n):
            lam[j ^ x] += w * _parity(j & z) * psi[j]


# ------------------------------------------------------------------ adjoint step
@nb.njit(**_JIT)
def back_step(psi, lam, op, first, last, slots, tables, p, b, n_samples, grads):
    """One step of the adjoint method for operation row ``op`` (its slots ``first:last``):
    add ``2 Re <lam| G |psi>`` of each slot to ``grads[slot]``, then un-apply the operation
    to the state ``psi`` and the adjoint state ``lam``."""
    kind, q0, q1, off = op[0], op[1], op[2], op[4]
    row = coefficients(tables, op[3], p, b, n_samples)
    x, sh = _floats(psi)
    y, _ = _floats(lam)
    if last == first and (kind == K_CX or kind == K_SWAP):
        _swap_runs2(x, y, q0 + sh, q1 + sh, 1, 3 if kind == K_CX else 2)
        return
    if last == first and kind == K_RDENSE1:
        _rback1(x, y, q0 + sh, row[off].real, row[off + 2].real, row[off + 1].real,
                row[off + 3].real, 0.0, 0.0, 0.0, 0.0)
        return
    if last - first == 1 and (kind == K_RDENSE1 or kind == K_DIAG1):
        g = coefficients(tables, slots[first, 0], p, b, n_samples)
        go = slots[first, 1]
        if kind == K_RDENSE1:
            val = _rback1(x, y, q0 + sh, row[off].real, row[off + 2].real, row[off + 1].real,
                          row[off + 3].real, g[go].real, g[go + 1].real, g[go + 2].real,
                          g[go + 3].real)
        else:
            val = _cback_diag1(x, y, q0, row[off] + 0j, row[off + 1] + 0j, g[go] + 0j,
                               g[go + 3] + 0j)
        grads[first] += 2.0 * val
        return
    for s in range(first, last):
        g = coefficients(tables, slots[s, 0], p, b, n_samples)
        grads[s] += 2.0 * _sandwich(lam, psi, kind, q0, q1, g, slots[s, 1]).real
    apply_op(psi, kind, q0, q1, row, off, True, 0, psi[:0])
    apply_op(lam, kind, q0, q1, row, off, True, 0, psi[:0])
