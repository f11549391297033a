"""Figures of the projection: the QV records and fits, growth against classical compute, and
the verification frontier.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from qml.report import style
from qml.report.plots.common import figure_and_axes

__all__ = ["qv_projection", "growth_comparison", "verification_frontier"]

_QV_SOURCES = ("Sources: qml/data/qv_records.csv, two_qubit_errors.csv, vendor_metrics.csv "
               "(one URL per row): vendor announcements, the Quantinuum QV repository, "
               "quantumbenchmarkzoo.org.")
_TREND_SOURCES = ("Sources: qml/data/*.csv (one URL per row): QV records as in the records "
                  "figure; TOP500 lists; Amodei & Hernandez 2018; Sevilla et al. 2022; Epoch AI "
                  "2024.")
_FRONTIER_SOURCES = ("Sources: qml/data/qv_records.csv and classical.csv (one URL per row): QV "
                     "records; largest state-vector simulations; TOP500 #1 memory.")


def _short(text: str | None) -> str:
    return "" if not text else text.split(" (")[0].split(",")[0]


def _key(ax, label: str, **kwargs) -> None:
    """A legend entry for a mark or a style (drawn nowhere)."""
    kwargs.setdefault("color", style.KEY_GREY)
    ax.plot([], [], label=label, **kwargs)


def _vendor_entry(vendor: str, info: dict | None, claims: list[dict]) -> str:
    """A vendor's legend entry: its last confirmed QV, a newer claim, what it reports now."""
    name = vendor.split(" (")[0]
    last = None if info is None else info["last_year"]
    newer = [r for r in claims if last is None or r["year"] > last]
    if last is None:
        now = _short(info["reports_instead"]) if info else ""
        text = f"{name}: no confirmed QV" + (f"; reports {now}" if now else "")
    else:
        text = f"{name}: last confirmed QV {info['last_date']}"
        now = _short(info["reports_instead"])
        if now and not now.startswith("QV"):
            text += f"; now reports {now}"
    if newer and last is not None:
        best = max(newer, key=lambda r: r["log2_qv"])
        text += f"\n  claimed since: 2^{best['log2_qv']} ({best['date']}, unconfirmed)"
    return text


