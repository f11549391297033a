import numpy as np
import pytest

from qml.datasets import DATASETS, ad_hoc, load_csv, load_dataset
from qml.errors import ConfigurationError, InvalidInputError


@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_loads_scaled_and_stratified(name):
    ds = load_dataset(name, seed=0, n_samples=60)
    assert len(ds.X_train) + len(ds.X_test) == len(ds.y_train) + len(ds.y_test)
    assert np.isfinite(ds.X_train).all()
    if name != "ad_hoc":
        assert ds.X_train.min() == pytest.approx(0) and ds.X_train.max() == pytest.approx(np.pi)
    train_share = np.bincount(np.unique(ds.y_train, return_inverse=True)[1]) / len(ds.y_train)
    test_share = np.bincount(np.unique(ds.y_test, return_inverse=True)[1]) / len(ds.y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.1)


def test_pca_classes_and_seed():
    ds = load_dataset("wine", n_features=3, classes=[0, 2], seed=1)
    assert ds.n_features == 3 and set(ds.y_train) == {0, 2}
    assert ds.feature_names == ["pc1", "pc2", "pc3"]
    again = load_dataset("wine", n_features=3, classes=[0, 2], seed=1)
    np.testing.assert_array_equal(ds.X_test, again.X_test)


def test_ad_hoc_labels_follow_the_gap():
    X, y = ad_hoc(40, n_qubits=2, gap=0.3, seed=3)
    assert X.shape == (40, 2) and np.bincount(y).tolist() == [20, 20]
    assert (X >= 0).all() and (X < 2 * np.pi).all()
    X2, y2 = ad_hoc(40, n_qubits=2, gap=0.3, seed=3)
    np.testing.assert_array_equal(X, X2)


def test_csv(tmp_path):
    path = tmp_path / "data.csv"
    rows = [f"{i * 0.1},{(i * 7) % 5},{'a' if i % 2 else 'b'}" for i in range(30)]
    path.write_text("f1,f2,label\n" + "\n".join(rows))
    ds = load_dataset(str(path), seed=0)
    assert ds.feature_names == ["f1", "f2"] and set(ds.y_train) == {"a", "b"}
    by_name = load_csv(path, target="label", seed=0)
    np.testing.assert_array_equal(by_name.X_train, ds.X_train)
    (tmp_path / "bad.csv").write_text("a,b\n1,x\n2,y\n")
    with pytest.raises(InvalidInputError, match="numeric"):
        load_csv(tmp_path / "bad.csv", target=0)


def test_errors():
    with pytest.raises(ConfigurationError, match="iris, breast_cancer"):
        load_dataset("mnist")
    with pytest.raises(ConfigurationError, match="not found"):
        load_dataset("missing.csv")
    with pytest.raises(InvalidInputError, match="fewer than two"):
        load_dataset("iris", classes=[0])
