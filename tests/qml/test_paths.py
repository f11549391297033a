"""The places qlimits owns: the per-user cache (numba's compiled kernels never inside the
installed package), package data read by path, the default ledger."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import qml
from qml.errors import ConfigurationError
from qml.paths import cache_dir, data_file, default_ledger_path, kernel_cache_dir


def test_package_data_is_read_by_plain_path():
    assert data_file("qv_records.csv").read_text(encoding="utf-8").startswith("date,")
    assert data_file("qv_records.csv").parent == Path(qml.__file__).parent / "data"


def test_the_cache_follows_qlimits_cache_dir_and_refuses_an_unwritable_one(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("QLIMITS_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" and kernel_cache_dir() == tmp_path / "c" / "numba"
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("QLIMITS_CACHE_DIR", str(tmp_path / "file" / "c"))
    with pytest.raises(ConfigurationError, match="QLIMITS_CACHE_DIR=.* cannot be written"):
        cache_dir()


def test_a_home_that_cannot_be_written_falls_back_to_a_private_temporary_folder(tmp_path,
                                                                                monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.delenv("QLIMITS_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "file" / "home"))
    folder = cache_dir()
    assert folder.is_dir() and not str(folder).startswith(str(tmp_path))
    assert folder.name.startswith("qlimits-")


def test_the_default_ledger_lives_under_qlimits_ledger_or_the_home_folder(monkeypatch,
                                                                          tmp_path):
    monkeypatch.setenv("QLIMITS_LEDGER", str(tmp_path / "l.db"))
    assert default_ledger_path() == tmp_path / "l.db"
    monkeypatch.delenv("QLIMITS_LEDGER")
    assert default_ledger_path() == Path.home() / ".qlimits" / "ledger.db"


def test_the_compiled_kernels_go_to_the_cache_never_beside_the_package(tmp_path):
    """A fresh process with an empty cache compiles the kernels into it; nothing numba writes
    lands in the package folder (where pip would leave it behind)."""
    package = Path(qml.__file__).parent
    before = {p for p in package.rglob("*") if p.suffix in (".nbi", ".nbc")}
    env = {**os.environ, "QLIMITS_CACHE_DIR": str(tmp_path)}
    code = ("import numpy as np\n"  # one small real circuit: forward and adjoint compiled
            "from qiskit import QuantumCircuit\n"
            "from qiskit.circuit import ParameterVector\n"
            "from qiskit.quantum_info import SparsePauliOp\n"
            "from qml.engine.statevector import compile_circuit, compiled_on_disk\n"
            "print(compiled_on_disk())\n"
            "x, w = ParameterVector('x', 1), ParameterVector('w', 1)\n"
            "qc = QuantumCircuit(2); qc.ry(x[0], 0); qc.cx(0, 1); qc.ry(w[0], 1)\n"
            "ec = compile_circuit(qc, list(x), list(w), [SparsePauliOp('IZ')])\n"
            "X, W = np.full((1, 1), 0.3), np.full((1, 1), 0.2)\n"
            "ec.expectations(X, W); ec.vjp(X, W, np.ones((1, 1, 1)))\n"
            "print(compiled_on_disk())")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]
    assert list((tmp_path / "numba").rglob("drivers.forward-*.nbi"))
    assert {p for p in package.rglob("*") if p.suffix in (".nbi", ".nbc")} == before == set()
