"""Exact state-vector evaluation, vectorised over samples and parameter sets, with adjoint
gradients.

A parametrised circuit is compiled once into a list of gate operations. Evaluation then runs
every gate on a whole batch of state vectors at once, shaped ``(P, B, 2**n)``: ``P`` parameter
sets (weights ``W[p]``) times ``B`` samples (inputs ``X[b]``). A gate whose angle depends only on
the weights acts on all samples with one shared matrix; a gate whose angle depends on the inputs
gets one matrix per sample. The leading part of the circuit that depends on the inputs only (the
feature map) is evaluated once per data set and cached.

Gradients use adjoint differentiation (Jones & Gacon 2020): one forward pass, then one backward
pass that un-computes the state gate by gate, so the cost per sample is a small constant number
of state-vector passes whatever the number of weights. Inputs get exact gradients the same way.

Qubit ``q`` is bit ``q`` of the basis-state index, as in qiskit.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter, ParameterExpression
from qiskit.quantum_info import Operator, SparsePauliOp

from qml.errors import StateTooLargeError, UnsupportedCircuitError

__all__ = ["ExactCircuit", "compile_circuit", "check_state_memory", "state_bytes"]

_I2 = np.eye(2, dtype=complex)
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
_SKIPPED = {"barrier", "delay", "id"}
# Memory working set of one sample during a gradient pass, in state vectors.
_WORKING_STATES = 6
DEFAULT_CHUNK_BYTES = 256 * 2**20


def state_bytes(n_qubits: int) -> int:
    """Bytes of one complex128 state vector of ``n_qubits`` qubits.

    Examples
    --------
    >>> state_bytes(10)
    16384
    """
    return 16 * 2**n_qubits


def _available_memory() -> int:
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 2**30


def check_state_memory(n_qubits: int, available: int | None = None) -> None:
    """Refuse, before allocating, a width whose working state vectors exceed free memory.

    Raises
    ------
    StateTooLargeError
        With the memory the evaluation would need and the memory available.

    Examples
    --------
    >>> check_state_memory(10)
    """
    need = _WORKING_STATES * state_bytes(n_qubits)
    available = _available_memory() if available is None else available
    if need > available:
        raise StateTooLargeError(
            f"an exact {n_qubits}-qubit evaluation needs at least {need / 2**30:.3g} GiB "
            f"({_WORKING_STATES} state vectors of {state_bytes(n_qubits) / 2**30:.3g} GiB); "
            f"{available / 2**30:.3g} GiB is available. Use fewer qubits (n_qubits with "
            "reduction='pca') or a shot-based backend."
        )


# ----------------------------------------------------------------------------- angles
@dataclass(frozen=True)
class _Source:
    """Where a parameter's values come from: column ``index`` of the inputs or weights."""

    kind: str  # "input" or "weight"
    index: int


class _Angle:
    """One gate angle as a function of inputs X (B, d) and weights W (P, m).

    Values broadcast to (P, B): weight columns are shaped (P, 1), input columns (1, B).
    ``partials`` lists (source, derivative function) for every parameter in the angle.
    """

    def __init__(self, value, sources: dict[Parameter, _Source]):
        self.constant = None
        self.direct: _Source | None = None
        self.fn = None
        self.args: list[_Source] = []
        self.partials: list[tuple[_Source, object]] = []
        if not isinstance(value, ParameterExpression) or not value.parameters:
            self.constant = float(np.real(complex(value)))
            return
        unknown = [p for p in value.parameters if p not in sources]
        if unknown:
            raise UnsupportedCircuitError(
                f"circuit parameters {unknown} are neither inputs nor weights"
            )
        if isinstance(value, Parameter):
            self.direct = sources[value]
            self.partials = [(self.direct, None)]
            return
        self._compile_expression(value, sources)

    def _compile_expression(self, value: ParameterExpression, sources) -> None:
        import sympy

        expr = value.sympify()
        by_name = {p.name: p for p in value.parameters}
        symbols = sorted(expr.free_symbols, key=lambda s: s.name)
        self.args = [sources[by_name[s.name]] for s in symbols]
        self.fn = sympy.lambdify(symbols, expr, modules="numpy")
        self.partials = [
            (src, sympy.lambdify(symbols, sympy.diff(expr, sym), modules="numpy"))
            for sym, src in zip(symbols, self.args)
        ]

    @property
    def parametrised(self) -> bool:
        return self.constant is None

    def sources(self) -> list[_Source]:
        return [src for src, _ in self.partials]

    @staticmethod
    def _column(src: _Source, X, W):
        if src.kind == "weight":
            return W[:, src.index][:, None]
        return X[:, src.index][None, :]

    def value(self, X, W):
        if self.constant is not None:
            return self.constant
        if self.direct is not None:
            return self._column(self.direct, X, W)
        return np.real(self.fn(*(self._column(s, X, W) for s in self.args)))

    def derivatives(self, X, W):
        """Yield (source, d angle / d source) for every parameter in this angle."""
        for src, dfn in self.partials:
            if dfn is None:
                yield src, 1.0
            else:
                yield src, np.real(dfn(*(self._column(s, X, W) for s in self.args)))


