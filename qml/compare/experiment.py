"""``compare``: every model on the same stratified folds, then explanations on one held-out
split and learning curves; each a task run in this process or on Dask, combined in a fixed
order, so the report never depends on the number of workers. ``compare(task="regression")``
does the same for regressors on shuffled folds (R^2 and RMSE, explanations; no learning
curves).
"""

from __future__ import annotations

import logging
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.inspection import permutation_importance
from sklearn.metrics import accuracy_score, balanced_accuracy_score, mean_squared_error, r2_score
from sklearn.model_selection import KFold, StratifiedKFold

from qml.backends import parse_backend
from qml.compare.analysis import curve_sizes, curve_subsets, fold_report, rank_correlations
from qml.compare.baselines import model_kind, model_set, preprocessing_for
from qml.compare.regression_baselines import (
    DEFAULT_REGRESSION_MODELS,
    REGRESSION_FLOP_FORMULAS,
    regression_model,
    regressor_cost,
    regressor_kind,
    regressor_parameters,
)
from qml.compare.regression_report import RegressionComparison, RegressionReport
from qml.compare.report import Comparison
from qml.distributed import check_scheduler, connect
from qml.errors import ConfigurationError, InvalidInputError

__all__ = ["compare"]

logger = logging.getLogger(__name__)


def _check(X, y, folds: int, task: str = "classification"):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or len(X) != len(y):
        raise InvalidInputError(f"X must be (n_samples, n_features) matching y; got {X.shape}, "
                                f"{y.shape}")
    if not np.isfinite(X).all():
        raise InvalidInputError("X contains NaN or infinity")
    if task == "regression":
        try:
            y = y.astype(float)
        except ValueError as exc:
            raise InvalidInputError(f"y must hold numbers for a regression: {exc}") from exc
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            raise InvalidInputError("y must be finite numbers that vary for a regression")
        if not isinstance(folds, (int, np.integer)) or not 2 <= folds <= len(y):
            raise ConfigurationError(f"folds must be between 2 and the {len(y)} samples; "
                                     f"got {folds!r}")
        return X, y
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
    prep = preprocessing_for(n_features, seed).fit(X[train])
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


def _regression_fold_task(model, X, y, train, test, n_features, seed, keep: bool) -> dict:
    """One regression task: fit a clone on a training fold, score it on the test fold."""
    prep = preprocessing_for(n_features, seed).fit(X[train])
    fitted = clone(model)
    train_s = _fit_timed(fitted, prep.transform(X[train]), y[train])
    start = time.perf_counter()
    pred = fitted.predict(prep.transform(X[test]))
    out = {"r2": float(r2_score(y[test], pred)),
           "rmse": float(np.sqrt(mean_squared_error(y[test], pred))),
           "train_s": train_s, "infer_s": time.perf_counter() - start}
    if keep:
        out.update(fitted=fitted, n_features=prep.transform(X[:1]).shape[1])
    return out


def _explain_task(first_fold: dict, X_test, y_test, seed) -> dict:
    """One task: permutation importances (and impurity importances, and the VQC's input
    gradients) of the model fitted on the first fold."""
    model = first_fold["fitted"]
    perm = permutation_importance(model, X_test, y_test, n_repeats=5, random_state=seed)
    out = {"permutation": perm.importances_mean.tolist()}
    if hasattr(model, "feature_importances_"):
        out["impurity"] = model.feature_importances_.tolist()
    if model_kind(model) == "vqc" or regressor_kind(model) == "vqr":
        if model.shots_ is None:
            grads = model.input_gradients(X_test)
            out["input_gradient"] = np.abs(grads).mean(axis=0).tolist()
    return out


def _curve_task(model, X_tr, y_tr, X_te, y_te) -> float:
    """One task: test accuracy of a clone fitted on a learning-curve subset."""
    return float(clone(model).fit(X_tr, y_tr).score(X_te, y_te))


