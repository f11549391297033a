"""``QSVC``: a support-vector classifier on a quantum kernel (``qml.models.quantum_kernel``).

Training computes the fidelity Gram matrix of the training set once and hands it to
scikit-learn's ``SVC(kernel="precomputed")``; what the fit keeps is what prediction needs --
the support vectors (as encoded angles), their dual coefficients and the intercepts -- so a
prediction evaluates the kernel against the support vectors only, and the model saves to JSON
without the SVC object (never a pickle).
"""

from __future__ import annotations

import logging
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.svm import SVC

from qml.backends import parse_backend
from qml.errors import NotFittedError, VersionMismatchWarning
from qml.models.base import QuantumEstimator
from qml.models.kernel_metrics import kernel_target_alignment
from qml.models.qpu_estimate import KernelQPUEstimate
from qml.models.quantum_kernel import KERNEL_FEATURE_MAPS, QuantumKernel
from qml.result_file import ResultFile, document_schema
from qml.validation import (
    classification_data,
    count,
    fitted_input,
    number_above,
    one_of,
    scored_labels,
    seed,
)
from qml.version import __version__

__all__ = ["QSVC"]

logger = logging.getLogger(__name__)

_NUMBERS = {"type": "array", "items": {"type": "number"}}
_MATRIX = {"type": "array", "items": _NUMBERS}