def qv_projection(projection, ax=None) -> Figure:
    """QV records (log2 scale) per vendor with the fitted trends and their 95% prediction
    bands: solid up to each line's last record, dashed where it is extrapolated. Each vendor's
    last reported QV is ringed, and its legend entry says what it reports now; diamonds are
    the QV that the best published two-qubit errors imply
    (``qml.volume.prediction.implied_log2_qv``; filled: a whole device, hollow: the best pair
    of a two-qubit test system). The key sits beside the axes, never on the data.

    Examples
    --------
    >>> from qml.projection import project
    >>> len(qv_projection(project(2030)).axes)
    1
    """
    from qml.projection import hardware_line, line_of_fit

    fig, ax = figure_and_axes(ax, 11, 5.6, footnote_lines=3)
    rows = projection.records
    lines = sorted({hardware_line(r["vendor"]) for r in rows}
                   | {r["vendor"] for r in projection.two_qubit_errors})
    colors = {v: style.color(v, i) for i, v in enumerate(lines)}
    info = {v["vendor"]: v for v in projection.vendors}
    for vendor in lines:  # colour keys first: one entry per vendor
        claims = [r for r in rows if hardware_line(r["vendor"]) == vendor
                  and r["status"] != "confirmed"]
        ax.plot([], [], ls="none", marker="s", ms=7, color=colors[vendor],
                label=_vendor_entry(vendor, info.get(vendor), claims))
    for vendor in lines:
        pts = [r for r in rows if hardware_line(r["vendor"]) == vendor]
        conf = [r for r in pts if r["status"] == "confirmed"]
        claimed = [r for r in pts if r["status"] != "confirmed"]
        ax.scatter([r["year"] for r in conf], [r["log2_qv"] for r in conf], s=22,
                   color=colors[vendor], zorder=3)
        ax.scatter([r["year"] for r in claimed], [r["log2_qv"] for r in claimed], s=30,
                   facecolors="none", edgecolors=colors[vendor], zorder=3)
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
            span = np.linspace(first, projection.until, 50)
            ax.plot(span, fit.predict(span), color=col, lw=1.0, ls="-.",
                    label=f"{style.label(fit.key)}, fit: x{fit.growth_per_year:.1f}/yr")
            continue
        ax.plot(known, fit.predict(known), color=col, lw=1.4, ls=ls,
                label=f"{style.label(fit.key)} fit: x{fit.growth_per_year:.1f}/yr")
        ax.plot(ahead, fit.predict(ahead), color=col, lw=1.2, ls="--")
        lo, hi = fit.prediction_band(ahead)
        ax.fill_between(ahead, lo, hi, color=col, alpha=0.08, lw=0)
        top = max(top, float(fit.predict(projection.until)) + 4)
    for v in projection.vendors:
        if v["last_year"] is not None:
            ax.scatter([v["last_year"]], [v["last_log2_qv"]], s=110, facecolors="none",
                       edgecolors=colors.get(v["vendor"], "k"), lw=1.3, zorder=4)
    for r in projection.two_qubit_errors:
        col = colors.get(r["vendor"], "k")
        ax.scatter([r["year"]], [r["implied_log2_qv"]], marker="D", s=26, zorder=3,
                   alpha=0.85, edgecolors=col,
                   facecolors="none" if r["scope"] == "pair" else col)
        top = max(top, r["implied_log2_qv"] + 3)
    _key(ax, "QV result, confirmed (fitted)", ls="none", marker="o", ms=5)
    _key(ax, "QV claimed (not fitted)", ls="none", marker="o", ms=5, mfc="none")
    _key(ax, "ring: each vendor's last QV", ls="none", marker="o", ms=10, mfc="none")
    if projection.two_qubit_errors:
        _key(ax, "QV a device's 2q error implies", ls="none", marker="D", ms=5)
        _key(ax, "QV a best pair's 2q error implies", ls="none", marker="D", ms=5, mfc="none")
    _key(ax, "dashed: extrapolated", ls="--")
    ax.fill_between([], [], [], color=style.KEY_GREY, alpha=0.2, lw=0,
                    label="shaded: 95% prediction band")
    ax.set_ylim(0, top)
    style.year_axis(ax)
    style.finish(ax, "Quantum volume: records, fits, and what two-qubit errors imply",
                 ylabel="log2 quantum volume (= qubits n)")
    ax.grid(alpha=0.25)
    style.legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1))
    style.footnote(fig, "Diamonds: the QV a two-qubit error alone implies (all-to-all, no "
                   "routing: an upper bound). Filled: a device's median error, capped at its "
                   "qubit count; hollow: the best pair of a two-qubit test system, not capped "
                   "(no device of that size exists). " + _QV_SOURCES)
    return fig


