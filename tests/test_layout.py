"""The house in layers (``docs/architecture.md``): the sizes a reader can hold in mind, and the
direction of imports between the layers."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted(p for package in ("qml", "circuits") for p in (ROOT / package).rglob("*.py"))
MAX_MODULE_LINES, MAX_CLASS_LINES = 500, 300
# a layer may import the layers after it in this list, never those before it
LAYERS = ["qml.cli", "qml.report.plots", "qml.compare", "qml.models", "qml.projection",
          "qml.layer_fidelity", "qml.volume", "qml.distributed", "qml.backends",
          "qml.hardware", "qml.backends.spec", "qml.engine", "qml.report.progress",
          "qml.report.style", "circuits"]
CONVENTIONS = {"experiment", "analysis"}  # qiskit-experiments' rooms, one per experiment


def _layer(module: str) -> int | None:
    """The index of the longest layer prefix of ``module`` (None: a shared base module)."""
    matches = [(len(prefix), k) for k, prefix in enumerate(LAYERS)
               if module == prefix or module.startswith(prefix + ".")]
    return max(matches)[1] if matches else None


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_or_class_is_too_long_to_read(path):
    lines = path.read_text().splitlines()
    assert len(lines) <= MAX_MODULE_LINES, f"{len(lines)} lines"
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.ClassDef):
            size = node.end_lineno - node.lineno + 1
            assert size <= MAX_CLASS_LINES, f"class {node.name}: {size} lines"


def test_imports_flow_down_the_layers():
    """circuits knows no backend; the engine knows no backend string; the hardware path no
    estimator; nothing imports the CLI -- at module level or inside a function."""
    upward = []
    for path in LIBRARY:
        here = _layer(_module(path))
        if here is None:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                there = _layer(node.module)
                if there is not None and there < here:
                    upward.append(f"{_module(path)} imports {node.module}")
    assert not upward, upward


def test_no_two_modules_share_a_name_within_the_library():
    """One name, one thing: the command groups of ``qml.cli`` are named for the domain they
    drive, ``experiment`` and ``analysis`` are the same two rooms of every experiment (as in
    qiskit-experiments), and every other module name is used once."""
    seen = {}
    for path in LIBRARY:
        if (path.name in ("__init__.py", "__main__.py") or path.parent.name == "cli"
                or path.stem in CONVENTIONS):
            continue
        seen.setdefault(path.stem, []).append(str(path.relative_to(ROOT)))
    clashes = {name: paths for name, paths in seen.items() if len(paths) > 1}
    assert not clashes, clashes


def test_the_command_line_starts_without_loading_qiskit_or_scikit_learn():
    """``qlimits --help`` and a bad option answer at once: each command group imports what
    it works with when it runs, not when the parser is built."""
    import subprocess
    import sys

    code = ("import sys, qml.cli; qml.cli.build_parser(); "
            "print(sorted(m for m in ('qiskit', 'sklearn', 'scipy', 'matplotlib') "
            "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"
