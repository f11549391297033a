"""The places qlimits owns on this machine, and the data files it ships.

qlimits writes in three kinds of place, and nowhere else:

* the folder a command or call was given (``--out``, ``save(path)``, ``checkpoint=``);
* the job ledger's folder: ``$QLIMITS_LEDGER`` or ``~/.qlimits/ledger.db``, with each
  ledger's result files in ``<ledger name>.results/`` beside it;
* a per-user cache, ``cache_dir()``: ``$QLIMITS_CACHE_DIR``, else ``$XDG_CACHE_HOME/qlimits``,
  else ``~/.cache/qlimits``; where that cannot be written (a read-only home), a private
  folder under the system's temporary folder. numba keeps the engine's compiled kernels there
  (``kernel_cache_dir()``), never inside the installed package: files pip does not know would
  outlive an uninstall and turn a later editable install's ``qml`` into an empty namespace
  package.

Package data is read by ``data_file(name)``: a plain path beside this module, which works on
every supported Python whatever kind of install (``importlib.resources`` on Python 3.10-3.11
fails for a package that an old install left behind as a namespace).

Examples
--------
>>> data_file("qv_records.csv").is_file()
True
>>> import os
>>> os.environ.get("QLIMITS_CACHE_DIR") is None or str(cache_dir()).startswith(
...     os.environ["QLIMITS_CACHE_DIR"])
True
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import cache
from pathlib import Path

from qml.errors import ConfigurationError

__all__ = ["cache_dir", "kernel_cache_dir", "data_file", "default_ledger_path", "DATA_DIR",
           "register_kernel_cache", "kernels_on_disk"]

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_file(name: str) -> Path:
    """The path of a data file qlimits ships (``qml/data/<name>``).

    Examples
    --------
    >>> data_file("ibm_pricing.json").name
    'ibm_pricing.json'
    """
    return DATA_DIR / name


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _home() -> Path | None:
    try:
        return Path.home()
    except (RuntimeError, KeyError):  # no HOME and no passwd entry
        return None


@cache
def _cache_dir(explicit: str | None, xdg: str | None, home: str | None) -> Path:
    if explicit:
        folder = Path(explicit).expanduser()
        if not _writable(folder):
            raise ConfigurationError(f"QLIMITS_CACHE_DIR={explicit!r} cannot be written; "
                                     "point it at a folder you can write, or unset it")
        return folder
    candidates = []
    if xdg and Path(xdg).is_absolute():
        candidates.append(Path(xdg) / "qlimits")
    elif home:
        candidates.append(Path(home) / ".cache" / "qlimits")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    candidates.append(Path(tempfile.gettempdir()) / f"qlimits-{uid}")
    for folder in candidates:
        if _writable(folder):
            if folder != candidates[0]:
                logger.info("the cache folder %s cannot be written; using %s", candidates[0],
                            folder)
            return folder
    raise ConfigurationError(f"no writable cache folder (tried {', '.join(map(str, candidates))});"
                             " set QLIMITS_CACHE_DIR to a folder you can write")


def cache_dir() -> Path:
    """qlimits' per-user cache folder, created if needed (see the module's docstring).

    Raises
    ------
    ConfigurationError
        When ``$QLIMITS_CACHE_DIR`` is set to a folder that cannot be written.
    """
    home = _home()
    return _cache_dir(os.environ.get("QLIMITS_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME"),
                      str(home) if home else None)


def kernel_cache_dir() -> Path:
    """Where numba keeps the exact engine's compiled kernels: ``cache_dir()/numba``."""
    return cache_dir() / "numba"


def default_ledger_path() -> Path:
    """``$QLIMITS_LEDGER`` or ``~/.qlimits/ledger.db``.

    Examples
    --------
    >>> default_ledger_path().name
    'ledger.db'
    """
    text = os.environ.get("QLIMITS_LEDGER")
    if text:
        return Path(text).expanduser()
    home = _home()
    if home is None:
        raise ConfigurationError("no home folder to keep the job ledger in; set "
                                 "QLIMITS_LEDGER to a file path")
    return home / ".qlimits" / "ledger.db"


def register_kernel_cache(source_file: str) -> bool:
    """Send numba's cache of the kernels in ``source_file``'s folder to
    ``kernel_cache_dir()``; True when that worked (then ``cache=True`` is safe to use).

    numba has no public hook for this: a cache locator is registered first in its list, for
    that one folder's files only (every other package keeps numba's own rules). Its source
    stamp covers every file of the folder, since a kernel inlines functions of the others.
    Where numba's internals differ, or no cache folder can be written, False: the kernels are
    then compiled in every process (about 15 s), and nothing is ever written beside the
    installed package.
    """
    try:
        from numba.core import caching

        impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl
        bases = (caching._SourceFileBackedLocatorMixin, caching._CacheLocator)
        folder = str(kernel_cache_dir())
    except Exception as exc:  # noqa: BLE001 - any failure: compile without a disk cache
        logger.info("compiled kernels are not cached on disk (%s: %s)", type(exc).__name__, exc)
        return False
    package = str(Path(source_file).resolve().parent)

    class _Locator(*bases):
        def __init__(self, py_func, py_file):
            self._py_file = py_file
            self._lineno = py_func.__code__.co_firstlineno
            self._cache_path = str(Path(folder) / self.get_suitable_cache_subpath(py_file))

        def get_cache_path(self):
            return self._cache_path

        def get_source_stamp(self):
            # every source file of the folder, not only the kernel's own: numba inlines a
            # kernel's callees from the other files, and a cache stamped with its own file
            # alone would keep a stale copy of them
            return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                                for p in Path(package).glob("*.py")))

        @classmethod
        def from_function(cls, py_func, py_file):
            if str(Path(py_file).resolve().parent) != package:
                return None  # not qlimits' kernels: numba's own locators decide
            return super().from_function(py_func, py_file)

    _Locator.__qualname__ = _Locator.__name__ = "QlimitsCacheLocator"
    impl._locator_classes = [_Locator] + [c for c in impl._locator_classes
                                          if c.__name__ != "QlimitsCacheLocator"]
    return True


def kernels_on_disk(source_file: str, functions) -> bool:
    """Whether numba's cache holds compiled ``functions`` of ``source_file`` (an earlier
    process on this machine compiled them)."""
    from numba.core.caching import _CacheLocator

    folder = kernel_cache_dir() / _CacheLocator.get_suitable_cache_subpath(source_file)
    module = Path(source_file).stem
    return all(any(folder.glob(f"{module}.{name}-*.nbi")) for name in functions)

