"""What the quantum-kernel regressors share (``QKRR``, ``QSVR``, ``QGPR``).

Every one of them maps features to angles as the classifiers do (``QuantumEstimator``:
``n_qubits``, ``reduction``, ``input_scaling``), standardises the targets inside the
estimator (``y_mean_``, ``y_scale_``: predictions come back in the user's units), chooses the
kernel's bandwidth on the training data (``bandwidth="auto"``: by the exact leave-one-out
error of kernel ridge regression, ``qml.models.bandwidth.loo_regression_scores``, unless the
model has a rule of its own), and predicts as one product: the kernel of the new samples
against the model's ``anchors_`` (training samples, support vectors or Nyström landmarks)
times ``coef_``, plus ``intercept_``. Saved as validated JSON (``qlimits.<model>``), never a
pickle. On ``fake:``/``ibm:`` the kernel runs through the job ledger, and ``estimate(X, y)``
prices a fit before anything is sent (``qml.models.qpu_estimate.kernel_estimate``).
"""

from __future__ import annotations

import logging
import time

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from qml.errors import NotFittedError
from qml.models.bandwidth import loo_regression_scores
from qml.models.base import QuantumEstimator, warn_other_version
from qml.models.kernel_estimator import KERNEL_PARAMETERS, KernelEstimator
from qml.models.qpu_estimate import KernelQPUEstimate
from qml.models.quantum_kernel import QuantumKernel
from qml.result_file import ResultFile, document_schema
from qml.validation import fitted_input, regression_data

__all__ = ["KernelRegressor"]

logger = logging.getLogger(__name__)

_NUMBERS = {"type": "array", "items": {"type": "number"}}
_MATRIX = {"type": "array", "items": _NUMBERS}
_OPTIONAL = {"type": ["array", "null"], "items": {"type": "number"}}


