"""Every figure qlimits draws, in one style. Plots take results; they never recompute them
beyond evaluating a fitted model on a grid. Single-panel figures draw into ``ax`` when given
(and return its figure); otherwise they make a new ``Figure``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from qml.errors import InvalidInputError
from qml.files import atomic_write
from qml.report import style
from qml.volume.analysis import HOP_THRESHOLD, IDEAL_HOP_LIMIT

__all__ = ["loss_curve", "decision_regions", "save_figure", "qv_trials", "qv_widths",
           "comparison", "importances", "learning_curves", "qv_projection",
           "growth_comparison", "verification_frontier", "kernel_concentration",
           "kernel_matrix", "layer_fidelity"]


def _figure(width: float = 5.5, height: float = 3.8, footnote_lines: int = 0
            ) -> tuple[Figure, object]:
    fig = style.figure(width, height, footnote_lines)
    return fig, fig.add_subplot()


def _axes(ax, width: float = 5.5, height: float = 3.8, footnote_lines: int = 0
          ) -> tuple[Figure, object]:
    """The given axes and their figure, or a new (style) figure's."""
    return _figure(width, height, footnote_lines) if ax is None else (ax.figure, ax)


def loss_curve(loss: np.ndarray, title: str = "VQC training loss", ax=None) -> Figure:
    """Training loss against iteration.

    Examples
    --------
    >>> fig = loss_curve(np.array([1.0, 0.5, 0.25]))
    >>> fig.axes[0].get_xlabel()
    'iteration'
    """
    fig, ax = _axes(ax)
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
    fig, ax = _axes(ax, 6.2, 4.2)
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


def save_figure(fig: Figure, path) -> Path:
    """Save a figure atomically (PNG at 150 dpi unless the suffix names another format) and
    return its path."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    return atomic_write(path, lambda f: fig.savefig(f, dpi=150, format=fmt))


def qv_trials(width_result, ax=None) -> Figure:
    """The standard QV plot of one width: each trial's HOP, the cumulative mean with its
    two-sigma band, and the 2/3 threshold.

    Examples
    --------
    >>> from qml.volume import WidthResult
    >>> fig = qv_trials(WidthResult.from_hops(3, np.linspace(0.7, 0.9, 100), shots=100))
    >>> fig.axes[0].get_ylabel()
    'heavy-output probability'
    """
    fig, ax = _axes(ax, 6, 4)
    hops = np.asarray(width_result.hops)
    k = np.arange(1, len(hops) + 1)
    mean = np.cumsum(hops) / k
    band = 2 * np.sqrt(mean * (1 - mean) / k)
    ax.scatter(k, hops, s=8, color="0.55", label="trial HOP")
    ax.plot(k, mean, color="C0", lw=1.5, label="cumulative mean")
    ax.fill_between(k, mean - band, mean + band, color="C0", alpha=0.2, label="±2σ")
    ax.axhline(HOP_THRESHOLD, color="C3", ls="--", lw=1, label="threshold 2/3")
    ax.set_xlabel("trial")
    ax.set_ylabel("heavy-output probability")
    ax.set_ylim(0.3, 1.0)
    ax.set_title(f"width {width_result.width}: {width_result.verdict}, "
                 f"mean HOP {width_result.mean_hop:.3f} ± {width_result.sigma:.3f}")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def qv_widths(result, ax=None) -> Figure:
    """Mean HOP against width, with two-sigma error bars and the 2/3 threshold.

    Examples
    --------
    >>> from qml.volume import QuantumVolumeResult, WidthResult
    >>> res = QuantumVolumeResult("aer", 0, 100, [WidthResult.from_hops(2, [0.8] * 100, 100)])
    >>> len(qv_widths(res).axes)
    1
    """
    fig, ax = _axes(ax, 6, 4.2)
    widths = [w.width for w in result.widths]
    for passed, marker, name in ((True, "o", "passes"), (False, "X", "fails")):
        mine = [w for w in result.widths if w.passed == passed]
        if mine:
            ax.errorbar([w.width for w in mine], [w.mean_hop for w in mine],
                        yerr=[2 * w.sigma for w in mine], fmt=marker, ms=7, capsize=3,
                        color=style.color("ideal" if passed else "threshold"),
                        label=f"mean HOP ± 2σ: {name}")
    ax.axhline(HOP_THRESHOLD, color=style.color("threshold"), ls="--", lw=1,
               label="pass threshold 2/3")
    ax.axhline(IDEAL_HOP_LIMIT, color="0.45", ls=":", lw=1.2,
               label=f"ideal HOP, large n: (1 + ln 2)/2 = {IDEAL_HOP_LIMIT:.3f}")
    ax.set_xticks(widths)
    ax.set_ylim(0.45, 0.95)
    style.finish(ax, f"{result.backend}: quantum volume {result.quantum_volume}",
                 "width n (= depth)", "mean heavy-output probability")
    ax.grid(alpha=0.25)
    style.legend(ax, loc="lower left")
    return fig


def comparison(report, axes=None) -> Figure:
    """Every model in three panels that share its row: accuracy (mean ± sd over the folds, on
    an axis zoomed to the scores), training time per fit with the training cost written beside
    it (circuit executions for the quantum models, FLOPs for the classical ones), and trained
    parameters. Rows are sorted by accuracy; quantum models in the quantum colour.

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
    models = sorted(report.models, key=lambda m: m.accuracy_mean)
    rows = np.arange(len(models))
    quantum = [m.name in ("vqc", "qsvc") or "circuit" in m.cost_unit for m in models]
    colors = [style.color("quantum") if q else style.color("classical") for q in quantum]
    means = np.array([m.accuracy_mean for m in models])
    sds = np.array([m.accuracy_sd for m in models])
    for r, mean, sd, col in zip(rows, means, sds, colors):
        ax1.errorbar(mean, r, xerr=sd, fmt="o", color=col, capsize=3, ms=6)
    lo = max(0.0, float((means - sds).min()) - 0.02) if len(models) else 0.0
    ax1.set_xlim(lo, min(1.0, float((means + sds).max()) + 0.02) if len(models) else 1.0)
    ax1.set_yticks(rows, [style.label(m.name) for m in models])
    style.finish(ax1, f"{report.dataset}: accuracy ({report.folds}-fold mean ± sd)",
                 "test accuracy (axis zoomed to the scores)")
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
    fig, ax = _axes(ax, max(5, 1.1 * len(items) + 2), 4)
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
    fig, ax = _axes(ax, 6, 4.2)
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


