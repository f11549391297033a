"""One style for every qlimits figure: sizes readable at 100 dpi, a display name for every
data key, one colour per concept across figures, footnotes below the axes, whole-year ticks.

Figures are ``qml.report.style.Figure``: a matplotlib ``Figure`` that shows itself in Jupyter
(``_repr_png_``) whether or not pyplot was ever imported in the kernel, so a cell that ends in
``plots.qv_projection(p)`` shows the picture, not ``<Figure size 700x450 with 1 Axes>``.

Examples
--------
>>> fig = figure(4, 3)
>>> fig._repr_png_()[:4] == b"\\x89PNG"
True
>>> label("moore_law"), color("IBM") == color("IBM")
("Moore's law (transistors per chip)", True)
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure as _MplFigure
from matplotlib.ticker import MaxNLocator

__all__ = ["Figure", "figure", "label", "color", "legend", "footnote", "year_axis", "SIZES",
           "KEY_GREY", "REFERENCE", "backend_label", "dataset_label"]

SIZES = {"title": 10, "label": 9, "tick": 8, "legend": 8, "footnote": 7, "note": 7.5}

# Data keys (CSV names, fit keys, model names) -> what a reader sees.
LABELS = {
    "moore_law": "Moore's law (transistors per chip)",
    "ai_compute_amodei_2018": "AI training compute (Amodei & Hernandez 2018)",
    "ai_compute_sevilla_2022_deep_learning": "AI training compute, deep-learning era "
                                             "(Sevilla et al. 2022)",
    "ai_compute_sevilla_2022_large_scale": "AI training compute, large-scale models "
                                           "(Sevilla et al. 2022)",
    "ai_compute_epoch_2024": "AI training compute (Epoch AI 2024)",
    "state_vector_simulation": "largest state-vector simulation (qubits)",
    "gpu_price_performance": "GPU FLOP/s per dollar (Epoch AI)",
    "top500_rmax": "TOP500 #1 speed (Rmax)",
    "state_vector_record": "largest state-vector simulation",
    "top500_memory": "state vector in the TOP500 #1's memory",
    "qv_frontier": "QV record frontier (all vendors)",
    "qv_ibm": "IBM QV",
    "qv_quantinuum": "Quantinuum QV (all results)",
    "qv_quantinuum_records": "Quantinuum QV records",
    "qv_implied_ibm": "IBM QV implied by two-qubit errors",
    "permutation": "permutation",
    "impurity": "impurity",
    "input_gradient": "input gradient",
    "logistic_regression": "logistic regression",
    "random_forest": "random forest",
    "rbf_svm": "SVM (RBF kernel)",
    "decision_tree": "decision tree",
    "naive_bayes": "naive Bayes",
    "mlp": "neural network (MLP)",
    "vqc": "VQC (quantum)",
    "qsvc": "QSVC (quantum kernel)",
    "vqr": "VQR (quantum)",
    "qkrr": "QKRR (quantum kernel)",
    "qsvr": "QSVR (quantum kernel)",
    "qgpr": "QGPR (quantum kernel)",
    "ridge": "ridge regression",
    "svr": "SVR (RBF kernel)",
    "gradient_boosting": "gradient boosting",
    "knn": "k nearest neighbours",
}

# One colour per concept, the same in every figure (colour-blind-safe Okabe-Ito first).
COLORS = {
    "IBM": "#0072B2", "Quantinuum": "#D55E00", "Honeywell": "#D55E00", "IQM": "#009E73",
    "AQT (Alpine Quantum Technologies)": "#CC79A7", "IonQ": "#E69F00", "Google": "#56B4E9",
    "qv_frontier": "#000000", "classical": "#666666", "quantum": "#D55E00",
    # classical compute: each trend its own hue, none of them a vendor's
    "moore_law": "#999933", "top500_rmax": "#117733", "top500_memory": "#117733",
    "gpu_price_performance": "#8C564B",
    "ai_compute_amodei_2018": "#9467BD", "ai_compute_sevilla_2022_deep_learning": "#C51B7D",
    "ai_compute_sevilla_2022_large_scale": "#4B2C82", "ai_compute_epoch_2024": "#B39DDB",
    "state_vector_simulation": "#882255", "state_vector_record": "#882255",
    "qv_ibm": "#0072B2", "qv_quantinuum": "#D55E00", "qv_quantinuum_records": "#D55E00",
    "qv_implied_ibm": "#0072B2",
    "measured": "#0072B2", "passes": "#009E73", "fails": "#D55E00",
    # models: quantum in the quantum colour family, classical each its own
    "vqc": "#D55E00", "qsvc": "#8B3A00", "logistic_regression": "#0072B2",
    "decision_tree": "#009E73", "random_forest": "#56B4E9", "rbf_svm": "#CC79A7",
    "mlp": "#332288", "naive_bayes": "#7F7F7F",
}
# The colour of keys and references (chance level, thresholds, "dashed: extrapolated"): a
# style, not a series, so it may key several things in one figure.
KEY_GREY = "#737373"
REFERENCE = "#000000"
_CYCLE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
          "#000000", "#8C564B", "#7F7F7F"]


class Figure(_MplFigure):
    """A matplotlib figure that renders itself in Jupyter without pyplot."""

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=100)
        return buf.getvalue()


def figure(width: float = 5.5, height: float = 3.8, footnote_lines: int = 0) -> Figure:
    """A constrained-layout figure in inches, leaving ``footnote_lines`` of room at the
    bottom for ``footnote``.

    Examples
    --------
    >>> figure(7, 4.5, footnote_lines=2).get_size_inches().tolist()
    [7.0, 4.5]
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    if footnote_lines:
        share = min(0.3, footnote_lines * SIZES["footnote"] * 1.5 / 72 / height)
        fig.get_layout_engine().set(rect=(0, share, 1, 1 - share))
    return fig


