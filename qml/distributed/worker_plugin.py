"""The Dask worker plugin that holds a worker's thread pools to its thread count.

Dask registers only subclasses of its ``WorkerPlugin``, so this module imports Dask; it is
imported only where a Dask client exists (``qml.distributed.executor.connect``), and
``import qml.distributed`` stays free of Dask.
"""

from __future__ import annotations

import os

from distributed.diagnostics.plugin import WorkerPlugin

from qml.distributed.executor import THREAD_VARIABLES

__all__ = ["ThreadLimits", "limit_threads"]


def limit_threads(threads: int) -> None:
    """Hold every thread pool of this (worker) process to ``threads``."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    from threadpoolctl import threadpool_limits  # scikit-learn requires threadpoolctl

    threadpool_limits(threads)  # BLAS and OpenMP pools already loaded


class ThreadLimits(WorkerPlugin):
    """When a worker starts (or the plugin is registered), limit its process's thread pools
    (BLAS, OpenMP, the transpiler's, qlimits') to the worker's thread count."""

    name = "qlimits-thread-limits"
    idempotent = True

    def setup(self, worker) -> None:
        limit_threads(int(worker.state.nthreads))
