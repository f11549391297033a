"""The variational quantum regressor, a scikit-learn estimator: the VQC's circuit read out as
one expectation value, scaled and offset to the targets."""

from __future__ import annotations

import logging
import time

import numpy as np
from qiskit.quantum_info import SparsePauliOp
from sklearn.base import BaseEstimator, RegressorMixin

from circuits.composition import ClassifierCircuit, build_classifier
from circuits.readouts import regression_observable
from qml.backends.evaluators import PREDICTION
from qml.engine.memory import check_state_memory
from qml.models.loss import SquaredError
from qml.models.variational import VariationalEstimator
from qml.models.vqr_format import VQRFile
from qml.validation import fitted_input, regression_data

__all__ = ["VQR"]

logger = logging.getLogger(__name__)


class VQR(VQRFile, VariationalEstimator, RegressorMixin, BaseEstimator):
    """Variational quantum regressor: feature map + ansatz, read out as one observable.

    The prediction is ``y_mean_ + y_scale_ * (output_scale_ * <O> + output_offset_)``: the
    expectation ``<O>`` of the trained circuit, scaled by an output scale and offset that
    are trained with the circuit's weights, in the units of the standardised targets, mapped
    back to the user's units. Training minimises the mean squared error on the standardised
    targets, with exact adjoint gradients on the engine (the scale's and offset's in closed
    form).

    A model with the ``"reuploading"`` feature map repeated ``r`` times can only express
    Fourier series of degree ``r`` in each (unscaled) input angle (Schuld, Sweke & Meyer,
    PRA 103, 032430, 2021): for an input that is an angle already, set
    ``input_scaling=None``.

    Parameters
    ----------
    feature_map : {"angle", "zz", "pauli", "reuploading"} or QuantumCircuit, default="angle"
        Data encoding, as for ``VQC``.
    feature_map_reps : int, default=1
        Repetitions of the feature map (re-uploadings, for ``"reuploading"``).
    ansatz : {"real_amplitudes", "efficient_su2", "hardware_efficient"} or QuantumCircuit
        Trainable part, default ``"real_amplitudes"``.
    ansatz_reps : int, default=3
        Repetitions (entangling layers) of the ansatz.
    observable : {"mean_z", "z0", "parity"}, str or SparsePauliOp, default="mean_z"
        What is read out: the mean of ``Z`` over the qubits, ``Z`` on qubit 0, ``Z`` on
        every qubit, a Pauli label or an operator (``circuits.readouts``). Shot-based
        backends measure ``Z`` and ``I`` only.
    optimizer : {"auto", "cobyla", "lbfgs", "spsa", "adam"}, default="auto"
        As for ``VQC``: L-BFGS-B with exact gradients on ``"statevector"`` without shots,
        SPSA with shots.
    maxiter : int, default=100
        Optimizer iterations (for COBYLA: objective evaluations).
    learning_rate : float, optional
        Step size of Adam and SPSA.
    backend : str, default="statevector"
        ``"statevector"``, ``"aer"``, ``"aer:<fake>"``, ``"fake:<name>"`` or
        ``"ibm:<name>"`` (through the job ledger), as for ``VQC``.
    shots : int, optional
        Shots per circuit, as for ``VQC``: on ``"statevector"``, None evaluates exactly and a
        number draws from each circuit's exact distribution; elsewhere 1024 when None.
    seed : int, optional
        Drives initial weights, SPSA perturbations, transpiler and simulator.
    initial_weights : array-like, optional
        Starting circuit weights (the output scale starts at 1, the offset at 0).
    callback : callable, optional
        ``callback(info: IterationInfo)`` after every iteration.
    verbose : bool, default=False
        Show a progress bar with the current loss.
    warm_start : bool, default=False
        Start from the previous fit's weights, scale and offset when refitting.
    n_qubits : int, optional
        Circuit width; default the number of features.
    reduction : {None, "pca"}, default=None
        Reduce the features to ``n_qubits`` with PCA fitted in ``fit``.
    input_scaling : {"minmax", None}, default="minmax"
        Scale each (reduced) feature to ``[0, pi]`` on the training data; None uses the
        features as angles.
    checkpoint : str or Path, optional
        JSON file rewritten atomically after every iteration (see ``VQC``).
    resume : bool, default=False
        Continue from ``checkpoint`` if it exists.
    optimization_level : int, default=1
        Preset pass-manager level for device backends.
    runtime_options : dict, optional
        Sampler options for ``fake:``/``ibm:`` backends.
    max_qpu_seconds : float, optional
        Refuse, before anything is submitted, a fit estimated to use more QPU seconds.
    scheduler : None, str or dask.distributed.Client, optional
        Data-parallel training on Dask, exact backends only (see ``VQC``).
    max_circuits_per_job, execution_mode, mitigation
        As ``VQC``: circuits per runtime job, how the jobs go out (None: a ``Session``), and
        M3 readout mitigation (``"m3"``) on ``aer:<fake>``, ``fake:`` and ``ibm:``.

    Attributes
    ----------
    n_features_in_, n_qubits_ : int
        Input features and circuit width.
    circuit_ : ClassifierCircuit
        The trained circuit.
    observable_ : SparsePauliOp
        The observable read out.
    weights_ : ndarray
        Trained circuit weights.
    output_scale_, output_offset_ : float
        Trained scale and offset of the readout (standardised units).
    y_mean_, y_scale_ : float
        Mean and standard deviation of the training targets.
    input_matrix_, input_offset_ : ndarray
        The fitted input map: angles ``= X @ input_matrix_ + input_offset_``.
    loss_curve_ : ndarray
        Training loss (mean squared error of the standardised targets) per iteration.
    loss_ : float
        Final training loss.
    n_iter_ : int
        Iterations run.
    optimizer_ : str
        The optimizer that ran.
    shots_ : int or None
        Shots per circuit during ``fit``; None when exact.
    n_circuit_evaluations_ : int
        Circuits executed during ``fit``.
    fit_seconds_ : float
        Wall time of ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(-np.pi, np.pi, 40)[:, None]
    >>> y = np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 0])
    >>> reg = VQR(feature_map="reuploading", feature_map_reps=2, n_qubits=2,
    ...           input_scaling=None, seed=0).fit(x, y)
    >>> reg.score(x, y) > 0.99
    True

    Saved as JSON (no pickle), atomically, and read back:

    >>> import os, tempfile
    >>> path = reg.save(os.path.join(tempfile.mkdtemp(), "model.json"))
    >>> bool(np.allclose(VQR.load(path).predict(x), reg.predict(x), rtol=0, atol=1e-12))
    True
    """

    def __init__(self, feature_map="angle", feature_map_reps=1, ansatz="real_amplitudes",
                 ansatz_reps=3, observable="mean_z", optimizer="auto", maxiter=100,
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
        self.observable = observable
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

    def _build_circuit(self, n_inputs: int) -> None:
        """Circuit and observable from the parameters (deterministic)."""
        self.circuit_: ClassifierCircuit = build_classifier(
            self.feature_map, self.ansatz, n_features=n_inputs, n_qubits=self.n_qubits_,
            feature_map_reps=self.feature_map_reps, ansatz_reps=self.ansatz_reps)
        self.observable_: SparsePauliOp = regression_observable(self.observable,
                                                                self.circuit_.num_qubits)

    # ---------------------------------------------------------------- estimator API
    def fit(self, X, y):
        """Train on ``X`` (n_samples, n_features) and numeric targets ``y``.

        Returns
        -------
        self
        """
        start = time.perf_counter()
        method, X, y, angles = self._prepare(X, y)
        self._train(method, X, y, angles, (y - self.y_mean_) / self.y_scale_, start)
        return self

    def _prepare(self, X, y):
        """Options and data checked, target scale and input map fitted, circuit built: what
        ``fit`` and ``estimate`` share. Returns the optimizer, ``X``, ``y`` and the angles."""
        self._validate_options()
        method = self._resolved_optimizer()
        X, y = regression_data(self, X, y)
        self.y_mean_, self.y_scale_ = float(y.mean()), float(y.std())
        self.n_qubits_ = self.n_qubits or X.shape[1]
        check_state_memory(self.n_qubits_, states=1)
        angles = self._fit_input_map(X, self.n_qubits_)
        self._build_circuit(angles.shape[1])
        return method, X, y, angles

    def predict(self, X) -> np.ndarray:
        """Predicted targets, in the units of the training targets."""
        X = fitted_input(self, X, "weights_")
        E = self._evaluator_ready().expectations(self._angles(X), self.weights_[None, :],
                                                 kind=PREDICTION)[0, :, 0]
        return self.y_mean_ + self.y_scale_ * (self.output_scale_ * E + self.output_offset_)

    def input_gradients(self, X) -> np.ndarray:
        """Exact derivatives of the prediction with respect to every input feature (the
        adjoint method on the exact engine, ``backend="statevector"``).

        Returns
        -------
        ndarray, shape (n_samples, n_features_in_)
        """
        X = fitted_input(self, X, "weights_")
        factor = self.y_scale_ * self.output_scale_
        _, _, g_angles = self._evaluator_ready().vjp(
            self._angles(X), self.weights_[None, :],
            lambda E, rows: np.full_like(E, factor), inputs=True)
        return g_angles[0] @ self.input_matrix_.T

    # ---------------------------------------------------------------- hooks of the base
    def _start(self, rng: np.random.Generator) -> np.ndarray:
        weights = self._initial_weights(len(self.circuit_.weights), rng)
        readout = (1.0, 0.0)
        if self.warm_start and hasattr(self, "output_scale_"):
            readout = (self.output_scale_, self.output_offset_)
        return np.concatenate([weights, readout])

    def _observables(self) -> list:
        return [self.observable_]

    def _objective(self, evaluator, X, targets, n_total=None) -> SquaredError:
        return SquaredError(evaluator, X, targets, n_total)

    def _structure(self) -> dict:
        return {"observable_": self.observable_}

    def _store_result(self, result) -> None:
        self.weights_ = result.weights[:-2]
        self.output_scale_, self.output_offset_ = map(float, result.weights[-2:])
