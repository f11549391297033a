"""Pure functions over the folds' numbers: a model's report from its folds, the rank
correlations of feature importances, the learning-curve sizes and subsets.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.stats import spearmanr

from qml.compare.baselines import FLOP_FORMULAS, model_kind, n_parameters, training_cost
from qml.compare.report import ModelReport

__all__ = ["fold_report", "rank_correlations", "curve_sizes", "curve_subsets"]

logger = logging.getLogger(__name__)


def fold_report(name: str, folds: list[dict], n_train: int) -> ModelReport:
    """A model's report from its fold results (the last fold's model gives size and cost)."""
    fitted = folds[-1]["fitted"]
    cost, unit = training_cost(fitted, n_train, folds[-1]["n_features"])
    formula = FLOP_FORMULAS.get(model_kind(fitted), "circuit executions counted")
    if model_kind(fitted) == "qsvc":
        formula += f" ({len(fitted.support_vectors_)} support vectors in the last fold)"
    return ModelReport(name, [f["accuracy"] for f in folds], [f["balanced"] for f in folds],
                       n_parameters(fitted), float(np.mean([f["train_s"] for f in folds])),
                       float(np.mean([f["infer_s"] for f in folds])), cost, unit, formula)


def rank_correlations(importances: dict) -> dict:
    """Spearman rank correlation of every pair of models' feature importances."""
    vectors = {f"{m}:{k}": np.asarray(v) for m, d in importances.items() for k, v in d.items()}
    names = sorted(vectors)
    out = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            rho = spearmanr(vectors[a], vectors[b]).statistic
            out[f"{a} ~ {b}"] = None if np.isnan(rho) else float(rho)
    return out


def curve_sizes(n_train: int, n_classes: int, fractions) -> list[int]:
    """Training-set sizes of the learning curve: each fraction of the smallest training fold,
    at least two samples per class, without repeats."""
    return sorted({min(n_train, max(int(round(f * n_train)), 2 * n_classes))
                   for f in fractions})


def curve_subsets(y_tr, sizes, seed) -> list[np.ndarray]:
    """Training subsets of the learning curve: growing prefixes (of the given sizes) of one
    seeded permutation whose first samples hold one of every class, so every prefix does."""
    order = np.random.default_rng(seed).permutation(len(y_tr))
    _, first = np.unique(y_tr[order], return_index=True)
    order = np.concatenate([order[np.sort(first)], np.delete(order, first)])
    return [order[:n] for n in sizes]
