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
import re
import socket
import sqlite3
import stat
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import psutil

from qml.errors import ConfigurationError, LedgerBusyError, ResultFileError
from qml.files import atomic_write, read_bounded
from qml.paths import default_ledger_path

__all__ = ["Ledger", "JobRecord", "Claim", "payload_hash", "default_ledger_path",
           "save_result", "load_result", "to_json", "process_owner", "owner_state", "hold",
           "release", "LEDGER_FORMAT", "LOCK_TIMEOUT"]

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
_META = """
CREATE TABLE IF NOT EXISTS qlimits_ledger (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
LEDGER_FORMAT = "qlimits.ledger"
LOCK_TIMEOUT = 10.0  # seconds to wait for another process's write before giving up
MAX_RESULT_BYTES = 2 * 2**30  # a result file of a job: packed bits of every shot
_SQLITE_HEADER = b"SQLite format 3\x00"
_LEGACY_COLUMNS = {"id", "job_id", "backend", "kind", "payload_hash", "status", "created",
                   "updated", "result_path", "error"}
_RESULT_NAME = re.compile(r"^job_(\d+)(?:_([0-9a-f]{12}))?\.npz$")
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

    def __init__(self, path=None, *, create: bool = True, results_dir=None):
        self.path = Path(path) if path is not None else default_ledger_path()
        self.results_dir = (Path(results_dir) if results_dir is not None
                            else self.path.parent / "results")
        kind = _inspect(self.path)
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
            _create(self.path)
        elif create:
            self._initialise()
        with self._connect() as db:  # None only for an earlier version's ledger, read
            self.id = (dict(db.execute("SELECT key, value FROM qlimits_ledger").fetchall())
                       .get("id") if "qlimits_ledger" in _tables(db) else None)
            self._has_owner = "owner" in {r[1] for r in db.execute("PRAGMA table_info(jobs)")}

    def _initialise(self) -> None:
        """Make sure an existing ledger has this version's tables (an earlier version's is
        upgraded in place)."""
        # Switching to WAL while another process opens the same file can report "locked"
        # without waiting on the busy timeout; that moment passes, so try again briefly.
        for attempt in range(50):
            try:
                with self._connect() as db:
                    _write_schema(db)
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
                raise _busy(self.path) from None
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
        match = _RESULT_NAME.match(name)
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
        if path.resolve().parent != self.results_dir.resolve() or not _RESULT_NAME.match(
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
        columns = _COLUMNS if self._has_owner else _COLUMNS.replace(", owner", ", NULL")
        with self._connect() as db:
            rows = db.execute(f"SELECT {columns} FROM jobs {where} ORDER BY id",
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



def _tables(db) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _inspect(path: Path) -> str:
    """``"missing"``, or ``"ledger"`` for a file that is a qlimits job ledger (this version's
    or an earlier one's); anything else is refused with a ``ResultFileError`` and left as it
    is: a FIFO, a device, a folder, a file that is not SQLite, a user's own database."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ResultFileError(f"ledger {path} is a broken link; point $QLIMITS_LEDGER or "
                                  "--ledger at another file") from None
        return "missing"
    except OSError as exc:
        raise ResultFileError(f"ledger {path} cannot be read ({exc.strerror or exc})") from None
    refuse = ("; qlimits leaves it as it is: point $QLIMITS_LEDGER or --ledger at another "
              "file")
    if not stat.S_ISREG(info.st_mode):
        raise ResultFileError(f"ledger {path} is not a regular file{refuse}")
    header = read_bounded(path, len(_SQLITE_HEADER), "job ledger", head=True)
    if header != _SQLITE_HEADER:
        what = "empty" if not header else "not an SQLite database"
        raise ResultFileError(f"ledger {path} is not a qlimits job ledger ({what}){refuse}")
    try:
        # immutable: reads the file as it is, creating nothing beside it (no -wal, -shm)
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                             timeout=LOCK_TIMEOUT)
        try:
            tables = _tables(db)
            meta = (dict(db.execute("SELECT key, value FROM qlimits_ledger").fetchall())
                    if "qlimits_ledger" in tables else {})
            columns = {r[1] for r in db.execute("PRAGMA table_info(jobs)")}
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _busy(path) from None
        raise ResultFileError(f"ledger {path} cannot be read as a job ledger ({exc})"
                              f"{refuse}") from None
    except sqlite3.DatabaseError as exc:
        raise ResultFileError(f"ledger {path} is damaged or not a job ledger ({exc})"
                              f"{refuse}") from None
    if meta.get("format") == LEDGER_FORMAT:
        return "ledger"
    others = tables - {"jobs", "sqlite_sequence"}
    if not meta and not others and _LEGACY_COLUMNS <= columns:
        return "ledger"  # written by qlimits 0.2 or earlier
    return_what = (f"holds tables {sorted(tables)[:5]}" if tables else "holds no tables")
    raise ResultFileError(f"ledger {path} is not a qlimits job ledger (an SQLite database "
                          f"that {return_what}){refuse}")


