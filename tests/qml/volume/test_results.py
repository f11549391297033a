"""Quantum-volume results: verdicts, the quantum volume, files of qlimits 0.1."""

import json

import pytest

from qml.errors import ResultFileError
from qml.volume import QuantumVolumeResult, WidthResult


def test_verdicts_and_quantum_volume():
    ok = WidthResult.from_hops(3, [0.85] * 100, shots=100)
    bad = WidthResult.from_hops(4, [0.6] * 100, shots=100)
    few = WidthResult.from_hops(2, [0.9] * 20, shots=10)
    assert (ok.verdict, bad.verdict) == ("pass", "fail")
    assert not few.passed and not few.certified and few.verdict == "no verdict (20 < 100 trials)"
    assert bad.trials_needed is None and ok.trials_needed == 100
    assert QuantumVolumeResult("aer", 0, 100, [few, ok, bad]).quantum_volume == 8
    assert QuantumVolumeResult("aer", 0, 100, [few, bad]).quantum_volume == 1


def test_files_written_by_qlimits_0_1_load(tmp_path):
    """0.1 wrote no format stamp; such a file is read as format version 0."""
    w = WidthResult.from_hops(2, [0.8] * 100, shots=10)
    old = {"quantum_volume": 4, "backend": "aer", "seed": 1, "shots": 10,
           "widths": [{**w.__dict__}]}
    (tmp_path / "qv.json").write_text(json.dumps(old))
    res = QuantumVolumeResult.load(tmp_path / "qv.json")
    assert res.widths == [w] and res.quantum_volume == 4
    assert res.to_dict()["format"] == "qlimits.quantum_volume"


def test_inconsistent_files_are_refused(tmp_path):
    res = QuantumVolumeResult("aer", 0, 10, [WidthResult.from_hops(2, [0.8] * 100, 10)])
    doc = res.to_dict()
    with pytest.raises(ResultFileError, match="disagrees with the width verdicts"):
        QuantumVolumeResult.from_dict({**doc, "quantum_volume": 64})
    doc["widths"][0]["hops"] = doc["widths"][0]["hops"][:5]
    with pytest.raises(ResultFileError, match="5 HOPs for 100 trials"):
        QuantumVolumeResult.from_dict(doc)


def test_the_json_text_methods_deprecated_in_0_2_are_gone():
    res = QuantumVolumeResult("aer", 0, 10, [WidthResult.from_hops(2, [0.8] * 100, 10)])
    assert not hasattr(res, "to_json") and not hasattr(QuantumVolumeResult, "from_json")
    assert QuantumVolumeResult.from_dict(res.to_dict()) == res
