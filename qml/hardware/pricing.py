"""What a hardware run will cost, before anything is sent.

``VQC.estimate`` and ``estimate_quantum_volume`` (and ``--dry-run`` on ``qlimits train`` and
``qlimits qv measure``) transpile exactly what a ``fake:`` or ``ibm:`` run would submit, count
its jobs, circuits and shots, and turn them into QPU seconds with this model:

    job seconds = job overhead + shots x sum over the job's circuits of (duration + rep_delay)

* ``duration`` of each circuit is its transpiled (ISA) schedule on the backend's target
  (``QuantumCircuit.estimate_duration``: gate and measurement durations of the qubits used);
* ``rep_delay`` is the backend's default repetition delay (``default_rep_delay``), or the
  ``execution.rep_delay`` of the run's sampler options; IBM runs every circuit of a job once
  per shot, each followed by this delay;
* ``job overhead`` (default ``JOB_OVERHEAD_SECONDS`` = 3 s) is what a job costs besides its
  shots: loading and preparing the circuits on the control electronics. IBM does not publish
  it; 3 s is IBM's documented ``usage_estimation`` example (4.1 s for one Bell circuit at the
  default 4,096 shots) less that circuit's shots at a 250 us repetition delay. Override it
  with ``job_overhead=``.

Cost is usage times a price per second, read from ``qml/data/ibm_pricing.json`` (IBM's
published plans, with source and date; Pay-As-You-Go by default; override with
``usd_per_second=``). Training runs in a runtime session on ``ibm:``, and IBM bills a session
by its wall-clock time, the optimizer's time between jobs and queueing included: there the
estimate is a lower bound. Local (``fake:``) jobs report a usage of 0 s in qiskit-ibm-runtime,
so the model cannot be checked against local runs; it is checked against hand-computed
durations in the tests.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from qml.errors import ConfigurationError
from qml.paths import data_file
from qml.result_file import ResultFile, document_schema

__all__ = ["JobGroup", "CostEstimate", "circuit_seconds", "rep_delay_seconds", "pricing",
           "build_estimate", "optimizer_jobs", "split_groups", "JOB_OVERHEAD_SECONDS",
           "BOUNDS"]

logger = logging.getLogger(__name__)

JOB_OVERHEAD_SECONDS = 3.0
_FALLBACK_REP_DELAY = 250e-6  # IBM's usual default where a backend does not say
BOUNDS = {
    "exact": "the run submits exactly these jobs",
    "upper": "the run may need fewer (an optimizer that stops early, predictions against the "
             "support vectors only): at most these jobs",
    "lower": "line searches add evaluations: at least these jobs",
}


@cache
def pricing() -> dict:
    """IBM Quantum's published prices per second of QPU usage, with their source and date.

    Examples
    --------
    >>> p = pricing()
    >>> p["plans"][p["default_plan"]]["usd_per_second"], p["source"]
    (1.6, 'https://www.ibm.com/quantum/pricing')
    """
    return json.loads(data_file("ibm_pricing.json").read_text(encoding="utf-8"))


def circuit_seconds(isa_circuit, target) -> float:
    """Duration of one run of a transpiled circuit on a backend's target, in seconds.

    Examples
    --------
    >>> from qiskit import QuantumCircuit
    >>> from qml.backends import fake_backend
    >>> target = fake_backend("fake_lima").target
    >>> qc = QuantumCircuit(5); _ = qc.sx(0)
    >>> circuit_seconds(qc, target) == target["sx"][(0,)].duration
    True
    """
    try:
        return float(isa_circuit.estimate_duration(target, unit="s"))
    except Exception as exc:  # noqa: BLE001 - a target without durations: say which
        raise ConfigurationError(f"the backend's target gives no duration for circuit "
                                 f"{isa_circuit.name!r} ({exc}); cannot estimate its QPU "
                                 "time") from exc


def rep_delay_seconds(backend, options: dict | None = None) -> float:
    """The repetition delay a run uses: ``options["execution"]["rep_delay"]`` if set, else
    the backend's ``default_rep_delay`` (250 us where it says nothing).

    Examples
    --------
    >>> from qml.backends import fake_backend
    >>> lima = fake_backend("fake_lima")
    >>> chosen = {"execution": {"rep_delay": 5e-4}}
    >>> round(rep_delay_seconds(lima) * 1e6), rep_delay_seconds(lima, chosen)
    (250, 0.0005)
    """
    chosen = ((options or {}).get("execution") or {}).get("rep_delay")
    if chosen is not None:
        return float(chosen)
    value = getattr(backend, "default_rep_delay", None)
    if value is None:
        config = getattr(backend, "configuration", None)
        value = getattr(config(), "default_rep_delay", None) if callable(config) else None
    return float(value) if value is not None else _FALLBACK_REP_DELAY


def optimizer_jobs(method: str, maxiter: int, n_weights: int) -> tuple[list[tuple[int, int]],
                                                                       str]:
    """Jobs of one training run as ``[(jobs, parameter sets per job), ...]`` and their bound.

    Each optimizer step is one job of every training sample under one or more parameter sets
    (``qml.models.optimizers``): SPSA evaluates 3 sets per step and 1 at the end; Adam the
    parameter-shift sets ``1 + 2 m`` per step and 1 at the end; COBYLA 1 set per evaluation,
    ``maxiter`` at most, but never fewer than ``m + 2`` (SciPy raises a smaller budget to
    that); L-BFGS-B one gradient (``1 + 2 m`` sets) per evaluation, at least one
    per iteration.

    Examples
    --------
    >>> optimizer_jobs("spsa", 100, 16)
    ([(100, 3), (1, 1)], 'exact')
    """
    shift = 1 + 2 * n_weights
    plans = {"spsa": ([(maxiter, 3), (1, 1)], "exact"),
             "adam": ([(maxiter, shift), (1, 1)], "exact"),
             "cobyla": ([(max(maxiter, n_weights + 2), 1)], "upper"),
             "lbfgs": ([(maxiter, shift)], "lower")}
    if method not in plans:
        raise ConfigurationError(f"no job model for optimizer {method!r}")
    return plans[method]


@dataclass
class JobGroup:
    """Jobs of one kind and shape: ``jobs`` jobs of ``circuits`` circuit runs each (circuits
    times parameter sets), ``shots`` shots each, ``seconds_per_circuit`` their mean duration.

    Examples
    --------
    >>> JobGroup("prediction", 1, 10, 100, 0.0).qpu_seconds(rep_delay=1e-3, job_overhead=2.0)
    3.0
    """

    kind: str
    jobs: int
    circuits: int
    shots: int
    seconds_per_circuit: float

    def qpu_seconds(self, rep_delay: float, job_overhead: float) -> float:
        """QPU seconds of the group under the module's model."""
        per_job = job_overhead + self.shots * self.circuits * (self.seconds_per_circuit
                                                               + rep_delay)
        return self.jobs * per_job


