"""Bad input against the Python API, one table: every call raises the documented qlimits error
with a message that names the problem, before any work."""

from __future__ import annotations

import numpy as np
import pytest

from qml import VQC
from qml.errors import (
    CircuitTooWideError,
    ConfigurationError,
    InvalidInputError,
    NotFittedError,
    QlimitsError,
    ResultFileError,
    StateTooLargeError,
    UnknownBackendError,
)

X = np.random.default_rng(0).normal(size=(12, 2))
Y = np.arange(12) % 2


def _dataset(**kwargs):
    from qml.datasets import load_dataset

    return load_dataset("iris", **kwargs)


def _qv(*args, **kwargs):
    from qml.volume import measure_quantum_volume

    return measure_quantum_volume(*args, **kwargs)


def _project(**kwargs):
    from qml.projection import project

    return project(**kwargs)


def _ledger(path, **kwargs):
    from qml.hardware.ledger import Ledger

    return Ledger(path, **kwargs)


def _layout(qubits, width):
    from qml.backends import fake_backend
    from qml.volume import check_layout

    return check_layout(fake_backend("fake_lima").target, qubits, width)


def _cost(width):
    from qml.volume import verification_cost

    return verification_cost(width)


def _result(path):
    from qml.hardware.job_results import load_result

    return load_result(path)


def _fifo(tmp):
    import os

    path = tmp / "fifo.json"
    os.mkfifo(path)
    return path


def _fitted(cls):
    from qml.models.qsvc import QSVC

    model = VQC(maxiter=2, seed=0) if cls == "vqc" else QSVC(seed=0)
    return model.fit(X, Y)


def _predict_qv(widths):
    from qml.volume import predict_quantum_volume

    return predict_quantum_volume("aer:fake_kolkata", widths)


def _deep(levels):
    doc: list = []
    for _ in range(levels):
        doc = [doc]
    return {"format": "qlimits.quantum_volume", "format_version": 2, "widths": doc}


CASES = [
    (lambda tmp: _dataset(test_size=0), ConfigurationError, "test_size=0"),
    (lambda tmp: _dataset(classes=[7]), ConfigurationError, "classes [7] not in 'iris'"),
    (lambda tmp: _dataset(classes=[0]), InvalidInputError, "fewer than two classes"),
    (lambda tmp: _dataset(n_features=9), ConfigurationError, "has only 4 features"),
    (lambda tmp: VQC(maxiter=0).fit(X, Y), ConfigurationError, "maxiter"),
    (lambda tmp: VQC().fit(np.where(X > 1, np.nan, X), Y), InvalidInputError, "NaN"),
    (lambda tmp: VQC().fit(X, np.zeros(12)), InvalidInputError, "two classes"),
    (lambda tmp: VQC().predict(X), NotFittedError, "fit"),
    (lambda tmp: VQC(backend="nope").fit(X, Y), UnknownBackendError, "unknown backend 'nope'"),
    (lambda tmp: VQC(n_qubits=40).fit(X, Y), QlimitsError, "40"),
    (lambda tmp: VQC(checkpoint=str(tmp / "notes.txt")).fit(X, Y), ConfigurationError,
     "refusing to overwrite"),
    (lambda tmp: VQC(checkpoint=str(tmp / "no" / "ck.json")).fit(X, Y), ConfigurationError,
     "missing or not writable"),
    (lambda tmp: _qv("statevector", [1]), ConfigurationError, "widths must be integers >= 2"),
    (lambda tmp: _qv("statevector", [2], trials=0), ConfigurationError, "trials"),
    (lambda tmp: _qv("nope", [2]), UnknownBackendError, "unknown backend"),
    (lambda tmp: _qv("aer:fake_lima", [6]), CircuitTooWideError, "exceeds the 5 qubits"),
    (lambda tmp: _qv("aer:fake_lima", [2], qubits=[0, 0]), ConfigurationError, "repeat a qubit"),
    (lambda tmp: _qv("aer:fake_lima", [2], qubits=[0, 4], trials=2), ConfigurationError,
     "not connected"),
    (lambda tmp: _qv("statevector", [40]), StateTooLargeError, "40-qubit"),
    (lambda tmp: _layout([0, 9], 2), ConfigurationError, "qubits [9] are not on the device"),
    (lambda tmp: _project(until=2020), ConfigurationError, "needs a horizon after them"),
    (lambda tmp: _project(vendor="Acme"), ConfigurationError, "no records of vendor 'Acme'"),
    (lambda tmp: _project(vendor="Honeywell"), ConfigurationError, "fitted as Quantinuum"),
    (lambda tmp: _project(data=tmp / "missing.csv"), InvalidInputError, "no such file"),
    (lambda tmp: _cost(40), StateTooLargeError, "40-qubit"),
    (lambda tmp: _ledger(tmp / "notes.txt"), ResultFileError, "is not a qlimits job ledger"),
    (lambda tmp: _ledger(tmp / "none.db", create=False), ResultFileError, "no job ledger at"),
    (lambda tmp: _ledger(tmp / "l.db").list(0), ConfigurationError, "limit must be a positive"),
    (lambda tmp: _result(tmp / "job_1.npz"), ResultFileError, "no such result file"),
    (lambda tmp: _result(tmp / "notes.txt"), ResultFileError, "not a readable result file"),
    # backends that are not backends, labels of another kind, inputs that never end
    (lambda tmp: _qv(None, [2]), UnknownBackendError, "backend must be a string; got None"),
    (lambda tmp: _qv(object(), [2]), UnknownBackendError, "valid backends"),
    (lambda tmp: _qv("statevector", [1100]), ConfigurationError, "widths are at most 60"),
    (lambda tmp: _qv("statevector", [2], trials=10**12), ConfigurationError, "trials must be"),
    (lambda tmp: _predict_qv([1100]), ConfigurationError, "widths are at most 60"),
    (lambda tmp: _predict_qv(range(2, 10**9)), ConfigurationError, "widths are at most 60"),
    (lambda tmp: _fitted("vqc").score(X, np.array(["a", "b"] * 6)), InvalidInputError,
     "y holds text labels, but this VQC was fitted on number labels"),
    (lambda tmp: _fitted("vqc").score(X, X[:, 0]), InvalidInputError, "continuous"),
    (lambda tmp: _fitted("vqc").score(X, Y[:3]), InvalidInputError, "one label per sample"),
    (lambda tmp: _fitted("qsvc").score(X, np.array(["a", "b"] * 6)), InvalidInputError,
     "this QSVC was fitted on number labels"),
    (lambda tmp: _project(until=10**6), ConfigurationError, "at most 100 years"),
    (lambda tmp: _project(until=2035.5), ConfigurationError, "whole year"),
    (lambda tmp: _project(start_year=float("nan")), ConfigurationError, "finite number"),
    (lambda tmp: _project(start_year=-1e9), ConfigurationError, "give a year between"),
    (lambda tmp: _project(data=_fifo(tmp)), InvalidInputError, "not a regular file (a FIFO)"),
    (lambda tmp: _project(data="/dev/zero"), InvalidInputError, "not a regular file"),
    (lambda tmp: _ledger(_fifo(tmp)), ResultFileError, "is not a regular file"),
    (lambda tmp: _ledger("/dev/zero"), ResultFileError, "is not a regular file"),
    (lambda tmp: _result(_fifo(tmp)), ResultFileError, "not a regular file"),
    (lambda tmp: _result("/dev/zero"), ResultFileError, "not a regular file"),
    (lambda tmp: VQC.load(_fifo(tmp)), ResultFileError, "not a regular file (a FIFO)"),
    (lambda tmp: VQC.load("/dev/zero"), ResultFileError, "not a regular file (a device)"),
    (lambda tmp: _dataset_csv("/dev/zero"), ResultFileError, "not a regular file"),
    (lambda tmp: _qv_result().from_dict(_deep(100_000)), ResultFileError, "nested deeper"),
    (lambda tmp: VQC.load(None), ConfigurationError, "expected the path of a file; got None"),
    (lambda tmp: _qv_result().load(123), ConfigurationError, "expected the path of a file"),
    (lambda tmp: _dataset_csv(None), ConfigurationError, "expected the path of a CSV file"),
    (lambda tmp: _many_lines(tmp), ResultFileError, "more than 1,000,000 lines"),
    (lambda tmp: VQC(seed=-1).fit(X, Y), ConfigurationError, "seed must be None or a whole"),
    (lambda tmp: VQC(seed="abc").fit(X, Y), ConfigurationError, "seed must be None or a whole"),
    (lambda tmp: _dataset(seed=-5), ConfigurationError, "seed must be None or a whole"),
    (lambda tmp: VQC(backend="aer", shots=10**15).fit(X, Y), ConfigurationError,
     "shots must be a positive integer, at most 10,000,000"),
    (lambda tmp: VQC(ansatz_reps=10**9).fit(X, Y), ConfigurationError, "ansatz_reps must be"),
    (lambda tmp: VQC(maxiter=10**12).fit(X, Y), ConfigurationError, "maxiter must be"),
    (lambda tmp: VQC(n_qubits=1100).fit(X, Y), ConfigurationError, "n_qubits must be"),
    (lambda tmp: _fitted_qsvc(bandwidth=1e300), ConfigurationError, "at most 1000"),
]


