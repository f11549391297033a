"""Files qlimits reads and writes: one atomic writer, one bounded reader, and the check that
a file a command is about to replace is one qlimits wrote.

* ``atomic_write(path, content)``: a crash leaves the old file or the new one, never half of
  one; the temporary file a killed writer left behind is removed by the next write of the
  same file.
* ``read_bounded(path, limit)``: only a regular file, never more than ``limit`` bytes, never
  blocking (a FIFO, ``/dev/zero`` or another device is refused on the opened descriptor).
* ``read_json(path)``: ``read_bounded`` plus JSON that is UTF-8, holds no NaN and nests at
  most ``MAX_JSON_DEPTH`` levels; every failure is one ``ResultFileError`` naming the file.
* ``check_output_file`` and ``written_by_qlimits``: a file in the way that qlimits did not
  write is the user's, and is never overwritten.

The result convention built on them (stamps, schemas, ``to_dict``/``save``/``load``) is
``qml.result_file``.

Examples
--------
>>> import tempfile, os
>>> path = atomic_write(os.path.join(tempfile.mkdtemp(), "doc.json"), '{"a": [1, 2]}')
>>> read_json(path)
{'a': [1, 2]}
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import IO, Any

import numpy as np

from qml.errors import ConfigurationError, ResultFileError

__all__ = ["atomic_write", "read_bounded", "read_json", "as_path", "check_output_file",
           "written_by_qlimits", "to_json_text", "json_depth", "MAX_JSON_BYTES",
           "MAX_JSON_DEPTH"]

logger = logging.getLogger(__name__)



_TEMP_SUFFIX = ".qlimits-tmp"
_SWEPT: set[Path] = set()  # targets whose folder this process has cleaned of stale temps


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _remove_stale_temps(path: Path) -> None:
    """Remove the temporary files that earlier writers of ``path`` left when they were killed
    mid-write (SIGKILL, power loss): only files of qlimits' own temporary pattern for this
    very target, regular files, whose writer process (named in the file name) is gone. Done
    once per target and process (a checkpoint is rewritten every iteration)."""
    import psutil

    if path in _SWEPT:  # a killed writer's file is from an earlier process: once is enough
        return
    _SWEPT.add(path)
    prefix, host = _temp_prefix(path), _host_tag()
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(_TEMP_SUFFIX)):
            continue
        writer = name[len(prefix):-len(_TEMP_SUFFIX)].split(".")
        if len(writer) != 3 or writer[0] != host or not writer[1].isdigit():
            continue  # another host's writer, or not our pattern: cannot tell, keep it
        try:
            if psutil.pid_exists(int(writer[1])) or not entry.is_file(follow_symlinks=False):
                continue
            os.unlink(entry.path)
            logger.info("removed %s, left by a writer of %s that was killed mid-write",
                        entry.path, path)
        except OSError:
            continue


@cache
def _host_tag() -> str:
    import hashlib
    import socket

    return hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


def atomic_write(path, content: str | bytes | Callable[[IO[bytes]], object]) -> Path:
    """Write ``content`` to ``path`` atomically and return the path.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file
    then replaces ``path`` in one step (``os.replace``): a reader, or a crash, sees the old
    file or the new one, never a partial one. ``content`` is text (UTF-8), bytes, or a
    function that writes to a binary file object (e.g. ``lambda f: np.savez(f, **arrays)``).
    Missing parent folders are created. The temporary file is named after the target and its
    writer's process (``.<name>.<host>.<pid>.<random>.qlimits-tmp``); one left behind by a
    writer that was killed is removed by the next write of the same file.

    Examples
    --------
    >>> import tempfile, os
    >>> path = atomic_write(os.path.join(tempfile.mkdtemp(), "a", "b.txt"), "hello")
    >>> path.read_text()
    'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(path)
    fd, tmp = _new_temp(path)
    try:
        with os.fdopen(fd, "wb") as f:
            if callable(content):
                content(f)
            else:
                f.write(content.encode("utf-8") if isinstance(content, str) else content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    logger.debug("wrote %s", path)
    return path


def _new_temp(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, created with mode 0o666 so that the process's
    umask applies as to any new file (``mkstemp`` makes 0o600, and reading the umask means
    changing it)."""
    prefix = f"{_temp_prefix(path)}{_host_tag()}.{os.getpid()}."
    for _ in range(100):
        tmp = str(path.parent / f"{prefix}{secrets.token_hex(4)}{_TEMP_SUFFIX}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def check_output_file(path: Path, what: str, ours: Callable[[Path], object]) -> None:
    """Before any work: ``path`` can be written, and a file already there is one of ours
    (``ours(path)`` reads it without a ``ResultFileError``), so a user's other file is never
    overwritten. ``what`` names the file in the messages ("checkpoint", ...).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "notes.txt").write_text("mine")
    >>> try:
    ...     check_output_file(folder / "notes.txt", "checkpoint", read_json)
    ... except ConfigurationError as exc:
    ...     print("exists and is not a qlimits checkpoint" in str(exc))
    True
    """
    if path.is_dir():
        raise ConfigurationError(f"{what} {path} is a folder; give a file path")
    if path.exists():
        try:
            ours(path)
        except ResultFileError as exc:
            raise ConfigurationError(f"{what} {path} exists and is not a qlimits {what} "
                                     f"({exc}); refusing to overwrite it: choose another "
                                     "path") from None
    parent = path.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise ConfigurationError(f"cannot write the {what} {path}: folder {parent} is "
                                 "missing or not writable")


def written_by_qlimits(path) -> bool:
    """Whether an existing output file is one qlimits writes, so that a command may replace
    it: a stamped JSON document (``format`` ``qlimits.*`` or a ``qlimits_version``), a
    figure drawn by matplotlib (PNG, SVG or PDF, as qlimits draws them), or a CSV table
    beside a qlimits JSON document of the same name. Anything else is the user's.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "model.json").write_text('{"mine": true}')
    >>> written_by_qlimits(folder / "model.json")
    False
    >>> written_by_qlimits(atomic_write(folder / "metrics.json", to_json_text(
    ...     {"qlimits_version": "0.2.0"})))
    True
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            doc = read_json(path)
            return isinstance(doc, dict) and (
                str(doc.get("format", "")).startswith("qlimits.") or "qlimits_version" in doc)
        if suffix in (".png", ".svg", ".pdf"):
            start = read_bounded(path, 65536, head=True)
            return b"atplotlib" in start or b"qlimits" in start
        if suffix == ".csv":
            return written_by_qlimits(path.with_suffix(".json"))
    except ResultFileError:
        return False
    return False


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_json_text(doc: dict) -> str:
    """``doc`` as indented JSON text; NumPy scalars and arrays become numbers and lists.

    Examples
    --------
    >>> to_json_text({"a": np.float64(0.5)})
    '{\\n "a": 0.5\\n}'
    """
    return json.dumps(doc, indent=1, default=_jsonable)


class _NaNFound(Exception):
    pass


def _no_nan(token: str) -> float:
    """``Infinity`` is legal in qlimits files (an open interval); ``NaN`` never is."""
    if token == "NaN":
        raise _NaNFound
    return float(token)


MAX_JSON_BYTES = 64 * 2**20  # the largest result file qlimits reads (models with many
# support vectors and QV results of thousands of trials are a few MB)
MAX_JSON_DEPTH = 64  # qlimits' own documents nest fewer than 10 levels


def read_bounded(path, limit: int, what: str = "file", *, head: bool = False) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, read without ever blocking.

    Anything else is one ``ResultFileError`` naming the file, before reading more than
    ``limit + 1`` bytes: a missing file, a folder, a FIFO, a device (``/dev/zero``), a socket,
    a file over the limit. The file is opened non-blocking and checked on the open
    descriptor, so a file swapped for a FIFO after a check cannot hang the read. With
    ``head=True``, the first ``limit`` bytes of a longer file are returned instead.

    Examples
    --------
    >>> read_bounded("/dev/zero", 100)
    Traceback (most recent call last):
    ...
    qml.errors.ResultFileError: /dev/zero: not a regular file (a device); expected a file
    """
    import stat

    path = as_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ResultFileError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise ResultFileError(f"{path}: is a folder, not a {what}") from None
    except OSError as exc:
        raise ResultFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ResultFileError(f"{path}: is a folder, not a {what}")
        if not stat.S_ISREG(mode):
            kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
                    or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "special")
            raise ResultFileError(f"{path}: not a regular file ({kind}); expected a {what}")
        chunks, size = [], 0
        while size <= limit:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            except OSError as exc:
                raise ResultFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if head:
            return b"".join(chunks)[:limit]
        if size > limit:
            raise ResultFileError(f"{path}: larger than {_size(limit)}, the most qlimits "
                                  f"reads as a {what}; is it the right file?")
        return b"".join(chunks)
    finally:
        os.close(fd)


def as_path(path, what: str = "a file") -> Path:
    """``path`` as a ``Path``; anything that is not a path (None, a number) is one
    ``ConfigurationError``.

    Examples
    --------
    >>> as_path(None)
    Traceback (most recent call last):
    ...
    qml.errors.ConfigurationError: expected the path of a file; got None
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ConfigurationError(f"expected the path of {what}; got {path!r}")
    return Path(path)


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n} bytes"


