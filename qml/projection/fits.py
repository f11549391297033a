"""Fits of log2 of a series on the decimal year: OLS with 95% confidence and prediction
intervals, Theil-Sen as the robust alternative, all on one footing (doublings per year,
doubling time in months, growth per year).
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

import numpy as np
from scipy import stats

from qml.errors import InvalidInputError
from qml.projection.data import (
    HARDWARE_LINES,
    load_classical,
    load_qv_records,
    load_two_qubit_errors,
    record_frontier,
)

__all__ = ["Fit", "fit_log2", "line_of_fit", "qv_fits", "device_series", "implied_fits",
           "error_fits", "classical_fits", "QV_FRONTIER"]

logger = logging.getLogger(__name__)


QV_FRONTIER = "qv_frontier"  # key of the all-vendor record-frontier fit


@dataclass
class Fit:
    """A straight line through (decimal year, log2 value), with its uncertainty.

    ``slope`` is doublings per year (qubits per year for a qubit series); every interval is
    95% unless stated. ``key`` names the series for code (``"qv_ibm"``, ``"qv_frontier"``,
    ``"top500_rmax"`` ...), ``name`` for people.
    """

    name: str
    kind: str
    n: int
    slope: float
    slope_se: float
    slope_ci: tuple[float, float]
    intercept: float
    r2: float
    x_mean: float
    sxx: float
    residual_sd: float
    theil_sen_slope: float
    theil_sen_ci: tuple[float, float]
    unit: str = "log2"
    key: str = ""
    last_year: float | None = None  # the latest data point; beyond it the fit extrapolates

    def _t(self, level: float) -> float:
        return float(stats.t.ppf(0.5 + level / 2, self.n - 2))

    def predict(self, year) -> np.ndarray:
        """The fitted line at ``year`` (a number or an array)."""
        return self.intercept + self.slope * np.asarray(year, dtype=float)

    def confidence_band(self, year, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Interval for the fitted line at ``year``."""
        x = np.asarray(year, dtype=float)
        half = self._t(level) * self.residual_sd * np.sqrt(1 / self.n
                                                           + (x - self.x_mean) ** 2 / self.sxx)
        return self.predict(x) - half, self.predict(x) + half

    def prediction_band(self, year, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Interval for a new observation at ``year``."""
        x = np.asarray(year, dtype=float)
        half = self._t(level) * self.residual_sd * np.sqrt(1 + 1 / self.n
                                                           + (x - self.x_mean) ** 2 / self.sxx)
        return self.predict(x) - half, self.predict(x) + half

    @property
    def doubling_time_months(self) -> float:
        """Months per doubling (infinite for a flat or falling series)."""
        return 12.0 / self.slope if self.slope > 0 else math.inf

    @property
    def doubling_time_interval(self) -> tuple[float, float]:
        """95% interval of the doubling time, from that of the slope."""
        lo, hi = self.slope_ci
        return (12.0 / hi if hi > 0 else math.inf, 12.0 / lo if lo > 0 else math.inf)

    @property
    def growth_per_year(self) -> float:
        """Growth factor per year."""
        return 2.0 ** self.slope

    @property
    def growth_interval(self) -> tuple[float, float]:
        """95% interval of the growth factor per year."""
        return 2.0 ** self.slope_ci[0], 2.0 ** self.slope_ci[1]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def fit_log2(years, log2_values, name: str, kind: str, unit: str = "log2",
             key: str | None = None) -> Fit:
    """OLS and Theil-Sen fits of log2 values against decimal years.

    Examples
    --------
    >>> f = fit_log2([2000, 2001, 2002, 2003], [1, 2, 3, 4], "toy", "test")
    >>> round(f.slope, 6), round(f.doubling_time_months, 6), round(f.growth_per_year, 6)
    (1.0, 12.0, 2.0)
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(log2_values, dtype=float)
    if len(x) < 3:
        raise InvalidInputError(f"series {name!r} needs at least 3 points to fit; has {len(x)}")
    res = stats.linregress(x, y)
    t = float(stats.t.ppf(0.975, len(x) - 2))
    resid = y - (res.intercept + res.slope * x)
    sd = float(np.sqrt(resid @ resid / (len(x) - 2)))
    ts = stats.theilslopes(y, x, alpha=0.95)
    return Fit(name, kind, len(x), float(res.slope), float(res.stderr),
               (float(res.slope - t * res.stderr), float(res.slope + t * res.stderr)),
               float(res.intercept), float(res.rvalue**2), float(x.mean()),
               float(((x - x.mean()) ** 2).sum()), sd, float(ts.slope),
               (float(ts.low_slope), float(ts.high_slope)), unit, key or _slug(name),
               float(x.max()))





def line_of_fit(key: str, lines) -> str | None:
    """The hardware line (one of ``lines``) a QV fit's key belongs to: ``qv_<line>``,
    ``qv_<line>_records`` or ``qv_implied_<line>``; None for the all-vendor frontier.

    Examples
    --------
    >>> line_of_fit("qv_implied_ibm", ["IBM", "Quantinuum"]), line_of_fit(QV_FRONTIER, ["IBM"])
    ('IBM', None)
    """
    for line in lines:
        slug = _slug(line)
        if key in (f"qv_{slug}", f"qv_{slug}_records", f"qv_implied_{slug}"):
            return line
    return None


def qv_fits(rows: list[dict] | None = None, include_claimed: bool = False,
            vendor: str | None = None) -> list[Fit]:
    """Fits per vendor (all its points, and its record envelope) and for the all-vendor
    record frontier (key ``QV_FRONTIER``). Honeywell and Quantinuum are one hardware line and
    fitted together.

    Examples
    --------
    >>> [f.key for f in qv_fits()]
    ['qv_ibm', 'qv_quantinuum', 'qv_quantinuum_records', 'qv_frontier']
    """
    rows = load_qv_records() if rows is None else rows
    rows = [r for r in rows if include_claimed or r["status"] == "confirmed"]
    line = HARDWARE_LINES
    fits = []
    vendors = sorted({line.get(r["vendor"], r["vendor"]) for r in rows})
    for v in vendors:
        if vendor is not None and v.lower() != vendor.lower():
            continue
        mine = [r for r in rows if line.get(r["vendor"], r["vendor"]) == v]
        if len(mine) >= 3:
            fits.append(fit_log2([r["year"] for r in mine], [r["log2_qv"] for r in mine],
                                 f"QV {v}", "quantum_volume", key=f"qv_{_slug(v)}"))
        env = record_frontier(mine)
        if len(env) >= 3 and len(env) < len(mine):
            fits.append(fit_log2([r["year"] for r in env], [r["log2_qv"] for r in env],
                                 f"QV {v} records", "quantum_volume",
                                 key=f"qv_{_slug(v)}_records"))
    if vendor is None:
        env = record_frontier(rows)
        fits.append(fit_log2([r["year"] for r in env], [r["log2_qv"] for r in env],
                             "QV record frontier (all vendors)", "quantum_volume",
                             key=QV_FRONTIER))
    return fits


def device_series(rows, include_claimed: bool) -> dict[str, list[dict]]:
    """Whole-device error rows per vendor with at least three of them (enough to fit)."""
    rows = load_two_qubit_errors() if rows is None else rows
    rows = [r for r in rows if r["scope"] == "device"
            and (include_claimed or r["status"] == "confirmed")]
    by_vendor = {v: [r for r in rows if r["vendor"] == v] for v in sorted({r["vendor"]
                                                                           for r in rows})}
    return {v: mine for v, mine in by_vendor.items() if len(mine) >= 3}


def implied_fits(rows: list[dict] | None = None, include_claimed: bool = False) -> list[Fit]:
    """Per vendor with at least three whole-device rows: a fit of the log2 QV its published
    two-qubit errors imply (key ``qv_implied_<vendor>``, kind ``implied_quantum_volume``).

    Examples
    --------
    >>> [f.key for f in implied_fits()]
    ['qv_implied_ibm']
    """
    return [fit_log2([r["year"] for r in mine], [r["implied_log2_qv"] for r in mine],
                     f"QV implied by {v} two-qubit errors", "implied_quantum_volume",
                     key=f"qv_implied_{_slug(v)}")
            for v, mine in device_series(rows, include_claimed).items()]


def error_fits(rows: list[dict] | None = None, include_claimed: bool = False) -> list[Fit]:
    """Per vendor with at least three whole-device rows: a fit of log2(1 / two-qubit error)
    against the year (key ``error_<vendor>``, kind ``two_qubit_error``), so that its
    ``doubling_time_months`` is the time in which the error halves.

    Examples
    --------
    >>> fit = error_fits()[0]
    >>> fit.key, 12 < fit.doubling_time_months < 60
    ('error_ibm', True)
    """
    return [fit_log2([r["year"] for r in mine], [-math.log2(r["two_qubit_error"]) for r in mine],
                     f"{v} two-qubit error (halving time)", "two_qubit_error",
                     key=f"error_{_slug(v)}")
            for v, mine in device_series(rows, include_claimed).items()]


def classical_fits(points: list[dict] | None = None) -> list[Fit]:
    """TOP500 #1 Rmax (log2 FLOP/s, key ``"top500_rmax"``) and the largest state-vector
    simulation (qubits, key ``"state_vector_simulation"``).

    Examples
    --------
    >>> [f.key for f in classical_fits()]
    ['top500_rmax', 'state_vector_simulation']
    """
    points = load_classical() if points is None else points
    top = [p for p in points if p["kind"] == "top500" and p["status"] == "confirmed"]
    sim = [p for p in points if p["kind"] == "simulation_frontier" and p["status"] == "confirmed"]
    return [
        fit_log2([p["year"] for p in top], [math.log2(p["value"]) for p in top],
                 "TOP500 #1 Rmax", "top500", key="top500_rmax"),
        fit_log2([p["year"] for p in sim], [p["value"] for p in sim],
                 "largest state-vector simulation", "simulation_frontier", unit="qubits",
                 key="state_vector_simulation"),
    ]
