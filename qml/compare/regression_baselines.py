"""The models of a regression comparison: the quantum regressors (``VQR``, ``QKRR``, ``QSVR``,
``QGPR``), the classical baselines, and how each one's size and training cost are counted
(``REGRESSION_FLOP_FORMULAS`` for the classical ones, circuits for the quantum ones).
"""

from __future__ import annotations

import logging

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, WhiteKernel
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

from qml.backends import DEFAULT_SHOTS, exact_values
from qml.errors import ConfigurationError

__all__ = ["QUANTUM_REGRESSORS", "REGRESSION_BASELINES", "DEFAULT_REGRESSION_MODELS",
           "REGRESSION_FLOP_FORMULAS", "regression_model", "regressor_kind",
           "regressor_parameters", "regressor_cost"]

logger = logging.getLogger(__name__)

QUANTUM_REGRESSORS = ("vqr", "qkrr", "qsvr", "qgpr")

REGRESSION_BASELINES = ("ridge", "svr", "gaussian_process", "random_forest",
                        "gradient_boosting", "mlp")

DEFAULT_REGRESSION_MODELS = QUANTUM_REGRESSORS + REGRESSION_BASELINES

REGRESSION_FLOP_FORMULAS = {
    "ridge": "2 * n_samples * n_features**2 + n_features**3 / 3 (the normal equations and "
             "their Cholesky factor)",
    "svr": "3 * n_samples**2 * n_features (one RBF kernel matrix; SMO reuses it)",
    "gaussian_process": "n_samples**3 / 3 + 3 * n_samples**2 * n_features per likelihood "
                        "evaluation (a Cholesky factor and the kernel); the hyperparameter "
                        "search repeats it a number of times scikit-learn does not report, "
                        "so this is a lower bound",
    "random_forest": "sum over trees of 2 * n_samples * n_features * depth",
    "gradient_boosting": "sum over trees of 2 * n_samples * n_features * depth",
    "mlp": "6 * n_iter * n_samples * n_parameters (forward 2, backward 4 per weight)",
    "vqr": "circuit executions counted (samples x parameter sets over the whole fit)",
    "kernel": "kernel circuits: one feature state per training sample (exact) or n(n-1)/2 "
              "compute-uncompute circuits (shots)",
    "other": "not estimated",
}


def regression_model(name: str, seed: int | None = 0):
    """A regressor of the comparison by name (``DEFAULT_REGRESSION_MODELS``), seeded; the
    quantum ones at their defaults, the classical ones at scikit-learn's (an MLP of 16 hidden
    units; a Gaussian process with an RBF plus white-noise kernel). Every model that is not
    invariant to the targets' units learns standardised targets, as the quantum ones do: the
    SVR and the MLP inside a ``TransformedTargetRegressor``, the Gaussian process with
    ``normalize_y`` (an SVR's ``epsilon`` and ``C`` in the units of a disease score, or an MLP
    fed raw targets, would lose for reasons that have nothing to do with the model).

    Examples
    --------
    >>> type(regression_model("gradient_boosting")).__name__
    'GradientBoostingRegressor'
    """
    from qml import QGPR, QKRR, QSVR, VQR

    models = {
        "vqr": lambda: VQR(seed=seed), "qkrr": lambda: QKRR(seed=seed),
        "qsvr": lambda: QSVR(seed=seed), "qgpr": lambda: QGPR(seed=seed),
        "ridge": Ridge,
        "svr": lambda: _standardised(SVR()),
        "gaussian_process": lambda: GaussianProcessRegressor(
            RBF() + WhiteKernel(), normalize_y=True, random_state=seed),
        "random_forest": lambda: RandomForestRegressor(n_estimators=100, random_state=seed),
        "gradient_boosting": lambda: GradientBoostingRegressor(random_state=seed),
        "mlp": lambda: _standardised(MLPRegressor(hidden_layer_sizes=(16,), max_iter=2000,
                                                  random_state=seed)),
    }
    if name not in models:
        raise ConfigurationError(
            f"unknown regression model {name!r}; valid: "
            f"{', '.join(DEFAULT_REGRESSION_MODELS)}, or pass a scikit-learn regressor in "
            "extra_models={name: estimator}")
    return models[name]()


