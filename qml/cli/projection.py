"""``qlimits qv project``: QV growth against classical compute."""

from __future__ import annotations

import logging
from pathlib import Path

from qml.cli.common import int_at_least, output_folder, positive_float, save_figure, table

__all__ = ["projection_figures", "cmd_qv_project", "series_name", "add_parser"]

logger = logging.getLogger(__name__)


def projection_figures(args, projection, out: Path, machine=None) -> None:
    """Write the projection's three figures (records, growth, verification frontier) to ``out``."""
    from qml.report import plots

    save_figure(args, plots.qv_projection(projection), out / "qv_records.png")
    save_figure(args, plots.growth_comparison(projection), out / "growth.png")
    frontier = plots.verification_frontier(projection, max(projection.until, 2045), machine)
    save_figure(args, frontier, out / "verification_frontier.png")


def _fmt_interval(pair, fmt="{:.1f}"):
    if not pair or None in pair:
        return ""
    return "[" + ", ".join("inf" if v == float("inf") else fmt.format(v) for v in pair) + "]"


def cmd_qv_project(args) -> int:
    """``qlimits qv project``: fit QV growth, compare it with classical trends, write the
    figures."""
    from qml.projection import project

    out = output_folder(args.out)
    projection = project(until=args.until, vendor=args.vendor, data=args.data,
                         start_year=args.start_year, multiple=args.multiple)
    projection.save(out / "projection.json")
    rows = [(series_name(s), f"{s['growth_per_year']:.2f}x",
             f"{s['doubling_time_months']:.1f}", _fmt_interval(s["doubling_time_months_interval"]),
             "" if not s.get("last_data_year") else f"{s['last_data_year']:.1f}",
             "" if "value_at_horizon" not in s else
             f"{s['value_at_horizon']:.1f} {s['unit']}"
             + (" (extrapolated)" if s.get("last_data_year") else ""),
             f"{s['year_of_multiple']:.0f}")
            for s in projection.series]
    rows += [(s["name"], f"{s['growth_per_year']:.2f}x", f"{s['doubling_time_months']:.1f}",
              "scenario", "", "", f"{s['year_of_multiple']:.0f}") for s in projection.scenarios]
    print(table(rows, ("series", "growth/yr", "doubling (months)", "95% interval",
                        "last data", f"value in {args.until}",
                        f"{args.multiple:.0e}x from {args.start_year:g}")))
    print()
    print(_vendor_table(projection))
    if projection.two_qubit_errors:
        print()
        print(_implied_table(projection))
    print()
    print(table([(c["qv_series"], c["frontier"], f"{c['year']:.1f}",
                   _fmt_interval(c["interval"])) for c in projection.crossovers],
                 ("QV series", "classical frontier", "crossover year", "95% interval")))
    projection_figures(args, projection, out)
    print(f"\nwrote {out / 'projection.json'} and qv_records.png, growth.png, "
          "verification_frontier.png")
    return 0


def series_name(series: dict) -> str:
    """A series' display name (published trends carry only their data key)."""
    from qml.report.style import label

    return label(series["key"]) if series["name"] == series["key"] else series["name"]


def _vendor_table(projection) -> str:
    """Each vendor's last confirmed QV and what it reports instead."""
    return table([(v["vendor"], v["last_date"] or "none confirmed",
                    "" if v["last_log2_qv"] is None else f"2^{v['last_log2_qv']}",
                    v["reports_instead"] or "(not found)", v["since"] or "")
                   for v in projection.vendors],
                  ("vendor", "last QV", "QV", "reports instead / beside", "since"))


def _implied_table(projection) -> str:
    """Best published two-qubit errors and the QV each implies."""
    return table([(r["date"], r["vendor"], r["system"].split(" (")[0],
                    f"{r['two_qubit_error']:.2g}", f"{r['statistic']}, {r['scope']}",
                    f"2^{r['implied_log2_qv']}", r["status"])
                   for r in sorted(projection.two_qubit_errors, key=lambda r: r["year"])],
                  ("date", "vendor", "system", "2q error", "statistic", "implied QV",
                   "status"))


def add_parser(qv_sub, add) -> None:
    """Add the parser of ``qlimits qv project``; ``add(subparsers, name, **kwargs)`` gives it the
    options every command takes."""
    proj = add(qv_sub, "project", help="fit and project QV growth against classical compute",
                             description="Fit log2 QV against time (OLS with intervals, "
                                         "Theil-Sen), compare with classical trends, and find "
                                         "when QV outgrows classical verification.")
    proj.add_argument("--until", type=int_at_least(2000, 9999), default=2035,
                      help="projection horizon (year)")
    proj.add_argument("--vendor", default=None, help="fit one vendor only (e.g. IBM, Quantinuum)")
    proj.add_argument("--data", default=None, help="your own QV records CSV (same schema)")
    proj.add_argument("--multiple", type=positive_float, default=1e5,
                      help="report the year each trend delivers this multiple (default 1e5, "
                           "the essay's compute for 5%% ImageNet error)")
    proj.add_argument("--start-year", type=float, default=2025.0,
                      help="year the multiple is counted from (default 2025)")
    proj.add_argument("--out", default="runs/projection")
    proj.set_defaults(func=cmd_qv_project)
