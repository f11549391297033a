"""Quantum against classical, side by side: accuracy, cost and explainability.

Every model sees the same stratified k-fold splits and the same preprocessing
(``qml.models.preprocessing.FeaturePipeline``: standardise, optionally PCA), fitted on each training
fold; the VQC maps those features to rotation angles itself, as it does anywhere else. Per
model: accuracy and balanced accuracy over folds, trainable-parameter count, training and
inference wall time, and a training cost in stated units:

* VQC: circuit executions (samples x parameter sets over the whole fit), and executions x
  shots on a shot-based backend;
* QSVC (quantum kernel): kernel circuits -- one feature state per training sample when exact,
  one compute-uncompute circuit per pair (x shots) when sampled; a prediction costs the
  kernel against every support vector, which the report's formula states;
* classical models: an estimate of floating-point operations, by the formulas in
  ``FLOP_FORMULAS`` (order-of-magnitude counts, not measurements).

Explainability on one held-out split: scikit-learn's permutation importance for every model,
the trees' impurity importances, and for the VQC exact input-gradient attributions (the mean
absolute derivative of the predicted class probability with respect to each feature). Learning
curves: test accuracy against training-set size.
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from qml.backends import parse_backend
from qml.backends import DEFAULT_SHOTS
from qml.deprecation import deprecated
from qml.distributed import check_scheduler, connect
from qml.errors import ConfigurationError, InvalidInputError
from qml.files import atomic_write
from qml.models.preprocessing import FeaturePipeline
from qml.result_file import ResultFile, document_schema

__all__ = ["BASELINES", "DEFAULT_MODELS", "FLOP_FORMULAS", "ModelReport", "Comparison",
           "baseline", "compare", "n_parameters", "training_cost"]

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
            f"unknown model {name!r}; valid: vqc, qsvc, {', '.join(BASELINES)}, or pass a "
            "scikit-learn estimator in extra_models={name: estimator}"
        )
    return models[name]()


def _kind(model) -> str:
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
    kind = _kind(model)
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
    kind = _kind(model)
    flop = "FLOP (estimate)"
    if kind == "vqc":
        runs = float(model.n_circuit_evaluations_)
        if model.shots_ is None:
            return runs, "circuit executions (exact simulation)"
        return runs * model.shots_, "circuit executions x shots"
    if kind == "qsvc":
        runs = float(model.n_kernel_circuits_)
        if parse_backend(model.backend).exact:
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


def _preprocessing(n_features: int | None, seed) -> FeaturePipeline:
    return FeaturePipeline(n_components=n_features, seed=seed)


@dataclass
class ModelReport:
    """One model's scores over the folds, its size, cost and timing."""

    name: str
    accuracy: list[float]
    balanced_accuracy: list[float]
    n_parameters: int
    train_seconds: float
    inference_seconds: float
    training_cost: float | None
    cost_unit: str
    cost_formula: str

    @property
    def accuracy_mean(self) -> float:
        """Mean accuracy over the folds."""
        return float(np.mean(self.accuracy))

    @property
    def accuracy_sd(self) -> float:
        """Standard deviation of the accuracy over the folds."""
        return float(np.std(self.accuracy))

    @property
    def balanced_mean(self) -> float:
        """Mean balanced accuracy over the folds."""
        return float(np.mean(self.balanced_accuracy))

    @property
    def balanced_sd(self) -> float:
        """Standard deviation of the balanced accuracy over the folds."""
        return float(np.std(self.balanced_accuracy))


def _cost_text(cost: float | None, fmt: str) -> str:
    return "" if cost is None else format(cost, fmt)


_SCORES = {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1},
           "minItems": 1}
_MODEL_SCHEMA = {
    "type": "object",
    "required": ["name", "accuracy", "balanced_accuracy", "n_parameters", "train_seconds",
                 "inference_seconds", "training_cost", "cost_unit", "cost_formula"],
    "properties": {"name": {"type": "string"}, "accuracy": _SCORES,
                   "balanced_accuracy": _SCORES,
                   "n_parameters": {"type": "integer", "minimum": 0},
                   "train_seconds": {"type": "number", "minimum": 0},
                   "inference_seconds": {"type": "number", "minimum": 0},
                   "training_cost": {"type": ["number", "null"]},
                   "cost_unit": {"type": "string"},
                   "cost_formula": {"type": "string"}},
}
_MODEL_FIELDS = [f.name for f in fields(ModelReport)]
_CSV_COLUMNS = ("model", "accuracy_mean", "accuracy_sd", "balanced_accuracy_mean",
                "balanced_accuracy_sd", "n_parameters", "train_seconds", "inference_seconds",
                "training_cost", "cost_unit")


