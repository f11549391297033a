"""The one feature pipeline: standardise, reduce with PCA, scale to a range -- one affine map.

Datasets (``qml.datasets``), the comparison's folds (``qml.compare``) and every quantum model's
inputs (``VQC``; quantum kernels later) all go through ``FeaturePipeline``. Each step is
affine, so the fitted pipeline is a single map ``X @ matrix_ + offset_``: cheap to apply,
exact to differentiate (input attributions pull gradients back through ``matrix_``), and
saved with a model as two arrays.

``angle_encoder`` builds the pipeline a quantum model needs from its parameters
(``n_qubits``, ``reduction``, ``input_scaling``): features to rotation angles in ``[0, pi]``.
Data sets are not scaled to angles by default: that is the model's job, done once.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from qml.errors import ConfigurationError, InvalidInputError

__all__ = ["FeaturePipeline", "angle_encoder", "ANGLE_RANGE", "REDUCTIONS", "INPUT_SCALINGS"]

logger = logging.getLogger(__name__)

ANGLE_RANGE = (0.0, np.pi)
REDUCTIONS = (None, "pca")
INPUT_SCALINGS = ("minmax", None)


class FeaturePipeline(TransformerMixin, BaseEstimator):
    """Standardise, optionally reduce with PCA, optionally min-max: one affine map.

    Parameters
    ----------
    n_components : int, optional
        Reduce to this many principal components (None: keep every feature).
    standardize : bool, default=True
        Zero mean and unit variance per feature before the rest (and so before PCA).
    feature_range : (low, high), optional
        Min-max every output to this range on the fitted data (None: no scaling).
    seed : int, optional
        ``random_state`` of the PCA.

    Attributes
    ----------
    matrix_ : ndarray
        Shape ``(n_features_in_, n_outputs_)``; the fitted map is ``X @ matrix_ + offset_``.
    offset_ : ndarray
        Shape ``(n_outputs_,)``.
    n_features_in_, n_outputs_ : int
        Features in and out.

    Examples
    --------
    >>> X = np.array([[0.0, 10.0], [1.0, 30.0], [2.0, 20.0]])
    >>> FeaturePipeline(feature_range=(0, 1)).fit_transform(X)
    array([[0. , 0. ],
           [0.5, 1. ],
           [1. , 0.5]])
    """

    def __init__(self, n_components: int | None = None, standardize: bool = True,
                 feature_range: tuple[float, float] | None = None, seed: int | None = None):
        self.n_components = n_components
        self.standardize = standardize
        self.feature_range = feature_range
        self.seed = seed

    def fit(self, X, y=None) -> FeaturePipeline:
        """Learn the map on ``X`` (n_samples, n_features)."""
        X = validate_data(self, X, dtype=np.float64)
        d = X.shape[1]
        if self.n_components is not None and not 1 <= self.n_components <= d:
            raise ConfigurationError(
                f"cannot reduce {d} features to {self.n_components}: n_components must be "
                f"between 1 and {d}")
        matrix, offset = np.eye(d), np.zeros(d)
        if self.standardize:
            scaler = StandardScaler().fit(X)
            matrix, offset = matrix / scaler.scale_, -scaler.mean_ / scaler.scale_
        if self.n_components is not None:
            pca = PCA(n_components=self.n_components, random_state=self.seed)
            pca.fit(X @ matrix + offset)
            matrix = matrix @ pca.components_.T
            offset = (offset - pca.mean_) @ pca.components_.T
        if self.feature_range is not None:
            scaler = MinMaxScaler(feature_range=tuple(self.feature_range)).fit(X @ matrix + offset)
            matrix, offset = matrix * scaler.scale_, offset * scaler.scale_ + scaler.min_
        self.matrix_, self.offset_ = matrix, offset
        self.n_outputs_ = matrix.shape[1]
        logger.debug("feature pipeline: %d features -> %d (standardize=%s, pca=%s, range=%s)",
                     d, self.n_outputs_, self.standardize, self.n_components,
                     self.feature_range)
        return self

    def transform(self, X) -> np.ndarray:
        """``X @ matrix_ + offset_``."""
        check_is_fitted(self, "matrix_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.matrix_ + self.offset_

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """``pc1..pck`` after a PCA, else the input names."""
        check_is_fitted(self, "matrix_")
        if self.n_components is not None:
            return np.array([f"pc{i + 1}" for i in range(self.n_outputs_)], dtype=object)
        if input_features is None:
            input_features = getattr(self, "feature_names_in_",
                                     [f"x{i}" for i in range(self.n_features_in_)])
        return np.asarray(input_features, dtype=object)


def angle_encoder(n_features: int, n_qubits: int, reduction: str | None = None,
                  input_scaling: str | None = "minmax", seed: int | None = None
                  ) -> FeaturePipeline:
    """The pipeline from a quantum model's inputs to its rotation angles.

    PCA (after standardising) to ``n_qubits`` when ``reduction="pca"`` and there are more
    features than qubits; then, with ``input_scaling="minmax"``, every angle min-maxed to
    ``[0, pi]`` on the training data.

    Raises
    ------
    InvalidInputError
        More features than qubits without ``reduction="pca"``.

    Examples
    --------
    >>> enc = angle_encoder(4, 2, reduction="pca", seed=0)
    >>> enc.n_components, enc.feature_range == ANGLE_RANGE
    (2, True)
    """
    if reduction not in REDUCTIONS:
        raise ConfigurationError(f"reduction must be None or 'pca'; got {reduction!r}")
    if input_scaling not in INPUT_SCALINGS:
        raise ConfigurationError(
            f"input_scaling must be 'minmax' or None; got {input_scaling!r}")
    reduce = n_qubits < n_features
    if reduce and reduction != "pca":
        raise InvalidInputError(
            f"X has {n_features} features but n_qubits={n_qubits}; pass reduction='pca' to "
            "reduce the features, or use more qubits")
    if reduction == "pca" and not reduce:
        warnings.warn(f"reduction='pca' has no effect: n_qubits={n_qubits} is not below the "
                      f"{n_features} features", UserWarning, stacklevel=3)
    return FeaturePipeline(n_components=n_qubits if reduce else None, standardize=reduce,
                           feature_range=ANGLE_RANGE if input_scaling == "minmax" else None,
                           seed=seed)