# ------------------------------------------------------------------------------ gates
def _dense_to_elems(m: np.ndarray, tol: float = 0.0) -> dict:
    return {(i, j): complex(m[i, j]) for i in range(m.shape[0]) for j in range(m.shape[1])
            if abs(m[i, j]) > tol}


def _rotation_elems(gen: np.ndarray, theta):
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    d = gen.shape[0]
    m = {}
    dm = {}
    for i in range(d):
        for j in range(d):
            eye, g = (1.0 if i == j else 0.0), gen[i, j]
            if eye or g:
                m[(i, j)] = c * eye - 1j * s * g
                dm[(i, j)] = (-s * eye - 1j * c * g) / 2
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


def _parametric_elems(name: str, angles: list):
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
    raise KeyError(name)  # pragma: no cover - guarded by _PARAMETRIC_GATES


_PARAMETRIC_GATES = (set(_ROTATIONS) | set(_CONTROLLED_ROTATIONS) | set(_PHASES)
                     | {"u", "u3", "u2", "r"})


@dataclass
class _Op:
    qubits: tuple[int, ...]
    name: str
    fixed: dict | None = None  # matrix elements of a gate without parameters
    angles: tuple[_Angle, ...] = ()

    @property
    def parametrised(self) -> bool:
        return any(a.parametrised for a in self.angles)

    def depends_on(self, kind: str) -> bool:
        return any(s.kind == kind for a in self.angles for s in a.sources())


def _is_supported(inst) -> bool:
    op = inst.operation
    if op.name in _SKIPPED:
        return True
    if op.name in _PARAMETRIC_GATES:
        return True
    if op.name in ("measure", "reset") or getattr(op, "condition", None) is not None:
        return False
    if not op.params and op.num_qubits <= 2 and op.num_clbits == 0:
        try:
            op.to_matrix()
        except Exception:  # noqa: BLE001 - qiskit raises assorted errors for matrix-less ops
            return False
        return True
    return False


def _flatten(circuit: QuantumCircuit, max_rounds: int = 8) -> QuantumCircuit:
    circuit = circuit.remove_final_measurements(inplace=False)
    for _ in range(max_rounds):
        todo = {inst.operation.name for inst in circuit.data if not _is_supported(inst)}
        if not todo:
            return circuit
        decomposable = {inst.operation.name for inst in circuit.data
                        if inst.operation.name in todo and inst.operation.definition is not None}
        if not decomposable:
            break
        circuit = circuit.decompose(gates_to_decompose=sorted(decomposable))
    bad = sorted({inst.operation.name for inst in circuit.data if not _is_supported(inst)})
    raise UnsupportedCircuitError(
        f"the exact engine does not support the instructions {bad}; "
        "remove them or evaluate the circuit with Aer"
    )


# ------------------------------------------------------------------ state application
def _expand(coeff, extra: int):
    if np.ndim(coeff) == 0:
        return coeff
    return np.reshape(coeff, np.shape(coeff) + (1,) * extra)


def _batch_shape(state: np.ndarray, elems: dict) -> tuple[int, int]:
    shapes = [state.shape[:2]] + [np.shape(v)[:2] for v in elems.values() if np.ndim(v)]
    return np.broadcast_shapes(*shapes)


