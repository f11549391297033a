"""A reviewer's checklist for a figure, run by a machine: what a reader trips over when a
figure is looked at rather than only drawn.

``check_figure(fig)`` draws the figure at 100 dpi and returns one line per defect (an empty
list when it reads cleanly):

- **overlap**: two visible texts (titles, tick labels, annotations, legend entries, footnotes)
  overlap; a text outside a legend sits on the legend; a legend covers a data point; an
  annotation sits on a data line or marker of its own axes;
- **clipped**: a text leaves the figure; a marker is cut by, or lies outside, its axes' frame;
- **raw key**: visible text reads like a data key (``snake_case``, a backend string such as
  ``aer:fake_kolkata``, or a generic feature name ``x0``) where a reader needs a display name;
- **unexplained**: a series (line, marker, band) whose colour, line style or marker no legend
  entry or same-coloured label explains (an axes' only series: its axis label does);
- **colour**: one colour stands for two subjects (legend entries or coloured labels whose
  subjects, their first words, differ), or two legend entries look alike (same line style and
  marker, colours a reader cannot tell apart).

The checks are geometric and conservative: they find the defects above, not every way a
figure can mislead, so a figure is still looked at.

Examples
--------
>>> from qml.report import style
>>> fig = style.figure(4, 3)
>>> ax = fig.add_subplot()
>>> _ = ax.plot([0, 1], [0, 1], color="C0", label="measured")
>>> _ = ax.legend(loc="lower right")
>>> check_figure(fig)
[]
>>> _ = ax.set_title("qv_implied_ibm")
>>> check_figure(fig)
["raw key: 'qv_implied_ibm' (title) reads like a data key; use a display name"]
"""

from __future__ import annotations

import re
from itertools import combinations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from qml.report import style

__all__ = ["check_figure", "DPI"]

DPI = 100
_TOL = 1.0  # pixels a box may touch another, or the edge, before it counts
_RAW = [re.compile(r"(?<![/\w.])[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b(?!\.\w)"),  # snake_case,
         # not a file name (qml/data/qv_records.csv is a source, not a label)
        re.compile(r"\b(aer|fake|ibm|ionq|quantinuum)[:_][a-z]", re.I),  # backend strings
        re.compile(r"^x\d+$")]  # generic feature names
_CAPS = ("_", "|")  # errorbar caps: drawn with their bars, keyed by them
_KEY = tuple(np.round(to_rgba(style.KEY_GREY)[:3], 3))  # keys styles, may mean several
_LOOKALIKE = 12.0  # CIE76 colour distance under which two same-styled keys look alike


def check_figure(fig: Figure, dpi: int = DPI) -> list[str]:
    """The defects a reader would see in ``fig``, one line each (see the module).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A drawn figure (any layout engine); it is drawn once more, at ``dpi``.
    dpi : int
        The resolution the geometry is judged at.

    Returns
    -------
    list of str
        One line per defect; empty when the figure passes.

    Examples
    --------
    >>> from qml.report import style
    >>> fig = style.figure(3, 2)
    >>> ax = fig.add_subplot()
    >>> _ = ax.scatter([0.0], [1.0], color="C1")
    >>> check_figure(fig)  # doctest: +ELLIPSIS
    ['unexplained: ...
    """
    old_dpi, old_canvas = fig.dpi, fig.canvas
    fig.set_dpi(dpi)
    try:
        return _problems(fig, FigureCanvasAgg(fig))
    finally:  # the caller's figure keeps its resolution and canvas (a pyplot window, say)
        fig.set_dpi(old_dpi)
        fig.set_canvas(old_canvas)


def _problems(fig: Figure, canvas) -> list[str]:
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = _visible_texts(fig, renderer)
    legends = [leg for leg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
               if leg is not None and leg.get_visible()]
    problems: list[str] = []
    problems += _overlaps(texts, legends, renderer)
    problems += _clipped(fig, texts, renderer)
    problems += _raw_keys(texts)
    for ax in fig.axes:
        problems += _annotations_on_data(ax, texts, renderer)
        problems += _markers_clipped(ax, renderer)
    problems += _legends_on_data(fig, legends, renderer)
    problems += _unexplained(fig, legends, texts)
    problems += _colours(legends, texts)
    return list(dict.fromkeys(problems))


# -- what is drawn --------------------------------------------------------------------------

class _Text:
    """A drawn text: its string, where it came from, its box in pixels."""

    def __init__(self, artist: Text, role: str, box, legend) -> None:
        self.artist, self.role, self.box, self.legend = artist, role, box, legend
        self.string = artist.get_text().strip()

    def __repr__(self) -> str:
        return f"{self.string!r} ({self.role})"


