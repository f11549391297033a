"""Shots from the exact engine: the counts are Aer's in law (chi-square), reproducible per
(sample, weights) pair whatever the call, and the estimates unbiased."""

import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp
from scipy import stats

from circuits import build_classifier
from qml.engine import sampling
from qml.engine.sampling import draw_counts, pair_keys, z_diagonals
from qml.engine.statevector import compile_circuit
from tests.helpers import aer_counts, same_distribution_p

SHOTS = 1024


@pytest.fixture(scope="module")
def classifier():
    cc = build_classifier("zz", "real_amplitudes", n_features=3, feature_map_reps=1,
                          ansatz_reps=2)
    return cc, compile_circuit(cc.circuit, cc.inputs, cc.weights, [])


def _twenty_circuits(cc):
    rng = np.random.default_rng(11)
    return rng.uniform(0, np.pi, (20, 3)), rng.uniform(-np.pi, np.pi, (20, len(cc.weights)))


def test_counts_pass_a_chi_square_test_against_aer_over_20_circuits(classifier):
    cc, ec = classifier
    X, W = _twenty_circuits(cc)
    ours = np.stack([ec.sample_counts(X[i:i + 1], W[i:i + 1], SHOTS,
                                      keys=pair_keys(3, "test", X[i:i + 1], W[i:i + 1]))[0, 0]
                     for i in range(20)])
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    measured = cc.circuit.copy()
    measured.measure_all()
    aer = aer_counts(transpile(measured, AerSimulator(), optimization_level=0), cc, X, W,
                     SHOTS, seed=5)
    p = np.array([same_distribution_p(a, b) for a, b in zip(ours, aer)])
    assert (ours.sum(axis=1) == SHOTS).all()
    assert p.min() > 0.01 / 20  # each circuit, Bonferroni over the 20
    assert stats.combine_pvalues(p, method="fisher").pvalue > 0.01  # all 20 together
    # the test has power: the same counts against another circuit's are rejected
    shifted = np.roll(aer, 1, axis=0)
    q = np.array([same_distribution_p(a, b) for a, b in zip(ours, shifted)])
    assert stats.combine_pvalues(q, method="fisher").pvalue < 1e-6


@pytest.mark.parametrize("shots", [10, 5000])  # inverse-CDF draws, then multinomial ones
def test_draws_follow_the_distribution(shots):
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(64))
    total = sum(draw_counts(p, shots, rng) for _ in range(4000 // shots + 1))
    expected = p * total.sum()
    keep = expected >= 5
    observed = np.append(total[keep], total[~keep].sum())
    expected = np.append(expected[keep], expected[~keep].sum())
    assert stats.chisquare(observed, expected).pvalue > 0.001
    assert draw_counts(np.array([0.0, 1.0, 0.0, 0.0]), shots, rng).tolist() == [0, shots, 0, 0]


def test_a_pairs_counts_do_not_depend_on_the_call(classifier, monkeypatch):
    """Same seed, same counts: in one call, sample by sample, in small chunks (as data-parallel
    workers draw them), and for each weight set alone."""
    cc, ec = classifier
    rng = np.random.default_rng(1)
    X, W = rng.uniform(0, np.pi, (6, 3)), rng.uniform(-np.pi, np.pi, (3, len(cc.weights)))
    whole = ec.sample_counts(X, W, 100, keys=pair_keys(9, "training_step", X, W))
    monkeypatch.setattr(sampling, "_CHUNK_BYTES", 1)  # one pair per chunk
    for j in range(3):
        for i in range(6):
            one = ec.sample_counts(X[i:i + 1], W[j:j + 1], 100,
                                   keys=pair_keys(9, "training_step", X[i:i + 1], W[j:j + 1]))
            np.testing.assert_array_equal(one[0, 0], whole[j, i])
    keys = pair_keys(9, "training_step", X, W)
    fresh = np.random.Generator(np.random.Philox(key=keys[2, 5]))  # the stream, built anew
    np.testing.assert_array_equal(
        whole[2, 5], draw_counts(ec.probabilities(X[5:6], W[2:3])[0, 0], 100, fresh))
    other = ec.sample_counts(X, W, 100, keys=pair_keys(10, "training_step", X, W))
    assert not np.array_equal(other, whole)  # another seed, other counts
    label = ec.sample_counts(X, W, 100, keys=pair_keys(9, "prediction", X, W))
    assert not np.array_equal(label, whole)  # predictions draw their own shots


def test_estimates_are_unbiased_and_match_the_counts(classifier):
    cc, ec = classifier
    obs = [SparsePauliOp.from_sparse_list([("Z", [0], 1.0)], 3),
           SparsePauliOp.from_sparse_list([("ZZ", [1, 2], 0.5), ("Z", [2], -1.0)], 3)]
    rng = np.random.default_rng(2)
    X, W = rng.uniform(0, np.pi, (4, 3)), rng.uniform(-np.pi, np.pi, (2, len(cc.weights)))
    exact = compile_circuit(cc.circuit, cc.inputs, cc.weights, obs).expectations(X, W)
    diag = z_diagonals(obs, 3)
    keys = pair_keys(4, "t", X, W)
    estimate = ec.sampled_expectations(X, W, 200_000, diag, keys=keys)
    assert np.abs(estimate - exact).max() < 5 * 1.5 / np.sqrt(200_000)
    counts = ec.sample_counts(X, W, 200_000, keys=keys)
    np.testing.assert_allclose(counts @ diag.T / 200_000, estimate, atol=1e-14)


def test_bad_arguments(classifier):
    cc, ec = classifier
    X, W = np.zeros((2, 3)), np.zeros((1, len(cc.weights)))
    with pytest.raises(ValueError, match="keys .reproducible. or a generator"):
        ec.sample_counts(X, W, 10)
    with pytest.raises(ValueError, match=r"keys must have shape \(1, 2, 2\)"):
        ec.sample_counts(X, W, 10, keys=np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="diagonals must have shape"):
        ec.sampled_expectations(X, W, 10, np.ones((1, 4)), rng=np.random.default_rng())
    with pytest.raises(ValueError, match="Z and I only"):
        z_diagonals([SparsePauliOp("XII")], 3)
    with pytest.raises(ValueError, match="acts on 2 qubits"):
        z_diagonals([SparsePauliOp("ZI")], 3)
