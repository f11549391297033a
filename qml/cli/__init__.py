"""The ``qlimits`` command: ``demo``, ``train``, ``compare``, ``jobs`` and ``qv``.

Every subcommand checks its output folder before any work, writes its results to disk before it
draws or prints anything that could fail, and ends in one of four exit statuses:

====  ==============================================================================
0     success
1     an error: one line on stderr, ``qlimits: error: ...`` (``-v`` adds the traceback)
2     a usage error: a bad option or option value, found by the parser before any work
130   interrupted (Ctrl-C): one line; finished work is already on disk
====  ==============================================================================

What happens
inside (retries, ledger reuse, fallbacks, qubit choices, chunking) is logged: ``-v`` shows it,
``-vv`` shows the details, ``-q`` only errors (and hides progress bars); warnings come out as
one line each.

One module per command group, each parser beside its handler:

===============  =============================================================================
module           what it holds
===============  =============================================================================
``app``          ``main``: the parser of every group, logging, signals, exit statuses
``common``       what every command shares: option types, output folders, tables, figures
``demo``         ``qlimits demo``
``train``        ``qlimits train`` (and the VQC options ``compare`` takes too)
``compare``      ``qlimits compare``
``jobs``         ``qlimits jobs list|show|fetch|cancel``
``volume``       ``qlimits qv measure|devices|predict|cost``
``projection``   ``qlimits qv project``
``eplg``         ``qlimits eplg measure``
===============  =============================================================================
"""

from qml.cli.app import build_parser, main
from qml.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, parse_widths
from qml.cli.train import add_vqc_arguments, vqc_from_args

__all__ = ["main", "build_parser", "add_vqc_arguments", "vqc_from_args", "parse_widths",
           "EXIT_OK", "EXIT_ERROR", "EXIT_USAGE", "EXIT_INTERRUPTED"]
