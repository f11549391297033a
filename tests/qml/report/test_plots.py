"""Figures carry what they claim: labels for people, marks for extrapolation and last
reports, footnotes that do not sit on the axes, whole-year ticks."""

import pytest

from qml.projection import project
from qml.report import plots


@pytest.fixture(scope="module")
def projection():
    return project(until=2035)


def _legend_labels(fig):
    return [t.get_text() for ax in fig.axes if ax.get_legend()
            for t in ax.get_legend().get_texts()]


def _footnote_clear_of_axes(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    axes_box = ax.get_tightbbox(renderer)  # with tick labels and axis labels
    notes = [t for t in fig.texts if t.get_text().startswith(("Hollow", "Solid", "Vertical"))]
    assert notes
    for note in notes:
        assert note.get_window_extent(renderer).y1 <= axes_box.y0 + 1


@pytest.mark.parametrize("draw", [plots.qv_projection, plots.growth_comparison,
                                  plots.verification_frontier])
def test_projection_figures_are_readable(projection, draw):
    fig = draw(projection)
    labels = _legend_labels(fig)
    assert labels and not any("_" in label for label in labels), labels
    assert all(float(t).is_integer() for t in fig.axes[0].get_xticks())
    _footnote_clear_of_axes(fig)
    legend = fig.axes[0].get_legend()
    assert legend.get_texts()[0].get_fontsize() >= 7.5


def test_qv_figure_marks_last_reports_extrapolation_and_implied_qv(projection):
    fig = plots.qv_projection(projection)
    ax = fig.axes[0]
    notes = [t.get_text() for t in ax.texts]
    assert any(n.startswith("IBM: last QV 2023-12") and "EPLG" in n for n in notes)
    assert any(n.startswith("Quantinuum: last QV 2025-09") for n in notes)
    assert "dashed: extrapolated" in notes
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == sum(f.kind == "quantum_volume" for f in projection.qv_fits)
    assert any("implied by 2q error" in label for label in _legend_labels(fig))
    for fit in projection.qv_fits:  # each extrapolated part starts at the line's last record
        if fit.kind == "quantum_volume":
            assert any(line.get_xdata()[0] == pytest.approx(fit.last_year) for line in dashed)
