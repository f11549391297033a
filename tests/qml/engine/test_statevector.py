"""The exact engine against Aer, qiskit's gate matrices, parameter shift and finite differences."""

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.circuit import library as lib
from qiskit.quantum_info import SparsePauliOp

from circuits import build_classifier, build_readout
from qml.engine.statevector import compile_circuit
from qml.errors import StateTooLargeError, UnsupportedCircuitError
from tests.conftest import ANSATZE, FEATURE_MAPS, aer_statevectors


def _setup(fm, an, readout, rng, n_features=3, n_qubits=3):
    cc = build_classifier(fm, an, n_features=n_features, n_qubits=n_qubits, feature_map_reps=2,
                          ansatz_reps=2)
    n_classes = 2 if readout == "parity" else 3
    obs = build_readout(readout, n_classes).observables(n_qubits, n_classes)
    engine = compile_circuit(cc.circuit, cc.inputs, cc.weights, obs)
    X = rng.uniform(0, np.pi, (4, n_features))
    W = rng.uniform(-np.pi, np.pi, (2, len(cc.weights)))
    return cc, obs, engine, X, W


@pytest.mark.parametrize("fm", FEATURE_MAPS)
@pytest.mark.parametrize("an", ANSATZE)
@pytest.mark.parametrize("readout", ["parity", "z_per_class"])
def test_engine_matches_aer_statevector(fm, an, readout, rng):
    cc, obs, engine, X, W = _setup(fm, an, readout, rng)
    bindings = [dict(zip(cc.inputs + cc.weights, [*x, *w])) for w in W for x in X]
    ref = aer_statevectors(cc.circuit, bindings).reshape(len(W), len(X), -1)
    np.testing.assert_allclose(engine.statevectors(X, W), ref, atol=1e-10)
    ref_E = np.einsum("pbi,kij,pbj->pbk", ref.conj(),
                      np.array([o.to_matrix() for o in obs]), ref).real
    np.testing.assert_allclose(engine.expectations(X, W), ref_E, atol=1e-10)


@pytest.mark.parametrize("fm", FEATURE_MAPS)
@pytest.mark.parametrize("an", ANSATZE)
def test_adjoint_gradient_matches_parameter_shift_and_finite_differences(fm, an, rng):
    cc, obs, engine, X, W = _setup(fm, an, "z_per_class", rng)
    W = W[:1]
    cot = rng.normal(size=(1, len(X), len(obs)))
    _, grad, grad_x = engine.vjp(X, W, cot, inputs=True)

    def f(Wp):
        return np.einsum("pbk,bk->p", engine.expectations(X, Wp), cot[0])

    eye = np.eye(W.shape[1])
    shift = (f(W + np.pi / 2 * eye) - f(W - np.pi / 2 * eye)) / 2
    h = 1e-5
    central = (f(W + h * eye) - f(W - h * eye)) / (2 * h)
    np.testing.assert_allclose(grad[0], shift, atol=1e-6)
    np.testing.assert_allclose(grad[0], central, atol=1e-6)
    # inputs: central differences per sample and feature
    for j in range(X.shape[1]):
        d = np.zeros_like(X)
        d[:, j] = h
        fd = ((engine.expectations(X + d, W) - engine.expectations(X - d, W)) / (2 * h))
        np.testing.assert_allclose(grad_x[0, :, j], (fd[0] * cot[0]).sum(-1), atol=1e-6)