class QSVC(KernelQPUEstimate, QuantumEstimator, ResultFile, ClassifierMixin, BaseEstimator):
    """Quantum-kernel support-vector classifier with scikit-learn's estimator API.

    Parameters
    ----------
    feature_map : str, default="zz"
        One of ``qml.models.quantum_kernel.KERNEL_FEATURE_MAPS``.
    feature_map_reps : int, default=2
        Feature-map repetitions.
    bandwidth : float or "auto", default="auto"
        Scales the encoded angles before the feature map (``QuantumKernel``). ``"auto"``
        chooses it on the training data: the candidate of ``qml.models.bandwidth.BANDWIDTHS``
        whose kernel ridge classifier has the best leave-one-out accuracy on (at most 200 of)
        the training samples.
    C : float, default=1.0
        SVM regularisation (``sklearn.svm.SVC``).
    n_qubits : int, optional
        Circuit width; default the number of features. Fewer needs ``reduction="pca"``.
    reduction : {None, "pca"}, default=None
        Reduce the features to ``n_qubits`` with PCA fitted in ``fit``.
    input_scaling : {"minmax", None}, default="minmax"
        Scale each (reduced) feature to ``[0, pi]`` on the training data, as ``VQC`` does.
    backend : str, default="statevector"
        Where the kernel is evaluated (``QuantumKernel``).
    shots : int, optional
        Shots per kernel entry on shot-based backends.
    seed : int, optional
        Drives the PCA, transpiler and simulator.
    kernel, gamma, regularization, mitigation
        ``QuantumKernel``'s ``kind`` (``"fidelity"`` or ``"projected"``), ``gamma``, and the
        ``regularization`` and noise ``mitigation`` of a Gram matrix from shots.

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_, n_qubits_ : int
    input_matrix_, input_offset_ : ndarray
        The fitted map from features to angles (``X @ input_matrix_ + input_offset_``).
    support_vectors_ : ndarray
        Angles of the support vectors, grouped by class.
    n_support_ : ndarray
        Support vectors per class.
    dual_coef_, intercept_ : ndarray
        The SVM's dual coefficients and intercepts (scikit-learn's layout).
    bandwidth_ : float
        The bandwidth the model uses (the chosen one with ``"auto"``).
    gamma_ : float or None
        The projected kernel's ``gamma`` from ``"auto"``; None otherwise.
    kernel_target_alignment_ : float
        Alignment of the training kernel with the labels (``kernel_target_alignment``).
    n_kernel_circuits_ : int
        Kernel circuits the fit evaluated (feature states, or pairs on shot backends).
    fit_seconds_ : float

    Examples
    --------
    >>> from qml.datasets import load_dataset
    >>> ds = load_dataset("ad_hoc", seed=0)  # labels defined on the raw angles: keep them
    >>> clf = QSVC(input_scaling=None, seed=0).fit(ds.X_train, ds.y_train)
    >>> clf.score(ds.X_test, ds.y_test) > 0.9
    True
    """

    FORMAT = "qlimits.qsvc"
    FORMAT_VERSION = 2
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
        "kernel_target_alignment": {"type": "number"},
        "n_kernel_circuits": {"type": "integer", "minimum": 0},
        "fit_seconds": {"type": "number", "minimum": 0},
    }, required=["params", "classes", "classes_dtype", "n_features_in", "n_qubits",
                 "input_matrix", "input_offset", "support_vectors", "n_support", "dual_coef",
                 "intercept", "bandwidth"])

    PARAMETERS = {  # checked at fit; the backend by its parser
        "feature_map": one_of(*KERNEL_FEATURE_MAPS),
        "feature_map_reps": count("feature_map_reps"),
        "bandwidth": QuantumKernel.PARAMETERS["bandwidth"],
        "C": number_above(0),
        "n_qubits": count("n_qubits", none=True),
        "reduction": one_of(None, "pca"),
        "input_scaling": one_of("minmax", None),
        "shots": count("shots", none=True),
        "seed": seed(),
        "kernel": QuantumKernel.PARAMETERS["kind"],
        "gamma": QuantumKernel.PARAMETERS["gamma"],
        "regularization": QuantumKernel.PARAMETERS["regularization"],
        "mitigation": QuantumKernel.PARAMETERS["mitigation"],
    }

    def __init__(self, feature_map="zz", feature_map_reps=2, bandwidth="auto", C=1.0,
                 n_qubits=None, reduction=None, input_scaling="minmax",
                 backend="statevector", shots=None, seed=None, kernel="fidelity",
                 gamma="auto", regularization=None, mitigation=None):
        self.feature_map = feature_map
        self.feature_map_reps = feature_map_reps
        self.bandwidth = bandwidth
        self.C = C
        self.n_qubits = n_qubits
        self.reduction = reduction
        self.input_scaling = input_scaling
        self.backend = backend
        self.shots = shots
        self.seed = seed
        self.kernel = kernel
        self.gamma = gamma
        self.regularization = regularization
        self.mitigation = mitigation

    def _kernel(self) -> QuantumKernel:
        kernel = getattr(self, "_kernel_cache", None)
        if kernel is None:
            bandwidth = getattr(self, "bandwidth_", None) or self.bandwidth
            gamma = getattr(self, "gamma_", None) or self.gamma
            kernel = QuantumKernel(self.feature_map, self.feature_map_reps, self.n_qubits_,
                                   bandwidth, self.backend, self.shots, self.seed,
                                   kind=self.kernel, gamma=gamma,
                                   regularization=self.regularization,
                                   mitigation=self.mitigation)
            self._kernel_cache = kernel
        return kernel

    def _validate_options(self) -> None:
        self._check_parameters()
        parse_backend(self.backend)

    def _prepare(self, X, y):
        """Options and data checked, input map fitted: ``X``, ``y`` and the angles."""
        self._validate_options()
        X, y, self.classes_ = classification_data(self, X, y)
        self.n_qubits_ = int(self.n_qubits or X.shape[1])
        return X, y, self._fit_input_map(X, self.n_qubits_)

    def fit(self, X, y):
        """Encode ``X``, compute its Gram matrix, and fit the SVM on it.

        Returns
        -------
        self
        """
        start = time.perf_counter()
        X, y, angles = self._prepare(X, y)
        self._kernel_cache, self.bandwidth_, self.gamma_ = None, None, None
        kernel = self._kernel().fit(angles, y)  # "auto": chosen here
        self.bandwidth_ = float(kernel.bandwidth_)
        K = kernel.evaluate(angles)
        self.gamma_ = getattr(kernel, "gamma_", None)  # the projected kernel's, from "auto"
        svc = SVC(kernel="precomputed", C=float(self.C)).fit(K, y)
        self.support_vectors_ = angles[svc.support_]
        self.n_support_ = np.asarray(svc.n_support_, dtype=int)
        self.dual_coef_ = np.asarray(svc.dual_coef_, dtype=float)
        self.intercept_ = np.asarray(svc.intercept_, dtype=float)
        self.kernel_target_alignment_ = kernel_target_alignment(K, y)
        self.n_kernel_circuits_ = int(kernel.n_circuits_)
        self.fit_seconds_ = time.perf_counter() - start
        logger.info("QSVC fit: %d samples, %d support vectors, alignment %.3f, %.2f s",
                    len(X), len(self.support_vectors_), self.kernel_target_alignment_,
                    self.fit_seconds_)
        return self

    def kernel_to_support(self, X) -> np.ndarray:
        """Kernel values of every sample against every support vector, (n_samples, n_SV):
        the quantum work a prediction costs."""
        X = fitted_input(self, X, "dual_coef_")
        return self._kernel().evaluate(self._angles(X), self.support_vectors_)

    def _ovo(self, Ks: np.ndarray):
        """One-vs-one decision values (n_samples, n_pairs) in scikit-learn's pair order
        (0-1, 0-2, ..., 1-2, ...) and layout of ``dual_coef_``: positive votes for the
        first class of the pair."""
        c = len(self.classes_)
        starts = np.concatenate([[0], np.cumsum(self.n_support_)])
        columns = []
        for i in range(c):
            for j in range(i + 1, c):
                si, sj = slice(starts[i], starts[i + 1]), slice(starts[j], starts[j + 1])
                columns.append(Ks[:, si] @ self.dual_coef_[j - 1, si]
                               + Ks[:, sj] @ self.dual_coef_[i, sj] + self.intercept_[len(columns)])
        return np.stack(columns, axis=1)

    def _votes(self, ovo: np.ndarray):
        c = len(self.classes_)
        votes, confidence = np.zeros((len(ovo), c)), np.zeros((len(ovo), c))
        p = 0
        for i in range(c):
            for j in range(i + 1, c):
                votes[:, i] += ovo[:, p] > 0
                votes[:, j] += ovo[:, p] <= 0
                confidence[:, i] += ovo[:, p]
                confidence[:, j] -= ovo[:, p]
                p += 1
        return votes, confidence

    def decision_function(self, X) -> np.ndarray:
        """Signed distance to the boundary (n_samples,) for two classes (positive:
        ``classes_[1]``); for more, one-vs-one votes plus a confidence below 1/3 per class
        (n_samples, n_classes), as ``SVC(decision_function_shape="ovr")``."""
        Ks = self.kernel_to_support(X)
        if len(self.classes_) == 2:
            return Ks @ self.dual_coef_[0] + self.intercept_[0]
        votes, confidence = self._votes(self._ovo(Ks))
        return votes + confidence / (3 * (np.abs(confidence) + 1))

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy on ``(X, y)``. Labels of another kind than the fitted ones (text
        against numbers), or continuous values, are an ``InvalidInputError``."""
        n_samples = len(fitted_input(self, X, "dual_coef_"))
        scored_labels(self, y, n_samples)
        return super().score(X, y, sample_weight=sample_weight)

    def predict(self, X) -> np.ndarray:
        """The class of every sample: the sign of the decision for two classes; for more,
        the most one-vs-one votes, a tie going to the first class, as ``SVC.predict``."""
        Ks = self.kernel_to_support(X)
        if len(self.classes_) == 2:
            dec = Ks @ self.dual_coef_[0] + self.intercept_[0]
            return self.classes_[(dec >= 0).astype(int)]
        votes, _ = self._votes(self._ovo(Ks))
        return self.classes_[np.argmax(votes, axis=1)]

    def _to_body(self) -> dict:
        if not hasattr(self, "dual_coef_"):
            raise NotFittedError("fit the model before saving it")
        return {"params": self.get_params(), "classes": self.classes_.tolist(),
                "classes_dtype": self.classes_.dtype.str,
                "n_features_in": int(self.n_features_in_), "n_qubits": int(self.n_qubits_),
                "input_matrix": self.input_matrix_.tolist(),
                "input_offset": self.input_offset_.tolist(),
                "support_vectors": self.support_vectors_.tolist(),
                "n_support": self.n_support_.tolist(), "dual_coef": self.dual_coef_.tolist(),
                "intercept": self.intercept_.tolist(), "bandwidth": float(self.bandwidth_),
                "gamma": None if self.gamma_ is None else float(self.gamma_),
                "kernel_target_alignment": float(self.kernel_target_alignment_),
                "n_kernel_circuits": int(self.n_kernel_circuits_),
                "fit_seconds": float(self.fit_seconds_)}

    @classmethod
    def _upgrade(cls, doc: dict, version: int) -> dict:
        """Format 1 (qlimits 0.2) had a fixed bandwidth only: the one in its parameters."""
        params = doc.get("params") if isinstance(doc.get("params"), dict) else {}
        return {**doc, "bandwidth": params.get("bandwidth", 1.0)}

    @classmethod
    def _from_body(cls, doc: dict) -> QSVC:
        if doc.get("qlimits_version") != __version__:
            warnings.warn(f"model saved by qlimits {doc.get('qlimits_version')}; this is "
                          f"{__version__}. Predictions may differ.", VersionMismatchWarning,
                          stacklevel=4)
        model = cls(**doc["params"])
        model._validate_options()
        model.classes_ = np.array(doc["classes"], dtype=np.dtype(doc["classes_dtype"]))
        model.n_features_in_ = int(doc["n_features_in"])
        model.n_qubits_ = int(doc["n_qubits"])
        model.input_matrix_ = np.array(doc["input_matrix"], dtype=float)
        model.input_offset_ = np.array(doc["input_offset"], dtype=float)
        model.support_vectors_ = np.array(doc["support_vectors"], dtype=float)
        model.n_support_ = np.array(doc["n_support"], dtype=int)
        model.dual_coef_ = np.array(doc["dual_coef"], dtype=float)
        model.intercept_ = np.array(doc["intercept"], dtype=float)
        model.bandwidth_ = float(doc["bandwidth"])
        model.gamma_ = doc.get("gamma")
        model.kernel_target_alignment_ = float(doc.get("kernel_target_alignment", np.nan))
        model.n_kernel_circuits_ = int(doc.get("n_kernel_circuits", 0))
        model.fit_seconds_ = float(doc.get("fit_seconds", 0.0))
        model._check_loaded()
        return model

    def _check_loaded(self) -> None:
        """The saved arrays fit each other (else ``ValueError``: an inconsistent file)."""
        c, n_sv = len(self.classes_), int(self.n_support_.sum())
        if len(self.n_support_) != c or self.support_vectors_.shape != (n_sv, self.n_qubits_):
            raise ValueError(f"{self.support_vectors_.shape} support vectors for n_support "
                             f"{self.n_support_.tolist()} on {self.n_qubits_} qubits")
        if self.dual_coef_.shape != (c - 1, n_sv) or \
                self.intercept_.shape != (c * (c - 1) // 2,):
            raise ValueError(f"dual_coef {self.dual_coef_.shape} / intercept "
                             f"{self.intercept_.shape} do not fit {c} classes and {n_sv} "
                             "support vectors")
        if self.input_matrix_.shape != (self.n_features_in_, self.n_qubits_) or \
                self.input_offset_.shape != (self.n_qubits_,):
            raise ValueError(f"input_matrix {self.input_matrix_.shape} and input_offset "
                             f"{self.input_offset_.shape} do not map {self.n_features_in_} "
                             f"features to {self.n_qubits_} angles")
        for name in ("support_vectors_", "dual_coef_", "intercept_", "input_matrix_",
                     "input_offset_"):
            if not np.isfinite(getattr(self, name)).all():
                raise ValueError(f"{name.rstrip('_')} holds NaN or infinite values")
