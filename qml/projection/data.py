"""The public record, read with checks: QV milestones, classical trends, two-qubit errors and
what vendors report instead of QV (``qml/data``, one source URL per value; or your own CSV
in the same schema).
"""

from __future__ import annotations

import csv
import logging
import math
from dataclasses import dataclass
from pathlib import Path

from qml.dates import decimal_year, decimal_year_today
from qml.errors import InvalidInputError, ResultFileError
from qml.files import read_bounded
from qml.paths import data_file

__all__ = ["decimal_year", "read_rows", "load_qv_records", "decimal_year_today",
           "load_classical", "Trend", "load_trends", "load_two_qubit_errors",
           "load_vendor_metrics", "last_reported", "record_frontier", "hardware_line",
           "QV_COLUMNS", "TWO_QUBIT_COLUMNS", "VENDOR_COLUMNS", "STATUSES",
           "MAX_HORIZON_YEARS", "MAX_RECORDS_BYTES", "HARDWARE_LINES"]

logger = logging.getLogger(__name__)


QV_COLUMNS = ("date", "vendor", "system", "quantum_volume", "source_url", "status", "note")


TWO_QUBIT_COLUMNS = ("date", "vendor", "system", "qubits", "two_qubit_error", "statistic",
                     "scope", "source_url", "status", "note")


VENDOR_COLUMNS = ("vendor", "reports_instead", "since", "source_url", "note")


_SCOPES = ("device", "pair")


STATUSES = ("confirmed", "claimed")




MAX_HORIZON_YEARS = 100  # a projection's horizon and start year lie within this of the records


MAX_RECORDS_BYTES = 8 * 2**20  # every public QV record and trend fits in a few kB


def read_rows(path, columns) -> list[dict]:
    """The rows of a bounded CSV file, with exactly ``columns`` as its header."""
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
    for line, row in enumerate(read_rows(source, QV_COLUMNS), start=2):
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
        if row.get("status") not in STATUSES:
            raise InvalidInputError(f"{where}: status must be one of {STATUSES}; "
                                    f"got {row.get('status')!r}")
        try:
            year = decimal_year(row["date"])
        except InvalidInputError as exc:
            raise InvalidInputError(f"{where}: {exc}") from exc
        if year > decimal_year_today():
            raise InvalidInputError(f"{where}: dated {row['date']}, in the future; a record "
                                    "is a result already published")
        out.append({**row, "quantum_volume": qv, "log2_qv": int(math.log2(qv)), "year": year})
    if not out:
        raise InvalidInputError(f"{source}: no records; expected one row per QV record after "
                                "the header")
    return out


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
    for line, row in enumerate(read_rows(source, columns), start=2):
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
    for row in read_rows(source, columns):
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
    for line, row in enumerate(read_rows(source, TWO_QUBIT_COLUMNS), start=2):
        where = f"{source}, line {line}"
        try:
            error, qubits = float(row["two_qubit_error"]), int(row["qubits"])
            year = decimal_year(row["date"])
        except (TypeError, ValueError, InvalidInputError) as exc:
            raise InvalidInputError(f"{where}: {exc}") from None
        if not 0 < error < 1 or qubits < 2:
            raise InvalidInputError(f"{where}: two_qubit_error must lie in (0, 1) and qubits "
                                    f"be at least 2; got {error}, {qubits}")
        if row.get("scope") not in _SCOPES or row.get("status") not in STATUSES:
            raise InvalidInputError(f"{where}: scope must be one of {_SCOPES} and status one "
                                    f"of {STATUSES}; got {row.get('scope')!r}, "
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
    for line, row in enumerate(read_rows(source, VENDOR_COLUMNS), start=2):
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
