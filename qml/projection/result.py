"""The ``Projection`` result and ``project``: every fit, frontier and crossover of one run,
saved and loaded as a ``qlimits.projection`` file.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from qml.errors import ConfigurationError, InvalidInputError
from qml.projection.data import (
    HARDWARE_LINES,
    MAX_HORIZON_YEARS,
    STATUSES,
    Trend,
    hardware_line,
    last_reported,
    load_classical,
    load_qv_records,
    load_trends,
    load_two_qubit_errors,
)
from qml.projection.fits import Fit, classical_fits, implied_fits, qv_fits
from qml.projection.frontiers import (
    Frontier,
    crossover_year,
    verification_frontiers,
    year_of_multiple,
)
from qml.result_file import ResultFile, document_schema

__all__ = ["Projection", "project", "SCENARIOS"]

logger = logging.getLogger(__name__)


def _series_row(fit: Fit, until: int, multiple: float, start_year: float) -> dict:
    lo, hi = fit.prediction_band(until)
    return {"key": fit.key, "name": fit.name, "kind": fit.kind, "source": "fit", "n": fit.n,
            "growth_per_year": fit.growth_per_year,
            "growth_per_year_interval": list(fit.growth_interval),
            "doubling_time_months": fit.doubling_time_months,
            "doubling_time_months_interval": list(fit.doubling_time_interval),
            "theil_sen_doubling_time_months": (12 / fit.theil_sen_slope
                                               if fit.theil_sen_slope > 0 else None),
            "r2": fit.r2, "unit": fit.unit, "last_data_year": fit.last_year,
            "value_at_horizon": float(fit.predict(until)),
            "value_at_horizon_prediction_interval": [float(lo), float(hi)],
            "year_of_multiple": year_of_multiple(fit.doubling_time_months, multiple,
                                                 start_year)}


def _trend_row(trend: Trend, multiple: float, start_year: float) -> dict:
    return {"key": trend.name, "name": trend.name, "kind": trend.kind, "source": trend.source,
            "n": None, "growth_per_year": trend.growth_per_year,
            "growth_per_year_interval": None,
            "doubling_time_months": trend.doubling_time_months,
            "doubling_time_months_interval": list(trend.doubling_time_interval),
            "year_of_multiple": year_of_multiple(trend.doubling_time_months, multiple,
                                                 start_year)}


_NUMBER = {"type": "number"}


_PAIR = {"type": "array", "items": _NUMBER, "minItems": 2, "maxItems": 2}


_FIT_SCHEMA = {
    "type": "object",
    "required": ["name", "kind", "n", "slope", "slope_se", "slope_ci", "intercept", "r2",
                 "x_mean", "sxx", "residual_sd", "theil_sen_slope", "theil_sen_ci", "unit",
                 "key"],
    "properties": {"name": {"type": "string"}, "kind": {"type": "string"},
                   "n": {"type": "integer", "minimum": 3}, "slope": _NUMBER,
                   "slope_se": _NUMBER, "slope_ci": _PAIR, "intercept": _NUMBER, "r2": _NUMBER,
                   "x_mean": _NUMBER, "sxx": {"type": "number", "exclusiveMinimum": 0},
                   "residual_sd": _NUMBER, "theil_sen_slope": _NUMBER, "theil_sen_ci": _PAIR,
                   "unit": {"type": "string"}, "key": {"type": "string"},
                   "last_year": {"type": ["number", "null"]}},
}


_ROWS = {"type": "array", "items": {"type": "object"}}


def _fit_from_dict(d: dict) -> Fit:
    return Fit(**{**d, "slope_ci": tuple(d["slope_ci"]), "theil_sen_ci": tuple(d["theil_sen_ci"])})


@dataclass
class Projection(ResultFile):
    """Everything ``qlimits qv project`` reports, and what its figures draw: the QV records
    used, the QV and classical fits, the published trends, the verification frontiers, the
    scenarios, the crossover years, and the projection per year.

    Tables for people and JSON readers are ``series``, ``crossovers``, ``scenarios`` and
    ``by_year`` (lists of dicts); code looks series up by key with ``fit(key)`` and
    ``crossover(qv_key, frontier_key)``. Saved as ``"qlimits.projection"`` JSON.

    Examples
    --------
    >>> from qml.projection import QV_FRONTIER
    >>> p = project(until=2030)
    >>> p.fit(QV_FRONTIER).name, Projection.from_dict(p.to_dict()).crossovers == p.crossovers
    ('QV record frontier (all vendors)', True)
    """

    FORMAT = "qlimits.projection"
    FORMAT_VERSION = 1
    SCHEMA = document_schema({
        "until": {"type": "integer"}, "start_year": _NUMBER,
        "multiple": {"type": "number", "exclusiveMinimum": 0},
        "vendor": {"type": ["string", "null"]}, "include_claimed": {"type": "boolean"},
        "data": {"type": ["string", "null"]},
        "records": {"type": "array", "items": {
            "type": "object", "required": ["date", "vendor", "quantum_volume", "log2_qv",
                                           "year", "status"],
            "properties": {"quantum_volume": {"type": "integer", "minimum": 1},
                           "log2_qv": {"type": "integer", "minimum": 0}, "year": _NUMBER,
                           "status": {"enum": list(STATUSES)}}}},
        "qv_fits": {"type": "array", "items": _FIT_SCHEMA},
        "classical_fits": {"type": "array", "items": _FIT_SCHEMA},
        "trends": {"type": "array", "items": {
            "type": "object", "required": ["name", "kind", "doubling_time_months",
                                           "doubling_time_interval", "source"],
            "properties": {"doubling_time_months": {"type": "number", "exclusiveMinimum": 0},
                           "doubling_time_interval": {
                               "type": "array", "items": {"type": ["number", "null"]},
                               "minItems": 2, "maxItems": 2}}}},
        "frontiers": {"type": "array", "items": {
            "type": "object", "required": ["key", "name", "intercept", "slope"],
            "properties": {"intercept": _NUMBER, "slope": _NUMBER,
                           "fit_key": {"type": ["string", "null"]}}}},
        "scenarios": _ROWS, "crossovers": _ROWS, "by_year": _ROWS,
        "vendors": _ROWS, "two_qubit_errors": _ROWS,
    }, required=["until", "start_year", "multiple", "records", "qv_fits", "classical_fits",
                 "trends", "frontiers", "scenarios", "crossovers", "by_year"])

    until: int
    start_year: float
    multiple: float
    records: list[dict]
    qv_fits: list[Fit]
    classical_fits: list[Fit]
    trends: list[Trend]
    frontiers: list[Frontier]
    scenarios: list[dict]
    crossovers: list[dict]
    by_year: list[dict]
    vendor: str | None = None
    include_claimed: bool = False
    data: str | None = None
    vendors: list[dict] = field(default_factory=list)
    two_qubit_errors: list[dict] = field(default_factory=list)
    _index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def series(self) -> list[dict]:
        """One row per fit and per published trend: growth per year, doubling time with its
        interval, value at the horizon, and the year it delivers ``multiple``."""
        return ([_series_row(f, self.until, self.multiple, self.start_year)
                 for f in self.qv_fits + self.classical_fits]
                + [_trend_row(t, self.multiple, self.start_year) for t in self.trends])

    def fit(self, key: str) -> Fit:
        """The QV or classical fit with this key (``"qv_ibm"``, ``QV_FRONTIER`` ...)."""
        if not self._index:
            self._index.update({f.key: f for f in self.qv_fits + self.classical_fits})
        if key not in self._index:
            raise KeyError(f"no fit {key!r}; this projection has {sorted(self._index)}")
        return self._index[key]

    def crossover(self, qv_key: str, frontier_key: str) -> dict:
        """The crossover row of a QV fit with a verification frontier."""
        for c in self.crossovers:
            if c["qv_key"] == qv_key and c["frontier_key"] == frontier_key:
                return c
        raise KeyError(f"no crossover of {qv_key!r} with {frontier_key!r}")

    def _to_body(self) -> dict:
        return {"until": self.until, "start_year": self.start_year, "multiple": self.multiple,
                "vendor": self.vendor, "include_claimed": self.include_claimed,
                "data": self.data, "records": self.records,
                "qv_fits": [asdict(f) for f in self.qv_fits],
                "classical_fits": [asdict(f) for f in self.classical_fits],
                "trends": [asdict(t) for t in self.trends],
                "frontiers": [asdict(f) for f in self.frontiers],
                "series": self.series, "scenarios": self.scenarios,
                "crossovers": self.crossovers, "by_year": self.by_year,
                "vendors": self.vendors, "two_qubit_errors": self.two_qubit_errors}

    @classmethod
    def _from_body(cls, doc: dict) -> Projection:
        return cls(doc["until"], doc["start_year"], doc["multiple"], doc["records"],
                   [_fit_from_dict(f) for f in doc["qv_fits"]],
                   [_fit_from_dict(f) for f in doc["classical_fits"]],
                   [Trend(**{**t, "doubling_time_interval": tuple(t["doubling_time_interval"])})
                    for t in doc["trends"]],
                   [Frontier(**f) for f in doc["frontiers"]], doc["scenarios"],
                   doc["crossovers"], doc["by_year"], doc.get("vendor"),
                   doc.get("include_claimed", False), doc.get("data"),
                   doc.get("vendors", []), doc.get("two_qubit_errors", []))


SCENARIOS = (("IBM: double QV every year", 12.0),
             ("Honeywell 2020: 10x per year", 12 / math.log2(10)))


def project(until: int = 2035, vendor: str | None = None, data=None,
            include_claimed: bool = False, start_year: float = 2025.0,
            multiple: float = 1e5) -> Projection:
    """Fits, projections to ``until``, published classical trends, scenarios, and the
    verification crossover years.

    Parameters
    ----------
    until : int, default=2035
        Projection horizon (year).
    vendor : str, optional
        Fit one vendor only (e.g. ``"IBM"``); the all-vendor frontier is then left out.
    data : path, optional
        QV records CSV in the shipped schema (default: the shipped records).
    include_claimed : bool, default=False
        Fit claimed (unconfirmed) records too.
    start_year, multiple : float
        Every series reports the year it delivers ``multiple`` x from ``start_year``.

    Examples
    --------
    >>> from qml.projection import QV_FRONTIER
    >>> p = project(until=2035)
    >>> any(s["key"] == QV_FRONTIER for s in p.series)
    True
    """
    if not isinstance(until, (int, np.integer)) or isinstance(until, bool):
        raise ConfigurationError(f"until={until!r}: give the horizon as a whole year, e.g. 2035")
    for name, value in (("start_year", start_year), ("multiple", multiple)):
        if not isinstance(value, (int, float, np.number)) or not math.isfinite(value):
            raise ConfigurationError(f"{name}={value!r}: give a finite number")
    if multiple <= 0:
        raise ConfigurationError(f"multiple={multiple!r}: give a positive factor, e.g. 1e5")
    rows = load_qv_records(data)
    last = max(r["year"] for r in rows)
    if until <= last:
        raise ConfigurationError(f"until={until}: the records run to {last:.1f}; a projection "
                                 f"needs a horizon after them (e.g. {math.ceil(last) + 10})")
    if until > last + MAX_HORIZON_YEARS:
        raise ConfigurationError(f"until={until}: at most {MAX_HORIZON_YEARS} years after the "
                                 f"last record ({math.floor(last + MAX_HORIZON_YEARS)}); an "
                                 "exponential fit says nothing that far out")
    if not last - MAX_HORIZON_YEARS <= start_year <= until:
        raise ConfigurationError(f"start_year={start_year:g}: give a year between "
                                 f"{math.ceil(last - MAX_HORIZON_YEARS)} and the horizon {until}")
    if vendor is not None:
        vendors = sorted({hardware_line(r["vendor"]) for r in rows})
        if vendor.lower() not in {v.lower() for v in vendors}:
            folded = [k for k, v in HARDWARE_LINES.items() if k.lower() == vendor.lower()]
            hint = f" ({folded[0]} is fitted as {HARDWARE_LINES[folded[0]]})" if folded else ""
            raise ConfigurationError(f"no records of vendor {vendor!r}{hint}; vendors: "
                                     f"{', '.join(vendors)}")
    errors = load_two_qubit_errors()
    if vendor is not None:
        errors = [r for r in errors if r["vendor"].lower() == hardware_line(vendor).lower()]
    fits = qv_fits(rows, include_claimed, vendor)
    if not fits:
        raise InvalidInputError(f"too few records to fit{f' for {vendor}' if vendor else ''} "
                                "(at least two confirmed records of different dates)")
    fits += implied_fits(errors, include_claimed)
    points = load_classical()
    classical = classical_fits(points)
    frontiers = verification_frontiers(points, classical)
    scenarios = []
    for name, months in SCENARIOS:
        scenarios.append({"name": name, "doubling_time_months": months,
                          "growth_per_year": 2 ** (12 / months),
                          "year_of_multiple": year_of_multiple(months, multiple, start_year)})
    by_key = {f.key: f for f in classical}
    crossovers = []
    for fit in fits:
        for frontier in frontiers:
            year, interval = crossover_year(fit, (frontier.intercept, frontier.slope),
                                            by_key.get(frontier.fit_key))
            crossovers.append({"qv_key": fit.key, "frontier_key": frontier.key,
                               "qv_series": fit.name, "frontier": frontier.name,
                               "year": year, "interval": list(interval)})
    logger.info("projection to %d: %d QV fits, %d records", until, len(fits), len(rows))
    vendors = last_reported(rows)
    if vendor is not None:
        vendors = [v for v in vendors if v["vendor"].lower() == hardware_line(vendor).lower()]
    return Projection(until, start_year, multiple, rows, fits, classical, load_trends(),
                      frontiers, scenarios, crossovers, _by_year(fits, start_year, until),
                      vendor, include_claimed, None if data is None else str(data),
                      vendors, errors)


def _by_year(fits: list[Fit], start_year: float, until: int) -> list[dict]:
    """Projected log2 QV per year for every QV fit, with 95% confidence and prediction bands;
    ``extrapolated`` once the year is past the fit's last record."""
    out = []
    for fit in fits:
        for year in range(int(math.floor(start_year)), until + 1):
            clo, chi = fit.confidence_band(year)
            plo, phi = fit.prediction_band(year)
            out.append({"series": fit.name, "key": fit.key, "year": year,
                        "log2_qv": float(fit.predict(year)),
                        "confidence_interval": [float(clo), float(chi)],
                        "prediction_interval": [float(plo), float(phi)],
                        "extrapolated": fit.last_year is not None and year > fit.last_year})
    return out
