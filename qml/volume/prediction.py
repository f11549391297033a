"""The heavy-output probability, and the quantum volume, that a device's error rates imply.

The model (a global-depolarizing, "digital" error model): a trial circuit that suffers no
error gives its ideal HOP ``h``; any error scrambles its output towards uniform, HOP 1/2. The
chance of no error is the product, over the gates of the circuit as the run transpiles it
(same seed, same qubits), of ``1 - r_g``, with ``r_g`` the process infidelity of that
gate's reported average error ``e_g`` on its physical qubits (``r = (d + 1) / d e``: ``5/4 e``
on two qubits, ``3/2 e`` on one; the chance that a depolarizing error is not the identity),
and over the measured qubits of ``1 - m_q`` (readout error ``m_q``)::

    HOP_i = F_i h_i + (1 - F_i) / 2,    F_i = prod_g (1 - r_g) prod_q (1 - m_q)

Left out: idle decoherence (T1/T2 while other gates run), coherent and correlated errors,
crosstalk, and the fact that a readout error only sometimes moves an output out of the
heavy set. ``benchmarks/qv_from_errors.py`` compares the prediction with the exact noisy
simulation on every fake device qiskit-ibm-runtime ships.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from circuits.quantum_volume import model_circuits
from qml.engine.memory import check_state_memory
from qml.errors import ConfigurationError
from qml.result_file import ResultFile, document_schema
from qml.volume.analysis import (
    HOP_THRESHOLD,
    IDEAL_HOP_LIMIT,
    heavy_output_probabilities,
    heavy_outputs,
)
from qml.volume.experiment import check_arguments
from qml.volume.ideal import ideal_probabilities
from qml.volume.results import WidthResult
from qml.volume.runners import AerRunner, DeviceRunner, check_widths, make_runner

__all__ = ["QuantumVolumePrediction", "circuit_fidelity", "implied_log2_qv",
           "predict_quantum_volume", "process_infidelity", "two_qubit_gates_all_to_all"]

logger = logging.getLogger(__name__)

_FREE = {"rz", "delay", "barrier", "id", "reset", "global_phase"}  # no error of their own


def process_infidelity(error: float, n_qubits: int) -> float:
    """Process infidelity ``(d + 1) / d e`` of a gate with average error ``e`` (``d = 2**n``):
    the chance that its depolarizing error is some Pauli other than the identity.

    Examples
    --------
    >>> process_infidelity(0.008, 2), process_infidelity(0.002, 1)
    (0.01, 0.003)
    """
    d = 2 ** n_qubits
    return min(1.0, error * (d + 1) / d)


def circuit_fidelity(circuit, gate_error, readout_error) -> float:
    """The no-error probability ``F`` of a transpiled circuit: ``gate_error(name, qubits)``
    gives a gate's average error on its (circuit) qubits, ``readout_error(qubit)`` a measured
    qubit's.

    Examples
    --------
    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(2, 2)
    >>> _ = qc.sx(0); _ = qc.cx(0, 1); _ = qc.measure([0, 1], [0, 1])
    >>> round(circuit_fidelity(qc, lambda name, q: {"sx": 0.001, "cx": 0.0075}[name],
    ...                        lambda q: 0.01), 6)
    0.969455
    """
    fidelity = 1.0
    for inst in circuit.data:
        name = inst.operation.name
        qubits = tuple(circuit.find_bit(q).index for q in inst.qubits)
        if name == "measure":
            fidelity *= 1 - readout_error(qubits[0])
        elif name not in _FREE:
            fidelity *= 1 - process_infidelity(gate_error(name, qubits), len(qubits))
    return fidelity


def two_qubit_gates_all_to_all(width: int) -> int:
    """Two-qubit gates of one ``width``-qubit model circuit on all-to-all connectivity:
    ``width`` layers of ``width // 2`` random SU(4) blocks, three CX (or MS) gates each.

    Examples
    --------
    >>> two_qubit_gates_all_to_all(4), two_qubit_gates_all_to_all(5)
    (24, 30)
    """
    return 3 * width * (width // 2)


def implied_log2_qv(two_qubit_error: float, max_qubits: int | None = None,
                    readout_error: float = 0.0) -> int:
    """The largest width ``n`` whose model circuits the model above predicts to pass, for a
    device whose every two-qubit gate has average error ``two_qubit_error``: all-to-all
    connectivity (no routing), no single-qubit or idle errors, the large-width ideal HOP
    ``(1 + ln 2) / 2``, and the mean-HOP threshold 2/3 without a sampling margin. An upper
    bound for a device with routing; ``max_qubits`` caps it at the device's size.

    ``F = (1 - 5/4 e) ** (3 n floor(n/2)) * (1 - m) ** n`` and ``F h + (1 - F) / 2 > 2/3``.

    Examples
    --------
    >>> implied_log2_qv(8.6e-4)  # Quantinuum H1-1's 2024 error; it reported QV 2^20
    21
    >>> implied_log2_qv(0.0049, max_qubits=20), implied_log2_qv(0.0049, max_qubits=5)
    (9, 5)
    """
    if not 0.0 <= two_qubit_error < 1.0 or not 0.0 <= readout_error < 1.0:
        raise ConfigurationError(f"errors must lie in [0, 1); got two_qubit_error="
                                 f"{two_qubit_error}, readout_error={readout_error}")
    if max_qubits is not None and max_qubits < 1:
        raise ConfigurationError(f"max_qubits must be at least 1; got {max_qubits}")
    needed = (HOP_THRESHOLD - 0.5) / (IDEAL_HOP_LIMIT - 0.5)  # the F that reaches 2/3
    gate = math.log1p(-process_infidelity(two_qubit_error, 2))
    read = math.log1p(-readout_error)
    best, n = 1, 2
    limit = max_qubits if max_qubits is not None else 10_000
    while n <= limit:
        log_f = two_qubit_gates_all_to_all(n) * gate + n * read
        if log_f <= math.log(needed):
            break
        best, n = n, n + 1
    return best


@dataclass
class QuantumVolumePrediction(ResultFile):
    """Predicted mean HOP and verdict at every width, from error rates.

    ``widths`` holds per width: ``width``, ``ideal_mean_hop`` (the trial circuits without
    noise), ``mean_fidelity`` (mean ``F``), ``two_qubit_gates`` (mean per circuit, as
    transpiled), ``predicted_mean_hop`` and ``passes`` (the mean HOP's two-sigma lower bound
    over ``trials`` trials above 2/3).
    """

    FORMAT = "qlimits.qv_prediction"
    FORMAT_VERSION = 1
    SCHEMA = document_schema({
        "backend": {"type": "string"}, "seed": {"type": ["integer", "null"]},
        "trials": {"type": "integer", "minimum": 1},
        "widths": {"type": "array", "items": {"type": "object"}},
    }, required=["backend", "trials", "widths"])

    backend: str
    seed: int | None
    trials: int
    widths: list[dict] = field(default_factory=list)

    @property
    def quantum_volume(self) -> int:
        """``2**n`` for the largest width predicted to pass; 1 when none does."""
        passing = [w["width"] for w in self.widths if w["passes"]]
        return 2 ** max(passing) if passing else 1

    def _to_body(self) -> dict:
        return {**asdict(self), "quantum_volume": self.quantum_volume}

    @classmethod
    def _from_body(cls, doc: dict) -> QuantumVolumePrediction:
        return cls(doc["backend"], doc.get("seed"), doc["trials"], doc["widths"])


def _device_errors(runner: DeviceRunner, layout: list[int]):
    target = runner.device.target

    def gate_error(name, qubits):
        physical = tuple(layout[q] for q in qubits)
        props = target[name].get(physical) if name in target.operation_names else None
        if props is None and len(physical) == 2:
            props = target[name].get(physical[::-1])
        return 0.0 if props is None or props.error is None else float(props.error)

    def readout_error(qubit):
        props = target["measure"].get((layout[qubit],))
        return 0.0 if props is None or props.error is None else float(props.error)

    return gate_error, readout_error


def predict_quantum_volume(backend, widths: Sequence[int], trials: int = 100,
                           seed: int | None = 0, qubits: Sequence[int] | None = None,
                           optimization_level: int = 3,
                           errors: Mapping[str, float] | None = None,
                           ) -> QuantumVolumePrediction:
    """Predict the mean HOP at every width, and the quantum volume, from error rates.

    Parameters
    ----------
    backend : str or AerSimulator
        ``"aer:<fake device>"``: the device's reported errors, gate by gate on the qubits the
        run would choose; or a simulator of your own with uniform ``errors``.
    widths, trials, seed, qubits, optimization_level
        As ``measure_quantum_volume``: the same trial circuits, transpiled the same way.
    errors : mapping, optional
        For a simulator of your own: average error of every gate name (and ``"measure"``:
        the readout error), the same on all qubits.

    Returns
    -------
    QuantumVolumePrediction

    Examples
    --------
    >>> pred = predict_quantum_volume("aer:fake_lima", [2, 3], trials=100, seed=0)
    >>> [w["width"] for w in pred.widths], pred.quantum_volume
    ([2, 3], 8)
    """
    check_arguments(widths, trials, None, qubits, seed)
    runner = make_runner(backend, None, seed, optimization_level, qubits)
    check_widths(runner, widths)
    check_state_memory(max(widths), advice="The prediction needs the exact ideal distribution "
                       "of every model circuit; choose smaller widths.")
    if isinstance(runner, DeviceRunner):
        if errors is not None:
            raise ConfigurationError("errors= is for a simulator of your own; a device's "
                                     "errors are its reported ones")
    elif isinstance(runner, AerRunner) and runner.transpile:
        if errors is None:
            raise ConfigurationError("a simulator of your own needs errors={gate: error, "
                                     "'measure': readout error}")
    else:
        raise ConfigurationError(f"prediction needs a device's errors: backend "
                                 f"'aer:<fake device>' or a simulator with errors=; got "
                                 f"{runner.name!r}")
    out = []
    for width in widths:
        circuits = model_circuits(int(width), trials, seed)
        ideal = ideal_probabilities(circuits)
        h = heavy_output_probabilities(ideal, heavy_outputs(ideal))  # the ideal HOPs
        isa, layout = runner.transpiled(circuits, int(width))
        if isinstance(runner, DeviceRunner):
            gate_error, readout_error = _device_errors(runner, layout)
        else:
            def gate_error(name, qubits):
                return float(errors.get(name, 0.0))

            def readout_error(qubit):
                return float(errors.get("measure", 0.0))
        fidelity = np.array([circuit_fidelity(c, gate_error, readout_error) for c in isa])
        hops = fidelity * h + (1 - fidelity) / 2
        verdict = WidthResult.from_hops(int(width), hops, None)  # the run's statistics
        mean = verdict.mean_hop
        out.append({"width": int(width), "ideal_mean_hop": float(h.mean()),
                    "mean_fidelity": float(fidelity.mean()),
                    "two_qubit_gates": float(np.mean([sum(inst.operation.num_qubits == 2
                                                          for inst in c.data) for c in isa])),
                    "predicted_mean_hop": mean, "passes": verdict.passed})
        logger.info("width %d: predicted mean HOP %.4f (fidelity %.3f)", width, mean,
                    fidelity.mean())
    return QuantumVolumePrediction(runner.name, seed, int(trials), out)
