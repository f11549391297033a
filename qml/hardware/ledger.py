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

Owned, and only its own: a ledger file carries a ``qlimits_ledger`` table with its format and
a random id. qlimits opens an existing file as a ledger only when it is one (a ledger of an
earlier version, one ``jobs`` table of the same columns, is recognised and upgraded); any
other file, an SQLite database of the user's included, is refused and never changed.
``Ledger(path, create=False)`` (what ``qlimits jobs`` uses) never creates or upgrades one.
A result file lives in ``results/`` beside the ledger as ``job_<row>_<ledger id>.npz``, and
says inside which ledger, row and payload it belongs to; the ledger stores only its name. A
path read from a ledger row is data: a result is used only when the file is in the results
folder and its stamp matches, and only such a file is ever moved aside.
"""

from __future__ import annotations

import contextlib
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
from qml.hardware.job_results import RESULT_NAME
from qml.hardware.ledger_file import (
    LOCK_TIMEOUT,
    busy_error,
    create_file,
    inspect_file,
    tables,
    write_schema,
)
from qml.paths import default_ledger_path

__all__ = ["process_owner", "owner_state", "payload_hash", "JobRecord", "Claim",
           "Ledger", "hold", "release", "to_json"]

logger = logging.getLogger(__name__)




_COLUMNS = ("id, job_id, backend, kind, payload_hash, status, created, updated, result_path, "
            "error, owner, mode, session_id")
_ADDED = ("owner", "mode", "session_id")  # columns later than qlimits 0.2: NULL in older files


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
    mode: str | None = None
    session_id: str | None = None


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

    def __init__(self, path=None, *, create: bool = True, results_dir=None):
        self.path = Path(path) if path is not None else default_ledger_path()
        self.results_dir = (Path(results_dir) if results_dir is not None
                            else self.path.parent / "results")
        kind = inspect_file(self.path)
        if kind == "missing":
            if not create:
                raise ResultFileError(f"no job ledger at {self.path}: no job was recorded "
                                      "there (set $QLIMITS_LEDGER or --ledger to the one you "
                                      "used)")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigurationError(f"cannot create the job ledger {self.path} "
                                         f"({exc.strerror or exc}); set $QLIMITS_LEDGER or "
                                         "--ledger to a writable place") from None
            create_file(self.path)
        elif create:
            self._initialise()
        with self._connect() as db:  # None only for an earlier version's ledger, read
            self.id = (dict(db.execute("SELECT key, value FROM qlimits_ledger").fetchall())
                       .get("id") if "qlimits_ledger" in tables(db) else None)
            self._present = {r[1] for r in db.execute("PRAGMA table_info(jobs)")}

    def _initialise(self) -> None:
        """Make sure an existing ledger has this version's tables (an earlier version's is
        upgraded in place)."""
        # Switching to WAL while another process opens the same file can report "locked"
        # without waiting on the busy timeout; that moment passes, so try again briefly.
        for attempt in range(50):
            try:
                with self._connect() as db:
                    write_schema(db)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 49:
                    raise ResultFileError(f"ledger {self.path} cannot be opened ({exc})") from exc
                time.sleep(0.02 * (attempt + 1))
            except sqlite3.DatabaseError as exc:  # a damaged file: never touched
                raise ResultFileError(f"ledger {self.path} is not a qlimits job ledger ({exc}); "
                                      "point $QLIMITS_LEDGER or --ledger at another file") from exc

    @contextmanager
    def _connect(self):
        try:
            db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise ResultFileError(f"ledger {self.path} cannot be opened ({exc})") from None
        try:
            yield db
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise busy_error(self.path) from None
            raise ResultFileError(f"ledger {self.path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise ResultFileError(f"ledger {self.path} is damaged or not a qlimits job ledger "
                                  f"({exc})") from None
        finally:
            db.close()

    def result_name(self, row: int) -> str:
        """The file name of a row's result in ``results_dir``."""
        return f"job_{row}_{self.id[:12]}.npz" if self.id else f"job_{row}.npz"

    def result_file(self, record: JobRecord) -> Path | None:
        """The result file of a finished row, or None when it is not usable here.

        A row's ``result_path`` is data: the file must be in ``results_dir`` under this
        row's result-file name (a path elsewhere is never opened, moved or trusted). The stamp
        inside the file is checked when it is read (``load_result``)."""
        if not record.result_path:
            return None
        text = str(record.result_path)
        name = Path(text).name
        match = RESULT_NAME.match(name)
        folder = self.results_dir.resolve()
        candidate = folder / name
        if match is None or int(match[1]) != record.id:
            logger.info("ledger row %d: result path %r is not a result file of this ledger; "
                        "ignored", record.id, text)
            return None
        if Path(text).is_absolute() and Path(text).resolve().parent != folder:
            logger.info("ledger row %d: result path %r is outside the results folder %s; "
                        "ignored (the file is not touched)", record.id, text, folder)
            return None
        if match[2] is not None and match[2] != (self.id or "")[:12]:
            return None  # another ledger's result
        if not candidate.is_file():
            return None
        return candidate

    def set_aside(self, path: Path) -> Path | None:
        """Move a damaged result file of ``results_dir`` aside (``.corrupt``, then
        ``.corrupt.1`` ...: never over an existing file); returns the new path, or None
        when the file is gone or is not in the results folder."""
        path = Path(path)
        if path.resolve().parent != self.results_dir.resolve() or not RESULT_NAME.match(
                path.name):
            return None
        for i in range(1000):
            aside = path.with_name(path.name + (".corrupt" if i == 0 else f".corrupt.{i}"))
            try:
                os.link(path, aside)  # fails if aside exists: never overwrites
            except FileExistsError:
                continue
            except FileNotFoundError:
                return None  # another process set it aside first
            except OSError:  # no hard links here: rename when the name is free
                if aside.exists():
                    continue
                try:
                    path.replace(aside)
                except FileNotFoundError:
                    return None
                return aside
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return aside
        return None

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
        >>> from qml.hardware.job_results import save_result
        >>> path = save_result(ledger.results_dir, first.record.id,
        ...                    {"pub0": np.zeros((1, 1), np.uint8), "pub0_bits": np.array(1)},
        ...                    name=ledger.result_name(first.record.id))
        >>> ledger.update(first.record.id, "done", result_path=path.name)
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
            if r.status == "done" and self.result_file(r) is not None:
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
               result_path: str | None = None, error: str | None = None,
               mode: str | None = None, session_id: str | None = None) -> None:
        """Record a state change (only the fields given change); ``mode`` is the execution
        mode a job was sent in (``job``, ``batch``, ``session``) and ``session_id`` the
        runtime's id of its batch or session."""
        sets, args = ["status = ?", "updated = ?"], [status, time.time()]
        for name, value in (("job_id", job_id), ("result_path", result_path),
                            ("error", error), ("mode", mode), ("session_id", session_id)):
            if value is not None:
                sets.append(f"{name} = ?")
                args.append(value)
        with self._connect() as db:
            db.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", (*args, row))
        logger.debug("ledger row %d: %s%s", row, status, f" (job {job_id})" if job_id else "")

    def _rows(self, where: str = "", args=()) -> list[JobRecord]:
        columns = ", ".join(c if c in self._present or c not in _ADDED else "NULL"
                            for c in _COLUMNS.split(", "))
        with self._connect() as db:
            rows = db.execute(f"SELECT {columns} FROM jobs {where} ORDER BY id",
                              args).fetchall()
        return [JobRecord(*r) for r in rows]

    def latest_session(self, backend: str, mode: str) -> str | None:
        """The runtime id of the batch or session (``mode``) this ledger's latest job on
        ``backend`` was sent in, or None: what a rerun tries to rejoin."""
        rows = self._rows("WHERE backend = ? AND mode = ? AND session_id IS NOT NULL",
                          (backend, mode)) if "mode" in self._present else []
        return rows[-1].session_id if rows else None

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


def to_json(record: JobRecord) -> str:
    """A ledger row as indented JSON text."""
    return json.dumps(record.__dict__, indent=1)