def test_general_observables_and_parameter_expressions(rng):
    x, w = ParameterVector("x", 2), ParameterVector("w", 2)
    qc = QuantumCircuit(2)
    qc.h([0, 1])
    qc.rzz(x[0] * x[1] + 0.5, 0, 1)
    qc.u(w[0], 2 * w[1], x[0] - w[0], 0)
    qc.crx(w[1] ** 2, 0, 1)
    qc.ryy(np.pi / 3, 0, 1)
    qc.swap(0, 1)
    qc.global_phase = 0.3
    obs = [SparsePauliOp(["XY", "ZZ"], [0.5, -1.0]), SparsePauliOp("YI")]
    engine = compile_circuit(qc, list(x), list(w), obs)
    X, W = rng.uniform(-1, 1, (3, 2)), rng.uniform(-1, 1, (2, 2))
    bindings = [dict(zip([*x, *w], [*xi, *wi])) for wi in W for xi in X]
    ref = aer_statevectors(qc, bindings).reshape(2, 3, -1)
    np.testing.assert_allclose(engine.statevectors(X, W), ref, atol=1e-10)
    cot = rng.normal(size=(1, 3, 2))
    _, g, gx = engine.vjp(X, W[:1], cot, inputs=True)
    h = 1e-6
    for j in range(2):
        d = np.zeros((1, 2))
        d[0, j] = h
        fd = ((engine.expectations(X, W[:1] + d) - engine.expectations(X, W[:1] - d)) / (2 * h))
        assert g[0, j] == pytest.approx((fd * cot).sum(), abs=1e-6)


def test_decomposable_user_gates_are_supported(rng):
    w = ParameterVector("w", 1)
    qc = QuantumCircuit(3)
    qc.append(lib.QFTGate(3), [0, 1, 2])
    qc.ccx(0, 1, 2)
    qc.ry(w[0], 2)
    qc.measure_all()  # final measurements are ignored
    engine = compile_circuit(qc, [], list(w), [SparsePauliOp("ZII")])
    W = np.array([[0.7]])
    ref = aer_statevectors(qc.remove_final_measurements(inplace=False), [{w[0]: 0.7}])
    np.testing.assert_allclose(engine.statevectors(None, W)[0], ref, atol=1e-10)


def test_unsupported_instructions_raise():
    qc = QuantumCircuit(2, 1)
    qc.h(0)
    qc.measure(0, 0)
    qc.x(0)  # a mid-circuit measurement
    with pytest.raises(UnsupportedCircuitError, match="measure"):
        compile_circuit(qc, [], [], [SparsePauliOp("ZI")])


def test_chunked_evaluation_equals_unchunked(rng):
    cc, obs, engine, X, W = _setup("zz", "real_amplitudes", "parity", rng)
    small = compile_circuit(cc.circuit, cc.inputs, cc.weights, obs, chunk_bytes=1)
    np.testing.assert_allclose(small.expectations(X, W), engine.expectations(X, W), atol=1e-13)
    cot = rng.normal(size=(2, len(X), 1))
    for a, b in zip(small.vjp(X, W, cot, inputs=True), engine.vjp(X, W, cot, inputs=True)):
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_cache_follows_the_data(rng):
    cc, obs, engine, X, W = _setup("zz", "real_amplitudes", "parity", rng)
    first = engine.expectations(X, W)
    X2 = X + 0.1
    np.testing.assert_allclose(engine.expectations(X2, W),
                               compile_circuit(cc.circuit, cc.inputs, cc.weights,
                                               obs).expectations(X2, W), atol=1e-13)
    np.testing.assert_allclose(engine.expectations(X, W), first, atol=1e-13)


def test_memory_is_checked_before_allocating():
    qc = QuantumCircuit(45)
    with pytest.raises(StateTooLargeError, match="45-qubit"):
        compile_circuit(qc, [], [], [SparsePauliOp("Z" * 45)])


def test_shape_errors(rng):
    cc, obs, engine, X, W = _setup("angle", "real_amplitudes", "parity", rng)
    with pytest.raises(ValueError, match="X must have shape"):
        engine.expectations(X[:, :2], W)
    with pytest.raises(ValueError, match="W must have shape"):
        engine.expectations(X, W[:, :3])


