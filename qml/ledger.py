"""The job ledger: an SQLite record of every submission, written before it is sent.

Default location ``~/.qlimits/ledger.db``; override with the ``QLIMITS_LEDGER`` environment
variable or ``Ledger(path)``. SQLite in WAL mode with a busy timeout lets several processes
share one ledger. A row is created (status ``pending``) before a job is submitted, gets its job
id as soon as the service returns one, and its status, result path or error on every change.
No credential is ever stored here.

Shared safely: ``Ledger.claim`` decides, in one write transaction, what a process does with a
piece of work (a payload on a backend). A finished result is reused; work that another live
process has claimed (its row names the owner: host, process id, process start time) is waited
for, never submitted twice; a claim whose owner has died is taken over (an ``ibm:`` job that
was submitted is fetched, since it runs on at IBM; a local one is marked ``abandoned`` and run
again). Claims made on another host cannot be checked and count as live.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import psutil

from qml.errors import ConfigurationError, ResultFileError
from qml.results import atomic_write

__all__ = ["Ledger", "JobRecord", "Claim", "payload_hash", "default_ledger_path",
           "save_result", "load_result", "to_json", "process_owner", "owner_state", "hold",
           "release"]

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT,
    backend TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    result_path TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_payload ON jobs (payload_hash, backend);
CREATE INDEX IF NOT EXISTS jobs_job_id ON jobs (job_id);
"""
_COLUMNS = ("id, job_id, backend, kind, payload_hash, status, created, updated, result_path, "
            "error, owner")
_IN_FLIGHT = ("pending", "submitted")
_ACTIVE_ROWS: set[int] = set()  # rows this process is working on now (any thread)
_ACTIVE_LOCK = threading.Lock()


def process_owner(pid: int | None = None) -> str:
    """``host/pid/start time`` of a process (default: this one): names a claim's owner so
    that a later process can tell a live owner from a dead one, and a reused pid from the
    original.

    Examples
    --------
    >>> import os
    >>> process_owner().split("/")[1] == str(os.getpid())
    True
    """
    process = psutil.Process(pid)
    return f"{socket.gethostname()}/{process.pid}/{process.create_time():.3f}"


def owner_state(owner: str | None) -> str:
    """``"self"``, ``"live"`` (another process, or another host: cannot be checked),
    ``"gone"``, or ``"unknown"`` (a row of a qlimits version before claims).

    Examples
    --------
    >>> owner_state(process_owner()), owner_state(None)
    ('self', 'unknown')
    """
    if not owner:
        return "unknown"
    host, _, rest = owner.partition("/")
    pid, _, started = rest.partition("/")
    if host != socket.gethostname():
        return "live"
    if owner == process_owner():
        return "self"
    try:
        return "live" if process_owner(int(pid)) == owner else "gone"
    except (psutil.Error, ValueError):
        return "gone"


def default_ledger_path() -> Path:
    """``$QLIMITS_LEDGER`` or ``~/.qlimits/ledger.db``."""
    return Path(os.environ.get("QLIMITS_LEDGER", Path.home() / ".qlimits" / "ledger.db"))