def compare(X, y, *, dataset: str = "data", vqc=None, qsvc=None, models=None,
            extra_models=None,
            folds: int = 5, n_features: int | None = None, seed: int | None = 0,
            feature_names=None, learning_sizes=(0.1, 0.25, 0.5, 0.75, 1.0),
            learning_repeats: int = 3, progress=None, scheduler=None,
            task: str = "classification") -> Comparison | RegressionComparison:
    """Cross-validate a VQC and classical baselines on the same splits and preprocessing (or,
    with ``task="regression"``, the quantum and classical regressors).

    Parameters
    ----------
    X, y : arrays
        Raw features and labels (targets for a regression); preprocessing is fitted inside
        every training fold.
    vqc : VQC, optional
        The quantum model (default ``VQC(seed=seed)``).
    qsvc : QSVC, optional
        The quantum-kernel model when ``"qsvc"`` is among ``models`` (default
        ``QSVC(seed=seed)``).
    models : sequence of str, optional
        Models beside the VQC by name: ``"qsvc"``, ``"qsvc_projected"`` (the projected
        quantum kernel) and ``BASELINES`` (default: ``"qsvc"`` and the baselines,
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
    task : {"classification", "regression"}, default="classification"
        ``"regression"``: ``models`` are names from ``DEFAULT_REGRESSION_MODELS`` (default:
        all: ``vqr``, ``qkrr``, ``qsvr``, ``qgpr``, ``ridge``, ``svr``,
        ``gaussian_process``, ``random_forest``, ``gradient_boosting``, ``mlp``; quantum
        models with other settings go in ``extra_models``) on shuffled folds, scored by R^2
        and RMSE, with explanations and no learning curves; returns a
        ``RegressionComparison``. ``vqc`` and ``qsvc`` are for classification.

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
    if task not in ("classification", "regression"):
        raise ConfigurationError(f"task must be 'classification' or 'regression'; got {task!r}")
    if task == "regression":
        if vqc is not None or qsvc is not None:
            raise ConfigurationError("vqc= and qsvc= are classifiers; for a regression pass "
                                     "quantum regressors in extra_models={name: model}")
        return _compare_regression(X, y, dataset, models, extra_models, folds, n_features, seed,
                                   feature_names, progress, scheduler)
    X, y = _check(X, y, folds)
    check_scheduler(scheduler)
    feature_names = _feature_names(feature_names, X.shape[1], n_features)
    all_models = model_set(vqc, qsvc, models, seed)
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
        prep = preprocessing_for(n_features, seed).fit(X[tr])
        curve_folds.append((prep.transform(X[tr]), y[tr], prep.transform(X[te]), y[te]))
    sizes = curve_sizes(min(len(tr) for tr, _ in splits[:repeats]), len(np.unique(y)),
                        learning_sizes)
    subsets = [curve_subsets(y_tr, sizes, None if seed is None else [seed, k])
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
        reports = [fold_report(name, [f.result() for f in fold_futures[name]], len(splits[-1][0]))
                   for name in all_models]
        importances = {name: explain[name].result() for name in all_models}
        scores = {name: np.array([[curve[(name, n, k)].result() for k in range(repeats)]
                                  for n in sizes]).reshape(len(sizes), repeats)
                  for name in all_models}
        counts = np.unique(np.asarray(y), return_counts=True)[1]
        learning = {"sizes": [int(n) for n in sizes], "repeats": repeats,
                    "chance": float(counts.max() / counts.sum()),  # always the largest class
                    "accuracy": {name: v.mean(axis=1).tolist() for name, v in scores.items()},
                    "accuracy_sd": {name: v.std(axis=1).tolist() for name, v in scores.items()}}
    return Comparison(dataset, folds, seed, list(feature_names), reports, importances,
                      rank_correlations(importances), learning)


def _compare_regression(X, y, dataset, models, extra_models, folds, n_features, seed,
                        feature_names, progress, scheduler) -> RegressionComparison:
    """``compare(task="regression")``: every regressor on the same shuffled folds."""
    X, y = _check(X, y, folds, "regression")
    check_scheduler(scheduler)
    feature_names = _feature_names(feature_names, X.shape[1], n_features)
    names = DEFAULT_REGRESSION_MODELS if models is None else models
    if any(not isinstance(name, str) for name in names):
        raise ConfigurationError("models must be names; pass estimators as a dict")
    all_models = {name: regression_model(name, seed) for name in names}
    all_models.update(extra_models or {})
    if scheduler is not None:
        _check_distributable(all_models)
    splits = list(KFold(folds, shuffle=True, random_state=seed).split(X))
    prep = preprocessing_for(n_features, seed).fit(X[splits[0][0]])
    X_te, y_te = prep.transform(X[splits[0][1]]), y[splits[0][1]]  # importances: fold one
    with connect(scheduler) as executor:
        Xs, ys, X_te_s, y_te_s = executor.scatter([X, y, X_te, y_te])
        fold_futures, explain, labels = {}, {}, {}
        for name, model in all_models.items():
            fold_futures[name] = []
            for k, (tr, te) in enumerate(splits):
                future = executor.submit(_regression_fold_task, model, Xs, ys, tr, te,
                                         n_features, seed, k in (0, len(splits) - 1))
                fold_futures[name].append(future)
                labels[id(future)] = f"{name}, fold {k + 1}/{len(splits)}"
            explain[name] = executor.submit(_explain_task, fold_futures[name][0], X_te_s,
                                            y_te_s, seed)
            labels[id(explain[name])] = f"{name}, importances"
        every = [f for fs in fold_futures.values() for f in fs] + list(explain.values())
        tracker = _Progress(progress, len(every))
        for future in executor.completed(every):
            logger.info("finished: %s", labels[id(future)])
            tracker.step(labels[id(future)])
        reports = [_regression_report(name, [f.result() for f in fold_futures[name]],
                                      len(splits[-1][0])) for name in all_models]
        importances = {name: explain[name].result() for name in all_models}
    return RegressionComparison(dataset, folds, seed, list(feature_names), reports,
                                importances, rank_correlations(importances))


def _regression_report(name: str, folds: list[dict], n_train: int) -> RegressionReport:
    """A regressor's report from its fold results (the last fold's model: size and cost)."""
    fitted = folds[-1]["fitted"]
    cost, unit = regressor_cost(fitted, n_train, folds[-1]["n_features"])
    return RegressionReport(name, [f["r2"] for f in folds], [f["rmse"] for f in folds],
                            regressor_parameters(fitted),
                            float(np.mean([f["train_s"] for f in folds])),
                            float(np.mean([f["infer_s"] for f in folds])), cost, unit,
                            REGRESSION_FLOP_FORMULAS[regressor_kind(fitted)])
