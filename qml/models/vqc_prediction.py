"""What a fitted VQC answers: class probabilities, decisions, accuracy, input gradients
(attributions), and the same model evaluated on another backend."""

from __future__ import annotations

import logging

import numpy as np
from sklearn.base import ClassifierMixin

from qml.backends.evaluators import PREDICTION
from qml.validation import fitted_input, scored_labels

logger = logging.getLogger(__name__)

__all__ = ["VQCPrediction"]


class VQCPrediction:
    """Mixin of ``VQC``: its answers once fitted (``predict``, ``predict_proba``, ``score``,
    ``input_gradients``); ``on_backend`` is the base's (``qml.models.variational``)."""

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order."""
        X = fitted_input(self, X, "weights_")
        E = self._evaluator_ready().expectations(self._angles(X), self.weights_[None, :],
                                                 kind=PREDICTION)[0]
        return self.readout_.probabilities(E)

    def decision_function(self, X) -> np.ndarray:
        """Log-odds of ``classes_[1]`` for two classes (n_samples,); log-probabilities
        (n_samples, n_classes) otherwise."""
        logp = np.log(np.clip(self.predict_proba(X), 1e-300, 1.0))  # checks fitted first
        return logp[:, 1] - logp[:, 0] if len(self.classes_) == 2 else logp

    def predict(self, X) -> np.ndarray:
        """Most probable class of every sample."""
        probs = self.predict_proba(X)
        return self.classes_[np.argmax(probs, axis=1)]

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy on ``(X, y)``. Labels of another kind than the fitted ones (text
        against numbers), or continuous values, are an ``InvalidInputError``."""
        n_samples = len(fitted_input(self, X, "weights_"))
        scored_labels(self, y, n_samples)
        return ClassifierMixin.score(self, X, y, sample_weight=sample_weight)

    def input_gradients(self, X, target=None) -> np.ndarray:
        """Exact derivatives of a class probability with respect to every input feature.

        ``target`` is a class label, or None for each sample's predicted class. Uses the
        adjoint method on the exact engine (``backend="statevector"``).

        Returns
        -------
        ndarray, shape (n_samples, n_features_in_)
        """
        X = fitted_input(self, X, "weights_")
        evaluator = self._evaluator_ready()
        fixed = None if target is None else int(np.searchsorted(self.classes_, target))

        def cotangent(E, rows):
            # the forward pass of the adjoint method gives the probabilities: pick the class
            probs = self.readout_.probabilities(E)
            cls = np.argmax(probs, axis=-1) if fixed is None else np.full(probs.shape[:-1], fixed)
            grad_p = np.zeros_like(probs)
            np.put_along_axis(grad_p, cls[..., None], 1.0, axis=-1)
            return self.readout_.vjp(E, grad_p)

        _, _, g_angles = evaluator.vjp(self._angles(X), self.weights_[None, :], cotangent,
                                       inputs=True)
        return g_angles[0] @ self.input_matrix_.T
