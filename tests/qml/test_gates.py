"""Gate matrices against qiskit's, and the batch kernels against dense matrix products."""

import numpy as np
import pytest
from qiskit.circuit import library as lib
from qiskit.quantum_info import Operator

from qml.gates import apply_elems, dagger, parametric_elems, product, sandwich

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


def _full_matrix(m: np.ndarray, qubits, n):
    """The 2**n x 2**n matrix of a gate on ``qubits`` (qiskit ordering), via qiskit."""
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import UnitaryGate

    qc = QuantumCircuit(n)
    qc.append(UnitaryGate(m, check_input=False), list(qubits))
    return Operator(qc).data


@pytest.mark.parametrize("qubits", [(0,), (2,), (3,), (0, 1), (1, 0), (3, 1), (0, 3)])
@pytest.mark.parametrize("coeff_shape", ["scalar", "per_set", "per_sample"])
def test_apply_matches_dense_products(qubits, coeff_shape, rng):
    n, P, B = 4, 3, 5
    d = 2 ** len(qubits)
    state = rng.normal(size=(P, 2**n, B)) + 1j * rng.normal(size=(P, 2**n, B))
    shape = {"scalar": (), "per_set": (P, 1), "per_sample": (1, B)}[coeff_shape]
    base = rng.normal(size=(d, d) + shape) + 1j * rng.normal(size=(d, d) + shape)
    elems = {(i, j): base[i, j] for i in range(d) for j in range(d) if (i + j) % 3 != 1}
    out = apply_elems(state, n, qubits, elems)
    for p in range(P):
        for b in range(B):
            m = np.zeros((d, d), dtype=complex)
            for (i, j), v in elems.items():
                m[i, j] = v if np.ndim(v) == 0 else np.broadcast_to(v, (P, B))[p, b]
            np.testing.assert_allclose(out[p, :, b], _full_matrix(m, qubits, n) @ state[p, :, b],
                                       atol=1e-12)


def test_real_shared_gate_uses_the_float_path_and_agrees(rng):
    n = 3
    state = rng.normal(size=(1, 8, 4)) + 1j * rng.normal(size=(1, 8, 4))
    elems, _ = parametric_elems("ry", [0.7])
    assert all(isinstance(v, float) for v in elems.values())
    ref = _full_matrix(Operator(lib.RYGate(0.7)).data, (1,), n)
    np.testing.assert_allclose(apply_elems(state, n, (1,), elems)[0], ref @ state[0], atol=1e-14)


def test_sandwich_product_and_dagger(rng):
    n = 3
    lam = rng.normal(size=(2, 8, 3)) + 1j * rng.normal(size=(2, 8, 3))
    psi = rng.normal(size=(2, 8, 3)) + 1j * rng.normal(size=(2, 8, 3))
    a, _ = parametric_elems("u", [0.3, 0.2, -0.4])
    b, _ = parametric_elems("rx", [1.1])
    full = _full_matrix(Operator(lib.UGate(0.3, 0.2, -0.4)).data @ Operator(lib.RXGate(1.1)).data,
                        (2,), n)
    got = sandwich(lam, psi, n, (2,), product(a, b))
    want = np.einsum("pnb,nm,pmb->pb", lam.conj(), full, psi)
    np.testing.assert_allclose(got, want, atol=1e-12)
    back = apply_elems(apply_elems(psi, n, (2,), a), n, (2,), dagger(a))
    np.testing.assert_allclose(back, psi, atol=1e-13)
