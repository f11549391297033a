"""Trainable quantum kernels: one bandwidth per feature, fitted by maximising the
kernel-target alignment with exact gradients from the engine.

``TrainableQuantumKernel`` is a ``QuantumKernel`` whose inputs are scaled feature by feature,
``x -> w * x``, with ``w`` fitted on the training data: the embedding training of Hubregtsen
et al. (PRA 106, 042431, 2022) and Shaydulin & Wild's bandwidths (PRA 106, 042407, 2022) made
per feature, as qiskit-machine-learning's ``QuantumKernelTrainer`` and sQUlearn's kernel
optimiser train feature-map parameters. The objective is the alignment
``A = <K, T>_F / (|K|_F |T|_F)`` (``kernel_target_alignment``) on at most ``max_samples``
training samples; its gradient is exact and costs one forward and one backward pass per
sample whatever the number of features::

    dA = sum_ij G_ij dK_ij,   G = (T - (<K, T> / |K|**2) K) / (|K| |T|),
    dK_ij = 2 Re(conj(o_ij) (<dpsi_i|psi_j> + <psi_i|dpsi_j>)),   o_ij = <psi_i|psi_j>,

so ``dA = 4 Re sum_i <phi_i|dpsi_i>`` with ``phi_i = sum_j G_ij conj(o_ij) psi_j``: the
engine's adjoint pass started from the cotangent states ``phi_i``
(``ExactCircuit.state_vjp``). L-BFGS-B runs on ``log w`` (positive bandwidths), from the
bandwidth ``"auto"`` chooses (or the one given): training can only raise the alignment of the
starting kernel. Training runs on this machine's exact engine whatever the backend; the
fitted kernel is then evaluated where ``backend`` says.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.optimize import minimize

from qml.errors import ConfigurationError
from qml.models.quantum_kernel import MAX_BANDWIDTH, QuantumKernel
from qml.validation import count

__all__ = ["TrainableQuantumKernel", "alignment_and_gradient"]

logger = logging.getLogger(__name__)

MIN_BANDWIDTH = 1e-3  # below it a feature is switched off; the log-bandwidth stays bounded


def alignment_and_gradient(engine, X: np.ndarray, y: np.ndarray, w: np.ndarray,
                           values: bool = False):
    """The alignment of the fidelity kernel of ``engine`` (a compiled feature map without
    weights) at inputs ``X * w``, and its gradient with respect to ``w``: with labels ``y``
    (target ``T_ij`` = 1 for the same class, -1 otherwise), or with ``values=True`` with
    (standardised) regression targets (``T = y y^T``).

    Examples
    --------
    >>> from circuits.feature_maps import build_feature_map
    >>> from qml.engine.statevector import compile_circuit
    >>> fm = build_feature_map("zz", 2, 1)
    >>> engine = compile_circuit(fm, list(fm.parameters), [], [])
    >>> X, y = np.array([[0.1, 0.2], [2.0, 2.5], [0.2, 0.1]]), np.array([0, 1, 0])
    >>> a, g = alignment_and_gradient(engine, X, y, np.array([1.0, 1.0]))
    >>> round(a, 4), g.shape
    (0.4664, (2,))
    """
    U = X * w
    states = engine.write_states(U, np.empty((len(X), 2**engine.n_qubits), complex),
                                 global_phase=False)
    overlaps = np.conj(states) @ states.T  # o_ij = <psi_i|psi_j>
    K = np.abs(overlaps) ** 2
    T = np.outer(y, y) if values else np.where(y[:, None] == y[None, :], 1.0, -1.0)
    norm_K, norm_T = np.linalg.norm(K), np.linalg.norm(T)
    inner = float(np.sum(K * T))
    alignment = float(inner / (norm_K * norm_T))
    G = (T - inner / norm_K**2 * K) / (norm_K * norm_T)
    cotangent = (G * np.conj(overlaps)) @ states  # phi_i
    _, grad_inputs = engine.state_vjp(U, None, cotangent, inputs=True)
    return alignment, 4 * np.sum(grad_inputs * X, axis=0)


class TrainableQuantumKernel(QuantumKernel):
    """A fidelity kernel with one bandwidth per feature, trained by maximising the
    kernel-target alignment (``qml.models.trainable_kernel``).

    Parameters
    ----------
    feature_map, feature_map_reps, n_qubits, backend, shots, seed
        As ``QuantumKernel`` (the fidelity kind).
    regularization, mitigation, scheduler, max_circuits_per_job, execution_mode, runtime_options
        As ``QuantumKernel``; training itself runs in this process, on the exact engine.
    bandwidth : float or "auto", default="auto"
        The starting bandwidth of every feature (``"auto"``: ``QuantumKernel``'s choice).
    maxiter : int, default=50
        L-BFGS-B iterations.
    max_samples : int, default=200
        Training samples the alignment is computed on (chosen with ``seed`` when there are
        more): the cost of an iteration grows with their square.

    Attributes
    ----------
    bandwidths_ : ndarray (n_features,)
        The trained bandwidths, one per feature.
    bandwidth_ : float
        The starting bandwidth.
    alignment_before_, alignment_ : float
        Kernel-target alignment on the training samples at the start and after training.
    n_iterations_ : int

    Examples
    --------
    >>> X = np.random.default_rng(0).uniform(0, np.pi, (40, 2))
    >>> y = (X[:, 0] > 1.5).astype(int)  # only the first feature matters
    >>> kernel = TrainableQuantumKernel(feature_map_reps=1, seed=0, maxiter=20).fit(X, y)
    >>> bool(kernel.alignment_ > kernel.alignment_before_)
    True
    """

    PARAMETERS = {key: rule for key, rule in QuantumKernel.PARAMETERS.items()
                  if key not in ("kind", "gamma")} | {
        "maxiter": count("maxiter"), "max_samples": count("max_samples")}

    def __init__(self, feature_map="zz", feature_map_reps=2, n_qubits=None, bandwidth="auto",
                 backend="statevector", shots=None, seed=None, regularization=None,
                 mitigation=None, scheduler=None, maxiter=50, max_samples=200,
                 max_circuits_per_job=None, execution_mode=None, runtime_options=None):
        super().__init__(feature_map, feature_map_reps, n_qubits, bandwidth, backend, shots,
                         seed, regularization=regularization, mitigation=mitigation,
                         scheduler=scheduler, max_circuits_per_job=max_circuits_per_job,
                         execution_mode=execution_mode, runtime_options=runtime_options)
        self.maxiter = maxiter
        self.max_samples = max_samples

    def _bandwidth(self):
        trained = getattr(self, "bandwidths_", None)
        return super()._bandwidth() if trained is None else np.asarray(trained, dtype=float)

    def fit(self, X, y=None, score=None) -> TrainableQuantumKernel:
        """Choose the starting bandwidth (``QuantumKernel.fit``), then train one bandwidth
        per feature on (at most ``max_samples`` of) ``X`` and its labels ``y`` -- or, given
        a regression ``score`` for the start, its (standardised) target values."""
        if y is None:
            raise ConfigurationError("a trainable kernel is trained on labels: call "
                                     "fit(X_train, y_train)")
        self.bandwidths_ = None
        super().fit(X, y, score)
        X = self._inputs(np.asarray(X, dtype=float), "X", scaled=False)
        y = np.asarray(y, dtype=float) if score is not None else np.asarray(y)
        if len(y) != len(X):
            raise ConfigurationError(f"X has {len(X)} samples and y {len(y)}")
        if len(X) > self.max_samples:
            keep = np.random.RandomState(self.seed).permutation(len(X))[:self.max_samples]
            X, y = X[keep], y[keep]
        engine = self._engine(self._circuit(X.shape[1]))

        def loss(v):
            a, g = alignment_and_gradient(engine, X, y, np.exp(v), values=score is not None)
            return -a, -g * np.exp(v)

        start = np.full(X.shape[1], np.log(self.bandwidth_))
        self.alignment_before_ = float(-loss(start)[0])
        bounds = [(np.log(MIN_BANDWIDTH), np.log(MAX_BANDWIDTH))] * X.shape[1]
        result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds,
                          options={"maxiter": int(self.maxiter)})
        best = result.x if -result.fun >= self.alignment_before_ else start
        self.bandwidths_ = np.exp(best)
        self.alignment_ = max(-float(result.fun), self.alignment_before_)
        self.n_iterations_ = int(result.nit)
        logger.info("trainable kernel: alignment %.4f -> %.4f in %d iterations on %d samples",
                    self.alignment_before_, self.alignment_, self.n_iterations_, len(X))
        return self
