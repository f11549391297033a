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
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter, ParameterExpression
from qiskit.quantum_info import Operator, SparsePauliOp

from qml.errors import UnsupportedCircuitError
from qml.gates import (
    PARAMETRIC_GATES,
    apply_elems,
    dagger,
    dense_to_elems,
    derivative_generators,
    parametric_elems,
    sandwich,
    stacked,
)
from qml.memory import WORKING_STATES, check_state_memory, state_bytes

__all__ = ["ExactCircuit", "compile_circuit", "DEFAULT_CHUNK_BYTES"]

logger = logging.getLogger(__name__)

_SKIPPED = {"barrier", "delay", "id"}
DEFAULT_CHUNK_BYTES = 256 * 2**20


# ----------------------------------------------------------------------------- angles
@dataclass(frozen=True)
class _Source:
    """Where a parameter's values come from: column ``index`` of the inputs or weights."""

    kind: str  # "input" or "weight"
    index: int


def _number(expr) -> float | None:
    """The value of a parameter-free expression, else None."""
    if isinstance(expr, (int, float)):
        return float(expr)
    if isinstance(expr, ParameterExpression) and not expr.parameters:
        return float(np.real(complex(expr)))
    return None


def _at(expr, values: dict) -> float:
    if isinstance(expr, (int, float)):
        return float(expr)
    return float(np.real(complex(expr.bind({p: values[p] for p in expr.parameters}))))


def _quadratic(value: ParameterExpression, params: list[Parameter]):
    """Functions for ``value`` when it is a polynomial of degree <= 2 in its parameters
    (every angle of qiskit's feature maps is), built from qiskit's own symbolic gradients,
    checked at random points; None otherwise (the caller falls back to sympy)."""
    k = len(params)
    zero = dict.fromkeys(params, 0.0)
    grads = [value.gradient(p) for p in params]
    hess = np.zeros((k, k))
    for i, g in enumerate(grads):
        for j, p in enumerate(params):
            h = _number(g.gradient(p)) if isinstance(g, ParameterExpression) else 0.0
            if h is None:
                return None
            hess[i, j] = h
    c0 = _at(value, zero)
    lin = np.array([_at(g, zero) for g in grads])
    rng = np.random.default_rng(0)
    for _ in range(2):
        a = rng.uniform(-2, 2, k)
        exact = _at(value, dict(zip(params, a)))
        if abs(exact - (c0 + lin @ a + a @ hess @ a / 2)) > 1e-9 * (1 + abs(exact)):
            return None

    def fn(*a):
        return c0 + sum(lin[i] * a[i] for i in range(k) if lin[i]) + sum(
            hess[i, j] * a[i] * a[j] * (0.5 if i == j else 1.0)
            for i in range(k) for j in range(i, k) if hess[i, j])

    def partial(i):
        return lambda *a: lin[i] + sum(hess[i, j] * a[j] for j in range(k) if hess[i, j])

    return fn, [partial(i) for i in range(k)]


_LAMBDIFIED: dict = {}


