"""``QSVR``: support-vector regression on a quantum kernel (qiskit-machine-learning's and
sQUlearn's ``QSVR``).

scikit-learn's ``SVR(kernel="precomputed")`` on the Gram matrix of the standardised targets;
the model keeps the support vectors' angles, their dual coefficients and the intercept, so a
prediction evaluates the kernel against the support vectors only. With ``n_landmarks``, a
linear ``SVR`` on the Nyström features (``qml.models.nystroem``).
"""

from __future__ import annotations

import numpy as np
from sklearn.svm import SVR

from qml.models.kernel_estimator import KERNEL_PARAMETERS
from qml.models.kernel_regressor import KernelRegressor
from qml.models.nystroem import landmark_features
from qml.validation import Rule, count, number_above

__all__ = ["QSVR"]


class QSVR(KernelRegressor):
    """Quantum-kernel support-vector regression with scikit-learn's estimator API.

    Parameters
    ----------
    C : float, default=1.0
        SVM regularisation (``sklearn.svm.SVR``).
    epsilon : float, default=0.1
        Width of the insensitive tube, in standardised units (a tenth of the targets'
        standard deviation by default).
    n_landmarks : int, optional
        Nyström approximation with this many landmarks (default: the exact Gram matrix).
    feature_map, feature_map_reps, bandwidth, kernel, gamma, n_qubits, reduction
        As ``QKRR``.
    input_scaling, seed, backend, shots, regularization, mitigation, scheduler
        As ``QKRR``.
    max_circuits_per_job, execution_mode, runtime_options
        As ``QSVC``: how the kernel's runtime jobs are cut, sent and configured.

    Attributes
    ----------
    anchors_ : ndarray
        The support vectors' angles (or the landmarks').
    coef_, intercept_ : ndarray, float
        Their dual coefficients and the intercept (standardised units).
    y_mean_, y_scale_, bandwidth_, feature_bandwidths_
        As ``QKRR``.
    gamma_, n_kernel_circuits_, fit_seconds_
        As ``QKRR``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(0, 1, 30)[:, None]
    >>> model = QSVR(C=10.0, seed=0).fit(X, np.sin(3 * X[:, 0]))
    >>> bool(model.score(X, np.sin(3 * X[:, 0])) > 0.95)
    True
    """

    FORMAT = "qlimits.qsvr"
    PARAMETERS = {**KERNEL_PARAMETERS, "C": number_above(0),
                  "epsilon": Rule("a finite number >= 0", lambda v: isinstance(
                      v, (int, float, np.number)) and not isinstance(v, bool)
                      and bool(np.isfinite(v)) and v >= 0),
                  "n_landmarks": count("n_landmarks", none=True)}

    def __init__(self, C=1.0, epsilon=0.1, *, n_landmarks=None, feature_map="zz",
                 feature_map_reps=2, bandwidth="auto", n_qubits=None, reduction=None,
                 input_scaling="minmax", backend="statevector", shots=None, seed=None,
                 kernel="fidelity", gamma="auto", regularization=None, mitigation=None,
                 scheduler=None,
                 max_circuits_per_job=None, execution_mode=None,
                 runtime_options=None):
        self.C = C
        self.epsilon = epsilon
        self.n_landmarks = n_landmarks
        self.feature_map = feature_map
        self.feature_map_reps = feature_map_reps
        self.bandwidth = bandwidth
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
        self.scheduler = scheduler
        self.max_circuits_per_job = max_circuits_per_job
        self.execution_mode = execution_mode
        self.runtime_options = runtime_options

    def _fit_standardised(self, kernel, angles: np.ndarray, y: np.ndarray) -> None:
        options = dict(C=float(self.C), epsilon=float(self.epsilon))
        if self.n_landmarks is not None and self.n_landmarks < len(angles):
            self.anchors_, features, normalization = landmark_features(
                kernel, angles, self.n_landmarks, self.seed, self.regularization)
            svr = SVR(kernel="linear", **options).fit(features, y)
            self.coef_ = normalization.T @ (features[svr.support_].T @ svr.dual_coef_[0])
        else:
            svr = SVR(kernel="precomputed", **options).fit(kernel.evaluate(angles), y)
            self.anchors_ = angles[svr.support_]
            self.coef_ = np.asarray(svr.dual_coef_[0], dtype=float)
        self.intercept_ = float(svr.intercept_[0])
