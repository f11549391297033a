"""Execute every notebook as a user would (a fresh kernel with Jupyter's default inline
backend) at a small setting, and check what the user sees: every cell that draws a figure
shows an image, every figure shown passes the figure check (``qml.report.figure_check``), and
no output holds an error, a traceback or a warning.

The notebooks run two at a time (each in its own kernel process), which saves a third of
the suite's notebook time on two cores."""

import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
DRAWS = re.compile(r"^(?!.*save_figure).*\b(plots\.(?!save_figure)\w+\(|plt\.subplots\()",
                   re.MULTILINE)
WARNING = re.compile(r"(Warning|Traceback|Error)\b")
TIMES = Path(os.environ.get("QLIMITS_NOTEBOOK_TIMES", "")) if os.environ.get(
    "QLIMITS_NOTEBOOK_TIMES") else None


def test_notebooks_exist():
    assert any(p.name.startswith("01_") for p in NOTEBOOKS)


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return output.get("data", {}).get("text/plain", "")


# Run before the notebook's first cell: every figure the notebook shows (plt.show(), a
# figure a cell returns, display(fig)) goes through the figure check as Jupyter renders it.
CHECK_FIGURES = """\
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
plt.close(plt.figure())  # the inline backend registers its PNG formatter on first use
from qml.report.figure_check import check_figure
FIGURE_DEFECTS = []
_png = get_ipython().display_formatter.formatters["image/png"]
_render = _png.lookup_by_type(Figure)
def _checked_render(fig, *args, **kwargs):
    FIGURE_DEFECTS.extend(f"{fig.get_suptitle() or fig.axes[0].get_title()}: {d}"
                          for d in check_figure(fig))
    return _render(fig, *args, **kwargs)
_png.for_type(Figure, _checked_render)
"""
REPORT_DEFECTS = 'import json; print("FIGURE DEFECTS " + json.dumps(FIGURE_DEFECTS))'


def _execute(path: Path, folder: Path):
    """The executed notebook (the figure check's first and last cells added) and its run
    time, or the error that stopped it."""
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        f"{path.name}: commit notebooks without outputs"
    nb.cells = ([nbformat.v4.new_code_cell(CHECK_FIGURES)] + nb.cells
                + [nbformat.v4.new_code_cell(REPORT_DEFECTS)])
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
    except Exception as exc:  # noqa: BLE001 - reported by the notebook's own test
        return nb, time.perf_counter() - start, exc
    return nb, time.perf_counter() - start, None


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    saved = {k: os.environ.get(k) for k in ("QLIMITS_NOTEBOOK_SMALL", "MPLBACKEND")}
    os.environ["QLIMITS_NOTEBOOK_SMALL"] = "1"
    os.environ.pop("MPLBACKEND", None)  # Jupyter's default: inline
    try:
        root = tmp_path_factory.mktemp("notebooks")
        with ThreadPoolExecutor(2) as pool:
            futures = {p.name: pool.submit(_execute, p, root / p.stem) for p in NOTEBOOKS}
            return {name: f.result() for name, f in futures.items()}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_shows_its_figures(path, executed):
    nb, seconds, error = executed[path.name]
    if error is not None:
        raise error
    if TIMES is not None:  # QLIMITS_NOTEBOOK_TIMES=times.json collects the run times
        times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
        times[path.name] = round(seconds, 1)
        TIMES.write_text(json.dumps(times, indent=1, sort_keys=True))
    report = "".join(_text(o) for o in nb.cells[-1].get("outputs", []))
    assert report.startswith("FIGURE DEFECTS "), report[:300]
    defects = json.loads(report[len("FIGURE DEFECTS "):])
    assert not defects, f"{path.name}'s figures:\n" + "\n".join(defects)
    for i, cell in enumerate(c for c in nb.cells[1:-1] if c.cell_type == "code"):
        outputs = cell.get("outputs", [])
        where = f"{path.name}, code cell {i + 1}"
        assert not [o for o in outputs if o.get("output_type") == "error"], where
        for o in outputs:
            text = _text(o)
            assert not (o.get("output_type") == "stream" and o.get("name") == "stderr"
                        and WARNING.search(text)), f"{where} shows: {text[:300]}"
            assert "<Figure size" not in text or "image/png" in o.get("data", {}), \
                f"{where} shows a figure's repr, not the figure"
        if DRAWS.search(cell.source):
            assert any("image/png" in o.get("data", {}) for o in outputs), \
                f"{where} draws a figure but shows no image"