def label(key: str) -> str:
    """The display name of a data key; the key itself (underscores as spaces) when unknown.

    Examples
    --------
    >>> label("rbf_svm"), label("my_model")
    ('SVM (RBF kernel)', 'my model')
    """
    return LABELS.get(key, str(key).replace("_", " "))


def backend_label(backend: str) -> str:
    """What a reader calls a backend string.

    Examples
    --------
    >>> backend_label("aer:fake_kolkata"), backend_label("fake:fake_lima")
    ('Kolkata noise model (Aer)', 'Lima noise model (local)')
    >>> backend_label("ibm:ibm_torino"), backend_label("statevector")
    ('IBM Torino', 'exact simulator')
    """
    kind, _, name = str(backend).partition(":")
    device = name.removeprefix("fake_").removeprefix("ibm_").replace("_", " ").title()
    if kind == "aer" and name:
        return f"{device} noise model (Aer)"
    if kind == "fake":
        return f"{device} noise model (local)"
    if kind == "ibm":
        return f"IBM {device}"
    return {"statevector": "exact simulator", "aer": "Aer simulator",
            "shots": "shot simulator"}.get(backend, str(backend).replace("_", " "))


def dataset_label(name: str) -> str:
    """What a reader calls a dataset: a built-in name in words, a file by its file name.

    Examples
    --------
    >>> dataset_label("breast_cancer"), dataset_label("ad_hoc"), dataset_label("runs/my_data.csv")
    ('breast cancer', 'ad hoc', 'my_data.csv')
    """
    name = str(name)
    if name.lower().endswith((".csv", ".json")) or "/" in name:
        return name.rsplit("/", 1)[-1]
    return name.replace("_", " ")


def color(key: str, index: int = 0) -> str:
    """The concept's colour; for a key without one, colour ``index`` of the cycle.

    Examples
    --------
    >>> color("IBM"), color("unknown", 1)
    ('#0072B2', '#D55E00')
    """
    return COLORS.get(key, _CYCLE[index % len(_CYCLE)])


def legend(ax, **kwargs):
    """``ax.legend`` at the style's size (kwargs pass through)."""
    kwargs.setdefault("fontsize", SIZES["legend"])
    kwargs.setdefault("frameon", False)
    return ax.legend(**kwargs)


def footnote(fig, text: str) -> None:
    """Text under the axes, in the room ``figure(footnote_lines=...)`` left: never on them."""
    fig.text(0.01, 0.005, text, fontsize=SIZES["footnote"], va="bottom", ha="left",
             wrap=True, color="0.3")


def year_axis(ax) -> None:
    """Whole years on the x axis (no 2017.5)."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_xlabel("year", fontsize=SIZES["label"])


def finish(ax, title: str | None = None, xlabel: str | None = None,
           ylabel: str | None = None) -> None:
    """Title and labels at the style's sizes, ticks at the tick size."""
    if title is not None:
        ax.set_title(title, fontsize=SIZES["title"])
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=SIZES["label"])
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=SIZES["label"])
    ax.tick_params(labelsize=SIZES["tick"])
