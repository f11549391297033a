"""The variational quantum classifier, a scikit-learn estimator."""

from __future__ import annotations

import logging
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from circuits.composition import ClassifierCircuit, build_classifier
from circuits.readouts import Readout, build_readout
from qml.backends import parse_backend
from qml.backends.evaluators import make_evaluator
from qml.distributed import check_scheduler, connect, describe
from qml.distributed.data_parallel import ShardedObjective
from qml.engine.memory import check_state_memory
from qml.errors import ConfigurationError, InvalidInputError
from qml.models.base import QuantumEstimator
from qml.models.checkpoint import Checkpoint
from qml.models.loss import CrossEntropy
from qml.models.optimizers import (
    DEFAULT_LEARNING_RATE,
    GRADIENT_OPTIMIZERS,
    OPTIMIZERS,
    resolve_optimizer,
)
from qml.models.qpu_estimate import QPUEstimate
from qml.models.training import run_optimizer
from qml.models.vqc_format import VQCFile
from qml.models.vqc_prediction import VQCPrediction
from qml.validation import classification_data, count, instance_of, number_above, one_of, seed

__all__ = ["VQC"]

logger = logging.getLogger(__name__)


_PARAMETERS = {  # checked at fit; the backend and scheduler by their own parsers
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
}


def _chunk_terms(model: VQC, X: np.ndarray, y_index: np.ndarray, n_total: int, W: np.ndarray,
                 gradient: bool):
    """A data-parallel task (``qml.distributed.data_parallel``): one chunk's share of the mean loss
    of every row of ``W`` or, with ``gradient``, of the loss of ``W[0]`` and its gradient."""
    objective = CrossEntropy(model._evaluator_ready(), model.readout_, X, y_index, n_total)
    if gradient:
        loss, grad = objective.loss_and_grad(W[0])
        return np.array([loss]), grad
    return objective.losses(W), None


