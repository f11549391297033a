"""Regularising a Gram matrix from shots: each method against its definition by hand, and a
shot-estimated Gram matrix made positive semi-definite."""

import numpy as np
import pytest
from sklearn.svm import SVC

from qml.errors import ConfigurationError, InvalidInputError
from qml.models.kernel_noise import mitigate, regularize
from qml.models.qsvc import QSVC
from qml.models.quantum_kernel import QuantumKernel

INDEFINITE = np.array([[1.0, 0.9, 0.2], [0.9, 1.0, 0.9], [0.2, 0.9, 1.0]])


def test_each_method_by_hand():
    s, V = np.linalg.eigh(INDEFINITE)
    assert s[0] < 0
    np.testing.assert_allclose(regularize(INDEFINITE, "clip"),
                               V @ np.diag(np.maximum(s, 0)) @ V.T, atol=1e-12)
    np.testing.assert_allclose(regularize(INDEFINITE, "shift"),
                               INDEFINITE - s[0] * np.eye(3), atol=1e-12)
    np.testing.assert_allclose(regularize(INDEFINITE, "flip"),
                               V @ np.diag(np.abs(s)) @ V.T, atol=1e-12)
    psd = np.array([[1.0, 0.5], [0.5, 1.0]])
    for method in ("clip", "shift", "flip"):  # a kernel matrix already is one: unchanged
        np.testing.assert_allclose(regularize(psd, method), psd, atol=1e-12)


def test_clip_is_the_nearest_positive_semidefinite_matrix(rng):
    """No other PSD matrix of a random sample is closer in Frobenius norm."""
    clipped = regularize(INDEFINITE, "clip")
    best = np.linalg.norm(clipped - INDEFINITE)
    for _ in range(200):
        A = rng.normal(size=(3, 3))
        other = clipped + 0.05 * A @ A.T  # PSD: a PSD matrix plus a PSD perturbation
        assert np.linalg.norm(other - INDEFINITE) >= best - 1e-12


def test_a_gram_matrix_from_shots_becomes_a_kernel(rng):
    X = rng.uniform(0, np.pi, (24, 3))
    noisy = QuantumKernel(bandwidth=1.0, backend="aer", shots=32, seed=1).evaluate(X)
    assert np.linalg.eigvalsh(noisy).min() < -1e-3  # 32 shots: clearly indefinite
    K = QuantumKernel(bandwidth=1.0, backend="aer", shots=32, seed=1,
                      regularization="clip").evaluate(X)  # the option repairs the same draws
    np.testing.assert_allclose(K, regularize(noisy, "clip"), atol=1e-12)
    for method in ("clip", "shift", "flip"):
        assert np.linalg.eigvalsh(regularize(noisy, method)).min() > -1e-10
    y = (X[:, 0] > 1.5).astype(int)
    clf = QSVC(bandwidth=1.0, input_scaling=None, backend="aer", shots=32, seed=1,
               regularization="clip").fit(X, y)
    svc = SVC(kernel="precomputed").fit(K, y)  # the QSVC trains on the repaired matrix
    np.testing.assert_allclose(clf.dual_coef_, svc.dual_coef_, atol=1e-10)


def test_bad_input_is_one_clear_error():
    with pytest.raises(ConfigurationError, match="regularization must be one of"):
        regularize(INDEFINITE, "nearest")
    with pytest.raises(InvalidInputError, match="a Gram matrix is square"):
        regularize(np.ones((2, 3)), "clip")
    with pytest.raises(ConfigurationError, match="regularization must be one of"):
        QuantumKernel(regularization="nearest").evaluate(np.zeros((2, 2)))


def test_mitigation_moves_a_noisy_gram_matrix_toward_the_exact_one(rng):
    """On fake_lima's noise model (two qubits): the measured Gram matrix is pulled toward
    2**-n; mitigated from its own measured diagonal it is closer to the exact one."""
    X = rng.uniform(0, np.pi, (10, 2))
    exact = QuantumKernel(feature_map_reps=1, bandwidth=1.0).evaluate(X)
    common = dict(feature_map_reps=1, bandwidth=1.0, backend="aer:fake_lima", shots=4000,
                  seed=3)
    noisy = QuantumKernel(**common).evaluate(X)
    for method in ("average", "split"):
        kernel = QuantumKernel(**common, mitigation=method)
        mitigated = kernel.evaluate(X)
        assert np.linalg.norm(mitigated - exact) < np.linalg.norm(noisy - exact)
        assert kernel.n_circuits_ == 10 * 9 // 2 + 10  # the pairs, and the diagonal once
    cross = QuantumKernel(**common, mitigation="split").evaluate(X[:3], X)
    assert np.linalg.norm(cross - exact[:3]) < np.linalg.norm(noisy[:3] - exact[:3])


def test_mitigation_by_hand():
    lam_i, lam_j, n = 0.8, 0.5, 2
    K = np.array([[1.0, 0.4], [0.4, 1.0]])
    lam = np.sqrt(np.outer([lam_i, lam_j], [lam_i, lam_j]))
    noisy = lam * K + (1 - lam) / 4
    np.testing.assert_allclose(mitigate(noisy, np.diag(noisy), np.diag(noisy), n, "split"), K,
                               atol=1e-12)
    with pytest.raises(ConfigurationError, match="mitigation must be one of"):
        mitigate(noisy, np.diag(noisy), np.diag(noisy), n, "zne")
    with pytest.raises(ConfigurationError, match="has no noise to mitigate"):
        QuantumKernel(mitigation="average").evaluate(np.zeros((2, 2)))


@pytest.mark.parametrize("kind", ["fidelity", "projected"])
def test_kernels_on_a_noisy_device_run_on_the_engine_and_agree_with_aer(kind, rng, caplog,
                                                                       monkeypatch):
    """aer:<fake> kernels: shots drawn from the engine's exact noisy distributions, within
    shot noise of the same kernel sampled on Aer with the device's noise model (the path
    taken where the engine cannot run the circuits)."""
    import logging

    from qml.models import kernel_shots

    X = rng.uniform(0, np.pi, (8, 2))
    common = dict(kind=kind, feature_map_reps=1, bandwidth=1.0, shots=20000, seed=3)
    with caplog.at_level(logging.INFO, logger="qml.models.kernel_shots"):
        ours = QuantumKernel(backend="aer:fake_lima", **common).evaluate(X)
    assert "aer:fake_lima: kernel circuits on qlimits' noisy engine (2 qubits in use)" \
        in caplog.text
    monkeypatch.setattr(kernel_shots, "_noisy_engines", lambda target, isas: None)
    aer = QuantumKernel(backend="aer:fake_lima", **common).evaluate(X)
    exact = QuantumKernel(kind=kind, feature_map_reps=1, bandwidth=1.0).evaluate(X)
    assert np.abs(ours - aer).max() < 0.03  # ~5 standard errors of a difference at 20,000
    assert np.abs(ours - exact).max() > (0.01 if kind == "fidelity" else 0.003)  # noise
