"""The variational quantum classifier, a scikit-learn estimator."""

from __future__ import annotations

import logging
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from circuits.composition import ClassifierCircuit, build_classifier
from circuits.readouts import Readout, build_readout
from qml.engine.memory import check_state_memory
from qml.errors import ConfigurationError
from qml.models.loss import CrossEntropy
from qml.models.variational import VariationalEstimator
from qml.models.vqc_format import VQCFile
from qml.models.vqc_prediction import VQCPrediction
from qml.validation import classification_data

__all__ = ["VQC"]

logger = logging.getLogger(__name__)


class VQC(VQCPrediction, VQCFile, VariationalEstimator, ClassifierMixin, BaseEstimator):
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
        ``"auto"`` is L-BFGS-B with exact adjoint gradients on ``"statevector"`` without
        shots, and SPSA with shots.
    maxiter : int, default=100
        Optimizer iterations (for COBYLA: objective evaluations).
    learning_rate : float, optional
        Step size of Adam (default 0.1) and SPSA (default 0.2); COBYLA and L-BFGS-B take
        none (a warning says so).
    backend : str, default="statevector"
        ``"statevector"`` (qlimits' engine), ``"aer"`` (shots on Aer), ``"aer:<fake
        backend>"`` (noisy shots), ``"fake:<name>"`` or ``"ibm:<name>"`` (through the job
        ledger).
    shots : int, optional
        Shots per circuit. On ``"statevector"``: None (the default) evaluates exactly, a
        number draws that many shots from each circuit's exact output distribution (the
        statistics of a noise-free sampler, at the engine's speed). Other backends sample
        1024 shots when None.
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
    max_circuits_per_job : int, optional
        On ``fake:``/``ibm:``: at most this many circuits (samples x parameter sets) per
        runtime job; a training step past it goes out as several jobs
        (``qml.hardware.job_limits``; default ``DEFAULT_MAX_CIRCUITS``).
    execution_mode : {None, "job", "batch", "session"}, optional
        On ``fake:``/``ibm:``: how the training jobs go out (``qml.hardware.modes``); None
        is a runtime ``Session`` (the optimizer's jobs queue back to back), where the account
        allows one.
    mitigation : {None, "m3"}, optional
        ``"m3"``: correct the device's readout errors in every evaluation (training and
        prediction) with M3 (``qml.hardware.mitigation``), on ``aer:<fake>``, ``fake:`` and
        ``ibm:``; the calibration is one job of two circuits, through the ledger.

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

    def __init__(self, feature_map="angle", feature_map_reps=1, ansatz="real_amplitudes",
                 ansatz_reps=3, readout="auto", optimizer="auto", maxiter=100,
                 learning_rate=None, backend="statevector", shots=None, seed=None,
                 initial_weights=None, callback=None, verbose=False, warm_start=False,
                 n_qubits=None, reduction=None, input_scaling="minmax", checkpoint=None,
                 resume=False, optimization_level=1, runtime_options=None,
                 max_qpu_seconds=None, scheduler=None, max_circuits_per_job=None,
                 execution_mode=None, mitigation=None):
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
        self.max_circuits_per_job = max_circuits_per_job
        self.execution_mode = execution_mode
        self.mitigation = mitigation

    def _build_circuit(self, n_inputs: int, n_classes: int) -> None:
        """Circuit and readout from the parameters (deterministic)."""
        self.readout_: Readout = build_readout(self.readout, n_classes)
        self.circuit_: ClassifierCircuit = build_classifier(
            self.feature_map, self.ansatz, n_features=n_inputs, n_qubits=self.n_qubits_,
            feature_map_reps=self.feature_map_reps, ansatz_reps=self.ansatz_reps)

    # ---------------------------------------------------------------- estimator API
    def fit(self, X, y):
        """Train on ``X`` (n_samples, n_features) and labels ``y``.

        Returns
        -------
        self
        """
        start = time.perf_counter()
        method, X, y, angles = self._prepare(X, y)
        self._train(method, X, y, angles, np.searchsorted(self.classes_, y), start)
        return self

    # ---------------------------------------------------------------- hooks of the base
    def _observables(self) -> list:
        return self.readout_.observables(self.circuit_.num_qubits, len(self.classes_))

    def _objective(self, evaluator, X, targets, n_total=None) -> CrossEntropy:
        return CrossEntropy(evaluator, self.readout_, X, targets, n_total)

    def _structure(self) -> dict:
        return {"classes_": self.classes_, "readout_": self.readout_}

    def _store_result(self, result) -> None:
        self.weights_ = result.weights

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

