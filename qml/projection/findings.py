"""Findings in words: what the projection's data say changed since the essay (2020). The
CLI prints them; the numbers in them come from the fits, never from prose."""

from __future__ import annotations

from qml.projection.fits import error_fits

__all__ = ["since_2020"]


def since_2020(projection) -> list[str]:
    """What changed since the essay (2020), in plain words, from ``projection``'s data:
    which vendors stopped reporting QV and what they report instead, and how fast IBM's
    two-qubit error fell, with the QV that error alone implies. The first line is a
    heading; the others start with two spaces.

    Examples
    --------
    >>> from qml.projection import project
    >>> lines = since_2020(project(until=2030))
    >>> lines[0].strip()
    'Since 2020:'
    """

    lines = ["\nSince 2020:"]
    for v in projection.vendors:
        if v["last_date"] is None:
            lines.append(f"  {v['vendor']} never published a measured QV"
                         + (f"; it reports {v['reports_instead']}." if v["reports_instead"]
                            else "."))
        elif v["reports_instead"] and not v["reports_instead"].startswith("QV"):
            lines.append(f"  {v['vendor']} last reported QV 2^{v['last_log2_qv']} "
                         f"({v['last_date']}); since {v['since']} it leads with "
                         f"{v['reports_instead']}.")
    ibm = sorted((r for r in projection.two_qubit_errors
                  if r["vendor"] == "IBM" and r["scope"] == "device"), key=lambda r: r["year"])
    fit = next((f for f in error_fits(projection.two_qubit_errors) if f.key == "error_ibm"),
               None)
    if fit is not None:
        lo, hi = fit.doubling_time_interval
        lines.append(
            f"  IBM's best device median two-qubit error fell from {ibm[0]['two_qubit_error']:.2g}"
            f" ({ibm[0]['date'][:4]}) to {ibm[-1]['two_qubit_error']:.2g} ({ibm[-1]['date'][:4]}):"
            f" it halves every {fit.doubling_time_months:.0f} months (95% {lo:.0f}-{hi:.0f}),"
            f" about Moore's-law pace. The QV that error alone implies rose from "
            f"2^{ibm[0]['implied_log2_qv']} to 2^{ibm[-1]['implied_log2_qv']}: QV counts qubits,"
            f" and the usable width grows only as one over the square root of the error.")
    return lines
