"""Quantum volume, projected: QV growth against classical compute growth.

Data ship with the package (``qml/data``, one source URL per value). Fits regress log2 of a
series on the decimal year: ordinary least squares with standard errors, 95% confidence and
prediction intervals (scipy.stats.linregress and Student's t), and Theil-Sen (scipy.stats.
theilslopes) as the robust alternative. Everything is put on one footing: doublings per year,
doubling time in months, growth factor per year.

The classical verification frontier: certifying QV 2^n needs exact simulation of n-qubit model
circuits, so n = log2(QV) is compared with (a) the trend of the largest full state-vector
simulations and (b) the qubits the largest TOP500 machine's memory holds at 16 bytes per
amplitude (Frontier's 9.2 PB in 2022, growing like the TOP500 #1 Rmax fit — an assumption).
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import stats

from qml.errors import InvalidInputError

__all__ = ["QV_COLUMNS", "Fit", "Trend", "decimal_year", "load_qv_records", "load_classical",
           "load_trends", "record_frontier", "fit_log2", "qv_fits", "classical_fits",
           "year_of_multiple", "crossover_year", "frontier_lines", "Projection", "project"]

QV_COLUMNS = ("date", "vendor", "system", "quantum_volume", "source_url", "status", "note")
_STATUSES = ("confirmed", "claimed")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
BYTES_PER_AMPLITUDE = 16


def decimal_year(text: str) -> float:
    """``"2020"`` -> 2020.5, ``"2020-08"`` -> mid-August, ``"2020-08-26"`` -> that day.

    Examples
    --------
    >>> decimal_year("2020"), round(decimal_year("2020-01"), 3)
    (2020.5, 2020.041)
    >>> round(decimal_year("2021-07-02"), 2)
    2021.5
    """
    m = _DATE.match(str(text).strip())
    if not m:
        raise InvalidInputError(f"unparseable date {text!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m[1]), m[2], m[3]
    if month is None:
        return year + 0.5
    month = int(month)
    if not 1 <= month <= 12:
        raise InvalidInputError(f"bad month in date {text!r}")
    days = 366 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 365
    lengths = [31, 29 if days == 366 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    start = sum(lengths[: month - 1])
    if day is None:
        return year + (start + 15) / days
    if not 1 <= int(day) <= 31:
        raise InvalidInputError(f"bad day in date {text!r}")
    return year + (start + int(day) - 0.5) / days


def _data_file(name: str):
    return resources.files("qml").joinpath("data", name)


def _rows(path, columns) -> list[dict]:
    text = path.read_text() if hasattr(path, "read_text") else Path(path).read_text()
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in columns]
    missing = [c for c in columns if c not in header and c != "note"]
    if unknown or missing:
        raise InvalidInputError(
            f"{path}: unknown columns {unknown}, missing columns {missing}; expected "
            f"{', '.join(columns)}"
        )
    return list(reader)


def load_qv_records(path=None) -> list[dict]:
    """QV records (the shipped list, or a CSV in the same schema), checked row by row.

    Each row gets ``year`` (decimal) and ``log2_qv``. Errors name the line and the problem:
    QV not a power of two, missing or unparseable date, unknown column, negative values.

    Examples
    --------
    >>> rows = load_qv_records()
    >>> all(r["quantum_volume"] & (r["quantum_volume"] - 1) == 0 for r in rows)
    True
    """
    source = _data_file("qv_records.csv") if path is None else Path(path)
    out = []
    for line, row in enumerate(_rows(source, QV_COLUMNS), start=2):
        where = f"{source}, line {line}"
        if not row.get("date"):
            raise InvalidInputError(f"{where}: missing date")
        try:
            qv = int(row["quantum_volume"])
        except (TypeError, ValueError):
            raise InvalidInputError(f"{where}: quantum_volume {row['quantum_volume']!r} "
                                    "is not an integer") from None
        if qv < 1:
            raise InvalidInputError(f"{where}: quantum_volume must be positive; got {qv}")
        if qv & (qv - 1):
            raise InvalidInputError(f"{where}: quantum_volume {qv} is not a power of two")
        if row.get("status") not in _STATUSES:
            raise InvalidInputError(f"{where}: status must be one of {_STATUSES}; "
                                    f"got {row.get('status')!r}")
        try:
            year = decimal_year(row["date"])
        except InvalidInputError as exc:
            raise InvalidInputError(f"{where}: {exc}") from exc
        out.append({**row, "quantum_volume": qv, "log2_qv": int(math.log2(qv)), "year": year})
    return out


def load_classical(path=None) -> list[dict]:
    """Classical series points: ``series``, ``kind``, ``year``, ``value``, ``unit``, source."""
    columns = ("series", "kind", "date", "value", "unit", "source_url", "status")
    source = _data_file("classical.csv") if path is None else Path(path)
    out = []
    for line, row in enumerate(_rows(source, columns), start=2):
        value = float(row["value"])
        if value <= 0:
            raise InvalidInputError(f"{source}, line {line}: value must be positive")
        out.append({**row, "value": value, "year": decimal_year(row["date"])})
    return out


@dataclass(frozen=True)
class Trend:
    """A growth rate on the common footing (doublings per year)."""

    name: str
    kind: str
    doubling_time_months: float
    doubling_time_interval: tuple[float | None, float | None]
    source: str

    @property
    def doublings_per_year(self) -> float:
        return 12.0 / self.doubling_time_months

    @property
    def growth_per_year(self) -> float:
        return 2.0 ** self.doublings_per_year


def load_trends(path=None) -> list[Trend]:
    """Published doubling times (Moore's law, AI training compute, GPU price-performance)."""
    columns = ("name", "kind", "doubling_time_months", "low_months", "high_months",
               "source_url", "note")
    source = _data_file("trends.csv") if path is None else Path(path)
    out = []
    for row in _rows(source, columns):
        low = float(row["low_months"]) if row["low_months"] else None
        high = float(row["high_months"]) if row["high_months"] else None
        out.append(Trend(row["name"], row["kind"], float(row["doubling_time_months"]),
                         (low, high), row["source_url"]))
    return out


def record_frontier(rows: list[dict]) -> list[dict]:
    """Only the rows that set a new record (strictly above every earlier QV), in time order.

    Examples
    --------
    >>> rows = [{"year": y, "log2_qv": q} for y, q in [(1, 2), (2, 5), (3, 4), (4, 6)]]
    >>> [r["log2_qv"] for r in record_frontier(rows)]
    [2, 5, 6]
    """
    best, out = -math.inf, []
    for row in sorted(rows, key=lambda r: r["year"]):
        if row["log2_qv"] > best:
            out.append(row)
            best = row["log2_qv"]
    return out


@dataclass
class Fit:
    """A straight line through (decimal year, log2 value), with its uncertainty.

    ``slope`` is doublings per year (qubits per year for a qubit series); every interval is
    95% unless stated.
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

    def _t(self, level: float) -> float:
        return float(stats.t.ppf(0.5 + level / 2, self.n - 2))

    def predict(self, year) -> np.ndarray:
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
        return 12.0 / self.slope if self.slope > 0 else math.inf

    @property
    def doubling_time_interval(self) -> tuple[float, float]:
        lo, hi = self.slope_ci
        return (12.0 / hi if hi > 0 else math.inf, 12.0 / lo if lo > 0 else math.inf)

    @property
    def growth_per_year(self) -> float:
        return 2.0 ** self.slope

    @property
    def growth_interval(self) -> tuple[float, float]:
        return 2.0 ** self.slope_ci[0], 2.0 ** self.slope_ci[1]


def fit_log2(years, log2_values, name: str, kind: str, unit: str = "log2") -> Fit:
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
               (float(ts.low_slope), float(ts.high_slope)), unit)


def qv_fits(rows: list[dict] | None = None, include_claimed: bool = False,
            vendor: str | None = None) -> list[Fit]:
    """Fits per vendor (all its points, and its record envelope) and for the all-vendor
    record frontier. Honeywell and Quantinuum are one hardware line and fitted together."""
    rows = load_qv_records() if rows is None else rows
    rows = [r for r in rows if include_claimed or r["status"] == "confirmed"]
    line = {"Honeywell": "Quantinuum"}
    fits = []
    vendors = sorted({line.get(r["vendor"], r["vendor"]) for r in rows})
    for v in vendors:
        if vendor is not None and v.lower() != vendor.lower():
            continue
        mine = [r for r in rows if line.get(r["vendor"], r["vendor"]) == v]
        if len(mine) >= 3:
            fits.append(fit_log2([r["year"] for r in mine], [r["log2_qv"] for r in mine],
                                 f"QV {v}", "quantum_volume"))
        env = record_frontier(mine)
        if len(env) >= 3 and len(env) < len(mine):
            fits.append(fit_log2([r["year"] for r in env], [r["log2_qv"] for r in env],
                                 f"QV {v} records", "quantum_volume"))
    if vendor is None:
        env = record_frontier(rows)
        fits.append(fit_log2([r["year"] for r in env], [r["log2_qv"] for r in env],
                             "QV record frontier (all vendors)", "quantum_volume"))
    return fits


def classical_fits(points: list[dict] | None = None) -> list[Fit]:
    """TOP500 #1 Rmax (log2 FLOP/s) and the largest state-vector simulation (qubits)."""
    points = load_classical() if points is None else points
    top = [p for p in points if p["kind"] == "top500" and p["status"] == "confirmed"]
    sim = [p for p in points if p["kind"] == "simulation_frontier" and p["status"] == "confirmed"]
    return [
        fit_log2([p["year"] for p in top], [math.log2(p["value"]) for p in top],
                 "TOP500 #1 Rmax", "top500"),
        fit_log2([p["year"] for p in sim], [p["value"] for p in sim],
                 "largest state-vector simulation", "simulation_frontier", unit="qubits"),
    ]


def year_of_multiple(doubling_time_months: float, multiple: float, start_year: float) -> float:
    """Year at which a trend with this doubling time delivers ``multiple`` x from ``start``.

    Examples
    --------
    >>> year_of_multiple(12, 1024, 2020)
    2030.0
    """
    return start_year + math.log2(multiple) * doubling_time_months / 12.0


def frontier_lines(points: list[dict] | None = None) -> dict[str, tuple[float, float]]:
    """Verification frontiers as lines ``qubits = a + b * year``: (a) the state-vector
    simulation fit; (b) the qubits the TOP500 #1 memory holds, from Frontier's 9.2 PB
    growing at the TOP500 Rmax rate (the assumption is stated in the module docstring)."""
    points = load_classical() if points is None else points
    top, sim = classical_fits(points)
    anchor = next(p for p in points if p["kind"] == "memory_anchor")
    qubits0 = math.log2(anchor["value"] / BYTES_PER_AMPLITUDE)
    return {"state-vector simulation record": (sim.intercept, sim.slope),
            "TOP500 #1 memory": (qubits0 - top.slope * anchor["year"], top.slope)}


def crossover_year(qv: Fit, line: tuple[float, float], other: Fit | None = None,
                   draws: int = 20000, seed: int = 0) -> tuple[float, tuple[float, float]]:
    """Year where the fitted log2 QV (qubits n) crosses a frontier line, with a 95% interval
    from the parameter uncertainty of the QV fit (and of the frontier's own fit, if given).

    Examples
    --------
    >>> f = fit_log2([2020, 2021, 2022, 2023], [10, 12, 14, 16.1], "q", "qv")
    >>> round(crossover_year(f, (20.0, 0.0))[0], 1)
    2024.9
    """
    a, b = line
    mid = (a - qv.intercept) / (qv.slope - b)
    rng = np.random.default_rng(seed)
    x0 = qv.x_mean
    slopes = rng.normal(qv.slope, qv.slope_se, draws)
    levels = rng.normal(qv.predict(x0), qv.residual_sd / math.sqrt(qv.n), draws)
    if other is not None:
        o_slopes = rng.normal(other.slope, other.slope_se, draws)
        o_levels = rng.normal(other.predict(x0), other.residual_sd / math.sqrt(other.n), draws)
    else:
        o_slopes, o_levels = np.full(draws, b), np.full(draws, a + b * x0)
    with np.errstate(divide="ignore", invalid="ignore"):
        years = x0 + (o_levels - levels) / (slopes - o_slopes)
    years = years[np.isfinite(years) & (slopes > o_slopes)]
    lo, hi = np.percentile(years, [2.5, 97.5]) if len(years) else (math.nan, math.nan)
    return float(mid), (float(lo), float(hi))


@dataclass
class Projection:
    """Everything ``qlimits qv project`` reports."""

    until: int
    series: list[dict]
    crossovers: list[dict]
    scenarios: list[dict]
    by_year: list[dict]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)


