"""Quantum kernels: the fidelity ``k(x, y) = |<phi(x)|phi(y)>|**2`` of a feature map.

``QuantumKernel.evaluate(X, Y)`` returns the Gram matrix, computed one of two ways:

* **exact** (``backend="statevector"``): the feature state of every sample once, from qlimits'
  engine (``qml.engine.statevector``), then the Gram matrix as blocked matrix products
  ``|Phi_X Phi_Y^H|**2`` -- half of it when ``Y`` is None (the matrix is symmetric, its
  diagonal 1). Blocks are sized to the free memory, and a matrix or a state that cannot fit is
  refused before anything is allocated.
* **shots** (``statevector`` with ``shots``, ``aer``, ``aer:<fake>``, ``fake:``, ``ibm:``):
  the compute-uncompute circuit ``U(y)^dag U(x)`` of every pair, ``k`` = the frequency of the
  all-zeros outcome; all pairs of a block are one parameter array in one call (hardware
  backends through the job ledger, ``qml.hardware.runtime``; ``statevector`` and
  ``aer:<fake>`` draw the shots from the engine's exact, or exact noisy, distributions); the
  diagonal is not run.

``bandwidth`` scales the inputs before encoding (Shaydulin & Wild 2022), the known cure for
the exponential concentration of fidelity kernels with width (Thanasilp et al. 2022);
``kernel_concentration`` measures that concentration.
"""

from __future__ import annotations

import copy
import logging
from functools import lru_cache

import numpy as np
from qiskit import QuantumCircuit

from circuits.feature_maps import build_feature_map
from qml.backends import exact_values, parse_backend
from qml.distributed import check_scheduler, describe
from qml.engine.memory import available_memory, check_memory, state_bytes
from qml.errors import ConfigurationError, InvalidInputError
from qml.hardware.mitigation import MITIGATIONS as READOUT_MITIGATIONS
from qml.hardware.modes import MODES
from qml.models.exact_gram import STATE_MEMORY, block_plan, gram, self_fidelities
from qml.models.kernel_noise import MITIGATIONS, REGULARIZATIONS, regularize
from qml.models.kernel_shots import SampledKernel
from qml.models.projected import ProjectedKernel, auto_gamma, gaussian_kernel, projections
from qml.validation import Rule, check_params, count, instance_of, one_of, seed

__all__ = ["QuantumKernel", "KERNEL_FEATURE_MAPS", "KINDS", "MAX_BANDWIDTH"]

MAX_BANDWIDTH = 1000.0  # beyond it the angles' products overflow into NaN kernels

logger = logging.getLogger(__name__)

KERNEL_FEATURE_MAPS = ("zz", "pauli", "angle")  # data-only maps (reuploading has weights)
KINDS = ("fidelity", "projected")
_SUB_BATCH_BYTES = 64 * 2**20  # feature states made per engine call while filling a block

_BANDWIDTH = Rule(f"'auto' or a number > 0 and at most {MAX_BANDWIDTH:g} (it scales angles in "
                  "radians)", lambda v: (isinstance(v, str) and v == "auto")
                  or (isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                      and bool(np.isfinite(v)) and 0 < v <= MAX_BANDWIDTH))
_GAMMA = Rule("'auto' or a finite number > 0", lambda v: (isinstance(v, str) and v == "auto")
              or (isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                  and bool(np.isfinite(v)) and v > 0))


