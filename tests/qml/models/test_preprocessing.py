"""The one feature pipeline, against scikit-learn's steps applied one after another."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from qml.errors import ConfigurationError, InvalidInputError
from qml.models.preprocessing import ANGLE_RANGE, FeaturePipeline, angle_encoder


@pytest.fixture
def data(rng):
    X = rng.normal(size=(40, 5)) * [1, 10, 100, 0.1, 3] + [0, 5, -3, 1, 2]
    return X[:30], X[30:]


@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("n_components", [None, 3])
@pytest.mark.parametrize("feature_range", [None, (0.0, np.pi)])
def test_one_affine_map_equals_the_steps(data, standardize, n_components, feature_range):
    train, test = data
    pipe = FeaturePipeline(n_components, standardize, feature_range, seed=0).fit(train)
    steps = ([StandardScaler()] if standardize else []) + \
        ([PCA(n_components, random_state=0)] if n_components else []) + \
        ([MinMaxScaler(feature_range)] if feature_range else [])
    a, b = train, test
    for step in steps:
        a, b = step.fit_transform(a), step.transform(b)
    np.testing.assert_allclose(pipe.transform(train), a, atol=1e-10)
    np.testing.assert_allclose(pipe.transform(test), b, atol=1e-10)
    assert pipe.matrix_.shape == (5, n_components or 5) and pipe.n_outputs_ == (n_components or 5)


def test_a_scikit_learn_transformer(data):
    train, _ = data
    pipe = FeaturePipeline(2, seed=1)
    assert clone(pipe).get_params() == pipe.get_params()
    assert pipe.fit(train).get_feature_names_out().tolist() == ["pc1", "pc2"]
    assert FeaturePipeline().fit(train).get_feature_names_out().tolist() == [
        "x0", "x1", "x2", "x3", "x4"]
    with pytest.raises(ConfigurationError, match="between 1 and 5"):
        FeaturePipeline(6).fit(train)
    with pytest.raises(ValueError, match="NaN"):
        FeaturePipeline().fit(np.full((3, 2), np.nan))


def test_angle_encoder_from_model_parameters(data):
    train, _ = data
    plain = angle_encoder(5, 5)
    assert (plain.n_components, plain.standardize, plain.feature_range) == (None, False,
                                                                           ANGLE_RANGE)
    angles = plain.fit_transform(train)
    np.testing.assert_allclose([angles.min(), angles.max()], [0, np.pi])
    reduced = angle_encoder(5, 2, reduction="pca", seed=0)
    assert (reduced.n_components, reduced.standardize) == (2, True)
    assert angle_encoder(5, 5, input_scaling=None).feature_range is None
    with pytest.raises(InvalidInputError, match="reduction='pca'"):
        angle_encoder(5, 2)
    with pytest.warns(UserWarning, match="has no effect"):
        angle_encoder(5, 5, reduction="pca")
    with pytest.raises(ConfigurationError, match="reduction must be"):
        angle_encoder(5, 2, reduction="umap")
    with pytest.raises(ConfigurationError, match="input_scaling must be"):
        angle_encoder(5, 5, input_scaling="zscore")