def _blocks(view: np.ndarray, qubits: tuple[int, ...], hi_first: bool):
    """Sub-arrays of ``view`` for every basis index of the gate's qubits."""
    if len(qubits) == 1:
        return [view[:, :, :, j, :] for j in range(2)]
    out = []
    for j in range(4):
        b0, b1 = j & 1, j >> 1  # bits of qargs[0] and qargs[1]
        hi, lo = (b0, b1) if hi_first else (b1, b0)
        out.append(view[:, :, :, hi, :, lo, :])
    return out


def _view(state: np.ndarray, n: int, qubits: tuple[int, ...]):
    P, B = state.shape[:2]
    if len(qubits) == 1:
        q = qubits[0]
        return state.reshape(P, B, 2 ** (n - 1 - q), 2, 2**q), True
    hi, lo = max(qubits), min(qubits)
    shape = (P, B, 2 ** (n - 1 - hi), 2, 2 ** (hi - lo - 1), 2, 2**lo)
    return state.reshape(shape), qubits[0] == hi


def apply_elems(state: np.ndarray, n: int, qubits: tuple[int, ...], elems: dict) -> np.ndarray:
    """Return ``M @ state`` for a gate on ``qubits`` given by its nonzero matrix elements.

    ``state`` has shape ``(P, B, 2**n)``; each element is a scalar or an array broadcastable to
    ``(P, B)``, so one call applies per-sample or per-parameter-set matrices.
    """
    P, B = _batch_shape(state, elems)
    view, hi_first = _view(state, n, qubits)
    out = np.empty((P, B, 2**n), dtype=complex)
    out_view, _ = _view(out, n, qubits)
    src, dst = _blocks(view, qubits, hi_first), _blocks(out_view, qubits, hi_first)
    extra = src[0].ndim - 2
    for k in range(len(dst)):
        acc = None
        for (row, col), coeff in elems.items():
            if row != k:
                continue
            unit = np.ndim(coeff) == 0 and coeff == 1
            term = src[col] if unit else _expand(coeff, extra) * src[col]
            acc = term if acc is None else acc + term
        dst[k][...] = 0 if acc is None else acc
    return out


def _dagger(elems: dict) -> dict:
    return {(j, i): np.conj(v) for (i, j), v in elems.items()}


def _weight_free_first(ops: list[_Op]) -> list[_Op]:
    """Reorder so that every op that no weight-dependent op precedes on its qubits comes
    first: gates on disjoint qubits commute, so the state is unchanged, and the leading
    weight-free part (the feature map) can be cached per data set."""
    tainted: set[int] = set()
    head, tail = [], []
    for op in ops:
        if op.depends_on("weight") or tainted.intersection(op.qubits):
            tainted.update(op.qubits)
            tail.append(op)
        else:
            head.append(op)
    return head + tail


