"""What people look at: figures, their house style, progress bars.

=============  ===============================================================================
module         what it holds
=============  ===============================================================================
``plots``      the figures, each drawn from a result object (never recomputed)
``style``      the house style: palette, fonts, vendor colours
``progress``   progress bars that draw only on a terminal
=============  ===============================================================================
"""

__all__: list[str] = []