def _visible_texts(fig: Figure, renderer) -> list[_Text]:
    ticks = {}
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        for axis, name in ((ax.xaxis, "x tick"), (ax.yaxis, "y tick")):
            lo, hi = sorted(axis.get_view_interval())
            span = (hi - lo) * 1e-9 + 1e-12
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                inside = lo - span <= tick.get_loc() <= hi + span
                for label in (tick.label1, tick.label2):
                    ticks[id(label)] = name if inside and tick.get_visible() else None
    legend_of = {}
    for leg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if leg is not None:
            for t in [*leg.get_texts(), leg.get_title()]:
                legend_of[id(t)] = leg
    roles = {}
    for ax in fig.axes:
        roles[id(ax.title)] = "title"
        roles[id(ax.xaxis.label)] = roles[id(ax.yaxis.label)] = "axis label"
        for t in ax.texts:
            roles[id(t)] = "annotation"
    out = []
    for artist in fig.findobj(Text):
        role = ticks[id(artist)] if id(artist) in ticks else (
            "legend" if id(artist) in legend_of else roles.get(id(artist), "text"))
        if (role is None or not artist.get_visible() or not artist.get_text().strip()
                or artist.get_alpha() == 0
                or (artist.axes is not None and not artist.axes.get_visible())):
            continue  # a tick outside the view, or nothing drawn
        box = artist.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            out.append(_Text(artist, role, box, legend_of.get(id(artist))))
    return out


def _overlap(a, b) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > _TOL
            and min(a.y1, b.y1) - max(a.y0, b.y0) > _TOL)


def _overlaps(texts, legends, renderer) -> list[str]:
    out = []
    for a, b in combinations(texts, 2):
        if _overlap(a.box, b.box):
            out.append(f"overlap: {a} and {b}")
    for leg in legends:
        box = leg.get_window_extent(renderer)
        for t in texts:
            if t.legend is not leg and _overlap(t.box, box):
                out.append(f"overlap: {t} sits on a legend")
    return out


def _clipped(fig, texts, renderer) -> list[str]:
    width, height = fig.bbox.width, fig.bbox.height
    out = []
    for t in texts:
        b = t.box
        if b.x0 < -_TOL or b.y0 < -_TOL or b.x1 > width + _TOL or b.y1 > height + _TOL:
            out.append(f"clipped: {t} runs off the figure")
    return out


def _raw_keys(texts) -> list[str]:
    out = []
    for t in texts:
        for pattern in _RAW:
            if pattern.search(t.string):
                out.append(f"raw key: {t} reads like a data key; use a display name")
                break
    return out


# -- data -----------------------------------------------------------------------------------

def _data_lines(ax) -> list[Line2D]:
    return [line for line in ax.get_lines() if line.get_visible() and len(line.get_xdata())]


