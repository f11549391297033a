import pytest

from qml.backends import (
    BackendSpec,
    build_simulator,
    fake_backend,
    fake_backend_names,
    parse_backend,
)
from qml.errors import UnknownBackendError


@pytest.mark.parametrize("text,kind,device", [
    ("statevector", "statevector", None),
    ("aer", "aer", None),
    (" AER:fake_kolkata ", "aer_noisy", "fake_kolkata"),
])
def test_parse(text, kind, device):
    spec = parse_backend(text)
    assert (spec.kind, spec.device) == (kind, device)


@pytest.mark.parametrize("text", ["", "gpu", "aer:", "aer:kolkata", 42, "qasm_simulator"])
def test_unknown_backends_list_valid_ones(text):
    with pytest.raises(UnknownBackendError, match="statevector|fake_kolkata"):
        parse_backend(text)


def test_runtime_kinds():
    assert parse_backend("fake:fake_lima") == BackendSpec("fake", "fake_lima", "fake:fake_lima")
    spec = parse_backend("ibm:ibm_torino@hub/group/project")
    assert (spec.kind, spec.device, spec.instance, spec.runtime) == (
        "ibm", "ibm_torino", "hub/group/project", True)
    assert parse_backend("ibm:least_busy").device == "least_busy"
    with pytest.raises(UnknownBackendError, match="fake_lima"):
        parse_backend("fake:lima")


def test_fake_backends():
    names = fake_backend_names()
    assert {"fake_kolkata", "fake_lima", "fake_sherbrooke"} <= set(names)
    assert fake_backend("fake_kolkata").num_qubits == 27
    sim = build_simulator(parse_backend("aer:fake_lima"))
    assert sim.options.noise_model is not None
    assert build_simulator(BackendSpec("statevector", None, "statevector")).options.method == \
        "statevector"
