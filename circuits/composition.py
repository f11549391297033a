"""Compose a feature map and an ansatz into one classifier circuit.

The result keeps data inputs and trainable weights apart: inputs are the ``ParameterVector``
``"x"``, weights the ``ParameterVector`` ``"w"`` (the feature map's own trainable angles, if any,
come first, then the ansatz's).
"""

from __future__ import annotations

from dataclasses import dataclass

from qiskit import QuantumCircuit
from qiskit.circuit import Parameter, ParameterVector

from circuits.ansatze import WEIGHT_PREFIX, build_ansatz
from circuits.feature_maps import FEATURE_WEIGHT_PREFIX, INPUT_PREFIX, build_feature_map
from qml.errors import ConfigurationError

__all__ = ["ClassifierCircuit", "build_classifier"]


@dataclass(frozen=True)
class ClassifierCircuit:
    """A classifier circuit and its two parameter vectors.

    Attributes
    ----------
    circuit : QuantumCircuit
        Feature map followed by ansatz, no measurements.
    inputs : tuple of Parameter
        Data inputs ``x[0..d-1]``, in feature order.
    weights : tuple of Parameter
        Trainable weights ``w[0..m-1]``.
    """

    circuit: QuantumCircuit
    inputs: tuple[Parameter, ...]
    weights: tuple[Parameter, ...]

    @property
    def num_qubits(self) -> int:
        """Width of the circuit."""
        return self.circuit.num_qubits


def _sorted_params(circuit: QuantumCircuit, prefix: str | None) -> list[Parameter]:
    params = list(circuit.parameters)  # qiskit orders vector elements by index
    if prefix is None:
        return params
    return [p for p in params if p.name.startswith(prefix + "[")]


def _user_inputs(circuit: QuantumCircuit) -> list[Parameter]:
    """Inputs of a user feature map: a whole ``ParameterVector`` when all its parameters come
    from one (so an element the circuit never reads is still an input, with zero effect),
    else ``circuit.parameters`` in order."""
    params = list(circuit.parameters)
    vectors = {id(getattr(p, "vector", None)) for p in params}
    if params and len(vectors) == 1 and getattr(params[0], "vector", None) is not None:
        return list(params[0].vector)
    return params


def _as_circuit(spec, n_features: int, reps: int, kind: str, n_qubits: int) -> QuantumCircuit:
    if isinstance(spec, QuantumCircuit):
        return spec
    if kind == "feature_map":
        return build_feature_map(spec, n_features, reps)
    return build_ansatz(spec, n_qubits, reps)


def build_classifier(feature_map="angle", ansatz="real_amplitudes", *, n_features: int,
                     n_qubits: int | None = None, feature_map_reps: int = 1,
                     ansatz_reps: int = 3) -> ClassifierCircuit:
    """Feature map on the first ``n_features`` qubits, then an ansatz on all ``n_qubits``.

    ``feature_map`` and ``ansatz`` are names (see ``FEATURE_MAPS`` and ``ANSATZE``) or
    circuits. For a user feature-map circuit every parameter is a data input (all elements
    of its ``ParameterVector`` when it uses one, else ``circuit.parameters`` order); for a
    user ansatz every parameter is a weight.

    Examples
    --------
    >>> cc = build_classifier("zz", "real_amplitudes", n_features=2, feature_map_reps=1,
    ...                       ansatz_reps=1)
    >>> len(cc.inputs), len(cc.weights), cc.num_qubits
    (2, 4, 2)
    """
    n_qubits = n_features if n_qubits is None else n_qubits
    if n_qubits < n_features:
        raise ConfigurationError(
            f"{n_features} features need at least {n_features} qubits; got n_qubits={n_qubits}"
        )
    fm = _as_circuit(feature_map, n_features, feature_map_reps, "feature_map", n_qubits)
    an = _as_circuit(ansatz, n_features, ansatz_reps, "ansatz", n_qubits)
    if fm.num_qubits > n_qubits or an.num_qubits != n_qubits:
        raise ConfigurationError(
            f"feature map has {fm.num_qubits} qubits and ansatz {an.num_qubits}; "
            f"the classifier has {n_qubits}"
        )
    user_fm = isinstance(feature_map, QuantumCircuit)
    fm_inputs = _user_inputs(fm) if user_fm else _sorted_params(fm, INPUT_PREFIX)
    fm_weights = [] if user_fm else _sorted_params(fm, FEATURE_WEIGHT_PREFIX)
    an_weights = list(an.parameters)
    if len(fm_inputs) != n_features:
        raise ConfigurationError(
            f"the feature map has {len(fm_inputs)} input parameters; the data has "
            f"{n_features} features"
        )
    x = ParameterVector(INPUT_PREFIX, n_features)
    w = ParameterVector(WEIGHT_PREFIX, len(fm_weights) + len(an_weights))
    qc = QuantumCircuit(n_qubits, name="classifier")
    qc.compose(fm.assign_parameters(dict(zip(fm_inputs + fm_weights, list(x) + list(w))),
                                    strict=False),
               qubits=range(fm.num_qubits), inplace=True)
    qc.compose(an.assign_parameters(dict(zip(an_weights, list(w)[len(fm_weights):]))),
               inplace=True)
    return ClassifierCircuit(qc, tuple(x), tuple(w))
