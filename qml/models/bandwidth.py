"""``bandwidth="auto"``: a fidelity kernel's bandwidth chosen on the training data only.

A fidelity kernel on min-max scaled inputs is only as good as its bandwidth: at 1 the ZZ
kernel of breast cancer (PCA to 4) memorises its training set (5-fold accuracy 0.76), at 0.1
it scores 0.96 (``benchmarks/KERNEL_DEFAULTS.md``). Two rules choose it from ``BANDWIDTHS``:

* **with labels** (``QSVC.fit``, ``QuantumKernel.fit(X, y)``): the bandwidth whose kernel
  ridge classifier (ridge ``RIDGE``, one-vs-rest targets of +-1) has the best exact
  leave-one-out accuracy on a stratified subsample of at most ``AUTO_SAMPLES`` training
  samples; ties go to the larger centered kernel-target alignment (Cortes et al., JMLR 2012),
  computed for the tied candidates only.
  Leave-one-out is closed form for kernel ridge (one Cholesky factorisation per candidate), so
  the choice needs no random folds and costs a fraction of cross-validating an SVM. On the
  eight datasets of ``benchmarks/kernel_defaults.py`` it scores within 0.013 of 3-fold
  cross-validation of the QSVC itself on the whole training fold (better on two, worse on
  two); alignment alone scores lower on four and never higher; the label-free rule below
  fails where the classes need a large bandwidth (moons 0.810, circles 0.787, ad hoc 0.580
  against 0.957, 0.960 and 1.000).
* **without labels** (``QuantumKernel().evaluate(X)`` with ``bandwidth="auto"``, as
  ``SVC(kernel=QuantumKernel())`` calls it): the bandwidth whose off-diagonal kernel values
  vary most -- neither all near 1 (too small a bandwidth: every sample alike) nor all near 0
  (too large: every sample orthogonal, the concentration of Thanasilp et al. 2022).

Both evaluate the exact kernel of the subsample with qlimits' engine, on this machine: a
kernel on a shot-based backend (``aer``, ``fake:``, ``ibm:``) sends no circuit for the choice.
The subsample is drawn from ``seed``, so the choice is the same on every run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from qml.models.kernel_metrics import centered_alignment

__all__ = ["BANDWIDTHS", "AUTO_SAMPLES", "RIDGE", "choose_bandwidth", "loo_regression_scores"]

logger = logging.getLogger(__name__)

BANDWIDTHS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
AUTO_SAMPLES = 200  # training samples the choice looks at, at most
RIDGE = 1.0  # of the kernel ridge classifier whose leave-one-out accuracy decides


@lru_cache(maxsize=1)
def _blas():
    """threadpoolctl's view of the loaded BLAS, found once (finding it costs more than a
    small choice)."""
    from threadpoolctl import ThreadpoolController  # scikit-learn's dependency

    return ThreadpoolController()


def _subsample(n: int, y, seed: int | None) -> np.ndarray:
    """At most ``AUTO_SAMPLES`` indices, stratified by ``y`` when given, drawn from ``seed``."""
    if n <= AUTO_SAMPLES:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    if y is None:
        return np.sort(rng.choice(n, AUTO_SAMPLES, replace=False))
    from sklearn.model_selection import StratifiedShuffleSplit

    # train_test_split(stratify=y)'s own split, without its argument checks (1 ms a fit)
    split = StratifiedShuffleSplit(n_splits=1, test_size=n - AUTO_SAMPLES,
                                   train_size=AUTO_SAMPLES,
                                   random_state=int(rng.integers(2**31 - 1)))
    index, _ = next(split.split(np.zeros((n, 1)), y))
    return np.sort(index)


def _loo_accuracy(K: np.ndarray, y: np.ndarray, classes: np.ndarray, T: np.ndarray) -> float:
    """Exact leave-one-out accuracy of kernel ridge classification on ``K`` (one-vs-rest
    targets ``T`` of +-1 for ``classes``): with ``A = K + RIDGE I`` and ``alpha = A^-1 T``,
    sample i's left-out prediction is ``T_i - alpha_i / (A^-1)_ii`` (the closed form of
    ridge regression)."""
    from scipy.linalg import lapack

    A = K.copy()
    A.flat[::len(A) + 1] += RIDGE
    upper, info = lapack.dpotrf(A, lower=0, clean=1, overwrite_a=1)  # A = R^T R
    if info:
        raise np.linalg.LinAlgError(f"kernel ridge matrix not positive definite ({info})")
    inverse_r, _ = lapack.dtrtri(upper)  # R^-1, so A^-1 = R^-1 R^-T
    alpha = inverse_r @ (inverse_r.T @ T)
    left_out = T - alpha / np.einsum("ij,ij->i", inverse_r, inverse_r)[:, None]
    return float(np.mean(classes[np.argmax(left_out, axis=1)] == y))


def loo_regression_scores(K: np.ndarray, y: np.ndarray) -> dict:
    """The regression rule: minus the exact leave-one-out mean squared error of kernel ridge
    regression (ridge ``RIDGE``) of the (standardised) targets ``y`` on ``K`` -- sample i's
    left-out residual is ``alpha_i / (A^-1)_ii``.

    Examples
    --------
    >>> K = np.eye(3)  # nothing shared: every left-out prediction is 0
    >>> loo_regression_scores(K, np.array([1.0, -1.0, 0.0]))["loo_mse"] == -2 / 3
    True
    """
    from scipy.linalg import lapack

    A = K.copy()
    A.flat[::len(A) + 1] += RIDGE
    upper, info = lapack.dpotrf(A, lower=0, clean=1, overwrite_a=1)
    if info:
        raise np.linalg.LinAlgError(f"kernel ridge matrix not positive definite ({info})")
    inverse_r, _ = lapack.dtrtri(upper)
    alpha = inverse_r @ (inverse_r.T @ y)
    residuals = alpha / np.einsum("ij,ij->i", inverse_r, inverse_r)
    return {"loo_mse": -float(np.mean(residuals**2))}


def choose_bandwidth(grams: Callable[[tuple, np.ndarray], list], X: np.ndarray, y=None,
                     seed: int | None = None,
                     score: Callable[[np.ndarray, np.ndarray], dict] | None = None
                     ) -> tuple[float, dict]:
    """The bandwidth of ``BANDWIDTHS`` the rules above choose for inputs ``X`` (and labels
    ``y``), and every candidate's scores; ``grams(bandwidths, X)`` gives the exact Gram
    matrices (``QuantumKernel.exact_grams``). ``score(K, y)`` replaces the rules (its values
    compared as a tuple, the larger wins) for targets that are not labels: regression
    (``loo_regression_scores``), a Gaussian process's likelihood; the subsample is then not
    stratified.

    Examples
    --------
    >>> X = np.array([[0.0], [0.1], [3.0], [3.1]])
    >>> grams = lambda bs, A: [np.exp(-(b * (A - A.T)) ** 2) for b in bs]
    >>> choose_bandwidth(grams, X, [0, 0, 1, 1], seed=0)[0] > 0.05
    True
    """
    X = np.asarray(X, dtype=float)
    index = _subsample(len(X), None if y is None or score is not None else np.asarray(y),
                       seed)
    X_sub = X[index]
    y_sub = None if y is None else np.asarray(y)[index]
    with _blas().limit(limits=1, user_api="blas"):  # small matrices: threads only wait
        matrices = dict(zip(BANDWIDTHS, grams(BANDWIDTHS, X_sub)))
        if score is not None:
            scores = {b: score(K, y_sub) for b, K in matrices.items()}
        elif y_sub is None:
            scores = {b: {"off_diagonal_variance": float(K[~np.eye(len(K), dtype=bool)].var())}
                      for b, K in matrices.items()}
        else:
            classes = np.unique(y_sub)
            T = np.where(y_sub[:, None] == classes[None, :], 1.0, -1.0)
            scores = {b: {"loo_accuracy": _loo_accuracy(K, y_sub, classes, T)}
                      for b, K in matrices.items()}
            top = max(v["loo_accuracy"] for v in scores.values())
            for b, K in matrices.items():  # the tie-break, where it is needed
                if scores[b]["loo_accuracy"] == top:
                    scores[b]["centered_alignment"] = centered_alignment(K, y_sub)
    best = max(BANDWIDTHS, key=lambda b: tuple(scores[b].values()))
    logger.info("bandwidth='auto': %g (%s on %d samples)", best,
                "/".join(scores[best]), len(X_sub))
    return best, scores

