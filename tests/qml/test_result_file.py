"""One convention for every result: stamped to_dict/from_dict, atomic save, validated load.

Every result type is saved and loaded back, and every way a file can be broken -- missing, a
folder, empty, binary, truncated, another format, a newer version, a field missing or of the
wrong type -- gives one ResultFileError that names the file.
"""

import json
import os
import stat

import numpy as np
import pytest

from qml.errors import ResultFileError
from qml.files import atomic_write, read_json
from qml.result_file import check_stamp


def _vqc():
    from sklearn.datasets import load_iris

    from qml import VQC

    X, y = load_iris(return_X_y=True)
    return VQC(seed=0, maxiter=2).fit(X[:100], y[:100])


def _quantum_volume():
    from qml.volume import measure_quantum_volume

    return measure_quantum_volume("aer", [2, 3], trials=5, shots=20, seed=0, bootstrap=True)


def _comparison():
    from qml.compare import Comparison, ModelReport

    models = [ModelReport("vqc", [0.9, 1.0], [0.9, 1.0], 16, 0.2, 0.01, 1200.0,
                          "circuit executions (exact simulation)", "counted"),
              ModelReport("nb", [0.8, 0.7], [0.8, 0.7], 0, 0.1, 0.01, None, "not estimated",
                          "not estimated")]
    return Comparison("iris", 2, 0, ["a", "b"], models, {"vqc": {"permutation": [0.1, 0.2]}},
                      {"vqc:permutation ~ nb:permutation": None},
                      {"sizes": [5, 10], "accuracy": {"vqc": [0.5, 0.9], "nb": [0.4, 0.8]}})


def _projection():
    from qml.projection import project

    return project(until=2030)


def _cost():
    from qml.volume import verification_cost

    return verification_cost(4)


MAKERS = {"vqc": _vqc, "quantum_volume": _quantum_volume, "comparison": _comparison,
          "projection": _projection, "verification_cost": _cost}
BROKEN_FIELD = {"vqc": "n_qubits", "quantum_volume": "widths", "comparison": "models",
                "projection": "until", "verification_cost": "seconds"}


@pytest.fixture(scope="module", params=sorted(MAKERS))
def result(request):
    return request.param, MAKERS[request.param]()


def _same(a, b) -> bool:
    """Equal as saved (a VQC is an estimator: compare what it saves)."""
    return json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True)


def test_round_trip_through_dict_and_file(result, tmp_path):
    name, obj = result
    cls = type(obj)
    doc = obj.to_dict()
    assert doc["format"] == cls.FORMAT == f"qlimits.{name}"
    assert doc["format_version"] == cls.FORMAT_VERSION and doc["qlimits_version"]
    assert _same(cls.from_dict(doc), obj)
    path = obj.save(tmp_path / "deep" / "folder" / f"{name}.json")
    assert path == tmp_path / "deep" / "folder" / f"{name}.json"
    assert json.loads(path.read_text())["format"] == cls.FORMAT  # plain JSON, never a pickle
    again = cls.load(path)
    assert type(again) is cls and _same(again, obj)
    assert os.listdir(path.parent) == [path.name]  # no temporary file left behind


def _corrupt(kind: str, name: str, text: str, other_format: str):
    doc = json.loads(text)
    if kind == "truncated":
        return text[: len(text) // 2], "not valid JSON .* may be truncated"
    if kind == "binary":
        return bytes(range(256)) * 4, "not a text file"
    if kind == "empty":
        return "", "the file is empty"
    if kind == "not an object":
        return "[1, 2, 3]", "expected a JSON object .* got list"
    if kind == "other format":
        return json.dumps({**doc, "format": other_format}), \
            f"a '{other_format}' file, not a 'qlimits.{name}' file"
    if kind == "newer version":
        return json.dumps({**doc, "format_version": doc["format_version"] + 1}), \
            "written by a newer qlimits .* upgrade qlimits"
    if kind == "missing field":
        del doc[BROKEN_FIELD[name]]
        return json.dumps(doc), f"'{BROKEN_FIELD[name]}' is a required property"
    if kind == "wrong type":
        doc[BROKEN_FIELD[name]] = "seventeen"
        return json.dumps(doc), f"field '{BROKEN_FIELD[name]}': 'seventeen' is not of type"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["truncated", "binary", "empty", "not an object",
                                  "other format", "newer version", "missing field",
                                  "wrong type"])
def test_a_corrupted_file_is_one_clear_error_naming_it(result, tmp_path, kind):
    name, obj = result
    path = obj.save(tmp_path / f"{name}.json")
    other = "qlimits.projection" if name != "projection" else "qlimits.vqc"
    content, message = _corrupt(kind, name, path.read_text(), other)
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    with pytest.raises(ResultFileError, match=message) as info:
        type(obj).load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


