"""Quantum-volume results: one ``WidthResult`` per width (HOPs, statistics, verdict), and the
``QuantumVolumeResult`` of a sweep, saved and loaded as ``"qlimits.quantum_volume"`` JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from qml.result_file import ResultFile, document_schema
from qml.volume.analysis import (
    HOP_THRESHOLD,
    MIN_TRIALS,
    hop_confidence,
    hop_statistics,
    trials_needed,
)

__all__ = ["WidthResult", "QuantumVolumeResult", "SIMULATED_VS_REPORTED"]


@dataclass
class WidthResult:
    """Everything measured at one width; ``passed`` is the certified verdict.

    Attributes
    ----------
    width : int
        Circuit width ``n`` (= depth).
    trials, shots : int, int or None
        Model circuits run, and shots per circuit (None: exact distributions).
    hops : list of float
        Heavy-output probability of every trial, in trial order.
    mean_hop, sigma, lower_bound : float
        Mean HOP, its binomial standard error, and ``mean_hop - 2 sigma``.
    confidence : float
        One-sided confidence that the true mean HOP exceeds 2/3.
    passed, certified : bool
        ``certified``: at least 100 trials; ``passed``: certified and the lower bound above
        2/3.
    trials_needed : int or None
        Fewest trials with which this mean HOP would pass; None if it never can.
    physical_qubits : list of int, optional
        Device qubits the trials ran on.
    seconds : dict
        Wall time of each stage (ideal, transpile, simulate, analysis).
    bootstrap_lower_bound : float, optional
        The bootstrap bound of Baldwin et al. (2022), when asked for.
    """

    width: int
    trials: int
    shots: int | None
    hops: list[float]
    mean_hop: float
    sigma: float
    lower_bound: float
    confidence: float
    passed: bool
    certified: bool
    trials_needed: int | None
    physical_qubits: list[int] | None = None
    seconds: dict = field(default_factory=dict)
    bootstrap_lower_bound: float | None = None

    @classmethod
    def from_hops(cls, width: int, hops, shots: int | None, **extra) -> WidthResult:
        """Summarise per-trial HOPs into a verdict.

        Examples
        --------
        >>> r = WidthResult.from_hops(3, [0.8] * 100, shots=1000)
        >>> r.passed, round(r.lower_bound, 4)
        (True, 0.72)
        """
        hops = [float(h) for h in hops]
        mean, sigma, lower = hop_statistics(hops)
        certified = len(hops) >= MIN_TRIALS
        return cls(width, len(hops), shots, hops, mean, sigma, lower,
                   hop_confidence(mean, sigma), bool(certified and lower > HOP_THRESHOLD),
                   certified, trials_needed(mean), **extra)

    @property
    def verdict(self) -> str:
        """``"pass"``, ``"fail"``, or ``"no verdict (k < 100 trials)"``."""
        if self.passed:
            return "pass"
        if not self.certified:
            return f"no verdict ({self.trials} < {MIN_TRIALS} trials)"
        return "fail"


_NUMBER = {"type": "number"}
_PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}
_WIDTH_SCHEMA = {
    "type": "object",
    "required": ["width", "trials", "shots", "hops", "mean_hop", "sigma", "lower_bound",
                 "confidence", "passed", "certified", "trials_needed"],
    "properties": {
        "width": {"type": "integer", "minimum": 1},
        "trials": {"type": "integer", "minimum": 1},
        "shots": {"type": ["integer", "null"], "minimum": 1},
        "hops": {"type": "array", "items": _PROBABILITY, "minItems": 1},
        "mean_hop": _PROBABILITY,
        "sigma": {"type": "number", "minimum": 0},
        "lower_bound": _NUMBER,
        "confidence": _PROBABILITY,
        "passed": {"type": "boolean"},
        "certified": {"type": "boolean"},
        "trials_needed": {"type": ["integer", "null"], "minimum": 1},
        "physical_qubits": {"type": ["array", "null"], "items": {"type": "integer",
                                                                 "minimum": 0}},
        "seconds": {"type": "object", "additionalProperties": _NUMBER},
        "bootstrap_lower_bound": {"type": ["number", "null"]},
    },
}
_WIDTH_FIELDS = [f.name for f in fields(WidthResult)]


@dataclass
class QuantumVolumeResult(ResultFile):
    """A quantum-volume measurement: one ``WidthResult`` per width measured.

    ``settings`` records what a resumed sweep must match (trials, method, optimization
    level, qubits, bootstrap, and the seed entropy); ``complete`` is False while a sweep
    that writes its widths as they finish is still running (or was stopped part-way).

    Saved as ``"qlimits.quantum_volume"`` JSON (``save``/``load``, ``to_dict``/``from_dict``);
    files written by qlimits 0.1, which had no format stamp, load too.

    Examples
    --------
    >>> res = QuantumVolumeResult("aer", 0, 100, [WidthResult.from_hops(2, [0.8] * 100, 100)])
    >>> res.quantum_volume, QuantumVolumeResult.from_dict(res.to_dict()) == res
    (4, True)
    """

    FORMAT = "qlimits.quantum_volume"
    FORMAT_VERSION = 1
    UNSTAMPED_VERSION = 0
    SCHEMA = document_schema({
        "quantum_volume": {"type": "integer", "minimum": 1},
        "backend": {"type": "string"},
        "seed": {"type": ["integer", "null"]},
        "shots": {"type": ["integer", "null"], "minimum": 1},
        "widths": {"type": "array", "items": _WIDTH_SCHEMA},
        "settings": {"type": ["object", "null"]},
        "complete": {"type": "boolean"},
    }, required=["backend", "seed", "shots", "widths"])

    backend: str
    seed: int | None
    shots: int | None
    widths: list[WidthResult]
    settings: dict | None = None
    complete: bool = True

    @property
    def quantum_volume(self) -> int:
        """``2**n`` for the largest passing width; 1 when none passes."""
        passing = [w.width for w in self.widths if w.passed]
        return 2 ** max(passing) if passing else 1

    def _to_body(self) -> dict:
        return {"quantum_volume": self.quantum_volume, "backend": self.backend,
                "seed": self.seed, "shots": self.shots,
                "widths": [asdict(w) for w in self.widths], "settings": self.settings,
                "complete": self.complete}

    @classmethod
    def _from_body(cls, doc: dict) -> QuantumVolumeResult:
        widths = []
        for i, w in enumerate(doc["widths"]):
            if len(w["hops"]) != w["trials"]:
                raise ValueError(f"widths[{i}] has {len(w['hops'])} HOPs for "
                                 f"{w['trials']} trials")
            widths.append(WidthResult(**{k: w[k] for k in _WIDTH_FIELDS if k in w}))
        result = cls(doc["backend"], doc["seed"], doc["shots"], widths,
                     doc.get("settings"), doc.get("complete", True))
        if "quantum_volume" in doc and doc["quantum_volume"] != result.quantum_volume:
            raise ValueError(f"quantum_volume {doc['quantum_volume']} disagrees with the "
                             f"width verdicts ({result.quantum_volume})")
        return result


# Why a fake device's simulated QV differs from the QV its vendor reported (qlimits qv devices
# prints it and writes it beside the results).
SIMULATED_VS_REPORTED = """\
Why simulated and reported quantum volumes differ:
- the noise model is one calibration snapshot (gate errors, T1/T2, readout) with none of the
  crosstalk, leakage, drift or non-Markovian noise of the device on the day it was measured;
- the reported figure came from the vendor's own run: its best qubits that day, its compiler
  settings, sometimes approximate synthesis and error suppression;
- a width that is not simulated here is not credited, so the simulated figure is capped by the
  widths asked for (and by time: every width costs 100 noisy simulations).
The simulation is a consistency check of the noise model, not a measurement of the machine."""
