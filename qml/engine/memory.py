"""Memory budgets and threads: how much a state vector takes, how much is free, the refusal
before allocating what would not fit, how many threads the engine runs, and its thread pools.

Every exact computation (the VQC engine, quantum-volume ideal distributions, the
verification-cost timing) asks here first, so that a width too large for this machine fails
at once with the figure it needs, instead of after minutes or in the kernel's OOM killer.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from qml.errors import ConfigurationError, StateTooLargeError

__all__ = ["default_threads", "gib", "state_bytes", "available_memory", "check_state_memory",
           "check_memory", "WORKING_STATES", "thread_pool"]

logger = logging.getLogger(__name__)

WORKING_STATES = 6  # state vectors one sample needs during a gradient pass


def state_bytes(n_qubits: int) -> int:
    """Bytes of one complex128 state vector of ``n_qubits`` qubits.

    Examples
    --------
    >>> state_bytes(10)
    16384
    """
    return 16 * 2**n_qubits


def gib(n_bytes: int) -> str:
    """Bytes as GiB for a message, whatever their size (a 1,100-qubit state's bytes do not
    fit in a float).

    Examples
    --------
    >>> gib(3 * 2**30), gib(16 * 2**1100)
    ('3 GiB', '2^1074 GiB')
    """
    n_bytes = int(n_bytes)
    if n_bytes.bit_length() > 1000:
        return f"2^{n_bytes.bit_length() - 31} GiB"
    return f"{n_bytes / 2**30:.3g} GiB"


def available_memory() -> int:
    """Bytes of physical memory free now (8 GiB where the system does not say).

    Examples
    --------
    >>> available_memory() > 0
    True
    """
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 2**30


def check_memory(need: int, what: str, advice: str, available: int | None = None) -> None:
    """Refuse, before allocating, ``need`` bytes for ``what`` when they exceed free memory.

    Raises
    ------
    StateTooLargeError
        Naming what needed how much, what is free, and ``advice``.

    Examples
    --------
    >>> check_memory(2**20, "a small table", "")
    >>> check_memory(2**40, "a 1 TiB table", "Ask for less.", available=2**30)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qml.errors.StateTooLargeError: a 1 TiB table needs 1.02e+03 GiB; 1 GiB is available. ...

    """
    available = available_memory() if available is None else available
    logger.debug("%s: %s needed, %s free", what, gib(need), gib(available))
    if need > available:
        raise StateTooLargeError(f"{what} needs {gib(need)}; {gib(available)} is available. "
                                 f"{advice}")


def check_state_memory(n_qubits: int, available: int | None = None,
                       advice: str = "Use fewer qubits (n_qubits with reduction='pca') or a "
                                     "shot-based backend.",
                       states: int = WORKING_STATES) -> None:
    """Refuse, before allocating, a width whose ``states`` working state vectors (complex)
    exceed free memory; ``advice`` ends the message.

    Raises
    ------
    StateTooLargeError
        With the memory the evaluation would need and the memory available.

    Examples
    --------
    >>> check_state_memory(10)
    >>> check_state_memory(30, available=2**30)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qml.errors.StateTooLargeError: an exact 30-qubit evaluation needs at least 96 GiB ...
    """
    need = states * state_bytes(n_qubits)
    available = available_memory() if available is None else available
    logger.debug("%d qubits: %s needed, %s free", n_qubits, gib(need), gib(available))
    if need > available:
        raise StateTooLargeError(
            f"an exact {n_qubits}-qubit evaluation needs at least {gib(need)} "
            f"({states} state vectors of {gib(state_bytes(n_qubits))}); "
            f"{gib(available)} is available. {advice}"
        )


def default_threads() -> int:
    """Threads of the engine: ``QLIMITS_NUM_THREADS``, else the cores this process may use."""
    value = os.environ.get("QLIMITS_NUM_THREADS", "").strip()
    if value:
        try:
            threads = int(value)
        except ValueError:
            threads = 0
        if not 1 <= threads <= 1024:
            raise ConfigurationError(f"QLIMITS_NUM_THREADS={value!r}: give a whole number of "
                                     "threads from 1 to 1024, or unset it (all cores)")
        return threads
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_POOLS: dict = {}
_POOLS_LOCK = threading.Lock()


def thread_pool(threads: int) -> ThreadPoolExecutor:
    """The engine's pool of ``threads`` threads, made once per process and shared by the
    state-vector and the noisy engine (their compiled kernels release the GIL).

    Examples
    --------
    >>> thread_pool(2) is thread_pool(2)
    True
    """
    with _POOLS_LOCK:
        if threads not in _POOLS:
            _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix="qlimits-engine")
        return _POOLS[threads]

