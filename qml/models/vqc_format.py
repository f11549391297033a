"""The VQC's model file (``qlimits.vqc``, JSON, no pickle): its schema, the parameters as
JSON, the learned state, and the upgrade from older formats. The parts every variational
estimator saves (parameters, circuit weights, input map, training record) are shared with
the VQR's file (``qml.models.vqr_format``).
"""

from __future__ import annotations

import base64
import io
import logging
import warnings

import numpy as np
from qiskit import QuantumCircuit, qpy

from circuits.readouts import (
    build_readout,
    observable_from_list,
    observable_to_list,
    readout_from_dict,
)
from qml.backends import DEFAULT_SHOTS, parse_backend
from qml.errors import ConfigurationError, NotFittedError, VersionMismatchWarning
from qml.models.optimizers import OPTIMIZERS, resolve_optimizer
from qml.result_file import ResultFile, document_schema
from qml.version import __version__

__all__ = ["VQCFile", "MODEL_SCHEMA", "VARIATIONAL_FIELDS", "VARIATIONAL_REQUIRED",
           "json_params", "model_body",
           "saved_params", "learned_state", "check_loaded_arrays"]

logger = logging.getLogger(__name__)


def encode_circuit(circuit: QuantumCircuit) -> dict:
    buf = io.BytesIO()
    qpy.dump(circuit, buf)
    return {"qpy": base64.b64encode(buf.getvalue()).decode("ascii")}


def decode_circuit(data: dict) -> QuantumCircuit:
    return qpy.load(io.BytesIO(base64.b64decode(data["qpy"])))[0]


NUMBERS = {"type": "array", "items": {"type": "number"}}


VARIATIONAL_FIELDS = {  # what every variational estimator's file holds
    "qiskit_version": {"type": "string"},
    "n_features_in": {"type": "integer", "minimum": 1},
    "n_qubits": {"type": "integer", "minimum": 1},
    "weights": {**NUMBERS, "minItems": 1},
    "input_matrix": {"type": "array", "items": NUMBERS, "minItems": 1},
    "input_offset": NUMBERS,
    "loss_curve": NUMBERS,
    "loss": {"type": "number"},
    "n_iter": {"type": "integer", "minimum": 0},
    "optimizer": {"enum": list(OPTIMIZERS)},
    "shots": {"type": ["integer", "null"], "minimum": 1},
    "n_circuit_evaluations": {"type": ["integer", "null"], "minimum": 0},
    "fit_seconds": {"type": ["number", "null"], "minimum": 0},
}
VARIATIONAL_REQUIRED = ["params", "n_features_in", "n_qubits", "weights", "input_matrix",
                        "input_offset", "loss_curve", "loss", "n_iter", "optimizer", "shots",
                        "n_circuit_evaluations", "fit_seconds"]

MODEL_SCHEMA = document_schema({
    **VARIATIONAL_FIELDS,
    "params": {"type": "object", "required": ["feature_map", "ansatz", "readout", "backend"]},
    "classes": {"type": "array", "minItems": 2},
    "classes_dtype": {"type": "string"},
}, required=[*VARIATIONAL_REQUIRED, "classes", "classes_dtype"])


def json_params(params: dict, n_classes: int | None = None) -> dict:
    """The estimator's parameters as JSON: circuits as QPY, a readout object as its dict, an
    observable (a regressor's) as its Pauli terms; no callback (with a warning) and no Dask
    client (a session's, not the model's)."""
    params = dict(params)
    for key in ("feature_map", "ansatz"):
        if isinstance(params[key], QuantumCircuit):
            params[key] = encode_circuit(params[key])
    if "readout" in params and not isinstance(params["readout"], str):
        params["readout"] = build_readout(params["readout"], n_classes).to_dict()
    if "observable" in params and not isinstance(params["observable"], str):
        params["observable"] = {"pauli_terms": observable_to_list(params["observable"])}
    if params["initial_weights"] is not None:
        params["initial_weights"] = np.asarray(params["initial_weights"]).tolist()
    if params["callback"] is not None:
        warnings.warn("the callback is not saved with the model", UserWarning, stacklevel=4)
    params["callback"] = None
    if params["checkpoint"] is not None:
        params["checkpoint"] = str(params["checkpoint"])
    if params["scheduler"] is not None and not isinstance(params["scheduler"], str):
        params["scheduler"] = None
    return params


_LEARNED = {  # saved key -> (attribute, how it is read back)
    "n_features_in": ("n_features_in_", int), "n_qubits": ("n_qubits_", int),
    "weights": ("weights_", lambda v: np.array(v, dtype=float)),
    "input_matrix": ("input_matrix_", lambda v: np.array(v, dtype=float)),
    "input_offset": ("input_offset_", lambda v: np.array(v, dtype=float)),
    "loss_curve": ("loss_curve_", lambda v: np.array(v, dtype=float)),
    "loss": ("loss_", float), "n_iter": ("n_iter_", int), "optimizer": ("optimizer_", str),
    "shots": ("shots_", None), "n_circuit_evaluations": ("n_circuit_evaluations_", None),
    "fit_seconds": ("fit_seconds_", None),
}


