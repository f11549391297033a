"""The VQR's model file (``qlimits.vqr``, JSON, no pickle): the variational estimator's
fields (``qml.models.vqc_format``) and the regressor's own: the output scale and offset and
the targets' mean and scale.
"""

from __future__ import annotations

from qml.errors import NotFittedError
from qml.models.vqc_format import (
    VARIATIONAL_FIELDS,
    VARIATIONAL_REQUIRED,
    check_loaded_arrays,
    learned_state,
    model_body,
    saved_params,
)
from qml.result_file import ResultFile, document_schema

__all__ = ["VQRFile", "VQR_SCHEMA"]

_REGRESSION = {  # saved key -> attribute
    "output_scale": "output_scale_", "output_offset": "output_offset_",
    "y_mean": "y_mean_", "y_scale": "y_scale_",
}

VQR_SCHEMA = document_schema({
    **VARIATIONAL_FIELDS,
    "params": {"type": "object", "required": ["feature_map", "ansatz", "observable",
                                              "backend"]},
    "output_scale": {"type": "number"},
    "output_offset": {"type": "number"},
    "y_mean": {"type": "number"},
    "y_scale": {"type": "number", "exclusiveMinimum": 0},
}, required=[*VARIATIONAL_REQUIRED, *_REGRESSION])


class VQRFile(ResultFile):
    """The VQR's model file: ``save``/``load`` and ``to_dict``/``from_dict`` (through
    ``ResultFile``) in the format above."""

    FORMAT = "qlimits.vqr"

    FORMAT_VERSION = 1

    SCHEMA = VQR_SCHEMA

    def _to_body(self) -> dict:
        if not hasattr(self, "weights_"):
            raise NotFittedError("fit the model before saving it")
        return {**model_body(self), **{key: float(getattr(self, attribute))
                                       for key, attribute in _REGRESSION.items()}}

    @classmethod
    def _from_body(cls, doc: dict):
        model = cls(**saved_params(doc))
        cls._validate_options(model)
        for name, value in learned_state(doc).items():
            setattr(model, name, value)
        for key, attribute in _REGRESSION.items():
            setattr(model, attribute, float(doc[key]))
        model._check_loaded()
        return model

    def _check_loaded(self) -> None:
        """The saved arrays fit each other and the circuit the parameters build, whose
        observable they read."""
        k = check_loaded_arrays(self, tuple(_REGRESSION.values()))
        self._build_circuit(k)
        if len(self.weights_) != len(self.circuit_.weights):
            raise ValueError(f"{len(self.weights_)} weights for a circuit with "
                             f"{len(self.circuit_.weights)}")
