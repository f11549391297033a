"""Readouts: which observables a classifier measures, and how their expectation values
become class probabilities; and the one observable a regressor reads out
(``regression_observable``).

A readout is a small value object: ``observables(n_qubits)`` lists the measured operators
(``SparsePauliOp``), ``probabilities(E)`` maps expectation values ``E[..., k]`` to class
probabilities, and ``vjp(E, g)`` pulls a gradient on the probabilities back to ``E`` (used by
exact training). Pure NumPy; nothing here runs a circuit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from qiskit.exceptions import QiskitError
from qiskit.quantum_info import SparsePauliOp

from qml.errors import ConfigurationError

__all__ = ["Readout", "Parity", "ZPerClass", "Observables", "READOUTS", "build_readout",
           "readout_from_dict", "REGRESSION_OBSERVABLES", "regression_observable",
           "observable_to_list", "observable_from_list"]


def _z_on(qubit: int, n_qubits: int) -> SparsePauliOp:
    return SparsePauliOp.from_sparse_list([("Z", [qubit], 1.0)], num_qubits=n_qubits)


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class Readout:
    """Base class: subclasses define ``observables``, ``probabilities`` and ``vjp``."""

    name = "readout"

    def n_qubits_needed(self, n_classes: int) -> int:
        """Smallest circuit width this readout needs for ``n_classes`` classes."""
        return 1

    def observables(self, n_qubits: int, n_classes: int) -> list[SparsePauliOp]:
        """The operators to measure on an ``n_qubits`` circuit for ``n_classes`` classes."""
        raise NotImplementedError

    def probabilities(self, expectations: np.ndarray) -> np.ndarray:
        """Class probabilities ``(..., n_classes)`` from expectation values ``(..., K)``."""
        raise NotImplementedError

    def vjp(self, expectations: np.ndarray, grad_probs: np.ndarray) -> np.ndarray:
        """Pull a gradient on the probabilities back to the expectation values."""
        raise NotImplementedError

    def to_dict(self) -> dict:
        """The readout as JSON-ready data (``readout_from_dict`` reads it back)."""
        return {"name": self.name}


@dataclass(frozen=True)
class Parity(Readout):
    """Two-class readout of qiskit-machine-learning: ``p(class 1) = P(qubit 0 reads 1)
    = (1 - <Z_0>) / 2``.

    Examples
    --------
    >>> Parity().probabilities(np.array([[1.0], [-1.0]]))
    array([[1., 0.],
           [0., 1.]])
    """

    name = "parity"

    def observables(self, n_qubits: int, n_classes: int) -> list[SparsePauliOp]:
        if n_classes != 2:
            raise ConfigurationError(
                f"the parity readout has two classes; got {n_classes}. "
                "Use readout='z_per_class' for multi-class problems."
            )
        return [_z_on(0, n_qubits)]

    def probabilities(self, expectations: np.ndarray) -> np.ndarray:
        z = expectations[..., 0]
        return np.stack([(1 + z) / 2, (1 - z) / 2], axis=-1)

    def vjp(self, expectations: np.ndarray, grad_probs: np.ndarray) -> np.ndarray:
        return ((grad_probs[..., 0] - grad_probs[..., 1]) / 2)[..., None]


@dataclass(frozen=True)
class Observables(Readout):
    """User-given observables, one per class: ``p = softmax(-scale * <O_k>)``; with a
    single observable and two classes, ``p(class 1) = (1 - <O>) / 2`` as for parity.

    Examples
    --------
    >>> r = Observables([SparsePauliOp("ZI"), SparsePauliOp("IZ")], scale=1.0)
    >>> r.probabilities(np.array([0.0, 0.0])).round(2)
    array([0.5, 0.5])
    """

    operators: Sequence[SparsePauliOp] = field(default_factory=list)
    scale: float = 3.0
    name = "observables"

    def observables(self, n_qubits: int, n_classes: int) -> list[SparsePauliOp]:
        try:
            ops = [SparsePauliOp(op) for op in self.operators]
        except (QiskitError, TypeError, ValueError) as exc:
            raise ConfigurationError(f"readout observables must be Pauli strings or "
                                     f"SparsePauliOp; got {list(self.operators)!r} ({exc})"
                                     ) from exc
        if len(ops) != n_classes and not (len(ops) == 1 and n_classes == 2):
            raise ConfigurationError(
                f"{len(ops)} observables for {n_classes} classes; give one per class "
                "(or one observable for two classes)"
            )
        for op in ops:
            if op.num_qubits != n_qubits:
                raise ConfigurationError(
                    f"observable {op} acts on {op.num_qubits} qubits; the circuit has {n_qubits}"
                )
        return ops

    def probabilities(self, expectations: np.ndarray) -> np.ndarray:
        if expectations.shape[-1] == 1:
            return Parity.probabilities(self, np.clip(expectations, -1.0, 1.0))
        return _softmax(-self.scale * expectations)

    def vjp(self, expectations: np.ndarray, grad_probs: np.ndarray) -> np.ndarray:
        if expectations.shape[-1] == 1:
            return Parity.vjp(self, expectations, grad_probs)
        p = self.probabilities(expectations)
        inner = (grad_probs * p).sum(axis=-1, keepdims=True)
        return -self.scale * p * (grad_probs - inner)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "scale": self.scale,
            "operators": [[[label, [coeff.real, coeff.imag]] for label, coeff in op.to_list()]
                          for op in map(SparsePauliOp, self.operators)],
        }


@dataclass(frozen=True)
class ZPerClass(Observables):
    """Multi-class readout with one ``Z_k`` per class on qubits ``0..C-1``:
    ``p = softmax(-scale * <Z_k>)``, so a qubit reading 1 votes for its class.

    Examples
    --------
    >>> [str(op.paulis[0]) for op in ZPerClass().observables(3, 3)]
    ['IIZ', 'IZI', 'ZII']
    """

    name = "z_per_class"

    def n_qubits_needed(self, n_classes: int) -> int:
        return n_classes

    def observables(self, n_qubits: int, n_classes: int) -> list[SparsePauliOp]:
        if n_classes > n_qubits:
            raise ConfigurationError(
                f"z_per_class needs one qubit per class: {n_classes} classes, {n_qubits} qubits"
            )
        return [_z_on(k, n_qubits) for k in range(n_classes)]

    def to_dict(self) -> dict:
        return {"name": self.name, "scale": self.scale}


READOUTS = ("auto", "parity", "z_per_class")


def build_readout(readout, n_classes: int) -> Readout:
    """Resolve a readout specification: ``"auto"`` (parity for two classes, one Z per class
    otherwise), ``"parity"``, ``"z_per_class"``, a ``Readout``, or a list of observables.

    Examples
    --------
    >>> build_readout("auto", 3).name
    'z_per_class'
    """
    if isinstance(readout, Readout):
        return readout
    if isinstance(readout, str):
        if readout == "auto":
            return Parity() if n_classes == 2 else ZPerClass()
        if readout == "parity":
            return Parity()
        if readout == "z_per_class":
            return ZPerClass()
        raise ConfigurationError(
            f"unknown readout {readout!r}; valid: {', '.join(READOUTS)}, a Readout, "
            "or a list of SparsePauliOp observables"
        )
    if isinstance(readout, (list, tuple)):
        return Observables(list(readout))
    raise ConfigurationError(f"readout must be a string, a Readout or observables; got {readout!r}")


def readout_from_dict(data: dict) -> Readout:
    """Inverse of ``Readout.to_dict``."""
    name = data.get("name")
    if name == "parity":
        return Parity()
    if name == "z_per_class":
        return ZPerClass(scale=data["scale"])
    if name == "observables":
        ops = [SparsePauliOp.from_list([(label, complex(*c)) for label, c in terms])
               for terms in data["operators"]]
        return Observables(ops, scale=data["scale"])
    raise ConfigurationError(f"unknown readout in model file: {name!r}")


REGRESSION_OBSERVABLES = ("mean_z", "z0", "parity")


def regression_observable(observable, n_qubits: int) -> SparsePauliOp:
    """The one observable a regressor reads out: ``"mean_z"`` (the mean of ``Z_q`` over all
    qubits), ``"z0"`` (``Z`` on qubit 0), ``"parity"`` (``Z`` on every qubit, the default of
    qiskit-machine-learning's ``EstimatorQNN``), a Pauli label, or a ``SparsePauliOp``.

    Examples
    --------
    >>> regression_observable("mean_z", 2).to_list()
    [('IZ', (0.5+0j)), ('ZI', (0.5+0j))]
    >>> str(regression_observable("XY", 2).paulis[0])
    'XY'
    """
    if isinstance(observable, str) and observable in REGRESSION_OBSERVABLES:
        if observable == "z0":
            return _z_on(0, n_qubits)
        if observable == "parity":
            return SparsePauliOp("Z" * n_qubits)
        return SparsePauliOp.from_sparse_list([("Z", [q], 1.0 / n_qubits)
                                               for q in range(n_qubits)], num_qubits=n_qubits)
    try:
        op = SparsePauliOp(observable)
    except (QiskitError, TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"observable {observable!r}: give one of {', '.join(REGRESSION_OBSERVABLES)}, a "
            f"Pauli label or a SparsePauliOp ({exc})") from exc
    if op.num_qubits != n_qubits:
        raise ConfigurationError(f"observable {observable} acts on {op.num_qubits} qubits; "
                                 f"the circuit has {n_qubits}")
    if np.abs(op.coeffs.imag).max() > 1e-12:
        raise ConfigurationError(f"observable {observable} is not Hermitian: its Pauli "
                                 "coefficients must be real")
    return op


def observable_to_list(op: SparsePauliOp) -> list:
    """A ``SparsePauliOp`` as JSON-ready data: ``[[label, coefficient], ...]`` (real
    coefficients; ``observable_from_list`` reads it back).

    Examples
    --------
    >>> observable_to_list(SparsePauliOp(["ZI", "IZ"], [0.5, 0.5]))
    [['ZI', 0.5], ['IZ', 0.5]]
    """
    return [[label, float(np.real(coeff))] for label, coeff in SparsePauliOp(op).to_list()]


def observable_from_list(data: list) -> SparsePauliOp:
    """Inverse of ``observable_to_list``."""
    try:
        return SparsePauliOp.from_list([(str(label), float(c)) for label, c in data])
    except (QiskitError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"unknown observable in model file: {data!r} ({exc})") from exc
