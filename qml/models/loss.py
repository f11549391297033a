"""The training losses of the variational estimators, with their gradients from the
engine's vector-Jacobian product: the classifier's cross-entropy of the readout's class
probabilities, and the regressor's squared error of its scaled readout.
"""

from __future__ import annotations

import logging

import numpy as np

from circuits.readouts import Readout

__all__ = ["CrossEntropy", "SquaredError", "PROB_FLOOR"]

logger = logging.getLogger(__name__)


PROB_FLOOR = 1e-10  # clip of qiskit-machine-learning's CrossEntropyLoss


class CrossEntropy:
    """Mean cross-entropy (log base 2, probabilities clipped at 1e-10) over the training set,
    as qiskit-machine-learning's ``CrossEntropyLoss``; every method is one backend call.
    ``n_total``: the size of the whole training set when ``X`` is one chunk of it (data-
    parallel training), so that the chunks' losses and gradients add up to the mean's."""

    def __init__(self, evaluator, readout: Readout, X: np.ndarray, y_index: np.ndarray,
                 n_total: int | None = None):
        self.evaluator, self.readout, self.X, self.y = evaluator, readout, X, y_index
        self.n_total = len(y_index) if n_total is None else n_total

    def _picked(self, probs: np.ndarray, rows) -> np.ndarray:
        return probs[..., np.arange(probs.shape[-2]), self.y[rows]]

    def losses(self, W: np.ndarray) -> np.ndarray:
        """The mean loss of every row of ``W`` (parameter sets)."""
        probs = self.readout.probabilities(self.evaluator.expectations(self.X, W))
        p = np.clip(self._picked(probs, slice(None)), PROB_FLOOR, 1.0)
        return -np.log2(p).sum(axis=-1) / self.n_total

    def _cotangent(self, E: np.ndarray, rows) -> np.ndarray:
        probs = self.readout.probabilities(E)
        picked = self._picked(probs, rows)
        grad_p = np.zeros_like(probs)
        live = picked > PROB_FLOOR
        denom = np.log(2) * self.n_total * np.maximum(picked, PROB_FLOOR)
        scale = np.where(live, -1.0 / denom, 0.0)
        grad_p[..., np.arange(probs.shape[-2]), self.y[rows]] = scale
        return self.readout.vjp(E, grad_p)

    def loss_and_grad(self, w: np.ndarray):
        """The loss of ``w`` and its gradient (the engine's adjoint method)."""
        E, grad, _ = self.evaluator.vjp(self.X, w[None, :], self._cotangent)
        p = np.clip(self._picked(self.readout.probabilities(E[0]), slice(None)), PROB_FLOOR, 1.0)
        return float(-np.log2(p).sum() / self.n_total), grad[0]


class SquaredError:
    """Mean squared error of ``scale * <O> + offset`` against the (standardised) targets
    ``y``, where ``<O>`` is the circuit's one expectation value; the last two entries of a
    parameter set are ``scale`` and ``offset``, the others the circuit's weights. Every
    method is one backend call. ``n_total`` as for ``CrossEntropy``.

    Examples
    --------
    >>> class Constant:  # an evaluator whose circuit always reads <O> = 0.5
    ...     def expectations(self, X, W):
    ...         return np.full((len(W), len(X), 1), 0.5)
    >>> loss = SquaredError(Constant(), np.zeros((2, 1)), np.array([1.0, 2.0]))
    >>> loss.losses(np.array([[0.0, 2.0, 0.0], [0.0, 2.0, 1.0]]))  # scale 2, offset 0 or 1
    array([0.5, 0.5])
    """

    def __init__(self, evaluator, X: np.ndarray, y: np.ndarray, n_total: int | None = None):
        self.evaluator, self.X, self.y = evaluator, X, y
        self.n_total = len(y) if n_total is None else n_total

    def losses(self, W: np.ndarray) -> np.ndarray:
        """The mean loss of every row of ``W`` (parameter sets)."""
        W = np.atleast_2d(W)
        E = self.evaluator.expectations(self.X, W[:, :-2])[..., 0]  # (P, B)
        residual = W[:, -2:-1] * E + W[:, -1:] - self.y
        return (residual**2).sum(axis=-1) / self.n_total

    def loss_and_grad(self, w: np.ndarray):
        """The loss of ``w`` and its gradient (the engine's adjoint method for the circuit's
        weights; the scale's and offset's in closed form)."""
        scale, offset = w[-2], w[-1]

        def cotangent(E, rows):
            residual = scale * E[..., 0] + offset - self.y[rows]
            return (2 * scale / self.n_total * residual)[..., None]

        E, grad, _ = self.evaluator.vjp(self.X, w[None, :-2], cotangent)
        E = E[0, :, 0]
        residual = scale * E + offset - self.y
        extra = 2 / self.n_total * np.array([residual @ E, residual.sum()])
        return float(residual @ residual / self.n_total), np.concatenate([grad[0], extra])
