"""Checkpoints of a training run: written atomically after every iteration, read back by
``resume=True`` only for the same data, settings and optimizer, and checked before use.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np

from qml.errors import ConfigurationError, ResultFileError
from qml.files import atomic_write, check_output_file, read_json
from qml.models.optimizers import OPTIMIZERS
from qml.result_file import check_stamp, document_schema, validate_document
from qml.version import __version__

logger = logging.getLogger(__name__)


__all__ = ["Checkpoint", "CHECKPOINT_FORMAT", "CHECKPOINT_VERSION", "check_checkpoint_place"]

CHECKPOINT_FORMAT = "qlimits.checkpoint"
CHECKPOINT_VERSION = 1
_NUMBERS = {"type": "array", "items": {"type": "number"}}


_CHECKPOINT_SCHEMA = document_schema({
    "method": {"enum": list(OPTIMIZERS)},
    "fingerprint": {"type": "string"},
    "iteration": {"type": "integer", "minimum": 0},
    "state": {"type": "object", "required": ["curve", "n_evaluations", "w"],
              "properties": {"curve": _NUMBERS, "w": _NUMBERS, "m": _NUMBERS, "v": _NUMBERS,
                             "n_evaluations": {"type": "integer", "minimum": 0},
                             "rng": {"type": "object"}}},
}, required=["method", "fingerprint", "state"])


def _stamped_checkpoint(path: Path) -> dict:
    """A checkpoint file's document, its format stamp checked (not yet its schema)."""
    doc = read_json(path)
    if isinstance(doc, dict) and "format_version" not in doc:
        doc = {**doc, "format_version": 1}  # qlimits 0.1 stamped the format only
    check_stamp(doc, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, str(path))
    return doc


def check_checkpoint_place(path) -> None:
    """Before any work: the checkpoint ``path`` can be written, and an existing file there
    is a qlimits checkpoint (a user's other file is never overwritten).

    Raises
    ------
    ConfigurationError
        The path is a folder, a file that is not a qlimits checkpoint, or in a folder that
        cannot be written.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> check_checkpoint_place(os.path.join(folder, "ck.json"))  # free: nothing raised
    >>> try:
    ...     check_checkpoint_place(folder)
    ... except ConfigurationError as exc:
    ...     print("is a folder" in str(exc))
    True
    """
    check_output_file(Path(path), "checkpoint", _stamped_checkpoint)


_STATE_ARRAYS = {"adam": ("w", "m", "v")}  # every other optimizer saves weights only


def _check_state(state: dict, method: str, n_weights: int, source: str) -> None:
    """What the schema cannot say about a checkpoint's optimizer state: array lengths that
    match the circuit, finite values, and a random-generator state numpy accepts."""
    for key in _STATE_ARRAYS.get(method, ("w",)):
        if key not in state:
            raise ResultFileError(f"{source}: the {method} state has no {key!r}")
        values = np.asarray(state[key], dtype=float)
        if values.shape != (n_weights,):
            raise ResultFileError(f"{source}: state {key!r} has {values.size} values; this "
                                  f"circuit has {n_weights} weights")
        if not np.isfinite(values).all():
            raise ResultFileError(f"{source}: state {key!r} holds NaN or infinite values")
    if not np.isfinite(state["curve"]).all():
        raise ResultFileError(f"{source}: the loss curve holds NaN or infinite values")
    if method == "spsa":
        try:  # on a scratch generator: the optimizer sets the training one from the state
            np.random.default_rng().bit_generator.state = state["rng"]
        except (KeyError, TypeError, ValueError) as exc:
            raise ResultFileError(f"{source}: the SPSA random-generator state is unusable "
                                  f"({type(exc).__name__}: {exc})") from None


class Checkpoint:
    """The checkpoint of one training run: ``path``, the optimizer ``method`` and the
    ``fingerprint`` of the data and settings (``Checkpoint.fingerprint``).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> fp = Checkpoint.fingerprint({"maxiter": 5}, np.zeros((2, 1)), [0, 1])
    >>> ck = Checkpoint(os.path.join(tempfile.mkdtemp(), "ck.json"), "cobyla", fp)
    >>> ck.read(n_weights=1) is None  # nothing written yet: start afresh
    True
    >>> ck.writer()({"curve": [0.5], "n_evaluations": 3, "w": [0.1]})
    >>> ck.read(n_weights=1)["w"]
    [0.1]
    """

    def __init__(self, path, method: str, fingerprint: str):
        self.path, self.method, self.fingerprint_ = Path(path), method, fingerprint

    @staticmethod
    def fingerprint(params: dict, X, y) -> str:
        """A digest of the estimator's parameters (but callback, verbose, checkpoint and
        resume) and of the training data."""
        skip = {"callback", "verbose", "checkpoint", "resume"}
        text = {k: repr(v) for k, v in params.items() if k not in skip}
        h = hashlib.sha256(json.dumps(text, sort_keys=True).encode())
        h.update(np.ascontiguousarray(X).tobytes())
        h.update(np.asarray(y).astype(str).tobytes())
        return h.hexdigest()

    def read(self, n_weights: int) -> dict | None:
        """The optimizer state to resume from, checked against this run; None where no
        checkpoint exists yet (start afresh)."""
        path = self.path
        if not path.exists():
            logger.info("no checkpoint at %s: starting afresh", path)
            return None
        doc = _stamped_checkpoint(path)
        validate_document(doc, _CHECKPOINT_SCHEMA, str(path))
        if doc["method"] != self.method:
            raise ConfigurationError(f"checkpoint {path} is of a {doc['method']} run; this fit "
                                     f"uses {self.method}: remove it or fit with resume=False")
        if doc["fingerprint"] != self.fingerprint_:
            raise ConfigurationError(
                f"checkpoint {path} was written for other data or settings; remove it or "
                "fit with resume=False")
        state = doc["state"]
        _check_state(state, self.method, n_weights, str(path))
        logger.info("resuming from %s after %d iterations", path, len(state["curve"]))
        return state

    def writer(self):
        """The function the optimizer calls with its state after every iteration. The place
        is checked now, before any work: it can be written, and a file already there is a
        qlimits checkpoint (a user's other file is never overwritten)."""
        check_checkpoint_place(self.path)
        path, method, fingerprint = self.path, self.method, self.fingerprint_

        def write(state: dict) -> None:
            doc = {"format": CHECKPOINT_FORMAT, "format_version": CHECKPOINT_VERSION,
                   "qlimits_version": __version__, "method": method,
                   "fingerprint": fingerprint, "iteration": len(state["curve"]),
                   "state": state}
            atomic_write(path, json.dumps(doc))  # a kill leaves the old or the new file

        return write