def test_non_polynomial_angles_use_the_symbolic_fallback(rng):
    x, w = ParameterVector("x", 1), ParameterVector("w", 1)
    qc = QuantumCircuit(1)
    qc.ry(x[0].sin() * w[0] + w[0].exp() / 3, 0)
    engine = compile_circuit(qc, list(x), list(w), [SparsePauliOp("Z")])
    X, W = rng.uniform(-1, 1, (4, 1)), rng.uniform(-1, 1, (1, 1))
    angle = np.sin(X[:, 0]) * W[0, 0] + np.exp(W[0, 0]) / 3
    np.testing.assert_allclose(engine.expectations(X, W)[0, :, 0], np.cos(angle), atol=1e-12)
    _, g, gx = engine.vjp(X, W, np.ones((1, 4, 1)), inputs=True)
    d_angle_dw = np.sin(X[:, 0]) + np.exp(W[0, 0]) / 3
    np.testing.assert_allclose(g[0, 0], np.sum(-np.sin(angle) * d_angle_dw), atol=1e-10)
    np.testing.assert_allclose(gx[0, :, 0], -np.sin(angle) * np.cos(X[:, 0]) * W[0, 0],
                               atol=1e-10)


def test_chunking_decisions_are_logged(rng, caplog):
    cc, obs, engine, X, W = _setup("zz", "real_amplitudes", "parity", rng)
    small = compile_circuit(cc.circuit, cc.inputs, cc.weights, obs, chunk_bytes=256)
    with caplog.at_level("DEBUG", logger="qml.engine.statevector"):
        E, g, _ = small.vjp(X, W, np.ones((2, 4, 1)))
    assert "in chunks of 1" in caplog.text and "exceed the cache budget" in caplog.text
    E2, g2, _ = engine.vjp(X, W, np.ones((2, 4, 1)))
    np.testing.assert_allclose(E, E2, atol=1e-13)
    np.testing.assert_allclose(g, g2, atol=1e-12)


WIDE = 14


