"""Gate matrices and their derivatives against qiskit's."""

import numpy as np
import pytest
from qiskit.circuit import library as lib
from qiskit.quantum_info import Operator

from qml.engine.gates import dagger, parametric_elems, product

PARAMETRIC = {
    "rx": lib.RXGate, "ry": lib.RYGate, "rz": lib.RZGate, "p": lib.PhaseGate,
    "rxx": lib.RXXGate, "ryy": lib.RYYGate, "rzz": lib.RZZGate, "rzx": lib.RZXGate,
    "crx": lib.CRXGate, "cry": lib.CRYGate, "crz": lib.CRZGate, "cp": lib.CPhaseGate,
    "u": lib.UGate, "u2": lib.U2Gate, "r": lib.RGate,
}


def _dense(elems, d):
    m = np.zeros((d, d), dtype=complex)
    for (i, j), v in elems.items():
        m[i, j] = v
    return m


@pytest.mark.parametrize("name", sorted(PARAMETRIC))
def test_gate_matrices_and_derivatives_match_qiskit(name, rng):
    gate_cls = PARAMETRIC[name]
    n_params = {"u": 3, "u2": 2, "r": 2}.get(name, 1)
    angles = list(rng.uniform(-3, 3, n_params))
    ref = Operator(gate_cls(*angles)).data
    elems, derivs = parametric_elems(name, angles)
    np.testing.assert_allclose(_dense(elems, len(ref)), ref, atol=1e-14)
    h = 1e-6
    for k, d in enumerate(derivs):
        up, down = list(angles), list(angles)
        up[k] += h
        down[k] -= h
        fd = (Operator(gate_cls(*up)).data - Operator(gate_cls(*down)).data) / (2 * h)
        np.testing.assert_allclose(_dense(d, len(ref)), fd, atol=1e-8)


def test_product_and_dagger():
    a, _ = parametric_elems("u", [0.3, 0.2, -0.4])
    b, _ = parametric_elems("rx", [1.1])
    want = Operator(lib.UGate(0.3, 0.2, -0.4)).data @ Operator(lib.RXGate(1.1)).data
    np.testing.assert_allclose(_dense(product(a, b), 2), want, atol=1e-14)
    np.testing.assert_allclose(_dense(dagger(a), 2), Operator(lib.UGate(0.3, 0.2, -0.4)).data
                               .conj().T, atol=1e-14)