def split_groups(kind: str, circuits: int, shots: int, seconds: float, per_job: int,
                 repeat: int = 1) -> list[JobGroup]:
    """The jobs of ``repeat`` pieces of work of ``circuits`` circuits each, every piece split
    as ``RuntimeJobs.run`` splits it (``qml.hardware.job_limits``): full jobs of ``per_job``
    circuits, and one job of the rest.

    Examples
    --------
    >>> [(g.jobs, g.circuits) for g in split_groups("kernel", 2500, 100, 1e-6, 1000)]
    [(2, 1000), (1, 500)]
    >>> [(g.jobs, g.circuits) for g in split_groups("step", 300, 100, 1e-6, 4096, repeat=10)]
    [(10, 300)]
    """
    full, rest = divmod(int(circuits), int(per_job))
    groups = [JobGroup(kind, repeat * full, per_job, shots, seconds)] if full else []
    return groups + ([JobGroup(kind, repeat, rest, shots, seconds)] if rest else [])


_GROUP = {"type": "object", "required": ["kind", "jobs", "circuits", "shots",
                                         "seconds_per_circuit"],
          "properties": {"kind": {"type": "string"},
                         "jobs": {"type": "integer", "minimum": 0},
                         "circuits": {"type": "integer", "minimum": 0},
                         "shots": {"type": "integer", "minimum": 1},
                         "seconds_per_circuit": {"type": "number", "minimum": 0}}}