def _many_lines(tmp):
    path = tmp / "many.csv"
    path.write_text("a,b\n" + "1,0\n" * 1_000_001)
    return _dataset_csv(path)


def _fitted_qsvc(**kwargs):
    from qml.models.qsvc import QSVC

    return QSVC(**kwargs).fit(X, Y)


def _dataset_csv(path):
    from qml.datasets import load_csv

    return load_csv(path)


def _qv_result():
    from qml.volume import QuantumVolumeResult

    return QuantumVolumeResult


@pytest.mark.parametrize("call, error, fragment", CASES,
                         ids=[f"{i}-{c[1].__name__}" for i, c in enumerate(CASES)])
def test_bad_input_raises_the_documented_error(tmp_path, call, error, fragment):
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes, not a qlimits file\n" * 20)
    with pytest.raises(error) as caught:
        call(tmp_path)
    assert fragment in str(caught.value)
    assert notes.read_text() == "my own notes, not a qlimits file\n" * 20


def test_suspicious_values_warn():
    from qml.volume import measure_quantum_volume

    with pytest.warns(UserWarning, match="repeat a width"):
        result = measure_quantum_volume("statevector", [2, 2], trials=2, seed=0)
    assert [w.width for w in result.widths] == [2, 2]


def test_a_future_record_is_refused(tmp_path):
    from qml.projection import project

    path = tmp_path / "records.csv"
    path.write_text("date,vendor,system,quantum_volume,source_url,status,note\n"
                    "2019-01-08,IBM,x,16,https://example.org,confirmed,\n"
                    "2020-08-20,IBM,y,64,https://example.org,confirmed,\n"
                    "2099-02-01,IBM,z,128,https://example.org,confirmed,\n")
    with pytest.raises(InvalidInputError, match="line 4: dated 2099-02-01, in the future"):
        project(data=path)
    path.write_text(path.read_text().replace("2099-02-01", "2021-02-30"))
    with pytest.raises(InvalidInputError, match="bad day in date '2021-02-30'"):
        project(data=path)