def _standardised(model) -> TransformedTargetRegressor:
    return TransformedTargetRegressor(model, transformer=StandardScaler())


def _inner(model):
    """The regressor inside a ``TransformedTargetRegressor`` (fitted where it is)."""
    if isinstance(model, TransformedTargetRegressor):
        return getattr(model, "regressor_", model.regressor)
    return model


def regressor_kind(model) -> str:
    """``"vqr"``, ``"kernel"`` (a quantum-kernel regressor) or the baseline's name: how a
    model's size and cost are counted."""
    from qml.models.kernel_regressor import KernelRegressor
    from qml.models.vqr import VQR

    model = _inner(model)
    if isinstance(model, VQR):
        return "vqr"
    if isinstance(model, KernelRegressor):
        return "kernel"
    for name, cls in (("ridge", Ridge), ("svr", SVR), ("gaussian_process",
                                                       GaussianProcessRegressor),
                      ("random_forest", RandomForestRegressor),
                      ("gradient_boosting", GradientBoostingRegressor),
                      ("mlp", MLPRegressor)):
        if isinstance(model, cls):
            return name
    return "other"


def regressor_parameters(model) -> int:
    """Fitted numbers in a fitted regressor: weights (and the readout's scale and offset) of
    the VQR; anchors, coefficients and intercept of a kernel model (and of an SVR); the dual
    coefficients and kernel hyperparameters of a Gaussian process; node counts of trees.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> regressor_parameters(Ridge().fit(X, y))
    11
    """
    kind = regressor_kind(model)
    model = _inner(model)
    if kind == "vqr":
        return int(len(model.weights_) + 2)
    if kind == "kernel":
        return int(model.anchors_.size + model.coef_.size + 1)
    if kind == "ridge":
        return int(model.coef_.size + 1)
    if kind == "svr":
        return int(model.support_vectors_.size + model.dual_coef_.size + 1)
    if kind == "gaussian_process":
        return int(model.alpha_.size + model.kernel_.theta.size)
    if kind in ("random_forest", "gradient_boosting"):
        trees = np.ravel(model.estimators_)
        return int(sum(t.tree_.node_count for t in trees))
    if kind == "mlp":
        return int(sum(w.size for w in model.coefs_) + sum(b.size for b in model.intercepts_))
    return 0


def regressor_cost(model, n_samples: int, n_features: int) -> tuple[float | None, str]:
    """``(cost, unit)`` of one fit (``REGRESSION_FLOP_FORMULAS``; None where not estimated).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> regressor_cost(Ridge().fit(X, y), 442, 10)
    (88733.33333333333, 'FLOP (estimate)')
    """
    kind = regressor_kind(model)
    model = _inner(model)
    flop = "FLOP (estimate)"
    if kind == "vqr":
        runs = float(model.n_circuit_evaluations_)
        if model.shots_ is None:
            return runs, "circuit executions (exact simulation)"
        return runs * model.shots_, "circuit executions x shots"
    if kind == "kernel":
        runs = float(model.n_kernel_circuits_)
        if exact_values(model.backend, model.shots):
            return runs, "kernel circuits (feature states, exact simulation)"
        return runs * (DEFAULT_SHOTS if model.shots is None else model.shots), \
            "kernel circuits x shots"
    n, d = n_samples, n_features
    if kind == "ridge":
        return 2.0 * n * d**2 + d**3 / 3, flop
    if kind == "svr":
        return 3.0 * n**2 * d, flop
    if kind == "gaussian_process":
        return n**3 / 3 + 3.0 * n**2 * d, "FLOP (estimate, one likelihood evaluation)"
    if kind in ("random_forest", "gradient_boosting"):
        return float(sum(2.0 * n * d * t.get_depth() for t in np.ravel(model.estimators_))), flop
    if kind == "mlp":
        return 6.0 * model.n_iter_ * n * regressor_parameters(model), flop
    return None, "not estimated"