_SOURCES = ("Sources: qml/data/*.csv (one URL per value); QV records from vendor announcements and "
            "the Quantinuum QV repository; TOP500 lists; Amodei & Hernandez 2018; Sevilla et al. "
            "2022; Epoch AI 2024.")


def _short(text: str | None) -> str:
    return "" if not text else text.split(" (")[0]


def qv_projection(projection, ax=None) -> Figure:
    """QV records (log2 scale) per vendor with the fitted trends and their 95% prediction
    bands: solid up to each line's last record, dashed where it is extrapolated. Each vendor's
    last reported QV is ringed and labelled with what it reports now; diamonds are the QV that
    the best published two-qubit errors imply (``qml.volume.prediction.implied_log2_qv``;
    filled: a whole device, hollow: the best pair of a test device).

    Examples
    --------
    >>> from qml.projection import project
    >>> len(qv_projection(project(2030)).axes)
    1
    """
    from qml.projection import hardware_line, line_of_fit

    fig, ax = _axes(ax, 8, 5.2, footnote_lines=3)
    rows = projection.records
    lines = sorted({hardware_line(r["vendor"]) for r in rows}
                   | {r["vendor"] for r in projection.two_qubit_errors})
    colors = {v: style.color(v, i) for i, v in enumerate(lines)}
    for vendor in lines:
        pts = [r for r in rows if hardware_line(r["vendor"]) == vendor]
        conf = [r for r in pts if r["status"] == "confirmed"]
        claimed = [r for r in pts if r["status"] != "confirmed"]
        ax.scatter([r["year"] for r in conf], [r["log2_qv"] for r in conf], s=22,
                   color=colors[vendor], label=f"{vendor} QV" if conf else None, zorder=3)
        if claimed:
            ax.scatter([r["year"] for r in claimed], [r["log2_qv"] for r in claimed], s=30,
                       facecolors="none", edgecolors=colors[vendor], zorder=3,
                       label=None if conf else f"{vendor} QV (claimed)")
    top = max(r["log2_qv"] for r in rows) + 8
    for fit in projection.qv_fits:
        vendor = line_of_fit(fit.key, lines)
        col = colors.get(vendor, style.color(fit.key))
        first = fit.x_mean - np.sqrt(fit.sxx / fit.n) * 1.8
        last = fit.last_year if fit.last_year is not None else first
        ls = ":" if fit.key.endswith("_quantinuum") else "-"
        known = np.linspace(first, last, 50)
        ahead = np.linspace(last, projection.until, 50)
        if fit.kind == "implied_quantum_volume":  # a fit of the diamonds: no band
            ax.plot(np.linspace(first, projection.until, 50),
                    fit.predict(np.linspace(first, projection.until, 50)),
                    color=col, lw=1.0, ls="-.",
                    label=f"{vendor}: QV implied by 2q errors, fit: x{fit.growth_per_year:.1f}/yr")
            continue
        ax.plot(known, fit.predict(known), color=col, lw=1.4, ls=ls,
                label=f"{style.label(fit.key)} fit: x{fit.growth_per_year:.1f}/yr")
        ax.plot(ahead, fit.predict(ahead), color=col, lw=1.2, ls="--")
        lo, hi = fit.prediction_band(ahead)
        ax.fill_between(ahead, lo, hi, color=col, alpha=0.08, lw=0)
        top = max(top, float(fit.predict(projection.until)) + 4)
    top = min(top, 60)
    for v in projection.vendors:
        if v["last_year"] is None:
            continue
        ax.scatter([v["last_year"]], [v["last_log2_qv"]], s=110, facecolors="none",
                   edgecolors=colors.get(v["vendor"], "k"), lw=1.3, zorder=4)
        now = _short(v["reports_instead"])
        text = f"{v['vendor'].split(' (')[0]}: last QV {v['last_date']}"
        if now and not now.startswith("QV"):
            text += f"\nnow reports {now}"
        ax.annotate(text, (v["last_year"], v["last_log2_qv"]), xytext=(9, 0),
                    textcoords="offset points", fontsize=style.SIZES["note"], va="center",
                    color=colors.get(v["vendor"], "k"))
    for r in projection.two_qubit_errors:
        pair = r["scope"] == "pair"
        y = min(r["implied_log2_qv"], top - 1)
        col = colors.get(r["vendor"], "k")
        ax.scatter([r["year"]], [y], marker="D", s=26, zorder=3, alpha=0.85, edgecolors=col,
                   facecolors="none" if pair else col)
        if r["implied_log2_qv"] > y:
            ax.annotate(f"{r['implied_log2_qv']}", (r["year"], y), xytext=(4, -3),
                        textcoords="offset points", fontsize=style.SIZES["note"])
    if projection.two_qubit_errors:  # neutral legend entries for the two kinds of diamond
        ax.scatter([], [], marker="D", s=26, color="0.4", label="implied by 2q error: device")
        ax.scatter([], [], marker="D", s=26, facecolors="none", edgecolors="0.4",
                   label="implied by 2q error: best pair")
    if any(v["last_year"] is not None for v in projection.vendors):
        ax.text(projection.until, 1, "dashed: extrapolated", ha="right", va="bottom",
                fontsize=style.SIZES["note"], color="0.35")
    ax.set_ylim(0, top)
    style.year_axis(ax)
    style.finish(ax, "Quantum volume: records, fits, and what two-qubit errors imply",
                 ylabel="log2 quantum volume (= qubits n)")
    ax.grid(alpha=0.25)
    style.legend(ax, loc="upper left", ncol=2)
    style.footnote(fig, "Hollow circles: claimed, not fitted. Rings: each vendor's last QV. "
                   "Diamonds: QV the two-qubit error alone implies (all-to-all, no routing: an "
                   "upper bound; capped at the device's qubits). " + _SOURCES)
    return fig


