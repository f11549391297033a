import numpy as np
import pytest

from qml.errors import ConfigurationError
from qml.models.optimizers import OPTIMIZERS, optimize


class Quadratic:
    """f(w) = |w - 1|^2 with a call log, to check the one-call-per-iteration contract."""

    def __init__(self):
        self.calls = 0

    def losses(self, W):
        self.calls += 1
        return ((np.atleast_2d(W) - 1.0) ** 2).sum(axis=1)

    def loss_and_grad(self, w):
        self.calls += 1
        return float(((w - 1) ** 2).sum()), 2 * (w - 1)


@pytest.mark.parametrize("method", OPTIMIZERS)
def test_every_optimizer_minimises_and_reports_each_iteration(method):
    seen = []
    f = Quadratic()
    res = optimize(method, f, np.zeros(3), maxiter=300, rng=np.random.default_rng(0),
                   callback=seen.append)
    assert res.loss < 1e-2
    np.testing.assert_allclose(res.weights, 1.0, atol=0.1)
    assert [s.iteration for s in seen] == list(range(1, res.n_iter + 1))
    assert len(res.loss_curve) == res.n_iter
    assert res.n_evaluations == f.calls


def test_spsa_is_one_call_per_iteration_and_seeded():
    f = Quadratic()
    a = optimize("spsa", f, np.zeros(4), maxiter=10, rng=np.random.default_rng(1))
    assert f.calls == 10 + 1  # plus the final loss
    b = optimize("spsa", Quadratic(), np.zeros(4), maxiter=10, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.weights, b.weights)


def test_unknown_optimizer():
    with pytest.raises(ConfigurationError, match="cobyla, lbfgs, spsa, adam"):
        optimize("sgd", Quadratic(), np.zeros(2), maxiter=1)
