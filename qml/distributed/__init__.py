"""Scale-out on Dask (``dask.distributed``): qlimits' one ``scheduler=`` argument, and the
small executor every scaled-out loop runs through.

``scheduler`` takes the same values everywhere (``measure_quantum_volume``, ``compare``,
``VQC``, and ``--scheduler`` on the CLI):

==========================  ===============================================================
value                       what runs where
==========================  ===============================================================
``None`` (default)          in this process, as without Dask
``"local"``, ``"local:N"``  a ``LocalCluster`` of N single-threaded worker processes on this
                            machine (N: the cores this process may use), closed afterwards
``"tcp://HOST:PORT"``       a running cluster (``dask scheduler`` + ``dask worker``); any
                            address Dask understands (``tls://``, ``ucx://``) works
a ``Client``                a client you made; qlimits uses it and leaves it open
==========================  ===============================================================

A scaled-out loop is written once against ``Executor``: ``submit`` tasks, take them back as
they finish with ``completed``. ``Executor.local()`` runs every task in this process when it
is asked for; ``connect(scheduler)`` gives one that sends them to the cluster. Seeds are
fixed before anything is submitted, so the result never depends on the number of workers, on
their order or on a worker that died and whose tasks Dask reran elsewhere.

Every worker counts as one core: qlimits' own threads (the exact engine, Aer) use the
worker's thread count, and the worker processes of a ``LocalCluster`` start with every
thread pool (BLAS, OpenMP, the transpiler's Rust/rayon, qlimits) at one thread per worker
thread, and without Dask's sampling profiler (``WORKER_SETTINGS``: it slows Qiskit's
Python-heavy work by a quarter). Start ``dask worker --nthreads 1`` processes, with
``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False``, for the same on a cluster of your own.

Hardware jobs (``fake:``, ``ibm:``) never go to workers: they are submitted from the client
process through its job ledger, so credentials and ledger writes stay there.
"""

from qml.distributed.executor import (
    DASK_EXTRA,
    THREAD_VARIABLES,
    WORKER_SETTINGS,
    Executor,
    check_scheduler,
    connect,
    connect_timeout,
    describe,
    worker_threads,
)

__all__ = ["DASK_EXTRA", "THREAD_VARIABLES", "WORKER_SETTINGS", "check_scheduler",
           "connect", "Executor", "worker_threads", "describe", "connect_timeout"]