class VQC(VQCPrediction, QPUEstimate, VQCFile, QuantumEstimator, ClassifierMixin,
          BaseEstimator):
    """Variational quantum classifier: feature map + ansatz + readout, trained on a backend.

    Inputs are mapped to rotation angles (``qml.models.preprocessing.angle_encoder``: min-max to
    ``[0, pi]`` on the training data, after standardising and PCA when ``reduction="pca"``),
    loaded by the feature map, transformed by the trainable ansatz, and read out as class
    probabilities. Training minimises the mean cross-entropy.

    Parameters
    ----------
    feature_map : {"angle", "zz", "pauli", "reuploading"} or QuantumCircuit, default="angle"
        Data encoding. A circuit's parameters are all data inputs.
    feature_map_reps : int, default=1
        Repetitions of the feature map.
    ansatz : {"real_amplitudes", "efficient_su2", "hardware_efficient"} or QuantumCircuit
        Trainable part, default ``"real_amplitudes"``. A circuit's parameters are all weights.
    ansatz_reps : int, default=3
        Repetitions (entangling layers) of the ansatz.
    readout : {"auto", "parity", "z_per_class"}, Readout or list of SparsePauliOp
        ``"auto"``: parity for two classes, one Z per class otherwise.
    optimizer : {"auto", "cobyla", "lbfgs", "spsa", "adam"}, default="auto"
        ``"auto"`` is L-BFGS-B with exact adjoint gradients on ``"statevector"`` and SPSA on
        shot-based backends.
    maxiter : int, default=100
        Optimizer iterations (for COBYLA: objective evaluations).
    learning_rate : float, optional
        Step size of Adam (default 0.1) and SPSA (default 0.2); COBYLA and L-BFGS-B take
        none (a warning says so).
    backend : str, default="statevector"
        ``"statevector"`` (exact), ``"aer"`` (shots), ``"aer:<fake backend>"`` (noisy shots).
    shots : int, optional
        Shots per circuit on shot-based backends (default 1024). The exact ``statevector``
        backend takes none (a warning says so).
    seed : int, optional
        Drives initial weights, SPSA perturbations, transpiler and simulator.
    initial_weights : array-like, optional
        Starting weights; random uniform in ``[-pi, pi)`` otherwise.
    callback : callable, optional
        ``callback(info: IterationInfo)`` after every iteration of every optimizer.
    verbose : bool, default=False
        Show a progress bar with the current loss.
    warm_start : bool, default=False
        Start from the previous fit's weights when refitting.
    n_qubits : int, optional
        Circuit width; default ``max(n_features, qubits the readout needs)``. Fewer qubits than
        features needs ``reduction="pca"``.
    reduction : {None, "pca"}, default=None
        Reduce the features to ``n_qubits`` with PCA fitted in ``fit``.
    input_scaling : {"minmax", None}, default="minmax"
        Scale each (reduced) feature to ``[0, pi]`` on the training data.
    checkpoint : str or Path, optional
        JSON file rewritten atomically after every iteration with the weights, the loss
        curve, the optimizer state and the random-generator state.
    resume : bool, default=False
        Continue from ``checkpoint`` if it exists (same data and settings, else an error).
        Adam and SPSA resume exactly; COBYLA and L-BFGS-B restart from the saved weights.
    optimization_level : int, default=1
        Preset pass-manager level for device backends (``aer:<fake>``, ``fake:``, ``ibm:``).
    runtime_options : dict, optional
        Sampler options for ``fake:``/``ibm:`` backends, passed through unchanged (error
        suppression, twirling, ...); other backends take none (a warning says so).
    max_qpu_seconds : float, optional
        On ``fake:``/``ibm:`` backends, ``fit`` first estimates the run's QPU usage
        (``estimate``) and refuses, before anything is submitted, when it exceeds this many
        seconds; ``fake:`` is checked too, so that a rehearsal refuses what the real run would.
    scheduler : None, str or dask.distributed.Client, optional
        Data-parallel training on Dask (``qml.distributed``: ``"local"``, ``"local:N"``, an
        address such as ``"tcp://HOST:8786"``, or a ``Client``), exact backends only. The
        training set is cut into fixed chunks, held by the workers from the start; each
        evaluation sends the weights and adds the chunks' losses and gradients in chunk
        order, so the weights are the same on any number of workers and equal the
        in-process fit's to rounding. The optimizer, callback and checkpoint stay here. A
        ``Client`` is not saved with the model (a string is).

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    n_features_in_ : int
        Number of input features.
    n_qubits_ : int
        Circuit width used.
    circuit_ : ClassifierCircuit
        The trained circuit with its input and weight parameter vectors.
    readout_ : Readout
        The readout: measured observables and their map to class probabilities.
    input_matrix_, input_offset_ : ndarray
        The fitted input map: angles ``= X @ input_matrix_ + input_offset_``.
    weights_ : ndarray
        Trained weights.
    loss_curve_ : ndarray
        Training loss after every iteration.
    loss_ : float
        Final training loss.
    n_iter_ : int
        Iterations run.
    optimizer_ : str
        The optimizer that ran (``"auto"`` resolved).
    shots_ : int or None
        Shots per circuit during ``fit``; None when evaluated exactly.
    n_circuit_evaluations_ : int
        Circuits executed during ``fit`` (samples x parameter sets, all calls).
    fit_seconds_ : float
        Wall time of ``fit``.

    The model file (``save``/``load``, ``to_dict``/``from_dict``) keeps all of these; a file
    of format version 1 (qlimits 0.1) has no ``n_circuit_evaluations_`` or ``fit_seconds_``,
    which load as None.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = VQC(seed=0, maxiter=30).fit(X[:100], y[:100])
    >>> clf.score(X[:100], y[:100]) > 0.9
    True

    Saved as JSON (no pickle), atomically, and read back:

    >>> import os, tempfile
    >>> path = clf.save(os.path.join(tempfile.mkdtemp(), "model.json"))
    >>> bool((VQC.load(path).predict(X) == clf.predict(X)).all())
    True
    """

    PARAMETERS = _PARAMETERS

    def __init__(self, feature_map="angle", feature_map_reps=1, ansatz="real_amplitudes",
                 ansatz_reps=3, readout="auto", optimizer="auto", maxiter=100,
                 learning_rate=None, backend="statevector", shots=None, seed=None,
                 initial_weights=None, callback=None, verbose=False, warm_start=False,
                 n_qubits=None, reduction=None, input_scaling="minmax", checkpoint=None,
                 resume=False, optimization_level=1, runtime_options=None,
                 max_qpu_seconds=None, scheduler=None):
        self.feature_map = feature_map
        self.feature_map_reps = feature_map_reps
        self.ansatz = ansatz
        self.ansatz_reps = ansatz_reps
        self.readout = readout
        self.optimizer = optimizer
        self.maxiter = maxiter
        self.learning_rate = learning_rate
        self.backend = backend
        self.shots = shots
        self.seed = seed
        self.initial_weights = initial_weights
        self.callback = callback
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_qubits = n_qubits
        self.reduction = reduction
        self.input_scaling = input_scaling
        self.checkpoint = checkpoint
        self.resume = resume
        self.optimization_level = optimization_level
        self.runtime_options = runtime_options
        self.max_qpu_seconds = max_qpu_seconds
        self.scheduler = scheduler

    def _validate_options(self) -> None:
        self._check_parameters()
        spec = parse_backend(self.backend)
        check_scheduler(self.scheduler)
        if self.scheduler is not None and not spec.exact:
            raise ConfigurationError(
                f"scheduler={describe(self.scheduler)!r}: data-parallel training needs an "
                f"exact backend (statevector); {self.backend!r} evaluates with shots or on "
                "hardware, whose jobs stay with this process (and its job ledger)")

    def _resolved_optimizer(self) -> str:
        return resolve_optimizer(self.optimizer, parse_backend(self.backend).exact)

    def _build_circuit(self, n_inputs: int, n_classes: int) -> None:
        """Circuit and readout from the parameters (deterministic)."""
        self.readout_: Readout = build_readout(self.readout, n_classes)
        self.circuit_: ClassifierCircuit = build_classifier(
            self.feature_map, self.ansatz, n_features=n_inputs, n_qubits=self.n_qubits_,
            feature_map_reps=self.feature_map_reps, ansatz_reps=self.ansatz_reps)

    def _build_evaluator(self) -> None:
        """The evaluator of the built circuit on the backend."""
        observables = self.readout_.observables(self.circuit_.num_qubits, len(self.classes_))
        self._evaluator = make_evaluator(self.backend, self.circuit_,
                                         observables, shots=self.shots, seed=self.seed,
                                         optimization_level=self.optimization_level,
                                         runtime_options=self.runtime_options)

    def _evaluator_ready(self):
        if getattr(self, "_evaluator", None) is None:
            self._build_evaluator()
        return self._evaluator

    def _initial_weights(self, n_weights: int, rng: np.random.Generator) -> np.ndarray:
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

    # ---------------------------------------------------------------- estimator API
    def fit(self, X, y):
        """Train on ``X`` (n_samples, n_features) and labels ``y``.

        Returns
        -------
        self
        """
        start = time.perf_counter()
        method, X, y, angles = self._prepare(X, y)
        _warn_unused_options(self, method)
        if self.max_qpu_seconds is not None and parse_backend(self.backend).runtime:
            self._cost_estimate(len(X), method).check_limit(self.max_qpu_seconds)
        self._build_evaluator()
        classes = self.classes_
        rng = np.random.default_rng(self.seed)
        w0 = self._initial_weights(len(self.circuit_.weights), rng)
        y_index = np.searchsorted(classes, y)
        if method in GRADIENT_OPTIMIZERS and not self._evaluator.exact:
            warnings.warn(f"{method} with shot noise: gradients are parameter-shift estimates; "
                          "SPSA or COBYLA are usually more robust", UserWarning, stacklevel=2)
        checkpoint = self._checkpoint_file(method, X, y)
        state = checkpoint.read(len(w0)) if checkpoint is not None and self.resume else None
        writer = checkpoint.writer() if checkpoint is not None else None  # place checked now
        with connect(self.scheduler) as executor:
            if executor.distributed:
                objective = ShardedObjective(executor, _chunk_terms, _worker_copy(self),
                                             angles, y_index)
            else:
                objective = CrossEntropy(self._evaluator, self.readout_, angles, y_index)
            result = run_optimizer(method, objective, w0, maxiter=self.maxiter,
                                   learning_rate=self.learning_rate, rng=rng,
                                   callback=self.callback, verbose=self.verbose, state=state,
                                   on_state=writer)
        evaluations = objective.n_circuits if executor.distributed else self._evaluator.n_circuits
        self.weights_ = result.weights
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
        return self

    def _checkpoint_file(self, method: str, X, y) -> Checkpoint | None:
        """This run's checkpoint (None without ``checkpoint``), its place checked."""
        if self.checkpoint is None:
            if self.resume:
                raise ConfigurationError("resume=True needs checkpoint=PATH")
            return None
        return Checkpoint(self.checkpoint, method, Checkpoint.fingerprint(
            self.get_params(), X, y))

    def _prepare(self, X, y):
        """Options and data checked, input map fitted, circuit and readout built: what
        ``fit`` and ``estimate`` share. Returns the optimizer, ``X``, ``y`` and the angles."""
        self._validate_options()
        method = self._resolved_optimizer()
        X, y, classes = classification_data(self, X, y)
        self.classes_ = classes
        readout = build_readout(self.readout, len(classes))
        needed = readout.n_qubits_needed(len(classes))
        self.n_qubits_ = self.n_qubits or max(X.shape[1], needed)
        if self.n_qubits_ < needed:
            raise ConfigurationError(
                f"readout {readout.name!r} needs {needed} qubits for {len(classes)} classes; "
                f"n_qubits={self.n_qubits_}"
            )
        # one state vector must fit; the engine then counts every buffer it will allocate
        check_state_memory(self.n_qubits_, states=1)
        angles = self._fit_input_map(X, self.n_qubits_)
        self._build_circuit(angles.shape[1], len(classes))
        return method, X, y, angles


