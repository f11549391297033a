"""Exact fidelity Gram matrices from feature states, in bounded memory.

``K[i, j] = |<phi(x_i)|phi(y_j)>|**2`` needs every feature state once -- but at 20 qubits a
state is 16 MiB, and 500 of them 8 GiB. ``gram`` holds at most ``STATE_MEMORY`` bytes of
states: a block of rows (``held`` states) and a short run of columns streamed past it
(``streamed`` states at a time), each product one BLAS call. Where every state fits, that is
one block and nothing is computed twice; beyond, the columns of later blocks are recomputed
(``block_plan`` says how many), which costs less than the memory it saves: each state is
written in place (``ExactCircuit.write_states``) and the diagonal blocks take half a product
(``zherk``).

On a Dask cluster (``QuantumKernel(scheduler=...)``) the blocks are tasks instead, each
computing its own states (``qml.models.kernel_tasks``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from qml.engine.memory import available_memory

__all__ = ["STATE_MEMORY", "STREAMED", "block_plan", "fidelities", "self_fidelities", "gram"]

logger = logging.getLogger(__name__)

STATE_MEMORY = 3 * 2**30  # bytes of feature states one Gram matrix holds at once, at most
STREAMED = 16  # column states per product when the rows fill the rest

States = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (X, out) -> out, the states of X


def block_plan(n_rows: int, n_cols: int | None, n_qubits: int,
               budget: int | None = None) -> tuple[int, int]:
    """``(held, streamed)``: the row states one block holds and the column states streamed
    past it, within ``budget`` bytes (default ``STATE_MEMORY``, at most half the free
    memory). ``n_cols=None`` is the symmetric Gram matrix of the rows.

    Examples
    --------
    >>> block_plan(500, None, 20, 3 * 2**30)  # 16 MiB a state: 176 held, 16 streamed
    (176, 16)
    >>> block_plan(500, None, 10, 3 * 2**30)  # 16 KiB a state: all at once
    (500, 0)
    """
    budget = min(STATE_MEMORY if budget is None else budget, available_memory() // 2)
    fit = max(2, budget // (16 * 2**n_qubits))
    if n_cols is None:
        if n_rows <= fit:
            return n_rows, 0
        streamed = max(1, min(STREAMED, fit // 8))
        return fit - streamed, streamed
    if n_rows + n_cols <= fit:
        return n_rows, n_cols
    streamed = max(1, min(STREAMED, fit // 8, n_cols))
    return min(n_rows, fit - streamed), streamed


def fidelities(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``|<left_i|right_j>|**2`` by one BLAS call, no copy of the states: ``zgemm`` on their
    Fortran views (``left.T``) gives ``conj(left) @ right.T`` -- the overlaps conjugated,
    which the squared modulus does not see.

    Examples
    --------
    >>> s = np.array([[1, 0], [1, 1]]) / np.array([[1.0], [np.sqrt(2)]])
    >>> fidelities(s.astype(complex), s.astype(complex)).round(6).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    from scipy.linalg.blas import zgemm

    return np.abs(zgemm(1.0, left.T, right.T, trans_a=2)) ** 2


def self_fidelities(states: np.ndarray) -> np.ndarray:
    """``fidelities(states, states)`` at half the cost: ``zherk`` computes the upper
    triangle (its lower one left zero), mirrored into the lower one.

    Examples
    --------
    >>> s = np.array([[1, 0], [1, 1]]) / np.array([[1.0], [np.sqrt(2)]])
    >>> self_fidelities(s.astype(complex)).round(6).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    from scipy.linalg.blas import zherk

    K = np.abs(zherk(1.0, states.T, trans=2))
    K *= K
    K += np.triu(K, 1).T
    return K


def gram(states_of: States, X: np.ndarray, Y: np.ndarray | None, n_qubits: int,
         budget: int | None = None) -> np.ndarray:
    """The fidelity Gram matrix of ``X`` against ``Y`` (``None``: ``X`` itself, symmetric
    with the diagonal its own products), holding the states ``block_plan`` allows.

    Examples
    --------
    >>> def states_of(X, out):  # one qubit, RY(x)|0>
    ...     out[:, 0], out[:, 1] = np.cos(X[:, 0] / 2), np.sin(X[:, 0] / 2)
    ...     return out
    >>> X = np.array([[0.0], [np.pi]])
    >>> gram(states_of, X, None, n_qubits=1).round(6).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    symmetric = Y is None
    source = X if symmetric else Y
    held, streamed = block_plan(len(X), None if symmetric else len(Y), n_qubits, budget)
    dim = 2**n_qubits
    K = np.empty((len(X), len(source)))
    left_buffer = right_buffer = None
    logger.info("exact %d x %d kernel: blocks of %d states, %d streamed past each",
                len(X), len(source), held, streamed)
    for a in range(0, len(X), held):
        rows = slice(a, min(a + held, len(X)))
        left_buffer = _buffer(left_buffer, rows.stop - rows.start, dim)
        left = states_of(X[rows], left_buffer[:rows.stop - rows.start])
        start = rows.start if symmetric else 0
        if symmetric:
            K[rows, rows] = self_fidelities(left)
            start = rows.stop
        step = streamed or len(source)
        for c in range(start, len(source), step):
            cols = slice(c, min(c + step, len(source)))
            right_buffer = _buffer(right_buffer, step, dim)
            right = states_of(source[cols], right_buffer[:cols.stop - cols.start])
            block = fidelities(left, right)
            K[rows, cols] = block
            if symmetric:
                K[cols, rows] = block.T
    return K


def _buffer(buffer: np.ndarray | None, rows: int, dim: int) -> np.ndarray:
    """A reused (rows, dim) complex buffer: states are written into it, not allocated anew."""
    if buffer is not None and len(buffer) >= rows:
        return buffer
    return np.empty((rows, dim), dtype=complex)