def growth_comparison(projection, ax=None) -> Figure:
    """Every growth rate on one footing: the doubling time of each QV fit, classical series,
    published trend and announced target, in months on a log axis, with its 95% interval
    (or the published range) where there is one. Rows are grouped by kind and sorted by
    speed; each row's label is in its series' colour.

    Examples
    --------
    >>> from qml.projection import project
    >>> len(growth_comparison(project(2030)).axes)
    1
    """
    fig, ax = figure_and_axes(ax, 9, 5.4, footnote_lines=2)
    kinds = {"quantum_volume": "QV fit", "implied_quantum_volume": "QV fit"}
    rows = []  # (group, label, months, interval, colour, marker, filled)
    for s in projection.series:
        group = kinds.get(s["kind"], "classical fit" if s["source"] == "fit"
                          else "published trend")
        rows.append((group, style.label(s["key"]), s["doubling_time_months"],
                     s.get("doubling_time_months_interval") or [None, None],
                     style.color(s["key"]), True))
    for s in projection.scenarios:
        rows.append(("announced target", s["name"], s["doubling_time_months"], [None, None],
                     style.KEY_GREY, False))
    order = ["QV fit", "classical fit", "published trend", "announced target"]
    markers = {"QV fit": "o", "classical fit": "s", "published trend": "^",
               "announced target": "P"}
    rows.sort(key=lambda r: (order.index(r[0]), r[2]))
    finite = [v for r in rows for v in (r[2], *r[3]) if v is not None and np.isfinite(v)]
    lo_x, hi_x = 2.0, max(60.0, 1.5 * max(finite, default=1.0))  # only open intervals reach it
    y = np.arange(len(rows))[::-1]
    for yi, (group, _, months, (lo, hi), col, filled) in zip(y, rows):
        if lo is not None and hi is not None:
            ax.plot([max(lo, lo_x), min(hi, hi_x)], [yi, yi], color=col, lw=1.6,
                    solid_capstyle="butt")
        ax.plot([months], [yi], ls="none", marker=markers[group], ms=7, color=col,
                mfc=col if filled else "none")
    ax.set_yticks(y, [r[1] for r in rows])
    for tick, row in zip(ax.get_yticklabels(), rows):
        tick.set_color(row[4])
    for group in order:
        if any(r[0] == group for r in rows):
            _key(ax, group, ls="none", marker=markers[group], ms=6,
                 mfc="none" if group == "announced target" else style.KEY_GREY)
    _key(ax, "95% interval or published range", lw=1.6)
    ax.set_xscale("log")
    ax.set_xlim(lo_x, hi_x)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ticks = [2, 3, 6, 12, 24, 48]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.grid(axis="x", alpha=0.25)
    style.finish(ax, "Growth rates on one footing: doubling time (shorter is faster)",
                 xlabel="doubling time (months, log scale)")
    style.legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1))
    style.footnote(fig, "An interval running to the right edge is open: the data do not bound "
                   "it. Labels in a series' colour; announced targets in grey. "
                   + _TREND_SOURCES)
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

    fig, ax = figure_and_axes(ax, 10, 5, footnote_lines=2)
    years = np.linspace(2017, until, 100)
    for i, fit in enumerate(projection.qv_fits):
        ax.plot(years, fit.predict(years), lw=1.8 if fit.key == QV_FRONTIER else 1.2,
                color=style.color(fit.key, i),
                ls={"qv_quantinuum": ":", "qv_implied_ibm": "-."}.get(fit.key, "-"),
                label=style.label(fit.key))
    for frontier in projection.frontiers:
        ax.plot(years, frontier.qubits(years), ls="--", lw=1.4, color=style.color(frontier.key),
                label=f"classical: {style.label(frontier.key)}")
    crossings = [c for c in projection.crossovers
                 if c["qv_key"] == QV_FRONTIER and c["year"] < until]
    for c in crossings:
        ax.axvline(c["year"], color=style.color(QV_FRONTIER), lw=0.9, ls=(0, (4, 2)))
        ax.axvspan(*c["interval"], color=style.color(QV_FRONTIER), alpha=0.06, lw=0)
    if crossings:
        text = "".join(f"\n  {c['frontier']}: {c['year']:.0f} "
                       f"({c['interval'][0]:.0f}-{c['interval'][1]:.0f})" for c in crossings)
        ax.plot([], [], color=style.color(QV_FRONTIER), lw=0.9, ls=(0, (4, 2)),
                label="QV record frontier crosses (95% interval shaded):" + text)
    if machine is not None:
        ax.scatter([machine.year], [machine.machine_max_width], marker="*", s=140,
                   color=style.KEY_GREY, zorder=5, label="this machine (memory limit)")
    ax.set_ylim(0, 80)
    style.year_axis(ax)
    style.finish(ax, "When QV outgrows classical verification",
                 ylabel="qubits: n = log2 QV, or the largest simulable")
    ax.grid(alpha=0.25)
    style.legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1))
    style.footnote(fig, "A QV line above a classical line: a QV test at that width can no "
                   "longer be checked by simulating its circuits. " + _FRONTIER_SOURCES)
    return fig
