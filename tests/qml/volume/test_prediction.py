"""The QV-from-errors model against the exact noisy simulation: uniform depolarizing noise,
where the model's assumption holds, and a fake device, where it is an approximation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qml.errors import ConfigurationError
from qml.volume import (
    QuantumVolumePrediction,
    measure_quantum_volume,
    predict_quantum_volume,
)

ROOT = Path(__file__).resolve().parents[3]
E2, E1 = 0.01, 0.001  # average gate errors of the uniform model


def _uniform_depolarizing_simulator():
    from qiskit.transpiler import CouplingMap
    from qiskit_aer import AerSimulator
    from qiskit_aer.noise import NoiseModel, depolarizing_error

    noise = NoiseModel(basis_gates=["cx", "rz", "sx", "x"])
    noise.add_all_qubit_quantum_error(depolarizing_error(4 / 3 * E2, 2), ["cx"])
    noise.add_all_qubit_quantum_error(depolarizing_error(2 * E1, 1), ["sx", "x"])
    return AerSimulator(noise_model=noise, coupling_map=CouplingMap.from_line(5))


def test_under_uniform_depolarizing_noise_the_prediction_matches_the_simulation():
    simulator = _uniform_depolarizing_simulator()
    widths = [2, 3, 4]
    predicted = predict_quantum_volume(simulator, widths, trials=100, seed=3,
                                       errors={"cx": E2, "sx": E1, "x": E1})
    simulated = measure_quantum_volume(simulator, widths, trials=100, shots=2000, seed=3)
    below = []
    for p, s in zip(predicted.widths, simulated.widths):
        assert 0 < p["mean_fidelity"] < 1 and p["two_qubit_gates"] > 0
        # an error late in a circuit does not scramble it fully, so the model is pessimistic,
        # more so as width grows; the shot noise of a mean over 100 trials x 2000 shots is
        # about 0.001
        assert s.mean_hop - 0.02 < p["predicted_mean_hop"] < s.mean_hop + 0.005
        below.append(f"{s.mean_hop - p['predicted_mean_hop']:.3f}")
    guide = " ".join((ROOT / "docs" / "guide" / "quantum-volume.md").read_text().split())
    assert (f"the exact simulation's mean HOP exceeds it by {below[0]}, {below[1]} and "
            f"{below[2]} at widths 2, 3 and 4") in guide
    assert predicted.widths[-1]["mean_fidelity"] < predicted.widths[0]["mean_fidelity"]


def test_on_a_fake_device_it_tracks_the_simulation_and_errs_on_the_low_side():
    predicted = predict_quantum_volume("aer:fake_kolkata", [2, 3, 4], trials=100, seed=0)
    simulated = measure_quantum_volume("aer:fake_kolkata", [2, 3, 4], trials=100, seed=0)
    diffs = np.array([p["predicted_mean_hop"] - s.mean_hop
                      for p, s in zip(predicted.widths, simulated.widths)])
    assert np.abs(diffs).max() < 0.03
    assert diffs[-1] < 0.01  # idle errors are left out, yet it does not overshoot


def test_round_trip_and_bad_input(tmp_path):
    pred = predict_quantum_volume("aer:fake_lima", [2], trials=20, seed=0)
    assert QuantumVolumePrediction.load(pred.save(tmp_path / "p.json")) == pred
    assert pred.quantum_volume == 1  # 20 trials never pass
    with pytest.raises(ConfigurationError, match="needs errors="):
        predict_quantum_volume(_uniform_depolarizing_simulator(), [2])
    with pytest.raises(ConfigurationError, match="reported ones"):
        predict_quantum_volume("aer:fake_lima", [2], errors={"cx": 0.1})
    with pytest.raises(ConfigurationError, match="a device's errors"):
        predict_quantum_volume("aer", [2])


def test_cli_predict_writes_the_prediction(tmp_path, capsys):
    from qml.cli import main

    assert main(["qv", "predict", "--backend", "aer:fake_lima", "--widths", "2-3",
                 "--out", str(tmp_path)]) == 0
    pred = QuantumVolumePrediction.load(tmp_path / "prediction.json")
    assert [w["width"] for w in pred.widths] == [2, 3]
    assert f"imply: {pred.quantum_volume}" in capsys.readouterr().out


@pytest.mark.parametrize("width", [3, 4, 5])
def test_the_closed_form_counts_the_gates_of_an_all_to_all_transpilation(width):
    """implied_log2_qv's gate count and fidelity are what the gate-by-gate model gives for a
    model circuit transpiled without a coupling map (three CX per SU(4) block)."""
    from qiskit import transpile

    from circuits.quantum_volume import model_circuits
    from qml.volume.prediction import (
        circuit_fidelity,
        process_infidelity,
        two_qubit_gates_all_to_all,
    )

    (circuit,) = model_circuits(width, 1, seed=11)
    isa = transpile(circuit, basis_gates=["cx", "u"], optimization_level=0)
    assert isa.count_ops()["cx"] == two_qubit_gates_all_to_all(width)
    fidelity = circuit_fidelity(isa, lambda name, q: 0.004 if name == "cx" else 0.0,
                                lambda q: 0.0)
    expected = (1 - process_infidelity(0.004, 2)) ** two_qubit_gates_all_to_all(width)
    assert fidelity == pytest.approx(expected, rel=1e-12)


def test_implied_qv_against_hand_computation_and_its_limits():
    import math

    from qml.volume.prediction import implied_log2_qv

    # e = 0.002: F(n) = (1 - 0.0025) ** (3 n floor(n/2)) must exceed (2/3 - 1/2) / (h - 1/2)
    # with h = (1 + ln 2) / 2: 0.48090; n = 13 (108 gates) gives F = 0.5567, n = 14
    # (147 gates) F = 0.4791, just short.
    need = (2 / 3 - 0.5) / ((1 + math.log(2)) / 2 - 0.5)
    assert need == pytest.approx(0.48090, abs=1e-5)
    assert 0.9975 ** (3 * 13 * 6) > need > 0.9975 ** (3 * 14 * 7)
    assert implied_log2_qv(0.002) == 13
    assert implied_log2_qv(0.002, max_qubits=12) == 12
    # readout lowers it: n = 12 gives 0.5824 * 0.98**12 = 0.4570, n = 11 0.6617 * 0.98**11 = 0.5299
    assert implied_log2_qv(0.002, readout_error=0.02) == 11
    errors = [0.05, 0.01, 0.003, 0.001, 0.0003]
    assert [implied_log2_qv(e) for e in errors] == sorted(implied_log2_qv(e) for e in errors)
    assert implied_log2_qv(0.5) == 1
    for bad in (dict(two_qubit_error=1.2), dict(two_qubit_error=0.01, max_qubits=0),
                dict(two_qubit_error=0.01, readout_error=-0.1)):
        with pytest.raises(ConfigurationError):
            implied_log2_qv(**bad)
