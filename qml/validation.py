"""Input checks shared by qlimits' estimators and experiments (``VQC``, ``QSVC``, quantum
volume, layer fidelity, the CLI's parser): what they accept, the bounds of every count
(``LIMITS``) and seed (``MAX_SEED``), and the one error type (``InvalidInputError``,
``ConfigurationError``, ``NotFittedError``) for what they refuse. scikit-learn is imported
where it is used, so that the command line's parser can read the bounds cheaply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from qml.errors import ConfigurationError, InvalidInputError

__all__ = ["classification_data", "regression_data", "fitted_input", "scored_labels", "check_seed",
           "check_count", "LIMITS", "MAX_SEED", "Rule", "check_params", "count", "seed",
           "one_of", "number_above", "instance_of"]

MAX_SEED = 2**32 - 1  # scikit-learn's and NumPy's legacy range of seeds
LIMITS = {  # every count qlimits loops over has a bound, so that no loop runs for ever
    "maxiter": 1_000_000,
    "shots": 10_000_000,
    "feature_map_reps": 1000,
    "ansatz_reps": 1000,
    "n_qubits": 1000,
    "trials": 100_000,  # quantum-volume circuits per width
    "num_samples": 10_000,  # layer-fidelity sequences per length
    "qv_width": 60,  # the heavy-output test needs the ideal distribution of 2**width outcomes
    "n_landmarks": 1_000_000,  # Nyström landmarks: their Gram matrix is n_landmarks squared
    "max_samples": 1_000_000,  # samples a kernel is trained on: its Gram matrix, squared
    "max_circuits_per_job": 10_000_000,  # IBM's executions per job at one shot
}


def check_seed(seed, name: str = "seed") -> None:
    """A seed is None or a whole number from 0 to ``MAX_SEED``.

    Examples
    --------
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    qml.errors.ConfigurationError: seed must be None or a whole number from 0 to 4294967295; got -1
    """
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or \
            not 0 <= seed <= MAX_SEED:
        raise ConfigurationError(f"{name} must be None or a whole number from 0 to {MAX_SEED}; "
                                 f"got {seed!r}")


def check_count(name: str, value, allow_none: bool = False) -> None:
    """A positive whole number, at most ``LIMITS[name]``.

    Examples
    --------
    >>> check_count("shots", 10**15)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qml.errors.ConfigurationError: shots must be a positive integer, at most 10,000,000; got ...
    """
    if value is None and allow_none:
        return
    most = LIMITS[name]
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or \
            not 1 <= value <= most:
        raise ConfigurationError(f"{name} must be a positive integer, at most {most:,}; got "
                                 f"{value!r}")


def classification_data(estimator, X, y):
    """``(X, y, classes)`` checked for ``fit``: finite floats, matching lengths, at least two
    classes; records ``n_features_in_`` on ``estimator`` (scikit-learn's ``validate_data``).

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> X, y, classes = classification_data(BaseEstimator(), [[0.0], [1.0]], ["a", "b"])
    >>> X.shape, classes.tolist()
    ((2, 1), ['a', 'b'])
    """
    from sklearn.utils.multiclass import check_classification_targets, unique_labels
    from sklearn.utils.validation import validate_data

    try:
        X, y = validate_data(estimator, X, y, dtype=np.float64)
        check_classification_targets(y)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    classes = unique_labels(y)
    if len(classes) < 2:
        raise InvalidInputError(
            f"a classifier needs at least two classes; y has only one class ({classes[0]!r})")
    return X, y, classes


def regression_data(estimator, X, y):
    """``(X, y)`` checked for a regressor's ``fit``: finite floats, one target per sample, at
    least two samples, targets that vary; records ``n_features_in_`` on ``estimator``.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> regression_data(BaseEstimator(), [[0.0], [1.0]], [1.0, 1.0])
    Traceback (most recent call last):
    ...
    qml.errors.InvalidInputError: y is constant (every target is 1.0): there is nothing to regress
    """
    from sklearn.utils.validation import validate_data

    try:
        X, y = validate_data(estimator, X, y, dtype=np.float64, y_numeric=True)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    try:
        y = np.asarray(y, dtype=float)
    except ValueError as exc:
        raise InvalidInputError(f"y must hold numbers (regression targets): {exc}") from exc
    if y.ndim != 1:
        raise InvalidInputError(f"y must hold one target per sample; got shape {y.shape}")
    if len(y) < 2:
        raise InvalidInputError(f"a regressor needs at least two samples; got {len(y)} sample")
    if np.ptp(y) == 0:
        raise InvalidInputError(f"y is constant (every target is {float(y[0])!r}): there is "
                                "nothing to regress")
    return X, y


def fitted_input(estimator, X, attribute: str) -> np.ndarray:
    """``X`` checked for ``predict``: the estimator is fitted (it has ``attribute``) and ``X``
    has the features it was fitted on.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> fitted_input(BaseEstimator(), [[1.0]], "weights_")
    Traceback (most recent call last):
    ...
    qml.errors.NotFittedError: this BaseEstimator is not fitted yet; call fit(X, y) first
    """
    from qml.errors import NotFittedError  # made on first use: it loads scikit-learn

    if not hasattr(estimator, attribute):
        raise NotFittedError(f"this {type(estimator).__name__} is not fitted yet; call "
                             "fit(X, y) first")
    from sklearn.utils.validation import check_is_fitted, validate_data

    check_is_fitted(estimator, attribute)
    try:
        return validate_data(estimator, X, dtype=np.float64, reset=False)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc


def scored_labels(estimator, y, n_samples: int) -> np.ndarray:
    """``y`` checked for ``score``: as many labels as samples, class labels (not continuous
    values), and of the kind the estimator was fitted on (text or numbers), so that a mix is
    qlimits' ``InvalidInputError`` rather than an error from deep inside scikit-learn.
    Labels the estimator never saw are allowed (they count as wrong).

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> est = BaseEstimator(); est.classes_ = np.array([0, 1])
    >>> scored_labels(est, ["a", "b"], 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qml.errors.InvalidInputError: y holds text labels, but this BaseEstimator was fitted on ...
    """
    from sklearn.utils.multiclass import check_classification_targets

    y = np.asarray(y)
    if y.ndim != 1 or len(y) != n_samples:
        raise InvalidInputError(f"y must hold one label per sample: {n_samples} samples, got "
                                f"y of shape {y.shape}")
    try:
        check_classification_targets(y)
    except ValueError as exc:
        raise InvalidInputError(f"y: {exc}") from None
    classes = getattr(estimator, "classes_", None)
    if classes is not None and len(y):
        def kind(values) -> str:
            text = np.asarray(values).dtype.kind in "USO" and any(
                isinstance(v, str) for v in np.ravel(values)[:1000])
            return "text" if text else "number"

        if kind(y) != kind(classes):
            raise InvalidInputError(
                f"y holds {kind(y)} labels, but this {type(estimator).__name__} was fitted on "
                f"{kind(classes)} labels ({list(classes.tolist())[:10]}); score it with labels "
                "of the same kind")
    return y


@dataclass(frozen=True)
class Rule:
    """One parameter's constraint: ``test(value)`` is true for what is accepted, and
    ``expected`` says what that is, in the words of the error message."""

    expected: str
    test: Callable[[Any], bool]


def count(name: str, none: bool = False) -> Rule:
    """A positive whole number up to ``LIMITS[name]`` (or None, with ``none``)."""
    most = LIMITS[name]
    return Rule(f"a positive integer, at most {most:,}" + (", or None" if none else ""),
                lambda v: (none and v is None) or (isinstance(v, (int, np.integer))
                                                    and not isinstance(v, bool)
                                                    and 1 <= v <= most))


def seed() -> Rule:
    """None or a whole number from 0 to ``MAX_SEED``."""
    return Rule(f"None or a whole number from 0 to {MAX_SEED}",
                lambda v: v is None or (isinstance(v, (int, np.integer))
                                        and not isinstance(v, bool) and 0 <= v <= MAX_SEED))


def one_of(*values) -> Rule:
    """One of ``values`` (compared with ``==``; strings and None)."""
    words = ", ".join(repr(v) for v in values)
    return Rule(f"one of {words}", lambda v: any(_same(v, x) for x in values))


def _same(value, option) -> bool:
    if option is None or isinstance(option, bool):
        return value is option
    if isinstance(option, str):
        return isinstance(value, str) and value == option
    return (isinstance(value, (int, np.integer)) and not isinstance(value, bool)
            and value == option)


def number_above(low: float, none: bool = False) -> Rule:
    """A finite number greater than ``low`` (or None, with ``none``)."""
    return Rule(f"a finite number > {low:g}" + (", or None" if none else ""),
                lambda v: (none and v is None) or (isinstance(v, (int, float, np.number))
                                                    and not isinstance(v, bool)
                                                    and bool(np.isfinite(v)) and v > low))


def instance_of(types, expected: str, none: bool = True) -> Rule:
    """An instance of ``types`` (or None, with ``none``), described as ``expected``."""
    return Rule(expected + (" or None" if none else ""),
                lambda v: (none and v is None) or isinstance(v, types))


def check_params(estimator, rules: dict[str, Rule]) -> None:
    """Check every parameter of ``estimator`` against its rule (scikit-learn's
    ``_parameter_constraints``, as a table): the first that fails is a
    ``ConfigurationError`` naming the estimator, the parameter, what it takes and the value.

    Examples
    --------
    >>> class Model:
    ...     maxiter = 0
    >>> check_params(Model(), {"maxiter": count("maxiter")})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qml.errors.ConfigurationError: Model: maxiter must be a positive integer, at most ...; got 0
    """
    for name, rule in rules.items():
        value = getattr(estimator, name)
        if not rule.test(value):
            raise ConfigurationError(f"{type(estimator).__name__}: {name} must be "
                                     f"{rule.expected}; got {value!r}")
