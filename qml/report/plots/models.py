"""Figures of the models: training loss, decision regions, the quantum-vs-classical
comparison (accuracy and cost, importances, learning curves) and quantum kernels.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from qml.errors import InvalidInputError
from qml.report import style
from qml.report.plots.common import figure_and_axes

__all__ = ["loss_curve", "decision_regions", "comparison", "importances",
           "learning_curves", "kernel_concentration", "kernel_matrix"]

def loss_curve(loss: np.ndarray, title: str = "VQC training loss", ax=None) -> Figure:
    """Training loss against iteration.

    Examples
    --------
    >>> fig = loss_curve(np.array([1.0, 0.5, 0.25]))
    >>> fig.axes[0].get_xlabel()
    'iteration'
    """
    fig, ax = figure_and_axes(ax)
    ax.plot(np.arange(1, len(loss) + 1), loss, color="C0", lw=1.5)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cross-entropy (bits)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig


def decision_regions(model, X: np.ndarray, y: np.ndarray, resolution: int = 60,
                     title: str = "VQC decision regions", ax=None) -> Figure:
    """Predicted class over a grid of a two-feature problem, with the data on top.

    Examples
    --------
    >>> from qml import VQC
    >>> from sklearn.datasets import make_moons
    >>> X, y = make_moons(40, random_state=0)
    >>> fig = decision_regions(VQC(seed=0, maxiter=5).fit(X, y), X, y, resolution=10)
    >>> len(fig.axes)
    1
    """
    if X.shape[1] != 2:
        raise InvalidInputError(f"decision regions need two features; X has {X.shape[1]}")
    fig, ax = figure_and_axes(ax, 6.2, 4.2)
    pad = 0.05 * (X.max(axis=0) - X.min(axis=0))
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    index = np.searchsorted(model.classes_, model.predict(grid)).reshape(g0.shape)
    from matplotlib.colors import ListedColormap

    colors = [style.color(f"class{i}", i) for i in range(len(model.classes_))]
    ax.contourf(g0, g1, index, levels=np.arange(len(model.classes_) + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.25)
    labels = np.searchsorted(model.classes_, y)
    for i, cls in enumerate(model.classes_):
        mine = labels == i
        ax.scatter(X[mine, 0], X[mine, 1], color=colors[i], edgecolor="k", lw=0.4, s=22,
                   label=f"class {cls}")
    style.finish(ax, title, "feature 0", "feature 1")
    style.legend(ax, title="points: data\nshading: prediction",
                 title_fontsize=style.SIZES["legend"], loc="upper left",
                 bbox_to_anchor=(1.01, 1))
    return fig


def comparison(report, axes=None) -> Figure:
    """Every model in three panels that share its row: the score (accuracy, or R^2 for a
    ``RegressionComparison``; mean ± sd over the folds, on an axis zoomed to the scores),
    training time per fit with the training cost written beside it (circuit executions for
    the quantum models, FLOPs for the classical ones), and trained parameters.
    Rows are sorted by the score; quantum models in the quantum colour.

    ``axes``: three axes to draw into.

    Examples
    --------
    >>> from qml.compare import Comparison, ModelReport
    >>> rep = Comparison("d", 2, 0, ["x0"], [ModelReport("m", [0.9, 1.0], [0.9, 1.0], 3, 0.1,
    ...                                                  0.01, 10.0, "FLOP", "f")])
    >>> len(comparison(rep).axes)
    3
    """
    if axes is None:
        fig = style.figure(11, 0.45 * len(report.models) + 1.6)
        ax1, ax2, ax3 = fig.subplots(1, 3, sharey=True, width_ratios=[1.2, 1.5, 0.8])
    else:
        ax1, ax2, ax3 = axes
        fig = ax1.figure
    models = sorted(report.models, key=lambda m: m.score_mean)
    rows = np.arange(len(models))
    quantum = [m.name in ("vqc", "qsvc") or "circuit" in m.cost_unit for m in models]
    colors = [style.color("quantum") if q else style.color("classical") for q in quantum]
    means = np.array([m.score_mean for m in models])
    sds = np.array([m.score_sd for m in models])
    for r, mean, sd, col in zip(rows, means, sds, colors):
        ax1.errorbar(mean, r, xerr=sd, fmt="o", color=col, capsize=3, ms=6)
    score = getattr(report, "SCORE", "accuracy")
    if len(models):  # accuracy lies in [0, 1]; R^2 at most 1, and below 0 for a bad model
        lo = float((means - sds).min()) - 0.02
        ax1.set_xlim(max(0.0, lo) if score == "accuracy" else lo,
                     min(1.0, float((means + sds).max()) + 0.02))
    ax1.set_yticks(rows, [style.label(m.name) for m in models])
    style.finish(ax1, f"{report.dataset}: {score} ({report.folds}-fold mean ± sd)",
                 f"test {score} (axis zoomed to the scores)")
    seconds = [max(m.train_seconds, 1e-4) for m in models]
    ax2.scatter(seconds, rows, c=colors, s=36, zorder=3)
    for r, t, m in zip(rows, seconds, models):
        if m.training_cost is not None:
            ax2.annotate(f"{m.training_cost:.1e} {m.cost_unit.split(' (')[0]}", (t, r),
                         xytext=(6, -3), textcoords="offset points",
                         fontsize=style.SIZES["note"])
    ax2.set_xscale("log")
    if len(models):
        ax2.set_xlim(min(seconds) / 2, max(seconds) * 3000)
    style.finish(ax2, "training: time per fit, and its cost",
                 "seconds per fit (log); labels: the cost, FLOPs or circuits")
    params = [max(m.n_parameters, 1) for m in models]
    ax3.scatter(params, rows, c=colors, s=36, zorder=3)
    for r, n, m in zip(rows, params, models):
        ax3.annotate(f"{m.n_parameters:,}", (n, r), xytext=(6, -3), textcoords="offset points",
                     fontsize=style.SIZES["note"])
    ax3.set_xscale("log")
    if len(models):
        ax3.set_xlim(0.7, max(params) * 30)
    style.finish(ax3, "model size", "trained parameters (log)")
    for a in (ax1, ax2, ax3):
        a.grid(axis="x", alpha=0.3)
        a.set_ylim(-0.6, len(models) - 0.4)
    return fig


def importances(report, ax=None) -> Figure:
    """Every attribution method of every model, side by side, normalised to sum 1.

    Examples
    --------
    >>> from qml.compare import Comparison
    >>> rep = Comparison("d", 2, 0, ["a", "b"], [], {"m": {"permutation": [0.2, 0.1]}})
    >>> len(importances(rep).axes)
    1
    """
    items = [(f"{style.label(m)}\n{k}", np.abs(np.asarray(v)))
             for m, d in report.importances.items() for k, v in d.items()]
    fig, ax = figure_and_axes(ax, max(5, 1.1 * len(items) + 2), 4)
    n_feat = len(report.feature_names)
    width = 0.8 / max(n_feat, 1)
    for j, feat in enumerate(report.feature_names):
        vals = [v[j] / v.sum() if v.sum() > 0 else 0.0 for _, v in items]
        ax.bar(np.arange(len(items)) + j * width, vals, width, label=feat)
    ax.set_xticks(np.arange(len(items)) + 0.4 - width / 2, [k for k, _ in items],
                  fontsize=style.SIZES["note"])
    style.finish(ax, f"{report.dataset}: what each model relies on",
                 ylabel="share of importance")
    style.legend(ax, ncol=min(n_feat, 6), title="feature")
    return fig


def learning_curves(report, ax=None) -> Figure:
    """Test accuracy against training-set size for every model.

    Examples
    --------
    >>> from qml.compare import Comparison
    >>> rep = Comparison("d", 2, 0, [], [], {}, {}, {"sizes": [5, 10],
    ...                                             "accuracy": {"m": [0.6, 0.8]}})
    >>> learning_curves(rep).axes[0].get_xlabel()
    'training samples'
    """
    fig, ax = figure_and_axes(ax, 6, 4.2)
    sizes = np.asarray(report.learning_curve.get("sizes", []))
    sds = report.learning_curve.get("accuracy_sd", {})
    for i, (name, acc) in enumerate(report.learning_curve.get("accuracy", {}).items()):
        sd = sds.get(name)
        ax.errorbar(sizes, acc, yerr=sd, marker="o", ms=4, capsize=2,
                    lw=2 if name in ("vqc", "qsvc") else 1, color=style.color(name, i),
                    label=style.label(name))
    repeats = report.learning_curve.get("repeats")
    style.finish(ax, f"{report.dataset}: learning curves"
                 + (f" (mean ± sd over {repeats} splits)" if repeats else ""),
                 "training samples", "test accuracy")
    style.legend(ax, loc="lower right")
    ax.grid(alpha=0.3)
    return fig


def kernel_concentration(result, ax=None) -> Figure:
    """Variance of the off-diagonal kernel values against width, one line per bandwidth, on
    a log scale: a straight falling line is exponential concentration.

    Examples
    --------
    >>> from qml.models.kernel_metrics import KernelConcentration
    >>> c = KernelConcentration("zz", 2, [2, 4], [1.0], [[0.1, 0.01]], [[0.3, 0.1]], 10)
    >>> kernel_concentration(c).axes[0].get_yscale()
    'log'
    """
    fig, ax = figure_and_axes(ax)
    for b, (bw, var) in enumerate(zip(result.bandwidths, result.variance)):
        decay = result.decay_per_qubit[b]
        ax.semilogy(result.widths, var, marker="o", color=f"C{b}",
                    label=f"bandwidth {bw:g} (variance / {decay:.2g} per qubit)")
    ax.set_xlabel("qubits")
    ax.set_ylabel("variance of k(x, y), x != y")
    ax.set_title(f"Kernel concentration ({result.feature_map} map, reps "
                 f"{result.feature_map_reps})")
    ax.set_xticks(result.widths)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return fig


def kernel_matrix(K: np.ndarray, y, title: str = "Quantum kernel", ax=None) -> Figure:
    """The Gram matrix with samples ordered by class: a kernel that separates the classes
    shows bright diagonal blocks.

    Examples
    --------
    >>> kernel_matrix(np.eye(4), [1, 0, 1, 0]).axes[0].get_title()
    'Quantum kernel'
    """
    fig, ax = figure_and_axes(ax, 4.8, 4.2)
    order = np.argsort(np.asarray(y), kind="stable")
    image = ax.imshow(K[np.ix_(order, order)], vmin=0, vmax=1, cmap="viridis")
    bounds = np.flatnonzero(np.diff(np.asarray(y)[order])) + 0.5
    for b in bounds:
        ax.axhline(b, color="w", lw=0.8)
        ax.axvline(b, color="w", lw=0.8)
    ax.set_title(title)
    ax.set_xlabel("sample (ordered by class)")
    ax.set_ylabel("sample (ordered by class)")
    fig.colorbar(image, ax=ax, label="k(x, y)")
    return fig
