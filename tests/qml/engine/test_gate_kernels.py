"""The compiled kernels, each against the dense matrix qiskit builds for the same gate on the
same qubits, on real and complex states, forward and adjoint; the fused phases against the
product of their gates; the backward step and the observables against dense algebra."""

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import library as lib
from qiskit.circuit.library import UnitaryGate
from qiskit.quantum_info import Operator, SparsePauliOp

from qml.engine import gate_kernels as K

N_QUBITS = 5
QUBIT_PAIRS = [(0, 1), (1, 0), (0, 4), (4, 2), (3, 4)]


def _full(matrix, qubits, n=N_QUBITS):
    qc = QuantumCircuit(n)
    qc.append(UnitaryGate(matrix, check_input=False), list(qubits))
    return Operator(qc).data


def _state(rng, dtype, n=N_QUBITS):
    psi = rng.normal(size=2**n)
    if dtype is complex:
        psi = psi + 1j * rng.normal(size=2**n)
    return psi / np.linalg.norm(psi)


def _apply(psi, kind, qubits, coeffs, adjoint=False):
    row = np.asarray(coeffs, dtype=psi.dtype)
    q0, q1 = qubits[0], qubits[-1]
    K.apply_op(psi, kind, q0, q1, row, 0, adjoint, N_QUBITS, psi[:0])
    return psi


@pytest.mark.parametrize("dtype", [float, complex])
@pytest.mark.parametrize("q", range(N_QUBITS))
@pytest.mark.parametrize("adjoint", [False, True])
def test_one_qubit_kinds(dtype, q, adjoint, rng):
    ry = Operator(lib.RYGate(0.7)).data.real
    cases = [(K.K_RDENSE1, ry, list(ry.ravel()))]
    if dtype is complex:
        u = Operator(lib.UGate(0.3, -1.2, 0.8)).data
        d = np.diag(np.exp(1j * np.array([0.4, -1.1])))
        cases += [(K.K_DENSE1, u, list(u.ravel())), (K.K_DIAG1, d, [d[0, 0], d[1, 1]]),
                  (K.K_DIAG1, np.diag([1, np.exp(0.3j)]), [1, np.exp(0.3j)])]  # P: skips
    for kind, matrix, coeffs in cases:
        psi = _state(rng, dtype)
        want = _full(matrix.conj().T if adjoint else matrix, (q,)) @ psi
        np.testing.assert_allclose(_apply(psi.copy(), kind, (q,), coeffs, adjoint), want,
                                   atol=1e-13)


@pytest.mark.parametrize("dtype", [float, complex])
@pytest.mark.parametrize("qubits", QUBIT_PAIRS)
def test_two_qubit_kinds(dtype, qubits, rng):
    real = Operator(lib.RYYGate(0.9)).data.real @ np.kron(np.eye(2), [[0, 1], [1, 0]])
    cases = [(K.K_CX, Operator(lib.CXGate()).data, []),
             (K.K_CZ, Operator(lib.CZGate()).data, []),
             (K.K_SWAP, Operator(lib.SwapGate()).data, []),
             (K.K_RDENSE2, real, list(real.ravel()))]
    if dtype is complex:
        dense = Operator(lib.RXXGate(0.4)).data @ Operator(lib.CRYGate(1.3)).data
        diag = np.diag(np.exp(1j * np.array([0.1, 0.7, -0.3, 2.0])))
        cases += [(K.K_DENSE2, dense, list(dense.ravel())),
                  (K.K_DIAG2, diag, list(np.diag(diag)))]
    for kind, matrix, coeffs in cases:
        for adjoint in (False, True):
            psi = _state(rng, dtype)
            want = _full(matrix.conj().T if adjoint else matrix, qubits) @ psi
            got = _apply(psi.copy(), kind, qubits, coeffs, adjoint)
            np.testing.assert_allclose(got, want, atol=1e-13, err_msg=f"kind {kind}")


