"""The ``scheduler=`` argument and the one executor every scaled-out loop runs through
(see ``qml.distributed``)."""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator

from qml.errors import ClusterError, ConfigurationError

__all__ = ["DASK_EXTRA", "THREAD_VARIABLES", "WORKER_SETTINGS", "check_scheduler", "connect",
           "Executor", "worker_threads", "describe", "connect_timeout"]

logger = logging.getLogger(__name__)

DASK_EXTRA = "pip install 'qlimits[dask]'"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "RAYON_NUM_THREADS", "QLIMITS_NUM_THREADS")
# Dask's sampling profiler walks every thread's stack 100 times a second; on Qiskit's deep,
# Python-heavy call stacks that cost 25% of a quantum-volume sweep (benchmarks/SCALE_OUT.md).
# Off on the workers qlimits starts; `dask worker` processes take the same variable.
WORKER_SETTINGS = {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler; QLIMITS_SCHEDULER_TIMEOUT overrides
_LOCAL = re.compile(r"local(?::(\d+))?")
_ADDRESS = re.compile(r"[a-z]+://\S+")


def _dask():
    try:
        import distributed
    except ImportError as exc:
        raise ConfigurationError(
            f"running on a Dask cluster needs dask.distributed: {DASK_EXTRA}") from exc
    return distributed


def check_scheduler(scheduler) -> None:
    """Refuse a ``scheduler`` value that can never work, before any work starts (its form
    only: whether the cluster answers is ``connect``'s to find out).

    Examples
    --------
    >>> check_scheduler(None); check_scheduler("local:2"); check_scheduler("tcp://10.0.0.5:8786")
    >>> try:
    ...     check_scheduler("local:0")
    ... except ConfigurationError as exc:
    ...     print(exc)
    scheduler 'local:0': give at least one worker (local:N with N >= 1)
    """
    if scheduler is None:
        return
    if isinstance(scheduler, str):
        match = _LOCAL.fullmatch(scheduler)
        if match:
            if match.group(1) is not None and int(match.group(1)) < 1:
                raise ConfigurationError(f"scheduler {scheduler!r}: give at least one worker "
                                         "(local:N with N >= 1)")
            return
        if _ADDRESS.fullmatch(scheduler):
            return
        raise ConfigurationError(
            f"scheduler {scheduler!r} is not understood; give 'local', 'local:N', a scheduler "
            "address such as 'tcp://HOST:8786', or a dask.distributed Client")
    if type(scheduler).__name__ == "Client" and hasattr(scheduler, "submit"):
        return
    raise ConfigurationError(f"scheduler must be None, 'local', 'local:N', an address or a "
                             f"dask.distributed Client; got {type(scheduler).__name__}")


def describe(scheduler) -> str:
    """A scheduler as the logs and errors name it.

    Examples
    --------
    >>> describe("local:2"), describe(None)
    ('local:2', 'in-process')
    """
    if scheduler is None:
        return "in-process"
    if isinstance(scheduler, str):
        return scheduler
    return str(getattr(scheduler, "scheduler_address", None) or scheduler)


def worker_threads() -> int | None:
    """Threads the Dask worker running this task may use; None outside a worker (use every
    core).

    Examples
    --------
    >>> worker_threads() is None
    True
    """
    try:
        from distributed import get_worker
    except ImportError:
        return None
    try:
        worker = get_worker()
    except ValueError:
        return None
    return int(worker.state.nthreads)


class Executor:
    """Where the tasks of a scaled-out loop run: in this process (``client`` None: a task runs
    when its result is first asked for) or on a Dask cluster.

    Examples
    --------
    >>> ex = Executor.local()
    >>> futures = [ex.submit(pow, 2, k) for k in range(4)]
    >>> [f.result() for f in ex.completed(futures)]
    [1, 2, 4, 8]
    """

    def __init__(self, client=None, address: str = "in-process"):
        self.client, self.address = client, address
        self._dropped: set = set()

    @classmethod
    def local(cls) -> Executor:
        """The in-process executor."""
        return cls()

    @property
    def distributed(self) -> bool:
        """True when tasks go to a Dask cluster."""
        return self.client is not None

    @property
    def n_workers(self) -> int:
        """Workers now connected (1 in-process)."""
        if self.client is None:
            return 1
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def submit(self, fn: Callable, *args, **kwargs):
        """Run ``fn(*args, **kwargs)`` as a task; returns a future (``.result()``)."""
        if self.client is None:
            return _Deferred(fn, args, kwargs)
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def scatter(self, data):
        """Send ``data`` (a list: each item, spread over the workers) to the cluster once;
        returns what tasks take in its place. The data travels inside a task, which the
        scheduler keeps: if a worker holding it dies, Dask sends it again to another worker
        instead of failing (data placed with ``Client.scatter`` would die with the worker)."""
        if self.client is None:
            return data
        if not isinstance(data, list):
            return self.submit(_identity, data)
        workers = sorted(self.client.scheduler_info().get("workers", {})) or [None]
        return [self.client.submit(_identity, item, pure=False,  # spread, one item each
                                   workers=[workers[i % len(workers)]] if workers[0] else None,
                                   allow_other_workers=True)
                for i, item in enumerate(data)]

    def completed(self, futures: Iterable) -> Iterator:
        """The futures as they finish (in-process: in the order given). A lost scheduler or
        a task that failed for good raises here."""
        futures = list(futures)
        if self.client is None:
            for future in futures:
                if not future.cancelled:
                    future.result()
                    yield future
            return
        from distributed import as_completed

        with self.translated():
            for future in as_completed(futures):
                if future.key in self._dropped:
                    continue  # cancelled here on purpose (an early stop)
                if future.status in ("error", "cancelled"):
                    future.result()  # the task's own error, or the cluster's (translated)
                yield future

    def results(self, futures: Iterable) -> list:
        """Every result, in the order of ``futures``."""
        futures = list(futures)
        done = {id(f): f.result() for f in self.completed(futures)}
        return [done[id(f)] for f in futures]

    def cancel(self, futures: Iterable) -> None:
        """Drop tasks whose results are no longer wanted (in-process: they never run)."""
        if self.client is None:
            for future in futures:
                future.cancelled = True
        else:
            futures = list(futures)
            self._dropped.update(f.key for f in futures)
            self.client.cancel(futures)

    @contextlib.contextmanager
    def translated(self):
        """Dask's errors about the cluster itself become one ``ClusterError`` naming it."""
        from concurrent.futures import CancelledError  # Dask's FutureCancelledError is one

        try:
            yield
        except CancelledError as exc:
            reason = str(exc).split("reason:", 1)[-1].strip().splitlines()[0].rstrip(".")
            raise ClusterError(f"lost the Dask scheduler at {self.address} while work was "
                               f"running ({reason}); results finished before that are kept "
                               "where the command writes them") from exc
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"the Dask scheduler at {self.address} stopped answering "
                               f"({type(exc).__name__}: {exc})") from exc


