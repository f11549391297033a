"""The one parser of backend strings, and the one place that builds simulators.

Backend strings::

    statevector          exact state-vector evaluation (qlimits' engine; Aer if it cannot)
    aer                  shot-based, noiseless AerSimulator
    aer:<fake backend>   AerSimulator with a qiskit-ibm-runtime fake backend's noise model and
                         coupling map, e.g. aer:fake_kolkata (needs ``pip install qlimits[ibm]``)
    fake:<name>          reserved: qiskit-ibm-runtime local testing mode (not yet available)
    ibm:<name>[@inst]    reserved: IBM Quantum hardware (not yet available)

No backend is ever chosen silently: every entry point takes one of these strings.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

from qml.errors import ConfigurationError, UnknownBackendError

__all__ = ["BackendSpec", "parse_backend", "fake_backend", "fake_backend_names",
           "build_simulator", "BACKEND_FORMS"]

BACKEND_FORMS = ("statevector", "aer", "aer:<fake backend>")
_RESERVED = ("fake", "ibm")
_IBM_EXTRA = "pip install 'qlimits[ibm]'"


@dataclass(frozen=True)
class BackendSpec:
    """A parsed backend string.

    Attributes
    ----------
    kind : str
        ``"statevector"``, ``"aer"`` or ``"aer_noisy"``.
    device : str or None
        Fake-backend name for ``aer_noisy``.
    text : str
        The original string.
    """

    kind: str
    device: str | None
    text: str

    @property
    def exact(self) -> bool:
        return self.kind == "statevector"


def _valid_message() -> str:
    return "valid backends: " + ", ".join(BACKEND_FORMS) + " (e.g. aer:fake_kolkata)"


def parse_backend(text: str) -> BackendSpec:
    """Parse a backend string; unknown strings raise with the list of valid forms.

    Examples
    --------
    >>> parse_backend("aer:fake_kolkata")
    BackendSpec(kind='aer_noisy', device='fake_kolkata', text='aer:fake_kolkata')
    """
    if not isinstance(text, str):
        raise UnknownBackendError(f"backend must be a string; got {text!r}. {_valid_message()}")
    value = text.strip().lower()
    if value in ("statevector", "aer"):
        return BackendSpec(value, None, text)
    prefix, _, rest = value.partition(":")
    if prefix == "aer" and rest:
        _check_fake_name(rest)
        return BackendSpec("aer_noisy", rest, text)
    if prefix in _RESERVED and rest:
        raise UnknownBackendError(
            f"backend {text!r}: the '{prefix}:' backends are not available in this version of "
            f"qlimits. {_valid_message()}"
        )
    raise UnknownBackendError(f"unknown backend {text!r}; {_valid_message()}")


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
