"""What every figure shares: a new figure or the caller's axes, and the atomic writer."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from qml.files import atomic_write
from qml.report import style

__all__ = ["new_figure", "figure_and_axes", "save_figure"]


def new_figure(width: float = 5.5, height: float = 3.8, footnote_lines: int = 0
               ) -> tuple[Figure, object]:
    """A new figure in the house style (room for ``footnote_lines`` below) and its axes."""
    fig = style.figure(width, height, footnote_lines)
    return fig, fig.add_subplot()


def figure_and_axes(ax, width: float = 5.5, height: float = 3.8, footnote_lines: int = 0
                    ) -> tuple[Figure, object]:
    """The given axes and their figure, or a new (style) figure's."""
    return new_figure(width, height, footnote_lines) if ax is None else (ax.figure, ax)


def save_figure(fig: Figure, path) -> Path:
    """Save a figure atomically (PNG at 150 dpi unless the suffix names another format) and
    return its path."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    return atomic_write(path, lambda f: fig.savefig(f, dpi=150, format=fmt))
