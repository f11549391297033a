"""``QKRR``: kernel ridge regression on a quantum kernel (sQUlearn's ``QKRR``).

The dual coefficients solve ``(K + alpha I) c = y`` on the standardised targets (one
Cholesky factorisation); a prediction is ``k(x, X_train) @ c``, mapped back to the user's
units. With ``n_landmarks`` it is ridge regression on the Nyström features
(``qml.models.nystroem``): the same model on the approximated kernel, ``N m`` kernel entries.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from qml.errors import ConfigurationError
from qml.models.kernel_estimator import KERNEL_PARAMETERS
from qml.models.kernel_regressor import KernelRegressor
from qml.models.nystroem import landmark_features
from qml.validation import count, number_above

__all__ = ["QKRR"]


class QKRR(KernelRegressor):
    """Quantum kernel ridge regression with scikit-learn's estimator API.

    Parameters
    ----------
    alpha : float, default=1.0
        Ridge regularisation, on the standardised targets (``KernelRidge``'s ``alpha``).
    n_landmarks : int, optional
        Nyström approximation with this many landmarks (default: the exact Gram matrix).
    feature_map, feature_map_reps, bandwidth, kernel, gamma
        As ``QSVC``: the kernel (``"fidelity"``, ``"projected"`` or ``"trainable"``).
        ``bandwidth="auto"`` is chosen by the leave-one-out error of kernel ridge regression
        on the training data.
    n_qubits, reduction, input_scaling, seed
        As ``QSVC``: the map from features to angles.
    backend, shots, regularization, mitigation, scheduler, max_circuits_per_job, execution_mode
        As ``QSVC``: where the kernel runs.
    runtime_options : dict, optional
        As ``QSVC``: sampler options for ``fake:``/``ibm:``.

    Attributes
    ----------
    anchors_ : ndarray
        The training samples' angles (or the landmarks') a prediction is evaluated against.
    coef_ : ndarray
        Their coefficients (standardised units); ``intercept_`` is 0.
    y_mean_, y_scale_ : float
        The targets' standardisation.
    bandwidth_, feature_bandwidths_, gamma_, n_kernel_circuits_, fit_seconds_
        As ``QSVC``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(0, 1, 30)[:, None]
    >>> model = QKRR(alpha=0.01, seed=0).fit(X, np.sin(3 * X[:, 0]))
    >>> bool(model.score(X, np.sin(3 * X[:, 0])) > 0.95)
    True
    """

    FORMAT = "qlimits.qkrr"
    PARAMETERS = {**KERNEL_PARAMETERS, "alpha": number_above(0),
                  "n_landmarks": count("n_landmarks", none=True)}

    def __init__(self, alpha=1.0, *, n_landmarks=None, feature_map="zz", feature_map_reps=2,
                 bandwidth="auto", n_qubits=None, reduction=None, input_scaling="minmax",
                 backend="statevector", shots=None, seed=None, kernel="fidelity",
                 gamma="auto", regularization=None, mitigation=None, scheduler=None,
                 max_circuits_per_job=None, execution_mode=None,
                 runtime_options=None):
        self.alpha = alpha
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
        alpha = float(self.alpha)
        self.intercept_ = 0.0
        if self.n_landmarks is not None and self.n_landmarks < len(angles):
            self.anchors_, features, normalization = landmark_features(
                kernel, angles, self.n_landmarks, self.seed, self.regularization)
            gram = features.T @ features
            gram.flat[::len(gram) + 1] += alpha
            self.coef_ = normalization.T @ cho_solve(cho_factor(gram), features.T @ y)
            return
        K = kernel.evaluate(angles)
        K.flat[::len(K) + 1] += alpha
        self.anchors_ = angles
        try:
            self.coef_ = cho_solve(cho_factor(K), y)
        except np.linalg.LinAlgError as exc:
            raise ConfigurationError(
                f"the Gram matrix plus alpha={alpha:g} is not positive definite (a kernel "
                "from shots can have negative eigenvalues): use regularization='clip' or a "
                "larger alpha") from exc