def payload_hash(circuits, values, shots, settings: dict | None = None) -> str:
    """A stable hash of what a job computes: circuits (as text), parameter values, shots, and
    ``settings`` that change its result (a simulator seed, sampler options). The backend is
    the ledger's own column. Without settings the hash is that of earlier qlimits versions.

    Examples
    --------
    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(1); _ = qc.h(0)
    >>> payload_hash([qc], np.zeros((2, 0)), 100) == payload_hash([qc], np.zeros((2, 0)), 100)
    True
    >>> payload_hash([qc], [], 100, {"seed": 1}) == payload_hash([qc], [], 100, {"seed": 2})
    False
    """
    h = hashlib.sha256()
    if settings:
        h.update(json.dumps(settings, sort_keys=True, default=repr).encode())
    for c in circuits:
        h.update(str(c.draw(output="text", fold=-1)).encode())
    h.update(np.ascontiguousarray(np.asarray(values, dtype=float)).tobytes())
    h.update(str(np.shape(values)).encode() + str(shots).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class JobRecord:
    """One ledger row."""

    id: int
    job_id: str | None
    backend: str
    kind: str
    payload_hash: str
    status: str
    created: float
    updated: float
    result_path: str | None
    error: str | None
    owner: str | None = None


@dataclass(frozen=True)
class Claim:
    """What ``Ledger.claim`` decided for a piece of work.

    ``action`` is ``"reuse"`` (``record`` is done, its result file exists), ``"wait"``
    (``record`` is in flight in another live process), ``"fetch"`` (``record`` is an ``ibm:``
    job in flight whose owner is gone: now this process's to fetch) or ``"submit"``
    (``record`` is a new ``pending`` row owned by this process).
    """

    action: str
    record: JobRecord


class Ledger:
    """SQLite job ledger, safe to share between processes.

    Examples
    --------
    >>> import tempfile, os
    >>> ledger = Ledger(os.path.join(tempfile.mkdtemp(), "ledger.db"))
    >>> row = ledger.record("training_step", "fake:fake_lima", "abc")
    >>> ledger.update(row, "done", job_id="job-1", result_path="/tmp/r.npz")
    >>> ledger.get(row).status, ledger.find("job-1").id == row
    ('done', True)
    """

    def __init__(self, path=None, *, create: bool = True):
        self.path = Path(path) if path is not None else default_ledger_path()
        if not create and not self.path.is_file():
            raise ResultFileError(f"no job ledger at {self.path}: no job was recorded there "
                                  "(set $QLIMITS_LEDGER or --ledger to the one you used)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Switching to WAL while another process opens the same file can report "locked"
        # without waiting on the busy timeout; that moment passes, so try again briefly.
        for attempt in range(50):
            try:
                with self._connect() as db:
                    db.execute("PRAGMA journal_mode=WAL")
                    db.executescript(_SCHEMA)
                    _add_owner_column(db)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 49:
                    raise ResultFileError(f"ledger {self.path} cannot be opened ({exc})") from exc
                time.sleep(0.02 * (attempt + 1))
            except sqlite3.DatabaseError as exc:  # not SQLite, or a damaged file: never touched
                raise ResultFileError(f"ledger {self.path} is not a qlimits job ledger ({exc}); "
                                  "point $QLIMITS_LEDGER or --ledger at another file") from exc

    @contextmanager
    def _connect(self):
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    def record(self, kind: str, backend: str, payload: str) -> int:
        """Create a ``pending`` row, owned by this process, before submission; returns its id.
        ``claim`` does this only when no other process has the same work."""
        with self._connect() as db:
            row = _insert(db, kind, backend, payload)
        logger.info("ledger row %d: %s job on %s recorded before submission", row, kind, backend)
        return row

    def claim(self, kind: str, backend: str, payload: str) -> Claim:
        """Decide, atomically across processes, what to do with a piece of work.

        In one write transaction: the latest finished row whose result file exists is reused;
        else an in-flight row of a live process is waited for; an in-flight ``ibm:`` job whose
        owner is gone (or is this process, after an interruption) is taken over to be fetched;
        other in-flight rows of dead owners are marked ``abandoned``; and when nothing is left,
        a new ``pending`` row owned by this process is the claim to submit.

        Examples
        --------
        >>> import tempfile, os
        >>> folder = tempfile.mkdtemp()
        >>> ledger = Ledger(os.path.join(folder, "ledger.db"))
        >>> first = ledger.claim("bell", "fake:fake_lima", "abc")
        >>> hold(first.record.id)  # being worked on (here by this process)
        >>> first.action, ledger.claim("bell", "fake:fake_lima", "abc").action
        ('submit', 'wait')
        >>> path = save_result(folder, first.record.id, {"pub0": np.zeros((1, 1), np.uint8),
        ...                                              "pub0_bits": np.array(1)})
        >>> ledger.update(first.record.id, "done", result_path=str(path))
        >>> release(first.record.id)
        >>> ledger.claim("bell", "fake:fake_lima", "abc").action
        'reuse'
        """
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")  # one writer decides at a time
            try:
                claim = self._decide(db, kind, backend, payload)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        if claim.action == "submit":
            logger.info("ledger row %d: %s job on %s recorded before submission",
                        claim.record.id, kind, backend)
        return claim

    def _decide(self, db, kind: str, backend: str, payload: str) -> Claim:
        rows = [JobRecord(*r) for r in db.execute(
            f"SELECT {_COLUMNS} FROM jobs WHERE payload_hash = ? AND backend = ? "
            "ORDER BY id DESC", (payload, backend))]
        for r in rows:
            if r.status == "done" and r.result_path and Path(r.result_path).exists():
                return Claim("reuse", r)
        me = process_owner()
        for r in rows:
            if r.status not in _IN_FLIGHT:
                continue
            state = owner_state(r.owner)
            with _ACTIVE_LOCK:
                busy = r.id in _ACTIVE_ROWS
            if state == "live" or (state == "self" and busy):
                return Claim("wait", r)
            if r.status == "submitted" and r.job_id and backend.startswith("ibm:"):
                # it runs on at IBM whatever became of its owner: fetch, never resubmit
                db.execute("UPDATE jobs SET owner = ?, updated = ? WHERE id = ?",
                           (me, time.time(), r.id))
                logger.info("ledger row %d: job %s is in flight and its owner (%s) is gone; "
                            "taking it over to fetch it", r.id, r.job_id, r.owner or "unknown")
                return Claim("fetch", replace(r, owner=me))
            if state != "unknown":  # a local job, or one never sent, died with its owner
                why = (f"its owner {r.owner} ended before it finished" if state == "gone" else
                       "interrupted earlier in this process")
                db.execute("UPDATE jobs SET status = 'abandoned', error = ?, updated = ? "
                           "WHERE id = ?", (why, time.time(), r.id))
                logger.warning("ledger row %d: %s; running the work again", r.id, why)
        row = _insert(db, kind, backend, payload, me)
        return Claim("submit", JobRecord(*db.execute(
            f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (row,)).fetchone()))

    def update(self, row: int, status: str, *, job_id: str | None = None,
               result_path: str | None = None, error: str | None = None) -> None:
        """Record a state change (only the fields given change)."""
        sets, args = ["status = ?", "updated = ?"], [status, time.time()]
        for name, value in (("job_id", job_id), ("result_path", result_path),
                            ("error", error)):
            if value is not None:
                sets.append(f"{name} = ?")
                args.append(value)
        with self._connect() as db:
            db.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", (*args, row))
        logger.debug("ledger row %d: %s%s", row, status, f" (job {job_id})" if job_id else "")

    def _rows(self, where: str = "", args=()) -> list[JobRecord]:
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM jobs {where} ORDER BY id",
                              args).fetchall()
        return [JobRecord(*r) for r in rows]

    def get(self, row: int) -> JobRecord | None:
        """The row with this id, or None."""
        if not isinstance(row, (int, np.integer)) or not 0 <= row < 2**63:
            return None  # not a row number SQLite could hold
        rows = self._rows("WHERE id = ?", (int(row),))
        return rows[0] if rows else None

    def find(self, job_id: str) -> JobRecord | None:
        """The latest row of a job id, or None."""
        rows = self._rows("WHERE job_id = ?", (job_id,))
        return rows[-1] if rows else None

    def list(self, limit: int | None = None) -> list[JobRecord]:
        """Every row in order, or the last ``limit`` (a positive number)."""
        if limit is not None and (not isinstance(limit, (int, np.integer)) or limit < 1):
            raise ConfigurationError(f"limit must be a positive number of rows; got {limit!r}")
        rows = self._rows()
        return rows if limit is None else rows[-limit:]



def _add_owner_column(db) -> None:
    """Ledgers written before claims lack the ``owner`` column: add it (idempotent)."""
    if "owner" not in {r[1] for r in db.execute("PRAGMA table_info(jobs)")}:
        try:
            db.execute("ALTER TABLE jobs ADD COLUMN owner TEXT")
        except sqlite3.OperationalError as exc:  # another process added it first
            if "duplicate column" not in str(exc):
                raise


def _insert(db, kind: str, backend: str, payload: str, owner: str | None = None) -> int:
    now = time.time()
    cur = db.execute(
        "INSERT INTO jobs (backend, kind, payload_hash, status, created, updated, owner) "
        "VALUES (?, ?, ?, 'pending', ?, ?, ?)",
        (backend, kind, payload, now, now, owner or process_owner()))
    return int(cur.lastrowid)


def hold(row: int) -> None:
    """Mark a row as worked on by this process now (other threads wait for it)."""
    with _ACTIVE_LOCK:
        _ACTIVE_ROWS.add(row)


def release(row: int) -> None:
    """The row is no longer worked on by this process."""
    with _ACTIVE_LOCK:
        _ACTIVE_ROWS.discard(row)


def save_result(folder: Path, row: int, arrays: dict) -> Path:
    """Write a job's result arrays (NPZ) atomically; returns the path."""
    path = atomic_write(Path(folder) / f"job_{row}.npz", lambda f: np.savez(f, **arrays))
    logger.info("ledger row %d: result written to %s", row, path)
    return path


def load_result(path) -> list[tuple[np.ndarray, int]]:
    """A job's result arrays written by ``save_result``: ``(packed bits, number of bits)`` of
    every pub, checked; a missing, truncated or foreign file is one ``ResultFileError``.

    Examples
    --------
    >>> import tempfile
    >>> path = save_result(tempfile.mkdtemp(), 1, {"pub0": np.zeros((4, 1), np.uint8),
    ...                                            "pub0_bits": np.array(3)})
    >>> [(a.shape, bits) for a, bits in load_result(path)]
    [((4, 1), 3)]
    """
    import zipfile

    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise ResultFileError(f"{path}: no such result file") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ResultFileError(f"{path}: not a readable result file ({type(exc).__name__}: "
                              f"{exc}); it may be truncated") from None
    pubs = []
    for i in range(len([k for k in arrays if not k.endswith("_bits")])):
        bits, n = arrays.get(f"pub{i}"), arrays.get(f"pub{i}_bits")
        if bits is None or n is None or n.shape != () or bits.dtype != np.uint8 or bits.ndim < 2:
            raise ResultFileError(f"{path}: pub {i} is missing or malformed (expected packed "
                                  "uint8 bits and their count)")
        if not 0 < int(n) <= 8 * bits.shape[-1]:
            raise ResultFileError(f"{path}: pub {i} claims {int(n)} bits in "
                                  f"{bits.shape[-1]} bytes")
        pubs.append((bits, int(n)))
    if not pubs:
        raise ResultFileError(f"{path}: holds no results")
    return pubs


def to_json(record: JobRecord) -> str:
    """A ledger row as indented JSON text."""
    return json.dumps(record.__dict__, indent=1)
