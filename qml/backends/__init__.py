"""Where a circuit runs: the one parser of backend strings and the one dispatcher.

=================  =========================================================================
module             what it holds
=================  =========================================================================
``spec``           ``parse_backend``: a backend string (``"statevector"``, ``"aer"``,
                   ``"aer:<fake>"``, ``"fake:<fake>"``, ``"ibm:<name>"``) to a
                   ``BackendSpec``; fake devices; Aer simulators
``evaluators``     the classifier's evaluators: a batch of inputs and weights in, expectation
                   values out, on the exact engine (exact, sampled, or under device noise),
                   Aer or a runtime job
``device_noise``   a device's gate and readout errors, as qiskit-aer derives them, on some of
                   its qubits
=================  =========================================================================

Examples
--------
>>> from qml.backends import parse_backend
>>> parse_backend("aer:fake_lima").kind
'aer_noisy'
"""

from qml.backends.spec import (
    BACKEND_FORMS,
    DEFAULT_SHOTS,
    BackendSpec,
    build_simulator,
    exact_values,
    fake_backend,
    fake_backend_names,
    parse_backend,
)

__all__ = ["BackendSpec", "parse_backend", "fake_backend", "fake_backend_names",
           "build_simulator", "exact_values", "BACKEND_FORMS", "DEFAULT_SHOTS"]
