"""What the variational estimators (``VQC``, ``VQR``) share: their options, the evaluator of
their circuit on a backend, initial weights, checkpoints, the training run (in this process
or data-parallel on Dask) and the fitted model evaluated on another backend.

An estimator built on this base says what is its own through four hooks: ``_observables()``
(what the circuit measures), ``_objective(evaluator, X, targets, n_total)`` (its loss, with
``losses(W)`` and ``loss_and_grad(w)``), ``_structure()`` (the built parts a worker needs)
and ``_store_result(result)`` (the trained weights into its attributes).
"""

from __future__ import annotations

import logging
import time
import warnings

import numpy as np

from qml.backends import exact_values, parse_backend
from qml.backends.evaluators import make_evaluator
from qml.distributed import check_scheduler, connect, describe
from qml.distributed.data_parallel import ShardedObjective
from qml.errors import ConfigurationError, InvalidInputError, NotFittedError
from qml.hardware.mitigation import MITIGATIONS, check_mitigation
from qml.hardware.modes import MODES
from qml.models.base import QuantumEstimator
from qml.models.checkpoint import Checkpoint
from qml.models.optimizers import (
    DEFAULT_LEARNING_RATE,
    GRADIENT_OPTIMIZERS,
    OPTIMIZERS,
    resolve_optimizer,
)
from qml.models.qpu_estimate import QPUEstimate
from qml.models.training import run_optimizer
from qml.validation import count, instance_of, number_above, one_of, seed

__all__ = ["VariationalEstimator", "VARIATIONAL_PARAMETERS", "chunk_terms"]

logger = logging.getLogger(__name__)


VARIATIONAL_PARAMETERS = {  # checked at fit; the backend and scheduler by their own parsers
    "feature_map_reps": count("feature_map_reps"),
    "ansatz_reps": count("ansatz_reps"),
    "optimizer": one_of("auto", *OPTIMIZERS),
    "maxiter": count("maxiter"),
    "learning_rate": number_above(0, none=True),
    "shots": count("shots", none=True),
    "seed": seed(),
    "n_qubits": count("n_qubits", none=True),
    "reduction": one_of(None, "pca"),
    "input_scaling": one_of("minmax", None),
    "optimization_level": one_of(0, 1, 2, 3),
    "runtime_options": instance_of(dict, "a dict of runtime Sampler options"),
    "max_qpu_seconds": number_above(0, none=True),
    "max_circuits_per_job": count("max_circuits_per_job", none=True),
    "execution_mode": one_of(None, *MODES),
    "mitigation": one_of(None, *MITIGATIONS),
}


def chunk_terms(model: VariationalEstimator, X: np.ndarray, targets: np.ndarray, n_total: int,
                W: np.ndarray, gradient: bool):
    """A data-parallel task (``qml.distributed.data_parallel``): one chunk's share of the mean
    loss of every row of ``W`` or, with ``gradient``, of the loss of ``W[0]`` and its
    gradient."""
    objective = model._objective(model._evaluator_ready(), X, targets, n_total)
    if gradient:
        loss, grad = objective.loss_and_grad(W[0])
        return np.array([loss]), grad
    return objective.losses(W), None