def _series_row(fit: Fit, until: int) -> dict:
    lo, hi = fit.prediction_band(until)
    return {"name": fit.name, "kind": fit.kind, "source": "fit", "n": fit.n,
            "growth_per_year": fit.growth_per_year,
            "growth_per_year_interval": list(fit.growth_interval),
            "doubling_time_months": fit.doubling_time_months,
            "doubling_time_months_interval": list(fit.doubling_time_interval),
            "theil_sen_doubling_time_months": (12 / fit.theil_sen_slope
                                               if fit.theil_sen_slope > 0 else None),
            "r2": fit.r2, "unit": fit.unit,
            "value_at_horizon": float(fit.predict(until)),
            "value_at_horizon_prediction_interval": [float(lo), float(hi)]}


def project(until: int = 2035, vendor: str | None = None, data=None,
            include_claimed: bool = False, start_year: float = 2025.0,
            multiple: float = 1e5) -> Projection:
    """Fits, projections to ``until``, published classical trends, scenarios, and the
    verification crossover years.

    Examples
    --------
    >>> p = project(until=2035)
    >>> any(s["name"] == "QV record frontier (all vendors)" for s in p.series)
    True
    """
    rows = load_qv_records(data)
    fits = qv_fits(rows, include_claimed, vendor)
    classical = classical_fits()
    series = [_series_row(f, until) for f in fits + classical]
    for t in load_trends():
        series.append({"name": t.name, "kind": t.kind, "source": t.source, "n": None,
                       "growth_per_year": t.growth_per_year, "growth_per_year_interval": None,
                       "doubling_time_months": t.doubling_time_months,
                       "doubling_time_months_interval": list(t.doubling_time_interval),
                       "year_of_multiple": year_of_multiple(t.doubling_time_months, multiple,
                                                            start_year)})
    for row, fit in zip(series, fits + classical):  # qubits are log2 of state memory
        row["year_of_multiple"] = year_of_multiple(fit.doubling_time_months, multiple,
                                                   start_year)
    scenarios = [{"name": "IBM: double QV every year", "doubling_time_months": 12.0},
                 {"name": "Honeywell 2020: 10x per year",
                  "doubling_time_months": 12 / math.log2(10)}]
    for s in scenarios:
        s["growth_per_year"] = 2 ** (12 / s["doubling_time_months"])
        s["year_of_multiple"] = year_of_multiple(s["doubling_time_months"], multiple,
                                                 start_year)
    crossovers = []
    sim_fit = classical[1]
    for fit in fits:
        for name, line in frontier_lines().items():
            other = sim_fit if name.startswith("state-vector") else None
            year, interval = crossover_year(fit, line, other)
            crossovers.append({"qv_series": fit.name, "frontier": name, "year": year,
                               "interval": list(interval)})
    return Projection(until, series, crossovers, scenarios, _by_year(fits, start_year, until))


