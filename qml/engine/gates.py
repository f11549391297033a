"""Gate matrices and their derivatives, as the exact engine needs them.

A gate is given by its nonzero matrix elements ``{(row, col): value}`` in qiskit's
little-endian convention for its qubit arguments; each value is a scalar or an array
broadcastable to ``(P, B)``: shared by all samples (weights) or one per sample (inputs). The
kernels that apply gates to states are in ``qml.engine.gate_kernels``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PARAMETRIC_GATES", "parametric_elems", "dense_to_elems", "derivative_generators",
           "product", "dagger"]


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


def _is_array(v) -> bool:
    return isinstance(v, np.ndarray) and v.ndim > 0


def product(a: dict, b: dict) -> dict:
    """Matrix product of two gates given by their nonzero elements."""
    out: dict = {}
    for (i, k), x in a.items():
        for (k2, j), y in b.items():
            if k == k2:
                out[(i, j)] = out.get((i, j), 0) + x * y
    return out


def dagger(elems: dict) -> dict:
    """Elements of the adjoint gate."""
    return {(j, i): v if isinstance(v, float) else np.conj(v) for (i, j), v in elems.items()}
