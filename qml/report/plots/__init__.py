"""Every figure qlimits draws, in one style. Plots take results; they never recompute them
beyond evaluating a fitted model on a grid. Single-panel figures draw into ``ax`` when given
(and return its figure); otherwise they make a new ``Figure``.

One module per domain: ``models`` (training, comparison, kernels), ``device`` (quantum volume,
layer fidelity), ``projection`` (records, growth, frontier); ``common`` holds what they share.
Every figure is importable from ``qml.report.plots`` directly.
"""

from qml.report.plots.common import save_figure
from qml.report.plots.device import layer_fidelity, qv_trials, qv_widths
from qml.report.plots.models import (
    comparison,
    decision_regions,
    importances,
    kernel_concentration,
    kernel_matrix,
    learning_curves,
    loss_curve,
)
from qml.report.plots.projection import growth_comparison, qv_projection, verification_frontier

__all__ = ["loss_curve", "decision_regions", "save_figure", "qv_trials", "qv_widths",
           "comparison", "importances", "learning_curves", "qv_projection",
           "growth_comparison", "verification_frontier", "kernel_concentration",
           "kernel_matrix", "layer_fidelity"]