# ------------------------------------------------------------------------ the engine
class ExactCircuit:
    """A circuit compiled for exact, batched evaluation; build it with ``compile_circuit``.

    Examples
    --------
    >>> from qiskit.circuit import ParameterVector
    >>> x, w = ParameterVector("x", 1), ParameterVector("w", 1)
    >>> qc = QuantumCircuit(1); _ = qc.ry(x[0], 0); _ = qc.ry(w[0], 0)
    >>> ec = compile_circuit(qc, x, w, [SparsePauliOp("Z")])
    >>> ec.expectations(np.array([[0.3]]), np.array([[0.2]])).round(6)  # cos(0.5)
    array([[[0.877583]]])
    """

    def __init__(self, n_qubits: int, ops: list[_Op], n_inputs: int, n_weights: int,
                 observables: Sequence[SparsePauliOp], global_phase: _Angle,
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES):
        self.n_qubits = n_qubits
        self.ops = ops
        self.n_inputs = n_inputs
        self.n_weights = n_weights
        self.global_phase = global_phase
        self.chunk_bytes = chunk_bytes
        ops = _weight_free_first(ops)
        self.ops = ops
        self.prefix = next((i for i, op in enumerate(ops) if op.depends_on("weight")), len(ops))
        self._set_observables(observables)
        self._cache_key: bytes | None = None
        self._cache: np.ndarray | None = None

    def _set_observables(self, observables: Sequence[SparsePauliOp]) -> None:
        ops = [SparsePauliOp(o) for o in observables]
        self.n_outputs = len(ops)
        self._diagonal = all(not o.paulis.x.any() for o in ops)
        if self._diagonal:
            # diag of a Z-type Pauli string: prod over its Z qubits of (-1)^bit
            idx = np.arange(2**self.n_qubits)
            bits = (idx[:, None] >> np.arange(self.n_qubits)[None, :]) & 1
            diags = []
            for o in ops:
                signs = (-1.0) ** (bits @ o.paulis.z.T.astype(int))  # (N, terms)
                diags.append(signs @ np.real(o.coeffs))
            self._diag = np.array(diags)  # (K, N)
        else:
            self._sparse = [o.to_matrix(sparse=True).tocsr() for o in ops]

    # -- helpers
    def _check(self, X, W):
        X = np.zeros((1, 0)) if X is None else np.asarray(X, dtype=float)
        W = np.zeros((1, 0)) if W is None else np.asarray(W, dtype=float)
        if W.ndim == 1:
            W = W[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (n_samples, {self.n_inputs}); got {X.shape}")
        if W.ndim != 2 or W.shape[1] != self.n_weights:
            raise ValueError(f"W must have shape (n_sets, {self.n_weights}); got {W.shape}")
        return X, W

    def _chunk_size(self, n_sets: int) -> int:
        per_sample = _WORKING_STATES * state_bytes(self.n_qubits) * max(n_sets, 1)
        return max(1, self.chunk_bytes // per_sample)

    def _apply(self, state, op: _Op, X, W, inverse=False):
        if op.fixed is not None:
            elems = op.fixed
        else:
            elems, _ = _parametric_elems(op.name, [a.value(X, W) for a in op.angles])
        return apply_elems(state, self.n_qubits, op.qubits, _dagger(elems) if inverse else elems)

    def _run(self, state, ops, X, W):
        for op in ops:
            if op.name in _SKIPPED:
                continue
            state = self._apply(state, op, X, W)
        return state

    def _initial(self, B: int) -> np.ndarray:
        state = np.zeros((1, B, 2**self.n_qubits), dtype=complex)
        state[:, :, 0] = 1.0
        return state

    def _prefix_states(self, X: np.ndarray, use_cache: bool) -> np.ndarray:
        """States after the weight-free leading ops, shape (1, B, N); cached per data set."""
        if not use_cache:
            return self._run(self._initial(len(X)), self.ops[: self.prefix], X, None)
        key = hashlib.sha1(np.ascontiguousarray(X).tobytes() + str(X.shape).encode()).digest()
        if key != self._cache_key:
            self._cache = self._run(self._initial(len(X)), self.ops[: self.prefix], X, None)
            self._cache_key = key
        return self._cache

    def _forward(self, X, W, use_cache):
        return self._run(self._prefix_states(X, use_cache), self.ops[self.prefix:], X, W)

    def _can_cache(self, n_samples: int) -> bool:
        return n_samples * state_bytes(self.n_qubits) <= self.chunk_bytes

    def _chunks(self, X, n_sets):
        size = self._chunk_size(n_sets)
        cache = self._can_cache(len(X)) and size >= len(X)
        for start in range(0, max(len(X), 1), size):
            yield slice(start, start + size), cache

    def _expect(self, state: np.ndarray) -> np.ndarray:
        if self._diagonal:
            return (np.abs(state) ** 2) @ self._diag.T
        flat = state.reshape(-1, state.shape[-1])
        cols = [np.real(np.sum(flat.conj() * (m @ flat.T).T, axis=1)) for m in self._sparse]
        return np.stack(cols, axis=-1).reshape(state.shape[:2] + (self.n_outputs,))

    def _observe(self, state: np.ndarray, cot: np.ndarray) -> np.ndarray:
        """lambda = sum_k cot[..., k] O_k |state>."""
        if self._diagonal:
            return state * (cot @ self._diag)
        flat = state.reshape(-1, state.shape[-1])
        shape = state.shape[:2] + (self.n_outputs,)
        cflat = np.broadcast_to(cot, shape).reshape(-1, self.n_outputs)
        lam = sum(cflat[:, [k]] * (m @ flat.T).T for k, m in enumerate(self._sparse))
        return lam.reshape(state.shape)

    # -- public
    def statevectors(self, X=None, W=None) -> np.ndarray:
        """Final state vectors, shape ``(P, B, 2**n)``, global phase included."""
        X, W = self._check(X, W)
        states = self._forward(X, W, use_cache=False)
        phase = self.global_phase.value(X, W)
        states = states * np.exp(1j * _expand(phase, 1))
        return np.broadcast_to(states, (len(W), len(X), 2**self.n_qubits))

    def expectations(self, X=None, W=None) -> np.ndarray:
        """Expectation values of the observables, shape ``(P, B, K)``."""
        X, W = self._check(X, W)
        out = np.empty((len(W), len(X), self.n_outputs))
        for sl, cache in self._chunks(X, len(W)):
            out[:, sl] = self._expect(self._forward(X[sl], W, cache))
        return out

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
        E = np.empty((len(W), len(X), self.n_outputs))
        gW = np.zeros((len(W), self.n_weights))
        gX = np.zeros((len(W), len(X), self.n_inputs)) if inputs else None
        for sl, cache in self._chunks(X, len(W)):
            Xc = X[sl]
            state = self._forward(Xc, W, cache)
            E[:, sl] = self._expect(state)
            cot = cotangent(E[:, sl], sl) if callable(cotangent) else np.asarray(cotangent)[:, sl]
            lam = self._observe(state, cot)
            self._backward(state, lam, Xc, W, gW, None if gX is None else gX[:, sl])
        return E, gW, gX

    def _backward(self, psi, lam, X, W, gW, gX):
        stop = 0 if gX is not None else self.prefix
        for op in reversed(self.ops[stop:]):
            if op.name in _SKIPPED:
                continue
            if op.fixed is not None:
                psi = apply_elems(psi, self.n_qubits, op.qubits, _dagger(op.fixed))
                lam = apply_elems(lam, self.n_qubits, op.qubits, _dagger(op.fixed))
                continue
            elems, delems = _parametric_elems(op.name, [a.value(X, W) for a in op.angles])
            psi = apply_elems(psi, self.n_qubits, op.qubits, _dagger(elems))
            for angle, d in zip(op.angles, delems):
                if not angle.parametrised:
                    continue
                t = apply_elems(psi, self.n_qubits, op.qubits, d)
                g = 2 * np.real(np.einsum("pbn,pbn->pb", lam.conj(), t)) if lam.shape == t.shape \
                    else 2 * np.real(np.sum(lam.conj() * t, axis=-1))
                for src, dval in angle.derivatives(X, W):
                    contrib = g * dval
                    if src.kind == "weight":
                        gW[:, src.index] += contrib.sum(axis=1)
                    elif gX is not None:
                        gX[:, :, src.index] += np.broadcast_to(contrib, gX.shape[:2])
            lam = apply_elems(lam, self.n_qubits, op.qubits, _dagger(elems))


def compile_circuit(circuit: QuantumCircuit, inputs: Sequence[Parameter],
                    weights: Sequence[Parameter], observables: Sequence[SparsePauliOp],
                    chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> ExactCircuit:
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
    check_state_memory(circuit.num_qubits)
    sources = {p: _Source("input", i) for i, p in enumerate(inputs)}
    sources.update({p: _Source("weight", i) for i, p in enumerate(weights)})
    flat = _flatten(circuit)
    ops = []
    for inst in flat.data:
        op = inst.operation
        qubits = tuple(flat.find_bit(q).index for q in inst.qubits)
        if op.name in _SKIPPED:
            continue
        if op.name in _PARAMETRIC_GATES:
            angles = tuple(_Angle(p, sources) for p in op.params)
            if not any(a.parametrised for a in angles):
                elems, _ = _parametric_elems(op.name, [a.constant for a in angles])
                ops.append(_Op(qubits, op.name, fixed=elems))
            else:
                ops.append(_Op(qubits, op.name, angles=angles))
        else:
            ops.append(_Op(qubits, op.name, fixed=_dense_to_elems(Operator(op).data, 1e-15)))
    return ExactCircuit(flat.num_qubits, ops, len(inputs), len(weights), observables,
                        _Angle(flat.global_phase, sources), chunk_bytes)

