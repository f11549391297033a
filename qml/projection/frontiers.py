"""The classical verification frontier: certifying QV 2^n needs exact simulation of n-qubit
model circuits, so n = log2(QV) is compared with (a) the trend of the largest full
state-vector simulations and (b) the qubits the largest TOP500 machine's memory holds at 16
bytes per amplitude. Also when a trend delivers a multiple, and when two lines cross.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from qml.projection.data import load_classical
from qml.projection.fits import Fit, classical_fits

__all__ = ["Frontier", "verification_frontiers", "year_of_multiple", "crossover_year",
           "STATE_VECTOR_RECORD", "TOP500_MEMORY", "BYTES_PER_AMPLITUDE"]

logger = logging.getLogger(__name__)


STATE_VECTOR_RECORD = "state_vector_record"  # keys of the two verification frontiers


TOP500_MEMORY = "top500_memory"


BYTES_PER_AMPLITUDE = 16


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
    >>> from qml.projection.fits import fit_log2
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
