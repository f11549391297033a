"""Optimizers behind one callback protocol.

COBYLA and L-BFGS-B come from scipy; SPSA (Spall 1998) and Adam (Kingma & Ba 2015) are short
loops here because each of their iterations must be a single batched backend call. Every
optimizer calls ``callback(IterationInfo)`` once per iteration — for COBYLA an iteration is one
objective evaluation, as in scipy and qiskit-machine-learning.

The objective is any object with two methods:

``losses(W) -> (P,)``
    loss of each parameter set in ``W`` (P, m), in one backend call;
``loss_and_grad(w) -> (float, (m,))``
    loss and exact (or parameter-shift) gradient at one point, in one backend call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize as _scipy_minimize

from qml.errors import ConfigurationError

__all__ = ["resolve_optimizer", "IterationInfo", "OptimizationResult", "OPTIMIZERS",
           "GRADIENT_OPTIMIZERS", "DEFAULT_LEARNING_RATE", "optimize"]

logger = logging.getLogger(__name__)

OPTIMIZERS = ("cobyla", "lbfgs", "spsa", "adam")
GRADIENT_OPTIMIZERS = ("lbfgs", "adam")
DEFAULT_LEARNING_RATE = {"spsa": 0.2, "adam": 0.1}


def resolve_optimizer(name: str, exact: bool) -> str:
    """The optimizer ``name`` stands for: ``"auto"`` is L-BFGS-B where gradients are exact
    (the engine's adjoint method) and SPSA under shot noise.

    Examples
    --------
    >>> resolve_optimizer("auto", exact=True), resolve_optimizer("auto", exact=False)
    ('lbfgs', 'spsa')
    """
    if name != "auto":
        return name
    return "lbfgs" if exact else "spsa"


@dataclass(frozen=True)
class IterationInfo:
    """What a callback receives after every iteration.

    Attributes
    ----------
    iteration : int
        1-based iteration number.
    loss : float
        Training loss at ``weights``.
    weights : ndarray
        A copy of the weights the loss was measured at.
    n_evaluations : int
        Objective evaluations (backend calls) so far.
    """

    iteration: int
    loss: float
    weights: np.ndarray
    n_evaluations: int


@dataclass(frozen=True)
class OptimizationResult:
    """Final weights, final loss, and the loss after every iteration."""

    weights: np.ndarray
    loss: float
    loss_curve: np.ndarray
    n_iter: int
    n_evaluations: int


class _Recorder:
    """Counts evaluations, records the loss curve, fires the callback, and hands the
    optimizer's state to ``on_state`` after every iteration (for checkpoints)."""

    def __init__(self, callback, on_state=None, state: dict | None = None):
        self.callback = callback
        self.on_state = on_state
        self.curve: list[float] = list(state["curve"]) if state else []
        self.n_evaluations = int(state["n_evaluations"]) if state else 0

    def iteration(self, loss: float, weights: np.ndarray) -> None:
        self.curve.append(float(loss))
        logger.debug("iteration %d: loss %.8g (%d evaluations)", len(self.curve), loss,
                     self.n_evaluations)
        if self.callback is not None:
            self.callback(IterationInfo(len(self.curve), float(loss), np.array(weights, copy=True),
                                        self.n_evaluations))

    def save(self, **state) -> None:
        if self.on_state is not None:
            self.on_state({"curve": list(self.curve), "n_evaluations": self.n_evaluations,
                           **{k: (v.tolist() if isinstance(v, np.ndarray) else v)
                              for k, v in state.items()}})

    def result(self, weights, loss) -> OptimizationResult:
        return OptimizationResult(np.asarray(weights, dtype=float), float(loss),
                                  np.array(self.curve), len(self.curve), self.n_evaluations)


def _cobyla(objective, w0, maxiter, rec, state=None, **_):
    best = {"w": np.array(w0), "loss": np.inf}

    def fun(w):
        rec.n_evaluations += 1
        loss = float(objective.losses(w[None, :])[0])
        rec.iteration(loss, w)
        if loss < best["loss"]:
            best.update(w=np.array(w), loss=loss)
        rec.save(w=best["w"])
        return loss

    left = maxiter - len(rec.curve)
    if left <= 0:
        return rec.result(w0, min(rec.curve))
    res = _scipy_minimize(fun, w0, method="COBYLA", options={"maxiter": left})
    return rec.result(res.x, res.fun)


def _lbfgs(objective, w0, maxiter, rec, state=None, **_):
    def fun(w):
        rec.n_evaluations += 1
        loss, grad = objective.loss_and_grad(w)
        return float(loss), grad

    def on_iteration(intermediate_result):
        rec.iteration(intermediate_result.fun, intermediate_result.x)
        rec.save(w=intermediate_result.x)

    left = maxiter - len(rec.curve)
    if left <= 0:
        return rec.result(w0, rec.curve[-1])
    res = _scipy_minimize(fun, w0, jac=True, method="L-BFGS-B", callback=on_iteration,
                          options={"maxiter": left})
    return rec.result(res.x, res.fun)


def _spsa(objective, w0, maxiter, rec, learning_rate, rng, state=None, **_):
    w = np.array(w0, dtype=float)
    a, c, big_a = learning_rate, 0.1, 0.1 * maxiter
    for k in range(len(rec.curve), maxiter):
        ak = a * ((1 + big_a) / (k + 1 + big_a)) ** 0.602
        ck = c / (k + 1) ** 0.101
        delta = rng.choice([-1.0, 1.0], size=w.shape)
        rec.n_evaluations += 1
        loss, plus, minus = objective.losses(np.stack([w, w + ck * delta, w - ck * delta]))
        rec.iteration(loss, w)
        w = w - ak * (plus - minus) / (2 * ck) * delta
        rec.save(w=w, rng=rng.bit_generator.state)
    rec.n_evaluations += 1
    return rec.result(w, objective.losses(w[None, :])[0])


def _adam(objective, w0, maxiter, rec, learning_rate, state=None, **_):
    w = np.array(w0, dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    if state is not None:
        m, v = np.array(state["m"]), np.array(state["v"])
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for k in range(len(rec.curve) + 1, maxiter + 1):
        rec.n_evaluations += 1
        loss, grad = objective.loss_and_grad(w)
        rec.iteration(loss, w)
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        w = w - learning_rate * (m / (1 - beta1**k)) / (np.sqrt(v / (1 - beta2**k)) + eps)
        rec.save(w=w, m=m, v=v)
    rec.n_evaluations += 1
    return rec.result(w, objective.losses(w[None, :])[0])


_IMPLEMENTATIONS = {"cobyla": _cobyla, "lbfgs": _lbfgs, "spsa": _spsa, "adam": _adam}


def optimize(method: str, objective, w0: np.ndarray, *, maxiter: int,
             learning_rate: float | None = None, rng: np.random.Generator | None = None,
             callback: Callable[[IterationInfo], object] | None = None,
             state: dict | None = None,
             on_state: Callable[[dict], object] | None = None) -> OptimizationResult:
    """Minimise ``objective`` from ``w0`` with one of ``OPTIMIZERS``.

    ``on_state(state)`` receives a JSON-able snapshot after every iteration (weights, the loss
    curve, Adam's moments, SPSA's random-generator state); passing it back as ``state``
    resumes. Adam and SPSA resume exactly; COBYLA and L-BFGS-B restart scipy from the saved
    weights with the iterations left (their internal state is not exposed).

    Examples
    --------
    >>> class Quadratic:
    ...     def losses(self, W): return ((W - 1.0) ** 2).sum(axis=1)
    ...     def loss_and_grad(self, w): return ((w - 1) ** 2).sum(), 2 * (w - 1)
    >>> res = optimize("adam", Quadratic(), np.zeros(2), maxiter=200)
    >>> np.round(res.weights, 2)
    array([1., 1.])
    """
    if method not in _IMPLEMENTATIONS:
        raise ConfigurationError(f"unknown optimizer {method!r}; valid: {', '.join(OPTIMIZERS)}")
    lr = DEFAULT_LEARNING_RATE.get(method) if learning_rate is None else learning_rate
    rng = np.random.default_rng() if rng is None else rng
    if state is not None:
        w0 = np.asarray(state["w"], dtype=float)
        if "rng" in state:
            rng.bit_generator.state = state["rng"]
    return _IMPLEMENTATIONS[method](objective, np.asarray(w0, dtype=float), maxiter,
                                    _Recorder(callback, on_state, state), learning_rate=lr,
                                    rng=rng, state=state)
