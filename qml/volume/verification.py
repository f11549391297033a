"""The classical cost of verifying quantum volume, timed on this machine.

Certifying QV ``2**n`` needs the ideal output distribution of every ``n``-qubit model circuit,
an exact simulation whose cost doubles (at least) with every qubit. ``verification_cost``
times it at each width, fits ``log2(seconds) = a + b n``, and places this machine on the
verification frontier of the projection (``qml.projection``): the widest state vector its free
memory holds, and the fitted time of a 100-circuit certification at that width.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import numpy as np
from scipy import stats

from circuits.quantum_volume import model_circuits
from qml.dates import decimal_year_today
from qml.engine import memory
from qml.errors import ConfigurationError
from qml.result_file import ResultFile, document_schema
from qml.volume.analysis import MIN_TRIALS
from qml.volume.ideal import ideal_probabilities

__all__ = ["VerificationCost", "verification_cost"]

logger = logging.getLogger(__name__)


@dataclass
class VerificationCost(ResultFile):
    """Seconds per ideal distribution at each width on this machine, the exponential fit,
    and where this machine sits on the verification frontier.

    Attributes
    ----------
    widths, seconds : list
        Each width timed, and the best time of one ideal distribution there.
    log2_seconds_intercept, log2_seconds_per_qubit : float
        The fit ``log2(seconds) = a + b n``; ``2**b`` is the cost factor per extra qubit.
    machine_max_width : int
        The widest state vector this machine's free memory held when measured.
    certification_seconds_at_max_width : float
        Fitted time of a 100-circuit QV certification at that width.
    year : float
        When it was measured (decimal year).
    seed : int
        Seed of the timed model circuits.

    Examples
    --------
    >>> cost = VerificationCost([2, 3, 4], [1e-4, 2e-4, 4e-4], -15.3, 1.0, 30, 1e6, 2026.9, 0)
    >>> VerificationCost.from_dict(cost.to_dict()) == cost
    True
    """

    FORMAT = "qlimits.verification_cost"
    FORMAT_VERSION = 1
    SCHEMA = document_schema({
        "widths": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 2},
        "seconds": {"type": "array", "items": {"type": "number", "exclusiveMinimum": 0},
                    "minItems": 2},
        "log2_seconds_intercept": {"type": "number"},
        "log2_seconds_per_qubit": {"type": "number"},
        "machine_max_width": {"type": "integer", "minimum": 1},
        "certification_seconds_at_max_width": {"type": "number", "minimum": 0},
        "year": {"type": "number"},
        "seed": {"type": ["integer", "null"]},
    }, required=["widths", "seconds", "log2_seconds_intercept", "log2_seconds_per_qubit",
                 "machine_max_width", "certification_seconds_at_max_width", "year"])

    widths: list[int]
    seconds: list[float]
    log2_seconds_intercept: float
    log2_seconds_per_qubit: float
    machine_max_width: int
    certification_seconds_at_max_width: float
    year: float
    seed: int | None = 0

    @property
    def factor_per_qubit(self) -> float:
        """How many times longer one more qubit takes, from the fit."""
        return 2.0**self.log2_seconds_per_qubit

    def _to_body(self) -> dict:
        return {"widths": list(self.widths), "seconds": list(self.seconds),
                "log2_seconds_intercept": self.log2_seconds_intercept,
                "log2_seconds_per_qubit": self.log2_seconds_per_qubit,
                "machine_max_width": self.machine_max_width,
                "certification_seconds_at_max_width": self.certification_seconds_at_max_width,
                "year": self.year, "seed": self.seed}

    @classmethod
    def _from_body(cls, doc: dict) -> VerificationCost:
        if len(doc["widths"]) != len(doc["seconds"]):
            raise ValueError(f"{len(doc['widths'])} widths but {len(doc['seconds'])} times")
        return cls(doc["widths"], doc["seconds"], doc["log2_seconds_intercept"],
                   doc["log2_seconds_per_qubit"], doc["machine_max_width"],
                   doc["certification_seconds_at_max_width"], doc["year"], doc.get("seed"))


def verification_cost(max_width: int, seed: int = 0, repeats: int = 1) -> VerificationCost:
    """Time the ideal distribution of one QV model circuit at each width 2..``max_width``
    on this machine, fit the exponential, and place this machine on the frontier.

    Examples
    --------
    >>> cost = verification_cost(6)
    >>> cost.widths, cost.machine_max_width > 20
    ([2, 3, 4, 5, 6], True)
    """
    if not isinstance(max_width, int) or max_width < 3:
        raise ConfigurationError(f"max_width must be at least 3 to fit a line; got {max_width!r}")
    memory.check_state_memory(max_width, advice="Timing QV verification needs the ideal "
                              "distribution at every width up to max_width; choose a smaller "
                              "max_width.")
    widths, seconds = list(range(2, max_width + 1)), []
    for n in widths:
        circuit = model_circuits(n, 1, seed)
        best = math.inf
        for _ in range(repeats):
            start = time.perf_counter()
            ideal_probabilities(circuit)
            best = min(best, time.perf_counter() - start)
        seconds.append(best)
        logger.info("width %d: %.3g s per ideal distribution", n, best)
    fit = stats.linregress(widths, np.log2(seconds))
    free = memory.available_memory()
    max_n = int(math.floor(math.log2(free / memory.state_bytes(0))))
    per_circuit = 2.0 ** (fit.intercept + fit.slope * max_n)
    return VerificationCost(widths, seconds, float(fit.intercept), float(fit.slope), max_n,
                            MIN_TRIALS * per_circuit, decimal_year_today(),
                            seed)
