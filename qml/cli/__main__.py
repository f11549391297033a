"""``python -m qml.cli``: the ``qlimits`` command."""

import sys

from qml.cli.app import main

sys.exit(main())
