"""qlimits' machine-learning package: the VQC estimator, backends, datasets and the CLI.

``from qml import VQC`` is the main entry point. Heavy modules load on first use.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"
__all__ = ["VQC", "load_dataset", "__version__"]

_LAZY = {"VQC": "qml.classifier", "load_dataset": "qml.datasets"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'qml' has no attribute {name!r}")