def growth_comparison(projection, start_year: float = 2020.0, until: int | None = None,
                      ax=None) -> Figure:
    """Every series as a growth factor since a common year, on one log axis, to ``until``
    (default: the projection's horizon). Quantum volume solid, classical dashed, scenarios
    dotted.

    Examples
    --------
    >>> from qml.projection import project
    >>> len(growth_comparison(project(2030)).axes)
    1
    """
    fig, ax = _axes(ax, 9, 5, footnote_lines=2)
    years = np.linspace(start_year, projection.until if until is None else until, 50)
    for i, s in enumerate(projection.series):
        quantum = s["kind"] == "quantum_volume"
        ax.plot(years, (years - start_year) * 12 / s["doubling_time_months"],
                ls=(":" if s["key"].endswith("_quantinuum") else "-") if quantum else "--",
                lw=1.8 if quantum else 1.2,
                color=style.color(s["key"], i),
                label=f"{style.label(s['key'])} ({s['doubling_time_months']:.1f} mo)")
    for i, s in enumerate(projection.scenarios):
        ax.plot(years, (years - start_year) * 12 / s["doubling_time_months"], ls=(0, (1, 1)),
                lw=2.2, color=("#F0A800", "#555555")[i % 2], label=s["name"])
    style.year_axis(ax)
    style.finish(ax, "Growth rates on one footing (doubling time in brackets)",
                 ylabel=f"doublings since {start_year:g} (log2 growth)")
    ax.grid(alpha=0.25)
    style.legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7.5)
    style.footnote(fig, "Solid: quantum volume fits; dashed: classical series and published "
                   "trends; dotted: announced scenarios. " + _SOURCES)
    return fig