def _lambdified(expr, symbols):
    """NumPy functions of an angle expression and of its partial derivatives.

    Expressions are cached by their structure with the symbols renamed by position, so the
    many angles of one feature map (``2 (pi - x_i)(pi - x_j)`` for every pair) share one
    compiled function: compiling is the slow part of sympy.
    """
    import sympy

    slots = sympy.symbols(f"a0:{len(symbols)}")
    canonical = expr.xreplace(dict(zip(symbols, slots)))
    key = sympy.srepr(canonical)
    if key not in _LAMBDIFIED:
        _LAMBDIFIED[key] = (
            sympy.lambdify(slots, canonical, modules="numpy"),
            [sympy.lambdify(slots, sympy.diff(canonical, s), modules="numpy") for s in slots],
        )
    return _LAMBDIFIED[key]


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
        params = sorted(value.parameters, key=lambda p: p.name)
        self.args = [sources[p] for p in params]
        compiled = _quadratic(value, params)
        if compiled is None:
            expr = value.sympify()
            by_name = {sym.name: sym for sym in expr.free_symbols}
            compiled = _lambdified(expr, [by_name[p.name] for p in params])
        self.fn, partials = compiled
        self.partials = list(zip(self.args, partials))

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
            v = self._column(self.direct, X, W)
        else:
            v = np.real(self.fn(*(self._column(s, X, W) for s in self.args)))
        return float(v.flat[0]) if np.size(v) == 1 else v  # shared scalars are cheaper

    def derivatives(self, X, W):
        """Yield (source, d angle / d source) for every parameter in this angle."""
        for src, dfn in self.partials:
            if dfn is None:
                yield src, 1.0
            else:
                yield src, np.real(dfn(*(self._column(s, X, W) for s in self.args)))


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
    if op.name in PARAMETRIC_GATES:
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
        per_sample = WORKING_STATES * state_bytes(self.n_qubits) * max(n_sets, 1)
        return max(1, self.chunk_bytes // per_sample)

    def _apply(self, state, op: _Op, X, W):
        if op.fixed is not None:
            elems = op.fixed
        else:
            elems, _ = parametric_elems(op.name, [a.value(X, W) for a in op.angles])
        return apply_elems(state, self.n_qubits, op.qubits, elems)

    def _run(self, state, ops, X, W):
        for op in ops:
            if op.name in _SKIPPED:
                continue
            state = self._apply(state, op, X, W)
        return state

    def _initial(self, B: int) -> np.ndarray:
        state = np.zeros((1, 2**self.n_qubits, B), dtype=complex)
        state[:, 0, :] = 1.0
        return state

    def _prefix_states(self, X: np.ndarray, use_cache: bool) -> np.ndarray:
        """States after the weight-free leading ops, shape (1, N, B); cached per data set."""
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
        if size < len(X):
            logger.debug("%d qubits, %d parameter sets: %d samples in chunks of %d "
                         "(budget %d MiB); feature states not cached", self.n_qubits, n_sets,
                         len(X), size, self.chunk_bytes // 2**20)
        for start in range(0, max(len(X), 1), size):
            yield slice(start, start + size), cache

    def _expect(self, state: np.ndarray) -> np.ndarray:
        """Expectations (P, B, K) of states (P, N, B)."""
        if self._diagonal:
            return np.einsum("kn,pnb->pbk", self._diag, np.abs(state) ** 2)
        cols = [np.real(np.einsum("pnb,pnb->pb", state.conj(), self._sparse_apply(m, state)))
                for m in self._sparse]
        return np.stack(cols, axis=-1)

    @staticmethod
    def _sparse_apply(matrix, state: np.ndarray) -> np.ndarray:
        return np.stack([matrix @ s for s in state])

    def _observe(self, state: np.ndarray, cot: np.ndarray) -> np.ndarray:
        """lambda = sum_k cot[p, b, k] O_k |state[p, :, b]>, shape (P, N, B)."""
        if self._diagonal:
            return state * np.einsum("pbk,kn->pnb", cot, self._diag)
        cot = np.broadcast_to(cot, (state.shape[0], state.shape[2], self.n_outputs))
        return sum(cot[:, None, :, k] * self._sparse_apply(m, state)
                   for k, m in enumerate(self._sparse))

    # -- public
    def statevectors(self, X=None, W=None) -> np.ndarray:
        """Final state vectors, shape ``(P, B, 2**n)``, global phase included."""
        X, W = self._check(X, W)
        states = self._forward(X, W, use_cache=False).transpose(0, 2, 1)
        phase = np.asarray(self.global_phase.value(X, W))
        states = states * np.exp(1j * phase.reshape(phase.shape + (1,) * (3 - phase.ndim)))
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
        """Un-compute psi and lambda together, gate by gate, collecting gradients."""
        n_sets, n = psi.shape[0], self.n_qubits
        both = np.concatenate([psi, lam])  # one kernel call per gate for the two
        stop = 0 if gX is not None else self.prefix
        for op in reversed(self.ops[stop:]):
            if op.name in _SKIPPED:
                continue
            if op.fixed is not None:
                both = apply_elems(both, n, op.qubits, dagger(op.fixed))
                continue
            elems, delems = parametric_elems(op.name, [a.value(X, W) for a in op.angles])
            generators = derivative_generators(op.name, elems, delems)
            for angle, gen in zip(op.angles, generators):
                if angle.parametrised:
                    g = 2 * np.real(sandwich(both[n_sets:], both[:n_sets], n, op.qubits, gen))
                    self._accumulate(angle, g, X, W, gW, gX)
            both = apply_elems(both, n, op.qubits, stacked(dagger(elems)))

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
        if op.name in PARAMETRIC_GATES:
            angles = tuple(_Angle(p, sources) for p in op.params)
            if not any(a.parametrised for a in angles):
                elems, _ = parametric_elems(op.name, [a.constant for a in angles])
                ops.append(_Op(qubits, op.name, fixed=elems))
            else:
                ops.append(_Op(qubits, op.name, angles=angles))
        else:
            ops.append(_Op(qubits, op.name, fixed=dense_to_elems(Operator(op).data, 1e-15)))
    return ExactCircuit(flat.num_qubits, ops, len(inputs), len(weights), observables,
                        _Angle(flat.global_phase, sources), chunk_bytes)

