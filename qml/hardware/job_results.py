"""A job's result file beside the ledger: ``results/job_<row>_<ledger id>.npz``, stamped with
the ledger, row and payload it belongs to, written atomically and read back bounded and
checked.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np

from qml.errors import ResultFileError
from qml.files import atomic_write, read_bounded

__all__ = ["save_result", "load_result", "MAX_RESULT_BYTES", "RESULT_NAME"]

logger = logging.getLogger(__name__)


MAX_RESULT_BYTES = 2 * 2**30  # a result file of a job: packed bits of every shot


RESULT_NAME = re.compile(r"^job_(\d+)(?:_([0-9a-f]{12}))?\.npz$")


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
