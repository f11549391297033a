"""The public surface: what modules import from each other is exported, everything exported
is documented, no module reads another's private attributes, ``import circuits`` stays light,
and the version is defined once."""

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("qml", "circuits")


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        names.append(package)
        pkg = importlib.import_module(package)
        names += [m.name for m in pkgutil.walk_packages(pkg.__path__, f"{package}.")]
    return sorted(names)


MODULES = _modules()


def _source(module: str) -> tuple[Path, ast.Module]:
    path = Path(importlib.import_module(module).__file__)
    return path, ast.parse(path.read_text())


def test_every_module_declares_its_public_names():
    for module in MODULES:
        mod = importlib.import_module(module)
        assert hasattr(mod, "__all__"), f"{module} has no __all__"
        for name in mod.__all__:
            assert hasattr(mod, name), f"{module}.__all__ lists {name!r}, which is missing"


def test_what_modules_import_from_each_other_is_exported():
    for module in MODULES:
        _, tree = _source(module)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.split(".")[0] in PACKAGES):
                continue
            target = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(target, "__path__") and \
                        importlib.util.find_spec(f"{node.module}.{alias.name}") is not None:
                    continue  # a submodule
                assert alias.name in target.__all__, \
                    f"{module} imports {alias.name} from {node.module}, which does not export it"


# numba has no public way to send one package's cache elsewhere; qml.paths registers a cache
# locator through these internals, and the kernels compile without a disk cache where they
# differ (tests/qml/test_paths.py checks where the cache goes).
THIRD_PARTY_INTERNALS = {("paths.py", a) for a in (
    "_CacheImpl", "_SourceFileBackedLocatorMixin", "_CacheLocator", "_locator_classes")}


def test_no_module_reads_another_modules_private_attributes():
    for module in MODULES:
        path, tree = _source(module)
        text = path.read_text()
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                continue
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            if isinstance(owner, ast.Call) and getattr(owner.func, "id", None) == "super":
                continue
            defined_here = (f"def {node.attr}(" in text or f"self.{node.attr} =" in text
                            or (path.name, node.attr) in THIRD_PARTY_INTERNALS)
            assert defined_here, f"{path.name}:{node.lineno} reads {ast.unparse(node)}"


def _public_objects():
    for module in MODULES:
        mod = importlib.import_module(module)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and \
                    getattr(obj, "__module__", "").split(".")[0] in PACKAGES:
                yield f"{module}.{name}", obj


def test_public_functions_classes_and_methods_have_docstrings():
    missing = []
    for where, obj in _public_objects():
        if not inspect.getdoc(obj):
            missing.append(where)
        if inspect.isclass(obj):
            for name, member in vars(obj).items():
                if name.startswith("_"):
                    continue
                if isinstance(member, (classmethod, staticmethod)):
                    member = member.__func__
                if isinstance(member, property):
                    member = member.fget
                # an override may take its base class's docstring (inspect.getdoc does)
                if inspect.isfunction(member) and not inspect.getdoc(getattr(obj, name)):
                    missing.append(f"{where}.{name}")
    assert not missing, f"no docstring: {sorted(set(missing))}"


def test_importing_circuits_and_errors_stays_light():
    code = ("import sys, circuits, qml, qml.errors; "
            "print(sorted(m for m in ('sklearn', 'qiskit_aer', 'matplotlib', 'jsonschema') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip()
    assert out == "[]"


def test_not_fitted_error_is_also_scikit_learns():
    from sklearn.exceptions import NotFittedError as Theirs

    from qml.errors import NotFittedError, QlimitsError

    assert issubclass(NotFittedError, Theirs) and issubclass(NotFittedError, QlimitsError)


def test_the_version_is_defined_once():
    from importlib.metadata import version

    import qml
    from qml.version import __version__

    assert qml.__version__ == __version__ == version("qlimits")
    assert '\nversion = "' not in (ROOT / "pyproject.toml").read_text()


@pytest.mark.parametrize("name", ["VQC", "load_dataset", "__version__"])
def test_the_package_entry_points(name):
    import qml

    assert getattr(qml, name) is not None
