"""What a fitted VQC answers: class probabilities, decisions, accuracy, input gradients
(attributions), and the same model evaluated on another backend."""

from __future__ import annotations

import logging

import numpy as np
from sklearn.base import ClassifierMixin

from qml.backends import parse_backend
from qml.backends.evaluators import PREDICTION
from qml.errors import ConfigurationError, NotFittedError
from qml.validation import fitted_input, scored_labels

logger = logging.getLogger(__name__)

__all__ = ["VQCPrediction"]


class VQCPrediction:
    """Mixin of ``VQC``: its answers once fitted (``predict``, ``predict_proba``, ``score``,
    ``input_gradients``, ``on_backend``)."""

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

    def on_backend(self, backend: str, shots: int | None = None,
                   seed: int | None = None):
        """The fitted model, evaluated elsewhere: a copy with the same weights, input map and
        classes whose ``predict``/``score`` run on ``backend`` with ``shots`` (and ``seed``;
        default this model's). Nothing is trained; this model is unchanged.

        For accuracy against shots or noise of one trained model: ``clf.on_backend("aer",
        shots=64, seed=s).score(X, y)`` over a few seeds.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from qml import VQC
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = VQC(seed=0, maxiter=20).fit(X[:100], y[:100])
        >>> noisy = clf.on_backend("aer", shots=64, seed=1)
        >>> noisy.backend, noisy.shots, bool((noisy.weights_ == clf.weights_).all())
        ('aer', 64, True)
        >>> 0.5 < noisy.score(X[:100], y[:100]) <= 1.0
        True
        """
        if not hasattr(self, "weights_"):
            raise NotFittedError("fit the model before evaluating it on another backend")
        spec = parse_backend(backend)  # an unknown backend: its own clear error
        if spec.exact and shots is not None:
            raise ConfigurationError(f"backend {backend!r} is exact: it takes no shots "
                                     "(use 'aer' or 'aer:<fake backend>' for shot noise)")
        doc = self.to_dict()
        params = doc["params"]
        params.update(backend=backend, shots=shots,
                      seed=self.seed if seed is None else seed, checkpoint=None,
                      resume=False, scheduler=None)  # the saved params hold no callback
        model = type(self).from_dict(doc)
        logger.info("evaluating the fitted model on %s (shots %s)", backend, shots)
        return model