def _marker_points(ax) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(what, pixel positions, pixel radii) of every drawn marker in ``ax``."""
    out = []
    scale = ax.figure.dpi / 72.0
    for line in _data_lines(ax):
        if line.get_marker() in (None, "None", "", " ") or line.get_markersize() == 0:
            continue
        xy = np.column_stack([line.get_xdata(orig=False), line.get_ydata(orig=False)])
        px = line.get_transform().transform(np.asarray(xy, dtype=float))
        r = np.full(len(px), line.get_markersize() * scale / 2)
        out.append((f"marker of {_name(line)}", px, r))
    for coll in ax.collections:
        if not isinstance(coll, PathCollection) or not coll.get_visible():
            continue
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        if not len(offsets):
            continue
        px = coll.get_offset_transform().transform(offsets)
        sizes = np.asarray(coll.get_sizes(), dtype=float)
        sizes = np.resize(sizes if len(sizes) else [36.0], len(px))
        out.append((f"marker of {_name(coll)}", px, np.sqrt(sizes) * scale / 2))
    return out


def _name(artist) -> str:
    label = artist.get_label()
    return repr(label) if label and not label.startswith("_") else "an unlabelled series"


def _markers_clipped(ax, renderer) -> list[str]:
    box = ax.get_window_extent(renderer)
    out = []
    for what, px, r in _marker_points(ax):
        finite = np.all(np.isfinite(px), axis=1)
        px, r = px[finite], r[finite]
        # a marker may overhang the frame by two thirds of its radius (a point on an axis
        # limit, an errorbar cap); more, or a centre outside, is cut
        cut = ((px[:, 0] - r * 0.34 < box.x0 - _TOL) | (px[:, 0] + r * 0.34 > box.x1 + _TOL)
               | (px[:, 1] - r * 0.34 < box.y0 - _TOL) | (px[:, 1] + r * 0.34 > box.y1 + _TOL))
        if cut.any():
            out.append(f"clipped: {int(cut.sum())} {what} cut by the frame of "
                       f"{ax.get_title() or 'an axes'!r}")
    return out


def _segments_hit(px: np.ndarray, box) -> bool:
    """Whether a polyline (pixels) passes through ``box``."""
    px = px[np.all(np.isfinite(px), axis=1)]
    if len(px) == 0:
        return False
    inside = ((px[:, 0] > box.x0 + _TOL) & (px[:, 0] < box.x1 - _TOL)
              & (px[:, 1] > box.y0 + _TOL) & (px[:, 1] < box.y1 - _TOL))
    if inside.any():
        return True
    for (x0, y0), (x1, y1) in zip(px[:-1], px[1:]):  # Liang-Barsky on each segment
        t0, t1 = 0.0, 1.0
        dx, dy = x1 - x0, y1 - y0
        ok = True
        for p, q in ((-dx, x0 - box.x0 - _TOL), (dx, box.x1 - _TOL - x0),
                     (-dy, y0 - box.y0 - _TOL), (dy, box.y1 - _TOL - y0)):
            if p == 0:
                if q < 0:
                    ok = False
                    break
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                ok = False
                break
        if ok:
            return True
    return False


def _line_pixels(line: Line2D, ax, renderer) -> np.ndarray | None:
    if line.get_linestyle() in ("None", "", " ") or line.get_linewidth() == 0:
        return None
    path = line.get_path()
    px = line.get_transform().transform(path.vertices)
    frame = ax.get_window_extent(renderer)
    px = px.copy()  # the part drawn: clip to the frame
    px[:, 0] = np.clip(px[:, 0], frame.x0, frame.x1)
    px[:, 1] = np.clip(px[:, 1], frame.y0, frame.y1)
    return px


def _hits(ax, box, renderer) -> str | None:
    """What data in ``ax`` passes through ``box``, if any."""
    for line in _data_lines(ax):
        px = _line_pixels(line, ax, renderer)
        if px is not None and _segments_hit(px, box):
            return f"line {_name(line)}"
    for what, px, r in _marker_points(ax):
        inside = ((px[:, 0] + r > box.x0 + _TOL) & (px[:, 0] - r < box.x1 - _TOL)
                  & (px[:, 1] + r > box.y0 + _TOL) & (px[:, 1] - r < box.y1 - _TOL))
        if inside.any():
            return what
    return None


def _annotations_on_data(ax, texts, renderer) -> list[str]:
    out = []
    for t in texts:
        if t.role == "annotation" and t.artist.axes is ax:
            hit = _hits(ax, t.box, renderer)
            if hit:
                out.append(f"overlap: {t} sits on the {hit}")
    return out


def _legends_on_data(fig, legends, renderer) -> list[str]:
    out = []
    for leg in legends:
        box = leg.get_window_extent(renderer)
        for ax in fig.axes:
            if _overlap(box, ax.get_window_extent(renderer)):
                hit = _hits(ax, box, renderer)
                if hit:
                    out.append(f"overlap: a legend covers the {hit}")
    return out


# -- keys and colours -----------------------------------------------------------------------

def _rgb(color) -> tuple[float, float, float] | None:
    try:
        rgba = np.asarray(to_rgba(color), dtype=float)
    except (TypeError, ValueError):
        arr = np.asarray(color, dtype=float).reshape(-1, 4)
        if not len(arr):
            return None
        rgba = arr[0]
    if rgba[3] == 0:
        return None
    return tuple(np.round(rgba[:3], 3))


def _grey(rgb) -> bool:
    return rgb is not None and max(rgb) - min(rgb) < 0.02


def _style(artist) -> tuple | None:
    """(colour, line style, marker, filled, marker size) of a data artist or a legend
    handle."""
    if isinstance(artist, Line2D):
        if artist.get_marker() in _CAPS and artist.get_linestyle() in ("None", "", " "):
            return None  # errorbar caps: keyed with their bars
        ls = artist.get_linestyle()
        ls = None if ls in ("None", "", " ") or artist.get_linewidth() == 0 else str(ls)
        marker = artist.get_marker()
        marker = None if marker in (None, "None", "", " ") + _CAPS else str(marker)
        if marker:
            face = _rgb(artist.get_markerfacecolor())
            color = _rgb(artist.get_markeredgecolor()) if face is None else face
            filled = face is not None
        else:
            color, filled = _rgb(artist.get_color()), True
        if ls and not marker:
            color = _rgb(artist.get_color())
        size = round(artist.get_markersize(), 1) if marker else None
        return None if color is None else (color, ls, marker, filled, size)
    if isinstance(artist, PathCollection):
        face = _rgb(artist.get_facecolor())
        color = face if face is not None else _rgb(artist.get_edgecolor())
        paths = artist.get_paths()
        marker = "D" if paths and len(paths[0].vertices) == 5 and _diamond(paths[0]) else "o"
        sizes = artist.get_sizes()
        size = round(float(np.sqrt(sizes[0])), 1) if len(sizes) else None
        return None if color is None else (color, None, marker, face is not None, size)
    if isinstance(artist, (PolyCollection, Rectangle)):
        color = _rgb(artist.get_facecolor())
        return None if color is None else (color, "band", None, True, None)
    return None


def _diamond(path) -> bool:
    v = path.vertices[:4]
    return bool(np.allclose(np.abs(v).sum(axis=1), np.abs(v).sum(axis=1)[0])
                and np.any(np.isclose(v[:, 0], 0)))


def _handles(legends) -> list[tuple[str, tuple]]:
    out = []
    for leg in legends:
        bars = {}  # an errorbar's legend entry stands for its data line
        axes = [leg.axes] if isinstance(leg.parent, Axes) else leg.figure.axes
        for container in (c for ax in axes for c in ax.containers):
            if isinstance(container, ErrorbarContainer) and container[0] is not None:
                bars[container.get_label()] = container[0]
        for handle, text in zip(leg.legend_handles, leg.get_texts()):
            label = text.get_text()
            if isinstance(handle, LineCollection) and label in bars:
                handle = bars[label]
            style = _style(handle)
            if style is not None and text.get_text().strip():
                out.append((text.get_text().strip(), style))
    return out


def _label_colours(texts, greys: bool = False) -> list[tuple[str, tuple]]:
    """Coloured annotations: direct labels, which key their colour like a legend entry (with
    ``greys``, black and grey ones too: they explain a black series, but mean nothing alone)."""
    out = []
    for t in texts:
        if t.role in ("annotation", "text", "title", "x tick", "y tick") and t.legend is None:
            rgb = _rgb(t.artist.get_color())
            if rgb is not None and (greys or not _grey(rgb)):
                out.append((t.string, rgb))
    return out


def _close(a, b, tol=0.03) -> bool:
    return a is not None and b is not None and max(abs(x - y) for x, y in zip(a, b)) <= tol


def _unexplained(fig, legends, texts) -> list[str]:
    keys = [style for _, style in _handles(legends)]
    labels = [rgb for _, rgb in _label_colours(texts, greys=True)]
    out = []
    for ax in fig.axes:
        artists = [*_data_lines(ax), *[c for c in ax.collections if c.get_visible()],
                   *[p for p in ax.patches if isinstance(p, Rectangle) and p.get_visible()]]
        bars = {p for c in ax.containers if isinstance(c, ErrorbarContainer) for p in c[1] + c[2]}
        for artist in artists:
            style = _style(artist)
            if style is None or (isinstance(artist, PathCollection)
                                 and not len(artist.get_offsets())):
                continue
            color, ls, marker, filled, _ = style
            if _grey(color) and ls in ("band", None) and marker is None:
                continue  # a neutral background (grey band) needs no key
            if _close(color, (1.0, 1.0, 1.0)) and marker is None:
                continue  # white rules separate parts of an image
            if len(set(artists) - bars) == 1 and ax.get_ylabel():  # caps, bars: its parts
                continue  # the only series of its axes: the axis label names it
            same = [k for k in keys if _close(k[0], color)]
            if not same:  # a label in its colour names it (a direct label), or nothing does
                if not any(_close(rgb, color) for rgb in labels):
                    out.append(f"unexplained: {_name(artist)} in colour {_hex(color)} has no "
                               "legend entry or label")
                continue
            neutral = [k for k in keys if _grey(k[0])]
            for part, index, word in ((ls, 1, "line style"), (marker, 2, "marker")):
                if part is None or part == "band":
                    continue
                if not any(k[index] == part for k in same + neutral):
                    out.append(f"unexplained: the {word} {part!r} of {_name(artist)} "
                               f"({_hex(color)}) is in no legend entry")
            if not filled and not any(not k[3] for k in same + neutral):
                out.append(f"unexplained: hollow markers of {_name(artist)} ({_hex(color)}) "
                           "are in no legend entry")
    return out


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(c * 255)):02X}" for c in rgb)


def _subject(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.split()[0].lower()) if text.split() else ""


def _lab(rgb) -> np.ndarray:
    c = np.asarray(rgb, dtype=float)
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ c / np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _colours(legends, texts) -> list[str]:
    handles = _handles(legends)
    entries = [(label, style[0]) for label, style in handles] + _label_colours(texts)
    out = []
    for (a, ca), (b, cb) in combinations(entries, 2):
        if _close(ca, cb) and _subject(a) != _subject(b) and not _close(ca, _KEY):
            out.append(f"colour: {_hex(ca)} means both {a!r} and {b!r}")
    for (a, sa), (b, sb) in combinations(handles, 2):
        if a != b and sa[1:] == sb[1:] and np.linalg.norm(_lab(sa[0]) - _lab(sb[0])) < _LOOKALIKE:
            out.append(f"colour: {a!r} and {b!r} look alike ({_hex(sa[0])}, {_hex(sb[0])})")
    return out