def verification_frontier(projection, until: int = 2045, machine=None, ax=None) -> Figure:
    """Effective qubits n = log2 QV of the QV fits against the classical verification
    frontiers, with the record frontier's crossover years marked (and this machine, from a
    ``VerificationCost``, if given).

    Examples
    --------
    >>> from qml.projection import project
    >>> len(verification_frontier(project(2040)).axes)
    1
    """
    from qml.projection import QV_FRONTIER

    fig, ax = _axes(ax, 8, 5, footnote_lines=2)
    years = np.linspace(2017, until, 100)
    for i, fit in enumerate(projection.qv_fits):
        ax.plot(years, fit.predict(years), lw=1.8 if fit.key == QV_FRONTIER else 1.2,
                color=style.color(fit.key, i), ls=":" if fit.key.endswith("_quantinuum") else "-",
                label=f"{style.label(fit.key)} (n = log2 QV)")
    for frontier in projection.frontiers:
        ax.plot(years, frontier.qubits(years), ls="--", lw=1.4, color=style.color(frontier.key),
                label=f"classical: {style.label(frontier.key)}")
    for c in projection.crossovers:
        if c["qv_key"] == QV_FRONTIER and c["year"] < until:
            ax.axvline(c["year"], color="#D55E00", lw=0.9, alpha=0.7)
            ax.axvspan(*c["interval"], color="#D55E00", alpha=0.07)
    if machine is not None:
        ax.scatter([machine.year], [machine.machine_max_width], marker="*", s=140,
                   color="#CC79A7", zorder=5, label="this machine (memory limit)")
    ax.set_ylim(0, 80)
    style.year_axis(ax)
    style.finish(ax, "When QV outgrows classical verification",
                 ylabel="qubits (n = log2 QV; simulable qubits)")
    ax.grid(alpha=0.25)
    style.legend(ax, loc="upper left")
    style.footnote(fig, "Vertical lines: the record frontier's crossover years, shaded: their "
                   "95% intervals. " + _SOURCES)
    return fig


def kernel_concentration(result, ax=None) -> Figure:
    """Variance of the off-diagonal kernel values against width, one line per bandwidth, on
    a log scale: a straight falling line is exponential concentration.

    Examples
    --------
    >>> from qml.models.quantum_kernel import KernelConcentration
    >>> c = KernelConcentration("zz", 2, [2, 4], [1.0], [[0.1, 0.01]], [[0.3, 0.1]], 10)
    >>> kernel_concentration(c).axes[0].get_yscale()
    'log'
    """
    fig, ax = _axes(ax)
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
    fig, ax = _axes(ax, 4.8, 4.2)
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


def layer_fidelity(result, ax=None) -> Figure:
    """Process infidelity of every link of a layer-fidelity chain, with its standard error,
    beside the measured EPLG (and the EPLG the reported two-qubit errors alone imply).

    Examples
    --------
    >>> from qml.layer_fidelity import LayerFidelityResult
    >>> res = LayerFidelityResult("aer:x", [0, 1, 2], [[[0, 1]], [[1, 2]]], [2, 4, 8], 3, 100,
    ...                           0, 0.97, 0.01, 0.015, 0.005,
    ...                           [{"qubits": [0, 1], "process_fidelity": 0.99, "stderr": 0.002,
    ...                             "quality": "good"},
    ...                            {"qubits": [1, 2], "process_fidelity": 0.98, "stderr": 0.003,
    ...                             "quality": "good"}], 0.012)
    >>> layer_fidelity(res).axes[0].get_ylabel()
    'process infidelity'
    """
    fig, ax = _axes(ax, width=max(4.5, 0.5 * len(result.pairs) + 3))
    labels = [f"{a}-{b}" for a, b in (p["qubits"] for p in result.pairs)]
    infidelity = [1 - p["process_fidelity"] for p in result.pairs]
    errors = [p["stderr"] or 0.0 for p in result.pairs]
    x = np.arange(len(labels))
    ax.bar(x, infidelity, yerr=errors, color="C0", alpha=0.8, capsize=3,
           label="link (direct RB in its layer)")
    eplg_text = (f"EPLG {result.eplg:.4f}" if result.eplg_stderr is None
                 else f"EPLG {result.eplg:.4f} ± {result.eplg_stderr:.4f}")
    ax.axhline(result.eplg, color="C3", lw=1.5, label=eplg_text)
    if result.expected_eplg is not None:
        ax.axhline(result.expected_eplg, color="0.4", lw=1.2, ls="--",
                   label=f"from reported 2q errors {result.expected_eplg:.4f}")
    ax.set_xticks(x, labels)
    ax.set_xlabel("link (physical qubits)")
    ax.set_ylabel("process infidelity")
    ax.set_title(f"Layer fidelity {result.layer_fidelity:.3f} on {len(result.chain)} qubits, "
                 f"{result.backend}")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    return fig
