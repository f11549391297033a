"""The one parser of backend strings, and the one place that builds simulators.

Backend strings::

    statevector          exact state-vector evaluation (qlimits' engine; Aer if it cannot);
                         with ``shots``, shots drawn from the engine's exact distribution
    aer                  shot-based, noiseless AerSimulator
    aer:<fake backend>   AerSimulator with a qiskit-ibm-runtime fake backend's noise model and
                         coupling map, e.g. aer:fake_kolkata (needs ``pip install qlimits[ibm]``)
    fake:<name>          qiskit-ibm-runtime's local testing mode with that fake backend: the
                         same primitives, ISA transpilation, ledger and resume as hardware
    ibm:<name>[@inst]    an IBM Quantum backend through QiskitRuntimeService (optionally on
                         an instance); ``ibm:least_busy`` picks the least busy operational one

No backend is ever chosen silently: every entry point takes one of these strings.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

from qml.errors import ConfigurationError, UnknownBackendError

__all__ = ["BackendSpec", "parse_backend", "fake_backend", "fake_backend_names",
           "build_simulator", "exact_values", "BACKEND_FORMS", "DEFAULT_SHOTS"]

DEFAULT_SHOTS = 1024  # shots per circuit on shot-based backends when none are given
BACKEND_FORMS = ("statevector", "aer", "aer:<fake backend>", "fake:<fake backend>",
                 "ibm:<backend>[@<instance>]", "ibm:least_busy")
_IBM_EXTRA = "pip install 'qlimits[ibm]'"


@dataclass(frozen=True)
class BackendSpec:
    """A parsed backend string.

    Attributes
    ----------
    kind : str
        ``"statevector"``, ``"aer"``, ``"aer_noisy"``, ``"fake"`` or ``"ibm"``.
    device : str or None
        Fake-backend name (``aer_noisy``, ``fake``) or IBM backend name (``ibm``).
    text : str
        The original string.
    instance : str or None
        IBM Quantum instance (``ibm:<name>@<instance>``).
    """

    kind: str
    device: str | None
    text: str
    instance: str | None = None

    @property
    def exact(self) -> bool:
        """Runs on the exact engine (exact values, or shots drawn from exact distributions
        when shots are asked for)."""
        return self.kind == "statevector"

    @property
    def runtime(self) -> bool:
        """Runs through qiskit-ibm-runtime primitives (and the job ledger)."""
        return self.kind in ("fake", "ibm")


def _valid_message() -> str:
    return "valid backends: " + ", ".join(BACKEND_FORMS) + " (e.g. aer:fake_kolkata)"


def parse_backend(text: str) -> BackendSpec:
    """Parse a backend string; unknown strings raise with the list of valid forms.

    Examples
    --------
    >>> parse_backend("aer:fake_kolkata")
    BackendSpec(kind='aer_noisy', device='fake_kolkata', text='aer:fake_kolkata', instance=None)
    >>> parse_backend("ibm:ibm_torino@my-hub").instance
    'my-hub'
    """
    if not isinstance(text, str):
        raise UnknownBackendError(f"backend must be a string; got {text!r}. {_valid_message()}")
    value = text.strip().lower()
    if value in ("statevector", "aer"):
        return BackendSpec(value, None, text)
    prefix, _, rest = value.partition(":")
    if prefix in ("aer", "fake") and rest:
        _check_fake_name(rest)
        return BackendSpec("aer_noisy" if prefix == "aer" else "fake", rest, text)
    if prefix == "ibm" and rest:
        name, _, instance = text.strip().partition(":")[2].partition("@")
        _fake_provider()  # qiskit-ibm-runtime must be installed
        return BackendSpec("ibm", name, text, instance or None)
    raise UnknownBackendError(f"unknown backend {text!r}; {_valid_message()}")


def exact_values(backend: str, shots: int | None) -> bool:
    """Whether ``backend`` with ``shots`` gives exact values: the engine without shots
    (``statevector`` with shots draws them from exact distributions).

    Examples
    --------
    >>> exact_values("statevector", None), exact_values("statevector", 100)
    (True, False)
    >>> exact_values("aer", None)
    False
    """
    return parse_backend(backend).exact and shots is None


@lru_cache(maxsize=1)
def fake_backend_names() -> tuple[str, ...]:
    """Names of qiskit-ibm-runtime's fake backends (V2), e.g. ``"fake_kolkata"``.

    Examples
    --------
    >>> "fake_kolkata" in fake_backend_names()
    True
    """
    return tuple(sorted(_fake_classes()))


@lru_cache(maxsize=1)
def _fake_classes() -> dict[str, type]:
    module = _fake_provider()
    from qiskit_ibm_runtime.fake_provider.fake_backend import FakeBackendV2

    classes = (getattr(module, n) for n in dir(module))
    return {c.backend_name: c for c in classes
            if isinstance(c, type) and issubclass(c, FakeBackendV2) and c is not FakeBackendV2
            and isinstance(getattr(c, "backend_name", None), str)}


def _fake_provider():
    try:
        from qiskit_ibm_runtime import fake_provider
    except ImportError as exc:
        raise ConfigurationError(
            f"fake backends come from qiskit-ibm-runtime, which is not installed: {_IBM_EXTRA}"
        ) from exc
    return fake_provider


def _check_fake_name(name: str) -> None:
    names = fake_backend_names()
    if name not in names:
        raise UnknownBackendError(
            f"unknown fake backend {name!r}; valid names: {', '.join(names)}"
        )


def fake_backend(name: str):
    """Instantiate a qiskit-ibm-runtime fake backend (V2) by its snake-case name.

    Examples
    --------
    >>> fake_backend("fake_lima").num_qubits
    5
    """
    _check_fake_name(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "not intended to represent typical ..."
        return _fake_classes()[name]()


def build_simulator(spec: BackendSpec, method: str = "automatic"):
    """The AerSimulator for a backend spec: plain for ``aer``/``statevector``, built from
    the fake backend (noise model, coupling map, basis gates) for ``aer:<fake>``.

    Examples
    --------
    >>> build_simulator(parse_backend("aer")).name
    'aer_simulator'
    """
    from qiskit_aer import AerSimulator

    if spec.kind == "aer_noisy":
        return AerSimulator.from_backend(fake_backend(spec.device))
    if spec.kind in ("aer", "statevector"):
        return AerSimulator(method="statevector" if spec.exact else method)
    raise ConfigurationError(f"no simulator for backend kind {spec.kind!r}")  # pragma: no cover
