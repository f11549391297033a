"""Progress bars: the notebook widget where ipywidgets is installed, text elsewhere (never
tqdm's "IProgress not found" warning), and a finish that says how the work ended."""

from __future__ import annotations

import importlib.util

__all__ = ["progress_bar", "finish_early"]


def progress_bar(**kwargs):
    """A tqdm bar: ``tqdm.auto`` (a widget in Jupyter) when ipywidgets is importable, the
    text bar otherwise.

    Examples
    --------
    >>> bar = progress_bar(total=3, disable=True)
    >>> _ = bar.update(3); bar.close()
    """
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm(**kwargs)


def finish_early(bar, reason: str) -> None:
    """End a bar that stopped before its total as complete, saying why (``"converged"``), so
    that it does not look aborted.

    Examples
    --------
    >>> import io
    >>> bar = progress_bar(total=100, desc="VQC", file=io.StringIO())
    >>> _ = bar.update(22); finish_early(bar, "converged"); bar.total, bar.desc
    (22, 'VQC: converged after 22 of 100')
    """
    if getattr(bar, "disable", False):
        return
    if bar.total is not None and bar.n < bar.total:
        base = (bar.desc or "").rstrip(": ")
        bar.set_description_str(f"{base}: {reason} after {bar.n} of {bar.total}",
                                refresh=False)
        bar.total = bar.n
        bar.refresh()
