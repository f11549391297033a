"""From a qiskit circuit to the engine's operations: gates flattened to the supported set, each
angle an expression of inputs and weights (evaluated vectorised with sympy), the weight-free
prefix moved first, and observables as Pauli terms.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter, ParameterExpression
from qiskit.quantum_info import SparsePauliOp

from qml.engine.gates import PARAMETRIC_GATES
from qml.errors import UnsupportedCircuitError

__all__ = ["Source", "Angle", "Op", "is_supported", "flatten", "weight_free_first",
           "pauli_terms", "SKIPPED"]

logger = logging.getLogger(__name__)


SKIPPED = {"barrier", "delay", "id"}


# ----------------------------------------------------------------------------- angles
@dataclass(frozen=True)
class Source:
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


class Angle:
    """One gate angle as a function of inputs X (B, d) and weights W (P, m).

    Values broadcast to (P, B): weight columns are shaped (P, 1), input columns (1, B).
    ``partials`` lists (source, derivative function) for every parameter in the angle.
    """

    def __init__(self, value, sources: dict[Parameter, Source]):
        self.constant = None
        self.direct: Source | None = None
        self.fn = None
        self.args: list[Source] = []
        self.partials: list[tuple[Source, object]] = []
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
        """Whether it depends on a parameter."""
        return self.constant is None

    def sources(self) -> list[Source]:
        """The parameters it depends on."""
        return [src for src, _ in self.partials]

    @staticmethod
    def _column(src: Source, X, W):
        if src.kind == "weight":
            return W[:, src.index][:, None]
        return X[:, src.index][None, :]

    def value(self, X, W):
        """Its value (a constant angle)."""
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
class Op:
    qubits: tuple[int, ...]
    name: str
    fixed: dict | None = None  # matrix elements of a gate without parameters
    angles: tuple[Angle, ...] = ()

    @property
    def parametrised(self) -> bool:
        """Whether its angle depends on a parameter."""
        return any(a.parametrised for a in self.angles)

    def depends_on(self, kind: str) -> bool:
        """Whether it reads a parameter of ``kind``."""
        return any(s.kind == kind for a in self.angles for s in a.sources())


def is_supported(inst) -> bool:
    """Whether the engine runs instruction ``inst`` as it is."""
    op = inst.operation
    if op.name in SKIPPED:
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


def flatten(circuit: QuantumCircuit, max_rounds: int = 8) -> QuantumCircuit:
    """``circuit`` decomposed until every instruction is one the engine runs."""
    circuit = circuit.remove_final_measurements(inplace=False)
    for _ in range(max_rounds):
        todo = {inst.operation.name for inst in circuit.data if not is_supported(inst)}
        if not todo:
            return circuit
        decomposable = {inst.operation.name for inst in circuit.data
                        if inst.operation.name in todo and inst.operation.definition is not None}
        if not decomposable:
            break
        circuit = circuit.decompose(gates_to_decompose=sorted(decomposable))
    bad = sorted({inst.operation.name for inst in circuit.data if not is_supported(inst)})
    raise UnsupportedCircuitError(
        f"the exact engine does not support the instructions {bad}; "
        "remove them or evaluate the circuit with Aer"
    )


def weight_free_first(ops: list[Op]) -> list[Op]:
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
def pauli_terms(observables: Sequence[SparsePauliOp], n_qubits: int, real: bool):
    """Rows ``(output, x mask, z mask)`` and coefficients of every Pauli term, with
    ``P |j> = coeff (-1)**popcount(j & z) |j ^ x>``. On real states a term with an odd number
    of Y has expectation and gradient zero: it is left out, and the rest are real."""
    rows, coeffs = [], []
    weights = 1 << np.arange(n_qubits, dtype=np.int64)
    for k, obs in enumerate(observables):
        obs = SparsePauliOp(obs)
        for x, z, phase, coeff in zip(obs.paulis.x, obs.paulis.z, obs.paulis.phase, obs.coeffs):
            n_y = int(np.sum(x & z))
            if real and n_y % 2:
                continue
            c = complex(coeff) * (-1j) ** int(phase) * 1j**n_y
            rows.append((k, int(weights @ x), int(weights @ z)))
            coeffs.append(c.real if real else c)
    dtype = np.float64 if real else np.complex128
    return (np.array(rows, dtype=np.int64).reshape(-1, 3), np.array(coeffs, dtype=dtype),
            len(observables))
