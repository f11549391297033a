import numpy as np
import pytest

from qml.datasets import DATASETS, ad_hoc, load_csv, load_dataset, load_raw
from qml.errors import ConfigurationError, InvalidInputError, ResultFileError


@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_loads_standardised_and_stratified(name):
    ds = load_dataset(name, seed=0, n_samples=60)
    assert len(ds.X_train) + len(ds.X_test) == 60 == len(ds.y_train) + len(ds.y_test)
    assert np.isfinite(ds.X_train).all()
    if name != "ad_hoc":  # standardised on the training part
        np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-12)
        np.testing.assert_allclose(ds.X_train.std(axis=0), 1, atol=1e-12)
    train_share = np.bincount(np.unique(ds.y_train, return_inverse=True)[1]) / len(ds.y_train)
    test_share = np.bincount(np.unique(ds.y_test, return_inverse=True)[1]) / len(ds.y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.1)


def test_pca_and_scale_equal_scikit_learn_steps():
    from sklearn.decomposition import PCA
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    ds = load_dataset("wine", n_features=3, classes=[0, 2], seed=1, scale=(0.0, np.pi))
    assert ds.n_features == 3 and set(ds.y_train) == {0, 2}
    assert ds.feature_names == ["pc1", "pc2", "pc3"]
    X, y, _ = load_raw("wine")
    keep = np.isin(y, [0, 2])
    X_tr, X_te, *_ = train_test_split(X[keep], y[keep], test_size=0.3, random_state=1,
                                      stratify=y[keep])
    for step in (StandardScaler(), PCA(3, random_state=1), MinMaxScaler((0, np.pi))):
        X_tr, X_te = step.fit_transform(X_tr), step.transform(X_te)
    np.testing.assert_allclose(ds.X_train, X_tr, atol=1e-12)
    np.testing.assert_allclose(ds.X_test, X_te, atol=1e-12)
    again = load_dataset("wine", n_features=3, classes=[0, 2], seed=1, scale=(0.0, np.pi))
    np.testing.assert_array_equal(ds.X_test, again.X_test)


def test_ad_hoc_labels_follow_the_gap():
    X, y = ad_hoc(40, n_qubits=2, gap=0.3, seed=3)
    assert X.shape == (40, 2) and np.bincount(y).tolist() == [20, 20]
    assert (X >= 0).all() and (X < 2 * np.pi).all()
    X2, y2 = ad_hoc(40, n_qubits=2, gap=0.3, seed=3)
    np.testing.assert_array_equal(X, X2)


def test_every_argument_is_used():
    """n_features sets the ad hoc dimension, classes filter it, n_samples subsamples a fixed
    dataset: nothing is dropped."""
    hoc = load_dataset("ad_hoc", n_features=3, n_samples=40, seed=0)
    assert hoc.n_features == 3 and (hoc.X_train >= 0).all()  # raw angles, not standardised
    assert set(load_dataset("ad_hoc", classes=[0, 1], n_samples=40).y_train) == {0, 1}
    with pytest.raises(InvalidInputError, match="fewer than two"):
        load_dataset("ad_hoc", classes=[1], n_samples=40)
    iris = load_dataset("iris", n_samples=30, seed=0)
    assert len(iris.y_train) + len(iris.y_test) == 30
    assert np.bincount(np.concatenate([iris.y_train, iris.y_test])).tolist() == [10, 10, 10]
    with pytest.raises(ConfigurationError, match="between 2 and the 150 samples"):
        load_dataset("iris", n_samples=500)
    with pytest.raises(ConfigurationError, match="has only 2 features"):
        load_dataset("moons", n_features=4)
    assert load_dataset("moons", n_features=2).feature_names == ["x0", "x1"]


def test_csv(tmp_path):
    path = tmp_path / "data.csv"
    rows = [f"{i * 0.1},{(i * 7) % 5},{'a' if i % 2 else 'b'}" for i in range(30)]
    path.write_text("f1,f2,label\n" + "\n".join(rows))
    ds = load_dataset(str(path), seed=0)
    assert ds.feature_names == ["f1", "f2"] and set(ds.y_train) == {"a", "b"}
    by_name = load_csv(path, target="label", seed=0)
    np.testing.assert_array_equal(by_name.X_train, ds.X_train)
    assert len(load_dataset(str(path), n_samples=10).y_test) == 3
    (tmp_path / "bad.csv").write_text("a,b\n1,x\n2,y\n")
    with pytest.raises(ResultFileError, match="line 2: feature 'b' is 'x', not a number"):
        load_csv(tmp_path / "bad.csv", target=0)


def test_errors():
    with pytest.raises(ConfigurationError, match="iris, breast_cancer"):
        load_dataset("mnist")
    with pytest.raises(ConfigurationError, match="not found"):
        load_dataset("missing.csv")
    with pytest.raises(InvalidInputError, match="fewer than two"):
        load_dataset("iris", classes=[0])
