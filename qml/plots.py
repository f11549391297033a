"""Every figure qlimits draws, in one style. Plots take results; they never recompute them
beyond evaluating a fitted model on a grid."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

__all__ = ["loss_curve", "decision_regions", "save_figure"]


def _figure(width: float = 5.5, height: float = 3.8) -> tuple[Figure, object]:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def loss_curve(loss: np.ndarray, title: str = "VQC training loss", ax=None) -> Figure:
    """Training loss against iteration.

    Examples
    --------
    >>> fig = loss_curve(np.array([1.0, 0.5, 0.25]))
    >>> fig.axes[0].get_xlabel()
    'iteration'
    """
    fig, ax = _figure() if ax is None else (ax.figure, ax)
    ax.plot(np.arange(1, len(loss) + 1), loss, color="C0", lw=1.5)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cross-entropy (bits)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig


def decision_regions(model, X: np.ndarray, y: np.ndarray, resolution: int = 60,
                     title: str = "VQC decision regions", ax=None) -> Figure:
    """Predicted class over a grid of a two-feature problem, with the data on top.

    Examples
    --------
    >>> from qml import VQC
    >>> from sklearn.datasets import make_moons
    >>> X, y = make_moons(40, random_state=0)
    >>> fig = decision_regions(VQC(seed=0, maxiter=5).fit(X, y), X, y, resolution=10)
    >>> len(fig.axes)
    1
    """
    if X.shape[1] != 2:
        raise ValueError(f"decision regions need two features; X has {X.shape[1]}")
    fig, ax = _figure(5, 4.2) if ax is None else (ax.figure, ax)
    pad = 0.05 * (X.max(axis=0) - X.min(axis=0))
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    index = np.searchsorted(model.classes_, model.predict(grid)).reshape(g0.shape)
    ax.contourf(g0, g1, index, levels=np.arange(len(model.classes_) + 1) - 0.5,
                cmap="coolwarm", alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=np.searchsorted(model.classes_, y), cmap="coolwarm",
               edgecolor="k", s=18)
    ax.set_xlabel("feature 0")
    ax.set_ylabel("feature 1")
    ax.set_title(title)
    return fig


def save_figure(fig: Figure, path) -> Path:
    """Save a figure (PNG at 150 dpi unless the suffix says otherwise) and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    return path
