import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from circuits import (
    ANSATZE,
    FEATURE_MAPS,
    build_ansatz,
    build_classifier,
    build_feature_map,
    hardware_efficient,
    reuploading,
)
from qml.errors import ConfigurationError


@pytest.mark.parametrize("name", list(FEATURE_MAPS))
def test_feature_maps_name_their_inputs_x(name):
    qc = build_feature_map(name, 3, reps=2)
    inputs = [p for p in qc.parameters if p.vector.name == "x"]
    assert [p.index for p in inputs] == [0, 1, 2]
    assert qc.num_qubits == 3


def test_reuploading_keeps_trainable_angles_apart():
    qc = reuploading(2, reps=3)
    names = {p.vector.name for p in qc.parameters}
    assert names == {"x", "u"}
    assert sum(p.vector.name == "u" for p in qc.parameters) == 2 * 2 * 3
    # inputs are uploaded once per layer
    assert sum(1 for inst in qc.data for p in inst.operation.params
               if getattr(p, "name", "") == "x[0]") == 3


@pytest.mark.parametrize("name,count", [("real_amplitudes", 4 * 4), ("efficient_su2", 2 * 4 * 4),
                                        ("hardware_efficient", 2 * 4 * 4)])
def test_ansatz_weight_counts(name, count):
    qc = build_ansatz(name, 4, reps=3)
    assert qc.num_parameters == count
    assert {p.vector.name for p in qc.parameters} == {"w"}


def test_hardware_efficient_uses_neighbour_cz():
    ops = hardware_efficient(3, reps=1).count_ops()
    assert ops["cz"] == 2 and ops["ry"] == 6 and ops["rz"] == 6


def test_unknown_names_list_valid_ones():
    with pytest.raises(ConfigurationError, match="angle"):
        build_feature_map("nope", 2, 1)
    with pytest.raises(ConfigurationError, match="real_amplitudes"):
        build_ansatz("nope", 2, 1)


@pytest.mark.parametrize("fm", list(FEATURE_MAPS))
@pytest.mark.parametrize("an", list(ANSATZE))
def test_classifier_has_two_named_vectors(fm, an):
    cc = build_classifier(fm, an, n_features=2, n_qubits=3, feature_map_reps=1, ansatz_reps=1)
    assert cc.num_qubits == 3
    assert [p.name for p in cc.inputs] == ["x[0]", "x[1]"]
    assert [p.name for p in cc.weights] == [f"w[{i}]" for i in range(len(cc.weights))]
    assert set(cc.circuit.parameters) == set(cc.inputs) | set(cc.weights)


def test_user_circuits_compose():
    a, b = Parameter("a"), Parameter("b")
    fm = QuantumCircuit(2)
    fm.rx(a, 0)
    fm.rx(b, 1)
    t = Parameter("t")
    an = QuantumCircuit(2)
    an.cx(0, 1)
    an.ry(t, 1)
    cc = build_classifier(fm, an, n_features=2)
    assert len(cc.inputs) == 2 and len(cc.weights) == 1
    assert cc.circuit.count_ops()["cx"] == 1


def test_too_few_qubits_is_refused():
    with pytest.raises(ConfigurationError, match="at least 3 qubits"):
        build_classifier("angle", "real_amplitudes", n_features=3, n_qubits=2)


def test_feature_map_input_count_must_match():
    with pytest.raises(ConfigurationError, match="input parameters"):
        build_classifier(build_feature_map("angle", 3, 1), "real_amplitudes", n_features=2,
                         n_qubits=3)


def test_angle_rz_encoding_starts_with_hadamards():
    qc = build_feature_map("angle", 2, reps=1)
    assert qc.count_ops() == {"ry": 2}
    from circuits.feature_maps import angle
    assert angle(2, rotation="rz").count_ops()["h"] == 2
    with pytest.raises(ConfigurationError):
        angle(2, rotation="ryy")


def test_zz_matches_qiskit_library():
    from qiskit.circuit.library import zz_feature_map
    ours = build_feature_map("zz", 3, reps=2)
    theirs = zz_feature_map(3, reps=2)
    x = np.linspace(0.1, 0.9, 3)
    from qiskit.quantum_info import Statevector
    a = Statevector(ours.assign_parameters(x)).data
    b = Statevector(theirs.assign_parameters(x)).data
    np.testing.assert_allclose(a, b, atol=1e-12)
