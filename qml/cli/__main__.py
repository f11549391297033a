"""``python -m qml.cli``: the ``qlimits`` command."""

import sys

from qml.cli.app import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
