"""Gate matrices and the kernels that apply them to batches of state vectors.

A batch of states is an array shaped ``(P, N, B)``: ``P`` parameter sets, ``N = 2**n``
amplitudes, ``B`` samples, samples innermost so that every kernel works on contiguous runs.
Qubit ``q`` is bit ``q`` of the amplitude index, as in qiskit.

A gate is given by its nonzero matrix elements ``{(row, col): value}`` in qiskit's
little-endian convention for its qubit arguments; each value is a scalar or an array
broadcastable to ``(P, B)``: shared by all samples (weights) or one per sample (inputs).
Shared one-qubit gates run as one BLAS matrix product; permutations as copies; diagonal gates
as one multiplication; per-sample gates element-wise.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PARAMETRIC_GATES", "parametric_elems", "dense_to_elems", "derivative_generators",
           "apply_elems", "sandwich", "product", "dagger", "stacked"]


_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.diag([1.0, -1.0]).astype(complex)
# Generators G of rotations exp(-i theta G / 2), in qiskit's little-endian matrix convention.
_ROTATIONS = {
    "rx": _X, "ry": _Y, "rz": _Z,
    "rxx": np.kron(_X, _X), "ryy": np.kron(_Y, _Y), "rzz": np.kron(_Z, _Z),
    "rzx": np.kron(_X, _Z),
}
_CONTROLLED_ROTATIONS = {"crx": _X, "cry": _Y, "crz": _Z}
_PHASES = {"p": 2, "u1": 2, "cp": 4}  # exp(i lambda |1..1><1..1|), value: matrix size


# ------------------------------------------------------------------------------ gates
def dense_to_elems(m: np.ndarray, tol: float = 0.0) -> dict:
    """The entries of a dense gate matrix above ``tol``, as ``{(row, column): value}``."""
    return {(i, j): _real_if_possible(complex(m[i, j])) for i in range(m.shape[0])
            for j in range(m.shape[1]) if abs(m[i, j]) > tol}


def _generator_entries(gen: np.ndarray) -> tuple:
    """Nonzero entries (i, j, identity part, generator part) of ``c I - i s G``."""
    d = gen.shape[0]
    return tuple((i, j, 1.0 if i == j else 0.0, complex(gen[i, j]))
                 for i in range(d) for j in range(d) if i == j or gen[i, j] != 0)


_ENTRIES = {id(g): _generator_entries(g)
            for g in (*_ROTATIONS.values(), *_CONTROLLED_ROTATIONS.values())}


def _real_if_possible(v):
    """Real coefficients make complex-by-real products, a third of the arithmetic."""
    if not _is_array(v):
        return float(v.real) if v.imag == 0 else v
    return v.real if not np.any(v.imag) else v


def _rotation_elems(gen: np.ndarray, theta):
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    m, dm = {}, {}
    for i, j, eye, g in _ENTRIES[id(gen)]:
        m[(i, j)] = _real_if_possible(c * eye - 1j * s * g)
        dm[(i, j)] = _real_if_possible((-s * eye - 1j * c * g) / 2)
    return m, [dm]


def _controlled(elems: dict) -> dict:
    # control = first qarg = bit 0 of the 4x4 index; target = bit 1.
    out = {(0, 0): 1.0, (2, 2): 1.0}
    for (a, b), v in elems.items():
        out[(1 + 2 * a, 1 + 2 * b)] = v
    return out


def _controlled_rotation_elems(gen, theta):
    m, (dm,) = _rotation_elems(gen, theta)
    dm_full = {(1 + 2 * a, 1 + 2 * b): v for (a, b), v in dm.items()}
    return _controlled(m), [dm_full]


def _phase_elems(size: int, lam):
    e = np.exp(1j * lam)
    m = {(i, i): 1.0 for i in range(size - 1)}
    m[(size - 1, size - 1)] = e
    return m, [{(size - 1, size - 1): 1j * e}]


def _u_elems(theta, phi, lam):
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    ep, el, epl = np.exp(1j * phi), np.exp(1j * lam), np.exp(1j * (phi + lam))
    m = {(0, 0): c, (0, 1): -el * s, (1, 0): ep * s, (1, 1): epl * c}
    d_theta = {(0, 0): -s / 2, (0, 1): -el * c / 2, (1, 0): ep * c / 2, (1, 1): -epl * s / 2}
    d_phi = {(1, 0): 1j * ep * s, (1, 1): 1j * epl * c}
    d_lam = {(0, 1): -1j * el * s, (1, 1): 1j * epl * c}
    return m, [d_theta, d_phi, d_lam]


def _r_elems(theta, phi):
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    em, ep = np.exp(-1j * phi), np.exp(1j * phi)
    m = {(0, 0): c, (0, 1): -1j * em * s, (1, 0): -1j * ep * s, (1, 1): c}
    d_theta = {(0, 0): -s / 2, (0, 1): -1j * em * c / 2, (1, 0): -1j * ep * c / 2,
               (1, 1): -s / 2}
    d_phi = {(0, 1): -em * s, (1, 0): ep * s}
    return m, [d_theta, d_phi]


def parametric_elems(name: str, angles: list):
    """Matrix elements and their derivatives (one dict per angle) of a parametric gate."""
    if name in _ROTATIONS:
        return _rotation_elems(_ROTATIONS[name], angles[0])
    if name in _CONTROLLED_ROTATIONS:
        return _controlled_rotation_elems(_CONTROLLED_ROTATIONS[name], angles[0])
    if name in _PHASES:
        return _phase_elems(_PHASES[name], angles[0])
    if name in ("u", "u3"):
        return _u_elems(*angles)
    if name == "u2":
        m, (_, d_phi, d_lam) = _u_elems(np.pi / 2, *angles)
        return m, [d_phi, d_lam]
    if name == "r":
        return _r_elems(*angles)
    raise KeyError(name)  # pragma: no cover - guarded by PARAMETRIC_GATES


PARAMETRIC_GATES = (set(_ROTATIONS) | set(_CONTROLLED_ROTATIONS) | set(_PHASES)
                     | {"u", "u3", "u2", "r"})


def _generator_of(name: str):
    """``dU/dtheta U^dag`` of one-angle rotation and phase gates: a constant matrix."""
    if name in _ROTATIONS:
        gen = _ROTATIONS[name]
        return {(i, j): -0.5j * complex(gen[i, j]) for i in range(len(gen))
                for j in range(len(gen)) if gen[i, j] != 0}
    if name in _CONTROLLED_ROTATIONS:
        gen = _CONTROLLED_ROTATIONS[name]
        return {(1 + 2 * a, 1 + 2 * b): -0.5j * complex(gen[a, b]) for a in range(2)
                for b in range(2) if gen[a, b] != 0}
    if name in _PHASES:
        size = _PHASES[name]
        return {(size - 1, size - 1): 1j}
    return None


_GENERATORS = {name: _generator_of(name) for name in PARAMETRIC_GATES}


def derivative_generators(name: str, elems: dict, delems: list) -> list[dict]:
    """``dU/dtheta_k U^dag`` for every angle: with it, ``dU psi_before = D (U psi_before)``,
    so a gradient needs only the state after the gate."""
    constant = _GENERATORS.get(name)
    if constant is not None:
        return [constant]
    return [product(d, dagger(elems)) for d in delems]


# ------------------------------------------------------------------------------ kernels
def _is_array(v) -> bool:
    return isinstance(v, np.ndarray) and v.ndim > 0


def _expand(coeff, extra: int):
    """A (P', B') coefficient shaped to broadcast against blocks (P, ..., B)."""
    if not _is_array(coeff):
        return coeff
    c = coeff
    return c.reshape((c.shape[0],) + (1,) * extra + (c.shape[-1],))


def _n_sets(state: np.ndarray, elems: dict) -> int:
    sizes = [v.shape[0] for v in elems.values() if _is_array(v)]
    return max([state.shape[0], *sizes])


def _shared(elems: dict) -> bool:
    return all(not _is_array(v) or v.shape[-1] == 1 for v in elems.values())


def _dense(elems: dict, d: int) -> np.ndarray:
    """Matrices (P', d, d) of a gate whose elements do not depend on the sample."""
    sets = max([v.shape[0] for v in elems.values() if _is_array(v)] or [1])
    real = all(np.isrealobj(v) for v in elems.values())
    m = np.zeros((sets, d, d), dtype=float if real else complex)
    for (i, j), v in elems.items():
        m[:, i, j] = v.reshape(-1) if _is_array(v) else v
    return m


def _view(state: np.ndarray, n: int, qubits: tuple[int, ...]):
    """(P, L, 2, R, B) for one qubit; (P, A, 2, M, 2, C, B) for two (higher qubit first)."""
    P, _, B = state.shape
    if len(qubits) == 1:
        q = qubits[0]
        return state.reshape(P, 2 ** (n - 1 - q), 2, 2**q, B), True
    hi, lo = max(qubits), min(qubits)
    shape = (P, 2 ** (n - 1 - hi), 2, 2 ** (hi - lo - 1), 2, 2**lo, B)
    return state.reshape(shape), qubits[0] == hi


def _blocks(view: np.ndarray, qubits: tuple[int, ...], hi_first: bool):
    """Sub-arrays of ``view`` for every basis index of the gate's qubits."""
    if len(qubits) == 1:
        return [view[:, :, j] for j in range(2)]
    out = []
    for j in range(4):
        b0, b1 = j & 1, j >> 1  # bits of qargs[0] and qargs[1]
        hi, lo = (b0, b1) if hi_first else (b1, b0)
        out.append(view[:, :, hi, :, lo])
    return out


def _apply_one_qubit_shared(state, n, q, elems):
    """One BLAS product per gate: (2 x 2) @ (2, R * B) for every block of higher qubits."""
    P, N, B = state.shape
    m = _dense(elems, 2)[:, None]  # (P', 1, 2, 2)
    shape = (P, 2 ** (n - 1 - q), 2, 2**q * B)
    if np.isrealobj(m):  # real matrix on the float view: a third of the arithmetic
        out = np.matmul(m, state.view(np.float64).reshape(shape[:-1] + (2 * shape[-1],)))
        return out.view(complex).reshape(-1, N, B)
    return np.matmul(m, state.reshape(shape)).reshape(-1, N, B)


def _elementwise(state, n, qubits, elems):
    """out_k = sum_j M_kj state_j over sub-blocks, any coefficient shapes."""
    P, N, B = state.shape
    out = np.empty((_n_sets(state, elems), N, B), dtype=complex)
    view, hi_first = _view(state, n, qubits)
    out_view, _ = _view(out, n, qubits)
    src, dst = _blocks(view, qubits, hi_first), _blocks(out_view, qubits, hi_first)
    extra = src[0].ndim - 2
    rows: list[list] = [[] for _ in dst]
    for (row, col), coeff in elems.items():
        rows[row].append((col, coeff))
    for k, terms in enumerate(rows):
        if not terms:
            dst[k][...] = 0
        for t, (col, coeff) in enumerate(terms):
            unit = not _is_array(coeff) and coeff == 1
            if t == 0:
                if unit:
                    dst[k][...] = src[col]
                else:
                    np.multiply(_expand(coeff, extra), src[col], out=dst[k])
            else:
                dst[k] += src[col] if unit else _expand(coeff, extra) * src[col]
    return out


def apply_elems(state: np.ndarray, n: int, qubits: tuple[int, ...], elems: dict) -> np.ndarray:
    """Return ``M @ state`` for a gate on ``qubits`` given by its nonzero matrix elements.

    ``state`` has shape ``(P, 2**n, B)``; the result has ``max(P, P')`` parameter sets.
    """
    if len(qubits) == 1 and _shared(elems):
        return _apply_one_qubit_shared(state, n, qubits[0], elems)
    return _elementwise(state, n, qubits, elems)


def product(a: dict, b: dict) -> dict:
    """Matrix product of two gates given by their nonzero elements."""
    out: dict = {}
    for (i, k), x in a.items():
        for (k2, j), y in b.items():
            if k == k2:
                out[(i, j)] = out.get((i, j), 0) + x * y
    return out


def sandwich(lam: np.ndarray, psi: np.ndarray, n: int, qubits: tuple[int, ...],
             elems: dict) -> np.ndarray:
    """``<lam| M |psi>`` per (parameter set, sample), from sub-blocks: no temporary state."""
    lv, hi_first = _view(lam, n, qubits)
    pv, _ = _view(psi, n, qubits)
    lb, pb = _blocks(lv, qubits, hi_first), _blocks(pv, qubits, hi_first)
    spec = "plrb,plrb->pb" if len(qubits) == 1 else "pamcb,pamcb->pb"
    total = 0
    for (row, col), coeff in elems.items():
        if not _is_array(coeff) and abs(coeff) < 1e-15:
            continue
        total = total + coeff * np.einsum(spec, lb[row].conj(), pb[col])
    return total


def stacked(elems: dict, copies: int = 2) -> dict:
    """Elements for a batch that stacks ``copies`` batches along the parameter-set axis."""
    return {k: np.concatenate([v] * copies) if _is_array(v) and v.shape[0] > 1 else v
            for k, v in elems.items()}


def dagger(elems: dict) -> dict:
    """Elements of the adjoint gate."""
    return {(j, i): v if isinstance(v, float) else np.conj(v) for (i, j), v in elems.items()}