def _create(path: Path) -> None:
    """Create a ledger atomically: built whole under a temporary name, then linked to
    ``path`` (which fails if another process created it first: then that one is used), so
    that no process ever sees a half-made ledger."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.creating")
    try:
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            _write_schema(db)
        finally:
            db.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            logger.debug("ledger %s was created by another process meanwhile", path)
        except OSError:  # no hard links on this file system
            if not path.exists():
                os.replace(tmp, path)
    except sqlite3.Error as exc:
        raise ResultFileError(f"cannot create the job ledger {path} ({exc})") from None
    except OSError as exc:
        raise ConfigurationError(f"cannot create the job ledger {path} ({exc.strerror or exc});"
                                 " set $QLIMITS_LEDGER or --ledger to a writable place") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _write_schema(db) -> None:
    """This version's tables, in WAL mode, with the ledger's format and id (idempotent: a new
    ledger gets them all, an earlier version's the ones it lacks, a current one nothing)."""
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_SCHEMA + _META)
    _add_owner_column(db)
    db.executemany("INSERT OR IGNORE INTO qlimits_ledger VALUES (?, ?)",
                   [("format", LEDGER_FORMAT), ("id", uuid.uuid4().hex)])


def _busy(path: Path) -> LedgerBusyError:
    return LedgerBusyError(f"ledger {path} stayed locked by another process for "
                           f"{LOCK_TIMEOUT:g} s; run again when that process has finished, or "
                           "use another ledger ($QLIMITS_LEDGER or --ledger)")


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


def save_result(folder: Path, row: int, arrays: dict, *, name: str | None = None,
                stamp: dict | None = None) -> Path:
    """Write a job's result arrays (NPZ) atomically as ``folder/name`` (default
    ``job_<row>.npz``); ``stamp`` (which ledger, row and payload it belongs to) is stored
    beside them and checked by ``load_result``. Returns the path."""
    if stamp is not None:
        arrays = {**arrays, "_stamp": np.array(json.dumps(stamp, sort_keys=True))}
    path = atomic_write(Path(folder) / (name or f"job_{row}.npz"),
                        lambda f: np.savez(f, **arrays))
    logger.info("ledger row %d: result written to %s", row, path)
    return path


def load_result(path, stamp: dict | None = None) -> list[tuple[np.ndarray, int]]:
    """A job's result arrays written by ``save_result``: ``(packed bits, number of bits)`` of
    every pub, checked; a missing, truncated, foreign or oversized file, or one whose stamp
    differs from ``stamp`` (another ledger's, row's or payload's result), is one
    ``ResultFileError``.

    Examples
    --------
    >>> import tempfile
    >>> path = save_result(tempfile.mkdtemp(), 1, {"pub0": np.zeros((4, 1), np.uint8),
    ...                                            "pub0_bits": np.array(3)})
    >>> [(a.shape, bits) for a, bits in load_result(path)]
    [((4, 1), 3)]
    """
    import io
    import zipfile

    path = Path(path)
    raw = io.BytesIO(read_bounded(path, MAX_RESULT_BYTES, "result file"))
    try:
        with zipfile.ZipFile(raw) as archive:  # refuse a zip bomb before inflating it
            if sum(i.file_size for i in archive.infolist()) > MAX_RESULT_BYTES:
                raise ResultFileError(f"{path}: expands to more than a result file holds")
        raw.seek(0)
        with np.load(raw, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except ResultFileError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ResultFileError(f"{path}: not a readable result file ({type(exc).__name__}: "
                              f"{exc}); it may be truncated") from None
    found = arrays.pop("_stamp", None)
    if stamp is not None and found is not None:
        try:
            found = json.loads(str(found))
        except ValueError:
            found = None
        if not isinstance(found, dict) or any(k in found and found[k] != v
                                              for k, v in stamp.items()):
            raise ResultFileError(f"{path}: belongs to another ledger, row or job "
                                  f"({found}), not to {stamp}")
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
