"""QV model circuits: seeded, distinct, and the names that moved to qml.volume still work."""


import circuits.quantum_volume as qv
from circuits.quantum_volume import model_circuits


def test_seed_reproducibility_and_distinct_trials():
    a, b = model_circuits(4, 3, seed=2), model_circuits(4, 3, seed=2)
    assert all(x == y for x, y in zip(a, b))
    assert a[0] != a[1]
    assert model_circuits(4, 1, seed=3)[0] != a[0]
    assert [c.metadata for c in a] == [{"width": 4, "trial": t} for t in range(3)]
    assert all(c.num_qubits == 4 and not c.num_clbits for c in a)


def test_the_names_moved_in_0_2_are_gone_in_0_3():
    """Pure construction: the ideal distributions and heavy outputs live in qml.volume."""
    for name in ("ideal_probabilities", "heavy_outputs"):
        assert not hasattr(qv, name)
