"""Property-based tests (Hypothesis): malformed dataset CSVs, model files, checkpoints, QV
result files and job result files either load into something usable or raise a documented
qlimits error (a ``QlimitsError``), never a raw exception, and are never modified."""

from __future__ import annotations

import copy
import json
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qml import VQC
from qml.datasets import load_csv
from qml.errors import QlimitsError
from qml.hardware.job_results import load_result, save_result
from qml.volume import QuantumVolumeResult, measure_quantum_volume

# 40 examples per property here; QLIMITS_HYPOTHESIS_EXAMPLES=400 for a longer search
SETTINGS = settings(max_examples=int(os.environ.get("QLIMITS_HYPOTHESIS_EXAMPLES", "40")),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])
FOLDER = Path(tempfile.mkdtemp(prefix="qlimits-bad-files-"))

# --------------------------------------------------------------------------- generators
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=8)


def _paths(doc, prefix=()):
    """Every place in a JSON document (dict keys and list items)."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:6]):
            yield from _paths(v, (*prefix, i))


@st.composite
def broken_json(draw, valid: dict) -> bytes:
    """A valid document with one thing broken: a value replaced, a key removed, the text cut
    short, or bytes that are not JSON at all."""
    kind = draw(st.sampled_from(["replace", "remove", "truncate", "bytes"]))
    text = json.dumps(valid)
    if kind == "truncate":
        return text[:draw(st.integers(0, len(text) - 1))].encode()
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    doc = copy.deepcopy(valid)
    path = draw(st.sampled_from([p for p in _paths(doc) if p]))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if kind == "remove":
        parent.pop(path[-1]) if isinstance(parent, dict) else parent.pop(path[-1])
    else:
        parent[path[-1]] = draw(JSON_VALUES)
    return json.dumps(doc).encode()  # NaN and Infinity written as JSON's extensions


def _write(data: bytes, name: str) -> Path:
    path = FOLDER / name
    path.write_bytes(data)
    return path


def _unchanged(path: Path, data: bytes) -> None:
    assert path.read_bytes() == data, "a bad file was modified"


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def small():
    from qml.datasets import load_dataset

    ds = load_dataset("iris", classes=[1, 2], n_features=2, seed=0)
    return ds.X_train[:20], ds.y_train[:20], ds.X_test[:5]


@pytest.fixture(scope="module")
def model_doc(small):
    X, y, _ = small
    VQC(maxiter=2, seed=0, ansatz_reps=1).fit(X, y).save(FOLDER / "model.json")
    return json.loads((FOLDER / "model.json").read_text())


@pytest.fixture(scope="module")
def checkpoint_doc(small):
    X, y, _ = small
    path = FOLDER / "checkpoint.json"
    VQC(maxiter=2, seed=0, ansatz_reps=1, optimizer="adam", checkpoint=str(path)).fit(X, y)
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def qv_doc():
    result = measure_quantum_volume("statevector", [2, 3], trials=3, seed=0)
    return result.to_dict()


# --------------------------------------------------------------------------------- tests
CSV_CELLS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str),
                      st.integers(-5, 5).map(str), st.sampled_from(["", " ", "x", "1e400",
                                                                    '"1,2"', "nan", "0x10"]))


@st.composite
def csv_files(draw) -> bytes:
    if draw(st.booleans()):  # rows of cells: ragged, empty, text, non-finite
        width = draw(st.integers(1, 4))
        rows = draw(st.lists(st.lists(CSV_CELLS, min_size=max(width - 1, 0),
                                      max_size=width + 1), max_size=12))
        header = ",".join(f"c{i}" for i in range(width))
        return (header + "\n" + "\n".join(",".join(r) for r in rows)).encode()
    return draw(st.binary(max_size=300))  # anything at all


@SETTINGS
@given(data=csv_files(), classes=st.one_of(st.none(), st.just(["0", "1"])))
def test_a_malformed_csv_loads_or_raises_a_qlimits_error(data, classes):
    path = _write(data, "data.csv")
    try:
        ds = load_csv(path, classes=classes, seed=0)
    except QlimitsError:
        pass
    else:  # what loads is usable: finite features, two classes at least, a split
        assert np.isfinite(ds.X_train).all() and np.isfinite(ds.X_test).all()
        assert len(set(ds.y_train.tolist())) >= 2 and len(ds.y_test) >= 1
    _unchanged(path, data)


@SETTINGS
@given(st.data())
def test_a_broken_model_file_loads_or_raises_a_qlimits_error(model_doc, small, data):
    raw = data.draw(broken_json(model_doc))
    path = _write(raw, "bad_model.json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # version notes
        try:
            model = VQC.load(path)
        except QlimitsError:
            model = None
    if model is not None:  # what loads predicts one of its classes for every sample
        labels = model.predict(small[2])
        assert set(labels.tolist()) <= set(model.classes_.tolist())
    _unchanged(path, raw)


@pytest.mark.parametrize("readout", [[], ["ZZZ"], 3, [None]])
def test_a_model_whose_readout_cannot_measure_its_circuit_is_refused_at_load(model_doc,
                                                                             readout):
    """Found by the property above: an empty observable list loaded, then failed to predict."""
    from qml.errors import ResultFileError

    doc = {**model_doc, "params": {**model_doc["params"], "readout": readout}}
    with pytest.raises(ResultFileError, match="inconsistent qlimits.vqc document"):
        VQC.from_dict(doc)


def test_a_class_label_beyond_its_dtype_is_refused_at_load(model_doc):
    """Found by the property above: 2**63 in an int64 label column overflowed at load."""
    from qml.errors import ResultFileError

    doc = {**model_doc, "classes": [2**63, 2], "classes_dtype": "<i8"}
    with pytest.raises(ResultFileError, match="inconsistent qlimits.vqc document "
                                              r"\(OverflowError"):
        VQC.from_dict(doc)


@SETTINGS
@given(st.data())
def test_a_broken_checkpoint_resumes_or_raises_a_qlimits_error(checkpoint_doc, small, data):
    raw = data.draw(broken_json(checkpoint_doc))
    path = _write(raw, "bad_checkpoint.json")
    X, y, _ = small
    model = VQC(maxiter=3, seed=0, ansatz_reps=1, optimizer="adam", checkpoint=str(path),
                resume=True)
    try:
        model.fit(X, y)
    except QlimitsError:
        _unchanged(path, raw)  # refused before training: the file is as it was
    else:  # resumed (or started afresh from a file it may overwrite: its own checkpoint)
        assert np.isfinite(model.weights_).all() and np.isfinite(model.loss_)


@SETTINGS
@given(st.data())
def test_a_broken_qv_result_loads_or_raises_a_qlimits_error(qv_doc, data):
    raw = data.draw(broken_json(json.loads(json.dumps(qv_doc))))
    path = _write(raw, "bad_qv.json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = QuantumVolumeResult.load(path)
        except QlimitsError:
            result = None
    if result is not None:  # what loads answers its questions
        assert isinstance(result.quantum_volume, int)
        for w in result.widths:
            assert isinstance(w.width, int)
    _unchanged(path, raw)


@SETTINGS
@given(cut=st.integers(0, 400), noise=st.binary(max_size=40))
def test_a_damaged_job_result_loads_or_raises_a_qlimits_error(cut, noise):
    good = save_result(FOLDER, 7, {"pub0": np.zeros((8, 1), np.uint8),
                                   "pub0_bits": np.array(3)}).read_bytes()
    raw = good[:cut] + noise
    path = _write(raw, "job_9.npz")
    try:
        pubs = load_result(path)
    except QlimitsError:
        pubs = None
    if pubs is not None:
        assert all(bits.dtype == np.uint8 and 0 < n <= 8 * bits.shape[-1] for bits, n in pubs)
    _unchanged(path, raw)
