"""Device qubits, basis and errors: against qiskit-aer's own device noise model."""

import pytest

from qml.backends import fake_backend
from qml.errors import CircuitTooWideError
from qml.volume.devices import device_basis, device_errors, restricted_noise_model, select_qubits


def test_qubit_selection_is_connected_and_low_error():
    target = fake_backend("fake_kolkata").target
    chosen = select_qubits(target, 5)
    edges = {tuple(sorted(q)) for q in target["cx"]}
    assert len(set(chosen)) == 5
    # connected: every chosen qubit after the first touches an earlier one
    assert all(any(tuple(sorted((q, p))) in edges for p in chosen[:i])
               for i, q in enumerate(chosen) if i)
    with pytest.raises(CircuitTooWideError, match="exceeds"):
        select_qubits(fake_backend("fake_lima").target, 6)


def test_restricted_noise_model_is_the_device_model_on_those_qubits():
    from qiskit_aer.noise import NoiseModel

    device = fake_backend("fake_lima")
    qubits = [3, 1]  # physical 3 -> 0, physical 1 -> 1
    full = NoiseModel.from_backend(device).to_dict()["errors"]
    small = restricted_noise_model(device, qubits).to_dict()["errors"]

    def table(errors, relabel):
        out = {}
        for e in errors:
            for qs in e["gate_qubits"]:
                mapped = tuple(relabel.get(q) for q in qs)
                if None not in mapped:
                    out[(tuple(e["operations"]), mapped)] = (str(e.get("instructions")),
                                                            str(e["probabilities"]))
        return out

    expected = table(full, {3: 0, 1: 1})
    got = table(small, {0: 0, 1: 1})
    assert got == expected and len(got) >= 4  # sx, x, cx both ways, readout...


def test_device_errors_on_some_qubits_are_those_of_the_whole_device():
    device = fake_backend("fake_kolkata")
    qubits = {21, 23, 24}
    gates, readout = device_errors(device)
    some_gates, some_readout = device_errors(device, sorted(qubits))
    expected = [(n, list(qs), e) for n, qs, e in gates if set(qs) <= qubits]
    assert [(n, list(qs)) for n, qs, _ in some_gates] == [(n, qs) for n, qs, _ in expected]
    assert all(a == b for (_, _, a), (_, _, b) in zip(some_gates, expected, strict=True))
    assert [qs for qs, _ in some_readout] == [[21], [23], [24]]
    assert [e for qs, e in readout if qs[0] in qubits] == [e for _, e in some_readout]
    assert {n for n, qs, _ in some_gates if len(qs) == 2} == {"cx"}


@pytest.mark.parametrize("device, two_qubit", [("fake_lima", "cx"), ("fake_sherbrooke", "ecr"),
                                               ("fake_torino", "cz")])
def test_basis_has_the_devices_gates_and_no_control_flow(device, two_qubit):
    basis = device_basis(fake_backend(device).target)
    assert two_qubit in basis and "rz" in basis
    assert not {"if_else", "for_loop", "while_loop", "measure", "delay"} & set(basis)


def test_older_devices_with_u1_u2_u3_gates_run():
    """fake_london and nine other older devices have u1/u2/u3 and no sx/rz: their basis used
    to drop the u gates, and transpilation failed (found by benchmarks/qv_from_errors.py)."""
    import warnings

    from qml.backends import fake_backend
    from qml.volume import measure_quantum_volume
    from qml.volume.devices import device_basis

    assert device_basis(fake_backend("fake_london").target) == ["cx", "id", "u1", "u2", "u3"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exact engine may hand these gates to Aer
        res = measure_quantum_volume("aer:fake_london", [2], trials=10, shots=64, seed=0)
    assert 0.5 < res.widths[0].mean_hop <= 1
