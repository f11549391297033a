"""Datasets, ready for a classifier: stratified train/test splits, standardised, optionally
reduced.

Bundled (scikit-learn's copies): ``iris``, ``breast_cancer``, ``wine``. Generated: ``moons``,
``circles`` and ``ad_hoc`` (Havlicek et al., Nature 567, 209 (2019): labels that a ZZ feature
map separates by construction). Any CSV file with a label column works too.

Preprocessing (``qml.models.preprocessing.FeaturePipeline``) is fitted on the training part only:
standardise, then PCA to ``n_features`` when asked. Mapping features to rotation angles is the
quantum model's job (``VQC(input_scaling="minmax")``), done there once; ``scale=(low, high)``
min-maxes here as well, for models that want it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn import datasets as _sk
from sklearn.model_selection import train_test_split

from qml.errors import ConfigurationError, InvalidInputError, ResultFileError
from qml.files import as_path, read_bounded
from qml.models.preprocessing import FeaturePipeline
from qml.validation import check_seed

__all__ = ["Dataset", "DATASETS", "GENERATED", "load_dataset", "load_raw", "load_csv", "ad_hoc",
           "read_csv_columns"]

logger = logging.getLogger(__name__)

DATASETS = ("iris", "breast_cancer", "wine", "moons", "circles", "ad_hoc")
GENERATED = ("moons", "circles", "ad_hoc")
MAX_CSV_BYTES = 64 * 2**20  # about a million rows of eight features: more than any circuit
# simulation here trains on; a larger file is refused before it is parsed
MAX_CSV_ROWS = 1_000_000


@dataclass(frozen=True)
class Dataset:
    """A train/test split with its names.

    Examples
    --------
    >>> ds = load_dataset("iris", seed=0)
    >>> ds.X_train.shape, ds.X_test.shape
    ((105, 4), (45, 4))
    """

    name: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: list[str] = field(default_factory=list)

    @property
    def n_features(self) -> int:
        """Number of features (columns of ``X_train``)."""
        return self.X_train.shape[1]


def ad_hoc(n_samples: int = 100, n_qubits: int = 2, gap: float = 0.3, seed: int | None = 0):
    """The "ad hoc" dataset of Havlicek et al.: ``x`` uniform in ``[0, 2 pi)^n``, label
    ``sign(<Phi(x)| V^dag Z..Z V |Phi(x)>)`` for a Haar-random unitary ``V``, keeping only
    points whose value is at least ``gap`` away from zero. ``|Phi(x)>`` is qiskit's
    ``zz_feature_map(n, reps=2)``. Balanced classes.

    Examples
    --------
    >>> X, y = ad_hoc(20, seed=1)
    >>> X.shape, np.bincount(y).tolist()
    ((20, 2), [10, 10])
    """
    from qiskit.circuit.library import zz_feature_map
    from qiskit.quantum_info import Operator, SparsePauliOp
    from scipy.stats import unitary_group

    from qml.engine.statevector import compile_circuit

    rng = np.random.default_rng(seed)
    fmap = zz_feature_map(n_qubits, reps=2)
    v = unitary_group.rvs(2**n_qubits, random_state=rng)
    parity = SparsePauliOp("Z" * n_qubits).to_matrix()
    observable = SparsePauliOp.from_operator(Operator(v.conj().T @ parity @ v))
    engine = compile_circuit(fmap, list(fmap.parameters), [], [observable])
    per_class = n_samples // 2
    kept = {0: [], 1: []}
    while min(len(k) for k in kept.values()) < per_class:
        X = rng.uniform(0, 2 * np.pi, size=(256, n_qubits))
        m = engine.expectations(X, None)[0, :, 0]
        kept[1].extend(X[m >= gap])
        kept[0].extend(X[m <= -gap])
    X = np.array(kept[0][:per_class] + kept[1][:per_class])
    y = np.repeat([0, 1], per_class)
    order = rng.permutation(len(y))
    return X[order], y[order]


def _raw(name: str, n_samples: int | None, seed: int | None, ad_hoc_qubits: int = 2):
    if name == "iris":
        d = _sk.load_iris()
        return d.data, d.target, list(d.feature_names)
    if name == "breast_cancer":
        d = _sk.load_breast_cancer()
        return d.data, d.target, list(d.feature_names)
    if name == "wine":
        d = _sk.load_wine()
        return d.data, d.target, list(d.feature_names)
    n = 200 if n_samples is None else n_samples
    if name == "moons":
        X, y = _sk.make_moons(n, noise=0.15, random_state=seed)
    elif name == "circles":
        X, y = _sk.make_circles(n, noise=0.08, factor=0.5, random_state=seed)
    elif name == "ad_hoc":
        X, y = ad_hoc(n, n_qubits=ad_hoc_qubits, seed=seed)
    else:
        raise ConfigurationError(
            f"unknown dataset {name!r}; valid: {', '.join(DATASETS)} or a path to a .csv file"
        )
    return X, y, [f"x{i}" for i in range(X.shape[1])]


def load_raw(name: str, n_samples: int | None = None, seed: int | None = 0):
    """Unsplit, unscaled ``(X, y, feature_names)`` of a named dataset or a CSV file.

    ``n_samples`` is the size of a generated dataset (default 200); for a fixed one (bundled
    or CSV) it draws a stratified, seeded subsample.

    Examples
    --------
    >>> X, y, names = load_raw("wine")
    >>> X.shape, names[0]
    ((178, 13), 'alcohol')
    """
    check_seed(seed)
    if str(name).endswith(".csv"):
        X, y, names = _read_csv(Path(name), -1)
    else:
        X, y, names = _raw(name, n_samples, seed)
    if n_samples is not None and name not in GENERATED:
        X, y = _subsample(str(name), X, y, n_samples, seed)
    return X, y, names


def _subsample(name: str, X, y, n_samples: int, seed):
    if not isinstance(n_samples, (int, np.integer)) or not 2 <= n_samples <= len(y):
        raise ConfigurationError(f"n_samples must be between 2 and the {len(y)} samples of "
                                 f"{name!r}; got {n_samples!r}")
    if n_samples == len(y):
        return X, y
    X, _, y, _ = train_test_split(X, y, train_size=n_samples, random_state=seed, stratify=y)
    logger.info("%s: stratified subsample of %d samples", name, n_samples)
    return X, y


def _prepare(name, X, y, feature_names, *, n_features, classes, test_size, seed, scale):
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if not np.isfinite(X).all():
        raise InvalidInputError(f"dataset {name!r} contains NaN or infinite feature values")
    if classes is not None:
        labels = [str(v) for v in np.unique(y)]
        missing = [c for c in classes if str(c) not in labels]
        if missing:
            raise ConfigurationError(f"classes {missing} not in {name!r}; its labels are "
                                     f"{', '.join(labels)}")
        keep = np.isin(y.astype(str), [str(c) for c in classes])
        if len(np.unique(y[keep])) < 2:
            raise InvalidInputError(f"classes={classes!r} selects fewer than two classes")
        X, y = X[keep], y[keep]
    counts = np.unique(y, return_counts=True)
    if len(counts[0]) < 2:
        raise InvalidInputError(f"dataset {name!r} has one class ({counts[0][0]!r}); a "
                                "classifier needs at least two")
    if counts[1].min() < 2:
        lone = counts[0][np.argmin(counts[1])]
        raise InvalidInputError(f"class {lone!r} of {name!r} has one sample; a stratified "
                                "split needs at least two per class")
    try:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=seed,
                                                  stratify=y)
    except ValueError as exc:  # a test or training part smaller than the number of classes
        raise ConfigurationError(f"test_size={test_size!r} cannot split {len(y)} samples of "
                                 f"{len(counts[0])} classes ({exc})") from exc
    if n_features is not None and n_features > X.shape[1]:
        raise ConfigurationError(f"n_features={n_features}: {name!r} has only {X.shape[1]} "
                                 "features (PCA can only reduce)")
    if name == "ad_hoc" and scale is None:  # labels are defined on the raw angles: keep them
        return Dataset(name, X_tr, X_te, y_tr, y_te, list(feature_names))
    reduce = n_features is not None and n_features < X.shape[1]
    pipe = FeaturePipeline(n_components=n_features if reduce else None,
                           feature_range=scale, seed=seed).fit(X_tr)
    names = [f"pc{i + 1}" for i in range(n_features)] if reduce else list(feature_names)
    return Dataset(name, pipe.transform(X_tr), pipe.transform(X_te), y_tr, y_te, names)


def _read_csv(path: Path, target: str | int):
    """Features, labels and feature names of a CSV file, every way it can be unusable one
    ``ResultFileError`` naming the file, the line and the problem."""
    X, targets, names = read_csv_columns(path, target)
    return X, _labels(targets, path), names


def read_csv_columns(path: Path, target: str | int):
    """Features, the target column's text (stripped) and feature names of a CSV file with a
    header row; ``target`` is the target column's name or position. Read bounded in size;
    every way the file can be unusable is one ``ResultFileError`` naming the file, the line
    and the problem.

    Examples
    --------
    >>> import tempfile, os
    >>> path = Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = path.write_text("a,b,y\\n1,2,0.5\\n3,4,1.5\\n")
    >>> X, targets, names = read_csv_columns(path, -1)
    >>> X.tolist(), targets, names
    ([[1.0, 2.0], [3.0, 4.0]], ['0.5', '1.5'], ['a', 'b'])
    """
    import csv

    if not path.exists() and not path.is_symlink():
        raise ConfigurationError(f"CSV file not found: {path}")
    raw = read_bounded(path, MAX_CSV_BYTES, "CSV data file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ResultFileError(f"{path}: not a text file (binary, or not UTF-8); expected a "
                              "CSV file with a header row") from None
    if "\x00" in text:
        raise ResultFileError(f"{path}: contains NUL bytes; expected a text CSV file")
    if text.count("\n") > MAX_CSV_ROWS:
        raise ResultFileError(f"{path}: more than {MAX_CSV_ROWS:,} lines, more samples than "
                              "a circuit simulation trains on; subsample it")
    try:
        rows = [r for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise ResultFileError(f"{path}: not a readable CSV file ({exc})") from exc
    if not rows:
        raise ResultFileError(f"{path}: the file is empty; expected a header row, then one "
                              "row per sample")
    header = [h.strip() for h in rows[0]]
    if len(header) < 2:
        raise ResultFileError(f"{path}: the header has {len(header)} column; expected at "
                              "least one feature column and a label column")
    if len(set(header)) != len(header):
        raise ResultFileError(f"{path}: repeated column names in the header {header}")
    if isinstance(target, str):
        if target not in header:
            raise ConfigurationError(f"{path}: no column {target!r}; columns: {header}")
        col = header.index(target)
    else:
        col = target % len(header)
    body = rows[1:]
    if len(body) < 2:
        raise ResultFileError(f"{path}: {len(body)} data rows; a model needs at least two "
                              "samples")
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ResultFileError(f"{path}, line {line}: {len(row)} values; the header has "
                                  f"{len(header)}")
    names = [h for i, h in enumerate(header) if i != col]
    X = np.empty((len(body), len(names)))
    for line, row in enumerate(body, start=2):
        values = [v for i, v in enumerate(row) if i != col]
        for k, value in enumerate(values):
            try:
                X[line - 2, k] = float(value)
            except ValueError:
                raise ResultFileError(f"{path}, line {line}: feature {names[k]!r} is "
                                      f"{value.strip()!r}, not a number") from None
            if not np.isfinite(X[line - 2, k]):
                raise ResultFileError(f"{path}, line {line}: feature {names[k]!r} is "
                                      f"{value.strip()}; features must be finite numbers")
    return X, [row[col].strip() for row in body], names


def _labels(text: list[str], path: Path) -> np.ndarray:
    """Labels as integers when every label is one (``0``, ``1``, ``2.0``), else as strings."""
    if any(not t for t in text):
        line = 2 + next(i for i, t in enumerate(text) if not t)
        raise ResultFileError(f"{path}, line {line}: the label is empty")
    try:
        numbers = np.array([float(t) for t in text])
    except ValueError:
        return np.array(text)
    if np.isfinite(numbers).all() and (numbers == np.round(numbers)).all():
        return numbers.astype(np.int64)
    return np.array(text)


def load_dataset(name: str, *, n_features: int | None = None, classes=None,
                 n_samples: int | None = None, test_size: float = 0.3, seed: int | None = 0,
                 scale: tuple[float, float] | None = None) -> Dataset:
    """Load a dataset by name (``DATASETS``) or from a ``.csv`` path, split and standardise it.

    Parameters
    ----------
    name : str
        One of ``DATASETS``, or a path to a CSV file (last column is the label).
    n_features : int, optional
        Reduce to this many features with PCA (fitted on the training part). For ``ad_hoc``:
        the dimension of the generated data (its qubits; default 2), which PCA would destroy.
    classes : sequence, optional
        Keep only these labels, e.g. ``[0, 1]`` for two-class iris.
    n_samples : int, optional
        Size of a generated dataset (moons, circles, ad_hoc; default 200); for a bundled
        dataset or a CSV file, a stratified subsample of this size.
    test_size : float
        Fraction held out for testing, stratified.
    seed : int, optional
        Drives the split, subsample, PCA and generated data.
    scale : (low, high), optional
        Also min-max every feature to this range (fitted on the training part). By default
        features are standardised only: a VQC maps them to angles itself. ``ad_hoc`` is
        returned on its raw angles in ``[0, 2 pi)`` unless ``scale`` is given.

    Examples
    --------
    >>> ds = load_dataset("breast_cancer", n_features=4, seed=0)
    >>> ds.X_train.shape[1], ds.feature_names[0], round(float(ds.X_train.mean()), 6) == 0
    (4, 'pc1', True)
    """
    check_seed(seed)
    if str(name).endswith(".csv"):
        return load_csv(name, n_features=n_features, classes=classes, test_size=test_size,
                        seed=seed, scale=scale, n_samples=n_samples)
    if name == "ad_hoc":
        X, y, names = _raw(name, n_samples, seed, ad_hoc_qubits=n_features or 2)
        n_features = None  # already the requested dimension
    else:
        X, y, names = load_raw(name, n_samples, seed)
    return _prepare(name, X, y, names, n_features=n_features, classes=classes,
                    test_size=test_size, seed=seed, scale=scale)


def load_csv(path, *, target: str | int = -1, n_features: int | None = None, classes=None,
             test_size: float = 0.3, seed: int | None = 0,
             scale: tuple[float, float] | None = None, n_samples: int | None = None) -> Dataset:
    """Load a CSV file with a header row: numeric feature columns and one label column
    (``target``: its name or position, the last column by default); split, standardise and
    optionally reduce it as ``load_dataset`` does.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> rows = [f"{i},{i % 3},{i % 2}" for i in range(20)]
    >>> _ = open(path, "w").write("a,b,label\\n" + "\\n".join(rows))
    >>> load_csv(path, seed=0).n_features
    2
    """
    check_seed(seed)
    path = as_path(path, "a CSV file")
    X, y, names = _read_csv(path, target)
    if n_samples is not None:
        X, y = _subsample(path.name, X, y, n_samples, seed)
    return _prepare(path.stem, X, y, names, n_features=n_features, classes=classes,
                    test_size=test_size, seed=seed, scale=scale)