class QuantumKernel(ProjectedKernel, SampledKernel):
    """The fidelity kernel of a feature map, exact or from shots.

    Parameters
    ----------
    feature_map : str or QuantumCircuit, default="zz"
        One of ``KERNEL_FEATURE_MAPS``, or a parametrised circuit (its parameters, in
        ``circuit.parameters`` order, take the features).
    feature_map_reps : int, default=2
        Repetitions of a named feature map.
    n_qubits : int, optional
        Width; the inputs must have this many features (default: however many they have).
    bandwidth : float or "auto", default="auto"
        Inputs are multiplied by it before encoding. ``"auto"`` chooses it on the training
        data (``fit``, or the first ``evaluate(X)`` of the training set):
        ``qml.models.bandwidth`` says how.
    backend : str, default="statevector"
        ``statevector`` (exact), or ``aer``, ``aer:<fake>``, ``fake:<name>``, ``ibm:<name>``.
    shots : int, optional
        Shots per pair. With ``statevector``: None (the default) is exact, a number draws that
        many shots from each pair circuit's exact distribution. Elsewhere 1024 when None.
    seed : int, optional
        Drives transpiler and simulator seeds on shot-based backends.
    kind : {"fidelity", "projected"}, default="fidelity"
        ``|<phi(x)|phi(y)>|**2``, or a Gaussian on every qubit's X, Y, Z expectations
        (``qml.models.projected``: from the exact feature states, or on a shot-based
        backend from three circuits per sample, measured in the X, Y and Z bases) of width
        ``gamma`` (``"auto"``: set by the training Gram matrix).
    regularization : {None, "clip", "shift", "flip"}, default=None
        Makes a training Gram matrix from shots positive semi-definite (``kernel_noise``).
    mitigation : {None, "average", "split", "m3"}, default=None
        Undoes depolarising noise from the measured diagonal (``kernel_noise``), or corrects
        every circuit's readout with M3 (``qml.hardware.mitigation``).
    scheduler : None, str or dask.distributed.Client, optional
        Compute the exact Gram matrix as block tasks on a Dask cluster (``"local"``,
        ``"local:N"``, an address, or a ``Client``; ``qml.models.kernel_tasks``).
    max_circuits_per_job : int, optional
        On ``fake:``/``ibm:``: circuits per runtime job (``qml.hardware.job_limits``); each
        job is a ledger row, so a rerun after a crash submits only the missing ones.
    execution_mode : {None, "job", "batch", "session"}, optional
        On ``fake:``/``ibm:``: how the jobs go out (``qml.hardware.modes``; None: a Batch).
    runtime_options : dict, optional
        Sampler options for ``fake:``/``ibm:`` (twirling, dynamical decoupling, ...).

    Attributes
    ----------
    bandwidth_ : float
        The bandwidth in use (set by ``fit``, or by the first ``evaluate(X)`` with ``"auto"``).
    bandwidth_scores_ : dict
        Every candidate's scores, when ``"auto"`` chose (alignment: for ties in accuracy).
    gamma_ : float
        The projected kernel's ``gamma`` from ``"auto"`` (set by the training Gram matrix).
    n_circuits_ : int
        Kernel circuits evaluated so far: feature states (exact) or compute-uncompute pairs
        (the exact choice of ``"auto"`` is not counted: it runs on this machine).

    Examples
    --------
    >>> import numpy as np
    >>> K = QuantumKernel(feature_map_reps=1).evaluate(np.array([[0.1, 0.2], [0.3, 0.4]]))
    >>> K.shape, float(K[0, 0]), bool(np.allclose(K, K.T))
    ((2, 2), 1.0, True)
    """

    PARAMETERS = {  # checked before any work; the backend by its parser
        "feature_map": Rule(f"one of {', '.join(map(repr, KERNEL_FEATURE_MAPS))} or a "
                            "QuantumCircuit", lambda v: isinstance(v, QuantumCircuit)
                            or (isinstance(v, str) and v in KERNEL_FEATURE_MAPS)),
        "feature_map_reps": count("feature_map_reps"),
        "n_qubits": count("n_qubits", none=True),
        "bandwidth": _BANDWIDTH,
        "shots": count("shots", none=True),
        "seed": seed(),
        "kind": one_of(*KINDS),
        "regularization": one_of(None, *REGULARIZATIONS),
        "mitigation": one_of(None, *MITIGATIONS, *READOUT_MITIGATIONS),
        "max_circuits_per_job": count("max_circuits_per_job", none=True),
        "execution_mode": one_of(None, *MODES),
        "gamma": _GAMMA,
        "runtime_options": instance_of(dict, "a dict of runtime Sampler options"),
    }

    def __init__(self, feature_map="zz", feature_map_reps=2, n_qubits=None, bandwidth="auto",
                 backend="statevector", shots=None, seed=None, kind="fidelity", gamma="auto",
                 regularization=None, mitigation=None, scheduler=None,
                 max_circuits_per_job=None, execution_mode=None, runtime_options=None):
        self.feature_map = feature_map
        self.feature_map_reps = feature_map_reps
        self.n_qubits = n_qubits
        self.bandwidth = bandwidth
        self.backend = backend
        self.shots = shots
        self.seed = seed
        self.kind = kind
        self.gamma = gamma
        self.regularization = regularization
        self.mitigation = mitigation
        self.scheduler = scheduler
        self.max_circuits_per_job = max_circuits_per_job
        self.execution_mode = execution_mode
        self.runtime_options = runtime_options
        self.n_circuits_ = 0
        self._cache: dict = {}

    # ------------------------------------------------------------------ checks
    def _check(self) -> None:
        check_params(self, self.PARAMETERS)
        spec = parse_backend(self.backend)
        if self.kind == "projected" and self.mitigation in MITIGATIONS:
            raise ConfigurationError(f"mitigation={self.mitigation!r} undoes noise in fidelity "
                                     "kernels; the projected kernel has no diagonal to "
                                     "measure it on")
        if spec.exact and self.mitigation is not None:
            raise ConfigurationError(f"mitigation={self.mitigation!r}: backend "
                                     f"{self.backend!r} has no noise to mitigate")
        check_scheduler(self.scheduler)
        if self.runtime_options and not spec.runtime:
            raise ConfigurationError(f"runtime_options: backend {self.backend!r} has no sampler")
        if self.scheduler is not None and (not exact_values(self.backend, self.shots)
                                           or self.kind != "fidelity"):
            raise ConfigurationError(f"scheduler={describe(self.scheduler)!r}: the cluster "
                                     "computes exact fidelity kernels (backend 'statevector', "
                                     "no shots); leave scheduler out here")

    def _inputs(self, X, name: str, scaled: bool = True) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or not len(X):
            raise InvalidInputError(f"{name} must be a non-empty 2-D array of samples; got "
                                    f"shape {X.shape}")
        if not np.isfinite(X).all():
            raise InvalidInputError(f"{name} holds NaN or infinite values")
        width = self._circuit(X.shape[1]).num_parameters
        if X.shape[1] != width:
            raise InvalidInputError(f"{name} has {X.shape[1]} features; the feature map takes "
                                    f"{width}")
        if not scaled:
            return X
        return X * self._bandwidth()

    def _bandwidth(self) -> float:
        if getattr(self, "bandwidth_", None) is not None:
            return float(self.bandwidth_)
        if isinstance(self.bandwidth, str):  # "auto", not chosen yet
            raise ConfigurationError(
                "bandwidth='auto' is chosen on the training data: call fit(X_train, y_train), "
                "or evaluate(X_train) first (the Gram matrix of the training set)")
        return float(self.bandwidth)

    def fit(self, X, y=None, score=None) -> QuantumKernel:
        """Fix the bandwidth on training inputs ``X`` (and labels ``y``): a number as given;
        ``"auto"`` chosen by ``qml.models.bandwidth.choose_bandwidth`` -- with ``y``, by the
        leave-one-out accuracy of kernel ridge classification; without, by the spread of the
        kernel values; with ``score(K, y)`` (regression targets: ``loo_regression_scores``),
        by that. Sets ``bandwidth_`` and ``bandwidth_scores_``; returns self.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.random.default_rng(0).uniform(0, np.pi, (40, 2))
        >>> kernel = QuantumKernel(feature_map_reps=1, seed=0).fit(X, X[:, 0] > 1.5)
        >>> kernel.bandwidth_ in (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
        True
        """
        self._check()
        self.bandwidth_, self.bandwidth_scores_, self.gamma_ = None, {}, None
        if not isinstance(self.bandwidth, str):
            self.bandwidth_ = float(self.bandwidth)
            return self
        from qml.models.bandwidth import choose_bandwidth

        X = np.asarray(X, dtype=float)
        self._inputs(X, "X", scaled=False)  # checked as evaluate checks it
        exact = QuantumKernel(self.feature_map, self.feature_map_reps, self.n_qubits,
                              kind=self.kind, gamma=self.gamma)
        self.bandwidth_, self.bandwidth_scores_ = choose_bandwidth(
            exact.exact_grams, X, y, seed=self.seed, score=score)
        return self

    def exact_grams(self, bandwidths, X) -> list[np.ndarray]:
        """The exact Gram matrices of ``X`` at each of ``bandwidths``, computed on this
        machine whatever the backend: the feature states of all of them in one engine pass
        where they fit in memory (the engine's set-up per call costs more than a small
        problem's states).

        Examples
        --------
        >>> import numpy as np
        >>> X = np.array([[0.1, 0.2], [0.3, 0.4]])
        >>> K = QuantumKernel(feature_map_reps=1).exact_grams([0.5, 1.0], X)
        >>> bool(np.allclose(K[1], QuantumKernel(feature_map_reps=1, bandwidth=1.0).evaluate(X)))
        True
        """
        X = self._inputs(np.asarray(X, dtype=float), "X", scaled=False)
        circuit = self._circuit(X.shape[1])
        engine = self._engine(circuit)
        check_memory(8 * len(X) ** 2 * len(bandwidths), f"{len(bandwidths)} kernel matrices",
                     "Choose the bandwidth on fewer samples.")
        together = len(bandwidths) * len(X) * state_bytes(circuit.num_qubits)
        if together > min(STATE_MEMORY, available_memory() // 2):
            return [self._exact_gram(b * X) for b in bandwidths]
        states = self._states(engine, np.vstack([b * X for b in bandwidths]))
        self.n_circuits_ -= len(states)  # a choice on this machine, not kernel circuits
        grams = []
        for k in range(len(bandwidths)):
            block = states[k * len(X):(k + 1) * len(X)]
            if self.kind == "projected":
                P = projections(block)
                K = gaussian_kernel(P, P, self.gamma if self.gamma != "auto" else auto_gamma(P))
            else:
                K = self_fidelities(block)
            K = (K + K.T) / 2
            np.fill_diagonal(K, 1.0)
            grams.append(np.clip(K, 0.0, 1.0, out=K))
        return grams

    def _exact_gram(self, X: np.ndarray) -> np.ndarray:
        self.gamma_ = None  # each bandwidth's projections set their own "auto" gamma
        circuit = self._circuit(X.shape[1])
        K = (self._projected(circuit, X, None) if self.kind == "projected"
             else self._exact(circuit, X, None))
        self.n_circuits_ -= len(X)
        return K

    def _circuit(self, n_features: int) -> QuantumCircuit:
        if isinstance(self.feature_map, QuantumCircuit):
            return self.feature_map
        return _named_map(self.feature_map, int(self.feature_map_reps),
                          int(self.n_qubits or n_features))

    # ------------------------------------------------------------------ public
    def evaluate(self, X, Y=None) -> np.ndarray:
        """The Gram matrix ``K[i, j] = |<phi(X[i])|phi(Y[j])>|**2``, shape (len(X), len(Y));
        ``Y=None`` means ``Y = X`` (symmetric, diagonal exactly 1)."""
        self._check()
        if isinstance(self.bandwidth, str) and getattr(self, "bandwidth_", None) is None \
                and Y is None:
            self.fit(X)  # "auto" without labels: from the training Gram matrix itself
        X = self._inputs(X, "X")
        Y = None if Y is None else self._inputs(Y, "Y")
        if Y is not None and Y.shape[1] != X.shape[1]:
            raise InvalidInputError(f"X has {X.shape[1]} features and Y {Y.shape[1]}")
        m = len(X) if Y is None else len(Y)
        check_memory(8 * len(X) * m, f"a {len(X)} x {m} kernel matrix",
                     "Evaluate it in blocks of rows.")
        circuit = self._circuit(X.shape[1])
        if self.kind == "projected":
            return self._projected(circuit, X, Y)
        if exact_values(self.backend, self.shots):
            return self._exact(circuit, X, Y)
        K = self._sampled(circuit, X, Y)
        return K if self.regularization is None or Y is not None else regularize(
            K, self.regularization)

    def __call__(self, X, Y=None) -> np.ndarray:
        """``evaluate``: a callable kernel for scikit-learn (``SVC(kernel=QuantumKernel())``)."""
        return self.evaluate(X, Y)

    # ------------------------------------------------------------------ exact
    def _engine(self, circuit: QuantumCircuit):
        key = ("engine", id(circuit))
        if key not in self._cache:
            if isinstance(self.feature_map, QuantumCircuit):
                self._cache[key] = _compile(circuit)
            else:  # compiled once per setting; each kernel its own copy of the call state
                self._cache[key] = copy.copy(_named_engine(
                    self.feature_map, int(self.feature_map_reps), circuit.num_qubits))
        return self._cache[key]

    def _states(self, engine, X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Feature states of ``X`` (len(X), 2**n), written in place into ``out`` (or a new
        array) without their global phase, which no kernel sees."""
        self.n_circuits_ += len(X)
        out = np.empty((len(X), 2**engine.n_qubits), dtype=complex) if out is None else out
        step = max(1, _SUB_BATCH_BYTES // engine.state_bytes)
        for i in range(0, len(X), step):
            engine.write_states(X[i:i + step], out[i:i + step], global_phase=False)
        return out

    def _block_rows(self, n_qubits: int) -> int:
        """Samples whose states one block holds (``exact_gram.block_plan``)."""
        return block_plan(2**62, None, n_qubits)[0]

    def _exact(self, circuit, X, Y) -> np.ndarray:
        n = circuit.num_qubits
        check_memory(4 * state_bytes(n), f"two {n}-qubit feature states and a working copy",
                     "Use fewer qubits (n_qubits with reduction='pca').")
        if self.scheduler is not None:
            from qml.models.kernel_tasks import cluster_gram

            settings = {"feature_map": self.feature_map, "n_qubits": n,
                        "feature_map_reps": self.feature_map_reps}
            K, states = cluster_gram(self.scheduler, settings, X, Y, n)
            self.n_circuits_ += states
        else:  # compiled here only where the states are made here
            engine = self._engine(circuit)
            K = gram(lambda A, out: self._states(engine, A, out), X, Y, n)
        if Y is None:
            K = (K + K.T) / 2  # exactly symmetric whatever the rounding of each product
            np.fill_diagonal(K, 1.0)
        return np.clip(K, 0.0, 1.0, out=K)


@lru_cache(maxsize=32)
def _named_map(name: str, reps: int, n: int) -> QuantumCircuit:
    return build_feature_map(name, n, reps)


@lru_cache(maxsize=8)
def _named_engine(name: str, reps: int, n: int):
    """The compiled feature map, shared by every kernel of these settings (folds, grid
    searches and repeated fits compile it once)."""
    return _compile(_named_map(name, reps, n))


def _compile(circuit: QuantumCircuit):
    """The feature map compiled with no state cache: the kernel keeps the states it needs."""
    from qml.engine.statevector import compile_circuit

    return compile_circuit(circuit, list(circuit.parameters), [], [], chunk_bytes=0)

