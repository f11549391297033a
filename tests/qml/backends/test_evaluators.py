"""Aer evaluators: agreement with the exact engine, one primitive call per batch, shift rule."""

import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp

from circuits import build_classifier
from qml.backends import build_simulator, parse_backend
from qml.backends.evaluators import (
    AerEstimatorEvaluator,
    AerSamplerEvaluator,
    EngineSamplerEvaluator,
    ExactEvaluator,
    NoisyEngineEvaluator,
    make_evaluator,
    shift_rule_compatible,
)
from qml.errors import CircuitTooWideError, ConfigurationError, FallbackWarning


@pytest.fixture
def problem(rng):
    cc = build_classifier("zz", "real_amplitudes", n_features=3, feature_map_reps=1,
                          ansatz_reps=2)
    obs = [SparsePauliOp.from_sparse_list([("Z", [0], 1.0)], 3),
           SparsePauliOp.from_sparse_list([("Z", [1], 1.0), ("Z", [2], 0.5)], 3)]
    X = rng.uniform(0, np.pi, (5, 3))
    W = rng.uniform(-np.pi, np.pi, (2, len(cc.weights)))
    return cc, obs, X, W


def test_aer_estimator_is_exact(problem, rng):
    cc, obs, X, W = problem
    exact, aer = ExactEvaluator(cc, obs), AerEstimatorEvaluator(cc, obs, seed=0)
    np.testing.assert_allclose(aer.expectations(X, W), exact.expectations(X, W), atol=1e-10)
    cot = rng.normal(size=(1, 5, 2))
    np.testing.assert_allclose(aer.vjp(X, W[:1], cot)[1], exact.vjp(X, W[:1], cot)[1],
                               atol=1e-9)


def test_sampler_agrees_within_shot_noise(problem):
    cc, obs, X, W = problem
    shots = 4000
    sampler = AerSamplerEvaluator(cc, obs, build_simulator(parse_backend("aer")), shots, seed=1)
    diff = sampler.expectations(X, W) - ExactEvaluator(cc, obs).expectations(X, W)
    assert np.abs(diff).max() < 5 * 1.5 / np.sqrt(shots)  # 5 sigma; |O| <= 1.5


def test_one_primitive_call_per_iteration_with_all_shifts(problem, rng, monkeypatch):
    from qiskit_aer.primitives import SamplerV2

    cc, obs, X, W = problem
    calls = []
    original = SamplerV2.run

    def counting_run(self, pubs, **kw):
        calls.append([np.asarray(p[1]).shape for p in pubs])
        return original(self, pubs, **kw)

    monkeypatch.setattr(SamplerV2, "run", counting_run)
    sampler = AerSamplerEvaluator(cc, obs, build_simulator(parse_backend("aer")), 64, seed=1)
    sampler.vjp(X, W[:1], rng.normal(size=(1, 5, 2)))
    m = len(cc.weights)
    assert calls == [[((1 + 2 * m) * 5, cc.circuit.num_parameters)]]


def test_shift_rule_gradient_from_shots_is_close(problem, rng):
    cc, obs, X, W = problem
    cot = rng.normal(size=(1, 5, 2))
    exact = ExactEvaluator(cc, obs).vjp(X, W[:1], cot)[1]
    sampler = AerSamplerEvaluator(cc, obs, build_simulator(parse_backend("aer")), 20000, seed=2)
    assert np.abs(sampler.vjp(X, W[:1], cot)[1] - exact).max() < 0.1


def test_same_seed_same_counts(problem):
    cc, obs, X, W = problem
    sim = build_simulator(parse_backend("aer"))
    a = AerSamplerEvaluator(cc, obs, sim, 100, seed=7).expectations(X, W)
    b = AerSamplerEvaluator(cc, obs, sim, 100, seed=7).expectations(X, W)
    np.testing.assert_array_equal(a, b)


def test_statevector_with_shots_samples_the_engine(problem, rng):
    """``statevector`` with shots: draws from the exact distributions, within shot noise of
    the exact values; parameter-shift gradients from the sampled estimates."""
    cc, obs, X, W = problem
    exact = ExactEvaluator(cc, obs)
    sampler = make_evaluator("statevector", cc, obs, shots=4000, seed=1)
    assert isinstance(sampler, EngineSamplerEvaluator) and not sampler.exact
    diff = sampler.expectations(X, W) - exact.expectations(X, W)
    assert 0 < np.abs(diff).max() < 5 * 1.5 / np.sqrt(4000)
    np.testing.assert_array_equal(  # seeded: the same counts again
        make_evaluator("statevector", cc, obs, shots=4000, seed=1).expectations(X, W),
        sampler.expectations(X, W))
    cot = rng.normal(size=(1, 5, 2))
    many = make_evaluator("statevector", cc, obs, shots=20000, seed=2)
    assert np.abs(many.vjp(X, W[:1], cot)[1] - exact.vjp(X, W[:1], cot)[1]).max() < 0.1
    assert many.n_circuits == (1 + 2 * len(cc.weights)) * 5