def _identity(data):
    return data


class _Deferred:
    """An in-process future: the task runs, once, when its result is first asked for."""

    _unset = object()

    def __init__(self, fn, args, kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self._value = self._unset
        self.cancelled = False

    def result(self):
        if self._value is self._unset:
            args = [a.result() if isinstance(a, _Deferred) else a for a in self.args]
            self._value = self.fn(*args, **self.kwargs)
            self.fn = self.args = self.kwargs = None
        return self._value


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _local_cluster(n_workers: int | None):
    from distributed import LocalCluster

    n = n_workers or _cores()
    env = {**dict.fromkeys(THREAD_VARIABLES, "1"), **WORKER_SETTINGS}
    logger.info("starting a LocalCluster of %d single-threaded worker processes", n)
    return LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                        dashboard_address=":0", env=env)  # a free port: no clash


@contextlib.contextmanager
def connect(scheduler) -> Iterator[Executor]:
    """The executor for a ``scheduler`` value; a cluster started here is closed on the way
    out, a ``Client`` given is left open.

    Raises
    ------
    ConfigurationError
        The value is not understood, or ``dask.distributed`` is not installed (the message
        says ``pip install 'qlimits[dask]'``).
    ClusterError
        No scheduler answers at the address, or it was lost during the work.

    Examples
    --------
    >>> with connect(None) as ex:
    ...     ex.distributed
    False
    """
    check_scheduler(scheduler)
    if scheduler is None:
        yield Executor.local()
        return
    distributed = _dask()
    with contextlib.ExitStack() as stack:
        if isinstance(scheduler, str):
            match = _LOCAL.fullmatch(scheduler)
            if match:
                cluster = stack.enter_context(
                    _local_cluster(int(match.group(1)) if match.group(1) else None))
                client = stack.enter_context(distributed.Client(cluster))
            else:
                client = stack.enter_context(_remote_client(distributed, scheduler))
            address = scheduler
        else:
            client, address = scheduler, describe(scheduler)
        from qml.distributed.worker_plugin import ThreadLimits

        client.register_plugin(ThreadLimits())
        logger.info("running on the Dask cluster at %s (%d workers)", address,
                    len(client.scheduler_info().get("workers", {})))
        yield Executor(client, address)


def connect_timeout() -> float:
    """Seconds to wait for a scheduler: ``$QLIMITS_SCHEDULER_TIMEOUT`` or 10.

    Raises
    ------
    ConfigurationError
        When the variable is not a number of seconds above 0 and at most 3600.
    """
    text = os.environ.get("QLIMITS_SCHEDULER_TIMEOUT")
    if not text:
        return CONNECT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:  # NaN and inf too: a connection attempt must end
        raise ConfigurationError(f"QLIMITS_SCHEDULER_TIMEOUT={text!r}: give seconds, more than "
                                 "0 and at most 3600, or unset it (10 s)")
    return value


def _remote_client(distributed, address: str):
    timeout = connect_timeout()
    try:
        return distributed.Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ClusterError(
            f"cannot reach a Dask scheduler at {address} within {timeout:g} s "
            f"({why}); start one with `dask scheduler` and workers with "
            f"`dask worker {address} --nthreads 1`, or check the address") from exc
    except ValueError as exc:
        raise ClusterError(f"scheduler address {address!r} is not usable: {exc}") from exc
