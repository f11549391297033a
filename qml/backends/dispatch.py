"""The one place that decides where a circuit runs.

Every caller -- the classifier's evaluators, the quantum-volume runners, the quantum kernel's
sampled Gram matrices and layer fidelity -- resolves its backend here, once, into a
``Target``, and takes from it what it needs: Aer's simulator, the device, or the runtime jobs
that go through the ledger. A new kind of backend, or a change in how hardware jobs reach the
ledger, is made in this file:

=====================  ============  ========================================================
backend                ``kind``      where it runs
=====================  ============  ========================================================
``statevector``        ``engine``    qlimits' exact engine: exact values, or with ``shots``
                                     seeded draws from each circuit's exact distribution
``aer``                ``aer``       Aer's ideal simulator, sampled
``aer:<fake>``         ``device``    Aer with the fake device's noise model and coupling map
``fake:<fake>``        ``runtime``   qiskit-ibm-runtime's local mode, through the job ledger
``ibm:<name>``         ``runtime``   IBM Quantum hardware, through the job ledger
an ``AerSimulator``    ``custom``    that simulator, as given
=====================  ============  ========================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from qml.backends.spec import BackendSpec, build_simulator, fake_backend, parse_backend
from qml.errors import ConfigurationError

__all__ = ["Target", "resolve", "KINDS"]

KINDS = ("engine", "aer", "device", "runtime", "custom")
_KIND_OF = {"statevector": "engine", "aer": "aer", "aer_noisy": "device", "fake": "runtime",
            "ibm": "runtime"}


@dataclass(frozen=True)
class Target:
    """Where a backend's circuits run (see the table above).

    Attributes
    ----------
    kind : str
        One of ``KINDS``.
    name : str
        The backend string as given (``"custom"`` for a simulator of your own).
    spec : BackendSpec or None
        The parsed string (None for a simulator of your own).
    """

    kind: str
    name: str
    spec: BackendSpec | None = None
    custom: object | None = None

    @property
    def exact(self) -> bool:
        """Runs on the exact engine (exact values, or draws from exact distributions)."""
        return self.kind == "engine"

    @property
    def runtime(self) -> bool:
        """Its jobs go through qiskit-ibm-runtime and the job ledger."""
        return self.kind == "runtime"

    def simulator(self):
        """The Aer simulator of an ``aer``, ``device`` (with the noise model) or ``custom``
        target."""
        if self.kind == "custom":
            return self.custom
        if self.kind in ("aer", "device"):
            return build_simulator(self.spec)
        raise ConfigurationError(f"backend {self.name!r} runs no Aer simulator")

    def device(self, n_qubits: int | None = None, service=None):
        """The device: a fake backend (``device``, ``fake:``) or IBM's backend (``ibm:``,
        credentials checked now), with at least ``n_qubits`` qubits."""
        if self.kind == "device":
            return fake_backend(self.spec.device)
        if self.kind == "runtime":
            from qml.hardware.runtime import runtime_backend

            return runtime_backend(self.spec, n_qubits or 1, service=service)
        raise ConfigurationError(f"backend {self.name!r} is not a device")

    def jobs(self, device=None, mode: str | None = "batch", **options):
        """``RuntimeJobs`` that send this target's sampler jobs through the job ledger
        (``mode``: ``"batch"`` or ``"session"`` where the account allows, None for single
        jobs); ``options`` go to ``RuntimeJobs``."""
        if not self.runtime:
            raise ConfigurationError(f"backend {self.name!r} runs on this machine: no jobs")
        from qml.hardware.runtime import RuntimeJobs

        jobs = RuntimeJobs(self.spec, device, **options)
        if mode is not None:
            jobs.open_mode(mode)
        return jobs


def resolve(backend) -> Target:
    """The ``Target`` of a backend string, or of an ``AerSimulator`` (any ``BackendV2``) of
    your own; an unknown string is an ``UnknownBackendError`` listing the valid forms.

    Examples
    --------
    >>> resolve("statevector").kind, resolve("aer:fake_lima").kind, resolve("fake:fake_lima").kind
    ('engine', 'device', 'runtime')
    >>> from qiskit_aer import AerSimulator
    >>> resolve(AerSimulator()).kind
    'custom'
    """
    if not isinstance(backend, str):
        from qiskit.providers import BackendV2

        if isinstance(backend, BackendV2):
            return Target("custom", "custom", custom=backend)
    spec = parse_backend(backend)  # a non-string gets the one message listing valid forms
    return Target(_KIND_OF[spec.kind], spec.text, spec)
