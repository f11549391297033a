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
        fig = style.figure(11, 0.45 * len(report.models) + 2.2, footnote_lines=2)
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
    style.finish(ax1, f"{style.dataset_label(report.dataset)}: {score} "
                      f"({report.folds}-fold mean ± sd)",
                 f"test {score} (axis zoomed to the scores)")
    seconds = [max(m.train_seconds, 1e-4) for m in models]
    ax2.scatter(seconds, rows, c=colors, s=36, zorder=3)
    for r, t, m in zip(rows, seconds, models):
        if m.training_cost is not None:
            ax2.annotate(_cost_text(m), (t, r), xytext=(6, -3), textcoords="offset points",
                         fontsize=style.SIZES["note"])
    ax2.set_xscale("log")
    if len(models):  # room on the right for the cost labels: about two decades
        ax2.set_xlim(min(seconds) / 2, max(seconds) * 10 ** max(2.0, 0.35 * np.log10(
            max(seconds) / min(seconds)) + 1.5))
    style.finish(ax2, "training time per fit, and its cost",
                 "seconds per fit (log)")
    params = [max(m.n_parameters, 1) for m in models]
    ax3.scatter(params, rows, c=colors, s=36, zorder=3)
    for r, n, m in zip(rows, params, models):
        ax3.annotate(f"{m.n_parameters:,}", (n, r), xytext=(6, -3), textcoords="offset points",
                     fontsize=style.SIZES["note"])
    ax3.set_xscale("log")
    if len(models):
        ax3.set_xlim(min(params) / 2, max(params) * 30)
    style.finish(ax3, "fitted numbers", "numbers a fit learns (log)")
    for a in (ax1, ax2, ax3):
        a.grid(axis="x", alpha=0.3)
        a.set_ylim(-0.6, len(models) - 0.4)
    if axes is None:
        for kind in ("quantum", "classical"):
            if kind in ["quantum" if q else "classical" for q in quantum]:
                ax1.plot([], [], ls="none", marker="o", color=style.color(kind),
                         label=f"{kind} model")
        fig.legend(*ax1.get_legend_handles_labels(), loc="outside upper right", ncol=2,
                   fontsize=style.SIZES["legend"], frameon=False)
        style.footnote(fig, "Cost: FLOPs (classical, estimated from each model's formula) and "
                       "circuit executions (quantum) are different units; compare within a "
                       "kind. Fitted numbers: weights (VQC, logistic regression, network); "
                       "support vectors plus dual coefficients (SVM, QSVC); tree nodes (trees, "
                       "forests).")
    return fig


def _cost_text(model) -> str:
    unit = model.cost_unit.split(" (")[0]
    if "circuit" in unit:
        return f"{model.training_cost:,.0f} {unit}"
    return f"{model.training_cost:.1e} {unit}".replace("e+0", "e").replace("e+", "e")


_FEATURE_COLORS = ["#0072B2", "#E69F00", "#56B4E9", "#CC79A7", "#009E73", "#882255",
                   "#999933"]  # colour-blind-safe, no red against green
_MAX_FEATURES = len(_FEATURE_COLORS)


def importances(report, ax=None) -> Figure:
    """What each model relies on: for every model and attribution method, one bar split into
    each feature's share of the importance (absolute values, normalised to sum 1). With more
    than seven features, the seven with the largest mean share are shown and the rest are
    pooled as "other features".

    Examples
    --------
    >>> from qml.compare import Comparison
    >>> rep = Comparison("d", 2, 0, ["a", "b"], [], {"m": {"permutation": [0.2, 0.1]}})
    >>> len(importances(rep).axes)
    1
    """
    items = [(f"{style.label(m)}: {style.label(k)}", np.abs(np.asarray(v, dtype=float)))
             for m, d in report.importances.items() for k, v in d.items()]
    shares = np.array([v / v.sum() if v.sum() > 0 else np.zeros_like(v) for _, v in items])
    names = list(report.feature_names)
    shares = shares.reshape(len(items), len(names))
    order = np.argsort(-shares.mean(axis=0), kind="stable") if len(items) else np.arange(0)
    shown = sorted(order[:_MAX_FEATURES])
    fig, ax = figure_and_axes(ax, 8.5, 0.32 * len(items) + 1.9)
    rows = np.arange(len(items))[::-1]
    left = np.zeros(len(items))
    columns = [(names[j], shares[:, j], _FEATURE_COLORS[i]) for i, j in enumerate(shown)]
    if len(names) > len(shown):
        rest = shares.sum(axis=1) - shares[:, shown].sum(axis=1)
        columns.append((f"other {len(names) - len(shown)} features", rest, style.KEY_GREY))
    for name, width, color in columns:
        ax.barh(rows, width, left=left, height=0.7, color=color, label=name)
        left += width
    ax.set_yticks(rows, [k for k, _ in items])
    ax.set_xlim(0, 1)
    style.finish(ax, f"{style.dataset_label(report.dataset)}: what each model relies on",
                 "share of importance (each bar sums to 1)")
    style.legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1), title="feature",
                 title_fontsize=style.SIZES["legend"])
    return fig


