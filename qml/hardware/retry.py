"""Retries of transient failures: network errors, timeouts and server-side (5xx) errors are
tried again with bounded exponential backoff, every retry logged with what was being done."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

__all__ = ["is_transient", "retry"]

logger = logging.getLogger(__name__)


def is_transient(exc: BaseException) -> bool:
    """Network trouble, timeouts and server-side (5xx) errors are worth another try."""
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None),
                                                           "status_code", None)
    if isinstance(status, int) and 500 <= status < 600:
        return True
    name = type(exc).__name__
    return name in ("RequestsApiError", "RuntimeJobTimeoutError", "ConnectTimeout",
                    "ReadTimeout") and not (isinstance(status, int) and status < 500)


def retry(call: Callable, attempts: int = 4, base_delay: float = 1.0,
          sleep: Callable[[float], None] | None = None, what: str = ""):
    """``call()`` with bounded exponential backoff on transient errors (1, 2, 4 s ...);
    every retry is logged (a warning) with ``what`` was being done (a job id, a ledger row).

    Examples
    --------
    >>> calls = []
    >>> def flaky():
    ...     calls.append(1)
    ...     if len(calls) < 3:
    ...         raise ConnectionError("reset")
    ...     return "ok"
    >>> retry(flaky, sleep=lambda s: None), len(calls)
    ('ok', 3)
    """
    for attempt in range(attempts):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - classified, then re-raised unless transient
            if not is_transient(exc) or attempt == attempts - 1:
                raise
            delay = base_delay * 2**attempt
            logger.warning("transient error%s (%s: %s); retry %d of %d in %.3g s",
                           f" {what}" if what else "", type(exc).__name__, exc, attempt + 1,
                           attempts - 1, delay)
            (sleep or time.sleep)(delay)
    raise AssertionError("unreachable")  # pragma: no cover
