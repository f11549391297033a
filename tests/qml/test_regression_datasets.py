"""Regression datasets: diabetes, the Fourier series, CSV files with numeric targets; splits
and standardisation; bad files and names in one line."""

import numpy as np
import pytest

from qml.errors import ConfigurationError, InvalidInputError, ResultFileError
from qml.regression_datasets import fourier_series, load_regression


def test_diabetes_is_split_standardised_and_reduced():
    ds = load_regression("diabetes", seed=0)
    assert ds.X_train.shape == (309, 10) and ds.X_test.shape == (133, 10)
    assert np.allclose(ds.X_train.mean(axis=0), 0, atol=1e-12)
    assert ds.feature_names[:2] == ["age", "sex"]
    reduced = load_regression("diabetes", n_features=3, seed=0)
    assert reduced.X_train.shape[1] == 3 and reduced.feature_names == ["pc1", "pc2", "pc3"]
    np.testing.assert_array_equal(reduced.y_train, ds.y_train)  # the same split


def test_the_fourier_series_has_degree_three():
    X, y = fourier_series(400, noise=0.0, seed=2)
    k = np.arange(0, 5)
    design = np.hstack([np.cos(np.outer(X[:, 0], k)), np.sin(np.outer(X[:, 0], k[1:]))])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    assert np.abs(design @ coef - y).max() < 1e-10  # exactly a trigonometric polynomial
    assert abs(coef[4]) < 1e-10 and abs(coef[-1]) < 1e-10  # of degree 3, not 4
    ds = load_regression("fourier", n_samples=50, seed=1)
    assert ds.X_train.shape == (35, 1)
    assert -np.pi <= ds.X_train.min() and ds.X_train.max() < np.pi  # radians, not rescaled


def test_a_csv_file_with_numeric_targets(tmp_path):
    path = tmp_path / "prices.csv"
    rows = [f"{i},{i % 7},{0.5 * i + 1}" for i in range(30)]
    path.write_text("size,rooms,price\n" + "\n".join(rows))
    ds = load_regression(str(path), seed=0)
    assert ds.name == "prices" and ds.feature_names == ["size", "rooms"]
    assert set(np.r_[ds.y_train, ds.y_test]) == {0.5 * i + 1 for i in range(30)}
    path.write_text("size,price\n1,2.0\n2,cheap\n")
    with pytest.raises(ResultFileError, match="line 3: the target is 'cheap'"):
        load_regression(str(path))


def test_bad_names_and_constant_targets_are_one_line(tmp_path):
    with pytest.raises(ConfigurationError, match="unknown regression dataset 'iris'"):
        load_regression("iris")
    path = tmp_path / "flat.csv"
    path.write_text("a,y\n" + "\n".join(f"{i},3" for i in range(10)))
    with pytest.raises(InvalidInputError, match="constant"):
        load_regression(str(path))
    with pytest.raises(ConfigurationError, match="n_features=20"):
        load_regression("diabetes", n_features=20)
