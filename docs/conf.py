"""Sphinx configuration of qlimits' documentation site.

Build it with ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (warnings
are errors). The notebooks are copied from ``notebooks/`` and executed by MyST-NB (cached in
``docs/_build/.jupyter_cache``); ``QLIMITS_NOTEBOOK_SMALL=1`` runs them at small settings.
"""

import os
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

from qml.version import __version__  # noqa: E402

project = "qlimits"
author = "the qlimits developers"
copyright = "2026, the qlimits developers"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "myst_nb",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

# the API reference: numpydoc docstrings, members in each module's __all__ order
autodoc_default_options = {"members": True, "member-order": "bysource",
                           "undoc-members": False, "show-inheritance": False}
autodoc_typehints = "none"
autodoc_class_signature = "separated"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True
napoleon_custom_sections = [("Examples", "rubric")]
nitpicky = False

# the notebooks, executed with their figures, as a reader sees them
# QLIMITS_DOCS_EXECUTE=0 renders the notebooks without running them (a quick look at the pages)
nb_execution_mode = "cache" if os.environ.get("QLIMITS_DOCS_EXECUTE", "1") != "0" else "off"
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

html_theme = "pydata_sphinx_theme"
html_title = f"qlimits {__version__}"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_context = {"default_mode": "light"}  # the figures are drawn for a light page
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_sidebars = {"index": [], "install": []}


def _copy_sources() -> None:
    """The notebooks and the figures the pages show live elsewhere in the repository: copy
    them in (``_generated/`` and ``_static/`` are build inputs, never edited by hand)."""
    notebooks = DOCS / "_generated" / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        target = notebooks / path.name
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)  # unchanged copies keep their execution cache
    shutil.copyfile(ROOT / "benchmarks" / "scaling.png", DOCS / "_static" / "scaling.png")
    shutil.copyfile(ROOT / "CHANGELOG.md", DOCS / "_generated" / "CHANGELOG.md")
    # a notebook's job ledger and runs stay inside the build
    os.environ.setdefault("QLIMITS_LEDGER", str(DOCS / "_build" / "ledger" / "ledger.db"))
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # as in Jupyter


_copy_sources()
