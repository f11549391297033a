"""The models of a comparison: the classical baselines, how each model's size and training cost
are counted (``FLOP_FORMULAS`` for the classical ones, circuit executions for the quantum ones).
"""

from __future__ import annotations

import logging

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from qml.backends import DEFAULT_SHOTS, exact_values
from qml.errors import ConfigurationError
from qml.models.preprocessing import FeaturePipeline

__all__ = ["baseline", "model_kind", "n_parameters", "training_cost",
           "preprocessing_for", "model_set", "BASELINES", "DEFAULT_MODELS",
           "FLOP_FORMULAS"]

logger = logging.getLogger(__name__)


BASELINES = ("logistic_regression", "decision_tree", "random_forest", "rbf_svm", "mlp")


DEFAULT_MODELS = ("qsvc",) + BASELINES  # beside the VQC, which every comparison has


FLOP_FORMULAS = {
    "logistic_regression": "4 * n_iter * n_samples * n_features * n_outputs "
                           "(a forward and a gradient pass per L-BFGS iteration)",
    "decision_tree": "2 * n_samples * n_features * depth (every level scans every feature)",
    "random_forest": "sum over trees of 2 * n_samples * max_features * depth",
    "rbf_svm": "3 * n_samples**2 * n_features (one RBF kernel matrix; SMO reuses it)",
    "mlp": "6 * n_iter * n_samples * n_parameters (forward 2, backward 4 per weight)",
    "qsvc": "kernel circuits: training one feature state per sample (exact) or n(n-1)/2 "
            "compute-uncompute circuits (shots); each prediction n_SV more, the kernel "
            "against every support vector",
    "other": "not estimated",
}


def baseline(name: str, seed: int | None = 0):
    """A classical baseline by name (one of ``BASELINES``), seeded.

    Examples
    --------
    >>> type(baseline("random_forest")).__name__
    'RandomForestClassifier'
    """
    models = {
        "logistic_regression": lambda: LogisticRegression(max_iter=1000),
        "decision_tree": lambda: DecisionTreeClassifier(random_state=seed),
        "random_forest": lambda: RandomForestClassifier(n_estimators=100, random_state=seed),
        "rbf_svm": lambda: SVC(kernel="rbf", random_state=seed),
        "mlp": lambda: MLPClassifier(hidden_layer_sizes=(16,), max_iter=2000,
                                     random_state=seed),
    }
    if name not in models:
        raise ConfigurationError(
            f"unknown model {name!r}; valid: vqc, qsvc, qsvc_projected, "
            f"{', '.join(BASELINES)}, or pass a scikit-learn estimator in "
            "extra_models={name: estimator}"
        )
    return models[name]()


def model_kind(model) -> str:
    """``"vqc"``, ``"qsvc"`` or the baseline's kind: how a model's size and cost are counted."""
    from qml.models.qsvc import QSVC
    from qml.models.vqc import VQC

    if isinstance(model, VQC):
        return "vqc"
    if isinstance(model, QSVC):
        return "qsvc"
    for name, cls in (("logistic_regression", LogisticRegression),
                      ("random_forest", RandomForestClassifier),
                      ("decision_tree", DecisionTreeClassifier), ("rbf_svm", SVC),
                      ("mlp", MLPClassifier)):
        if isinstance(model, cls):
            return name
    return "other"


def n_parameters(model) -> int:
    """Trainable (fitted) numbers in a fitted model: weights for linear models, networks and
    the VQC; split thresholds and leaf values (node count) for trees; support vectors and
    their coefficients for an SVM.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> n_parameters(LogisticRegression(max_iter=500).fit(X, y))
    15
    """
    kind = model_kind(model)
    if kind == "vqc":
        return int(len(model.weights_))
    if kind == "qsvc":
        return int(model.support_vectors_.size + model.dual_coef_.size
                   + model.intercept_.size)
    if kind == "logistic_regression":
        return int(model.coef_.size + model.intercept_.size)
    if kind == "decision_tree":
        return int(model.tree_.node_count)
    if kind == "random_forest":
        return int(sum(t.tree_.node_count for t in model.estimators_))
    if kind == "rbf_svm":
        return int(model.support_vectors_.size + model.dual_coef_.size + model.intercept_.size)
    if kind == "mlp":
        return int(sum(w.size for w in model.coefs_) + sum(b.size for b in model.intercepts_))
    return 0


def training_cost(model, n_samples: int, n_features: int) -> tuple[float | None, str]:
    """``(cost, unit)`` of one fit; see ``FLOP_FORMULAS`` for the classical estimates (None
    for a model without one).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> training_cost(DecisionTreeClassifier(random_state=0).fit(X, y), 150, 4)[1]
    'FLOP (estimate)'
    """
    kind = model_kind(model)
    flop = "FLOP (estimate)"
    if kind == "vqc":
        runs = float(model.n_circuit_evaluations_)
        if model.shots_ is None:
            return runs, "circuit executions (exact simulation)"
        return runs * model.shots_, "circuit executions x shots"
    if kind == "qsvc":
        runs = float(model.n_kernel_circuits_)
        if exact_values(model.backend, model.shots):
            return runs, "kernel circuits (feature states, exact simulation)"
        shots = DEFAULT_SHOTS if model.shots is None else model.shots
        return runs * shots, "kernel circuits x shots"
    if kind == "logistic_regression":
        outputs = model.coef_.shape[0]
        return 4.0 * int(np.max(model.n_iter_)) * n_samples * n_features * outputs, flop
    if kind == "decision_tree":
        return 2.0 * n_samples * n_features * model.get_depth(), flop
    if kind == "random_forest":
        per = max(1, int(np.sqrt(n_features)))
        return float(sum(2.0 * n_samples * per * t.get_depth() for t in model.estimators_)), flop
    if kind == "rbf_svm":
        return 3.0 * n_samples**2 * n_features, flop
    if kind == "mlp":
        return 6.0 * model.n_iter_ * n_samples * n_parameters(model), flop
    return None, "not estimated"


def preprocessing_for(n_features: int | None, seed) -> FeaturePipeline:
    """The preprocessing every model gets, fitted per training fold (standardise, PCA)."""
    return FeaturePipeline(n_components=n_features, seed=seed)


def model_set(vqc, qsvc, models, seed) -> dict:
    """The models of a comparison by name: the VQC, the QSVC and the chosen baselines."""
    from qml.models.qsvc import QSVC
    from qml.models.vqc import VQC

    out = {"vqc": VQC(seed=seed) if vqc is None else vqc}
    for item in (DEFAULT_MODELS if models is None else models):
        if item == "qsvc":
            out[item] = QSVC(seed=seed) if qsvc is None else qsvc
        elif item == "qsvc_projected":  # the projected quantum kernel as a model of its own
            out[item] = QSVC(kernel="projected", seed=seed)
        elif isinstance(item, str):
            out[item] = baseline(item, seed)
        else:
            raise ConfigurationError("models must be names; pass estimators as a dict")
    return out
