"""Figures of device metrics: quantum-volume trials and widths, layer fidelity and EPLG."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from qml.report import style
from qml.report.plots.common import figure_and_axes
from qml.volume.analysis import HOP_THRESHOLD, IDEAL_HOP_LIMIT

__all__ = ["qv_trials", "qv_widths", "layer_fidelity"]

def qv_trials(width_result, ax=None) -> Figure:
    """The standard QV plot of one width: each trial's HOP, the cumulative mean with its
    two-sigma band, and the 2/3 threshold.

    Examples
    --------
    >>> from qml.volume import WidthResult
    >>> fig = qv_trials(WidthResult.from_hops(3, np.linspace(0.7, 0.9, 100), shots=100))
    >>> fig.axes[0].get_ylabel()
    'heavy-output probability'
    """
    fig, ax = figure_and_axes(ax, 6, 4.4)
    hops = np.asarray(width_result.hops)
    k = np.arange(1, len(hops) + 1)
    mean = np.cumsum(hops) / k
    band = 2 * np.sqrt(mean * (1 - mean) / k)
    measured = style.color("measured")
    ax.scatter(k, hops, s=8, color=style.KEY_GREY, label="each trial's HOP")
    ax.plot(k, mean, color=measured, lw=1.5, label="cumulative mean HOP")
    # HOP is a probability: the band stops at 0 and 1
    ax.fill_between(k, np.clip(mean - band, 0, 1), np.clip(mean + band, 0, 1), color=measured,
                    alpha=0.18, lw=0, label="cumulative mean ± 2σ")
    ax.axhline(HOP_THRESHOLD, color=style.KEY_GREY, ls="--", lw=1,
               label="pass threshold 2/3")
    ax.set_ylim(0.3, 1.02)  # room for a trial at HOP 1
    ax.grid(alpha=0.25)
    style.finish(ax, f"Width {width_result.width}: {width_result.verdict}, mean HOP "
                 f"{width_result.mean_hop:.3f} ± {width_result.sigma:.3f}",
                 "trial", "heavy-output probability")
    style.legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    return fig


def qv_widths(result, ax=None, *, reported_quantum_volume: int | None = None) -> Figure:
    """Mean HOP against width, with two-sigma error bars and the 2/3 threshold; with
    ``reported_quantum_volume`` (what the device's vendor reported, for a fake device its
    ``configuration().quantum_volume``), the width that QV stands for, to compare.

    Examples
    --------
    >>> from qml.volume import QuantumVolumeResult, WidthResult
    >>> res = QuantumVolumeResult("aer", 0, 100, [WidthResult.from_hops(2, [0.8] * 100, 100)])
    >>> len(qv_widths(res).axes)
    1
    """
    fig, ax = figure_and_axes(ax, 6, 4.6)
    widths = [w.width for w in result.widths]
    for passed, marker, name in ((True, "o", "passes"), (False, "X", "fails")):
        mine = [w for w in result.widths if w.passed == passed]
        if mine:
            ax.errorbar([w.width for w in mine], [w.mean_hop for w in mine],
                        yerr=[2 * w.sigma for w in mine], fmt=marker, ms=7, capsize=3,
                        color=style.color(name), label=f"mean HOP ± 2σ: width {name}")
    ax.axhline(HOP_THRESHOLD, color=style.KEY_GREY, ls="--", lw=1,
               label="pass threshold 2/3")
    ax.axhline(IDEAL_HOP_LIMIT, color=style.KEY_GREY, ls=":", lw=1.2,
               label=f"ideal HOP, large n: (1 + ln 2)/2 = {IDEAL_HOP_LIMIT:.3f}")
    ticks = set(widths)
    if reported_quantum_volume:
        n = int(np.log2(reported_quantum_volume))
        ax.axvspan(n - 0.4, n + 0.4, color=style.KEY_GREY, alpha=0.15, lw=0, zorder=0,
                   label=f"the device's reported QV {reported_quantum_volume}: width {n}")
        ticks.add(n)
    ax.set_xticks(sorted(ticks))
    tops = [w.mean_hop + 2 * w.sigma for w in result.widths]
    bottoms = [w.mean_hop - 2 * w.sigma for w in result.widths]
    ax.set_ylim(min([0.45, *bottoms]) - 0.02, max([0.95, *tops]) + 0.02)  # every bar's caps
    style.finish(ax, f"{style.backend_label(result.backend)}: quantum volume "
                 f"{result.quantum_volume}", "width n (= depth)",
                 "mean heavy-output probability")
    ax.grid(alpha=0.25)
    style.legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    return fig


def layer_fidelity(result, ax=None) -> Figure:
    """Process infidelity of every link of a layer-fidelity chain, with its standard error,
    beside the measured EPLG (and the EPLG the reported two-qubit errors alone imply).

    Examples
    --------
    >>> from qml.layer_fidelity import LayerFidelityResult
    >>> res = LayerFidelityResult("aer:x", [0, 1, 2], [[[0, 1]], [[1, 2]]], [2, 4, 8], 3, 100,
    ...                           0, 0.97, 0.01, 0.015, 0.005,
    ...                           [{"qubits": [0, 1], "process_fidelity": 0.99, "stderr": 0.002,
    ...                             "quality": "good"},
    ...                            {"qubits": [1, 2], "process_fidelity": 0.98, "stderr": 0.003,
    ...                             "quality": "good"}], 0.012)
    >>> layer_fidelity(res).axes[0].get_ylabel()
    'process infidelity'
    """
    fig, ax = figure_and_axes(ax, width=max(4.5, 0.5 * len(result.pairs) + 3))
    labels = [f"{a}-{b}" for a, b in (p["qubits"] for p in result.pairs)]
    infidelity = [1 - p["process_fidelity"] for p in result.pairs]
    errors = [p["stderr"] or 0.0 for p in result.pairs]
    x = np.arange(len(labels))
    ax.bar(x, infidelity, yerr=errors, color=style.color("measured"), alpha=0.8, capsize=3,
           label="link infidelity (direct RB in its layer) ± 1 se")
    eplg_text = (f"EPLG {result.eplg:.4f}" if result.eplg_stderr is None
                 else f"EPLG {result.eplg:.4f} ± {result.eplg_stderr:.4f}")
    ax.axhline(result.eplg, color=style.REFERENCE, lw=1.5, label=f"measured {eplg_text}")
    if result.expected_eplg is not None:
        ax.axhline(result.expected_eplg, color=style.KEY_GREY, lw=1.2, ls="--",
                   label=f"EPLG the reported 2q errors imply: {result.expected_eplg:.4f}")
    ax.set_xticks(x, labels)
    ax.grid(axis="y", alpha=0.3)
    style.finish(ax, f"Layer fidelity {result.layer_fidelity:.3f} on {len(result.chain)} "
                 f"qubits\n{style.backend_label(result.backend)}", "link (physical qubits)",
                 "process infidelity")
    style.legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1)
    return fig
