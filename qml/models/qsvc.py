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

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.svm import SVC

from qml.models.base import QuantumEstimator
from qml.models.kernel_estimator import KERNEL_PARAMETERS, KernelEstimator
from qml.models.kernel_metrics import kernel_target_alignment
from qml.models.nystroem import landmark_features
from qml.models.ovo import ovo_votes, ovo_weights
from qml.models.qpu_estimate import KernelQPUEstimate
from qml.models.qsvc_format import QSVCFile
from qml.models.quantum_kernel import QuantumKernel
from qml.validation import (
    classification_data,
    count,
    fitted_input,
    number_above,
    scored_labels,
)

__all__ = ["QSVC"]

logger = logging.getLogger(__name__)

ALIGNMENT_SAMPLES = 2000  # a Nyström model's alignment: on at most this many training samples


class QSVC(KernelEstimator, KernelQPUEstimate, QuantumEstimator, QSVCFile, ClassifierMixin,
           BaseEstimator):
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
    kernel : {"fidelity", "projected", "trainable"}, default="fidelity"
        ``QuantumKernel``'s ``kind``, or a ``TrainableQuantumKernel``: one bandwidth per
        feature, trained on the training data by maximising the kernel-target alignment.
    gamma, regularization, mitigation
        ``QuantumKernel``'s ``gamma`` (projected kernel), and the ``regularization`` and noise
        ``mitigation`` of a Gram matrix from shots.
    n_landmarks : int, optional
        Nyström approximation (``qml.models.nystroem``): the kernel of every sample against
        this many landmarks (training samples chosen with ``seed``) and a linear SVM on the
        resulting features -- ``N m`` kernel entries instead of ``N (N - 1) / 2``, and ``m``
        per predicted sample. Default: the exact Gram matrix.
    scheduler : None, str or dask.distributed.Client, optional
        Compute exact Gram matrices as block tasks on a Dask cluster (``QuantumKernel``).
    max_circuits_per_job : int, optional
        On ``fake:`` and ``ibm:``: at most this many kernel circuits per runtime job
        (``QuantumKernel``); each job is its own ledger row.
    execution_mode : {None, "job", "batch", "session"}, optional
        On ``fake:`` and ``ibm:``: how the kernel's jobs go out (``QuantumKernel``; None: a
        ``Batch``).
    runtime_options : dict, optional
        Sampler options for ``fake:``/``ibm:`` (twirling, dynamical decoupling, ...).

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
        The bandwidth the model uses (the chosen one with ``"auto"``; with
        ``kernel="trainable"`` the one its training started from).
    feature_bandwidths_ : ndarray or None
        With ``kernel="trainable"``, the trained bandwidth of every angle.
    gamma_ : float or None
        The projected kernel's ``gamma`` from ``"auto"``; None otherwise.
    landmarks_, landmark_coef_ : ndarray or None
        With ``n_landmarks``: the landmarks' angles, and the weights that turn a sample's
        kernel against them into one-vs-one decisions (``K(x, landmarks_) @ landmark_coef_ +
        intercept_``); None for the exact kernel.
    kernel_target_alignment_ : float
        Alignment of the training kernel with the labels (``kernel_target_alignment``); with
        ``n_landmarks``, of the approximated kernel on at most ``ALIGNMENT_SAMPLES`` samples.
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

    PARAMETERS = {**KERNEL_PARAMETERS, "C": number_above(0),
                  "n_landmarks": count("n_landmarks", none=True)}

    def __init__(self, feature_map="zz", feature_map_reps=2, bandwidth="auto", C=1.0,
                 n_qubits=None, reduction=None, input_scaling="minmax",
                 backend="statevector", shots=None, seed=None, kernel="fidelity",
                 gamma="auto", regularization=None, mitigation=None, n_landmarks=None,
                 scheduler=None,
                 max_circuits_per_job=None, execution_mode=None,
                 runtime_options=None):
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
        self.n_landmarks = n_landmarks
        self.scheduler = scheduler
        self.max_circuits_per_job = max_circuits_per_job
        self.execution_mode = execution_mode
        self.runtime_options = runtime_options

    def _prepare(self, X, y):
        """Options and data checked, input map fitted: ``X``, ``y`` and the angles."""
        self._validate_options()
        X, y, self.classes_ = classification_data(self, X, y)
        self.n_qubits_ = int(self.n_qubits or X.shape[1])
        return X, y, self._fit_input_map(X, self.n_qubits_)

    def fit(self, X, y):
        """Encode ``X``, compute its Gram matrix (or, with ``n_landmarks``, its Nyström
        approximation), and fit the SVM on it.

        Returns
        -------
        self
        """
        start = time.perf_counter()
        X, y, angles = self._prepare(X, y)
        self._kernel_cache, self.bandwidth_, self.gamma_ = None, None, None
        self.feature_bandwidths_ = None
        kernel = self._kernel().fit(angles, y)  # "auto": chosen here; "trainable": trained
        self.bandwidth_ = float(kernel.bandwidth_)
        self.feature_bandwidths_ = getattr(kernel, "bandwidths_", None)
        self.landmarks_ = self.landmark_coef_ = None
        if self.n_landmarks is not None and self.n_landmarks < len(X):
            K = self._fit_nystroem(kernel, angles, y)
        else:
            K = kernel.evaluate(angles)
            self._fit_svc(K, y, angles)
        self.gamma_ = getattr(kernel, "gamma_", None)  # the projected kernel's, from "auto"
        self.kernel_target_alignment_ = kernel_target_alignment(K, y[:len(K)])
        self.n_kernel_circuits_ = int(kernel.n_circuits_)
        self.fit_seconds_ = time.perf_counter() - start
        logger.info("QSVC fit: %d samples, %d support vectors, alignment %.3f, %.2f s",
                    len(X), len(self.support_vectors_), self.kernel_target_alignment_,
                    self.fit_seconds_)
        return self

    def _fit_svc(self, K: np.ndarray, y: np.ndarray, angles: np.ndarray,
                 kernel: str = "precomputed") -> SVC:
        svc = SVC(kernel=kernel, C=float(self.C)).fit(K, y)
        self.support_vectors_ = angles[svc.support_]
        self.n_support_ = np.asarray(svc.n_support_, dtype=int)
        self.dual_coef_ = np.asarray(svc.dual_coef_, dtype=float)
        self.intercept_ = np.asarray(svc.intercept_, dtype=float)
        return svc

    def _fit_nystroem(self, kernel: QuantumKernel, angles: np.ndarray, y: np.ndarray):
        """A linear SVM on the Nyström features of ``n_landmarks`` landmarks
        (``qml.models.nystroem``); returns the approximated Gram matrix of (at most
        ``ALIGNMENT_SAMPLES`` of) the training samples, in ``y``'s order, for the alignment."""
        self.landmarks_, features, normalization = landmark_features(
            kernel, angles, self.n_landmarks, self.seed, self.regularization)
        svc = self._fit_svc(features, y, angles, kernel="linear")
        weights = features[svc.support_].T @ ovo_weights(self.dual_coef_, self.n_support_)
        self.landmark_coef_ = normalization.T @ weights  # decisions = K(x, landmarks) @ this
        head = features[:ALIGNMENT_SAMPLES]
        return head @ head.T

    def kernel_to_support(self, X) -> np.ndarray:
        """Kernel values of every sample against what a prediction evaluates it against:
        every support vector, or with ``n_landmarks`` every landmark, (n_samples, n_SV or
        n_landmarks): the quantum work a prediction costs."""
        X = fitted_input(self, X, "dual_coef_")
        against = self.support_vectors_ if self.landmarks_ is None else self.landmarks_
        return self._kernel().evaluate(self._angles(X), against)

    def _decisions(self, X) -> np.ndarray:
        """One-vs-one decision values (n_samples, n_pairs) in scikit-learn's pair order
        (``qml.models.ovo``): positive votes for the first class of the pair."""
        Ks = self.kernel_to_support(X)  # checks that the model is fitted
        weights = ovo_weights(self.dual_coef_, self.n_support_) if self.landmarks_ is None \
            else self.landmark_coef_
        return Ks @ weights + self.intercept_

    def decision_function(self, X) -> np.ndarray:
        """Signed distance to the boundary (n_samples,) for two classes (positive:
        ``classes_[1]``); for more, one-vs-one votes plus a confidence below 1/3 per class
        (n_samples, n_classes), as ``SVC(decision_function_shape="ovr")``."""
        decisions = self._decisions(X)
        if len(self.classes_) == 2:
            return decisions[:, 0]
        votes, confidence = ovo_votes(decisions, len(self.classes_))
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
        decisions = self._decisions(X)
        if len(self.classes_) == 2:
            return self.classes_[(decisions[:, 0] >= 0).astype(int)]
        votes, _ = ovo_votes(decisions, len(self.classes_))
        return self.classes_[np.argmax(votes, axis=1)]