def test_missing_files_and_folders(tmp_path):
    from qml.volume import QuantumVolumeResult

    with pytest.raises(ResultFileError, match="no such file"):
        QuantumVolumeResult.load(tmp_path / "nothing.json")
    with pytest.raises(ResultFileError, match="is a folder, not a file"):
        QuantumVolumeResult.load(tmp_path)
    with pytest.raises(ResultFileError, match="^<dict>: "):
        QuantumVolumeResult.from_dict({"format": "qlimits.quantum_volume"})


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    path = atomic_write(tmp_path / "a.json", '{"old": true}')
    mode = stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # as an ordinary new file

    def half_then_crash(f):
        f.write(b'{"new": ')
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, half_then_crash)
    assert path.read_text() == '{"old": true}' and os.listdir(tmp_path) == ["a.json"]
    atomic_write(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    arrays = {"a": np.arange(3)}
    npz = atomic_write(tmp_path / "r.npz", lambda f: np.savez(f, **arrays))
    np.testing.assert_array_equal(np.load(npz)["a"], arrays["a"])


def test_stamp_checks():
    assert check_stamp({"format": "x", "format_version": 2}, "x", 3) == 2
    assert check_stamp({"a": 1}, "x", 3, unstamped_version=0) == 0
    with pytest.raises(ResultFileError, match="format_version must be a whole number"):
        check_stamp({"format": "x", "format_version": "2"}, "x", 3)
    with pytest.raises(ResultFileError, match="no 'format' field"):
        check_stamp({"a": 1}, "x", 3)
    with pytest.raises(ResultFileError, match="no such file"):
        read_json("/no/such.json")


# ------------------------------------------------- reads that end, writes that clean up
def test_reads_refuse_what_never_ends_before_reading_it(tmp_path):
    import time

    from qml.files import read_bounded

    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # nobody writes: a blocking open would wait for ever
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(2**30)  # sparse: 1 GiB that costs no disk
    started = time.monotonic()
    for path, fragment in ((fifo, "not a regular file (a FIFO)"),
                           ("/dev/zero", "not a regular file (a device)"),
                           (tmp_path, "is a folder"), (big, "larger than 64 MiB")):
        with pytest.raises(ResultFileError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
            read_json(path)
    assert time.monotonic() - started < 5
    (tmp_path / "small.bin").write_bytes(b"12345")
    assert read_bounded(tmp_path / "small.bin", 5) == b"12345"
    with pytest.raises(ResultFileError, match="larger than 4 bytes"):
        read_bounded(tmp_path / "small.bin", 4)


@pytest.mark.parametrize("levels", [65, 100_000])
def test_json_nested_deeper_than_any_qlimits_file_is_refused(tmp_path, levels):
    path = tmp_path / "deep.json"
    path.write_text("[" * levels + "]" * levels)
    with pytest.raises(ResultFileError, match="nested deeper than any qlimits file"):
        read_json(path)
    path.write_text("[" * 64 + "]" * 64)
    assert read_json(path) is not None


WRITER = """
import sys, time
from qml.files import atomic_write
def slow(f):
    f.write(b"x" * 2**20)
    f.flush()
    print("writing", flush=True)
    time.sleep(600)
atomic_write(sys.argv[1], slow)
"""


def test_a_write_killed_midway_leaves_no_temporary_file_for_good(tmp_path):
    """SIGKILL during an atomic write leaves its temporary file; the next write of the same
    file removes it (its writer is gone), and leaves a live writer's and others' alone."""
    import signal
    import subprocess
    import sys

    target = tmp_path / "model.json"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(target)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    (left,) = [p for p in tmp_path.iterdir() if p.name != "model.json"]
    assert left.stat().st_size == 2**20 and not target.exists()
    live = tmp_path / f".model.json.{left.name.split('.')[3]}.{os.getpid()}.abc.qlimits-tmp"
    live.write_bytes(b"a live writer's")  # this process: alive
    other = tmp_path / ".model.json.notes.tmp"
    other.write_bytes(b"not ours")
    atomic_write(target, "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".model.json.notes.tmp", live.name, "model.json"])


def test_an_integer_field_holding_a_float_is_refused(tmp_path):
    """JSON Schema's "integer" admits 2.0; qlimits' files do not (Hypothesis found a QV
    width of 1.0 loading as a float)."""
    from qml.volume.results import QuantumVolumeResult, WidthResult

    doc = QuantumVolumeResult("aer", 0, 100, [WidthResult.from_hops(2, [0.8] * 3, 100)]
                              ).to_dict()
    doc["widths"][0]["width"] = 2.0
    path = tmp_path / "qv.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ResultFileError, match="2.0 is not of type 'integer'"):
        QuantumVolumeResult.load(path)
    doc["widths"][0]["width"] = 2
    path.write_text(json.dumps(doc))
    assert QuantumVolumeResult.load(path).widths[0].width == 2
