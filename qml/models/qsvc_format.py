"""The QSVC's model file (``qlimits.qsvc``, JSON, no pickle): its schema, the learned state,
and the upgrade from older formats.

Format 3 (qlimits 0.3) adds a Nyström model's ``landmarks`` and ``landmark_coef`` and a
trained kernel's ``feature_bandwidths`` (None where the model has none); format 2 added the
chosen ``bandwidth``; format 1 (0.2) had a fixed one.
"""

from __future__ import annotations

import numpy as np

from qml.errors import NotFittedError
from qml.models.base import warn_other_version
from qml.result_file import ResultFile, document_schema

__all__ = ["QSVCFile"]

_NUMBERS = {"type": "array", "items": {"type": "number"}}
_MATRIX = {"type": "array", "items": _NUMBERS}
_OPTIONAL_MATRIX = {"type": ["array", "null"], "items": _NUMBERS}


class QSVCFile(ResultFile):
    """Mixin of ``QSVC``: ``save``/``load`` (``ResultFile``) of the fitted model."""

    FORMAT = "qlimits.qsvc"
    FORMAT_VERSION = 3
    SCHEMA = document_schema({
        "params": {"type": "object", "required": ["feature_map", "bandwidth", "C"]},
        "classes": {"type": "array", "minItems": 2},
        "classes_dtype": {"type": "string"},
        "n_features_in": {"type": "integer", "minimum": 1},
        "n_qubits": {"type": "integer", "minimum": 1},
        "input_matrix": _MATRIX, "input_offset": _NUMBERS,
        "support_vectors": _MATRIX,
        "n_support": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "dual_coef": _MATRIX, "intercept": _NUMBERS,
        "bandwidth": {"type": "number", "exclusiveMinimum": 0},
        "gamma": {"type": ["number", "null"], "exclusiveMinimum": 0},
        "landmarks": _OPTIONAL_MATRIX, "landmark_coef": _OPTIONAL_MATRIX,
        "feature_bandwidths": {"type": ["array", "null"],
                               "items": {"type": "number", "exclusiveMinimum": 0}},
        "kernel_target_alignment": {"type": "number"},
        "n_kernel_circuits": {"type": "integer", "minimum": 0},
        "fit_seconds": {"type": "number", "minimum": 0},
    }, required=["params", "classes", "classes_dtype", "n_features_in", "n_qubits",
                 "input_matrix", "input_offset", "support_vectors", "n_support", "dual_coef",
                 "intercept", "bandwidth", "landmarks", "landmark_coef",
                 "feature_bandwidths"])

    def _validate_options(self) -> None:  # the estimator's: options checked
        raise NotImplementedError

    def _to_body(self) -> dict:
        if not hasattr(self, "dual_coef_"):
            raise NotFittedError("fit the model before saving it")
        optional = lambda a: None if a is None else a.tolist()  # noqa: E731
        return {"params": self._saved_params(), "classes": self.classes_.tolist(),
                "classes_dtype": self.classes_.dtype.str, **self._input_map_fields(),
                "support_vectors": self.support_vectors_.tolist(),
                "n_support": self.n_support_.tolist(), "dual_coef": self.dual_coef_.tolist(),
                "intercept": self.intercept_.tolist(), "bandwidth": float(self.bandwidth_),
                "gamma": None if self.gamma_ is None else float(self.gamma_),
                "landmarks": optional(self.landmarks_),
                "landmark_coef": optional(self.landmark_coef_),
                "feature_bandwidths": optional(self.feature_bandwidths_),
                "kernel_target_alignment": float(self.kernel_target_alignment_),
                "n_kernel_circuits": int(self.n_kernel_circuits_),
                "fit_seconds": float(self.fit_seconds_)}

    @classmethod
    def _upgrade(cls, doc: dict, version: int) -> dict:
        """Format 1 had a fixed bandwidth only (the one in its parameters); formats 1 and 2
        an exact kernel only."""
        params = doc.get("params") if isinstance(doc.get("params"), dict) else {}
        doc = {**doc, "landmarks": None, "landmark_coef": None, "feature_bandwidths": None}
        return doc if version >= 2 else {**doc, "bandwidth": params.get("bandwidth", 1.0)}

    @classmethod
    def _from_body(cls, doc: dict):
        warn_other_version(doc)
        optional = lambda a: None if a is None else np.array(a, dtype=float)  # noqa: E731
        model = cls(**doc["params"])
        model._validate_options()
        model.classes_ = np.array(doc["classes"], dtype=np.dtype(doc["classes_dtype"]))
        cls._load_input_map(model, doc)
        model.support_vectors_ = np.array(doc["support_vectors"], dtype=float)
        model.n_support_ = np.array(doc["n_support"], dtype=int)
        model.dual_coef_ = np.array(doc["dual_coef"], dtype=float)
        model.intercept_ = np.array(doc["intercept"], dtype=float)
        model.bandwidth_ = float(doc["bandwidth"])
        model.gamma_ = doc.get("gamma")
        model.landmarks_ = optional(doc.get("landmarks"))
        model.landmark_coef_ = optional(doc.get("landmark_coef"))
        model.feature_bandwidths_ = optional(doc.get("feature_bandwidths"))
        model.kernel_target_alignment_ = float(doc.get("kernel_target_alignment", np.nan))
        model.n_kernel_circuits_ = int(doc.get("n_kernel_circuits", 0))
        model.fit_seconds_ = float(doc.get("fit_seconds", 0.0))
        model._check_loaded()
        return model

    def _check_loaded(self) -> None:
        """The saved arrays fit each other (else ``ValueError``: an inconsistent file)."""
        c, n_sv = len(self.classes_), int(self.n_support_.sum())
        if len(self.n_support_) != c or len(self.support_vectors_) != n_sv or \
                self.support_vectors_.shape[1:] != (self.n_qubits_,):
            raise ValueError(f"{self.support_vectors_.shape} support vectors for n_support "
                             f"{self.n_support_.tolist()} on {self.n_qubits_} qubits")
        if self.dual_coef_.shape != (c - 1, n_sv) or \
                self.intercept_.shape != (c * (c - 1) // 2,):
            raise ValueError(f"dual_coef {self.dual_coef_.shape} / intercept "
                             f"{self.intercept_.shape} do not fit {c} classes and {n_sv} "
                             "support vectors")
        if (self.landmarks_ is None) != (self.landmark_coef_ is None):
            raise ValueError("landmarks and landmark_coef come together")
        if self.landmarks_ is not None and (
                self.landmarks_.ndim != 2 or self.landmarks_.shape[1] != self.n_qubits_
                or self.landmark_coef_.shape != (len(self.landmarks_), c * (c - 1) // 2)):
            raise ValueError(f"landmarks {self.landmarks_.shape} and landmark_coef "
                             f"{self.landmark_coef_.shape} do not fit {self.n_qubits_} "
                             f"qubits and {c} classes")
        self._check_loaded_state(("support_vectors_", "dual_coef_", "intercept_", "landmarks_",
                                  "landmark_coef_", "feature_bandwidths_"))
