"""Projected quantum kernels (Huang et al., "Power of data in quantum machine learning",
Nat. Commun. 12, 2631, 2021): each sample's feature state projected onto its one-qubit
reduced density matrices -- the expectations of X, Y and Z on every qubit -- and a Gaussian
kernel on those ``3 n`` numbers,

    k(x, x') = exp(-gamma * sum_q sum_P (<P_q>(x) - <P_q>(x'))**2),

which is ``exp(-2 gamma sum_q ||rho_q(x) - rho_q(x')||_F**2)``: sQUlearn's
``ProjectedQuantumKernel`` with its Gaussian outer kernel. Unlike the fidelity kernel it does
not concentrate exponentially with width: the projections stay order one.

``gamma="auto"`` is scikit-learn's ``"scale"`` rule on the projections of the training set,
``1 / (3 n * var(projections))``: the Gaussian's width matched to the spread of the features
it compares.
"""

from __future__ import annotations

import numpy as np

from qml.errors import ConfigurationError

__all__ = ["ProjectedKernel", "projections", "gaussian_kernel", "auto_gamma", "resolve_gamma"]


def projections(states: np.ndarray) -> np.ndarray:
    """``<X_q>, <Y_q>, <Z_q>`` of every qubit ``q`` of every state, shape (len(states), 3 n),
    ordered X of every qubit, then Y, then Z; qubit ``q`` is bit ``q`` of the amplitude index
    (qiskit's order).

    Examples
    --------
    >>> plus = np.array([[1, 1]]) / np.sqrt(2)  # |+>: <X> = 1, <Y> = <Z> = 0
    >>> projections(plus).round(12).tolist()
    [[1.0, 0.0, 0.0]]
    """
    states = np.asarray(states)
    m, dim = states.shape
    n = int(dim).bit_length() - 1
    out = np.empty((m, 3 * n))
    for q in range(n):
        view = states.reshape(m, dim >> (q + 1), 2, 1 << q)
        a, b = view[:, :, 0, :], view[:, :, 1, :]
        cross = np.sum(np.conj(a) * b, axis=(1, 2))
        out[:, q] = 2 * cross.real
        out[:, n + q] = 2 * cross.imag
        out[:, 2 * n + q] = np.sum(np.abs(a) ** 2 - np.abs(b) ** 2, axis=(1, 2))
    return out


def gaussian_kernel(left: np.ndarray, right: np.ndarray, gamma: float) -> np.ndarray:
    """``exp(-gamma * ||left_i - right_j||**2)`` for every pair.

    Examples
    --------
    >>> gaussian_kernel(np.zeros((1, 2)), np.ones((1, 2)), 0.5).round(6).tolist()
    [[0.367879]]
    """
    squared = (np.sum(left**2, axis=1)[:, None] + np.sum(right**2, axis=1)[None, :]
               - 2 * left @ right.T)
    return np.exp(-gamma * np.maximum(squared, 0.0))


def auto_gamma(train_projections: np.ndarray) -> float:
    """``1 / (n_features * var)`` of the training projections (scikit-learn's ``"scale"``);
    1 where they do not vary at all.

    Examples
    --------
    >>> auto_gamma(np.array([[0.0, 1.0], [1.0, 0.0]]))
    2.0
    """
    spread = float(np.var(train_projections)) * train_projections.shape[1]
    return 1.0 / spread if spread > 0 else 1.0


def resolve_gamma(gamma, fitted: float | None, train_projections: np.ndarray,
                  training: bool) -> float:
    """The ``gamma`` a projected kernel uses: a number as given; for ``"auto"`` the one set
    on the training set (``fitted``), or, on the training Gram matrix itself, ``auto_gamma``.

    Examples
    --------
    >>> resolve_gamma(0.5, None, np.zeros((2, 3)), training=False)
    0.5
    """
    if gamma != "auto":
        return float(gamma)
    if fitted is not None:
        return float(fitted)
    if training:
        return auto_gamma(train_projections)
    raise ConfigurationError("gamma='auto' is set on the training data: call fit(X_train) "
                             "or evaluate(X_train) first")


class ProjectedKernel:
    """Mixin of ``QuantumKernel``: its projected kind (``kind="projected"``), from exact
    feature states or from shots in the X, Y and Z bases (``kernel_shots``)."""

    def _exact_backend(self) -> bool:
        from qml.backends import exact_values

        return exact_values(self.backend, self.shots)

    def _projected(self, circuit, X, Y) -> np.ndarray:
        """The projected kernel (``qml.models.projected``): every sample's one-qubit
        projections from its feature state, a block of states at a time, then a Gaussian.
        A sample's projections are kept once measured: a prediction against the support
        vectors reuses the ones the training measured (on hardware, 3 circuits fewer per
        support vector)."""
        if self._exact_backend():
            engine = self._engine(circuit)
            b = self._block_rows(circuit.num_qubits)
            compute = lambda A: np.vstack([  # noqa: E731
                projections(self._states(engine, A[i:i + b])) for i in range(0, len(A), b)])
        else:
            compute = lambda A: self._sampled_projections(circuit, A)  # noqa: E731
        store = self._cache.setdefault(("projections", id(circuit)), {})
        P_X = _kept(store, X, compute)
        P_Y = P_X if Y is None else _kept(store, Y, compute)
        gamma = resolve_gamma(self.gamma, getattr(self, "gamma_", None), P_X, Y is None)
        if self.gamma == "auto":
            self.gamma_ = gamma  # set by the training Gram matrix
        K = gaussian_kernel(P_X, P_Y, gamma)
        if Y is None:
            K = (K + K.T) / 2
            np.fill_diagonal(K, 1.0)
        return K


def _kept(store: dict, A: np.ndarray, compute) -> np.ndarray:
    """The projections of the rows of ``A``: those in ``store`` (keyed by the row's bytes)
    as kept, the others computed in one call and kept."""
    keys = [row.tobytes() for row in A]
    missing = [i for i, key in enumerate(keys) if key not in store]
    if missing:
        for i, row in zip(missing, compute(A[missing])):
            store[keys[i]] = row
    return np.array([store[key] for key in keys])
