"""The variational quantum classifier, a scikit-learn estimator."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import time
import warnings
from pathlib import Path

import numpy as np
from qiskit import QuantumCircuit, qpy
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from circuits.composition import ClassifierCircuit, build_classifier
from circuits.readouts import Readout, build_readout, readout_from_dict
from qml.backends import parse_backend
from qml.backends.evaluators import DEFAULT_SHOTS, PREDICTION, make_evaluator
from qml.distributed import check_scheduler, connect, describe
from qml.distributed.data_parallel import ShardedObjective
from qml.engine.memory import check_state_memory
from qml.errors import (
    ConfigurationError,
    InvalidInputError,
    NotFittedError,
    ResultFileError,
    VersionMismatchWarning,
)
from qml.files import atomic_write, check_output_file, read_json
from qml.models.optimizers import DEFAULT_LEARNING_RATE, GRADIENT_OPTIMIZERS, OPTIMIZERS, optimize
from qml.models.preprocessing import angle_encoder
from qml.result_file import ResultFile, check_stamp, document_schema, validate_document
from qml.validation import (
    check_count,
    check_seed,
    classification_data,
    fitted_input,
    scored_labels,
)
from qml.version import __version__

__all__ = ["VQC"]

logger = logging.getLogger(__name__)

CHECKPOINT_FORMAT = "qlimits.checkpoint"
CHECKPOINT_VERSION = 1
_PROB_FLOOR = 1e-10  # clip of qiskit-machine-learning's CrossEntropyLoss


class _CrossEntropy:
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
        probs = self.readout.probabilities(self.evaluator.expectations(self.X, W))
        p = np.clip(self._picked(probs, slice(None)), _PROB_FLOOR, 1.0)
        return -np.log2(p).sum(axis=-1) / self.n_total

    def _cotangent(self, E: np.ndarray, rows) -> np.ndarray:
        probs = self.readout.probabilities(E)
        picked = self._picked(probs, rows)
        grad_p = np.zeros_like(probs)
        live = picked > _PROB_FLOOR
        denom = np.log(2) * self.n_total * np.maximum(picked, _PROB_FLOOR)
        scale = np.where(live, -1.0 / denom, 0.0)
        grad_p[..., np.arange(probs.shape[-2]), self.y[rows]] = scale
        return self.readout.vjp(E, grad_p)

    def loss_and_grad(self, w: np.ndarray):
        E, grad, _ = self.evaluator.vjp(self.X, w[None, :], self._cotangent)
        p = np.clip(self._picked(self.readout.probabilities(E[0]), slice(None)), _PROB_FLOOR, 1.0)
        return float(-np.log2(p).sum() / self.n_total), grad[0]


def _chunk_terms(model: VQC, X: np.ndarray, y_index: np.ndarray, n_total: int, W: np.ndarray,
                 gradient: bool):
    """A data-parallel task (``qml.distributed.data_parallel``): one chunk's share of the mean loss of
    every row of ``W`` or, with ``gradient``, of the loss of ``W[0]`` and its gradient."""
    objective = _CrossEntropy(model._evaluator_ready(), model.readout_, X, y_index, n_total)
    if gradient:
        loss, grad = objective.loss_and_grad(W[0])
        return np.array([loss]), grad
    return objective.losses(W), None


def _encode_circuit(circuit: QuantumCircuit) -> dict:
    buf = io.BytesIO()
    qpy.dump(circuit, buf)
    return {"qpy": base64.b64encode(buf.getvalue()).decode("ascii")}


def _decode_circuit(data: dict) -> QuantumCircuit:
    return qpy.load(io.BytesIO(base64.b64decode(data["qpy"])))[0]


_NUMBERS = {"type": "array", "items": {"type": "number"}}
_MODEL_SCHEMA = document_schema({
    "qiskit_version": {"type": "string"},
    "params": {"type": "object", "required": ["feature_map", "ansatz", "readout", "backend"]},
    "classes": {"type": "array", "minItems": 2},
    "classes_dtype": {"type": "string"},
    "n_features_in": {"type": "integer", "minimum": 1},
    "n_qubits": {"type": "integer", "minimum": 1},
    "weights": {**_NUMBERS, "minItems": 1},
    "input_matrix": {"type": "array", "items": _NUMBERS, "minItems": 1},
    "input_offset": _NUMBERS,
    "loss_curve": _NUMBERS,
    "loss": {"type": "number"},
    "n_iter": {"type": "integer", "minimum": 0},
    "optimizer": {"enum": list(OPTIMIZERS)},
    "shots": {"type": ["integer", "null"], "minimum": 1},
    "n_circuit_evaluations": {"type": ["integer", "null"], "minimum": 0},
    "fit_seconds": {"type": ["number", "null"], "minimum": 0},
}, required=["params", "classes", "classes_dtype", "n_features_in", "n_qubits", "weights",
             "input_matrix", "input_offset", "loss_curve", "loss", "n_iter", "optimizer",
             "shots", "n_circuit_evaluations", "fit_seconds"])


class VQC(ResultFile, ClassifierMixin, BaseEstimator):
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
    """

    FORMAT = "qlimits.vqc"
    FORMAT_VERSION = 2
    SCHEMA = _MODEL_SCHEMA

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

    # ------------------------------------------------------------------ validation
    def _validate_options(self) -> None:
        for name in ("feature_map_reps", "ansatz_reps", "maxiter"):
            check_count(name, getattr(self, name))
        check_count("shots", self.shots, allow_none=True)
        check_count("n_qubits", self.n_qubits, allow_none=True)
        check_seed(self.seed)
        if self.optimizer != "auto" and self.optimizer not in OPTIMIZERS:
            raise ConfigurationError(
                f"unknown optimizer {self.optimizer!r}; valid: auto, {', '.join(OPTIMIZERS)}"
            )
        if self.learning_rate is not None and not self.learning_rate > 0:
            raise ConfigurationError(f"learning_rate must be > 0; got {self.learning_rate!r}")
        if self.reduction not in (None, "pca"):
            raise ConfigurationError(f"reduction must be None or 'pca'; got {self.reduction!r}")
        if self.optimization_level not in (0, 1, 2, 3):
            raise ConfigurationError(
                f"optimization_level must be 0, 1, 2 or 3; got {self.optimization_level!r}"
            )
        if self.runtime_options is not None and not isinstance(self.runtime_options, dict):
            raise ConfigurationError("runtime_options must be a dict of runtime Sampler options")
        if self.max_qpu_seconds is not None and not (
                isinstance(self.max_qpu_seconds, (int, float, np.number))
                and self.max_qpu_seconds > 0):
            raise ConfigurationError(
                f"max_qpu_seconds must be a number > 0; got {self.max_qpu_seconds!r}")
        if self.input_scaling not in (None, "minmax"):
            raise ConfigurationError(
                f"input_scaling must be 'minmax' or None; got {self.input_scaling!r}"
            )
        spec = parse_backend(self.backend)
        check_scheduler(self.scheduler)
        if self.scheduler is not None and not spec.exact:
            raise ConfigurationError(
                f"scheduler={describe(self.scheduler)!r}: data-parallel training needs an "
                f"exact backend (statevector); {self.backend!r} evaluates with shots or on "
                "hardware, whose jobs stay with this process (and its job ledger)")

    def _warn_unused_options(self, method: str) -> None:
        """Options that this backend or optimizer would not use are named, not ignored."""
        spec = parse_backend(self.backend)
        unused = []
        if self.shots is not None and spec.exact:
            unused.append(f"shots={self.shots} (backend {self.backend!r} evaluates exactly; "
                          "use backend='aer' for shots)")
        if self.learning_rate is not None and method not in DEFAULT_LEARNING_RATE:
            unused.append(f"learning_rate={self.learning_rate} ({method} has no step size)")
        if self.runtime_options and not spec.runtime:
            unused.append("runtime_options (only fake: and ibm: backends take them)")
        if self.max_qpu_seconds is not None and not spec.runtime:
            unused.append(f"max_qpu_seconds={self.max_qpu_seconds} (backend {self.backend!r} "
                          "uses no QPU)")
        if self.optimization_level != 1 and spec.exact:
            unused.append(f"optimization_level={self.optimization_level} (backend "
                          f"{self.backend!r} runs the circuit untranspiled)")
        for item in unused:
            warnings.warn(f"VQC option not used: {item}", UserWarning, stacklevel=3)

    # ----------------------------------------------------------- model building
    def _resolved_optimizer(self) -> str:
        if self.optimizer != "auto":
            return self.optimizer
        return "lbfgs" if parse_backend(self.backend).exact else "spsa"

    def _fit_input_map(self, X: np.ndarray, n_qubits: int) -> np.ndarray:
        """Learn the affine map features -> angles (``angle_encoder``); return the angles."""
        encoder = angle_encoder(X.shape[1], n_qubits, self.reduction, self.input_scaling,
                                seed=self.seed).fit(X)
        self.input_matrix_, self.input_offset_ = encoder.matrix_, encoder.offset_
        return encoder.transform(X)

    def _angles(self, X: np.ndarray) -> np.ndarray:
        return X @ self.input_matrix_ + self.input_offset_

    def _build_circuit(self, n_inputs: int, n_classes: int) -> None:
        """Circuit and readout from the parameters (deterministic)."""
        self.readout_: Readout = build_readout(self.readout, n_classes)
        self.circuit_: ClassifierCircuit = build_classifier(
            self.feature_map, self.ansatz, n_features=n_inputs, n_qubits=self.n_qubits_,
            feature_map_reps=self.feature_map_reps, ansatz_reps=self.ansatz_reps)

    def _build_evaluator(self) -> None:
        """The evaluator of the built circuit on the backend."""
        observables = self.readout_.observables(self.circuit_.num_qubits, len(self.classes_))
        self._evaluator = make_evaluator(parse_backend(self.backend), self.circuit_,
                                         observables, shots=self.shots, seed=self.seed,
                                         optimization_level=self.optimization_level,
                                         runtime_options=self.runtime_options)

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
        self._warn_unused_options(method)
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
        state, fingerprint = self._resume_state(method, w0, X, y)
        self._checkpoint_writer(method, fingerprint)  # its place checked before any work
        with connect(self.scheduler) as executor:
            if executor.distributed:
                objective = ShardedObjective(executor, _chunk_terms, self._worker_copy(),
                                             angles, y_index)
            else:
                objective = _CrossEntropy(self._evaluator, self.readout_, angles, y_index)
            result = self._optimize(method, objective, w0, rng, state, fingerprint)
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

    def _worker_copy(self) -> VQC:
        """What a data-parallel worker needs to evaluate the loss: the built circuit and
        readout, without the callback, checkpoint or scheduler (nor any fitted weights)."""
        params = {**self.get_params(deep=False), "callback": None, "checkpoint": None,
                  "resume": False, "verbose": False, "scheduler": None,
                  "initial_weights": None}
        copy = type(self)(**params)
        copy.classes_, copy.n_qubits_ = self.classes_, self.n_qubits_
        copy.circuit_, copy.readout_ = self.circuit_, self.readout_
        return copy

    def _resume_state(self, method, w0, X, y) -> tuple[dict | None, str]:
        """The checkpoint to resume from (None: start afresh) and the data fingerprint."""
        fingerprint = self._fingerprint(X, y)
        state = self._read_checkpoint(method, fingerprint) if self.resume else None
        if state is not None:
            _check_state(state, method, len(w0), str(self.checkpoint))
        return state, fingerprint

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

    def estimate(self, X, y, predict_sizes=(), *, job_overhead: float | None = None,
                 usd_per_second: float | None = None):
        """What ``fit(X, y)`` would cost on a ``fake:`` or ``ibm:`` backend, before anything
        is sent: jobs, circuits, shots, QPU seconds and price (``qml.hardware.pricing``).

        The circuit is transpiled as ``fit`` would transpile it; nothing is submitted, the
        ledger is not touched, and this estimator stays as it was.

        Parameters
        ----------
        X, y : array-like
            The training data ``fit`` would get.
        predict_sizes : sequence of int, default=()
            Also count one prediction job per entry, of that many samples (``qlimits train``
            predicts its train and test sets).
        job_overhead, usd_per_second : float, optional
            Override the model's per-job overhead and the price per QPU second.

        Returns
        -------
        CostEstimate

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> X, y = load_iris(return_X_y=True)
        >>> est = VQC(backend="fake:fake_lima", optimizer="spsa", maxiter=10,
        ...           seed=0).estimate(X[50:], y[50:])
        >>> est.jobs, est.circuits, est.shots
        (11, 3100, 3174400)
        """
        if not parse_backend(self.backend).runtime:
            raise ConfigurationError(
                f"a QPU cost estimate needs a fake: or ibm: backend; {self.backend!r} runs on "
                "this machine and uses no QPU")
        probe = clone(self)
        method, X, _, _ = probe._prepare(X, y)
        return probe._cost_estimate(len(X), method, predict_sizes, job_overhead,
                                    usd_per_second)

    def _cost_estimate(self, n_samples: int, method: str, predict_sizes=(),
                       job_overhead=None, usd_per_second=None):
        from qml.hardware.pricing import (
            JobGroup,
            build_estimate,
            circuit_seconds,
            optimizer_jobs,
            rep_delay_seconds,
        )
        from qml.hardware.runtime import runtime_backend, transpile_for

        spec = parse_backend(self.backend)
        backend = runtime_backend(spec, self.circuit_.num_qubits)
        measured = self.circuit_.circuit.copy()
        measured.measure_all()
        isa = transpile_for(spec, backend, [measured], self.optimization_level, self.seed)[0]
        seconds = circuit_seconds(isa, backend.target)
        shots = DEFAULT_SHOTS if self.shots is None else int(self.shots)
        plan, bound = optimizer_jobs(method, self.maxiter, len(self.circuit_.weights))
        groups = [JobGroup("training_step", jobs, sets * n_samples, shots, seconds)
                  for jobs, sets in plan]
        groups += [JobGroup("prediction", 1, int(n), shots, seconds) for n in predict_sizes]
        notes = ["results already in the job ledger are reused at no cost; every job is "
                 "counted here"]
        if spec.kind == "ibm":
            notes.append("training runs in a runtime session where the account allows it; "
                         "IBM bills a session by wall-clock time, the optimizer's time "
                         "between jobs included, so this is then a lower bound")
        return build_estimate(spec.text, groups, rep_delay=rep_delay_seconds(
            backend, self.runtime_options), job_overhead=job_overhead,
            usd_per_second=usd_per_second, bound=bound, notes=notes)

    def _fingerprint(self, X, y) -> str:
        skip = {"callback", "verbose", "checkpoint", "resume"}
        params = {k: repr(v) for k, v in self.get_params().items() if k not in skip}
        h = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
        h.update(np.ascontiguousarray(X).tobytes())
        h.update(np.asarray(y).astype(str).tobytes())
        return h.hexdigest()

    def _read_checkpoint(self, method: str, fingerprint: str) -> dict | None:
        if self.checkpoint is None:
            raise ConfigurationError("resume=True needs checkpoint=PATH")
        path = Path(self.checkpoint)
        if not path.exists():
            logger.info("no checkpoint at %s: starting afresh", path)
            return None
        doc = _stamped_checkpoint(path)
        validate_document(doc, _CHECKPOINT_SCHEMA, str(path))
        if doc["method"] != method:
            raise ConfigurationError(f"checkpoint {path} is of a {doc['method']} run; this fit "
                                     f"uses {method}: remove it or fit with resume=False")
        if doc["fingerprint"] != fingerprint:
            raise ConfigurationError(
                f"checkpoint {path} was written for other data or settings; remove it or "
                "fit with resume=False"
            )
        logger.info("resuming from %s after %d iterations", path, len(doc["state"]["curve"]))
        return doc["state"]

    def _checkpoint_writer(self, method: str, fingerprint: str):
        if self.checkpoint is None:
            return None
        path = Path(self.checkpoint)
        _check_checkpoint_place(path)

        def write(state: dict) -> None:
            doc = {"format": CHECKPOINT_FORMAT, "format_version": CHECKPOINT_VERSION,
                   "qlimits_version": __version__, "method": method,
                   "fingerprint": fingerprint, "iteration": len(state["curve"]),
                   "state": state}
            atomic_write(path, json.dumps(doc))  # a kill leaves the old or the new file

        return write

    def _optimize(self, method, objective, w0, rng, state=None, fingerprint=""):
        writer = self._checkpoint_writer(method, fingerprint)  # checked before any bar or work
        bar = None
        if self.verbose:
            from qml.report.progress import progress_bar

            bar = progress_bar(total=self.maxiter, desc=f"VQC {method}", unit="it")

        def on_iteration(info):
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{info.loss:.4f}")
            if self.callback is not None:
                self.callback(info)

        try:
            result = optimize(method, objective, w0, maxiter=self.maxiter,
                              learning_rate=self.learning_rate, rng=rng, callback=on_iteration,
                              state=state, on_state=writer)
            if bar is not None:
                from qml.report.progress import finish_early

                finish_early(bar, "converged")  # fewer iterations than maxiter: say so
            return result
        except BaseException:
            if bar is not None:
                bar.leave = False  # an error or Ctrl-C: its message, not a half bar, remains
            raise
        finally:
            if bar is not None:
                bar.close()

    def _evaluator_ready(self):
        if getattr(self, "_evaluator", None) is None:
            self._build_evaluator()
        return self._evaluator

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

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy on ``(X, y)``. Labels of another kind than the fitted ones (text
        against numbers), or continuous values, are an ``InvalidInputError``."""
        n_samples = len(fitted_input(self, X, "weights_"))
        scored_labels(self, y, n_samples)
        return super().score(X, y, sample_weight=sample_weight)

    def predict(self, X) -> np.ndarray:
        """Most probable class of every sample."""
        probs = self.predict_proba(X)
        return self.classes_[np.argmax(probs, axis=1)]

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

    # ------------------------------------------------------------------ persistence
    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_evaluator", None)  # compiled engine: rebuilt on demand
        if state.get("scheduler") is not None and not isinstance(state["scheduler"], str):
            state["scheduler"] = describe(state["scheduler"])  # a Client travels as its address
        return state

    def __sklearn_clone__(self):
        """``sklearn.base.clone``: every parameter copied as scikit-learn copies it, except a
        ``Client`` given as ``scheduler``, which the clone shares (a connection cannot be
        copied)."""
        params = self.get_params(deep=False)
        scheduler = params.pop("scheduler")
        return type(self)(**{k: clone(v, safe=False) for k, v in params.items()},
                          scheduler=scheduler)

    def _json_params(self) -> dict:
        params = self.get_params()
        for key in ("feature_map", "ansatz"):
            if isinstance(params[key], QuantumCircuit):
                params[key] = _encode_circuit(params[key])
        if not isinstance(params["readout"], str):
            params["readout"] = build_readout(params["readout"], len(self.classes_)).to_dict()
        if params["initial_weights"] is not None:
            params["initial_weights"] = np.asarray(params["initial_weights"]).tolist()
        if params["callback"] is not None:
            warnings.warn("the callback is not saved with the model", UserWarning, stacklevel=3)
        params["callback"] = None
        if params["checkpoint"] is not None:
            params["checkpoint"] = str(params["checkpoint"])
        if params["scheduler"] is not None and not isinstance(params["scheduler"], str):
            params["scheduler"] = None  # a Client is this session's, not the model's
        return params

    def on_backend(self, backend: str, shots: int | None = None,
                   seed: int | None = None) -> VQC:
        """The fitted model, evaluated elsewhere: a copy with the same weights, input map and
        classes whose ``predict``/``score`` run on ``backend`` with ``shots`` (and ``seed``;
        default this model's). Nothing is trained; this model is unchanged.

        For accuracy against shots or noise of one trained model: ``clf.on_backend("aer",
        shots=64, seed=s).score(X, y)`` over a few seeds.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
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

    def save(self, path) -> Path:
        """Write the fitted model to ``path`` as JSON (no pickle), atomically.

        Examples
        --------
        >>> import tempfile, os
        >>> from sklearn.datasets import load_iris
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = VQC(seed=0, maxiter=5).fit(X[:100], y[:100])
        >>> path = clf.save(os.path.join(tempfile.mkdtemp(), "model.json"))
        >>> bool((VQC.load(path).predict(X) == clf.predict(X)).all())
        True
        """
        return super().save(path)

    @classmethod
    def load(cls, path) -> VQC:
        """Read a model written by ``save``; warns if another qlimits/qiskit version wrote it.

        Raises
        ------
        ResultFileError
            Naming the file and what is wrong with it.
        """
        return super().load(path)

    def _to_body(self) -> dict:
        if not hasattr(self, "weights_"):
            raise NotFittedError("fit the model before saving it")
        import qiskit

        classes = self.classes_
        return {
            "qiskit_version": qiskit.__version__,
            "params": self._json_params(),
            "classes": classes.tolist(),
            "classes_dtype": classes.dtype.str,
            "n_features_in": int(self.n_features_in_),
            "n_qubits": int(self.n_qubits_),
            "weights": self.weights_.tolist(),
            "input_matrix": self.input_matrix_.tolist(),
            "input_offset": self.input_offset_.tolist(),
            "loss_curve": self.loss_curve_.tolist(),
            "loss": float(self.loss_),
            "n_iter": int(self.n_iter_),
            "optimizer": self.optimizer_,
            "shots": self.shots_,
            "n_circuit_evaluations": self.n_circuit_evaluations_,
            "fit_seconds": self.fit_seconds_,
        }

    @classmethod
    def _upgrade(cls, doc: dict, version: int) -> dict:
        """Format 1 (qlimits 0.1) had no optimizer, shots, evaluations or fit time: the first
        two follow from the parameters, the others are unknown."""
        params = doc.get("params") if isinstance(doc.get("params"), dict) else {}
        try:
            spec = parse_backend(params.get("backend", "statevector"))
        except ConfigurationError:
            return doc  # the validation that follows names the problem
        optimizer = params.get("optimizer", "auto")
        if optimizer == "auto":
            optimizer = "lbfgs" if spec.exact else "spsa"
        shots = None if spec.exact else (params.get("shots") or 1024)
        return {**doc, "optimizer": optimizer, "shots": shots, "n_circuit_evaluations": None,
                "fit_seconds": None}

    @classmethod
    def _from_body(cls, doc: dict) -> VQC:
        import qiskit

        saved = (doc.get("qlimits_version"), doc.get("qiskit_version"))
        if saved != (__version__, qiskit.__version__):
            warnings.warn(
                f"model saved by qlimits {saved[0]} / qiskit {saved[1]}; this is qlimits "
                f"{__version__} / qiskit {qiskit.__version__}. Predictions may differ.",
                VersionMismatchWarning, stacklevel=4,
            )
        params = dict(doc["params"])
        # Where a fit wrote its checkpoint is data from the file, never a place this process
        # writes to: a loaded model has no checkpoint (set one again to refit with one).
        if params.get("checkpoint"):
            logger.info("loaded model: its checkpoint path %r is not used",
                        params["checkpoint"])
        params.update(checkpoint=None, resume=False)
        for key in ("feature_map", "ansatz"):
            if isinstance(params.get(key), dict):
                params[key] = _decode_circuit(params[key])
        if isinstance(params.get("readout"), dict):
            params["readout"] = readout_from_dict(params["readout"])
        model = cls(**params)
        model._validate_options()
        model.classes_ = np.array(doc["classes"], dtype=np.dtype(doc["classes_dtype"]))
        model.n_features_in_ = doc["n_features_in"]
        model.n_qubits_ = doc["n_qubits"]
        model.weights_ = np.array(doc["weights"], dtype=float)
        model.input_matrix_ = np.array(doc["input_matrix"], dtype=float)
        model.input_offset_ = np.array(doc["input_offset"], dtype=float)
        model.loss_curve_ = np.array(doc["loss_curve"], dtype=float)
        model.loss_ = doc["loss"]
        model.n_iter_ = doc["n_iter"]
        model.optimizer_ = doc["optimizer"]
        model.shots_ = doc["shots"]
        model.n_circuit_evaluations_ = doc["n_circuit_evaluations"]
        model.fit_seconds_ = doc["fit_seconds"]
        model._check_loaded()
        return model

    def _check_loaded(self) -> None:
        """The saved arrays fit each other and the circuit the parameters build."""
        d, k = self.input_matrix_.shape if self.input_matrix_.ndim == 2 else (None, None)
        if d != self.n_features_in_ or self.input_offset_.shape != (k,):
            raise ValueError(f"input_matrix {self.input_matrix_.shape} and input_offset "
                             f"{self.input_offset_.shape} do not map {self.n_features_in_} "
                             "features to angles")
        for name in ("weights_", "input_matrix_", "input_offset_"):
            if not np.isfinite(getattr(self, name)).all():
                raise ValueError(f"{name.rstrip('_')} holds NaN or infinite values")
        self._build_circuit(k, len(self.classes_))
        if len(self.weights_) != len(self.circuit_.weights):
            raise ValueError(f"{len(self.weights_)} weights for a circuit with "
                             f"{len(self.circuit_.weights)}")
        # the readout must measure this circuit for these classes (predict would fail later)
        self.readout_.observables(self.circuit_.num_qubits, len(self.classes_))


_CHECKPOINT_SCHEMA = document_schema({
    "method": {"enum": list(OPTIMIZERS)},
    "fingerprint": {"type": "string"},
    "iteration": {"type": "integer", "minimum": 0},
    "state": {"type": "object", "required": ["curve", "n_evaluations", "w"],
              "properties": {"curve": _NUMBERS, "w": _NUMBERS, "m": _NUMBERS, "v": _NUMBERS,
                             "n_evaluations": {"type": "integer", "minimum": 0},
                             "rng": {"type": "object"}}},
}, required=["method", "fingerprint", "state"])

def _stamped_checkpoint(path: Path) -> dict:
    """A checkpoint file's document, its format stamp checked (not yet its schema)."""
    doc = read_json(path)
    if isinstance(doc, dict) and "format_version" not in doc:
        doc = {**doc, "format_version": 1}  # qlimits 0.1 stamped the format only
    check_stamp(doc, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, str(path))
    return doc


def _check_checkpoint_place(path: Path) -> None:
    """Before the first iteration: the checkpoint can be written, and an existing file there
    is a qlimits checkpoint (a user's other file is never overwritten)."""
    check_output_file(path, "checkpoint", _stamped_checkpoint)


_STATE_ARRAYS = {"adam": ("w", "m", "v")}  # every other optimizer saves weights only


def _check_state(state: dict, method: str, n_weights: int, source: str) -> None:
    """What the schema cannot say about a checkpoint's optimizer state: array lengths that
    match the circuit, finite values, and a random-generator state numpy accepts."""
    for key in _STATE_ARRAYS.get(method, ("w",)):
        if key not in state:
            raise ResultFileError(f"{source}: the {method} state has no {key!r}")
        values = np.asarray(state[key], dtype=float)
        if values.shape != (n_weights,):
            raise ResultFileError(f"{source}: state {key!r} has {values.size} values; this "
                                  f"circuit has {n_weights} weights")
        if not np.isfinite(values).all():
            raise ResultFileError(f"{source}: state {key!r} holds NaN or infinite values")
    if not np.isfinite(state["curve"]).all():
        raise ResultFileError(f"{source}: the loss curve holds NaN or infinite values")
    if method == "spsa":
        try:  # on a scratch generator: the optimizer sets the training one from the state
            np.random.default_rng().bit_generator.state = state["rng"]
        except (KeyError, TypeError, ValueError) as exc:
            raise ResultFileError(f"{source}: the SPSA random-generator state is unusable "
                                  f"({type(exc).__name__}: {exc})") from None
