"""What the quantum estimators share: the table of parameter rules checked at ``fit``, and
the input pipeline from features to rotation angles (``angle_encoder``), learned as one
affine map (``input_matrix_``, ``input_offset_``)."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

from qml.distributed import describe
from qml.models.preprocessing import angle_encoder
from qml.validation import Rule, check_params

__all__ = ["QuantumEstimator", "warn_other_version"]


def warn_other_version(doc: dict, stacklevel: int = 5) -> None:
    """A ``VersionMismatchWarning`` where another qlimits version wrote the model file
    ``doc``: its predictions may differ."""
    import warnings

    from qml.errors import VersionMismatchWarning
    from qml.version import __version__

    if doc.get("qlimits_version") != __version__:
        warnings.warn(f"model saved by qlimits {doc.get('qlimits_version')}; this is "
                      f"{__version__}. Predictions may differ.", VersionMismatchWarning,
                      stacklevel=stacklevel)


class QuantumEstimator:
    """Mixin of ``VQC`` and ``QSVC``: ``PARAMETERS`` maps each parameter to its ``Rule``;
    the estimator's own ``_validate_options`` adds what one rule cannot say."""

    PARAMETERS: dict[str, Rule] = {}

    def __getstate__(self):
        """Pickling (joblib, Dask) leaves out the compiled engine, which is rebuilt on
        demand, and sends a ``Client`` given as ``scheduler`` as its address."""
        state = self.__dict__.copy()
        state.pop("_kernel_cache", None)
        state.pop("_evaluator", None)
        if state.get("scheduler") is not None and not isinstance(state["scheduler"], str):
            state["scheduler"] = describe(state["scheduler"])
        return state

    def __sklearn_clone__(self):
        """``sklearn.base.clone``: every parameter copied as scikit-learn copies it, except a
        ``Client`` given as ``scheduler``, which the clone shares (a connection cannot be
        copied)."""
        params = self.get_params(deep=False)
        shared = {k: params.pop(k) for k in ("scheduler",) if k in params}
        return type(self)(**{k: clone(v, safe=False) for k, v in params.items()}, **shared)

    def _check_parameters(self) -> None:
        check_params(self, self.PARAMETERS)

    def _fit_input_map(self, X: np.ndarray, n_qubits: int) -> np.ndarray:
        """Learn the affine map features -> angles on ``X``; return ``X``'s angles."""
        encoder = angle_encoder(X.shape[1], n_qubits, self.reduction, self.input_scaling,
                                seed=self.seed).fit(X)
        self.input_matrix_, self.input_offset_ = encoder.matrix_, encoder.offset_
        return self._angles(X)

    # ------------------------------------------------------------------ model files
    def _saved_params(self) -> dict:
        """The parameters as a model file holds them: a ``Client`` given as ``scheduler``
        (this session's connection) is saved as None."""
        params = self.get_params()
        if params.get("scheduler") is not None and not isinstance(params["scheduler"], str):
            params["scheduler"] = None
        return params

    def _input_map_fields(self) -> dict:
        """The fitted input map and widths as a model file holds them."""
        return {"n_features_in": int(self.n_features_in_), "n_qubits": int(self.n_qubits_),
                "input_matrix": self.input_matrix_.tolist(),
                "input_offset": self.input_offset_.tolist()}

    def _load_input_map(self, doc: dict) -> None:
        """The input map and widths back from a validated model file."""
        self.n_features_in_ = int(doc["n_features_in"])
        self.n_qubits_ = int(doc["n_qubits"])
        self.input_matrix_ = np.array(doc["input_matrix"], dtype=float)
        self.input_offset_ = np.array(doc["input_offset"], dtype=float)

    def _check_loaded_state(self, arrays: tuple[str, ...]) -> None:
        """A loaded model's input map fits its widths, its ``feature_bandwidths_`` (if any)
        its qubits, and ``arrays`` (attribute names; None allowed) hold finite numbers; else
        ``ValueError``, the file being inconsistent."""
        if self.input_matrix_.shape != (self.n_features_in_, self.n_qubits_) or \
                self.input_offset_.shape != (self.n_qubits_,):
            raise ValueError(f"input_matrix {self.input_matrix_.shape} and input_offset "
                             f"{self.input_offset_.shape} do not map {self.n_features_in_} "
                             f"features to {self.n_qubits_} angles")
        bandwidths = getattr(self, "feature_bandwidths_", None)
        if bandwidths is not None and bandwidths.shape != (self.n_qubits_,):
            raise ValueError(f"feature_bandwidths {bandwidths.shape} do not fit "
                             f"{self.n_qubits_} angles")
        for name in ("input_matrix_", "input_offset_", *arrays):
            value = getattr(self, name)
            if value is not None and not np.isfinite(value).all():
                raise ValueError(f"{name.rstrip('_')} holds NaN or infinite values")

    def _angles(self, X: np.ndarray) -> np.ndarray:
        return X @ self.input_matrix_ + self.input_offset_