@dataclass
class Comparison(ResultFile):
    """The whole report: fold scores, importances, their rank correlations, learning curves.

    Saved as ``"qlimits.comparison"`` JSON (``save``/``load``); ``to_csv()`` is the table of
    models, one row each.

    Examples
    --------
    >>> rep = Comparison("d", 2, 0, ["x0"], [ModelReport("m", [0.9, 1.0], [0.9, 1.0], 3, 0.1,
    ...                                                  0.01, 10.0, "FLOP", "f")])
    >>> Comparison.from_dict(rep.to_dict()) == rep
    True
    """

    FORMAT = "qlimits.comparison"
    FORMAT_VERSION = 1
    SCHEMA = document_schema({
        "dataset": {"type": "string"}, "folds": {"type": "integer", "minimum": 2},
        "seed": {"type": ["integer", "null"]},
        "feature_names": {"type": "array", "items": {"type": "string"}},
        "models": {"type": "array", "items": _MODEL_SCHEMA},
        "importances": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": {"type": "array",
                                                       "items": {"type": "number"}}}},
        "rank_correlations": {"type": "object",
                              "additionalProperties": {"type": ["number", "null"]}},
        "learning_curve": {"type": "object", "properties": {
            "sizes": {"type": "array", "items": {"type": "integer"}},
            "repeats": {"type": "integer", "minimum": 1},
            "accuracy": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": "number"}}},
            "accuracy_sd": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": "number", "minimum": 0}}}}},
    }, required=["dataset", "folds", "seed", "feature_names", "models"])

    dataset: str
    folds: int
    seed: int | None
    feature_names: list[str]
    models: list[ModelReport]
    importances: dict = field(default_factory=dict)
    rank_correlations: dict = field(default_factory=dict)
    learning_curve: dict = field(default_factory=dict)

    def _to_body(self) -> dict:
        doc = asdict(self)
        for report, row in zip(self.models, doc["models"]):
            row.update(accuracy_mean=report.accuracy_mean, accuracy_sd=report.accuracy_sd,
                       balanced_accuracy_mean=report.balanced_mean,
                       balanced_accuracy_sd=report.balanced_sd)
        return doc

    @classmethod
    def _from_body(cls, doc: dict) -> Comparison:
        models = [ModelReport(**{k: m[k] for k in _MODEL_FIELDS}) for m in doc["models"]]
        for m in models:
            if len(m.accuracy) != doc["folds"] or len(m.balanced_accuracy) != doc["folds"]:
                raise ValueError(f"model {m.name!r} has {len(m.accuracy)} fold scores for "
                                 f"{doc['folds']} folds")
        return cls(doc["dataset"], doc["folds"], doc["seed"], doc["feature_names"], models,
                   doc.get("importances", {}), doc.get("rank_correlations", {}),
                   doc.get("learning_curve", {}))

    def to_csv(self) -> str:
        """The table of models as CSV text: accuracy and balanced accuracy (mean, sd),
        parameters, times and training cost."""
        rows = [",".join(_CSV_COLUMNS)]
        for m in self.models:
            rows.append(f"{m.name},{m.accuracy_mean:.6f},{m.accuracy_sd:.6f},"
                        f"{m.balanced_mean:.6f},{m.balanced_sd:.6f},{m.n_parameters},"
                        f"{m.train_seconds:.6f},{m.inference_seconds:.6f},"
                        f"{_cost_text(m.training_cost, '.6g')},{m.cost_unit}")
        return "\n".join(rows) + "\n"

    def save(self, path) -> Path:
        """Write the report to ``path`` as JSON, atomically; returns the path.

        A folder (a path without the ``.json`` suffix) is deprecated: it writes
        ``comparison.json`` and ``comparison.csv`` inside, as qlimits 0.1 did.
        """
        path = Path(path)
        if path.suffix == ".json":
            return super().save(path)
        deprecated("Comparison.save(folder)", "save('folder/comparison.json') and "
                   "atomic_write('folder/comparison.csv', report.to_csv())")
        atomic_write(path / "comparison.csv", self.to_csv())
        super().save(path / "comparison.json")
        return path


