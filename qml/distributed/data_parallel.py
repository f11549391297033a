"""Data-parallel training: a training objective whose sums over samples run on Dask workers.

The training set is cut into chunks of ``CHUNK_SAMPLES`` samples, whatever the number of
workers; the chunks are grouped into one contiguous shard per worker and scattered to the
workers once. Every evaluation sends only the weights: each worker returns the loss sum and
gradient sum of every chunk it holds, and the client adds the chunks in chunk order. The
chunking never depends on the workers, so a fit gives the same weights, bit for bit, on any
number of workers, and the in-process fit's weights to rounding (1e-10 is the tested bound).

The per-chunk work is a task function of the model (``task(model, X, y, n_total, W,
gradient)``, given by the classifier), so this module knows nothing of circuits or losses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

__all__ = ["CHUNK_SAMPLES", "ShardedObjective", "chunk_bounds"]

logger = logging.getLogger(__name__)

CHUNK_SAMPLES = 128  # samples summed together before chunks are added on the client


def chunk_bounds(n_samples: int, chunk: int = CHUNK_SAMPLES) -> list[tuple[int, int]]:
    """``(start, stop)`` of every chunk of a training set.

    Examples
    --------
    >>> chunk_bounds(300, 128)
    [(0, 128), (128, 256), (256, 300)]
    """
    return [(a, min(a + chunk, n_samples)) for a in range(0, n_samples, chunk)]


def _shards(n_chunks: int, n_workers: int) -> list[range]:
    """Contiguous runs of chunks, one per worker (fewer when there are fewer chunks)."""
    edges = np.linspace(0, n_chunks, min(n_workers, n_chunks) + 1).round().astype(int)
    return [range(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _shard_terms(task: Callable, model, shard: dict, W: np.ndarray, gradient: bool):
    """One worker's evaluation: per chunk, the loss sums (and gradient sums) of ``W``."""
    losses, grads = [], []
    for a, b in shard["bounds"]:
        loss, grad = task(model, shard["X"][a:b], shard["y"][a:b], shard["n_total"], W,
                          gradient)
        losses.append(loss)
        grads.append(grad)
    return np.stack(losses), (np.stack(grads) if gradient else None)


class ShardedObjective:
    """The objective protocol of ``qml.models.optimizers`` (``losses(W)``, ``loss_and_grad(w)``)
    over a training set held in shards by the executor's workers.

    Parameters
    ----------
    executor : qml.distributed.Executor
        Where the shards live and the evaluations run.
    task : callable
        ``task(model, X_chunk, y_chunk, n_total, W, gradient)`` returning the chunk's
        contribution to the mean loss of each row of ``W`` (shape ``(len(W),)``) and, with
        ``gradient``, to the gradient of ``W[0]`` (shape ``(n_weights,)``).
    model : object
        Whatever ``task`` needs to evaluate (sent to every worker once).
    X, y : ndarray
        The training inputs and targets, cut into chunks.

    Examples
    --------
    >>> from qml.distributed import Executor
    >>> def task(model, X, y, n, W, gradient):
    ...     r = X @ W.T - y[:, None]                    # (chunk, P)
    ...     g = 2 * X.T @ r[:, 0] / n if gradient else None
    ...     return (r**2).sum(axis=0) / n, g
    >>> X, y = np.arange(600.0).reshape(300, 2) / 300, np.ones(300)
    >>> obj = ShardedObjective(Executor.local(), task, None, X, y)
    >>> loss, grad = obj.loss_and_grad(np.zeros(2))
    >>> float(loss), obj.n_circuits
    (1.0, 300)
    """

    def __init__(self, executor, task: Callable, model, X: np.ndarray, y: np.ndarray,
                 chunk: int = CHUNK_SAMPLES):
        self.executor, self.task = executor, task
        self.n_total = len(X)
        bounds = chunk_bounds(len(X), chunk)
        self.n_chunks = len(bounds)
        self.n_circuits = 0
        self._model = executor.scatter(model)
        shards = []
        for run in _shards(len(bounds), executor.n_workers):
            start, stop = bounds[run[0]][0], bounds[run[-1]][1]
            shards.append({"X": X[start:stop], "y": y[start:stop], "n_total": self.n_total,
                           "bounds": [(a - start, b - start) for a, b in
                                      (bounds[i] for i in run)]})
        self._shards = executor.scatter(shards)  # one per worker, spread across them
        logger.info("training set of %d samples: %d chunks in %d shards on %s", len(X),
                    len(bounds), len(shards), executor.address)

    def _evaluate(self, W: np.ndarray, gradient: bool):
        W = np.atleast_2d(np.asarray(W, dtype=float))
        self.n_circuits += len(W) * self.n_total
        futures = [self.executor.submit(_shard_terms, self.task, self._model, shard, W,
                                        gradient) for shard in self._shards]
        parts = self.executor.results(futures)  # shard (chunk) order, whatever finished first
        losses = np.concatenate([p[0] for p in parts])  # (n_chunks, P)
        grads = np.concatenate([p[1] for p in parts]) if gradient else None
        return losses, grads

    def losses(self, W: np.ndarray) -> np.ndarray:
        """Mean loss of every parameter set (rows of ``W``)."""
        losses, _ = self._evaluate(W, gradient=False)
        return losses.sum(axis=0)

    def loss_and_grad(self, w: np.ndarray):
        """Mean loss of ``w`` and its gradient."""
        losses, grads = self._evaluate(np.asarray(w)[None, :], gradient=True)
        return float(losses.sum(axis=0)[0]), grads.sum(axis=0)
