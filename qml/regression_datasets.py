"""Datasets for regression: shuffled train/test splits, standardised features, optionally
reduced; the targets as they are (the regressors standardise them themselves).

``diabetes`` (scikit-learn's copy: 442 patients, 10 features, disease progression after a
year); ``fourier``: a one-dimensional Fourier series of degree 3 with noise, the smooth
function a quantum model's spectrum can express (Schuld, Sweke & Meyer, PRA 103, 032430,
2021: encoding ``x`` ``r`` times gives frequencies up to ``r``); or a CSV file whose target
column holds numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn import datasets as _sk
from sklearn.model_selection import train_test_split

from qml.datasets import Dataset, read_csv_columns
from qml.errors import ConfigurationError, InvalidInputError, ResultFileError
from qml.files import as_path
from qml.models.preprocessing import FeaturePipeline
from qml.validation import check_seed

__all__ = ["REGRESSION_DATASETS", "load_regression", "load_raw_regression", "fourier_series"]

REGRESSION_DATASETS = ("diabetes", "fourier")


def fourier_series(n_samples: int = 200, degree: int = 3, noise: float = 0.05,
                   seed: int | None = 0):
    """``x`` uniform in ``[-pi, pi)``, ``y = sum_{k <= degree} a_k cos(k x) + b_k sin(k x)``
    with coefficients drawn from ``seed`` (normalised so that ``y`` has unit scale), plus
    Gaussian noise of standard deviation ``noise``.

    Examples
    --------
    >>> X, y = fourier_series(50, seed=1)
    >>> X.shape, bool(abs(y).max() < 3)
    ((50, 1), True)
    """
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=degree), rng.normal(size=degree)
    scale = np.sqrt((a**2 + b**2).sum() / 2)
    x = rng.uniform(-np.pi, np.pi, n_samples)
    k = np.arange(1, degree + 1)
    y = (np.cos(np.outer(x, k)) @ a + np.sin(np.outer(x, k)) @ b) / scale
    return x[:, None], y + rng.normal(0, noise, n_samples)


def load_regression(name: str, *, n_features: int | None = None,
                    n_samples: int | None = None, test_size: float = 0.3,
                    seed: int | None = 0, target: str | int = -1) -> Dataset:
    """Load a regression dataset by name (``REGRESSION_DATASETS``) or from a ``.csv`` path
    (``target``: the target column's name or position, the last by default), split it
    (shuffled, seeded) and standardise the features (PCA to ``n_features`` when asked, fitted
    on the training part); ``fourier``'s one feature is an angle and stays in radians.
    ``n_samples``: the size of ``fourier`` (default 200), or a seeded subsample of a fixed
    dataset.

    Examples
    --------
    >>> ds = load_regression("diabetes", n_features=4, seed=0)
    >>> ds.X_train.shape, ds.feature_names[0]
    ((309, 4), 'pc1')
    """
    X, y, names = load_raw_regression(name, n_samples=n_samples, seed=seed, target=target)
    name = Path(name).stem if str(name).endswith(".csv") else name
    if np.ptp(y) == 0:
        raise InvalidInputError(f"dataset {name!r}: the target is constant; nothing to regress")
    if n_features is not None and n_features > X.shape[1]:
        raise ConfigurationError(f"n_features={n_features}: {name!r} has only {X.shape[1]} "
                                 "features (PCA can only reduce)")
    try:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=seed)
    except ValueError as exc:
        raise ConfigurationError(f"test_size={test_size!r} cannot split {len(y)} samples "
                                 f"({exc})") from exc
    if name == "fourier":  # x is an angle: kept in radians, as the spectrum argument needs
        return Dataset("fourier", X_tr, X_te, y_tr, y_te, names)
    reduce = n_features is not None and n_features < X.shape[1]
    pipe = FeaturePipeline(n_components=n_features if reduce else None, seed=seed).fit(X_tr)
    names = [f"pc{i + 1}" for i in range(n_features)] if reduce else list(names)
    return Dataset(str(name), pipe.transform(X_tr), pipe.transform(X_te), y_tr, y_te, names)


def load_raw_regression(name: str, *, n_samples: int | None = None, seed: int | None = 0,
                        target: str | int = -1):
    """Unsplit, unscaled ``(X, y, feature_names)`` of a regression dataset by name
    (``REGRESSION_DATASETS``) or from a ``.csv`` path (``target``: the target column's name or
    position); ``n_samples`` as for ``load_regression``.

    Examples
    --------
    >>> X, y, names = load_raw_regression("diabetes")
    >>> X.shape, names[:2]
    ((442, 10), ['age', 'sex'])
    """
    check_seed(seed)
    if str(name).endswith(".csv"):
        path = as_path(name, "a CSV file")
        X, text, names = read_csv_columns(path, target)
        y = _numbers(text, path)
    elif name == "diabetes":
        data = _sk.load_diabetes()
        X, y, names = data.data, data.target, list(data.feature_names)
    elif name == "fourier":
        X, y = fourier_series(200 if n_samples is None else n_samples, seed=seed)
        names, n_samples = ["x"], None
    else:
        raise ConfigurationError(f"unknown regression dataset {name!r}; valid: "
                                 f"{', '.join(REGRESSION_DATASETS)} or a path to a .csv file")
    if n_samples is not None:
        if not isinstance(n_samples, (int, np.integer)) or not 2 <= n_samples <= len(y):
            raise ConfigurationError(f"n_samples must be between 2 and the {len(y)} samples "
                                     f"of {name!r}; got {n_samples!r}")
        keep = np.random.default_rng(seed).permutation(len(y))[:n_samples]
        X, y = X[keep], y[keep]
    return X, y, names


def _numbers(text: list[str], path: Path) -> np.ndarray:
    values = np.empty(len(text))
    for i, t in enumerate(text):
        try:
            values[i] = float(t)
        except ValueError:
            raise ResultFileError(f"{path}, line {i + 2}: the target is {t!r}, not a number; "
                                  "a regressor needs numeric targets") from None
        if not np.isfinite(values[i]):
            raise ResultFileError(f"{path}, line {i + 2}: the target is {t}; targets must be "
                                  "finite numbers")
    return values