def _models(vqc, qsvc, models, seed) -> dict:
    from qml.models.qsvc import QSVC
    from qml.models.vqc import VQC

    out = {"vqc": VQC(seed=seed) if vqc is None else vqc}
    for item in (DEFAULT_MODELS if models is None else models):
        if item == "qsvc":
            out[item] = QSVC(seed=seed) if qsvc is None else qsvc
        elif isinstance(item, str):
            out[item] = baseline(item, seed)
        else:
            raise ConfigurationError("models must be names; pass estimators as a dict")
    return out


def _check(X, y, folds: int):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or len(X) != len(y):
        raise InvalidInputError(f"X must be (n_samples, n_features) matching y; got {X.shape}, "
                                f"{y.shape}")
    if not np.isfinite(X).all():
        raise InvalidInputError("X contains NaN or infinity")
    smallest = int(np.unique(y, return_counts=True)[1].min())
    if not isinstance(folds, (int, np.integer)) or folds < 2 or folds > smallest:
        raise ConfigurationError(
            f"folds must be between 2 and the size of the smallest class ({smallest}); "
            f"got {folds!r}"
        )
    return X, y


def _feature_names(names, n_columns: int, n_features: int | None) -> list[str]:
    if n_features is not None:
        if names is not None:
            warnings.warn(f"feature_names are not used: with n_features={n_features} the "
                          "features are principal components (pc1, pc2, ...)", UserWarning,
                          stacklevel=3)
        return [f"pc{i + 1}" for i in range(n_features)]
    if names is None:
        return [f"x{i}" for i in range(n_columns)]
    if len(names) != n_columns:
        raise ConfigurationError(f"{len(names)} feature_names for {n_columns} columns of X")
    return [str(n) for n in names]


