"""QV model circuits: seeded, distinct, and the names that moved to qml.volume still work."""

import numpy as np
import pytest

import circuits.quantum_volume as qv
from circuits.quantum_volume import model_circuits


def test_seed_reproducibility_and_distinct_trials():
    a, b = model_circuits(4, 3, seed=2), model_circuits(4, 3, seed=2)
    assert all(x == y for x, y in zip(a, b))
    assert a[0] != a[1]
    assert model_circuits(4, 1, seed=3)[0] != a[0]
    assert [c.metadata for c in a] == [{"width": 4, "trial": t} for t in range(3)]
    assert all(c.num_qubits == 4 and not c.num_clbits for c in a)


def test_moved_names_warn_and_still_work():
    from qml.volume import heavy_outputs, ideal_probabilities

    with pytest.warns(DeprecationWarning, match="qml.volume.ideal.ideal_probabilities"):
        old = qv.ideal_probabilities
    assert old is ideal_probabilities
    with pytest.warns(DeprecationWarning, match="qml.volume.analysis.heavy_outputs"):
        assert qv.heavy_outputs(np.array([[0.1, 0.9]])).tolist() == \
            heavy_outputs(np.array([[0.1, 0.9]])).tolist()
    with pytest.raises(AttributeError):
        qv.no_such_name  # noqa: B018
