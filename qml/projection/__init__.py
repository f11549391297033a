"""Quantum volume, projected: QV growth against classical compute growth.

Pure data and statistics: nothing here runs a circuit (timing QV verification on this machine
is ``qml.volume.verification``).

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
import logging
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy import stats

from qml.deprecation import deprecated, moved_names
from qml.errors import ConfigurationError, InvalidInputError, ResultFileError
from qml.files import read_bounded
from qml.paths import data_file
from qml.result_file import ResultFile, document_schema

__all__ = ["QV_COLUMNS", "Fit", "Trend", "Frontier", "decimal_year", "load_qv_records",
           "load_classical", "load_trends", "record_frontier", "fit_log2", "qv_fits",
           "classical_fits", "implied_fits", "error_fits", "verification_frontiers",
           "year_of_multiple", "hardware_line", "line_of_fit",
           "crossover_year",
           "Projection", "project", "QV_FRONTIER", "STATE_VECTOR_RECORD", "TOP500_MEMORY",
           "TWO_QUBIT_COLUMNS", "load_two_qubit_errors", "load_vendor_metrics",
           "last_reported", "HARDWARE_LINES"]

logger = logging.getLogger(__name__)

__getattr__ = moved_names(__name__, {"verification_cost": "qml.volume.verification:verification_cost"})

QV_FRONTIER = "qv_frontier"  # key of the all-vendor record-frontier fit
STATE_VECTOR_RECORD = "state_vector_record"  # keys of the two verification frontiers
TOP500_MEMORY = "top500_memory"

QV_COLUMNS = ("date", "vendor", "system", "quantum_volume", "source_url", "status", "note")
TWO_QUBIT_COLUMNS = ("date", "vendor", "system", "qubits", "two_qubit_error", "statistic",
                     "scope", "source_url", "status", "note")
VENDOR_COLUMNS = ("vendor", "reports_instead", "since", "source_url", "note")
_SCOPES = ("device", "pair")
_STATUSES = ("confirmed", "claimed")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
BYTES_PER_AMPLITUDE = 16
MAX_HORIZON_YEARS = 100  # a projection's horizon and start year lie within this of the records


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
    if not 1 <= int(day) <= lengths[month - 1]:
        raise InvalidInputError(f"bad day in date {text!r}")
    return year + (start + int(day) - 0.5) / days


MAX_RECORDS_BYTES = 8 * 2**20  # every public QV record and trend fits in a few kB


def _rows(path, columns) -> list[dict]:
    try:
        text = read_bounded(path, MAX_RECORDS_BYTES).decode("utf-8-sig")
    except ResultFileError as exc:
        raise InvalidInputError(str(exc)) from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: not a text file (binary, or not UTF-8); expected "
                                "a CSV file with a header row") from None
    if "\x00" in text:
        raise InvalidInputError(f"{path}: contains NUL bytes; expected a text CSV file")
    try:
        reader = csv.DictReader(text.splitlines())
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in columns]
        missing = [c for c in columns if c not in header and c != "note"]
        if unknown or missing:
            raise InvalidInputError(
                f"{path}: unknown columns {unknown[:10]}, missing columns {missing}; expected "
                f"{', '.join(columns)}"
            )
        return list(reader)
    except csv.Error as exc:
        raise InvalidInputError(f"{path}: not a readable CSV file ({exc})") from None


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
    source = data_file("qv_records.csv") if path is None else Path(path)
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
        if year > _today():
            raise InvalidInputError(f"{where}: dated {row['date']}, in the future; a record "
                                    "is a result already published")
        out.append({**row, "quantum_volume": qv, "log2_qv": int(math.log2(qv)), "year": year})
    if not out:
        raise InvalidInputError(f"{source}: no records; expected one row per QV record after "
                                "the header")
    return out


def _today() -> float:
    """Today as a decimal year (the latest date a record may carry)."""
    import datetime

    return decimal_year(datetime.date.today().isoformat())


def load_classical(path=None) -> list[dict]:
    """Classical series points: ``series``, ``kind``, ``year``, ``value``, ``unit``, source.

    Examples
    --------
    >>> sorted({p["kind"] for p in load_classical()})
    ['memory_anchor', 'simulation_frontier', 'top500']
    """
    columns = ("series", "kind", "date", "value", "unit", "source_url", "status")
    source = data_file("classical.csv") if path is None else Path(path)
    out = []
    for line, row in enumerate(_rows(source, columns), start=2):
        value = float(row["value"])
        if value <= 0:
            raise InvalidInputError(f"{source}, line {line}: value must be positive")
        out.append({**row, "value": value, "year": decimal_year(row["date"])})
    return out


@dataclass(frozen=True)
class Trend:
    """A published growth rate on the common footing (doublings per year); ``name`` is its
    key in ``qml/data/trends.csv``."""

    name: str
    kind: str
    doubling_time_months: float
    doubling_time_interval: tuple[float | None, float | None]
    source: str

    @property
    def doublings_per_year(self) -> float:
        """Doublings per year."""
        return 12.0 / self.doubling_time_months

    @property
    def growth_per_year(self) -> float:
        """Growth factor per year."""
        return 2.0 ** self.doublings_per_year


def load_trends(path=None) -> list[Trend]:
    """Published doubling times (Moore's law, AI training compute, GPU price-performance).

    Examples
    --------
    >>> next(t for t in load_trends() if t.name == "moore_law").doubling_time_months
    24.0
    """
    columns = ("name", "kind", "doubling_time_months", "low_months", "high_months",
               "source_url", "note")
    source = data_file("trends.csv") if path is None else Path(path)
    out = []
    for row in _rows(source, columns):
        low = float(row["low_months"]) if row["low_months"] else None
        high = float(row["high_months"]) if row["high_months"] else None
        out.append(Trend(row["name"], row["kind"], float(row["doubling_time_months"]),
                         (low, high), row["source_url"]))
    return out


def load_two_qubit_errors(path=None) -> list[dict]:
    """Published two-qubit gate errors over time, per vendor (``qml/data/two_qubit_errors.csv``).

    ``scope`` is ``device`` (a median or mean over a whole product device) or ``pair`` (the
    best pair of a test device: what the technology reaches, not what a user runs); each row
    gets ``year`` and ``implied_log2_qv``, the width ``qml.volume.prediction.implied_log2_qv``
    gives for that error (capped at the device's qubits for ``device`` rows).

    Examples
    --------
    >>> rows = load_two_qubit_errors()
    >>> sorted({r["scope"] for r in rows}), all(0 < r["two_qubit_error"] < 1 for r in rows)
    (['device', 'pair'], True)
    """
    from qml.volume.prediction import implied_log2_qv

    source = data_file("two_qubit_errors.csv") if path is None else Path(path)
    out = []
    for line, row in enumerate(_rows(source, TWO_QUBIT_COLUMNS), start=2):
        where = f"{source}, line {line}"
        try:
            error, qubits = float(row["two_qubit_error"]), int(row["qubits"])
            year = decimal_year(row["date"])
        except (TypeError, ValueError, InvalidInputError) as exc:
            raise InvalidInputError(f"{where}: {exc}") from None
        if not 0 < error < 1 or qubits < 2:
            raise InvalidInputError(f"{where}: two_qubit_error must lie in (0, 1) and qubits "
                                    f"be at least 2; got {error}, {qubits}")
        if row.get("scope") not in _SCOPES or row.get("status") not in _STATUSES:
            raise InvalidInputError(f"{where}: scope must be one of {_SCOPES} and status one "
                                    f"of {_STATUSES}; got {row.get('scope')!r}, "
                                    f"{row.get('status')!r}")
        cap = qubits if row["scope"] == "device" else None
        out.append({**row, "two_qubit_error": error, "qubits": qubits, "year": year,
                    "implied_log2_qv": implied_log2_qv(error, max_qubits=cap)})
    return out


def load_vendor_metrics(path=None) -> list[dict]:
    """What each vendor reports instead of (or beside) QV, since when, with a source.

    Examples
    --------
    >>> next(r for r in load_vendor_metrics() if r["vendor"] == "IBM")["since"]
    '2023-11-20'
    """
    source = data_file("vendor_metrics.csv") if path is None else Path(path)
    out = []
    for line, row in enumerate(_rows(source, VENDOR_COLUMNS), start=2):
        try:
            out.append({**row, "since_year": decimal_year(row["since"])})
        except InvalidInputError as exc:
            raise InvalidInputError(f"{source}, line {line}: {exc}") from None
    return out


def last_reported(rows: list[dict], metrics: list[dict] | None = None) -> list[dict]:
    """Per hardware line: its last confirmed QV record (date, year, log2 QV; ``None`` when it
    never confirmed one) and what it reports instead. A projection of that line is an
    extrapolation beyond ``last_year``.

    Examples
    --------
    >>> ibm = next(v for v in last_reported(load_qv_records()) if v["vendor"] == "IBM")
    >>> ibm["last_date"], ibm["last_log2_qv"], ibm["reports_instead"].split(" (")[0]
    ('2023-12', 9, 'EPLG')
    """
    metrics = load_vendor_metrics() if metrics is None else metrics
    by_vendor = {m["vendor"]: m for m in metrics}
    out = []
    for vendor in sorted({hardware_line(r["vendor"]) for r in rows}):
        mine = [r for r in rows if hardware_line(r["vendor"]) == vendor
                and r["status"] == "confirmed"]
        last = max(mine, key=lambda r: (r["year"], r["log2_qv"])) if mine else None
        m = by_vendor.get(vendor, {})
        out.append({"vendor": vendor,
                    "last_date": last["date"] if last else None,
                    "last_year": last["year"] if last else None,
                    "last_log2_qv": last["log2_qv"] if last else None,
                    "best_log2_qv": max(r["log2_qv"] for r in mine) if mine else None,
                    "reports_instead": m.get("reports_instead") or None,
                    "since": m.get("since") or None,
                    "source_url": m.get("source_url") or None})
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


HARDWARE_LINES = {"Honeywell": "Quantinuum"}  # vendors fitted as one hardware line


def hardware_line(vendor: str) -> str:
    """The hardware line a vendor's records belong to (any case; Honeywell -> Quantinuum).

    Examples
    --------
    >>> hardware_line("honeywell"), hardware_line("IBM")
    ('Quantinuum', 'IBM')
    """
    folded = {k.lower(): v for k, v in HARDWARE_LINES.items()}
    return folded.get(vendor.lower(), vendor)


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


def _device_series(rows, include_claimed: bool) -> dict[str, list[dict]]:
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
            for v, mine in _device_series(rows, include_claimed).items()]


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
            for v, mine in _device_series(rows, include_claimed).items()]


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


@dataclass(frozen=True)
class Frontier:
    """A classical verification frontier: the qubits ``intercept + slope * year`` that
    classical computers can simulate exactly. ``fit_key`` names the classical fit whose
    uncertainty a crossover carries (None: the line is taken as exact)."""

    key: str
    name: str
    intercept: float
    slope: float
    fit_key: str | None = None

    def qubits(self, year) -> np.ndarray:
        """The frontier at ``year`` (a number or an array)."""
        return self.intercept + self.slope * np.asarray(year, dtype=float)


def verification_frontiers(points: list[dict] | None = None,
                           fits: list[Fit] | None = None) -> list[Frontier]:
    """The two verification frontiers: (a) the trend of the largest state-vector simulations
    (key ``STATE_VECTOR_RECORD``); (b) the qubits the TOP500 #1 memory holds at 16 bytes per
    amplitude, from Frontier's 9.2 PB growing at the TOP500 Rmax rate (key ``TOP500_MEMORY``;
    the assumption is stated in the module docstring). ``fits`` are ``classical_fits(points)``,
    computed when not given.

    Examples
    --------
    >>> [f.key for f in verification_frontiers()]
    ['state_vector_record', 'top500_memory']
    """
    points = load_classical() if points is None else points
    by_key = {f.key: f for f in (classical_fits(points) if fits is None else fits)}
    top, sim = by_key["top500_rmax"], by_key["state_vector_simulation"]
    anchor = next(p for p in points if p["kind"] == "memory_anchor")
    qubits0 = math.log2(anchor["value"] / BYTES_PER_AMPLITUDE)
    return [Frontier(STATE_VECTOR_RECORD, "state-vector simulation record", sim.intercept,
                     sim.slope, sim.key),
            Frontier(TOP500_MEMORY, "TOP500 #1 memory", qubits0 - top.slope * anchor["year"],
                     top.slope)]


def frontier_lines(points: list[dict] | None = None) -> dict[str, tuple[float, float]]:
    """Deprecated: ``verification_frontiers()``, as ``{name: (intercept, slope)}``."""
    deprecated("qml.projection.frontier_lines()", "qml.projection.verification_frontiers()")
    return {f.name: (f.intercept, f.slope) for f in verification_frontiers(points)}


def year_of_multiple(doubling_time_months: float, multiple: float, start_year: float) -> float:
    """Year at which a trend with this doubling time delivers ``multiple`` x from ``start``.

    Examples
    --------
    >>> year_of_multiple(12, 1024, 2020)
    2030.0
    """
    return start_year + math.log2(multiple) * doubling_time_months / 12.0


def crossover_year(qv: Fit, line: tuple[float, float], other: Fit | None = None,
                   draws: int = 20000, seed: int = 0) -> tuple[float, tuple[float, float]]:
    """Year where the fitted log2 QV (qubits n) crosses a frontier line ``(intercept,
    slope)``, with a 95% interval from the parameter uncertainty of the QV fit (and of the
    frontier's own fit, if given).

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
                           "status": {"enum": list(_STATUSES)}}}},
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

    def to_json(self) -> str:
        """Deprecated: ``json.dumps(projection.to_dict())``."""
        from qml.files import to_json_text

        deprecated("Projection.to_json()", "json.dumps(projection.to_dict()) or save()")
        return to_json_text(self.to_dict())

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
