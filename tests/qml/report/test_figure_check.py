"""Every figure qlimits draws is checked the way a reviewer looks at it: no overlapping or
clipped text, no raw data keys, every series keyed, one colour per meaning. The checker itself
is tested on figures built to fail each check."""

import numpy as np
import pytest

from qml.report import plots, style
from qml.report.figure_check import check_figure


def _axes(width=4, height=3):
    fig = style.figure(width, height)
    return fig, fig.add_subplot()


# -- the checker finds each defect ----------------------------------------------------------

def test_a_clean_figure_passes():
    fig, ax = _axes()
    ax.plot([0, 1], [0, 1], color="#0072B2", label="measured")
    ax.axhline(0.5, color=style.KEY_GREY, ls="--", label="threshold")
    ax.legend(loc="lower right")
    ax.set_title("A clean figure")
    assert check_figure(fig) == []


def test_overlapping_texts_are_found():
    fig, ax = _axes()
    ax.plot([0, 1], [0, 1], color="#0072B2", label="measured")
    ax.legend(loc="lower right")
    ax.text(0.05, 0.9, "first note", transform=ax.transAxes)
    ax.text(0.07, 0.9, "second note", transform=ax.transAxes)
    assert any(p.startswith("overlap: 'first note'") for p in check_figure(fig))


def test_tick_labels_running_into_each_other_are_found():
    fig, ax = _axes(3, 3)
    ax.bar(range(4), [1, 2, 3, 4], color="#0072B2", label="count")
    ax.set_xticks(range(4), ["a long label"] * 4)
    ax.legend(loc="upper left")
    assert any("(x tick)" in p and p.startswith("overlap") for p in check_figure(fig))


def test_a_legend_on_data_and_a_label_on_a_line_are_found():
    fig, ax = _axes()
    ax.plot([0, 1], [1, 1], color="#0072B2", label="flat series")
    ax.scatter([0.02], [0.98], color="#0072B2")
    ax.legend(loc="upper left")
    ax.annotate("on the line", (0.5, 1.0))
    problems = check_figure(fig)
    assert any("a legend covers" in p for p in problems), problems
    assert any("'on the line' (annotation) sits on the line" in p for p in problems), problems


def test_clipped_text_and_markers_are_found():
    fig, ax = _axes()
    ax.scatter([0.5, 1.0], [0.5, 2.0], color="#0072B2", label="points")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right")
    fig.text(0.9, 0.5, "a note that runs off the edge")
    problems = check_figure(fig)
    assert any("runs off the figure" in p for p in problems), problems
    assert any(p.startswith("clipped: 1 marker") for p in problems), problems


@pytest.mark.parametrize("text", ["qv_implied_ibm", "aer:fake_kolkata: QV 32", "x3",
                                  "ibm_torino"])
def test_raw_keys_are_found(text):
    fig, ax = _axes()
    ax.set_title(text)
    assert any(p.startswith("raw key") for p in check_figure(fig))


def test_file_names_and_ordinary_words_are_not_raw_keys():
    fig, ax = _axes(7, 3)
    ax.set_title("Sources: qml/data/qv_records.csv, two_qubit_errors.csv; log2 QV")
    assert check_figure(fig) == []


def test_a_series_without_a_key_is_found():
    fig, ax = _axes()
    ax.plot([0, 1], [0, 1], color="#0072B2", label="keyed")
    ax.plot([0, 1], [1, 0], color="#D55E00")
    ax.plot([0, 1], [0.5, 0.6], color="#0072B2", ls=":")
    ax.legend(loc="center right")
    problems = check_figure(fig)
    assert any("#D55E00 has no legend entry" in p for p in problems), problems
    assert any("line style ':'" in p for p in problems), problems


def test_an_axes_only_series_is_named_by_its_axis_label_error_bars_included():
    fig, ax = _axes()
    ax.errorbar([0, 1, 2], [0.8, 0.9, 0.85], yerr=[0, 0.01, 0.02], fmt="o", capsize=3,
                color="#0072B2")
    ax.set_ylabel("test accuracy")
    assert check_figure(fig) == []
    ax.errorbar([0, 1, 2], [0.6, 0.7, 0.75], yerr=0.01, fmt="o", capsize=3, color="#D55E00")
    assert any("#D55E00 has no legend entry" in p for p in check_figure(fig))


def test_a_figure_legend_keys_the_error_bars_of_every_axes():
    fig = style.figure(8, 3)
    axes = fig.subplots(1, 2)
    for ax in axes:
        ax.errorbar([0, 1], [0.4, 0.6], yerr=0.02, fmt="o", capsize=3, color="#0072B2",
                    label="device noise")
        ax.errorbar([0.2, 1.2], [0.45, 0.5], yerr=0.02, fmt="o", capsize=3, color="#D55E00",
                    label="device noise, M3")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=2)
    assert check_figure(fig) == []