def _warn_unused_options(model: VQC, method: str) -> None:
    """Options that this backend or optimizer would not use are named, not ignored."""
    spec = parse_backend(model.backend)
    unused = []
    if model.shots is not None and spec.exact:
        unused.append(f"shots={model.shots} (backend {model.backend!r} evaluates exactly; "
                      "use backend='aer' for shots)")
    if model.learning_rate is not None and method not in DEFAULT_LEARNING_RATE:
        unused.append(f"learning_rate={model.learning_rate} ({method} has no step size)")
    if model.runtime_options and not spec.runtime:
        unused.append("runtime_options (only fake: and ibm: backends take them)")
    if model.max_qpu_seconds is not None and not spec.runtime:
        unused.append(f"max_qpu_seconds={model.max_qpu_seconds} (backend {model.backend!r} "
                      "uses no QPU)")
    if model.optimization_level != 1 and spec.exact:
        unused.append(f"optimization_level={model.optimization_level} (backend "
                      f"{model.backend!r} runs the circuit untranspiled)")
    for item in unused:
        warnings.warn(f"VQC option not used: {item}", UserWarning, stacklevel=4)


def _worker_copy(model: VQC) -> VQC:
    """What a data-parallel worker needs to evaluate the loss: the built circuit and
    readout, without the callback, checkpoint or scheduler (nor any fitted weights)."""
    params = {**model.get_params(deep=False), "callback": None, "checkpoint": None,
              "resume": False, "verbose": False, "scheduler": None,
              "initial_weights": None}
    copy = type(model)(**params)
    copy.classes_, copy.n_qubits_ = model.classes_, model.n_qubits_
    copy.circuit_, copy.readout_ = model.circuit_, model.readout_
    return copy
