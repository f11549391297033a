"""The ledger's SQLite file: its schema and identity table, recognising a qlimits ledger (and
refusing any other file untouched, read-only and immutable), creating one atomically, and
upgrading an older one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import uuid
from pathlib import Path

from qml.errors import ConfigurationError, LedgerBusyError, ResultFileError
from qml.files import read_bounded

__all__ = ["tables", "inspect_file", "create_file", "write_schema", "busy_error",
           "add_columns", "SCHEMA", "META", "LOCK_TIMEOUT", "LEDGER_FORMAT",
           "SQLITE_HEADER", "LEGACY_COLUMNS"]

logger = logging.getLogger(__name__)


SCHEMA = """
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


META = """
CREATE TABLE IF NOT EXISTS qlimits_ledger (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


LOCK_TIMEOUT = 10.0  # seconds to wait for another process's write before giving up
LEDGER_FORMAT = "qlimits.ledger"


SQLITE_HEADER = b"SQLite format 3\x00"


LEGACY_COLUMNS = {"id", "job_id", "backend", "kind", "payload_hash", "status", "created",
                   "updated", "result_path", "error"}


def tables(db) -> set[str]:
    """The names of the tables in an open SQLite database."""
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def inspect_file(path: Path) -> str:
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
    header = read_bounded(path, len(SQLITE_HEADER), "job ledger", head=True)
    if header != SQLITE_HEADER:
        what = "empty" if not header else "not an SQLite database"
        raise ResultFileError(f"ledger {path} is not a qlimits job ledger ({what}){refuse}")
    try:
        # immutable: reads the file as it is, creating nothing beside it (no -wal, -shm)
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                             timeout=LOCK_TIMEOUT)
        try:
            names = tables(db)
            meta = (dict(db.execute("SELECT key, value FROM qlimits_ledger").fetchall())
                    if "qlimits_ledger" in names else {})
            columns = {r[1] for r in db.execute("PRAGMA table_info(jobs)")}
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise busy_error(path) from None
        raise ResultFileError(f"ledger {path} cannot be read as a job ledger ({exc})"
                              f"{refuse}") from None
    except sqlite3.DatabaseError as exc:
        raise ResultFileError(f"ledger {path} is damaged or not a job ledger ({exc})"
                              f"{refuse}") from None
    if meta.get("format") == LEDGER_FORMAT:
        return "ledger"
    others = names - {"jobs", "sqlite_sequence"}
    if not meta and not others and LEGACY_COLUMNS <= columns:
        return "ledger"  # written by qlimits 0.2 or earlier
    return_what = (f"holds tables {sorted(names)[:5]}" if names else "holds no tables")
    raise ResultFileError(f"ledger {path} is not a qlimits job ledger (an SQLite database "
                          f"that {return_what}){refuse}")


def create_file(path: Path) -> None:
    """Create a ledger atomically: built whole under a temporary name, then linked to
    ``path`` (which fails if another process created it first: then that one is used), so
    that no process ever sees a half-made ledger."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.creating")
    try:
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            write_schema(db)
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


def write_schema(db) -> None:
    """This version's tables, in WAL mode, with the ledger's format and id (idempotent: a new
    ledger gets them all, an earlier version's the ones it lacks, a current one nothing)."""
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA + META)
    add_columns(db)
    db.executemany("INSERT OR IGNORE INTO qlimits_ledger VALUES (?, ?)",
                   [("format", LEDGER_FORMAT), ("id", uuid.uuid4().hex)])


def busy_error(path: Path) -> LedgerBusyError:
    """The error of a ledger another process holds for longer than ``LOCK_TIMEOUT``."""
    return LedgerBusyError(f"ledger {path} stayed locked by another process for "
                           f"{LOCK_TIMEOUT:g} s; run again when that process has finished, or "
                           "use another ledger ($QLIMITS_LEDGER or --ledger)")


def add_columns(db) -> None:
    """Columns later than qlimits 0.2 (``owner``: claims; ``mode``, ``session_id``: the
    execution mode a job was sent in): added to an older ledger (idempotent)."""
    present = {r[1] for r in db.execute("PRAGMA table_info(jobs)")}
    for column in ("owner", "mode", "session_id"):
        if column in present:
            continue
        try:
            db.execute(f"ALTER TABLE jobs ADD COLUMN {column} TEXT")
        except sqlite3.OperationalError as exc:  # another process added it first
            if "duplicate column" not in str(exc):
                raise
