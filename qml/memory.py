"""Memory budgets: how much a state vector takes, how much is free, and the refusal before
allocating what would not fit.

Every exact computation (the VQC engine, quantum-volume ideal distributions, the
verification-cost timing) asks here first, so that a width too large for this machine fails
at once with the figure it needs, instead of after minutes or in the kernel's OOM killer.
"""

from __future__ import annotations

import logging
import os

from qml.errors import StateTooLargeError

__all__ = ["state_bytes", "available_memory", "check_state_memory", "check_memory",
           "WORKING_STATES"]

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
    logger.debug("%s: %.3g GiB needed, %.3g GiB free", what, need / 2**30, available / 2**30)
    if need > available:
        raise StateTooLargeError(f"{what} needs {need / 2**30:.3g} GiB; "
                                 f"{available / 2**30:.3g} GiB is available. {advice}")


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
    logger.debug("%d qubits: %.3g GiB needed, %.3g GiB free", n_qubits, need / 2**30,
                 available / 2**30)
    if need > available:
        raise StateTooLargeError(
            f"an exact {n_qubits}-qubit evaluation needs at least {need / 2**30:.3g} GiB "
            f"({states} state vectors of {state_bytes(n_qubits) / 2**30:.3g} GiB); "
            f"{available / 2**30:.3g} GiB is available. {advice}"
        )