def learning_curves(report, axes=None) -> Figure:
    """Test accuracy against training-set size, one small panel per model on a shared axis,
    each with its spread over the repeated splits (mean ± sd, shaded) and the chance level
    (the accuracy of always predicting the largest class) where the report records it.

    ``axes``: one axes per model to draw into.

    Examples
    --------
    >>> from qml.compare import Comparison
    >>> rep = Comparison("d", 2, 0, [], [], {}, {}, {"sizes": [5, 10],
    ...                                             "accuracy": {"m": [0.6, 0.8]}})
    >>> learning_curves(rep).axes[0].get_xlabel()
    'training samples'
    """
    curves = report.learning_curve.get("accuracy", {})
    sizes = np.asarray(report.learning_curve.get("sizes", []))
    sds = report.learning_curve.get("accuracy_sd", {})
    n = max(len(curves), 1)
    cols = min(n, 4)
    if axes is None:
        fig = style.figure(2.3 * cols + 0.6, 2.1 * int(np.ceil(n / cols)) + 0.9)
        grid = np.atleast_1d(fig.subplots(int(np.ceil(n / cols)), cols, sharex=True,
                                          sharey=True, squeeze=False)).ravel()
    else:
        grid = np.atleast_1d(axes).ravel()
        fig = grid[0].figure
    chance = report.learning_curve.get("chance")
    low = min([float(np.min(np.asarray(a) - np.asarray(sds.get(k, 0.0))))
               for k, a in curves.items()] + [1.0])
    for i, (ax, (name, acc)) in enumerate(zip(grid, curves.items())):
        acc = np.asarray(acc, dtype=float)
        col = style.color(name, i)
        ax.plot(sizes, acc, marker="o", ms=3.5, lw=1.6, color=col)
        if name in sds:
            sd = np.asarray(sds[name], dtype=float)
            ax.fill_between(sizes, np.clip(acc - sd, 0, 1), np.clip(acc + sd, 0, 1), color=col,
                            alpha=0.18, lw=0)
        if chance is not None:
            ax.axhline(chance, color=style.KEY_GREY, ls=":", lw=1)
        ax.set_title(style.label(name), fontsize=style.SIZES["label"], color=col)
        if axes is None and i + cols >= len(curves):  # no panel below: label the axis
            ax.xaxis.set_tick_params(labelbottom=True)
            ax.set_xlabel("training samples", fontsize=style.SIZES["label"])
        if axes is None and i % cols == 0:
            ax.set_ylabel("test accuracy", fontsize=style.SIZES["label"])
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=style.SIZES["tick"])
    for ax in grid[len(curves):]:
        ax.set_visible(False)
    bottom = min(low, chance if chance is not None else low) - 0.05
    grid[0].set_ylim(max(0.0, bottom), 1.02)
    repeats = report.learning_curve.get("repeats")
    fig.suptitle(f"{style.dataset_label(report.dataset)}: learning curves"
                 + (f" (mean ± sd over {repeats} splits, shaded)" if repeats and repeats > 1
                    else " (one split)" if repeats == 1 else ""),
                 fontsize=style.SIZES["title"])
    if chance is not None:
        grid[0].plot([], [], color=style.KEY_GREY, ls=":", lw=1,
                     label=f"chance: always the largest class ({chance:.2f})")
        fig.legend(*grid[0].get_legend_handles_labels(), loc="outside lower center",
                   fontsize=style.SIZES["legend"], frameon=False)
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