def model_body(model, n_classes: int | None = None) -> dict:
    """What every fitted variational estimator's file holds besides its stamp (a
    classifier's ``n_classes`` builds a readout object's dict)."""
    import qiskit

    body = {"qiskit_version": qiskit.__version__,
            "params": json_params(model.get_params(), n_classes)}
    for key, (attribute, read) in _LEARNED.items():
        value = getattr(model, attribute)
        body[key] = (value.tolist() if isinstance(value, np.ndarray)
                     else read(value) if read in (int, float, str) else value)
    return body


def _upgrade(doc: dict) -> dict:
    """Format 1 (qlimits 0.1) had no optimizer, shots, evaluations or fit time: the first
    two follow from the parameters, the others are unknown."""
    params = doc.get("params") if isinstance(doc.get("params"), dict) else {}
    try:
        spec = parse_backend(params.get("backend", "statevector"))
    except ConfigurationError:
        return doc  # the validation that follows names the problem
    optimizer = resolve_optimizer(params.get("optimizer", "auto"),
                                  spec.exact and params.get("shots") is None)
    shots = params.get("shots") if spec.exact else (params.get("shots") or DEFAULT_SHOTS)
    return {**doc, "optimizer": optimizer, "shots": shots, "n_circuit_evaluations": None,
            "fit_seconds": None}


def saved_params(doc: dict) -> dict:
    """The estimator's parameters from a validated file: circuits and readout rebuilt, and
    no checkpoint (where a fit wrote its checkpoint is data from the file, never a place
    this process writes to). Warns where another qlimits or qiskit version wrote it."""
    import qiskit

    saved = (doc.get("qlimits_version"), doc.get("qiskit_version"))
    if saved != (__version__, qiskit.__version__):
        warnings.warn(
            f"model saved by qlimits {saved[0]} / qiskit {saved[1]}; this is qlimits "
            f"{__version__} / qiskit {qiskit.__version__}. Predictions may differ.",
            VersionMismatchWarning, stacklevel=5)
    params = dict(doc["params"])
    if params.get("checkpoint"):
        logger.info("loaded model: its checkpoint path %r is not used", params["checkpoint"])
    params.update(checkpoint=None, resume=False)
    for key in ("feature_map", "ansatz"):
        if isinstance(params.get(key), dict):
            params[key] = decode_circuit(params[key])
    if isinstance(params.get("readout"), dict):
        params["readout"] = readout_from_dict(params["readout"])
    if isinstance(params.get("observable"), dict):
        params["observable"] = observable_from_list(params["observable"].get("pauli_terms"))
    return params


def learned_state(doc: dict) -> dict:
    """The fitted attributes every variational estimator has (``weights_``, the input map,
    the training record) from a validated file."""
    state = {}
    for key, (attribute, read) in _LEARNED.items():
        state[attribute] = doc[key] if read is None else read(doc[key])
    return state


def check_loaded_arrays(model, extra: tuple[str, ...] = ()) -> int:
    """A loaded model's input map fits its feature count, and its weights, input map and
    ``extra`` attributes hold finite numbers (else ``ValueError``); returns the number of
    angles the input map makes."""
    d, k = model.input_matrix_.shape if model.input_matrix_.ndim == 2 else (None, None)
    if d != model.n_features_in_ or model.input_offset_.shape != (k,):
        raise ValueError(f"input_matrix {model.input_matrix_.shape} and input_offset "
                         f"{model.input_offset_.shape} do not map {model.n_features_in_} "
                         "features to angles")
    for name in ("weights_", "input_matrix_", "input_offset_", *extra):
        if not np.isfinite(getattr(model, name)).all():
            raise ValueError(f"{name.rstrip('_')} holds NaN or infinite values")
    return k


class VQCFile(ResultFile):
    """The VQC's model file: ``save``/``load`` and ``to_dict``/``from_dict`` (through
    ``ResultFile``) in the format above."""

    FORMAT = "qlimits.vqc"

    FORMAT_VERSION = 2

    SCHEMA = MODEL_SCHEMA

    def _to_body(self) -> dict:
        if not hasattr(self, "weights_"):
            raise NotFittedError("fit the model before saving it")
        classes = self.classes_
        return {**model_body(self, len(classes)), "classes": classes.tolist(),
                "classes_dtype": classes.dtype.str}

    @classmethod
    def _upgrade(cls, doc: dict, version: int) -> dict:
        return _upgrade(doc)

    @classmethod
    def _from_body(cls, doc: dict):
        model = cls(**saved_params(doc))
        cls._validate_options(model)
        model.classes_ = np.array(doc["classes"], dtype=np.dtype(doc["classes_dtype"]))
        for name, value in learned_state(doc).items():
            setattr(model, name, value)
        model._check_loaded()
        return model

    def _check_loaded(self) -> None:
        """The saved arrays fit each other and the circuit the parameters build."""
        k = check_loaded_arrays(self)
        self._build_circuit(k, len(self.classes_))
        if len(self.weights_) != len(self.circuit_.weights):
            raise ValueError(f"{len(self.weights_)} weights for a circuit with "
                             f"{len(self.circuit_.weights)}")
        # the readout must measure this circuit for these classes (predict would fail later)
        self.readout_.observables(self.circuit_.num_qubits, len(self.classes_))
