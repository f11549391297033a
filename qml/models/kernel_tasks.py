"""Exact Gram matrices as tasks on a Dask cluster (``QuantumKernel(scheduler=...)``).

The matrix is cut into square blocks -- the upper triangle's for a symmetric one -- and each
block is one task: the worker computes its rows' and columns' feature states with its own
compiled engine (compiled once per worker process) and their fidelities
(``qml.models.exact_gram``). Blocks are small enough for the state budget of one task, and
numerous enough to keep every worker busy (at least two per worker). A block's states are
computed by every task that needs them: the cluster trades repeated state work for
parallelism. The assembled matrix equals the in-process one to rounding (the products are
grouped differently).
"""

from __future__ import annotations

import logging
import math

import numpy as np

from qml.distributed import connect, describe
from qml.models.exact_gram import block_plan

__all__ = ["cluster_gram", "gram_block", "block_sides"]

logger = logging.getLogger(__name__)


def block_sides(n_rows: int, n_cols: int | None, n_qubits: int, n_workers: int) -> int:
    """Rows (and columns) per block: at least two blocks per worker, each within the state
    budget (``exact_gram.block_plan``) with its rows and columns together.

    Examples
    --------
    >>> block_sides(100, None, 4, n_workers=2)  # 3 x 3 blocks: 6 tasks in the upper triangle
    34
    """
    wanted = 2 * max(1, n_workers)
    k = 1
    if n_cols is None:
        while k * (k + 1) // 2 < wanted and k < n_rows:
            k += 1
    else:
        while k * k < wanted and k < max(n_rows, n_cols):
            k += 1
    side = math.ceil(max(n_rows, n_cols or 0) / k)
    held, _ = block_plan(2**62, None, n_qubits)
    return max(1, min(side, held // 2))


def gram_block(settings: dict, A: np.ndarray, B: np.ndarray | None) -> np.ndarray:
    """One task: the exact fidelity block of (already scaled) inputs ``A`` against ``B``
    (``None``: a diagonal block, ``A`` against itself), from a ``QuantumKernel`` of these
    ``settings`` at bandwidth 1.

    Examples
    --------
    >>> A = np.array([[0.1, 0.2], [0.3, 0.4]])
    >>> gram_block({"feature_map": "zz", "feature_map_reps": 1, "n_qubits": 2}, A, None)[0, 0]
    np.float64(1.0)
    """
    from qml.models.quantum_kernel import QuantumKernel

    return QuantumKernel(**settings, bandwidth=1.0).evaluate(A, B)


def cluster_gram(scheduler, settings: dict, X: np.ndarray, Y: np.ndarray | None,
                 n_qubits: int) -> tuple[np.ndarray, int]:
    """The exact Gram matrix of scaled inputs ``X`` against ``Y`` (``None``: ``X``), one task
    per block on ``scheduler``; returns it with the number of feature states computed."""
    symmetric = Y is None
    source = X if symmetric else Y
    with connect(scheduler) as executor:
        side = block_sides(len(X), None if symmetric else len(Y), n_qubits,
                           executor.n_workers)
        blocks, futures = [], []
        for a in range(0, len(X), side):
            rows = slice(a, min(a + side, len(X)))
            for c in range(a if symmetric else 0, len(source), side):
                cols = slice(c, min(c + side, len(source)))
                diagonal = symmetric and c == a
                blocks.append((rows, cols))
                futures.append(executor.submit(gram_block, settings, X[rows],
                                               None if diagonal else source[cols]))
        logger.info("exact %d x %d kernel on %s: %d blocks of up to %d x %d", len(X),
                    len(source), describe(scheduler), len(blocks), side, side)
        K = np.empty((len(X), len(source)))
        states = 0
        for (rows, cols), block in zip(blocks, executor.results(futures)):
            K[rows, cols] = block
            if symmetric and cols != rows:
                K[cols, rows] = block.T
            states += (rows.stop - rows.start) + (0 if symmetric and cols == rows
                                                  else cols.stop - cols.start)
    return K, states
