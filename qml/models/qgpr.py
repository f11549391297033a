"""``QGPR``: Gaussian-process regression on a quantum kernel (sQUlearn's ``QGPR``).

The quantum kernel is the prior covariance of the standardised targets (unit variance: its
diagonal is 1), ``alpha`` the noise variance added to the training diagonal. With
``A = K + alpha I = L L^T``, the posterior mean at ``x`` is ``k(x, X) A^-1 y`` and its
variance ``1 - |L^-1 k(X, x)|**2`` (Rasmussen & Williams 2006, algorithm 2.1), both mapped
back to the user's units; ``log_marginal_likelihood_`` is
``-y^T A^-1 y / 2 - sum log L_ii - n log(2 pi) / 2``. ``bandwidth="auto"`` and
``alpha="auto"`` choose the candidates with the largest log marginal likelihood (the
bandwidth on at most 200 training samples, the noise on all of them) -- the Bayesian rule,
which needs no held-out data. A fixed small noise does not do on noisy real data: it makes
the posterior mean interpolate the noise.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cho_solve, cholesky, solve_triangular

from qml.errors import ConfigurationError
from qml.models.kernel_estimator import KERNEL_PARAMETERS
from qml.models.kernel_regressor import KernelRegressor
from qml.validation import Rule

__all__ = ["QGPR", "log_marginal_likelihood", "ALPHAS"]

ALPHAS = (1e-3, 1e-2, 0.1, 0.3, 1.0)  # noise variances "auto" chooses from (standardised)

_MATRIX = {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}


def log_marginal_likelihood(K: np.ndarray, y: np.ndarray, alpha: float) -> float:
    """``log p(y | X)`` of a zero-mean Gaussian process with covariance ``K + alpha I``.

    Examples
    --------
    >>> round(log_marginal_likelihood(np.eye(2), np.zeros(2), 1.0), 6)  # N(0, 2 I) at 0
    -2.531024
    """
    L = cholesky(K + alpha * np.eye(len(K)), lower=True)
    weights = cho_solve((L, True), y)
    return float(-0.5 * y @ weights - np.log(np.diag(L)).sum() - 0.5 * len(y) * np.log(2 * np.pi))


def _best_alpha(K: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(log marginal likelihood, alpha)`` of the candidate of ``ALPHAS`` that maximises it;
    a noise too small to make a Gram matrix from shots positive definite is skipped."""
    scores = []
    for a in ALPHAS:
        try:
            scores.append((log_marginal_likelihood(K, y, a), a))
        except np.linalg.LinAlgError:
            scores.append((-np.inf, a))
    return max(scores)


