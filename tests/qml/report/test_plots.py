"""Figures carry what they claim: each vendor's last report and newer claims, extrapolation
marked, two-qubit-error diamonds at their value, doubling times as computed, crossings with
their years. (How they read, overlap and keys, is ``test_figure_check``.)"""

import numpy as np
import pytest

from qml.projection import QV_FRONTIER, project
from qml.report import plots


@pytest.fixture(scope="module")
def projection():
    return project(until=2035)


def _legend_labels(fig):
    return [t.get_text() for ax in fig.axes if ax.get_legend()
            for t in ax.get_legend().get_texts()]


def test_qv_figure_keys_last_reports_claims_and_extrapolation(projection):
    fig = plots.qv_projection(projection)
    labels = _legend_labels(fig)
    assert any(n.startswith("IBM: last confirmed QV 2023-12") and "EPLG" in n for n in labels)
    assert any(n.startswith("Quantinuum: last confirmed QV 2025-09") for n in labels)
    aqt = next(n for n in labels if n.startswith("AQT"))
    assert "claimed since: 2^15" in aqt  # LYNX, secondary reports only
    assert "dashed: extrapolated" in labels and "shaded: 95% prediction band" in labels
    ax = fig.axes[0]
    assert all(float(t).is_integer() for t in ax.get_xticks())
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"
              and len(line.get_xdata())]
    assert len(dashed) == sum(f.kind == "quantum_volume" for f in projection.qv_fits)
    for fit in projection.qv_fits:  # each extrapolated part starts at the line's last record
        if fit.kind == "quantum_volume":
            assert any(line.get_xdata()[0] == pytest.approx(fit.last_year) for line in dashed)


def test_two_qubit_error_diamonds_are_drawn_at_their_value_inside_the_frame(projection):
    fig = plots.qv_projection(projection)
    ax = fig.axes[0]
    drawn = sorted(float(y) for c in ax.collections
                   if type(c).__name__ == "PathCollection" and len(c.get_offsets())
                   and c.get_paths()[0].vertices.shape[0] == 5  # diamonds
                   for _, y in c.get_offsets())
    implied = sorted(float(r["implied_log2_qv"]) for r in projection.two_qubit_errors)
    assert drawn == implied  # nothing capped to fit the frame
    assert max(implied) < ax.get_ylim()[1]


def test_growth_figure_rows_are_the_doubling_times(projection):
    fig = plots.growth_comparison(projection)
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == len(projection.series) + len(projection.scenarios)
    points = {}
    for line in ax.get_lines():
        if len(line.get_xdata()) == 1:
            points[int(round(line.get_ydata()[0]))] = float(line.get_xdata()[0])
    months = {name: points[int(round(y))] for name, y in zip(names, ax.get_yticks())}
    from qml.report import style

    for s in projection.series:
        assert months[style.label(s["key"])] == pytest.approx(s["doubling_time_months"])
    for s in projection.scenarios:
        assert months[s["name"]] == pytest.approx(s["doubling_time_months"])


def test_frontier_figure_names_the_crossing_years(projection):
    fig = plots.verification_frontier(projection, until=2045)
    text = "\n".join(_legend_labels(fig))
    crossings = [c for c in projection.crossovers if c["qv_key"] == QV_FRONTIER]
    assert crossings
    for c in crossings:
        assert f"{c['frontier']}: {c['year']:.0f}" in text
    assert not any("n = log2 QV" in label for label in _legend_labels(fig))
    assert np.isclose(fig.axes[0].get_ylim()[1], 80)
