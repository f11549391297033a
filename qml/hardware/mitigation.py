"""Readout mitigation with M3: matrix-free measurement mitigation (Nation, Kang, Sundaresan
and Gambetta, PRX Quantum 2, 040326 (2021)), through the ``mthree`` package.

A device misreads a qubit: prepared in 0 it reads 1 with some probability, and the other way
round. M3 measures those probabilities on the qubits a run measures (its *calibration*), and
corrects each circuit's counts by solving the calibration's linear system in the subspace of
the bit strings that occurred, which gives quasi-probabilities: their expectation values are
the readout-corrected ones, and their all-zeros entry a readout-corrected kernel value.

qlimits runs the calibration itself, so that it goes where the run's jobs go: on ``fake:``
and ``ibm:`` through the job ledger as one job of two circuits (every measured qubit
prepared in 0, then every one in 1: mthree's ``"marginal"`` calibration), reused from the
ledger by a later run rather than sent again; on ``aer:<fake>`` on Aer's simulator of the
device. The correction itself is mthree's (``M3Mitigation.cals_from_matrices`` and
``apply_correction``), unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister

from qml.errors import ConfigurationError

__all__ = ["MITIGATIONS", "CALIBRATION_SHOTS", "ReadoutMitigator", "calibration_circuits",
           "single_qubit_matrices", "measured_qubits", "check_mitigation",
           "MAX_OUTCOME_QUBITS", "calibration_jobs", "simulated_calibration"]

logger = logging.getLogger(__name__)

MITIGATIONS = ("m3",)
CALIBRATION_SHOTS = 10_000  # mthree's own default: min(10^4, the backend's max shots)
MAX_OUTCOME_QUBITS = 16  # quasi-probabilities as rows of 2**n outcomes (kernels): n at most


def check_mitigation(mitigation, backend: str) -> None:
    """None, or ``"m3"`` on a backend with a device's readout errors (``aer:<fake>``,
    ``fake:``, ``ibm:``).

    Examples
    --------
    >>> check_mitigation("m3", "fake:fake_lima")
    >>> try:
    ...     check_mitigation("m3", "statevector")
    ... except ConfigurationError as exc:
    ...     print(str(exc)[:59])
    mitigation='m3' corrects a device's readout errors; backend
    """
    from qml.backends.spec import parse_backend

    if mitigation is None:
        return
    if mitigation not in MITIGATIONS:
        raise ConfigurationError(f"mitigation={mitigation!r}: one of {', '.join(MITIGATIONS)} "
                                 "or None")
    spec = parse_backend(backend)
    if not (spec.runtime or spec.kind == "aer_noisy"):
        raise ConfigurationError(f"mitigation={mitigation!r} corrects a device's readout "
                                 f"errors; backend {backend!r} has none: use aer:<fake>, "
                                 "fake: or ibm:")


def measured_qubits(isa_circuit: QuantumCircuit) -> list[int]:
    """The physical qubit each classical bit of a transpiled circuit reads, in bit order
    (the last measurement into each bit).

    Examples
    --------
    >>> qc = QuantumCircuit(3, 2); _ = qc.measure(2, 0); _ = qc.measure(0, 1)
    >>> measured_qubits(qc)
    [2, 0]
    """
    read = {}
    for inst in isa_circuit.data:
        if inst.operation.name == "measure":
            read[isa_circuit.find_bit(inst.clbits[0]).index] = \
                isa_circuit.find_bit(inst.qubits[0]).index
    if sorted(read) != list(range(isa_circuit.num_clbits)):
        raise ConfigurationError(f"circuit {isa_circuit.name!r} does not measure every "
                                 "classical bit: readout mitigation needs each bit's qubit")
    return [read[b] for b in range(isa_circuit.num_clbits)]


def calibration_circuits(qubits: Sequence[int], n_device: int) -> list[QuantumCircuit]:
    """The two calibration circuits of the physical ``qubits`` on an ``n_device``-qubit
    device: all prepared in 0, then all in 1 (``x``), each measured into the bit of its
    position in ``qubits``. They are ISA circuits already (``x`` and ``measure``).

    Examples
    --------
    >>> zeros, ones = calibration_circuits([3, 1], 5)
    >>> dict(ones.count_ops()), measured_qubits(ones)
    ({'x': 2, 'measure': 2}, [3, 1])
    """
    out = []
    for name, flip in (("m3_cal_zeros", False), ("m3_cal_ones", True)):
        qc = QuantumCircuit(QuantumRegister(n_device, "q"),
                            ClassicalRegister(len(qubits), "meas"), name=name)
        if flip:
            for q in qubits:
                qc.x(q)
        for bit, q in enumerate(qubits):
            qc.measure(q, bit)
        out.append(qc)
    return out


def single_qubit_matrices(zeros: dict, ones: dict, qubits: Sequence[int],
                          n_device: int) -> list:
    """Each device qubit's 2x2 readout matrix ``[[P(0|0), P(0|1)], [P(1|0), P(1|1)]]`` from
    the counts of the two calibration circuits (mthree's ``"marginal"`` calibration; None
    for a qubit not calibrated).

    Examples
    --------
    >>> m = single_qubit_matrices({"00": 90, "01": 10}, {"11": 80, "10": 20}, [0, 1], 2)
    >>> m[0].astype(float).round(2).tolist(), m[1].astype(float).round(2).tolist()
    ([[0.9, 0.2], [0.1, 0.8]], [[1.0, 0.0], [0.0, 1.0]])
    """
    matrices: list = [None] * n_device
    k = len(qubits)
    for position, q in enumerate(qubits):
        index = k - position - 1  # bit strings are written with bit 0 last
        p00 = sum(v for key, v in zeros.items() if key[index] == "0") / sum(zeros.values())
        p11 = sum(v for key, v in ones.items() if key[index] == "1") / sum(ones.values())
        matrices[q] = np.array([[p00, 1 - p11], [1 - p00, p11]], dtype=np.float32)
        if 1 - p11 >= p00:
            raise ConfigurationError(f"qubit {q} reads 0 as often from 1 as from 0 "
                                     f"(P(0|0) {p00:.2f}, P(0|1) {1 - p11:.2f}): its readout "
                                     "cannot be corrected; leave it out")
    return matrices


def calibration_jobs(isa_circuits, target) -> list:
    """The cost-estimate ``JobGroup`` of calibrating the qubits ``isa_circuits`` measure on
    a device whose ``target`` gives durations: one job of the two calibration circuits at
    ``CALIBRATION_SHOTS`` (``qml.hardware.pricing``)."""
    from qml.hardware.pricing import JobGroup, circuit_seconds

    qubits = sorted({q for isa in isa_circuits for q in measured_qubits(isa)})
    circuits = calibration_circuits(qubits, isa_circuits[0].num_qubits)
    seconds = float(np.mean([circuit_seconds(c, target) for c in circuits]))
    return [JobGroup("m3_calibration", 1, len(circuits), CALIBRATION_SHOTS, seconds)]


class ReadoutMitigator:
    """M3 with the readout matrices of one device's qubits (``single_qubit_matrices``).

    Examples
    --------
    >>> a = np.array([[0.95, 0.08], [0.05, 0.92]])
    >>> mit = ReadoutMitigator([a])
    >>> quasi = mit.quasi({"0": 700, "1": 300}, [0])
    >>> bool(np.allclose([quasi["0"], quasi["1"]], np.linalg.solve(a, [0.7, 0.3]), atol=1e-6))
    True
    """

    def __init__(self, matrices: Sequence):
        try:
            import mthree
        except ImportError as exc:
            raise ConfigurationError("mitigation='m3' needs the mthree package: pip install "
                                     "'qlimits[ibm]'") from exc

        self.matrices = list(matrices)
        self._m3 = mthree.M3Mitigation()
        self._m3.cals_from_matrices(self.matrices)

    @classmethod
    def calibrated(cls, run: Callable[[list], list], qubits: Sequence[int],
                   n_device: int) -> ReadoutMitigator:
        """Calibrate ``qubits`` with ``run(circuits) -> [counts of each]`` (the caller's
        job path: the ledger, or a simulator)."""
        zeros, ones = run(calibration_circuits(qubits, n_device))
        logger.info("M3 calibration of qubits %s: P(0|0) %s, P(1|1) %s", list(qubits),
                    _rounded(zeros, qubits, "0"), _rounded(ones, qubits, "1"))
        return cls(single_qubit_matrices(zeros, ones, qubits, n_device))

    def quasi(self, counts: dict, qubits: Sequence[int]):
        """mthree's quasi-probabilities of ``counts`` whose bits read the physical
        ``qubits`` (bit 0 first)."""
        return self._m3.apply_correction(counts, list(qubits))

    def expectations(self, bits, observables, qubits: Sequence[int]) -> np.ndarray:
        """Readout-corrected expectation values ``(rows, len(observables))`` of Z-type
        observables (``SparsePauliOp``) from a BitArray of shape ``(rows,)``."""
        out = np.empty((bits.size, len(observables)))
        for row, counts in enumerate(_row_counts(bits)):
            quasi = self.quasi(counts, qubits)
            for k, op in enumerate(observables):
                out[row, k] = sum(float(np.real(c)) * quasi.expval(label)
                                  for label, c in op.to_list())
        return out

    def quasi_rows(self, result, qubits: Sequence[int]) -> np.ndarray:
        """Readout-corrected quasi-probabilities, rows by ``2**n`` outcomes (outcome ``i``:
        bit ``b`` is ``(i >> b) & 1``), of a BitArray of shape ``(rows,)`` or of counts
        already in that layout (rows by outcomes, as the engine draws them)."""
        n = len(qubits)
        if n > MAX_OUTCOME_QUBITS:
            raise ConfigurationError(f"mitigation='m3' here lists all 2**{n} outcomes of "
                                     f"each circuit; at most {MAX_OUTCOME_QUBITS} measured "
                                     "qubits")
        rows = (_row_counts(result) if not isinstance(result, np.ndarray)
                else [{format(i, f"0{n}b"): int(c) for i, c in enumerate(row) if c}
                      for row in result])
        out = np.zeros((len(rows), 2**n))
        for r, counts in enumerate(rows):
            for key, value in self.quasi(counts, qubits).items():
                out[r, int(key, 2)] = value
        return out


def simulated_calibration(simulator, seed: int | None) -> Callable[[list], list]:
    """``run(circuits) -> [counts of each]`` of calibration circuits on an Aer ``simulator``
    of a device (``aer:<fake>``), at ``CALIBRATION_SHOTS``."""
    from qiskit_aer.primitives import SamplerV2

    def run(circuits):
        sampler = SamplerV2.from_backend(simulator, seed=seed,
                                         default_shots=CALIBRATION_SHOTS)
        return [r.data.meas.get_counts() for r in
                sampler.run([(c,) for c in circuits]).result()]

    return run


def _row_counts(bits) -> list[dict]:
    flat = bits.reshape(-1) if bits.ndim != 1 else bits
    return [flat[i].get_counts() for i in range(flat.size)]


def _rounded(counts: dict, qubits, value: str) -> list[float]:
    k, total = len(qubits), sum(counts.values())
    return [round(sum(v for key, v in counts.items() if key[k - p - 1] == value) / total, 3)
            for p in range(k)]