@dataclass
class CostEstimate(ResultFile):
    """Jobs, circuits, shots, QPU seconds and price of a run, before it is sent.

    Attributes
    ----------
    backend : str
        The ``fake:`` or ``ibm:`` backend it was estimated for (``fake:`` names a device whose
        real counterpart would be billed).
    groups : list of JobGroup
        The jobs, by kind.
    rep_delay, job_overhead : float
        The model's repetition delay and per-job overhead, seconds.
    usd_per_second : float
        Price used; ``price_plan`` and ``price_source`` say where it comes from.
    bound : str
        ``"exact"``, ``"upper"`` or ``"lower"``: how the job count relates to the run's
        (``BOUNDS``).
    notes : list of str
        What the estimate leaves out.

    Examples
    --------
    >>> est = build_estimate("fake:fake_lima", [JobGroup("qv_width_2", 1, 100, 1000, 2e-6)],
    ...                      rep_delay=100e-6, job_overhead=3.0)
    >>> round(est.qpu_seconds, 2), round(est.cost_usd, 2), est.shots
    (13.2, 21.12, 100000)
    """

    FORMAT = "qlimits.cost_estimate"
    SCHEMA = document_schema({
        "backend": {"type": "string"},
        "groups": {"type": "array", "items": _GROUP},
        "rep_delay": {"type": "number", "minimum": 0},
        "job_overhead": {"type": "number", "minimum": 0},
        "usd_per_second": {"type": "number", "minimum": 0},
        "price_plan": {"type": "string"},
        "price_source": {"type": "string"},
        "bound": {"enum": list(BOUNDS)},
        "notes": {"type": "array", "items": {"type": "string"}},
    }, required=["backend", "groups", "rep_delay", "job_overhead", "usd_per_second", "bound"])

    backend: str
    groups: list[JobGroup]
    rep_delay: float
    job_overhead: float
    usd_per_second: float
    price_plan: str = ""
    price_source: str = ""
    bound: str = "exact"
    notes: list[str] = field(default_factory=list)

    @property
    def jobs(self) -> int:
        """Jobs submitted."""
        return sum(g.jobs for g in self.groups)

    @property
    def circuits(self) -> int:
        """Circuit runs over all jobs (circuits times parameter sets)."""
        return sum(g.jobs * g.circuits for g in self.groups)

    @property
    def shots(self) -> int:
        """Shots over all jobs."""
        return sum(g.jobs * g.circuits * g.shots for g in self.groups)

    @property
    def qpu_seconds(self) -> float:
        """Estimated QPU usage, seconds."""
        return sum(g.qpu_seconds(self.rep_delay, self.job_overhead) for g in self.groups)

    @property
    def cost_usd(self) -> float:
        """Estimated price, USD."""
        return self.qpu_seconds * self.usd_per_second

    def check_limit(self, max_qpu_seconds: float | None) -> None:
        """Raise ``ConfigurationError`` when the estimate exceeds ``max_qpu_seconds``."""
        if max_qpu_seconds is not None and self.qpu_seconds > max_qpu_seconds:
            raise ConfigurationError(
                f"the run on {self.backend} is estimated at {self.qpu_seconds:,.0f} QPU "
                f"seconds (USD {self.cost_usd:,.0f}), over the limit of {max_qpu_seconds:,.0f}"
                f" s; nothing was submitted (the estimate: --dry-run, VQC.estimate or "
                "estimate_quantum_volume)")

    def summary(self) -> str:
        """The estimate as text: one line per kind of job, then the totals and the model."""
        lines = [f"Cost estimate for {self.backend} (nothing submitted)"]
        width = max([len(g.kind) for g in self.groups] + [4])
        lines.append(f"  {'kind'.ljust(width)}  {'jobs':>6}  {'circuits/job':>12}  "
                     f"{'shots':>6}  {'us/circuit':>10}  {'QPU s':>9}")
        for g in self.groups:
            lines.append(f"  {g.kind.ljust(width)}  {g.jobs:>6}  {g.circuits:>12}  "
                         f"{g.shots:>6}  {g.seconds_per_circuit * 1e6:>10.2f}  "
                         f"{g.qpu_seconds(self.rep_delay, self.job_overhead):>9.1f}")
        lines.append(f"  total: {self.jobs} jobs, {self.circuits:,} circuit runs, "
                     f"{self.shots:,} shots, {self.qpu_seconds:,.1f} QPU seconds "
                     f"({self.qpu_seconds / 60:,.1f} min), USD {self.cost_usd:,.2f} at "
                     f"USD {self.usd_per_second:.2f}/s ({self.price_plan})")
        lines.append(f"  model: {self.job_overhead:g} s per job + shots x circuits x "
                     f"(duration + rep_delay {self.rep_delay * 1e6:.0f} us); "
                     f"{BOUNDS[self.bound]}")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def _to_body(self) -> dict:
        return {"backend": self.backend, "groups": [g.__dict__ for g in self.groups],
                "rep_delay": self.rep_delay, "job_overhead": self.job_overhead,
                "usd_per_second": self.usd_per_second, "price_plan": self.price_plan,
                "price_source": self.price_source, "bound": self.bound, "notes": self.notes,
                "jobs": self.jobs, "circuits": self.circuits, "shots": self.shots,
                "qpu_seconds": self.qpu_seconds, "cost_usd": self.cost_usd}

    @classmethod
    def _from_body(cls, doc: dict) -> CostEstimate:
        return cls(doc["backend"], [JobGroup(**g) for g in doc["groups"]], doc["rep_delay"],
                   doc["job_overhead"], doc["usd_per_second"], doc.get("price_plan", ""),
                   doc.get("price_source", ""), doc["bound"], list(doc.get("notes", [])))