class VariationalEstimator(QPUEstimate, QuantumEstimator):
    """Base of ``VQC`` and ``VQR``: a circuit with trainable weights, trained by an optimizer
    on a backend (see ``VQC`` for the parameters they share)."""

    PARAMETERS = VARIATIONAL_PARAMETERS

    # ------------------------------------------------------------------ hooks
    def _observables(self) -> list:
        """The operators the built circuit measures."""
        raise NotImplementedError

    def _objective(self, evaluator, X: np.ndarray, targets: np.ndarray,
                   n_total: int | None = None):
        """The training loss on ``(X, targets)`` (a chunk of ``n_total`` samples)."""
        raise NotImplementedError

    def _structure(self) -> dict:
        """The fitted attributes (besides the circuit) that evaluating the loss needs."""
        raise NotImplementedError

    def _store_result(self, result) -> None:
        """The optimizer's result into the fitted attributes."""
        raise NotImplementedError

    # ------------------------------------------------------------------ shared steps
    def _validate_options(self) -> None:
        self._check_parameters()
        spec = parse_backend(self.backend)
        check_scheduler(self.scheduler)
        check_mitigation(self.mitigation, self.backend)
        if self.scheduler is not None and not spec.exact:
            raise ConfigurationError(
                f"scheduler={describe(self.scheduler)!r}: data-parallel training needs an "
                f"exact backend (statevector); {self.backend!r} evaluates with shots or on "
                "hardware, whose jobs stay with this process (and its job ledger)")

    def _resolved_optimizer(self) -> str:
        return resolve_optimizer(self.optimizer, exact_values(self.backend, self.shots))

    def _build_evaluator(self) -> None:
        """The evaluator of the built circuit on the backend."""
        self._evaluator = make_evaluator(self.backend, self.circuit_, self._observables(),
                                         shots=self.shots, seed=self.seed,
                                         optimization_level=self.optimization_level,
                                         runtime_options=self.runtime_options,
                                         max_circuits_per_job=self.max_circuits_per_job,
                                         execution_mode=self.execution_mode,
                                         mitigation=self.mitigation)

    def _evaluator_ready(self):
        if getattr(self, "_evaluator", None) is None:
            self._build_evaluator()
        return self._evaluator

    def _initial_weights(self, n_weights: int, rng: np.random.Generator) -> np.ndarray:
        """The circuit's starting weights: the last fit's (``warm_start``), the user's
        ``initial_weights``, or uniform in ``[-pi, pi)``."""
        if self.warm_start and hasattr(self, "weights_") and len(self.weights_) == n_weights:
            return np.array(self.weights_, dtype=float)
        if self.initial_weights is None:
            return rng.uniform(-np.pi, np.pi, n_weights)
        w0 = np.asarray(self.initial_weights, dtype=float)
        if w0.shape != (n_weights,) or not np.isfinite(w0).all():
            raise InvalidInputError(
                f"initial_weights must be {n_weights} finite numbers; got shape {w0.shape}"
            )
        return w0

    def _start(self, rng: np.random.Generator) -> np.ndarray:
        """What the optimizer starts from (the circuit's weights, and any of the loss's own)."""
        return self._initial_weights(len(self.circuit_.weights), rng)

    def _checkpoint_file(self, method: str, X, y) -> Checkpoint | None:
        """This run's checkpoint (None without ``checkpoint``), its place checked."""
        if self.checkpoint is None:
            if self.resume:
                raise ConfigurationError("resume=True needs checkpoint=PATH")
            return None
        return Checkpoint(self.checkpoint, method, Checkpoint.fingerprint(
            self.get_params(), X, y))

    def _train(self, method: str, X, y, angles: np.ndarray, targets: np.ndarray,
               start: float) -> None:
        """The training run of ``fit`` on prepared data: ``X``/``y`` as given (the checkpoint
        fingerprint), ``angles`` and ``targets`` as the loss takes them."""
        _warn_unused_options(self, method)
        if self.max_qpu_seconds is not None and parse_backend(self.backend).runtime:
            self._cost_estimate(len(X), method).check_limit(self.max_qpu_seconds)
        self._build_evaluator()
        rng = np.random.default_rng(self.seed)
        w0 = self._start(rng)
        if method in GRADIENT_OPTIMIZERS and not self._evaluator.exact:
            warnings.warn(f"{method} with shot noise: gradients are parameter-shift estimates; "
                          "SPSA or COBYLA are usually more robust", UserWarning, stacklevel=3)
        checkpoint = self._checkpoint_file(method, X, y)
        state = checkpoint.read(len(w0)) if checkpoint is not None and self.resume else None
        writer = checkpoint.writer() if checkpoint is not None else None  # place checked now
        with connect(self.scheduler) as executor:
            if executor.distributed:
                objective = ShardedObjective(executor, chunk_terms, _worker_copy(self),
                                             angles, targets)
            elif parse_backend(self.backend).exact and not self._evaluator.exact:
                # shots drawn by the engine are keyed by the weights' bits: the cluster's
                # chunked sums here too, so that one process and many fit alike, bit for bit
                objective = ShardedObjective(executor, chunk_terms, self, angles, targets)
            else:
                objective = self._objective(self._evaluator, angles, targets)
            result = run_optimizer(method, objective, w0, maxiter=self.maxiter,
                                   learning_rate=self.learning_rate, rng=rng,
                                   callback=self.callback, verbose=self.verbose, state=state,
                                   on_state=writer, name=type(self).__name__)
        evaluations = objective.n_circuits if executor.distributed else self._evaluator.n_circuits
        self._store_result(result)
        self.loss_curve_ = result.loss_curve
        self.loss_ = result.loss
        self.n_iter_ = result.n_iter
        self.optimizer_ = method
        self.shots_ = None if self._evaluator.exact else int(self._evaluator.shots)
        self.n_circuit_evaluations_ = int(evaluations)
        self.fit_seconds_ = time.perf_counter() - start
        logger.info("fit: %s on %s (%s), %d iterations, loss %.6f, %d circuit evaluations, "
                    "%.2f s", method, self.backend, describe(self.scheduler), self.n_iter_,
                    self.loss_, self.n_circuit_evaluations_, self.fit_seconds_)

    # ------------------------------------------------------------------ fitted model
    def on_backend(self, backend: str, shots: int | None = None,
                   seed: int | None = None, mitigation: str | None = None):
        """The fitted model, evaluated elsewhere: a copy with the same weights and input map
        whose ``predict``/``score`` run on ``backend`` with ``shots`` (and ``seed``; default
        this model's). Nothing is trained; this model is unchanged.

        For accuracy against shots or noise of one trained model: ``clf.on_backend(
        "statevector", shots=64, seed=s).score(X, y)`` over a few seeds (shots drawn from the
        exact distribution), or ``"aer:<fake backend>"`` for device noise; with
        ``mitigation="m3"``, its readout errors corrected (``qml.hardware.mitigation``).

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
        parse_backend(backend)  # an unknown backend: its own clear error
        check_mitigation(mitigation, backend)
        doc = self.to_dict()
        doc["params"].update(backend=backend, shots=shots, mitigation=mitigation,
                             seed=self.seed if seed is None else seed, checkpoint=None,
                             resume=False, scheduler=None)  # the saved params: no callback
        model = type(self).from_dict(doc)
        logger.info("evaluating the fitted model on %s (shots %s)", backend, shots)
        return model


def _warn_unused_options(model: VariationalEstimator, method: str) -> None:
    """Options that this backend or optimizer would not use are named, not ignored."""
    spec = parse_backend(model.backend)
    unused = []
    if model.learning_rate is not None and method not in DEFAULT_LEARNING_RATE:
        unused.append(f"learning_rate={model.learning_rate} ({method} has no step size)")
    if model.runtime_options and not spec.runtime:
        unused.append("runtime_options (only fake: and ibm: backends take them)")
    if model.execution_mode is not None and not spec.runtime:
        unused.append(f"execution_mode={model.execution_mode!r} (backend {model.backend!r} "
                      "sends no jobs)")
    if model.max_circuits_per_job is not None and not spec.runtime:
        unused.append(f"max_circuits_per_job={model.max_circuits_per_job} (backend "
                      f"{model.backend!r} sends no jobs)")
    if model.max_qpu_seconds is not None and not spec.runtime:
        unused.append(f"max_qpu_seconds={model.max_qpu_seconds} (backend {model.backend!r} "
                      "uses no QPU)")
    if model.optimization_level != 1 and spec.exact:
        unused.append(f"optimization_level={model.optimization_level} (backend "
                      f"{model.backend!r} runs the circuit untranspiled)")
    for item in unused:
        warnings.warn(f"{type(model).__name__} option not used: {item}", UserWarning,
                      stacklevel=5)


def _worker_copy(model: VariationalEstimator) -> VariationalEstimator:
    """What a data-parallel worker needs to evaluate the loss: the built circuit and what the
    loss reads, without the callback, checkpoint or scheduler (nor any fitted weights)."""
    params = {**model.get_params(deep=False), "callback": None, "checkpoint": None,
              "resume": False, "verbose": False, "scheduler": None,
              "initial_weights": None}
    copy = type(model)(**params)
    copy.n_qubits_, copy.circuit_ = model.n_qubits_, model.circuit_
    for name, value in model._structure().items():
        setattr(copy, name, value)
    return copy