def _by_year(fits: list[Fit], start_year: float, until: int) -> list[dict]:
    """Projected log2 QV per year for every QV fit, with 95% confidence and prediction bands."""
    out = []
    for fit in fits:
        for year in range(int(math.floor(start_year)), until + 1):
            clo, chi = fit.confidence_band(year)
            plo, phi = fit.prediction_band(year)
            out.append({"series": fit.name, "year": year, "log2_qv": float(fit.predict(year)),
                        "confidence_interval": [float(clo), float(chi)],
                        "prediction_interval": [float(plo), float(phi)]})
    return out


def verification_cost(max_width: int, seed: int = 0, repeats: int = 1) -> dict:
    """Seconds to compute the ideal distribution of one QV model circuit at each width
    2..``max_width`` on this machine, the exponential fit ``log2(seconds) = a + b n``, and
    where this machine sits: the widest state vector its free memory holds, and the fitted
    time of a 100-circuit QV certification at that width.

    Examples
    --------
    >>> cost = verification_cost(6)
    >>> cost["widths"], cost["machine_max_width"] > 20
    ([2, 3, 4, 5, 6], True)
    """
    import time

    from circuits.quantum_volume import ideal_probabilities, model_circuits
    from qml.exact import _available_memory

    if max_width < 3:
        raise InvalidInputError(f"max_width must be at least 3 to fit a line; got {max_width}")
    widths, seconds = list(range(2, max_width + 1)), []
    for n in widths:
        circuit = model_circuits(n, 1, seed)
        best = math.inf
        for _ in range(repeats):
            start = time.perf_counter()
            ideal_probabilities(circuit)
            best = min(best, time.perf_counter() - start)
        seconds.append(best)
    res = stats.linregress(widths, np.log2(seconds))
    max_n = int(math.floor(math.log2(_available_memory() / BYTES_PER_AMPLITUDE)))
    per_circuit = 2.0 ** (res.intercept + res.slope * max_n)
    return {"widths": widths, "seconds": seconds, "log2_seconds_intercept": res.intercept,
            "log2_seconds_per_qubit": res.slope, "machine_max_width": max_n,
            "certification_seconds_at_max_width": 100 * per_circuit}
