"""The QV-from-errors model against the exact noisy simulation: uniform depolarizing noise,
where the model's assumption holds, and a fake device, where it is an approximation."""

from __future__ import annotations

import numpy as np
import pytest

from qml.errors import ConfigurationError
from qml.volume import (
    QuantumVolumePrediction,
    measure_quantum_volume,
    predict_quantum_volume,
)

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
    for p, s in zip(predicted.widths, simulated.widths):
        assert 0 < p["mean_fidelity"] < 1 and p["two_qubit_gates"] > 0
        # an error late in a circuit does not scramble it fully, so the model is pessimistic,
        # more so as width grows (measured: 0.002, 0.010, 0.015 below at widths 2, 3, 4);
        # the shot noise of a mean over 100 trials x 2000 shots is about 0.001
        assert s.mean_hop - 0.02 < p["predicted_mean_hop"] < s.mean_hop + 0.005
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