def build_estimate(backend: str, groups: Sequence[JobGroup], *, rep_delay: float,
                   job_overhead: float | None = None, usd_per_second: float | None = None,
                   bound: str = "exact", notes: Sequence[str] = ()) -> CostEstimate:
    """A ``CostEstimate`` priced at IBM's default plan unless ``usd_per_second`` is given.

    Examples
    --------
    >>> est = build_estimate("ibm:x", [JobGroup("k", 2, 1, 1, 0.0)], rep_delay=0.0,
    ...                      usd_per_second=2.0)
    >>> est.qpu_seconds, est.cost_usd, est.price_plan
    (6.0, 12.0, 'given')
    """
    job_overhead = JOB_OVERHEAD_SECONDS if job_overhead is None else float(job_overhead)
    for name, value in (("job_overhead", job_overhead), ("usd_per_second", usd_per_second)):
        if value is not None and not value >= 0:
            raise ConfigurationError(f"{name} must be a number >= 0; got {value!r}")
    prices = pricing()
    if usd_per_second is None:
        plan = prices["plans"][prices["default_plan"]]
        usd_per_second, plan_name = plan["usd_per_second"], (
            f"IBM {plan['name']} plan, {prices['retrieved']}")
        source = prices["source"]
    else:
        plan_name, source = "given", "usd_per_second"
    estimate = CostEstimate(backend, list(groups), float(rep_delay), job_overhead,
                            float(usd_per_second), plan_name, source, bound, list(notes))
    logger.info("cost estimate on %s: %d jobs, %d circuit runs, %.1f QPU s, USD %.2f",
                backend, estimate.jobs, estimate.circuits, estimate.qpu_seconds,
                estimate.cost_usd)
    return estimate
