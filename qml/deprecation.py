"""Names that moved or changed keep working for one release, with a ``DeprecationWarning``
that gives the new name.

Examples
--------
>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     deprecated("old_name()", "new_name()")
>>> str(caught[0].message)
'old_name() is deprecated since qlimits 0.2 and will be removed in 0.3; use new_name()'
"""

from __future__ import annotations

import importlib
import warnings

__all__ = ["deprecated", "moved_names"]

SINCE, REMOVAL = "0.2", "0.3"


def deprecated(old: str, new: str, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new``."""
    warnings.warn(f"{old} is deprecated since qlimits {SINCE} and will be removed in "
                  f"{REMOVAL}; use {new}", DeprecationWarning, stacklevel=stacklevel)


def moved_names(module: str, names: dict[str, str]):
    """A module ``__getattr__`` that serves names moved elsewhere, with a warning.

    ``names`` maps each old name to ``"new.module:name"``; the new module is imported only
    when an old name is used.
    """

    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        target, _, attr = names[name].partition(":")
        deprecated(f"{module}.{name}", f"{target}.{attr}")
        return getattr(importlib.import_module(target), attr)

    return __getattr__
