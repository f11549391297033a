"""Decimal years: the one time axis of qlimits' fits, projections and cost records."""

from __future__ import annotations

import datetime
import re

from qml.errors import InvalidInputError

__all__ = ["decimal_year", "decimal_year_today"]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


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


def decimal_year_today() -> float:
    """Today as a decimal year (the latest date a record may carry)."""
    return decimal_year(datetime.date.today().isoformat())
