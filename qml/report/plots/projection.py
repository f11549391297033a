"""Figures of the projection: the QV records and fits, growth against classical compute, and
the verification frontier.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from qml.report import style
from qml.report.plots.common import figure_and_axes

__all__ = ["qv_projection", "growth_comparison", "verification_frontier"]

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

    fig, ax = figure_and_axes(ax, 8, 5.2, footnote_lines=3)
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
    fig, ax = figure_and_axes(ax, 9, 5, footnote_lines=2)
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

    fig, ax = figure_and_axes(ax, 8, 5, footnote_lines=2)
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