@pytest.mark.parametrize("fm", FEATURE_MAPS)
@pytest.mark.parametrize("an", ANSATZE)
@pytest.mark.parametrize("readout", ["parity", "z_per_class"])
def test_a_wide_circuit_equals_aer(fm, an, readout, rng):
    """Fourteen qubits (the engine's kernels at every qubit position, the fused ZZ phases, a
    state past the L2 cache) against Aer's statevector, to 1e-9."""
    cc = build_classifier(fm, an, n_features=WIDE, feature_map_reps=2 if fm == "zz" else 1,
                          ansatz_reps=2)
    n_classes = 2 if readout == "parity" else 3
    obs = build_readout(readout, n_classes).observables(WIDE, n_classes)
    engine = compile_circuit(cc.circuit, cc.inputs, cc.weights, obs)
    X = rng.uniform(0, np.pi, (2, WIDE))
    W = rng.uniform(-np.pi, np.pi, (1, len(cc.weights)))
    ref = aer_statevectors(cc.circuit, [dict(zip(cc.inputs + cc.weights, [*x, *W[0]]))
                                        for x in X])
    want = np.array([[(s.conj() @ (o.to_matrix(sparse=True) @ s)).real for o in obs]
                     for s in ref])
    np.testing.assert_allclose(engine.expectations(X, W)[0], want, atol=1e-9)
    if fm == "zz" and an == "real_amplitudes" and readout == "parity":
        engine.tile_qubits = 9  # cache-blocked: 32 tiles of 512 amplitudes
        np.testing.assert_allclose(engine.expectations(X, W)[0], want, atol=1e-9)
        _, grad, _ = engine.vjp(X, W, np.ones((1, 2, 1)))
        picks = [0, len(cc.weights) // 2, len(cc.weights) - 1]
        for j in picks:  # parameter shift of the summed expectation
            e = np.zeros_like(W)
            e[0, j] = np.pi / 2
            shift = (engine.expectations(X, W + e).sum() - engine.expectations(X, W - e).sum())
            assert grad[0, j] == pytest.approx(shift / 2, abs=1e-9)


def test_memory_is_counted_per_buffer_and_refused_before_allocating(monkeypatch, rng):
    import tracemalloc

    import qml.engine.memory

    cc, obs, engine, X, W = _setup("zz", "real_amplitudes", "parity", rng)
    state = engine.state_bytes
    assert state == 16 * 2**3 and not engine.program.real
    # per thread: a working state, the adjoint state, the fused phases' tables (15 entries)
    need = engine.memory_needed(4, 2, gradient=True, threads=2, kept_samples=4)
    thread = 2 * state + 16 * 15
    tables = 16 * (engine.program.sizes[0] + 4 * engine.program.sizes[1]
                   + 2 * engine.program.sizes[2] + 8 * engine.program.sizes[3])
    cache = 4 * state  # the feature-map states of the 4 samples
    assert need == 2 * thread + 4 * 2 * state + cache + tables + 16 * 2 * 4 * engine.n_outputs
    one_thread = engine.memory_needed(4, 2, gradient=True, threads=1, kept_samples=4)
    assert one_thread == need - thread
    monkeypatch.setattr(qml.engine.memory, "available_memory", lambda: one_thread - 1)
    tracemalloc.start()
    with pytest.raises(StateTooLargeError, match=r"3-qubit gradient needs .* GiB; .* available"):
        engine.vjp(X, W, np.ones((2, 4, 1)))
    assert tracemalloc.get_traced_memory()[1] < 100_000  # refused before allocating
    tracemalloc.stop()


def test_a_wide_engine_allocates_nothing_the_size_of_its_state_until_asked(monkeypatch):
    """26 qubits: a real state is 512 MiB. Compiling builds no table of 2**n entries (the
    old engine's n x 2**n parity table was 13 GiB); the per-call check names the figure."""
    import tracemalloc

    import qml.engine.memory

    cc = build_classifier("angle", "real_amplitudes", n_features=26, ansatz_reps=1)
    obs = build_readout("parity", 2).observables(26, 2)
    tracemalloc.start()
    engine = compile_circuit(cc.circuit, cc.inputs, cc.weights, obs, threads=2)
    assert tracemalloc.get_traced_memory()[1] < 50 * 2**20
    tracemalloc.stop()
    assert engine.program.real and engine.state_bytes == 2**29
    monkeypatch.setattr(qml.engine.memory, "available_memory", lambda: 2**29)
    with pytest.raises(StateTooLargeError, match=r"26-qubit evaluation needs 0\.50\d* GiB"):
        engine.expectations(np.zeros((100, 26)), np.zeros((1, len(cc.weights))))


@pytest.mark.parametrize("layer", ["complex", "real"])
def test_state_vjp_matches_central_differences_of_the_states(layer, rng):
    """The gradient of sum_i Re <c_i|psi_i> with respect to inputs and weights, by the
    adjoint pass started from c_i, against central differences of the engine's own states
    (complex ZZ map with an RY/RZ layer; a real RY map with an RY layer, run in float64)."""
    n = 3
    from circuits.feature_maps import build_feature_map

    fm = build_feature_map("zz" if layer == "complex" else "angle", n, 2)
    x, w = list(fm.parameters), ParameterVector("w", 2 * n)
    qc = QuantumCircuit(n)
    for q in range(n):
        qc.ry(w[q], q)  # trainable layer first, as a trainable kernel puts it
        if layer == "complex":
            qc.rz(w[n + q], q)
    qc.compose(fm, inplace=True)
    weights = list(w) if layer == "complex" else list(w)[:n]
    ec = compile_circuit(qc, x, weights, [])
    X, W = rng.uniform(0, np.pi, (4, n)), rng.uniform(-1, 1, len(weights))
    C = rng.normal(size=(4, 2**n)) + 1j * rng.normal(size=(4, 2**n))

    def f(X, W):
        states = ec.write_states(X, np.empty((len(X), 2**n), complex), global_phase=False, W=W)
        return float(np.sum(np.real(np.conj(C) * states)))

    gW, gX = ec.state_vjp(X, W, C, inputs=True)
    h = 1e-6
    for k in range(len(W)):
        e = np.eye(len(W))[k] * h
        assert abs(gW[k] - (f(X, W + e) - f(X, W - e)) / (2 * h)) < 1e-7
    for i in range(len(X)):
        for k in range(n):
            e = np.zeros_like(X)
            e[i, k] = h
            assert abs(gX[i, k] - (f(X + e, W) - f(X - e, W)) / (2 * h)) < 1e-7
    assert np.abs(gW).max() > 0.01 and np.abs(gX).max() > 0.01