def test_one_colour_for_two_things_and_lookalike_keys_are_found():
    fig, ax = _axes(5, 3)
    ax.plot([0, 1], [0, 1], color="#D55E00", label="threshold")
    ax.plot([0, 1], [1, 0], color="#D55E00", ls="--", label="fails")
    ax.plot([0, 1], [0.2, 0.3], color="#4D4D4D", ls="--", label="TOP500")
    ax.plot([0, 1], [0.4, 0.5], color="#555555", ls="--", label="Honeywell")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    problems = check_figure(fig)
    assert any("means both 'threshold' and 'fails'" in p for p in problems), problems
    assert any("'TOP500' and 'Honeywell' look alike" in p for p in problems), problems


def test_one_subject_may_keep_its_colour_across_entries():
    fig, ax = _axes(5, 3)
    ax.plot([0, 1], [0, 1], color="#D55E00", label="Quantinuum QV records")
    ax.plot([0, 1], [1, 0], color="#D55E00", ls=":", label="Quantinuum QV (all results)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    assert check_figure(fig) == []


# -- every figure qlimits makes passes ------------------------------------------------------

@pytest.fixture(scope="module")
def inputs():
    from sklearn.datasets import load_iris, make_moons

    from qml import VQC
    from qml.compare import compare
    from qml.layer_fidelity import LayerFidelityResult
    from qml.models.kernel_metrics import KernelConcentration
    from qml.projection import project
    from qml.volume import QuantumVolumeResult, WidthResult

    iris = load_iris()
    report = compare(iris.data, iris.target, dataset="iris", vqc=VQC(seed=0, maxiter=5),
                     folds=2, seed=0, feature_names=list(iris.feature_names),
                     learning_sizes=(0.3, 1.0), learning_repeats=2)
    rng = np.random.default_rng(0)
    widths = [WidthResult.from_hops(n, np.clip(rng.normal(0.86 - 0.035 * n, 0.08, 100), 0, 1),
                                    100) for n in range(2, 8)]
    qv = QuantumVolumeResult("aer:fake_kolkata", 0, 100, widths)
    links = [{"qubits": [q, q + 1], "process_fidelity": 0.99 - 0.002 * q, "stderr": 0.002,
              "quality": "good"} for q in range(7)]
    lf = LayerFidelityResult("aer:fake_kolkata", list(range(8)),
                             [[[0, 1], [2, 3], [4, 5], [6, 7]], [[1, 2], [3, 4], [5, 6]]],
                             [2, 4, 8, 16], 6, 512, 0, 0.91, 0.0113, 0.0114, 0.002, links, 0.012)
    concentration = KernelConcentration("zz", 2, [2, 4, 6], [1.0, 0.5],
                                        [[0.1, 0.01, 0.001], [0.2, 0.1, 0.05]],
                                        [[0.3, 0.1], [0.2, 0.1]], 10)
    X, y = make_moons(40, noise=0.15, random_state=0)
    vqc = VQC(seed=0, maxiter=5).fit(X, y)
    projection = project(until=2035)
    return {
        "qv_projection": lambda: plots.qv_projection(projection),
        "growth_comparison": lambda: plots.growth_comparison(projection),
        "verification_frontier": lambda: plots.verification_frontier(projection, until=2045),
        "comparison": lambda: plots.comparison(report),
        "importances": lambda: plots.importances(report),
        "learning_curves": lambda: plots.learning_curves(report),
        "qv_widths": lambda: plots.qv_widths(qv, reported_quantum_volume=128),
        "qv_trials": lambda: plots.qv_trials(widths[1]),
        "layer_fidelity": lambda: plots.layer_fidelity(lf),
        "kernel_concentration": lambda: plots.kernel_concentration(concentration),
        "kernel_matrix": lambda: plots.kernel_matrix(
            np.exp(-np.abs(np.subtract.outer(y, y)) - 0.1), y),
        "loss_curve": lambda: plots.loss_curve(vqc.loss_curve_),
        "decision_regions": lambda: plots.decision_regions(vqc, X, y, resolution=12),
    }


FIGURES = sorted(set(plots.__all__) - {"save_figure"})


def test_every_figure_is_checked(inputs):
    assert sorted(inputs) == FIGURES  # a new figure must join the check


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_reads_cleanly(inputs, name):
    assert check_figure(inputs[name]()) == []
