"""Execute notebooks one at a time at full settings, as a user would (a fresh kernel,
Jupyter's default inline backend), and print each one's run time: the times in the README.

    python tools/time_notebooks.py                  # every notebook
    python tools/time_notebooks.py notebooks/02_noise_and_hardware.ipynb
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main(paths: list[str]) -> None:
    os.environ.pop("QLIMITS_NOTEBOOK_SMALL", None)  # full settings
    os.environ.pop("MPLBACKEND", None)  # the inline backend
    root = Path(__file__).resolve().parent.parent / "notebooks"
    for path in [Path(p) for p in paths] or sorted(root.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=1200, kernel_name="python3",
                       resources={"metadata": {"path": tempfile.mkdtemp()}}).execute()
        print(f"{path.name}: {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