def _fit_timed(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


class _Progress:
    """Counts finished tasks for a ``progress(done, total, what)`` callback."""

    def __init__(self, callback, total: int):
        self.callback, self.total, self.done = callback, total, 0

    def step(self, what: str) -> None:
        self.done += 1
        if self.callback is not None:
            self.callback(self.done, self.total, what)


def _check_distributable(models: dict) -> None:
    for name, model in models.items():
        backend = getattr(model, "backend", None)
        if isinstance(backend, str) and parse_backend(backend).runtime:
            raise ConfigurationError(
                f"model {name!r} runs on {backend}, whose jobs are submitted from this process "
                "through its job ledger: compare it without a scheduler")


def _fold_task(model, X, y, train, test, n_features, seed, keep: bool) -> dict:
    """One task: fit a clone on a training fold, score it on the test fold. ``keep``: also
    return the fitted model and its feature count (first and last folds)."""
    prep = _preprocessing(n_features, seed).fit(X[train])
    fitted = clone(model)
    train_s = _fit_timed(fitted, prep.transform(X[train]), y[train])
    start = time.perf_counter()
    pred = fitted.predict(prep.transform(X[test]))
    out = {"accuracy": float(accuracy_score(y[test], pred)),
           "balanced": float(balanced_accuracy_score(y[test], pred)),
           "train_s": train_s, "infer_s": time.perf_counter() - start}
    if keep:
        out.update(fitted=fitted, n_features=prep.transform(X[:1]).shape[1])
    return out


def _report(name: str, folds: list[dict], n_train: int) -> ModelReport:
    """A model's report from its fold results (the last fold's model gives size and cost)."""
    fitted = folds[-1]["fitted"]
    cost, unit = training_cost(fitted, n_train, folds[-1]["n_features"])
    formula = FLOP_FORMULAS.get(_kind(fitted), "circuit executions counted")
    if _kind(fitted) == "qsvc":
        formula += f" ({len(fitted.support_vectors_)} support vectors in the last fold)"
    return ModelReport(name, [f["accuracy"] for f in folds], [f["balanced"] for f in folds],
                       n_parameters(fitted), float(np.mean([f["train_s"] for f in folds])),
                       float(np.mean([f["infer_s"] for f in folds])), cost, unit, formula)


def _explain_task(first_fold: dict, X_test, y_test, seed) -> dict:
    """One task: permutation importances (and impurity importances, and the VQC's input
    gradients) of the model fitted on the first fold."""
    model = first_fold["fitted"]
    perm = permutation_importance(model, X_test, y_test, n_repeats=5, random_state=seed)
    out = {"permutation": perm.importances_mean.tolist()}
    if hasattr(model, "feature_importances_"):
        out["impurity"] = model.feature_importances_.tolist()
    if _kind(model) == "vqc" and model.shots_ is None:
        grads = model.input_gradients(X_test)
        out["input_gradient"] = np.abs(grads).mean(axis=0).tolist()
    return out


def _rank_correlations(importances: dict) -> dict:
    vectors = {f"{m}:{k}": np.asarray(v) for m, d in importances.items() for k, v in d.items()}
    names = sorted(vectors)
    out = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            rho = spearmanr(vectors[a], vectors[b]).statistic
            out[f"{a} ~ {b}"] = None if np.isnan(rho) else float(rho)
    return out


def _learning_sizes(n_train: int, n_classes: int, fractions) -> list[int]:
    """Training-set sizes of the learning curve: each fraction of the smallest training fold,
    at least two samples per class, without repeats."""
    return sorted({min(n_train, max(int(round(f * n_train)), 2 * n_classes))
                   for f in fractions})


def _learning_subsets(y_tr, sizes, seed) -> list[np.ndarray]:
    """Training subsets of the learning curve: growing prefixes (of the given sizes) of one
    seeded permutation whose first samples hold one of every class, so every prefix does."""
    order = np.random.default_rng(seed).permutation(len(y_tr))
    _, first = np.unique(y_tr[order], return_index=True)
    order = np.concatenate([order[np.sort(first)], np.delete(order, first)])
    return [order[:n] for n in sizes]


def _curve_task(model, X_tr, y_tr, X_te, y_te) -> float:
    """One task: test accuracy of a clone fitted on a learning-curve subset."""
    return float(clone(model).fit(X_tr, y_tr).score(X_te, y_te))


def compare(X, y, *, dataset: str = "data", vqc=None, qsvc=None, models=None,
            extra_models=None,
            folds: int = 5, n_features: int | None = None, seed: int | None = 0,
            feature_names=None, learning_sizes=(0.1, 0.25, 0.5, 0.75, 1.0),
            learning_repeats: int = 3, progress=None, scheduler=None) -> Comparison:
    """Cross-validate a VQC and classical baselines on the same splits and preprocessing.

    Parameters
    ----------
    X, y : arrays
        Raw features and labels; preprocessing is fitted inside every training fold.
    vqc : VQC, optional
        The quantum model (default ``VQC(seed=seed)``).
    qsvc : QSVC, optional
        The quantum-kernel model when ``"qsvc"`` is among ``models`` (default
        ``QSVC(seed=seed)``).
    models : sequence of str, optional
        Models beside the VQC by name: ``"qsvc"`` and ``BASELINES`` (default all,
        ``DEFAULT_MODELS``).
    extra_models : dict, optional
        More scikit-learn estimators, ``{name: estimator}``.
    folds : int
        Stratified folds, at most the size of the smallest class.
    n_features : int, optional
        PCA to this many features (for the VQC: qubits).
    seed : int, optional
        Drives splits, PCA, baselines, the VQC default, permutations.
    feature_names : sequence of str, optional
        Names of the columns of ``X`` (default ``x0, x1, ...``); with ``n_features`` the
        features are principal components, named ``pc1, pc2, ...``, and names given here are
        not used (a warning says so).
    learning_sizes : sequence of float
        Fractions of the (smallest) training fold for the learning curves (empty: none).
    learning_repeats : int, default=3
        Folds the learning curve is repeated on (each with its own preprocessing and
        subsets); ``learning_curve`` reports the mean and sd over them.
    progress : callable, optional
        ``progress(done, total, what)`` after every task: each model on each fold, each
        model's importances, each learning-curve point (the CLI draws a bar with it).
    scheduler : None, str or dask.distributed.Client, optional
        Run those tasks on Dask (``qml.distributed``: ``"local"``, ``"local:N"``, an
        address, or a ``Client``); every task is seeded as in-process, so the scores are the
        same. Models on ``fake:``/``ibm:`` backends are refused there (their jobs stay with
        this process's ledger).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from qml import VQC
    >>> X, y = load_iris(return_X_y=True)
    >>> rep = compare(X, y, vqc=VQC(seed=0, maxiter=20), models=["decision_tree"], folds=3,
    ...               learning_sizes=())
    >>> [m.name for m in rep.models]
    ['vqc', 'decision_tree']
    """
    X, y = _check(X, y, folds)
    check_scheduler(scheduler)
    feature_names = _feature_names(feature_names, X.shape[1], n_features)
    all_models = _models(vqc, qsvc, models, seed)
    all_models.update(extra_models or {})
    if scheduler is not None:
        _check_distributable(all_models)
    if (not isinstance(learning_repeats, (int, np.integer)) or isinstance(learning_repeats, bool)
            or learning_repeats < 1):
        raise ConfigurationError(f"learning_repeats must be a positive number of folds; got "
                                 f"{learning_repeats!r}")
    splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y))
    repeats = min(int(learning_repeats), folds)
    curve_folds = []  # per repeat: the fold's train and test sets, preprocessed on its train
    for tr, te in splits[:repeats]:
        prep = _preprocessing(n_features, seed).fit(X[tr])
        curve_folds.append((prep.transform(X[tr]), y[tr], prep.transform(X[te]), y[te]))
    sizes = _learning_sizes(min(len(tr) for tr, _ in splits[:repeats]), len(np.unique(y)),
                            learning_sizes)
    subsets = [_learning_subsets(y_tr, sizes, None if seed is None else [seed, k])
               for k, (_, y_tr, _, _) in enumerate(curve_folds)]
    with connect(scheduler) as executor:
        data = executor.scatter([X, y] + [a for fold in curve_folds for a in fold])
        Xs, ys = data[:2]
        fold_data = [data[2 + 4 * k: 6 + 4 * k] for k in range(repeats)]
        X_te_s, y_te_s = fold_data[0][2], fold_data[0][3]  # importances: the first fold
        labels, fold_futures, explain, curve = {}, {}, {}, {}
        for name, model in all_models.items():
            fold_futures[name] = []
            for k, (tr, te) in enumerate(splits):
                future = executor.submit(_fold_task, model, Xs, ys, tr, te, n_features, seed,
                                         k in (0, len(splits) - 1))
                fold_futures[name].append(future)
                labels[id(future)] = f"{name}, fold {k + 1}/{len(splits)}"
        for name in all_models:
            explain[name] = executor.submit(_explain_task, fold_futures[name][0], X_te_s,
                                            y_te_s, seed)
            labels[id(explain[name])] = f"{name}, importances"
        for k, (X_tr, y_tr, _, _) in enumerate(curve_folds):
            for idx in subsets[k]:
                for name, model in all_models.items():
                    future = executor.submit(_curve_task, model, X_tr[idx], y_tr[idx],
                                             fold_data[k][2], fold_data[k][3])
                    curve[(name, len(idx), k)] = future
                    labels[id(future)] = (f"{name}, learning curve at {len(idx)} samples, "
                                          f"fold {k + 1}")
        every = ([f for fs in fold_futures.values() for f in fs] + list(explain.values())
                 + list(curve.values()))
        tracker = _Progress(progress, len(every))
        for future in executor.completed(every):
            logger.info("finished: %s", labels[id(future)])
            tracker.step(labels[id(future)])
        reports = [_report(name, [f.result() for f in fold_futures[name]], len(splits[-1][0]))
                   for name in all_models]
        importances = {name: explain[name].result() for name in all_models}
        scores = {name: np.array([[curve[(name, n, k)].result() for k in range(repeats)]
                                  for n in sizes]).reshape(len(sizes), repeats)
                  for name in all_models}
        learning = {"sizes": [int(n) for n in sizes], "repeats": repeats,
                    "accuracy": {name: v.mean(axis=1).tolist() for name, v in scores.items()},
                    "accuracy_sd": {name: v.std(axis=1).tolist() for name, v in scores.items()}}
    return Comparison(dataset, folds, seed, list(feature_names), reports, importances,
                      _rank_correlations(importances), learning)
