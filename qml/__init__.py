"""qlimits' machine-learning package: the VQC estimator, backends, datasets, quantum volume,
projection, the quantum-vs-classical comparison and the CLI.

``from qml import VQC`` (and ``QSVC``, the quantum-kernel classifier; ``VQR``, ``QKRR``,
``QSVR`` and ``QGPR`` for regression) is the main entry point. Heavy modules load on first
use. Every module logs to a logger named after it
(``logging.getLogger("qml.volume.experiment")`` ...), under the package logger ``"qml"``,
which has no handler of its own: configure ``logging`` to see them (the CLI's ``-v`` does).
"""

from __future__ import annotations

import importlib
import logging

from qml.version import __version__

__all__ = ["VQC", "VQR", "QSVC", "QKRR", "QSVR", "QGPR", "load_dataset", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())

_LAZY = {"VQC": "qml.models.vqc", "VQR": "qml.models.vqr", "QSVC": "qml.models.qsvc",
         "QKRR": "qml.models.qkrr", "QSVR": "qml.models.qsvr", "QGPR": "qml.models.qgpr",
         "load_dataset": "qml.datasets"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'qml' has no attribute {name!r}")