class KernelRegressor(KernelEstimator, KernelQPUEstimate, QuantumEstimator, ResultFile,
                      RegressorMixin, BaseEstimator):
    """Base of the quantum-kernel regressors: data, targets, kernel, prediction, files.
    A subclass sets ``anchors_``, ``coef_`` and ``intercept_`` in ``_fit_standardised``."""

    FORMAT_VERSION = 1
    PARAMETERS = KERNEL_PARAMETERS
    EXTRA_SCHEMA: dict = {}  # a subclass's own fields in its file

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.SCHEMA = cls._schema()  # the common fields and the subclass's EXTRA_SCHEMA

    def _bandwidth_score(self):
        """The rule that chooses ``bandwidth="auto"`` (``choose_bandwidth``'s ``score``)."""
        return loo_regression_scores

    def _fit_standardised(self, kernel: QuantumKernel, angles: np.ndarray,
                          y: np.ndarray) -> None:
        raise NotImplementedError

    def _prepare(self, X, y):
        """Options and data checked, input map fitted: ``X``, ``y`` and the angles."""
        self._validate_options()
        X, y = regression_data(self, X, y)
        self.n_qubits_ = int(self.n_qubits or X.shape[1])
        return X, y, self._fit_input_map(X, self.n_qubits_)

    def fit(self, X, y):
        """Standardise ``y``, encode ``X``, choose the bandwidth, and fit the model on the
        kernel of the training set.

        Returns
        -------
        self
        """
        start = time.perf_counter()
        X, y, angles = self._prepare(X, y)
        self.y_mean_, self.y_scale_ = float(y.mean()), float(y.std())
        y_std = (y - self.y_mean_) / self.y_scale_
        self._kernel_cache, self.bandwidth_, self.gamma_ = None, None, None
        self.feature_bandwidths_ = None
        kernel = self._kernel().fit(angles, y_std, score=self._bandwidth_score())
        self.bandwidth_ = float(kernel.bandwidth_)
        self.feature_bandwidths_ = getattr(kernel, "bandwidths_", None)
        self._fit_standardised(kernel, angles, y_std)
        self.gamma_ = getattr(kernel, "gamma_", None)
        self.n_kernel_circuits_ = int(kernel.n_circuits_)
        self.fit_seconds_ = time.perf_counter() - start
        logger.info("%s fit: %d samples, %d anchors, bandwidth %g, %.2f s", type(self).__name__,
                    len(X), len(self.anchors_), self.bandwidth_, self.fit_seconds_)
        return self

    def kernel_to_anchors(self, X) -> np.ndarray:
        """The kernel of every sample against the model's anchors (training samples, support
        vectors or landmarks), (n_samples, n_anchors): the quantum work a prediction costs."""
        X = fitted_input(self, X, "coef_")
        return self._kernel().evaluate(self._angles(X), self.anchors_)

    def predict(self, X) -> np.ndarray:
        """Predicted targets, in the units of the ``y`` the model was fitted on."""
        return (self.kernel_to_anchors(X) @ self.coef_ + self.intercept_) * self.y_scale_ \
            + self.y_mean_

    # ------------------------------------------------------------------ files
    @classmethod
    def _schema(cls) -> dict:
        return document_schema({
            "params": {"type": "object"},
            "n_features_in": {"type": "integer", "minimum": 1},
            "n_qubits": {"type": "integer", "minimum": 1},
            "input_matrix": _MATRIX, "input_offset": _NUMBERS,
            "anchors": _MATRIX, "coef": _NUMBERS, "intercept": {"type": "number"},
            "y_mean": {"type": "number"}, "y_scale": {"type": "number", "exclusiveMinimum": 0},
            "bandwidth": {"type": "number", "exclusiveMinimum": 0},
            "feature_bandwidths": _OPTIONAL,
            "gamma": {"type": ["number", "null"], "exclusiveMinimum": 0},
            "n_kernel_circuits": {"type": "integer", "minimum": 0},
            "fit_seconds": {"type": "number", "minimum": 0}, **cls.EXTRA_SCHEMA,
        }, required=["params", "n_features_in", "n_qubits", "input_matrix", "input_offset",
                     "anchors", "coef", "intercept", "y_mean", "y_scale", "bandwidth",
                     *cls.EXTRA_SCHEMA])

    def _to_body(self) -> dict:
        if not hasattr(self, "coef_"):
            raise NotFittedError("fit the model before saving it")
        bandwidths = self.feature_bandwidths_
        return {"params": self._saved_params(), **self._input_map_fields(),
                "anchors": self.anchors_.tolist(),
                "coef": self.coef_.tolist(), "intercept": float(self.intercept_),
                "y_mean": self.y_mean_, "y_scale": self.y_scale_,
                "bandwidth": float(self.bandwidth_),
                "feature_bandwidths": None if bandwidths is None else bandwidths.tolist(),
                "gamma": None if self.gamma_ is None else float(self.gamma_),
                "n_kernel_circuits": int(self.n_kernel_circuits_),
                "fit_seconds": float(self.fit_seconds_), **self._extra_body()}

    def _extra_body(self) -> dict:
        return {}

    def _load_extra(self, doc: dict) -> None:
        """A subclass reads its own fields (``EXTRA_SCHEMA``) back."""

    @classmethod
    def _from_body(cls, doc: dict):
        warn_other_version(doc)
        model = cls(**doc["params"])
        cls._validate_options(model)  # the options checked as fit checks them
        cls._load_input_map(model, doc)
        model.anchors_ = np.array(doc["anchors"], dtype=float)
        model.coef_ = np.array(doc["coef"], dtype=float)
        model.intercept_ = float(doc["intercept"])
        model.y_mean_, model.y_scale_ = float(doc["y_mean"]), float(doc["y_scale"])
        model.bandwidth_ = float(doc["bandwidth"])
        bandwidths = doc.get("feature_bandwidths")
        model.feature_bandwidths_ = None if bandwidths is None else np.array(bandwidths)
        model.gamma_ = doc.get("gamma")
        model.n_kernel_circuits_ = int(doc.get("n_kernel_circuits", 0))
        model.fit_seconds_ = float(doc.get("fit_seconds", 0.0))
        model._load_extra(doc)
        model._check_loaded()
        return model

    def _check_loaded(self) -> None:
        """The saved arrays fit each other (else ``ValueError``: an inconsistent file)."""
        if self.anchors_.ndim != 2 or self.anchors_.shape[1] != self.n_qubits_ or \
                self.coef_.shape != (len(self.anchors_),):
            raise ValueError(f"anchors {self.anchors_.shape} and coef {self.coef_.shape} do "
                             f"not fit {self.n_qubits_} qubits")
        self._check_loaded_state(("anchors_", "coef_", "feature_bandwidths_"))
