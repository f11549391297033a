"""The version of qlimits, defined once (``pyproject.toml`` reads it from here)."""

__all__ = ["__version__"]

__version__ = "0.3.0"