class QGPR(KernelRegressor):
    """Gaussian-process regression on a quantum kernel, with predictive uncertainty.

    Parameters
    ----------
    alpha : float or "auto", default="auto"
        Noise variance of the standardised targets; ``"auto"``: the candidate of ``ALPHAS``
        with the largest log marginal likelihood on the training set (chosen with the
        bandwidth where that is ``"auto"`` too).
    feature_map, feature_map_reps, bandwidth, kernel, gamma, n_qubits, reduction
        As ``QKRR``; ``bandwidth="auto"`` maximises the log marginal likelihood.
    input_scaling, seed, backend, shots, regularization, mitigation, scheduler
        As ``QKRR``.
    max_circuits_per_job, execution_mode, runtime_options
        As ``QSVC``: how the kernel's runtime jobs are cut, sent and configured.

    Attributes
    ----------
    anchors_, coef_ : ndarray
        The training samples' angles and ``A^-1 y`` (standardised units).
    alpha_ : float
        The noise variance in use.
    cholesky_ : ndarray
        The lower Cholesky factor ``L`` of ``K + alpha_ I``, for the predictive variance.
    log_marginal_likelihood_ : float
    y_mean_, y_scale_, bandwidth_, feature_bandwidths_
        As ``QKRR``.
    gamma_, n_kernel_circuits_, fit_seconds_
        As ``QKRR``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.r_[np.linspace(0, 0.3, 10), np.linspace(0.7, 1, 10)][:, None]
    >>> gp = QGPR(seed=0).fit(X, np.sin(3 * X[:, 0]))
    >>> mean, std = gp.predict(np.array([[0.15], [0.5]]), return_std=True)
    >>> bool(std[0] < std[1])  # surer among the data than in the gap between them
    True
    """

    FORMAT = "qlimits.qgpr"
    PARAMETERS = {**KERNEL_PARAMETERS, "alpha": Rule(
        "'auto' or a finite number > 0", lambda v: (isinstance(v, str) and v == "auto") or (
            isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
            and bool(np.isfinite(v)) and v > 0))}
    EXTRA_SCHEMA = {"cholesky": _MATRIX, "log_marginal_likelihood": {"type": "number"},
                    "alpha": {"type": "number", "exclusiveMinimum": 0}}

    def __init__(self, alpha="auto", *, feature_map="zz", feature_map_reps=2, bandwidth="auto",
                 n_qubits=None, reduction=None, input_scaling="minmax", backend="statevector",
                 shots=None, seed=None, kernel="fidelity", gamma="auto", regularization=None,
                 mitigation=None, scheduler=None,
                 max_circuits_per_job=None, execution_mode=None,
                 runtime_options=None):
        self.alpha = alpha
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

    def _bandwidth_score(self):
        if self.alpha == "auto":
            return lambda K, y: dict(zip(("log_marginal_likelihood", "alpha"),
                                         _best_alpha(K, y)))
        alpha = float(self.alpha)
        return lambda K, y: {"log_marginal_likelihood": log_marginal_likelihood(K, y, alpha)}

    def _fit_standardised(self, kernel, angles: np.ndarray, y: np.ndarray) -> None:
        K = kernel.evaluate(angles)
        self.alpha_ = _best_alpha(K, y)[1] if self.alpha == "auto" else float(self.alpha)
        K.flat[::len(K) + 1] += self.alpha_
        try:
            self.cholesky_ = cholesky(K, lower=True)
        except np.linalg.LinAlgError as exc:
            raise ConfigurationError(
                f"the Gram matrix plus alpha={self.alpha_:g} is not positive definite (a "
                "kernel from shots can have negative eigenvalues): use regularization='clip' "
                "or a larger alpha") from exc
        self.anchors_ = angles
        self.coef_ = cho_solve((self.cholesky_, True), y)
        self.intercept_ = 0.0
        self.log_marginal_likelihood_ = float(
            -0.5 * y @ self.coef_ - np.log(np.diag(self.cholesky_)).sum()
            - 0.5 * len(y) * np.log(2 * np.pi))

    def predict(self, X, return_std: bool = False):
        """The posterior mean at ``X`` (the user's units); with ``return_std``, also the
        posterior standard deviation of the latent function there (the noise ``alpha``
        not included, as scikit-learn's ``GaussianProcessRegressor``)."""
        Ks = self.kernel_to_anchors(X)
        mean = Ks @ self.coef_ * self.y_scale_ + self.y_mean_
        if not return_std:
            return mean
        v = solve_triangular(self.cholesky_, Ks.T, lower=True)
        variance = np.maximum(1.0 - np.sum(v**2, axis=0), 0.0)
        return mean, np.sqrt(variance) * self.y_scale_

    def _extra_body(self) -> dict:
        return {"cholesky": self.cholesky_.tolist(), "alpha": float(self.alpha_),
                "log_marginal_likelihood": float(self.log_marginal_likelihood_)}

    def _load_extra(self, doc: dict) -> None:
        self.cholesky_ = np.array(doc["cholesky"], dtype=float)
        self.alpha_ = float(doc["alpha"])
        self.log_marginal_likelihood_ = float(doc["log_marginal_likelihood"])
        if self.cholesky_.shape != (len(doc["anchors"]),) * 2:
            raise ValueError(f"cholesky {self.cholesky_.shape} does not fit "
                             f"{len(doc['anchors'])} training samples")