@pytest.mark.parametrize("n", [N_QUBITS, 13])
def test_fused_phases_equal_the_product_of_their_gates(n, rng):
    """exp(i f(z)) with f = t + sum c_k z_k + sum d_jk z_j z_k, built by doubling (at 13
    qubits in blocks of the low 11, the high bits' cross terms folded into each block)."""
    t, c, d = rng.normal(), rng.normal(size=n), np.triu(rng.normal(size=(n, n)), 1)
    z = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    f = t + z @ c + np.einsum("zj,jk,zk->z", z, d, z)
    row = np.array([np.exp(1j * t), *np.exp(1j * c),
                    *[np.exp(1j * d[j, k]) for k in range(1, n) for j in range(k)]])
    psi = _state(rng, complex, n)
    want = np.exp(1j * f) * psi
    scratch = np.empty(K.phase_scratch_size(n), dtype=complex)
    K.apply_op(psi, K.K_PHASES, 0, 0, row, 0, False, n, scratch)
    np.testing.assert_allclose(psi, want, atol=1e-13)


@pytest.mark.parametrize("q", [0, 1, 4])
def test_backward_steps_sandwich_then_unapply(q, rng):
    """One sweep returns Re <lam| G |psi> and un-applies the gate to both states."""
    for dtype in (float, complex):
        ry = Operator(lib.RYGate(0.7)).data.real
        gen = np.array([[0, -0.5], [0.5, 0]])  # dRY/dtheta RY^dagger
        psi, lam = _state(rng, dtype), _state(rng, dtype)
        want = (lam.conj() @ _full(gen, (q,)) @ psi).real
        back = _full(ry.T, (q,))
        x, sh = K._floats(psi)
        y, _ = K._floats(lam)
        p0, l0 = psi.copy(), lam.copy()
        got = K._rback1(x, y, q + sh, ry[0, 0], ry[1, 0], ry[0, 1], ry[1, 1], *gen.ravel())
        assert got == pytest.approx(want, abs=1e-13)
        np.testing.assert_allclose(psi, back @ p0, atol=1e-13)
        np.testing.assert_allclose(lam, back @ l0, atol=1e-13)
    d = np.exp(1j * np.array([-0.35, 0.35]))  # RZ(0.7)
    g = np.array([-0.5j, 0.5j])  # dRZ/dtheta RZ^dagger
    psi, lam = _state(rng, complex), _state(rng, complex)
    want = (lam.conj() @ _full(np.diag(g), (q,)) @ psi).real
    p0, l0 = psi.copy(), lam.copy()
    got = K._cback_diag1(psi.view(float), lam.view(float), q, d[0], d[1], g[0], g[1])
    assert got == pytest.approx(want, abs=1e-13)
    np.testing.assert_allclose(psi, np.conj(d)[(np.arange(32) >> q) & 1] * p0, atol=1e-13)
    np.testing.assert_allclose(lam, np.conj(d)[(np.arange(32) >> q) & 1] * l0, atol=1e-13)
    x, y = _state(rng, complex), _state(rng, complex)
    xs, ys = x.copy(), y.copy()
    K._swap_runs2(x.view(float), y.view(float), 2, 5, 1, 3)  # CX(1, 4) on both
    cx = _full(Operator(lib.CXGate()).data, (1, 4))
    np.testing.assert_allclose(x, cx @ xs, atol=1e-14)
    np.testing.assert_allclose(y, cx @ ys, atol=1e-14)


@pytest.mark.parametrize("dtype", [float, complex])
def test_observables_and_their_adjoint_states(dtype, rng):
    """<psi|O_k|psi> and lam = sum_k cot_k O_k psi for Pauli sums with X, Y and Z."""
    obs = [SparsePauliOp(["ZIIZI", "IXIIY", "YYIII"], [0.5, -1.2, 0.3]),
           SparsePauliOp(["IIIZZ", "XIXII"], [1.0, 2.0])]
    from qml.engine.translate import pauli_terms

    real = dtype is float
    terms, coeffs, k = pauli_terms(obs, N_QUBITS, real)
    psi = _state(rng, dtype)
    out = np.zeros(k)
    K.expectations_into(psi, terms, coeffs, out)
    mats = [o.to_matrix() for o in obs]
    np.testing.assert_allclose(out, [(psi.conj() @ m @ psi).real for m in mats], atol=1e-13)
    cot = np.array([0.7, -1.3])
    lam = np.zeros_like(psi)
    K.observe_into(psi, cot.astype(psi.dtype), terms, coeffs, lam)
    full = sum(c * m for c, m in zip(cot, mats)) @ psi
    if real:  # terms with an odd number of Y are left out: their part is imaginary, inert
        assert terms.shape[0] == 4
        np.testing.assert_allclose(lam, full.real, atol=1e-13)
    else:
        np.testing.assert_allclose(lam, full, atol=1e-13)
