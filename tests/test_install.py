"""The README's two commands, as a newcomer runs them: in one fresh virtual environment, in
either order and repeated, with an empty home folder.

``pip install . && qlimits demo``, then ``pip install -e ".[test]"`` in the same environment
once left ``site-packages/qml/`` behind (numba's cache files, which pip does not know), an empty
namespace package that shadowed the editable install. This test runs the sequence in a venv
that sees this environment's packages (nothing is downloaded but the build backend), on a copy
of the checkout, and checks every command after every step.

It takes about a minute and a half, so it is marked ``install`` and left out of the plain
``pytest`` run; ``.ci/run`` runs it (``pytest -m install``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.install


def _checkout_copy(dest: Path) -> Path:
    """The files git would check out (tracked and new, not ignored), copied to ``dest``."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                             "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory):
    """A copy of the checkout, a fresh venv and an empty home folder."""
    base = tmp_path_factory.mktemp("newcomer")
    src = _checkout_copy(base / "qlimits")
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(base / "venv")
    (base / "home").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QLIMITS_", "MPLCONFIG",
                                                                    "XDG_", "PYTHON"))}
    env.update(HOME=str(base / "home"), MPLBACKEND="Agg",
               PATH=f"{base / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return src, base / "venv" / "bin", env, base


def _run(command: str, cwd: Path, env: dict, timeout: int = 600) -> str:
    proc = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout + proc.stderr


def _site_packages(bin_dir: Path) -> Path:
    out = subprocess.run([str(bin_dir / "python"), "-c", "import sysconfig; "
                          "print(sysconfig.get_paths()['purelib'])"], capture_output=True,
                         text=True, check=True)
    return Path(out.stdout.strip())


def _works(src: Path, bin_dir: Path, env: dict, work: Path, demo: bool) -> None:
    """qlimits answers, imports from the right place, reads its data, draws its figures."""
    work.mkdir(exist_ok=True)
    assert _run("qlimits --version", work, env).startswith("qlimits ")
    _run("qlimits -q qv project --out runs/projection", work, env)
    assert (work / "runs" / "projection" / "growth.png").is_file()
    if demo:
        out = _run("qlimits demo", work, env)
        assert "test accuracy" in out and (work / "runs" / "demo" / "model.json").is_file()
    where = _run("cd / && python -c 'import qml, circuits; print(qml.__file__)'", work, env)
    assert Path(where.strip()).is_file()


def test_the_readme_commands_in_either_order_and_repeated(newcomer):
    src, bin_dir, env, base = newcomer
    site = _site_packages(bin_dir)
    assert str(site).startswith(str(base))
    # 1. the main job
    _run("pip install -q . && qlimits demo", src, env)
    assert not [p for p in (site / "qml").rglob("*") if p.suffix in (".nbi", ".nbc")]
    assert list((base / "home" / ".cache" / "qlimits" / "numba").rglob("*.nbi"))
    # 2. the tests' install in the same environment: no qml/ left in site-packages
    _run('pip install -q -e ".[test]"', src, env)
    assert not (site / "qml").exists(), sorted(p.name for p in (site / "qml").rglob("*"))
    _works(src, bin_dir, env, base / "after_editable", demo=True)
    where = _run("cd / && python -c 'import qml; print(qml.__file__)'", src, env)
    assert Path(where.strip()).parent == src / "qml"  # the editable checkout, not a shadow
    _run("python -m pytest -q -p no:cacheprovider tests/qml/test_paths.py", src, env)
    # 3. the other order, and again
    _run("pip install -q .", src, env)
    _works(src, bin_dir, env, base / "after_regular", demo=False)
    _run('pip install -q -e ".[test]"', src, env)
    assert not (site / "qml").exists()
    _works(src, bin_dir, env, base / "again_editable", demo=False)
    assert not (base / "home" / ".qlimits").exists()  # no job ledger for exact work


def test_uninstalling_leaves_nothing_of_qlimits_in_site_packages(newcomer):
    src, bin_dir, env, _ = newcomer
    site = _site_packages(bin_dir)
    _run("pip install -q . && qlimits -q demo --out runs/demo2", src, env)
    _run("pip uninstall -y -q qlimits", src, env)
    assert not (site / "qml").exists() and not (site / "circuits").exists()
    assert sys.prefix not in str(site)  # the venv's, never this environment's