def test_shots_fall_back_to_aers_sampler_where_the_engine_cannot(problem):
    from qiskit import QuantumCircuit

    cc, obs, X, W = problem
    ansatz = QuantumCircuit(3)
    ansatz.reset(1)  # the exact engine has no reset
    ansatz.ry(cc.weights[0], 0)
    odd = build_classifier("zz", ansatz, n_features=3, feature_map_reps=1)
    with pytest.warns(FallbackWarning, match="reset.*Aer's sampler"):
        sampler = make_evaluator("statevector", odd, obs, shots=64, seed=0)
    assert isinstance(sampler, AerSamplerEvaluator)
    assert sampler.expectations(X, np.zeros((1, 1))).shape == (1, 5, 2)


def test_device_noise_on_the_engine_counts_like_aer(problem, caplog):
    """aer:<fake> on the engine: the device's transpiled circuit, its exact noisy law; counts
    pass a chi-square test against Aer's noisy sampler over 20 circuits."""
    import logging

    from scipy import stats

    from tests.helpers import aer_counts, same_distribution_p

    cc, obs, X, W = problem
    with caplog.at_level(logging.INFO, logger="qml.backends.evaluators"):
        noisy = make_evaluator("aer:fake_lima", cc, obs, shots=1024, seed=0)
    assert isinstance(noisy, NoisyEngineEvaluator) and not noisy.exact
    assert "aer:fake_lima: device noise on qlimits' engine (3 qubits in use)" in caplog.text
    rng = np.random.default_rng(4)
    X20, W20 = rng.uniform(0, np.pi, (20, 3)), rng.uniform(-np.pi, np.pi, (20, len(cc.weights)))
    from qml.engine.sampling import pair_keys

    ours = np.stack([noisy.engine.sample_counts(X20[i:i + 1], W20[i:i + 1], 1024,
                                                keys=pair_keys(1, "t", X20[i:i + 1],
                                                               W20[i:i + 1]))[0, 0]
                     for i in range(20)])
    aer = aer_counts(noisy.circuit, cc, X20, W20, 1024, seed=2,
                     simulator=build_simulator(parse_backend("aer:fake_lima")))
    p = np.array([same_distribution_p(a, b) for a, b in zip(ours, aer)])
    assert p.min() > 0.01 / 20 and stats.combine_pvalues(p, method="fisher").pvalue > 0.01
    ideal = ExactEvaluator(cc, obs).expectations(X, W)
    exact_noisy = noisy.engine.probabilities(X, W) @ noisy.diagonals.T
    assert 0.01 < np.abs(exact_noisy - ideal).max() < 0.5  # noise shrinks the values


def test_device_noise_the_engine_cannot_simulate_runs_on_aer(problem, caplog):
    import logging

    from qiskit import QuantumCircuit

    cc, obs, X, W = problem
    ansatz = QuantumCircuit(3)
    ansatz.reset(1)  # no reset on the noisy engine
    ansatz.ry(cc.weights[0], 0)
    odd = build_classifier("zz", ansatz, n_features=3, feature_map_reps=1)
    with caplog.at_level(logging.INFO, logger="qml.backends.evaluators"):
        sampler = make_evaluator("aer:fake_lima", odd, obs, shots=64, seed=0)
    assert isinstance(sampler, AerSamplerEvaluator)
    assert "aer:fake_lima: device noise on Aer (the engine cannot: instruction 'reset'" \
        in caplog.text


def test_noisy_backend_transpiles_to_the_device(problem):
    cc, obs, X, W = problem
    sampler = make_evaluator("aer:fake_lima", cc, obs, shots=200, seed=0)
    ops = set(sampler.circuit.count_ops())
    assert ops <= {"rz", "sx", "x", "cx", "measure", "barrier", "delay", "id"}
    assert sampler.expectations(X, W).shape == (2, 5, 2)


def test_errors(problem):
    cc, obs, X, W = problem
    with pytest.raises(ConfigurationError, match="Z and I"):
        AerSamplerEvaluator(cc, [SparsePauliOp("XII")], build_simulator(parse_backend("aer")),
                            10)
    with pytest.raises(ConfigurationError, match="Z and I"):
        make_evaluator("statevector", cc, [SparsePauliOp("XII")], shots=10)
    with pytest.raises(CircuitTooWideError, match="3 qubits"):
        make_evaluator("aer:fake_armonk", cc, obs)
    sampler = make_evaluator("aer", cc, obs, shots=10)
    with pytest.raises(ConfigurationError, match="exact engine"):
        sampler.vjp(X, W[:1], np.ones((1, 5, 2)), inputs=True)


def test_shift_rule_compatibility():
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    assert shift_rule_compatible(build_classifier("reuploading", "efficient_su2", n_features=2))
    w = ParameterVector("w", 1)
    qc = QuantumCircuit(2)
    qc.ry(2 * w[0], 0)
    cc = build_classifier("angle", qc, n_features=2)
    assert not shift_rule_compatible(cc)
