"""Cache blocking: the plan is a valid reordering in stages of at most L qubits, and the
engine run stage by stage in tiles gives the plain engine's states, expectations and
gradients (which the other engine tests hold to Aer)."""

import numpy as np
import pytest

from circuits import build_classifier, build_readout
from qml.engine import gate_kernels as K
from qml.engine.cache_blocking import LOW_QUBITS, plan, tile_qubits
from qml.engine.statevector import compile_circuit
from tests.conftest import ANSATZE, FEATURE_MAPS


def _random_rows(rng, n_qubits, n_ops):
    rows = []
    for _ in range(n_ops):
        u = rng.uniform()
        if u < 0.05:
            rows.append((K.K_PHASES, 0, 0, 1, 0))
        elif u < 0.5:
            q = int(rng.integers(n_qubits))
            rows.append((K.K_RDENSE1, q, q, 0, 0))
        else:
            a, b = rng.choice(n_qubits, 2, replace=False)
            rows.append((K.K_CX, int(a), int(b), 0, 0))
    return np.array(rows, dtype=np.int64)


def _touches(row, n_qubits):
    if row[0] == K.K_PHASES:
        return set(range(n_qubits))
    return {int(row[1])} if row[0] == K.K_RDENSE1 else {int(row[1]), int(row[2])}


@pytest.mark.parametrize("seed", range(5))
def test_a_plan_keeps_every_qubits_order_and_fits_its_tiles(seed):
    rng = np.random.default_rng(seed)
    n, size = 12, 7
    rows = _random_rows(rng, n, 300)
    p = plan(rows, n, size, start=10)
    assert sorted(p.order) == list(range(10, 300))  # every row once, from start
    for qubit in range(n):  # the operations on each qubit keep their program order
        seq = [k for k in p.order if qubit in _touches(rows[k], n)]
        assert seq == sorted(seq)
    assert p.passes < len(p.order) / 3
    for s in range(len(p.bounds) - 1):
        block = p.order[p.bounds[s]:p.bounds[s + 1]]
        if not p.tiled[s]:
            assert all(rows[k][0] == K.K_PHASES for k in block)
            continue
        # the tile: its runs and bases cover every amplitude exactly once
        run = np.arange(p.run)
        index = (p.bases[s][:, None, None] + p.offsets[s][None, :, None] + run).ravel()
        assert np.array_equal(np.sort(index), np.arange(2**n))
        touched = set().union(*(_touches(rows[k], n) for k in block))
        local = sorted(touched | set(range(LOW_QUBITS)))
        assert len(local) <= size
        for k, row in zip(block, p.ops[p.bounds[s]:p.bounds[s + 1]]):
            assert row[0] == rows[k][0] and row[1] < size and row[2] < size


def test_a_chain_of_gates_runs_in_few_passes():
    rows = np.array([(K.K_RDENSE1, q, q, 0, 0) for q in range(10)]
                    + [(K.K_CX, q, q + 1, 0, 0) for q in range(9)], dtype=np.int64)
    assert plan(rows, 10, None).passes == 19  # the plain program: one pass per gate
    assert plan(rows, 10, 8).passes == 2
    assert tile_qubits(22, 16) == 15 and tile_qubits(22, 8) == 16
    assert tile_qubits(18, 16) is None  # 8 tiles: the plain program is as fast


def _engine(fm, an, n=8):
    cc = build_classifier(fm, an, n_features=n, feature_map_reps=2, ansatz_reps=2)
    obs = build_readout("z_per_class", 3).observables(n, 3)
    return cc, compile_circuit(cc.circuit, cc.inputs, cc.weights, obs)


@pytest.mark.parametrize("fm", FEATURE_MAPS)
@pytest.mark.parametrize("an", ANSATZE)
def test_tiles_give_the_plain_engines_results(fm, an, rng):
    cc, ec = _engine(fm, an)
    X = rng.uniform(0, np.pi, (3, 8))
    W = rng.uniform(-np.pi, np.pi, (2, len(cc.weights)))
    cot = rng.normal(size=(2, 3, 3))
    C = rng.normal(size=(3, 256)) + 1j * rng.normal(size=(3, 256))
    assert ec.tile_qubits is None

    def results():
        return (ec.statevectors(X, W), ec.expectations(X, W), *ec.vjp(X, W, cot, inputs=True),
                *ec.state_vjp(X, W[0], C, inputs=True))

    plain = results()
    ec.tile_qubits = 5  # 8 tiles of 32 amplitudes, runs of 8
    tiled = results()
    for a, b in zip(plain, tiled):
        np.testing.assert_allclose(b, a, atol=1e-12)


def test_tile_qubits_is_checked():
    _, ec = _engine("angle", "real_amplitudes", n=4)
    with pytest.raises(ValueError, match="tile_qubits must be in 2..3"):
        ec.tile_qubits = 4
