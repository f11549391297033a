"""Quantum volume (Cross et al., Phys. Rev. A 100, 032328, 2019), in rooms named for what
they hold -- experiment, execution and analysis apart, as in qiskit-experiments:

==================  ==========================================================================
module              what it holds
==================  ==========================================================================
``experiment``      ``measure_quantum_volume``: the sweep over widths (model circuits,
                    ideal distributions, a run, the analysis) in batches of trials, in
                    this process or on Dask, early stop, progress, checkpoint and resume;
                    ``measure_devices``: the sweeps of several fake devices at once;
                    ``estimate_quantum_volume``: its QPU cost on fake:/ibm:, unsent
``runners``         where the trials of a width run: one runner per kind of backend
                    (ideal, Aer, noisy fake device, IBM runtime), chosen by ``make_runner``
``devices``         qubit selection, basis gates and device errors of a fake device
``ideal``           exact ideal output distributions of model circuits
``prediction``      ``predict_quantum_volume``: the HOPs and QV a device's error rates imply
``analysis``        pure functions: heavy outputs, HOPs, statistics, trials needed, bootstrap
``results``         ``WidthResult`` and ``QuantumVolumeResult`` (saved as JSON)
``verification``    the classical cost of verifying QV on this machine (``VerificationCost``)
``qpu_cost``        what a sweep costs on fake:/ibm: before it is sent (its jobs, priced)
==================  ==========================================================================

The model circuits themselves are pure construction, in ``circuits.quantum_volume``. Every
name below is importable from ``qml.volume`` directly.

Examples
--------
>>> from qml.volume import measure_quantum_volume
>>> measure_quantum_volume("statevector", widths=[2, 3], trials=100, seed=1).quantum_volume
8
"""

from qml.volume.analysis import (
    CONFIDENCE,
    HOP_THRESHOLD,
    IDEAL_HOP_LIMIT,
    MIN_TRIALS,
    Z,
    bootstrap_lower_bound,
    heavy_output_probabilities,
    heavy_outputs,
    hop_confidence,
    hop_statistics,
    trials_needed,
)
from qml.volume.devices import (
    check_layout,
    device_basis,
    device_errors,
    restricted_noise_model,
    select_qubits,
)
from qml.volume.experiment import (
    TRIAL_BATCH,
    estimate_quantum_volume,
    measure_devices,
    measure_quantum_volume,
)
from qml.volume.ideal import ideal_probabilities
from qml.volume.prediction import QuantumVolumePrediction, predict_quantum_volume
from qml.volume.results import QuantumVolumeResult, WidthResult
from qml.volume.runners import METHODS, make_runner
from qml.volume.verification import VerificationCost, verification_cost

__all__ = [
    "CONFIDENCE", "HOP_THRESHOLD", "IDEAL_HOP_LIMIT", "MIN_TRIALS", "Z", "METHODS",
    "bootstrap_lower_bound", "heavy_output_probabilities", "heavy_outputs", "hop_confidence",
    "hop_statistics", "trials_needed", "ideal_probabilities", "select_qubits", "check_layout",
    "device_basis",
    "device_errors", "restricted_noise_model", "make_runner", "measure_quantum_volume",
    "estimate_quantum_volume", "measure_devices", "TRIAL_BATCH",
    "WidthResult", "QuantumVolumeResult", "VerificationCost", "verification_cost",
    "predict_quantum_volume", "QuantumVolumePrediction",
]