def json_depth(doc: Any) -> int:
    """How deeply a parsed JSON document nests (iteratively: no recursion limit)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                return level
            stack.extend((v, level + 1) for v in (value.values() if isinstance(value, dict)
                                                  else value))
    return deepest


def read_json(path, limit: int = MAX_JSON_BYTES) -> Any:
    """The parsed JSON of a file; every way the file can fail to be JSON is one
    ``ResultFileError`` naming the file: missing, not a regular file, over ``limit`` bytes,
    binary, NaN, nested deeper than any qlimits file (``MAX_JSON_DEPTH``).

    Examples
    --------
    >>> read_json("/no/such/file.json")
    Traceback (most recent call last):
    ...
    qml.errors.ResultFileError: /no/such/file.json: no such file
    """
    path = as_path(path)
    raw = read_bounded(path, limit)
    if not raw.strip():
        raise ResultFileError(f"{path}: the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ResultFileError(f"{path}: not a text file (binary, or not UTF-8); "
                              "expected JSON") from None
    try:
        doc = json.loads(text, parse_constant=_no_nan)
    except _NaNFound:
        raise ResultFileError(f"{path}: holds NaN, which no qlimits file does (a value was lost "
                              "or the file was edited); restore it or write it again") from None
    except json.JSONDecodeError as exc:
        raise ResultFileError(f"{path}: not valid JSON (line {exc.lineno}, column "
                              f"{exc.colno}: {exc.msg}); the file may be truncated") from exc
    except RecursionError:
        raise ResultFileError(f"{path}: JSON nested deeper than any qlimits file "
                              f"({MAX_JSON_DEPTH} levels)") from None
    if json_depth(doc) > MAX_JSON_DEPTH:
        raise ResultFileError(f"{path}: JSON nested deeper than any qlimits file "
                              f"({MAX_JSON_DEPTH} levels)")
    return doc
