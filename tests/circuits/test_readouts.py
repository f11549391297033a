import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp, Statevector

from circuits.readouts import (
    Observables,
    Parity,
    ZPerClass,
    build_readout,
    readout_from_dict,
)
from qml.errors import ConfigurationError


def test_parity_is_probability_that_qubit_0_reads_1(rng):
    psi = Statevector(rng.normal(size=8) + 1j * rng.normal(size=8))
    psi = psi / np.linalg.norm(psi.data)
    z0 = psi.expectation_value(Parity().observables(3, 2)[0]).real
    p1 = Parity().probabilities(np.array([z0]))[1]
    direct = sum(abs(psi.data[i]) ** 2 for i in range(8) if i & 1)
    assert p1 == pytest.approx(direct, abs=1e-12)


@pytest.mark.parametrize("readout", [Parity(), ZPerClass(scale=2.0),
                                     Observables([SparsePauliOp("XZ")])])
def test_probabilities_are_distributions_and_vjp_matches_finite_differences(readout, rng):
    k = 1 if not isinstance(readout, ZPerClass) else 3
    E = rng.uniform(-1, 1, size=(4, k))
    p = readout.probabilities(E)
    assert np.allclose(p.sum(axis=-1), 1) and (p >= 0).all()
    g = rng.normal(size=p.shape)
    analytic = readout.vjp(E, g)
    h = 1e-6
    for j in range(k):
        d = np.zeros_like(E)
        d[:, j] = h
        fd = ((readout.probabilities(E + d) - readout.probabilities(E - d)) / (2 * h) * g).sum(-1)
        np.testing.assert_allclose(analytic[:, j], fd, atol=1e-8)


def test_auto_readout_and_errors():
    assert build_readout("auto", 2).name == "parity"
    assert build_readout("auto", 3).name == "z_per_class"
    assert build_readout([SparsePauliOp("ZZ")], 2).name == "observables"
    with pytest.raises(ConfigurationError, match="z_per_class"):
        build_readout("softmax", 2)
    with pytest.raises(ConfigurationError, match="two classes"):
        Parity().observables(2, 3)
    with pytest.raises(ConfigurationError, match="one qubit per class"):
        ZPerClass().observables(2, 3)
    with pytest.raises(ConfigurationError, match="acts on 1 qubits"):
        Observables([SparsePauliOp("Z"), SparsePauliOp("X")]).observables(2, 2)


@pytest.mark.parametrize("readout", [Parity(), ZPerClass(scale=1.5),
                                     Observables([SparsePauliOp("XZ"), SparsePauliOp("YY")], 2.0)])
def test_readouts_round_trip_through_dicts(readout):
    again = readout_from_dict(readout.to_dict())
    E = np.array([[0.3, -0.2]])[:, : len(readout.observables(2, 2))]
    np.testing.assert_allclose(again.probabilities(E), readout.probabilities(E))
